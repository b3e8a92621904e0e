"""`manage.py check_settings`: each weak setting is reported by name, without its value, and makes the
command fail; a production-like configuration passes."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import translation

from tests.conftest import database_url_for_worker
from tests.core.test_settings import PRODUCTION_ENV
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
STRONG_SECRET_KEY = "k3#Vq9!zT2@pL7$wX4%nR8^bM1&cJ6*hF5(dG0)sA-yE+uW=iO?"  # noqa: S105
SMTP = "django.core.mail.backends.smtp.EmailBackend"
REDIS = "django.core.cache.backends.redis.RedisCache"


@pytest.fixture(autouse=True)
def in_english():
    # The commands' messages are asserted in the source language, whatever the site's default is.
    with translation.override("en"):
        yield


@pytest.fixture
def production_like(settings, tmp_path):
    """Settings as a careful production deploy has them; each test then weakens one."""
    settings.LANGUAGE_CODE = "en"
    settings.DEBUG = False
    settings.SECRET_KEY = STRONG_SECRET_KEY
    settings.ALLOWED_HOSTS = ["outreach.example.org"]
    settings.HELPLINE_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    settings.GRANTS_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    settings.VAR_DIR = tmp_path
    settings.EMAIL_BACKEND = SMTP
    settings.EMAIL_HOST = "smtp.example.org"
    settings.EMAIL_USE_TLS = True
    settings.EMAIL_USE_SSL = False
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.ANYMAIL = {"WEBHOOK_SECRET": "provider:a-long-random-webhook-password"}
    settings.AXES_ENABLED = True
    settings.WAGTAIL_2FA_REQUIRED = True
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": REDIS, "LOCATION": "redis://127.0.0.1:6379/9"},
    }
    return settings


def check() -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("check_settings", stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


def codes(report: str) -> list[str]:
    return [line.split("]")[0].strip(" [") for line in report.splitlines() if line.startswith("  [")]


def test_a_production_like_configuration_has_no_weak_setting(production_like):
    assert check() == (0, "No weak settings found.\n")


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"DEBUG": True}, "debug"),
        ({"SECRET_KEY": ""}, "secret-key"),
        ({"SECRET_KEY": "short-but-random-Qx7"}, "secret-key"),
        ({"SECRET_KEY": "a" * 60}, "secret-key"),
        ({"SECRET_KEY": "django-insecure-" + STRONG_SECRET_KEY}, "secret-key"),
        ({"SECRET_KEY": "local-development-key-not-for-production"}, "secret-key"),
        ({"ALLOWED_HOSTS": ["outreach.example.org", "*"]}, "allowed-hosts"),
        ({"HELPLINE_ENCRYPTION_KEYS": []}, "helpline_encryption_keys"),
        (
            {"HELPLINE_ENCRYPTION_KEYS": ["bG9jYWwtZGV2ZWxvcG1lbnQta2V5LW5vdC1zZWNyZXQ="]},
            "helpline_encryption_keys",
        ),
        ({"GRANTS_ENCRYPTION_KEYS": [""]}, "grants_encryption_keys"),
        (
            {"GRANTS_ENCRYPTION_KEYS": ["bG9jYWwtZGV2ZWxvcG1lbnQtZ3JhbnRzLWtleS1vayE="]},
            "grants_encryption_keys",
        ),
        ({"EMAIL_USE_TLS": False}, "email-tls"),
        ({"SESSION_COOKIE_SECURE": False}, "session-cookie"),
        ({"CSRF_COOKIE_SECURE": False}, "csrf-cookie"),
        ({"ANYMAIL": {"WEBHOOK_SECRET": ""}}, "anymail-webhook-secret"),
        ({"AXES_ENABLED": False}, "login-throttle"),
        ({"WAGTAIL_2FA_REQUIRED": False}, "two-factor"),
        ({"CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}}, "cache"),
    ],
)
def test_each_weak_setting_is_reported_and_fails_the_command(production_like, change, code):
    # given one weakened setting
    for name, value in change.items():
        setattr(production_like, name, value)
    # when
    status, report = check()
    # then it alone is reported, and the command fails
    assert status == 1
    assert codes(report) == [code]
    assert "1 weak settings; fix them before serving the site." in report
    # and no secret value is printed
    for value in change.values():
        if isinstance(value, str) and len(value) > 8:
            assert value not in report


def test_mail_over_plain_smtp_is_fine_on_loopback_and_over_ssl(production_like):
    production_like.EMAIL_USE_TLS = False
    production_like.EMAIL_HOST = "127.0.0.1"
    assert check()[0] == 0
    production_like.EMAIL_HOST = "smtp.example.org"
    production_like.EMAIL_USE_SSL = True
    assert check()[0] == 0


def test_a_database_without_password_is_reported_only_off_loopback(production_like, monkeypatch):
    # given a PostgreSQL database reached over the network without a password
    monkeypatch.setitem(connection.settings_dict, "ENGINE", "django.db.backends.postgresql")
    monkeypatch.setitem(connection.settings_dict, "PASSWORD", "")
    monkeypatch.setitem(connection.settings_dict, "HOST", "db.internal.example.org")
    # then
    status, report = check()
    assert (status, codes(report)) == (1, ["database-password"])
    assert "db.internal.example.org" not in report
    # and on loopback or a Unix socket it is not reported
    for host in ("127.0.0.1", "localhost", "::1", "", "/var/run/postgresql"):
        monkeypatch.setitem(connection.settings_dict, "HOST", host)
        assert check()[0] == 0, host


def test_the_demo_administrator_with_the_written_down_password_is_reported(production_like):
    # given the demo administrator `make run` creates, with its password still in var/
    password = "demo-password-kept-in-var"  # noqa: S105
    (production_like.VAR_DIR / "admin-password.txt").write_text(password + "\n")
    admin = UserFactory(username="admin", password=password, superuser=True)
    # when / then
    status, report = check()
    assert (status, codes(report)) == (1, ["demo-login"])
    assert "“admin”" in report
    assert password not in report
    # and once the password is changed, it is not
    admin.set_password("a new password nobody wrote down")
    admin.save()
    assert check()[0] == 0


def test_the_production_settings_pass_with_a_full_environment():
    # given production settings with every secret set, a shared cache and mail over STARTTLS
    env = {
        **{
            key: value
            for key, value in os.environ.items()
            if key not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY"}
        },
        **PRODUCTION_ENV,
        "DATABASE_URL": database_url_for_worker(),
        "CACHE_URL": "redis://127.0.0.1:6379/9",
        "EMAIL_URL": "smtp+tls://mailer:a-mail-password@smtp.example.org:587",
    }
    # when
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check_settings"], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    # then
    assert result.returncode == 0, result.stdout + result.stderr
    # (in the production settings' language, which the subprocess speaks)
    with translation.override(settings.LANGUAGE_CODE):
        assert result.stdout == translation.gettext("No weak settings found.") + "\n"
    # and without the mail's TLS it fails, naming the problem
    env["EMAIL_URL"] = "smtp://mailer:a-mail-password@smtp.example.org:25"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check_settings"], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "[email-tls]" in result.stdout
    assert "a-mail-password" not in result.stdout + result.stderr
