"""Fixtures shared by the whole suite: the site tree, users by role, and a real Celery worker."""

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection

from cms.analytics import tally
from cms.pages.home import HomePage
from cms.services import site_ensure

# The loopback SMTP server fixture (`smtp_server`) serves every app's mail tests.
pytest_plugins = ["tests.smtp"]

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Say in every run which real parts it uses, so CI's log shows PostgreSQL and Redis were used."""
    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    broker = settings.CELERY_BROKER_URL.split("://", 1)[0]
    return [f"outreach: database={database} broker={broker} chromium={os.path.exists(CHROMIUM)}"]


@pytest.fixture(autouse=True)
def empty_caches() -> Iterator[None]:
    """Each test starts with empty caches: a page cached by one test must not answer in the next."""
    for cache in caches.all():
        cache.clear()
    tally.discard()
    yield


@pytest.fixture
def home(db) -> HomePage:
    """The default-locale home page, with a live translation in every content language."""
    return site_ensure()


@pytest.fixture
def homes(home) -> dict[str, HomePage]:
    return {page.locale.language_code: page for page in HomePage.objects.select_related("locale")}


def database_url_for_worker() -> str:
    """The URL of the database the tests are using right now (the test database, not the main one)."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or "5432"
    return f"postgres://{credentials}@{host}:{port}/{db['NAME']}"


def process_groups_stop(processes: list[subprocess.Popen]) -> None:
    """Stop each process started in its own session, with its children: SIGTERM to every group
    still running, then SIGKILL to any that has not ended 20 s later."""
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


class WorkerProcess:
    def __init__(self, process: subprocess.Popen, log_path: Path) -> None:
        self.process = process
        self.log_path = log_path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_for(self, condition: Callable[[], bool], timeout: float = 60.0, what: str = "condition") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            if self.process.poll() is not None:
                pytest.fail(f"The Celery worker exited ({self.process.returncode}):\n{self.log()[-4000:]}")
            time.sleep(0.25)
        pytest.fail(f"Timed out after {timeout}s waiting for {what}. Worker log:\n{self.log()[-4000:]}")


@pytest.fixture
def celery_worker(transactional_db, tmp_path) -> Iterator[WorkerProcess]:
    """A real `celery worker --beat` process on the configured broker (Redis in CI, the filesystem
    transport otherwise), using the test database. The test process stops running tasks eagerly."""
    from outreach.celery import app

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "outreach.settings.test",
        "DATABASE_URL": database_url_for_worker(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "HEARTBEAT_INTERVAL_SECONDS": "1",
        "PAGES_PUBLISH_SCHEDULED_INTERVAL_SECONDS": "1",
    }
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        # Leftovers from an interrupted run would be consumed first.
        for folder in ("queue", "control"):
            shutil.rmtree(Path(settings.CELERY_FILESYSTEM_DIR) / folder, ignore_errors=True)
            (Path(settings.CELERY_FILESYSTEM_DIR) / folder).mkdir(parents=True)
    else:
        app.control.purge()
    log_path = tmp_path / "worker.log"
    command = [
        sys.executable, "-m", "celery", "-A", "outreach", "worker", "--beat",
        "--schedule", str(tmp_path / "beat-schedule"), "--concurrency", "1", "--pool", "prefork",
        "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--hostname", f"test-{os.getpid()}@%h",
    ]  # fmt: skip
    with log_path.open("w") as log:
        process = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    worker = WorkerProcess(process, log_path)
    try:
        worker.wait_for(lambda: " ready." in worker.log(), timeout=60, what="the worker to be ready")
        yield worker
    finally:
        app.conf.task_always_eager = eager
        process_groups_stop([process])
        # Close this process's connections so the test database can be flushed or dropped.
        connection.close()
