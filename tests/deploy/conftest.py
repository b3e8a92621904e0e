"""Fixtures for the deployment tests: static files collected as production collects them, and the
production stack (nginx, gunicorn, a Celery worker and beat) on loopback against the test database."""

import os
import secrets
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import ROOT, database_url_for_worker
from tests.deploy.stack import (
    Browser,
    Stack,
    free_port,
    loopback_module,
    nginx_binary,
    replace_option,
    unit_command,
    unit_environment,
    unit_read,
)

WEB_UNIT, WORKER_UNIT, BEAT_UNIT = "outreach-web.service", "outreach-worker@.service", "outreach-beat.service"


def environment_file(*, folder: Path, static_root: Path, port: int) -> dict[str, str]:
    """What /etc/outreach/env holds on a production machine, for this test's stack: production
    settings, the test database, the suite's broker, and folders under `folder`."""
    values = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url_for_worker(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "PAGE_CACHE_URL": f"filecache://{folder / 'page-cache'}",
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": str(folder / "media"),
        "WAGTAILADMIN_BASE_URL": f"https://127.0.0.1:{port}",
        "HELPLINE_ENCRYPTION_KEYS": ",".join(settings.HELPLINE_ENCRYPTION_KEYS),
        "GRANTS_ENCRYPTION_KEYS": ",".join(settings.GRANTS_ENCRYPTION_KEYS),
        "ANYMAIL_WEBHOOK_SECRET": f"provider:{secrets.token_urlsafe(24)}",
        "GUNICORN_WORKERS": "2",
        "CELERY_WORKER_CONCURRENCY": "1",
        # The outreach tick every second instead of five, so the send starts at once.
        "OUTREACH_TICK_SECONDS": "1",
    }
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        values["CELERY_FILESYSTEM_DIR"] = str(folder / "celery")
    return values


def process_environment(unit: str, *, folder: Path, env_file: dict[str, str]) -> dict[str, str]:
    """As systemd builds it: a bare environment, the unit's Environment= lines, then the env file."""
    bare = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8", "HOME": str(folder)}
    return {**bare, **unit_environment(unit_read(unit), state=folder / "state"), **env_file}


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory, django_db_setup) -> Path:
    """`manage.py collectstatic` under the production settings (hashed names, compressed copies),
    into a folder of this module's, once."""
    folder = tmp_path_factory.mktemp("static-build")
    static_root = folder / "static"
    env = process_environment(
        WEB_UNIT, folder=folder, env_file=environment_file(folder=folder, static_root=static_root, port=0)
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return static_root


@dataclass
class ProductionStack:
    stack: Stack
    folder: Path
    port: int
    env_file: dict[str, str]
    gunicorn_port: int = 0

    @property
    def static_root(self) -> Path:
        return Path(self.env_file["STATIC_ROOT"])

    @property
    def media_root(self) -> Path:
        return Path(self.env_file["MEDIA_ROOT"])

    def browser(self) -> Browser:
        return Browser(self.port)

    def log(self, name: str) -> str:
        path = self.folder / name
        return path.read_text(errors="replace") if path.exists() else ""

    def _command(self, unit: str, env: dict[str, str]) -> list[str]:
        specifiers = {"i": f"smoke{os.getpid()}", "H": socket.gethostname()}
        return unit_command(
            unit_read(unit), environment=env, specifiers=specifiers, state=self.folder / "state"
        )

    def start_web(self) -> None:
        """gunicorn as outreach-web.service runs it (on a loopback port instead of the socket), and
        nginx in front of it; returns once a request through nginx reaches Django."""
        self.gunicorn_port = gunicorn_port = free_port()
        env = process_environment(WEB_UNIT, folder=self.folder, env_file=self.env_file)
        env["GUNICORN_ACCESS_LOG"] = str(self.folder / "gunicorn-access.log")
        command = replace_option(self._command(WEB_UNIT, env), "--bind", f"127.0.0.1:{gunicorn_port}")
        self.stack.start("gunicorn", command, env)

        nginx_folder = self.folder / "nginx"
        nginx_folder.mkdir()
        config = nginx_folder / "nginx.conf"
        config.write_text(
            loopback_module().render(
                port=self.port,
                upstream=f"127.0.0.1:{gunicorn_port}",
                static_root=self.static_root,
                media_root=self.media_root,
                prefix=nginx_folder,
            )
        )
        nginx = [
            nginx_binary(),
            "-p",
            str(nginx_folder),
            "-e",
            str(nginx_folder / "error.log"),
            "-c",
            str(config),
        ]
        self.stack.start("nginx", nginx, env)
        browser = self.browser()
        self.stack.wait_for(
            lambda: browser.answers("/health/live/"), timeout=60, what="gunicorn behind nginx"
        )

    def start_celery(self, **overrides: str) -> None:
        """One worker instance as outreach-worker@.service runs it and the one beat of
        outreach-beat.service, with `overrides` added to the env file (EMAIL_URL=...)."""
        env_file = {**self.env_file, **overrides}
        worker_env = process_environment(WORKER_UNIT, folder=self.folder, env_file=env_file)
        beat_env = process_environment(BEAT_UNIT, folder=self.folder, env_file=env_file)
        worker = self.stack.start("worker", self._command(WORKER_UNIT, worker_env), worker_env)
        beat = self.stack.start("beat", self._command(BEAT_UNIT, beat_env), beat_env)
        self.stack.wait_for(lambda: " ready." in worker.log(), timeout=60, what="the Celery worker")
        self.stack.wait_for(lambda: "beat: Starting" in beat.log(), timeout=60, what="Celery beat")


@pytest.fixture
def production_stack(transactional_db, tmp_path, collected_static) -> Iterator[ProductionStack]:
    """The production stack on loopback, not started: a test creates its rows, then calls
    `start_web()` and, when it needs them, `start_celery(...)`. Everything stops at the end, before
    the test database is emptied."""
    from outreach.celery import app

    port = free_port()
    (tmp_path / "media").mkdir()
    (tmp_path / "state").mkdir()
    env_file = environment_file(folder=tmp_path, static_root=collected_static, port=port)
    uses_broker_server = not settings.CELERY_BROKER_URL.startswith("filesystem://")
    if uses_broker_server:
        # Leftovers from an interrupted run would be consumed first.
        app.control.purge()
    stack = Stack(folder=tmp_path)
    try:
        yield ProductionStack(stack=stack, folder=tmp_path, port=port, env_file=env_file)
    finally:
        stack.stop()
        if uses_broker_server:
            app.control.purge()
        # Close this process's connections so the test database can be emptied.
        connection.close()
