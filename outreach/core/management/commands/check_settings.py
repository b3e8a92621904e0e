import ipaddress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections
from django.utils.translation import gettext as _

# Values committed in outreach/settings/local.py and test.py, so known to anyone with the code.
PUBLIC_SECRET_KEYS = frozenset(
    {"local-development-key-not-for-production", "test-key-only-for-the-test-suite"}
)
PUBLIC_ENCRYPTION_KEYS = frozenset(
    {
        "bG9jYWwtZGV2ZWxvcG1lbnQta2V5LW5vdC1zZWNyZXQ=",
        "bG9jYWwtZGV2ZWxvcG1lbnQtZ3JhbnRzLWtleS1vayE=",
        "dGVzdC1rZXktb25seS1mb3ItdGhlLXRlc3Qtc3VpdGU=",
        "dGVzdC1ncmFudHMta2V5LW9ubHktZm9yLXRlc3RzISE=",
    }
)
# The demo logins `make run` creates (cms/demo.py, cms/demo_campaigns.py), each with its password
# written in a file under VAR_DIR.
DEMO_LOGINS = (("admin", "admin-password.txt"), ("eu-partner", "partner-password.txt"))
# Django's own rule for a strong key (django.core.checks.security.base).
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# Caches that each process keeps for itself: a flood limit counted there is per process.
PROCESS_LOCAL_CACHES = frozenset(
    {"django.core.cache.backends.locmem.LocMemCache", "django.core.cache.backends.dummy.DummyCache"}
)


@dataclass(frozen=True)
class Finding:
    code: str
    message: str


def is_loopback(host: str) -> bool:
    """A Unix socket (empty or a path), localhost or a loopback address."""
    host = host.strip().strip("[]")
    if not host or host.startswith("/") or host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _secret_key() -> list[Finding]:
    try:
        key = settings.SECRET_KEY or ""
    except ImproperlyConfigured:
        # Django refuses to read an empty key at all.
        key = ""
    if not key:
        return [Finding("secret-key", _("SECRET_KEY is empty."))]
    if key in PUBLIC_SECRET_KEYS or key.startswith("django-insecure"):
        return [Finding("secret-key", _("SECRET_KEY is a development key published with the code."))]
    if len(key) < SECRET_KEY_MIN_LENGTH or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        return [
            Finding(
                "secret-key",
                _("SECRET_KEY is too short or too plain: use at least %(length)d random characters.")
                % {"length": SECRET_KEY_MIN_LENGTH},
            )
        ]
    return []


def _encryption_keys() -> list[Finding]:
    findings = []
    for setting in ("HELPLINE_ENCRYPTION_KEYS", "GRANTS_ENCRYPTION_KEYS"):
        keys = [key.strip() for key in getattr(settings, setting, None) or [] if key and key.strip()]
        if not keys:
            findings.append(Finding(setting.lower(), _("%(setting)s is empty.") % {"setting": setting}))
        elif PUBLIC_ENCRYPTION_KEYS.intersection(keys):
            findings.append(
                Finding(
                    setting.lower(),
                    _(
                        "%(setting)s holds a development key published with the code: anyone can read "
                        "what it encrypts. Put a new key first, re-encrypt, then remove the published one."
                    )
                    % {"setting": setting},
                )
            )
    return findings


def _demo_logins() -> list[Finding]:
    findings = []
    users = get_user_model().objects
    for username, filename in DEMO_LOGINS:
        password_file = Path(settings.VAR_DIR) / filename
        if not password_file.is_file():
            continue
        password = password_file.read_text(encoding="utf-8").strip()
        try:
            user = users.filter(username=username, is_active=True).first()
        except DatabaseError:
            return [Finding("demo-login", _("The database could not be reached to check the demo logins."))]
        if user is not None and password and user.check_password(password):
            findings.append(
                Finding(
                    "demo-login",
                    _(
                        "The demo user “%(username)s” can still sign in with the password in %(file)s: "
                        "change the password or deactivate the user."
                    )
                    % {"username": username, "file": password_file},
                )
            )
    return findings


def _database() -> list[Finding]:
    findings = []
    for alias in connections:
        database = connections[alias].settings_dict
        if database.get("ENGINE", "").endswith("sqlite3"):
            continue
        if not database.get("PASSWORD") and not is_loopback(str(database.get("HOST") or "")):
            findings.append(
                Finding(
                    "database-password",
                    _("The database “%(alias)s” is reached over the network without a password.")
                    % {"alias": alias},
                )
            )
    return findings


def _email() -> list[Finding]:
    if settings.EMAIL_BACKEND != SMTP_BACKEND or is_loopback(settings.EMAIL_HOST or ""):
        return []
    if settings.EMAIL_USE_TLS or settings.EMAIL_USE_SSL:
        return []
    return [
        Finding(
            "email-tls",
            _(
                "Mail goes to another host over plain SMTP, passwords and messages readable on the way: "
                "use smtp+tls:// (STARTTLS) or smtp+ssl:// in EMAIL_URL."
            ),
        )
    ]


def findings() -> list[Finding]:
    """Every weak setting of the running configuration, in a fixed order."""
    found = []
    if settings.DEBUG:
        found.append(Finding("debug", _("DEBUG is on: error pages show code and settings to anyone.")))
    found += _secret_key()
    if "*" in settings.ALLOWED_HOSTS:
        found.append(Finding("allowed-hosts", _("ALLOWED_HOSTS accepts any host name (“*”).")))
    found += _encryption_keys()
    found += _demo_logins()
    found += _database()
    found += _email()
    if not settings.SESSION_COOKIE_SECURE:
        found.append(
            Finding(
                "session-cookie",
                _("SESSION_COOKIE_SECURE is off: the sign-in cookie can travel over plain HTTP."),
            )
        )
    if not settings.CSRF_COOKIE_SECURE:
        found.append(
            Finding(
                "csrf-cookie", _("CSRF_COOKIE_SECURE is off: the CSRF cookie can travel over plain HTTP.")
            )
        )
    if not (getattr(settings, "ANYMAIL", None) or {}).get("WEBHOOK_SECRET"):
        found.append(
            Finding(
                "anymail-webhook-secret",
                _("ANYMAIL_WEBHOOK_SECRET is empty: anyone could post bounces and suppress any address."),
            )
        )
    if not getattr(settings, "AXES_ENABLED", True):
        found.append(
            Finding("login-throttle", _("Failed sign-ins are not throttled (LOGIN_THROTTLE_ENABLED is off)."))
        )
    if not getattr(settings, "WAGTAIL_2FA_REQUIRED", True):
        found.append(
            Finding(
                "two-factor", _("The second sign-in factor is not required (WAGTAIL_2FA_REQUIRED is off).")
            )
        )
    if settings.CACHES["default"]["BACKEND"] in PROCESS_LOCAL_CACHES:
        found.append(
            Finding(
                "cache",
                _(
                    "The default cache is kept in each process, so the flood limits of the forms and of "
                    "signing in count per process: set CACHE_URL to a shared Redis."
                ),
            )
        )
    return found


class Command(BaseCommand):
    help = (
        "Report weak settings of this configuration (debug, keys, hosts, cookies, mail, demo logins, "
        "secrets) without printing any secret; exits with status 1 when there is one (docs/operations.md)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        found = findings()
        if not found:
            self.stdout.write(_("No weak settings found."))
            return
        self.stdout.write(_("Weak settings found:"))
        for finding in found:
            self.stdout.write(f"  [{finding.code}] {finding.message}")
        raise CommandError(
            _("%(count)d weak settings; fix them before serving the site.") % {"count": len(found)}
        )
