"""Fixtures for outreach's tests: an outreach manager, email-only channel settings, an SMTP server that refuses
chosen recipients, and real Celery worker and beat processes that a test may start several of and
kill one by one."""

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.db import connection

from outreach.broadcasts.channels import channels_clear
from outreach.core.roles import OUTREACH_MANAGER
from tests.conftest import ROOT, WorkerProcess, database_url_for_worker, process_groups_stop
from tests.factories.users import UserFactory, in_english
from tests.smtp import Inbox, free_port

EMAIL_ONLY = ["outreach.broadcasts.channels.email.EmailChannel"]
# The test settings send mail to locmem whatever EMAIL_URL says; a worker that must reach the test's
# SMTP server (EMAIL_URL=smtp://127.0.0.1:port) switches to Django's SMTP backend before starting.
WORKER_MAIN = (
    "import os, sys, django; django.setup(); from django.conf import settings; "
    "settings.EMAIL_BACKEND = os.environ.get('WORKER_EMAIL_BACKEND', settings.EMAIL_BACKEND); "
    "from outreach.celery import app; app.start(sys.argv[1:])"
)


@pytest.fixture
def manager():
    """A member of the Outreach manager group, reading the admin in English."""
    return in_english(UserFactory(groups=[OUTREACH_MANAGER]))


@pytest.fixture
def pipeline_settings(settings) -> Iterator[None]:
    """The pipeline on email alone (other channels are tested with their own servers), fast enough
    that the rate limit never holds a test up, with messages in English."""
    settings.LANGUAGE_CODE = "en"
    settings.OUTREACH_CHANNELS = EMAIL_ONLY
    settings.OUTREACH_CHANNEL_RATES = {"email": 10000, "telegram": 10000}
    channels_clear()
    yield
    channels_clear()


class RefusingInbox(Inbox):
    """An inbox whose server answers RCPT for chosen addresses with a chosen reply ("550 ...")."""

    def __init__(self) -> None:
        super().__init__()
        self.replies: dict[str, str] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:  # noqa: ANN001
        reply = self.replies.get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"


def smtp_settings_point(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5


@pytest.fixture
def refusing_smtp_server(settings) -> Iterator[RefusingInbox]:
    """Like `smtp_server`, but set `inbox.replies[address] = "450 ..."` to refuse a recipient."""
    inbox = RefusingInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    smtp_settings_point(settings, controller.port)
    try:
        yield inbox
    finally:
        controller.stop()


class CeleryProcesses:
    """Celery worker and beat processes on the configured broker and the test database, each in its
    own session so a test can SIGKILL exactly one of them."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.folder = folder
        self.env = env
        self.started: list[WorkerProcess] = []

    def _start(self, name: str, arguments: list[str]) -> WorkerProcess:
        log_path = self.folder / f"{name}.log"
        command = [sys.executable, "-c", WORKER_MAIN, *arguments, "--loglevel", "INFO"]
        with log_path.open("w") as log:
            process = subprocess.Popen(  # noqa: S603
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        started = WorkerProcess(process, log_path)
        self.started.append(started)
        return started

    def worker(self, name: str) -> WorkerProcess:
        """A worker in one process (`--pool solo`): its tasks run in the process a test may kill."""
        started = self._start(
            name,
            ["worker", "--pool", "solo", "--without-gossip", "--without-mingle", "--without-heartbeat",
             "--hostname", f"{name}-{os.getpid()}@%h"],
        )  # fmt: skip
        started.wait_for(lambda: " ready." in started.log(), timeout=60, what=f"worker {name} to be ready")
        return started

    def beat(self) -> WorkerProcess:
        """The one beat process: it only schedules, so killing a worker never stops the tick."""
        return self._start("beat", ["beat", "--schedule", str(self.folder / "beat-schedule")])

    def logs(self) -> str:
        return "\n".join(process.log() for process in self.started)

    def tails(self, size: int = 2500) -> str:
        """The end of each process's log, named: what a failed wait shows."""
        return "\n".join(f"--- {process.log_path.stem}\n{process.log()[-size:]}" for process in self.started)

    def stop(self) -> None:
        process_groups_stop([started.process for started in self.started])


@pytest.fixture
def celery_processes(transactional_db, tmp_path) -> Iterator[Callable[[dict[str, str]], CeleryProcesses]]:
    """A factory: `celery_processes({"OUTREACH_LEASE_SECONDS": "5", ...})` gives a CeleryProcesses
    whose workers and beat run with those settings on top of the test ones (OUTREACH_* and the
    others are read from the environment; WORKER_EMAIL_BACKEND with EMAIL_URL sends real mail).
    The test process stops running tasks eagerly."""
    from outreach.celery import app

    if django_settings.CELERY_BROKER_URL.startswith("filesystem://"):
        # Leftovers from an interrupted run would be consumed first.
        for folder in ("queue", "control"):
            shutil.rmtree(Path(django_settings.CELERY_FILESYSTEM_DIR) / folder, ignore_errors=True)
            (Path(django_settings.CELERY_FILESYSTEM_DIR) / folder).mkdir(parents=True)
    else:
        app.control.purge()
    made: list[CeleryProcesses] = []

    def make(overrides: dict[str, str]) -> CeleryProcesses:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "outreach.settings.test",
            "DATABASE_URL": database_url_for_worker(),
            "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "OUTREACH_CHANNELS": ",".join(EMAIL_ONLY),
            **overrides,
        }
        processes = CeleryProcesses(tmp_path, env)
        made.append(processes)
        return processes

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield make
    finally:
        app.conf.task_always_eager = eager
        for processes in made:
            processes.stop()
        if not django_settings.CELERY_BROKER_URL.startswith("filesystem://"):
            app.control.purge()
        # Close this process's connections so the test database can be flushed or dropped.
        connection.close()
