"""Test settings: real PostgreSQL and Redis when DATABASE_URL / CELERY_BROKER_URL are set (CI), else
SQLite on a file (so a Celery worker process can share it) and the filesystem transport."""

from pathlib import Path

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL, DATABASES, STATIC_ROOT, VAR_DIR, env, filesystem_broker_options

DEBUG = False
SECRET_KEY = "test-key-only-for-the-test-suite"  # noqa: S105
ALLOWED_HOSTS = ["*"]
# A fixed Fernet key for the suite; tests that rotate keys override this list.
HELPLINE_ENCRYPTION_KEYS = ["dGVzdC1rZXktb25seS1mb3ItdGhlLXRlc3Qtc3VpdGU="]
GRANTS_ENCRYPTION_KEYS = ["dGVzdC1ncmFudHMta2V5LW9ubHktZm9yLXRlc3RzISE="]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pagecache": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
}
# Wagtail's own background tasks (search index, references) run inline during tests.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Celery tasks run inline unless a test starts a real worker (tests/conftest.py: celery_worker).
# The worker process started by the suite sets CELERY_TASK_ALWAYS_EAGER=false so beat really sends.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = str(VAR_DIR / "test-media")
SERVE_MEDIA = True
# The suite's admin_client is a superuser without a device, and Django's test client logs in
# without a request, which django-axes refuses: tests/editorial/test_two_factor.py and
# test_login_throttle.py switch each on for themselves.
WAGTAIL_2FA_REQUIRED = False
AXES_ENABLED = False

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: the worker process started by the suite opens the same database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}

if CELERY_BROKER_URL.startswith("filesystem://"):
    # Apart from var/celery, so a `make run` worker on the same checkout never takes the suite's tasks.
    CELERY_FILESYSTEM_DIR = VAR_DIR / "test-celery"
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker_options(CELERY_FILESYSTEM_DIR)

# WhiteNoise looks in STATIC_ROOT at start-up; outside production it is empty but must exist.
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
