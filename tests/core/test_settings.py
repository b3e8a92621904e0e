"""Production settings: no secret, no start; with a full environment, `check --deploy` is clean."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "outreach.settings.production",
    "SECRET_KEY": "a-long-random-production-secret-" + "x7Qp2LmZ9vR4tY8wK3nB6cD1fG5hJ0sA",
    "ALLOWED_HOSTS": "outreach.example.org",
    "DATABASE_URL": "sqlite:////tmp/outreach-check.sqlite3",
    "HELPLINE_ENCRYPTION_KEYS": "cHJvZHVjdGlvbi1jaGVjay1rZXktbm90LXNlY3JldCE=",
    "ANYMAIL_WEBHOOK_SECRET": "provider:a-long-random-webhook-password",
    "GRANTS_ENCRYPTION_KEYS": "cHJvZHVjdGlvbi1jaGVjay1ncmFudHMta2V5LW5vdCE=",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "ALLOWED_HOSTS"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "Set the ALLOWED_HOSTS environment variable" in result.stderr


def test_check_deploy_prints_no_warning_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stderr


def test_production_refuses_to_start_without_the_helpline_keys():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "HELPLINE_ENCRYPTION_KEYS"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "HELPLINE_ENCRYPTION_KEYS" in result.stderr


def test_production_refuses_to_start_without_the_mail_webhook_secret():
    # Without it anyone could post a "bounce" and suppress any subscriber's address.
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "ANYMAIL_WEBHOOK_SECRET"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "Set the ANYMAIL_WEBHOOK_SECRET environment variable" in result.stderr


def test_production_refuses_to_start_without_the_grants_keys():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "GRANTS_ENCRYPTION_KEYS"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "Set the GRANTS_ENCRYPTION_KEYS environment variable" in result.stderr
