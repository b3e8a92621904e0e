"""The production stack rides out a restart of PostgreSQL and of Redis while it serves readers and
sends a broadcast: the site answers again within seconds of each restart without anyone touching
it, and the broadcast finishes with every recipient getting exactly one copy.

The servers restarted are this test's own: a PostgreSQL cluster (initdb, pg_ctl) and a redis-server,
each on a free loopback port in a folder of its own, never the machine's shared ones. gunicorn,
nginx, a Celery worker and beat run as in tests/deploy/test_stack_smoke.py, with the production
settings, migrated into the private cluster with `manage.py migrate`; the broker, the cache and the
page cache are three database numbers of the private Redis, as deploy/env.example sets them."""

import asyncio
import email.parser
import email.policy
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from aiosmtpd.controller import Controller
from django.conf import settings

from outreach.audiences.models import Subscriber
from outreach.broadcasts.models import Broadcast, Delivery
from tests.conftest import ROOT
from tests.deploy.conftest import WEB_UNIT, ProductionStack, environment_file, process_environment
from tests.deploy.stack import Browser, Stack, free_port, nginx_binary


def postgres_binaries() -> Path | None:
    """The newest PostgreSQL server programs Debian installed (/usr/lib/postgresql/<major>/bin)."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda path: int(path.parent.parent.name)
    )
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def postgres_user() -> str | None:
    """Who runs the private cluster: initdb refuses root, so root hands it to the `postgres` user."""
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid()).pw_name
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return None
    return "postgres" if shutil.which("runuser") else None


pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3",
        reason="the production stack runs on PostgreSQL: set DATABASE_URL=postgres://... (and CELERY_BROKER_URL)",
    ),
    pytest.mark.skipif(
        nginx_binary() is None,
        reason="nginx is not installed: `make nginx` installs Debian's package (as root), or apt-get install nginx",
    ),
    pytest.mark.skipif(
        postgres_binaries() is None,
        reason="PostgreSQL's server programs (initdb, pg_ctl) are not installed: apt-get install postgresql",
    ),
    pytest.mark.skipif(
        postgres_user() is None,
        reason="running as root without a `postgres` user and runuser to start the private cluster",
    ),
    pytest.mark.skipif(
        shutil.which("redis-server") is None or shutil.which("redis-cli") is None,
        reason="redis-server is not installed: apt-get install redis-server",
    ),
]

RECIPIENTS = 300
# The mail server takes this long to accept each message, like a provider under load: with two
# sending tasks the broadcast takes about half a minute, long enough to restart both servers in it.
SMTP_SECONDS_PER_MESSAGE = 0.2
# Seconds within which every probed page must answer 200 again after a server is back.
RECOVERY_LIMIT = 15.0
# The pages a reader's browser keeps asking for: a page the page cache keeps (Redis), a search, which
# is never cached (PostgreSQL on every request), and the readiness check (database, caches, broker).
PROBES = ("/en/", "/en/search/?q=help", "/health/ready/")
MESSAGE_ID_DOMAIN = "faults.example.org"
HEADERS = email.parser.BytesHeaderParser(policy=email.policy.default)
# Run in the private database by `manage.py shell`: the home pages, RECIPIENTS confirmed
# subscribers, and a broadcast to them that is due now.
SEED = f"""
import json
from cms.services import site_ensure
from outreach.audiences.models import Subscriber
from tests.factories.audiences import CONFIRMED_AT
from tests.factories.broadcasts import BroadcastFactory

