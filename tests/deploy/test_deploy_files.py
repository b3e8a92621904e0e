"""The files of deploy/ checked without a running stack: the environment file documents every
variable the platform reads and holds no usable secret, nginx accepts the TLS site as written,
systemd accepts the units, the compose file runs what the units run with exactly one beat, and the
loopback rendering and the container's health check refuse what they cannot handle."""

import base64
import datetime
import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT
from tests.deploy.stack import loopback_module, nginx_binary, unit_read

DEPLOY = ROOT / "deploy"
ENV_EXAMPLE = DEPLOY / "env.example"
UNIT_FILES = ["outreach-web.service", "outreach-worker@.service", "outreach-beat.service"]
needs_nginx = pytest.mark.skipif(
    nginx_binary() is None, reason="nginx is not installed: `make nginx` installs it"
)


def documented_variables() -> set[str]:
    """Every KEY in env.example, set or commented out."""
    return set(re.findall(r"^#?\s?([A-Z][A-Z0-9_]+)=", ENV_EXAMPLE.read_text(), re.MULTILINE))


def env_file_values(text: str) -> dict[str, str]:
    """The variables an env file sets, read as systemd and Compose read them (comments skipped, one
    pair of surrounding quotes removed)."""
    values = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, _, value = line.partition("=")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def manage(*arguments: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    bare = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8", "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *arguments], cwd=ROOT, env={**bare, **env},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_the_environment_file_documents_every_variable_the_platform_reads():
    # given every variable read by the settings, the gunicorn configuration, the health check, the
    # systemd units and the compose file
    read = set()
    for settings_file in ("base.py", "production.py"):
        text = (ROOT / "outreach" / "settings" / settings_file).read_text()
        read |= set(re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]+)\"", text))
    for script in ("gunicorn.conf.py", "healthcheck.py"):
        read |= set(
            re.findall(r"os\.environ(?:\.get\(|\[)\"([A-Z][A-Z0-9_]+)\"", (DEPLOY / script).read_text())
        )
    for unit in UNIT_FILES:
        text = (DEPLOY / "systemd" / unit).read_text()
        read |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)\}", text)) | set(unit_read(unit).environment)
    read |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)", (DEPLOY / "docker-compose.yml").read_text()))
    # when
    missing = read - documented_variables()
    # then
    assert len(read) > 80
    assert missing == set()


def test_the_environment_file_holds_placeholders_that_production_refuses():
    # given env.example exactly as shipped
    values = env_file_values(ENV_EXAMPLE.read_text())
    # when production starts with it
    result = manage("check", env=values)
    # then every secret is a placeholder, and the first key met is refused with its name
    for name in (
        "SECRET_KEY",
        "HELPLINE_ENCRYPTION_KEYS",
        "GRANTS_ENCRYPTION_KEYS",
        "ANYMAIL_WEBHOOK_SECRET",
    ):
        assert "CHANGE-ME" in values[name], name
    assert values["DJANGO_SETTINGS_MODULE"] == "outreach.settings.production"
    assert result.returncode != 0
    assert "ENCRYPTION_KEYS: key 1 of 1 is not a Fernet key" in result.stderr


