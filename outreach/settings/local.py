"""The embedded default for trying the platform on one machine: SQLite, filesystem broker, DEBUG."""

from pathlib import Path

from .base import *  # noqa: F403
from .base import STATIC_ROOT, env

DEBUG = env.bool("DEBUG", default=True)
# Local only: a fixed development key, never used by production settings.
SECRET_KEY = env.str("SECRET_KEY", default="local-development-key-not-for-production")  # noqa: S105
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "0.0.0.0"])  # noqa: S104  # nosec B104
# Local only: a fixed, public Fernet key so `make run` works out of the box. Help requests written
# with it are readable by anyone with this checkout; production has no default (see base.py).
HELPLINE_ENCRYPTION_KEYS = env.list(
    "HELPLINE_ENCRYPTION_KEYS", default=["bG9jYWwtZGV2ZWxvcG1lbnQta2V5LW5vdC1zZWNyZXQ="]
)
# The same for grantees' papers and contacts: public, local only.
GRANTS_ENCRYPTION_KEYS = env.list(
    "GRANTS_ENCRYPTION_KEYS", default=["bG9jYWwtZGV2ZWxvcG1lbnQtZ3JhbnRzLWtleS1vayE="]
)
# A newcomer logs in as the demo superuser without an authenticator app. Set it to true in .env to
# try the second factor; production always asks (base.py).
WAGTAIL_2FA_REQUIRED = env.bool("WAGTAIL_2FA_REQUIRED", default=False)

# WhiteNoise looks in STATIC_ROOT at start-up; outside production it is empty but must exist.
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