site_ensure()
Subscriber.objects.bulk_create(
    Subscriber(
        email=f"reader{{number}}@example.org",
        language="ru",
        status=Subscriber.Status.ACTIVE,
        confirmed_at=CONFIRMED_AT,
        request_source="subscribe-form",
        request_wording_version="2026-11-digest-v1",
    )
    for number in range({RECIPIENTS})
)
broadcast = BroadcastFactory(scheduled=True)
print(json.dumps({{"broadcast": broadcast.pk, "key": broadcast.key.hex}}))
"""


# --- Private servers ------------------------------------------------------------------------------


class PrivatePostgres:
    """A PostgreSQL cluster of its own in a temporary folder, listening on 127.0.0.1:<port> only."""

    def __init__(self, user: str) -> None:
        self.bin = postgres_binaries()
        self.user = user
        self.port = free_port()
        # Not under pytest's tmp_path: its parent folder is private to root, which `postgres` cannot enter.
        self.folder = Path(tempfile.mkdtemp(prefix="outreach-faults-pg-"))
        if os.geteuid() == 0:
            entry = pwd.getpwnam(user)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        self.data = self.folder / "data"
        self.log_path = self.folder / "postgresql.log"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/outreach"

    def _run(self, program: str, *arguments: str) -> subprocess.CompletedProcess:
        command = [str(self.bin / program), *arguments]
        if os.geteuid() == 0:
            command = ["runuser", "-u", self.user, "--", *command]
        environment = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8", "HOME": str(self.folder)}
        result = subprocess.run(  # noqa: S603
            command, env=environment, capture_output=True, text=True, timeout=60, check=False
        )
        assert result.returncode == 0, f"{program} failed:\n{result.stdout}{result.stderr}\n{self.log()}"
        return result

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def start(self) -> None:
        self._run("initdb", "--pgdata", str(self.data), "--username", "postgres", "--auth", "trust",
                  "--encoding", "UTF8", "--no-sync")  # fmt: skip
        # Durability is not what this test is about: no fsync keeps migrations quick.
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "--pgdata", str(self.data), "--log", str(self.log_path), "--options", options,
                  "--wait", "start")  # fmt: skip
        self._run("createdb", "--host", "127.0.0.1", "--port", str(self.port), "--username", "postgres",
                  "outreach")  # fmt: skip

    def restart(self) -> None:
        """`pg_ctl restart -m fast`, as an operator restarts it: every session is ended, open
        transactions roll back; returns once the server accepts connections again."""
        self._run("pg_ctl", "--pgdata", str(self.data), "--log", str(self.log_path), "--mode", "fast",
                  "--wait", "restart")  # fmt: skip

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "--pgdata", str(self.data), "--mode", "immediate", "--wait", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


class PrivateRedis:
    """A redis-server of its own on 127.0.0.1:<port> that keeps nothing on disk, so a restart loses
    every queued task and cached page, as a Redis without persistence does."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log_path = folder / "redis.log"

    def url(self, database: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{database}"

    def _answers(self) -> bool:
        probe = subprocess.run(  # noqa: S603
            ["redis-cli", "-p", str(self.port), "ping"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
        return probe.stdout.strip() == "PONG"

    def start(self) -> None:
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(  # noqa: S603
                ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--dir", str(self.folder)],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + 10
        while not self._answers():
            assert self.process.poll() is None, self.log_path.read_text()
            assert time.monotonic() < deadline, f"redis-server did not answer:\n{self.log_path.read_text()}"
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=20)

    def restart(self) -> None:
        """Stop (SIGTERM, as `systemctl restart` sends it) and start again on the same port."""
        self.stop()
        self.start()


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    server = PrivatePostgres(postgres_user())
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def private_redis(tmp_path) -> Iterator[PrivateRedis]:
    folder = tmp_path / "redis"
    folder.mkdir()
    server = PrivateRedis(folder)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def faults_stack(tmp_path, collected_static, private_postgres, private_redis) -> Iterator[ProductionStack]:
    """The production stack, not started, configured for the private servers, whose database is
    migrated; everything started stops at the end, before the servers do."""
    port = free_port()
    (tmp_path / "media").mkdir()
    (tmp_path / "state").mkdir()
    env_file = environment_file(folder=tmp_path, static_root=collected_static, port=port) | {
        "DATABASE_URL": private_postgres.url,
        "CELERY_BROKER_URL": private_redis.url(0),
        "CACHE_URL": private_redis.url(1),
        "PAGE_CACHE_URL": private_redis.url(2),
        "CELERY_WORKER_CONCURRENCY": "2",
        "OUTREACH_MESSAGE_ID_DOMAIN": MESSAGE_ID_DOMAIN,
    }
    migrated = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
        cwd=ROOT, env=process_environment(WEB_UNIT, folder=tmp_path, env_file=env_file),
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    stack = Stack(folder=tmp_path)
    try:
        yield ProductionStack(stack=stack, folder=tmp_path, port=port, env_file=env_file)
    finally:
        stack.stop()


def manage_shell(stack: ProductionStack, code: str) -> str:
    """Run `code` in `manage.py shell` with the stack's environment; its standard output."""
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "--no-startup", "--command", code],
        cwd=ROOT, env=process_environment(WEB_UNIT, folder=stack.folder, env_file=stack.env_file),
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


# --- The mail server and the reader ---------------------------------------------------------------


class SlowInbox:
    """An SMTP handler that takes SMTP_SECONDS_PER_MESSAGE to accept each message and counts every
    accepted copy per recipient, with its Message-ID. Once `hold` is set, it holds its answer to the
    next message (`holding`) until `release` is set, then accepts it: the worker that sent it is then
    known to be between handing the message over and recording that it was accepted."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.copies: Counter[str] = Counter()
        self.message_ids: dict[str, list[str]] = defaultdict(list)
        self.hold = threading.Event()
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001
        await asyncio.sleep(SMTP_SECONDS_PER_MESSAGE)
        if self.hold.is_set() and not self.holding.is_set():
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.02)
        message_id = HEADERS.parsebytes(envelope.content)["Message-ID"]
        with self.lock:
            for address in envelope.rcpt_tos:
                self.copies[address] += 1
                self.message_ids[address].append(message_id)
        return "250 Message accepted for delivery"

    def accepted(self) -> int:
        with self.lock:
            return sum(self.copies.values())


@dataclass
class Probe:
    at: float
    path: str
    status: int  # 0: no answer at all


class Reader(threading.Thread):
    """Asks for PROBES one after the other, as fast as they answer, and records every answer."""

    def __init__(self, port: int) -> None:
        super().__init__(daemon=True)
        self.browser = Browser(port)
        self.probes: list[Probe] = []
        self.stopped = threading.Event()
        self.lock = threading.Lock()

    def run(self) -> None:
        while not self.stopped.is_set():
            for path in PROBES:
                try:
                    status = self.browser.get(path, Accept_Language="en").status
                except OSError:
                    status = 0
                with self.lock:
                    self.probes.append(Probe(time.monotonic(), path, status))
            time.sleep(0.05)

    def since(self, moment: float) -> list[Probe]:
        with self.lock:
            return [probe for probe in self.probes if probe.at >= moment]

    def steady_since(self, moment: float, *, answers: int = 3) -> bool:
        """Each probed page answered 200 at least `answers` times in a row, the last answers, after `moment`."""
        recent = self.since(moment)
        for path in PROBES:
            last = [probe.status for probe in recent if probe.path == path][-answers:]
            if len(last) < answers or any(status != 200 for status in last):
                return False
        return True


@dataclass
class Recovery:
    """What the reader saw from a restart command until the next event."""

    what: str
    outage: float  # from the restart command until the server accepted connections again
    failures: Counter[str]
    # Per page, from the restart command until it answered 200 for good (0: it never failed).
    recovered: dict[str, float]

    def after_return(self, path: str) -> float:
        """How long the page went on failing after the server was back."""
        return max(0.0, self.recovered[path] - self.outage)

    def line(self) -> str:
        pages = ", ".join(
            f"{path} {self.recovered[path]:.2f} s ({self.failures[path]} failed)" for path in PROBES
        )
        return f"{self.what}: server back after {self.outage:.2f} s; every answer 200 again after: {pages}"


def recovery_of(what: str, reader: Reader, *, started: float, back: float, until: float) -> Recovery:
    """Per page, when it answered 200 for good after the restart command (0 if it never failed)."""
    window = [probe for probe in reader.since(started) if probe.at < until]
    failures: Counter[str] = Counter(probe.path for probe in window if probe.status != 200)
    recovered = {}
    for path in PROBES:
        answers = [probe for probe in window if probe.path == path]
        last_failure = max((probe.at for probe in answers if probe.status != 200), default=None)
        if last_failure is None:
            recovered[path] = 0.0
            continue
        first_good = min((probe.at for probe in answers if probe.at > last_failure), default=None)
        assert first_good is not None, f"{path} never answered 200 again after the {what}"
        recovered[path] = first_good - started
    return Recovery(what, back - started, failures, recovered)


def delivery_rows(database_url: str, broadcast_id: int) -> list[tuple[str, int, str]]:
    """(address, delivery id, status) of each of the broadcast's deliveries, read from the private
    database directly (a connection per call: the server may have restarted in between)."""
    delivery, subscriber = Delivery._meta, Subscriber._meta
    query = (
        f"SELECT s.{subscriber.get_field('email').column}, d.{delivery.pk.column}, "  # noqa: S608
        f"d.{delivery.get_field('status').column} FROM {delivery.db_table} d "
        f"JOIN {subscriber.db_table} s ON s.{subscriber.pk.column} = d.{delivery.get_field('subscriber').column} "
        f"WHERE d.{delivery.get_field('broadcast').column} = %s"
    )
    with psycopg.connect(database_url, connect_timeout=5) as connection:
        return connection.execute(query, [broadcast_id]).fetchall()


def broadcast_status(database_url: str, broadcast_id: int) -> str | None:
    table, status = Broadcast._meta.db_table, Broadcast._meta.get_field("status").column
    try:
        with psycopg.connect(database_url, connect_timeout=5) as connection:
            row = connection.execute(
                f"SELECT {status} FROM {table} WHERE {Broadcast._meta.pk.column} = %s",  # noqa: S608
                [broadcast_id],
            ).fetchone()
    except psycopg.OperationalError:
        return None
    return row[0] if row else None


# --- The test -------------------------------------------------------------------------------------


def test_the_site_and_a_send_ride_out_restarts_of_postgresql_and_redis(
    faults_stack, private_postgres, private_redis
):
    # given the home pages, 300 confirmed subscribers and a broadcast to them due now, in the private
    # database; a mail server that takes its time over each message; the site started and a reader
    # asking for its pages all along
    seeded = json.loads(manage_shell(faults_stack, SEED).strip().splitlines()[-1])
    broadcast_id = seeded["broadcast"]
    inbox = SlowInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    faults_stack.start_web()
    reader = Reader(faults_stack.port)
    reader.start()
    recoveries = []
    try:
        faults_stack.stack.wait_for(
            lambda: reader.steady_since(0), timeout=30, what="every probed page to answer 200"
        )
        faults_stack.start_celery(
            EMAIL_URL=f"smtp://127.0.0.1:{controller.port}",
            EMAIL_TIMEOUT="10",
            # Short leases and quick stall detection: a sending task that dies with the database's
            # connection is replaced within seconds, not after the production minute.
            OUTREACH_LEASE_SECONDS="10",
            OUTREACH_STALL_SECONDS="3",
            OUTREACH_WORK_SLICE_SECONDS="5",
            OUTREACH_CHUNK_SIZE="10",
            OUTREACH_WORKERS_PER_BROADCAST="2",
        )
        faults_stack.stack.wait_for(
            lambda: inbox.accepted() >= RECIPIENTS // 5, timeout=60, what="the send to be under way"
        )

        # when PostgreSQL restarts mid-send, while the mail server holds its answer to a message: the
        # worker that sent it can record that it went out only on a new connection
        inbox.hold.set()
        faults_stack.stack.wait_for(
            inbox.holding.is_set, timeout=10, what="the mail server to hold a message"
        )
        sent_before_postgres = inbox.accepted()
        started = time.monotonic()
        private_postgres.restart()
        back = time.monotonic()
        inbox.release.set()
        faults_stack.stack.wait_for(
            lambda: reader.steady_since(back),
            timeout=RECOVERY_LIMIT + 5,
            what="the site after PostgreSQL's restart",
        )
        # and, a few seconds later, Redis (the broker, the cache and the page cache) restarts too
        time.sleep(3)
        recoveries.append(
            recovery_of("PostgreSQL restart", reader, started=started, back=back, until=time.monotonic())
        )
        sent_before_redis = inbox.accepted()
        started = time.monotonic()
        private_redis.restart()
        back = time.monotonic()
        faults_stack.stack.wait_for(
            lambda: reader.steady_since(back),
            timeout=RECOVERY_LIMIT + 5,
            what="the site after Redis's restart",
        )
        time.sleep(3)
        recoveries.append(
            recovery_of("Redis restart", reader, started=started, back=back, until=time.monotonic())
        )
        faults_stack.stack.wait_for(
            lambda: broadcast_status(private_postgres.url, broadcast_id) == Broadcast.Status.FINISHED,
            timeout=90,
            what="the broadcast to finish",
        )
        ready = faults_stack.browser().get("/health/ready/")
    finally:
        inbox.release.set()
        reader.stopped.set()
        reader.join(timeout=20)
        controller.stop()
    for recovery in recoveries:
        print(f"\n{recovery.line()}")  # noqa: T201

    # then both restarts happened while the broadcast was being sent
    assert 0 < sent_before_postgres < sent_before_redis < RECIPIENTS
    # and after each, every page answered 200 again within seconds, and went on answering
    for recovery in recoveries:
        assert max(recovery.after_return(path) for path in PROBES) <= RECOVERY_LIMIT, recovery.line()
    assert ready.status == 200, ready.text
    assert json.loads(ready.body)["status"] == "ok"
    # and every recipient got exactly one copy, with the Message-ID of their own delivery
    rows = delivery_rows(private_postgres.url, broadcast_id)
    addresses = [f"reader{number}@example.org" for number in range(RECIPIENTS)]
    assert {address: inbox.copies[address] for address in addresses} == dict.fromkeys(addresses, 1)
    assert sum(inbox.copies.values()) == RECIPIENTS
    assert dict(inbox.message_ids) == {
        address: [f"<{seeded['key']}.{delivery_id}@{MESSAGE_ID_DOMAIN}>"]
        for address, delivery_id, _status in rows
    }
    # and every delivery is recorded as sent
    assert Counter(status for _address, _delivery_id, status in rows) == {Delivery.Status.SENT: RECIPIENTS}
