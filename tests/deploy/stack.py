"""The production stack on loopback: gunicorn, Celery worker and beat started with the commands of
deploy/systemd/*.service (read from the unit files, so a change there is what the test runs), nginx
with deploy/nginx/site.conf rendered for loopback, and a browser-like HTTP client."""

import http.cookiejar
import importlib.util
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path

import pytest

from tests.conftest import ROOT, process_groups_stop

UNITS = ROOT / "deploy" / "systemd"
# Where the units expect the virtualenv and the state folders on a production machine.
PRODUCTION_BIN = "/srv/outreach/venv/bin/"
PRODUCTION_FOLDERS = ("/run/outreach/", "/var/lib/outreach/")


def nginx_binary() -> str | None:
    """Debian installs nginx in /usr/sbin, which a non-root PATH often lacks."""
    found = shutil.which("nginx")
    if found:
        return found
    return "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None


def loopback_module():
    """deploy/nginx/loopback.py, which renders site.conf for loopback (deploy/ is not a package)."""
    spec = importlib.util.spec_from_file_location(
        "deploy_nginx_loopback", ROOT / "deploy" / "nginx" / "loopback.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class Unit:
    """What systemd would run for a unit: its command line, as written, and its Environment= lines."""

    command: str
    environment: dict[str, str]
    working_directory: str


def unit_read(name: str) -> Unit:
    command, working_directory, environment = "", "", {}
    for line in (UNITS / name).read_text().splitlines():
        key, _, value = line.partition("=")
        if key == "ExecStart":
            command = value
        elif key == "WorkingDirectory":
            working_directory = value
        elif key == "Environment":
            variable, _, setting = value.partition("=")
            environment[variable] = setting
    assert command, f"{name} has no ExecStart"
    return Unit(command=command, environment=environment, working_directory=working_directory)


def unit_command(
    unit: Unit, *, environment: dict[str, str], specifiers: dict[str, str], state: Path
) -> list[str]:
    """The unit's ExecStart as this machine runs it: this virtualenv's programs, `state` for the folders
    systemd creates (/run/outreach, /var/lib/outreach), %-specifiers and ${VARIABLES} expanded."""
    command = unit.command
    for specifier, value in specifiers.items():
        command = command.replace(f"%{specifier}", value)
    command = re.sub(r"\$\{(\w+)\}", lambda match: environment[match.group(1)], command)
    command = command.replace(PRODUCTION_BIN, f"{Path(sys.executable).parent}/")
    for folder in PRODUCTION_FOLDERS:
        command = command.replace(folder, f"{state}/")
    arguments = shlex.split(command)
    assert not any("%" in argument for argument in arguments), arguments
    assert not any(argument.startswith(("/srv/", "/run/", "/var/")) for argument in arguments), arguments
    return arguments


def replace_option(arguments: list[str], option: str, value: str) -> list[str]:
    """`arguments` with the value after `option` replaced (the unit's socket becomes a loopback port)."""
    index = arguments.index(option)
    return [*arguments[: index + 1], value, *arguments[index + 2 :]]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Started:
    name: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@dataclass
class Stack:
    """Processes started in their own sessions, so that stopping one stops its children too."""

    folder: Path
    started: list[Started] = field(default_factory=list)

    def start(self, name: str, command: list[str], environment: dict[str, str]) -> Started:
        log_path = self.folder / f"{name}.log"
        with log_path.open("w") as log:
            process = subprocess.Popen(  # noqa: S603
                command,
                cwd=ROOT,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        started = Started(name, process, log_path)
        self.started.append(started)
        return started

    def tails(self, size: int = 2500) -> str:
        return "\n".join(f"--- {started.name}\n{started.log()[-size:]}" for started in self.started)

    def wait_for(self, condition: Callable[[], bool], *, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            for started in self.started:
                if started.process.poll() is not None:
                    code = started.process.returncode
                    pytest.fail(f"{started.name} exited ({code}) while waiting for {what}:\n{self.tails()}")
            time.sleep(0.2)
        pytest.fail(f"Timed out after {timeout}s waiting for {what}.\n{self.tails()}")

    def stop(self) -> None:
        process_groups_stop([started.process for started in self.started])


@dataclass
class Response:
    status: int
    headers: Message
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class TlsStandIn(http.cookiejar.DefaultCookiePolicy):
    """nginx on loopback stands in for the TLS server (it tells Django the request came over HTTPS),
    so the Secure cookies Django sets go back to it, as a browser sends them back to the real site."""

    def return_ok_secure(self, cookie: http.cookiejar.Cookie, request: urllib.request.Request) -> bool:
        return True


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Browser:
    """Requests to nginx as a browser sends them: a cookie jar, no redirect followed unasked, and an
    Origin and Referer on every POST."""

    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.origin = f"https://127.0.0.1:{port}"
        self.cookies = http.cookiejar.CookieJar(policy=TlsStandIn())
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect()
        )

    def request(
        self, path: str, *, data: dict[str, str] | None = None, headers: dict[str, str] | None = None
    ) -> Response:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers or {})  # noqa: S310
        try:
            with self.opener.open(request, timeout=15) as answer:
                return Response(answer.status, answer.headers, answer.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, error.headers, error.read())

    def get(self, path: str, **headers: str) -> Response:
        return self.request(path, headers={key.replace("_", "-"): value for key, value in headers.items()})

    def post(self, path: str, data: dict[str, str], *, referer: str) -> Response:
        headers = {"Origin": self.origin, "Referer": self.origin + referer}
        return self.request(path, data=data, headers=headers)

    def cookie(self, name: str) -> str | None:
        return next((cookie.value for cookie in self.cookies if cookie.name == name), None)

    def answers(self, path: str) -> bool:
        try:
            return self.get(path).status == 200
        except OSError:
            return False


def unit_environment(unit: Unit, *, state: Path) -> dict[str, str]:
    """The unit's Environment= lines, with the folders systemd creates moved under `state`."""
    environment = {}
    for variable, value in unit.environment.items():
        for folder in PRODUCTION_FOLDERS:
            value = value.replace(folder, f"{state}/")
        environment[variable] = value
    return environment