def test_the_environment_file_once_filled_in_passes_the_deployment_checks():
    # given env.example with its placeholders replaced as its comments say
    values = env_file_values(ENV_EXAMPLE.read_text())
    values["SECRET_KEY"] = secrets.token_urlsafe(50)
    for name in ("HELPLINE_ENCRYPTION_KEYS", "GRANTS_ENCRYPTION_KEYS"):
        values[name] = base64.urlsafe_b64encode(os.urandom(32)).decode()
    values["ANYMAIL_WEBHOOK_SECRET"] = f"provider:{secrets.token_urlsafe(24)}"
    # when
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=values)
    # then
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def self_signed_certificate(folder: Path) -> None:
    """fullchain.pem and privkey.pem for outreach.example.org, valid for a day."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "outreach.example.org")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    folder.mkdir()
    (folder / "fullchain.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (folder / "privkey.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )


@needs_nginx
def test_nginx_accepts_the_tls_site_as_written(tmp_path):
    # given site.conf inside an http block, with a certificate at its paths and logs under tmp_path
    self_signed_certificate(tmp_path / "tls")
    site = (DEPLOY / "nginx" / "site.conf").read_text()
    assert "ssl_certificate /etc/letsencrypt/live/outreach.example.org/fullchain.pem;" in site
    assert "ssl_certificate_key /etc/letsencrypt/live/outreach.example.org/privkey.pem;" in site
    site = site.replace("/etc/letsencrypt/live/outreach.example.org/", f"{tmp_path}/tls/")
    site = site.replace("/var/log/nginx/", f"{tmp_path}/")
    temporary = "\n".join(
        f"  {directive} {tmp_path}/{directive};" for directive in loopback_module().TEMPORARY_PATHS
    )
    config = tmp_path / "nginx.conf"
    config.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  include {loopback_module().mime_types_path()};\n{temporary}\n{site}\n}}\n"
    )
    # when
    result = subprocess.run(  # noqa: S603
        [nginx_binary(), "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(config)],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    # then
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


def test_the_loopback_rendering_refuses_a_site_file_it_no_longer_recognises(tmp_path):
    # given a site file whose TLS listener was rewritten
    site = (DEPLOY / "nginx" / "site.conf").read_text()
    changed = site.replace("listen 443 ssl http2;", "listen 443 ssl;")
    # when / then
    with pytest.raises(
        ValueError, match=r"no line matching .*listen 443 ssl http2.*update deploy/nginx/loopback\.py"
    ):
        loopback_module().render(
            port=8080, upstream="127.0.0.1:8001", static_root=tmp_path, media_root=tmp_path, prefix=tmp_path,
            user="nobody", mime_types="/etc/nginx/mime.types", site_conf=changed,
        )  # fmt: skip


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_accepts_the_units(tmp_path):
    # given the units, with this virtualenv in place of /srv/outreach/venv (verify wants the programs)
    venv_bin = f"{Path(sys.executable).parent}/"
    for unit in UNIT_FILES:
        text = (DEPLOY / "systemd" / unit).read_text().replace("/srv/outreach/venv/bin/", venv_bin)
        (tmp_path / unit).write_text(text)
    (tmp_path / "outreach-worker@1.service").symlink_to(tmp_path / "outreach-worker@.service")
    # when
    result = subprocess.run(  # noqa: S603
        ["systemd-analyze", "verify", "outreach-web.service", "outreach-beat.service", "outreach-worker@1.service"],  # noqa: S607
        cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    # then
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr.strip() == ""


def test_the_units_run_as_a_dedicated_hardened_user():
    for unit in UNIT_FILES:
        text = (DEPLOY / "systemd" / unit).read_text()
        for line in (
            "User=outreach",
            "EnvironmentFile=/etc/outreach/env",
            "NoNewPrivileges=yes",
            "ProtectSystem=strict",
            "PrivateTmp=yes",
            "Restart=on-failure",
        ):
            assert f"\n{line}\n" in text, (unit, line)
    assert (
        "\nReadWritePaths=/srv/outreach/media\n" in (DEPLOY / "systemd" / "outreach-web.service").read_text()
    )


def test_the_compose_file_runs_what_the_units_run_with_exactly_one_beat():
    # given
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    services = compose["services"]
    web_unit = unit_read("outreach-web.service").command.split()
    beat_unit = unit_read("outreach-beat.service").command.split()
    # then every part of the stack is there
    assert set(services) == {"migrate", "web", "worker", "beat", "nginx", "postgres", "redis"}
    # beat runs in one service only, as the beat unit runs it, and no worker embeds one
    commands = {
        name: command.split() if isinstance(command, str) else command
        for name, service in services.items()
        if (command := service.get("command"))
    }
    runs_beat = [name for name, command in commands.items() if "beat" in command]
    assert runs_beat == ["beat"]
    assert not any("--beat" in command or "-B" in command for command in commands.values())
    assert services["beat"]["command"] == [Path(beat_unit[0]).name, *beat_unit[1:]]
    assert "deploy" not in services["beat"]
    # gunicorn as the web unit runs it, plus a loopback port for the health check
    web_command = services["web"]["command"]
    assert web_command[:5] == [Path(web_unit[0]).name, *web_unit[1:5]]
    assert web_command[-1] == web_unit[-1]
    # nginx with the site file, sharing gunicorn's socket and the uploads
    nginx_volumes = services["nginx"]["volumes"]
    assert "${NGINX_SITE_CONF:-./nginx/site.conf}:/etc/nginx/conf.d/default.conf:ro" in nginx_volumes
    assert "run:/run/outreach" in nginx_volumes and "run:/run/outreach" in services["web"]["volumes"]
    assert "media:/srv/outreach/media:ro" in nginx_volumes
    # the application services read deploy/.env
    for name in ("migrate", "web", "worker", "beat"):
        assert services[name]["env_file"] == ".env", name


def test_the_health_check_fails_when_nothing_answers(tmp_path):
    # given an address where nothing listens
    from tests.deploy.stack import free_port

    env = {
        "PATH": os.environ["PATH"],
        "HEALTHCHECK_ADDRESS": f"127.0.0.1:{free_port()}",
        "ALLOWED_HOSTS": "x.org",
    }
    # when
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(DEPLOY / "healthcheck.py")], env=env, capture_output=True, text=True, timeout=30,
        check=False,
    )  # fmt: skip
    # then
    assert result.returncode == 1
    assert "health check failed" in result.stderr
