"""Requests per second, latency and queries per request of the home page under gunicorn.

Run by hand or in CI (`make bench`); it prints figures and never fails on them. It uses whatever
DATABASE_URL / CELERY_BROKER_URL the environment gives (SQLite when unset).

    .venv/bin/python benchmarks/home_page.py --requests 2000 --concurrency 8 --workers 2
"""

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def prepare() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_demo", "--no-admin", verbosity=0)


def queries_per_request(path: str) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME="localhost")
    client.get(path)  # warm the site-root cache as a running server would be
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    return len(captured)


def wait_until_up(port: int, path: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer {path} within {timeout}s")


def load(port: int, path: str, total: int, concurrency: int) -> tuple[list[float], int, float]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    remaining = iter(range(total))

    def worker() -> None:
        nonlocal errors
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while True:
            with lock:
                if next(remaining, None) is None:
                    return
            started = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                ok = False
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                errors += not ok

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", default="/ru/")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outreach.settings.local")
    os.environ.setdefault("DEBUG", "false")
    # Persistent connections, as production settings have them.
    os.environ.setdefault("CONN_MAX_AGE", "60")
    prepare()
    queries = queries_per_request(args.path)

    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "outreach.wsgi:application",
         "--bind", f"127.0.0.1:{args.port}", "--workers", str(args.workers)],
        cwd=ROOT, env={**os.environ},
    )  # fmt: skip
    try:
        wait_until_up(args.port, args.path)
        load(args.port, args.path, min(100, args.requests), args.concurrency)  # warm-up
        latencies, errors, elapsed = load(args.port, args.path, args.requests, args.concurrency)
    finally:
        server.terminate()
        server.wait(timeout=20)

    latencies.sort()
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000
    from django.conf import settings

    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(
        f"page: {args.path}  database: {database}  gunicorn workers: {args.workers}  concurrency: {args.concurrency}"
    )
    print(f"requests: {len(latencies)}  errors: {errors}  seconds: {elapsed:.2f}")
    print(f"requests/s: {len(latencies) / elapsed:.1f}")
    print(f"latency ms: p50 {statistics.median(latencies) * 1000:.1f}  p99 {p99:.1f}")
    print(f"queries per request: {queries}")


if __name__ == "__main__":
    main()
