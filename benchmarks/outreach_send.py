"""How fast a broadcast goes out end to end, and how much memory the workers need, for a large
audience: freezes N active subscribers into deliveries and sends them through two Celery workers
(one process each) and beat to a loopback SMTP sink in its own process.

Reports the time to freeze the audience, messages per second from the first to the last message the
sink received, the total time until the tick marks the broadcast finished, and the peak RSS of each
worker (sampled every 0.2 s), for each audience size given: memory should stay flat as the audience
grows. Prints figures; never fails on them. Uses whatever DATABASE_URL the environment gives (use a
throwaway database: it migrates it) and Redis on CELERY_BROKER_URL; removes what it created.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/outreach_bench \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/14 .venv/bin/python benchmarks/outreach_send.py --count 100000
"""

import argparse
import asyncio
import contextlib
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DOMAIN = "bench.example.org"


# --- A fast SMTP sink ---------------------------------------------------------------------------


def sink_serve(port: int, count, first, last, ready) -> None:  # noqa: ANN001
    """A minimal SMTP server that accepts every message and counts it (no parsing, no storage)."""

    async def session(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220 sink ESMTP\r\n")
        try:
            while line := await reader.readline():
                verb = line[:4].upper()
                if verb == b"EHLO":
                    writer.write(b"250-sink\r\n250-8BITMIME\r\n250 PIPELINING\r\n")
                elif verb == b"DATA":
                    writer.write(b"354 go ahead\r\n")
                    await reader.readuntil(b"\r\n.\r\n")
                    now = time.monotonic()
                    with count.get_lock():
                        if count.value == 0:
                            first.value = now
                        count.value += 1
                        last.value = now
                    writer.write(b"250 accepted\r\n")
                elif verb == b"QUIT":
                    writer.write(b"221 bye\r\n")
                    await writer.drain()
                    break
                else:  # HELO, MAIL, RCPT, RSET, NOOP
                    writer.write(b"250 OK\r\n")
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            # A client that hangs up mid-conversation has nothing more to send: close our end.
            writer.close()
            return
        writer.close()

    async def main() -> None:
        server = await asyncio.start_server(session, "127.0.0.1", port, backlog=128)
        ready.set()
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- One run ------------------------------------------------------------------------------------


def subscribers_create(count: int) -> None:
    from outreach.audiences.models import Subscriber

    confirmed = __import__("django.utils.timezone", fromlist=["now"]).now()
    for start in range(0, count, 10_000):
        Subscriber.objects.bulk_create(
            (
                Subscriber(
                    email=f"reader{number}@{DOMAIN}",
                    language=("ru", "kk", "kk-latn", "ky")[number % 4],
                    region=("kz-ast", "af", "kg", "")[number % 4],
                    status=Subscriber.Status.ACTIVE,
                    confirmed_at=confirmed,
                    request_source="benchmark",
                    request_wording_version="benchmark",
                )
                for number in range(start, min(count, start + 10_000))
            ),
            batch_size=5000,
        )


def cleanup() -> None:
    from outreach.audiences.models import Audience, Subscriber
    from outreach.broadcasts.models import Broadcast, BroadcastContent, ChannelThrottle, Delivery, Message

    broadcasts = Broadcast.objects.filter(name__startswith="Benchmark")
    Delivery.objects.filter(broadcast__in=broadcasts)._raw_delete(Delivery.objects.db)
    BroadcastContent.objects.filter(broadcast__in=broadcasts).delete()
    broadcasts.delete()
    Message.objects.filter(name__startswith="Benchmark").delete()
    Audience.objects.filter(name__startswith="Benchmark").delete()
    Subscriber.objects.filter(email__endswith=f"@{DOMAIN}")._raw_delete(Subscriber.objects.db)
    ChannelThrottle.objects.filter(channel="email").delete()


def broadcast_create():  # noqa: ANN201
    from django.utils import timezone

    from outreach.audiences.models import Audience
    from outreach.broadcasts.models import Broadcast, Message, MessageVariant

    message = Message.objects.create(name="Benchmark message")
    for language, subject in (("ru", "Новое на этой неделе"), ("kk", "Осы аптадағы жаңалықтар")):
        MessageVariant.objects.create(
            message=message,
            language=language,
            subject=subject,
            body=[
                ("heading", "Ответы, которые стоит прочитать"),
                (
                    "paragraph",
                    "<p>Мы собрали материалы недели: короткие ответы богословов и истории людей.</p>",
                ),
                ("button", {"text": "Читать", "url": "https://example.org/ru/weekly/"}),
            ],
            status=MessageVariant.Status.APPROVED,
            approved_at=timezone.now(),
        )
    audience, _created = Audience.objects.get_or_create(name="Benchmark audience")
    return Broadcast.objects.create(
        name="Benchmark broadcast",
        message=message,
        audience=audience,
        channels=["email"],
        status=Broadcast.Status.SCHEDULED,
        send_at=timezone.now(),
    )


def process_start(env: dict[str, str], folder: Path, name: str, arguments: list[str]) -> subprocess.Popen:
    log = (folder / f"{name}.log").open("w")
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "celery", "-A", "outreach", *arguments, "--loglevel", "WARNING"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


def workers_start(env: dict[str, str], folder: Path) -> list[subprocess.Popen]:
    return [
        process_start(env, folder, name, ["worker", "--pool", "solo", "--without-gossip", "--without-mingle",
                                          "--without-heartbeat", "--hostname", f"bench-{name}-{os.getpid()}@%h"])
        for name in ("worker1", "worker2")
    ]  # fmt: skip


def processes_stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def run(count: int, env: dict[str, str], sink: dict, timeout: float) -> dict[str, object]:  # noqa: C901
    import psutil
    from django.db import connection

    from outreach.broadcasts import pipeline
    from outreach.broadcasts.models import Broadcast
    from outreach.celery import app

    cleanup()
    app.control.purge()
    started = time.perf_counter()
    subscribers_create(count)
    created = time.perf_counter() - started
    broadcast = broadcast_create()
    sink["count"].value = 0
    folder = Path(tempfile.mkdtemp(prefix="outreach-send-"))
    workers = workers_start(env, folder)
    beat = None
    peaks = [0, 0]
    stop = threading.Event()

    def sample() -> None:
        handles = [psutil.Process(worker.pid) for worker in workers]
        while not stop.is_set():
            for index, handle in enumerate(handles):
                with contextlib.suppress(psutil.Error):
                    peaks[index] = max(peaks[index], handle.memory_info().rss)
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        time.sleep(4)  # the workers connect to the broker
        # The freeze runs here, timed, as the tick would run it; its commit enqueues the workers.
        tracemalloc.start()
        began = time.perf_counter()
        pipeline.broadcast_start(broadcast_id=broadcast.pk)
        freeze = time.perf_counter() - began
        freeze_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        # Beat only now: its tick would otherwise start the broadcast itself, untimed. From here
        # it finishes the broadcast and would reap the claims of a worker that died.
        beat = process_start(env, folder, "beat", ["beat", "--schedule", str(folder / "beat-schedule")])
        deadline = time.monotonic() + timeout
        status = ""
        while time.monotonic() < deadline:
            status = Broadcast.objects.filter(pk=broadcast.pk).values_list("status", flat=True).first()
            if status == Broadcast.Status.FINISHED:
                break
            time.sleep(0.5)
        total = time.perf_counter() - began
        counts = pipeline.delivery_counts(broadcast_id=broadcast.pk)
    finally:
        stop.set()
        processes_stop([*workers, *([beat] if beat else [])])
        sampler.join()
    received = sink["count"].value
    elapsed = sink["last"].value - sink["first"].value
    result = {
        "count": count,
        "status": status,
        "create": created,
        "freeze": freeze,
        "freeze_peak": freeze_peak / 2**20,
        "received": received,
        "rate": (received - 1) / elapsed if elapsed > 0 else 0.0,
        "send": elapsed,
        "total": total,
        "rss": [peak / 2**20 for peak in peaks],
        "counts": counts,
        "logs": folder,
    }
    cleanup()
    connection.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000, help="subscribers in the largest run")
    parser.add_argument("--compare", type=int, default=10_000, help="a smaller run first (0: none)")
    parser.add_argument("--chunk", type=int, default=200, help="OUTREACH_CHUNK_SIZE for the workers")
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outreach.settings.local")
    os.environ.setdefault("DEBUG", "false")
    os.environ["OUTREACH_CHANNELS"] = "outreach.broadcasts.channels.email.EmailChannel"
    port = free_port()
    context = multiprocessing.get_context("spawn")
    sink = {"count": context.Value("q", 0), "first": context.Value("d", 0.0), "last": context.Value("d", 0.0)}
    ready = context.Event()
    server = context.Process(
        target=sink_serve, args=(port, sink["count"], sink["first"], sink["last"], ready)
    )
    server.start()
    ready.wait(10)
    env = {
        **os.environ,
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "OUTREACH_EMAIL_RATE": "1000000",
        "OUTREACH_CHUNK_SIZE": str(args.chunk),
        "OUTREACH_TICK_SECONDS": "1",
        "OUTREACH_WORKERS_PER_BROADCAST": "2",
    }
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    print(
        f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}  "
        f"broker: {settings.CELERY_BROKER_URL.split('://')[0]}  workers: 2 (solo)  chunk: {args.chunk}  "
        f"cores: {os.cpu_count()}"
    )
    print(
        "| subscribers | freeze s | freeze peak MiB | received | msg/s | send s | total s "
        "| worker peak RSS MiB | status |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    try:
        for count in [size for size in (args.compare, args.count) if size]:
            result = run(count, env, sink, args.timeout)
            print(
                f"| {result['count']:,} | {result['freeze']:.1f} | {result['freeze_peak']:.1f} | "
                f"{result['received']:,} | {result['rate']:.0f} | {result['send']:.1f} | {result['total']:.1f} | "
                f"{' / '.join(f'{rss:.0f}' for rss in result['rss'])} | {result['status']} |",
                flush=True,
            )
            if result["status"] != "finished":
                print(f"  counts: {result['counts']}  logs: {result['logs']}", flush=True)
    finally:
        server.terminate()
        server.join()


if __name__ == "__main__":
    main()
