"""Settings shared by every environment. Values come from the environment (see .env.example)."""

from datetime import timedelta
from pathlib import Path

import django.conf.locale
import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"
# Local state of the embedded default (SQLite file, filesystem broker, uploads); never committed.
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
# A local .env is optional; production reads the real environment only.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Domain apps (import nothing from cms).
    "outreach.core",
    "outreach.grants",
    "outreach.campaigns",
    "outreach.helpline",
    "outreach.audiences",
    "outreach.broadcasts",
    # The public site and its editorial side.
    "cms",
    # Wagtail and its translation workflow.
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    "wagtailcache",
    "wagtail.contrib.search_promotions",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # A second factor (TOTP) for admin users, and throttled logins (docs/decisions/0008-roles.md).
    "wagtail_2fa",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    # Digest schedules as crontab rows editors change in the admin (docs/decisions/0010-outreach-pipeline.md).
    "django_celery_beat",
    # Mail providers' bounce and complaint webhooks, normalised (docs/decisions/0010-outreach-pipeline.md).
    "anymail",
    # Content-Security-Policy headers; its system checks catch settings in the pre-4.0 format
    # (docs/decisions/0012-security-headers.md).
    "csp",
    # API.
    "rest_framework",
    "knox",
    "drf_spectacular",
    # Django.
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # Stores finished anonymous page responses; must come first so it sees the final headers.
    "wagtailcache.cache.UpdateCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Ahead of WhiteNoise so static files get the headers too, and inside the page cache so a stored
    # page keeps them (docs/decisions/0012-security-headers.md).
    "outreach.core.security.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "outreach.core.middleware.LocaleMiddleware",
    "cms.middleware.ScriptVariantMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Asks for the second factor; needs request.user, so after AuthenticationMiddleware.
    "wagtail_2fa.middleware.VerifyUserPermissionsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "cms.middleware.PublicCacheControlMiddleware",
    "cms.middleware.PageViewCountMiddleware",
    # Turns a refused login during a lockout into the lockout page; as close to the views as the
    # page cache allows (https://django-axes.readthedocs.io/en/latest/2_installation.html).
    "axes.middleware.AxesMiddleware",
    # Answers anonymous GETs from the page cache before any view runs; must come last.
    "wagtailcache.cache.FetchFromCacheMiddleware",
]

ROOT_URLCONF = "outreach.urls"
WSGI_APPLICATION = "outreach.wsgi.application"
ASGI_APPLICATION = "outreach.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-db-url
# The embedded default is a SQLite file so that `make run` needs no server.
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web process and the Celery worker write to the same file. Write-ahead logging lets readers
    # go on while one writes; IMMEDIATE takes the write lock when a transaction opens, so two writers
    # queue for up to `timeout` seconds instead of one failing at once with "database is locked".
    # https://docs.djangoproject.com/en/5.2/ref/databases/#sqlite-transaction-behavior
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env.bool(
    "DATABASE_JIT", default=False
):
    # PostgreSQL compiles a query whose estimated cost passes jit_above_cost to machine code first:
    # for the page-sized queries of a web request that takes longer than running them (the grant
    # programmes' risk query spent 760 of its 880 ms compiling). docs/decisions/0013-postgresql-jit.md
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Django 6 behaviour now: a URL typed without a scheme is taken as https.
FORMS_URLFIELD_ASSUME_HTTPS = True

# https://docs.djangoproject.com/en/5.2/topics/cache/#redis ; locmem when no CACHE_URL is set.
CACHES = {
    "default": env.cache_url("CACHE_URL", default="locmemcache://outreach"),
    # Rendered public pages (wagtail-cache); cleared whenever a page or snippet is published or changed.
    # The web server and the worker (which publishes scheduled pages) must share it: by default a
    # folder under var/, PAGE_CACHE_URL=redis://... when they run on several hosts.
    "pagecache": env.cache_url("PAGE_CACHE_URL", default=f"filecache://{VAR_DIR / 'page-cache'}"),
}
# https://docs.coderedcorp.com/wagtail-cache/getting_started/django_settings.html
WAGTAIL_CACHE = env.bool("WAGTAIL_CACHE", default=True)
WAGTAIL_CACHE_BACKEND = "pagecache"
# How long an anonymous reader's browser and any shared cache may reuse a page without asking again.
PUBLIC_PAGE_MAX_AGE = env.int("PUBLIC_PAGE_MAX_AGE", default=300)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Login: second factor and throttling -----------------------------------------------------
# docs/decisions/0008-roles.md
# https://wagtail-2fa.readthedocs.io/en/latest/
# On, a user who enrolled a TOTP device is always asked for a code, and a member of a group holding
# "Enable 2FA" (Administrator, Helpline, Program officer) must enrol one before any other admin
# page opens. Off, nobody is asked: only for the embedded default (local.py) and the suite.
WAGTAIL_2FA_REQUIRED = env.bool("WAGTAIL_2FA_REQUIRED", default=True)
# https://django-axes.readthedocs.io/en/latest/4_configuration.html
# The axes backend comes first: during a lockout the password is not even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env.bool("LOGIN_THROTTLE_ENABLED", default=True)
# After this many failed logins for one username from one address, that pair is refused (the right
# password too) for LOGIN_LOCKOUT_MINUTES. Counting the pair, not the address alone, keeps a
# colleague behind the same office address able to log in; counting it, not the username alone,
# keeps a guesser elsewhere from locking a user out.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A page in the admin's look that says why and for how long, not a bare 403.
AXES_LOCKOUT_CALLABLE = "outreach.core.authentication.lockout_response"
# The address as the production proxy reports it (the same rule as the help form's flood limit).
AXES_CLIENT_IP_CALLABLE = "outreach.core.authentication.client_address"

# --- Security headers ------------------------------------------------------------------------
# docs/decisions/0012-security-headers.md. HSTS and secure cookies are in production.py.
# https://docs.djangoproject.com/en/5.2/ref/middleware/#module-django.middleware.security
SECURE_CONTENT_TYPE_NOSNIFF = True
# No other site learns which page a reader came from: a link out, the quick exit or a video host
# gets no Referer at all (the video player asks for the origin only, static/js/video.js).
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Older browsers without frame-ancestors; Wagtail's preview views allow their own origin themselves.
X_FRAME_OPTIONS = "DENY"
# The only other hosts a public page may ever load from: the video players, once a reader presses
# play (cms/templatetags/cms_tags.py builds their addresses).
VIDEO_FRAME_SOURCES = ["https://www.youtube-nocookie.com", "https://player.vimeo.com"]
# https://django-csp.readthedocs.io/en/latest/configuration.html
# The public site: its own scripts, styles and images only, never inline code, never framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "frame-src": VIDEO_FRAME_SOURCES,
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# The Wagtail and Django admins (outreach.core.security): they write inline scripts and styles
# (Wagtail's choosers, inline panels and date pickers, style attributes), preview uploads as blob:
# URLs, use a data: image in Wagtail's stylesheet, and frame their own preview; still nothing from
# any other host but the video players.
ADMIN_CONTENT_SECURITY_POLICY = {
    "URL_PREFIXES": ["/admin/", "/django-admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "frame-src": ["'self'", *VIDEO_FRAME_SOURCES],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    },
}
# https://github.com/adamchainz/django-permissions-policy : browser features no page of ours uses,
# refused to the page and to every frame in it (the video players included).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "interest-cohort",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
# Wagtail would fetch editors' pictures from gravatar.com and the latest version number from
# wagtail.org in their browsers: requests to other hosts the admin policy refuses anyway.
# https://docs.wagtail.org/en/stable/reference/settings.html#wagtail-gravatar-provider-url
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

# --- Languages -------------------------------------------------------------------------------
# Every language is URL-prefixed, the default (Kazakh, the state language) included; see
# outreach/urls.py. Kazakh comes in Cyrillic (kk) and Latin script (kk-latn); Dari is fa-af (the
# BCP 47 tag browsers send and search engines accept in hreflang), Pashto is ps.
LANGUAGE_CODE = "kk"
LANGUAGES = [
    ("kk", _("Kazakh")),
    ("kk-latn", _("Kazakh (Latin script)")),
    ("ru", _("Russian")),
    ("en", _("English")),
    ("ky", _("Kyrgyz")),
    ("uz", _("Uzbek")),
    ("tg", _("Tajik")),
    ("fa-af", _("Dari")),
    ("ps", _("Pashto")),
    ("ar", _("Arabic")),
]
# Django ships no language data for Pashto, Dari or Kazakh in Latin script: names and direction here,
# compiled catalogues in locale/ (Django only routes a language it finds a catalogue for).
EXTRA_LANG_INFO = {
    # Django's own entries, with the self-names readers use in a language menu.
    "kk": {"bidi": False, "code": "kk", "name": "Kazakh", "name_local": "Қазақша"},
    "uz": {"bidi": False, "code": "uz", "name": "Uzbek", "name_local": "Oʻzbekcha"},
    "tg": {"bidi": False, "code": "tg", "name": "Tajik", "name_local": "Тоҷикӣ"},
    "ar": {"bidi": True, "code": "ar", "name": "Arabic", "name_local": "العربية"},
    "kk-latn": {"bidi": False, "code": "kk-latn", "name": "Kazakh (Latin script)", "name_local": "Qazaqşa"},
    "fa-af": {"bidi": True, "code": "fa-af", "name": "Dari", "name_local": "دری"},
    "ps": {"bidi": True, "code": "ps", "name": "Pashto", "name_local": "پښتو"},
}
django.conf.locale.LANG_INFO.update(EXTRA_LANG_INFO)
LANGUAGES_BIDI = ["ar", "ar-dz", "ckb", "fa", "he", "ps", "ur"]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# The admin interface itself is offered in the languages Wagtail ships catalogues for.
WAGTAILADMIN_PERMITTED_LANGUAGES = [
    ("en", "English"),
    ("ru", "Русский"),
    ("kk", "Қазақ тілі"),
    ("ar", "العربيّة"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Almaty"
USE_I18N = True
USE_TZ = True

# --- Static and media ------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # https://whitenoise.readthedocs.io/en/stable/django.html#add-compression-and-caching-support
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Email -----------------------------------------------------------------------------------
# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-email-url
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Outreach <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Wagtail ---------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = env.str("WAGTAIL_SITE_NAME", default="Outreach")
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default="http://localhost:8000")
# https://docs.wagtail.org/en/stable/topics/search/backends.html#database-backend-default
# On PostgreSQL each page is indexed in its own language's configuration (cms/search_backend.py);
# SQLite, the embedded default, uses Wagtail's FTS5 backend.
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "cms.search_backend"
        if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
        else "wagtail.search.backends.database",
        "SEARCH_CONFIG": "simple",
    }
}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "xlsx", "csv", "txt"]
# Translations are created as drafts; a page is never published with untranslated source text.
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False

# --- Editorial workflow (docs/decisions/0007-review-workflows.md) ----------------------------
# https://docs.wagtail.org/en/stable/reference/settings.html#notifications
# Moderation mails go through the platform's mail backend (EMAIL_URL), once the change is committed
# (cms/workflow_hooks.py), to the members of the group whose task a page has reached.
WAGTAILADMIN_NOTIFICATION_FROM_EMAIL = env.str(
    "WAGTAILADMIN_NOTIFICATION_FROM_EMAIL", default=DEFAULT_FROM_EMAIL
)
WAGTAILADMIN_NOTIFICATION_USE_HTML = True
# Otherwise every superuser gets every review request; the task's group is who has to act on it.
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = False
# https://docs.wagtail.org/en/stable/reference/settings.html#wagtail-finish-workflow-action
# An approved workflow publishes its page even though the last approver may not publish it directly
# (articles, scholars' answers and testimonies: only their workflow publishes them).
WAGTAIL_FINISH_WORKFLOW_ACTION = "cms.workflows.workflow_publish_approved"
# How often beat publishes and unpublishes scheduled pages; tunable so the suite sees it in seconds.
PAGES_PUBLISH_SCHEDULED_INTERVAL_SECONDS = env.float("PAGES_PUBLISH_SCHEDULED_INTERVAL_SECONDS", default=60.0)

# --- API -------------------------------------------------------------------------------------
# https://jazzband.github.io/django-rest-knox/settings/ : a token lives a year unless its issuer
# chooses less (outreach/campaigns/token_views.py always passes the lifetime chosen).
REST_KNOX = {"TOKEN_TTL": timedelta(days=365), "AUTO_REFRESH": False}
# https://www.django-rest-framework.org/api-guide/settings/
REST_FRAMEWORK = {
    # Partners' systems send a django-rest-knox token (`Authorization: Token <key>`): stored hashed,
    # always with an expiry, refused once its user is inactive; issued and revoked on the admin's
    # "API tokens" page (outreach/campaigns/token_views.py). Staff tools use their admin session.
    # Knox comes first so an unauthenticated request is answered 401 with its WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "outreach.core.api.exception_handler",
}
# https://drf-spectacular.readthedocs.io/en/latest/settings.html
SPECTACULAR_SETTINGS = {
    "TITLE": "Outreach platform API",
    "DESCRIPTION": (
        "Read access for partners' and internal tools: partner organisations, joint programmes, "
        "their indicators with targets, and results per reporting period; grant programmes with their "
        "cohorts, awards and aggregate figures (`/grants/`).\n\n"
        "Authenticate with an API token in the `Authorization` header: `Authorization: Token <key>` "
        "(the `knoxApiToken` scheme). A partner user creates their own token, or a campaign manager "
        "issues one for them, on the admin's *API tokens* page; the key is shown once, expires on "
        "the date given there and can be revoked at any time. A partner user's token reads only the "
        "programmes their organisation takes part in: anything else answers 404.\n\n"
        "Lists come a page at a time (`page`; `count`, `next`, `previous`, `results`). Errors are "
        "JSON with a 4xx status: 401 without valid credentials, 403 without the right to read, 404 "
        "for an id or a page that is not there for you, 400 for a filter value that is not valid; "
        "each operation lists the ones it can give."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "PREPROCESSING_HOOKS": ["outreach.core.api.schema_public_endpoints"],
    # Every operation documents its 4xx answers (401, 403, 404, and 400 for filters), in the shapes
    # the API sends them; the enum hook is drf-spectacular's default, kept first.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "outreach.core.api.schema_error_responses",
    ],
    # Indicators list the dimensions they are broken down by, results the one they belong to: one enum.
    "ENUM_NAME_OVERRIDES": {"DimensionEnum": "outreach.campaigns.models.Indicator.Dimension"},
}

# --- Celery ----------------------------------------------------------------------------------
# https://docs.celeryq.dev/en/stable/userguide/configuration.html
# Without CELERY_BROKER_URL the worker and beat use kombu's filesystem transport: no server needed.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_FILESYSTEM_DIR = Path(env.str("CELERY_FILESYSTEM_DIR", default=str(VAR_DIR / "celery")))


def filesystem_broker_options(folder: Path) -> dict[str, object]:
    """Transport options for kombu's filesystem broker in `folder` (created, as kombu expects)."""
    for sub in ("queue", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "control_folder": str(folder / "control"),
        "store_processed": False,
    }


if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker_options(CELERY_FILESYSTEM_DIR)
else:
    # Redis redelivers unacknowledged messages after this; no task is scheduled further ahead.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(VAR_DIR / "celerybeat-schedule")
)
# Beat entries live in code (outreach/celery.py); how often the heartbeat runs is tunable so the
# suite can watch beat fire in seconds.
HEARTBEAT_INTERVAL_SECONDS = env.float("HEARTBEAT_INTERVAL_SECONDS", default=60.0)

# --- Logging ---------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Wagtail runs its index updates as tasks; one INFO line per task drowns the useful output.
        "django_tasks": {"level": "WARNING"},
        # Failed logins and lockouts are WARNINGs (usernames and addresses masked); its INFO lines
        # repeat each of them.
        "axes": {"level": "WARNING"},
    },
}

# --- Helpline (confidential help requests) ----------------------------------------------------
# A help request's message and contact are encrypted at rest with these Fernet keys, comma-separated
# (docs/decisions/0003-encryption-of-help-requests.md). The FIRST key encrypts; every key decrypts,
# so a rotation puts the new key first, runs `manage.py helpline_reencrypt`, then drops the old one.
# https://cryptography.io/en/latest/fernet/#cryptography.fernet.MultiFernet
# There is deliberately no default here: local.py and test.py set their own, and the helpline app
# refuses to start (ImproperlyConfigured) without at least one valid key, so production must
# take it from the environment. Generate one with:
#   python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"
HELPLINE_ENCRYPTION_KEYS = env.list("HELPLINE_ENCRYPTION_KEYS", default=[])
# The same for grantees' identity papers and contacts (outreach.grants, GranteeEncryptedField): a key
# list of its own, so neither team's key opens the other's data. Rotated with
# `manage.py grants_reencrypt`.
GRANTS_ENCRYPTION_KEYS = env.list("GRANTS_ENCRYPTION_KEYS", default=[])
# The language of the alumni survey mail and page: a grantee's record keeps no language of its own.
GRANTS_SURVEY_LANGUAGE = env.str("GRANTS_SURVEY_LANGUAGE", default=LANGUAGE_CODE)
# How many help requests one client (a keyed hash of its address, never the address) may send in
# any rolling hour before the public form refuses more. Counted in the default cache, so production
# needs a shared cache (CACHE_URL=redis://...) for the limit to hold across processes.
HELPLINE_SUBMISSIONS_PER_HOUR = env.int("HELPLINE_SUBMISSIONS_PER_HOUR", default=5)

# --- Audiences (digest subscriptions, double opt-in, consent) --------------------------------
# docs/decisions/0004-subscriptions-and-consent.md
# The public site's address, for the links in subscription mails (/<lang>/subscription/...); the
# admin's address unless the public site is served from another host name.
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default=WAGTAILADMIN_BASE_URL)
# https://docs.djangoproject.com/en/5.2/ref/settings/#email-timeout
# Seconds before a mail server that stops answering is given up on (the task then retries later);
# without it a worker would wait forever. Applies to every mail the platform sends.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# The sender of subscription mails. Its name is neutral on purpose: a notification on a shared phone
# must not say what the digest is about. Choose a neutral sending address (and domain) as well.
SUBSCRIPTION_FROM_EMAIL = env.str(
    "SUBSCRIPTION_FROM_EMAIL", default=f"Newsletter <{DEFAULT_FROM_EMAIL.rsplit('<', 1)[-1].rstrip('>')}>"
)
# Days a confirmation link works. Requests nobody confirmed are deleted by the daily purge after
# SUBSCRIPTION_UNCONFIRMED_PURGE_DAYS; keep the two equal so no link outlives its request.
SUBSCRIPTION_CONFIRM_MAX_AGE_DAYS = env.int("SUBSCRIPTION_CONFIRM_MAX_AGE_DAYS", default=7)
SUBSCRIPTION_UNCONFIRMED_PURGE_DAYS = env.int("SUBSCRIPTION_UNCONFIRMED_PURGE_DAYS", default=7)
# Days a link to one's subscription settings works; a fresh one comes with every such mail.
SUBSCRIPTION_PREFERENCES_MAX_AGE_DAYS = env.int("SUBSCRIPTION_PREFERENCES_MAX_AGE_DAYS", default=90)
# Unsubscribe links do not expire unless this is set: a reader must always be able to leave.
SUBSCRIPTION_UNSUBSCRIBE_MAX_AGE_DAYS = env.int("SUBSCRIPTION_UNSUBSCRIBE_MAX_AGE_DAYS", default=None)
# Sign-up flood limits for any rolling hour, counted in the default cache (use a shared cache, e.g.
# CACHE_URL=redis://..., when several processes serve the site). Past the per-client limit (a keyed
# hash of the visitor's address, never the address) the form says "please wait"; past the
# per-address limit nothing more is mailed to that address, and the form does not say so.
SUBSCRIPTION_REQUESTS_PER_CLIENT_PER_HOUR = env.int("SUBSCRIPTION_REQUESTS_PER_CLIENT_PER_HOUR", default=10)
SUBSCRIPTION_REQUESTS_PER_ADDRESS_PER_HOUR = env.int("SUBSCRIPTION_REQUESTS_PER_ADDRESS_PER_HOUR", default=3)

# --- Broadcasts (scheduled outreach) ---------------------------------------------------------
# docs/decisions/0010-outreach-pipeline.md
# The channels a broadcast may use: each a class with the interface of outreach.broadcasts.channels.
OUTREACH_CHANNELS = env.list(
    "OUTREACH_CHANNELS",
    default=[
        "outreach.broadcasts.channels.email.EmailChannel",
        "outreach.broadcasts.channels.telegram.TelegramChannel",
    ],
)
# The most deliveries per second on a channel across every worker (a token bucket in the database).
# Email: what the mail server or provider contract allows. Telegram's Bot API allows about 20
# messages a minute to one channel.
OUTREACH_CHANNEL_RATES = {
    "email": env.float("OUTREACH_EMAIL_RATE", default=2000.0),
    "telegram": env.float("OUTREACH_TELEGRAM_RATE", default=0.3),
}
OUTREACH_DEFAULT_CHANNEL_RATE = env.float("OUTREACH_DEFAULT_CHANNEL_RATE", default=10.0)
# Seconds a channel holds off after the provider answers "slow down" without saying how long.
OUTREACH_THROTTLE_BACKOFF_SECONDS = env.float("OUTREACH_THROTTLE_BACKOFF_SECONDS", default=30.0)
# The sender of broadcasts; as neutral as SUBSCRIPTION_FROM_EMAIL, for the same reason.
OUTREACH_FROM_EMAIL = env.str("OUTREACH_FROM_EMAIL", default=SUBSCRIPTION_FROM_EMAIL)
# The right-hand side of each message's Message-ID (<broadcast-key>.<delivery>@this).
OUTREACH_MESSAGE_ID_DOMAIN = env.str("OUTREACH_MESSAGE_ID_DOMAIN", default="outreach.localhost")
# Which language a reader gets when a message has no approved variant in theirs: the first approved
# one along this chain. Latin-script Kazakh readers read Cyrillic Kazakh before Russian; readers of
# Central Asian languages read Russian; Pashto readers read Dari.
OUTREACH_LANGUAGE_FALLBACKS = {
    "kk-latn": ["kk", "ru"],
    "kk": ["ru"],
    "ky": ["ru"],
    "uz": ["ru"],
    "tg": ["ru"],
    "ps": ["fa-af", "en"],
    "fa-af": ["en"],
    "ar": ["en"],
    "ru": ["en"],
    "en": [],
}
# Deliveries a worker claims at once, and how long its claim lasts before the reaper hands them to
# another worker (a killed worker's claims come back after this long).
OUTREACH_CHUNK_SIZE = env.int("OUTREACH_CHUNK_SIZE", default=50)
OUTREACH_LEASE_SECONDS = env.int("OUTREACH_LEASE_SECONDS", default=60)
# Worker tasks started per broadcast; each works up to OUTREACH_WORK_SLICE_SECONDS, then hands over.
OUTREACH_WORKERS_PER_BROADCAST = env.int("OUTREACH_WORKERS_PER_BROADCAST", default=2)
OUTREACH_WORK_SLICE_SECONDS = env.int("OUTREACH_WORK_SLICE_SECONDS", default=10)
# A broadcast with due deliveries and no progress for this long gets fresh workers from the tick.
OUTREACH_STALL_SECONDS = env.int("OUTREACH_STALL_SECONDS", default=20)
# How often the tick runs: starts due broadcasts and digests, returns expired claims, finishes sends.
OUTREACH_TICK_SECONDS = env.int("OUTREACH_TICK_SECONDS", default=5)
# Attempts per delivery before a temporary failure counts as failed; the wait grows per attempt.
OUTREACH_MAX_ATTEMPTS = env.int("OUTREACH_MAX_ATTEMPTS", default=5)
OUTREACH_RETRY_SECONDS = env.int("OUTREACH_RETRY_SECONDS", default=60)
# The automatic pause looks at the failure rate only after this many attempts.
OUTREACH_FAILURE_SAMPLE = env.int("OUTREACH_FAILURE_SAMPLE", default=50)
# Aggregate counts below this are shown as "fewer than N", so no small group can be singled out.
OUTREACH_MIN_GROUP_SIZE = env.int("OUTREACH_MIN_GROUP_SIZE", default=10)
# Telegram's Bot API (https://core.telegram.org/bots/api); the base URL is configurable so tests talk
# to a fake server on loopback. No token: the channel refuses to send.
TELEGRAM_BOT_API_URL = env.str("TELEGRAM_BOT_API_URL", default="https://api.telegram.org")
TELEGRAM_BOT_TOKEN = env.str("TELEGRAM_BOT_TOKEN", default="")
TELEGRAM_TIMEOUT_SECONDS = env.float("TELEGRAM_TIMEOUT_SECONDS", default=10.0)
# Bounces and complaints from mail servers without a provider (outreach.broadcasts.webhooks): the
# shared secret of the X-Outreach-Signature HMAC-SHA256; empty refuses every request.
OUTREACH_WEBHOOK_SECRET = env.str("OUTREACH_WEBHOOK_SECRET", default="")
# django-anymail's tracking webhooks (https://anymail.dev/en/stable/tips/securing_webhooks/): the
# "user:password" the provider sends as HTTP basic auth. Required in production.
ANYMAIL = {"WEBHOOK_SECRET": env.str("ANYMAIL_WEBHOOK_SECRET", default="")}
# The model whose rows are the topics subscribers and audiences choose (by translation key): the
# CMS's, named here so the domain apps never import the CMS.
OUTREACH_TOPIC_MODEL = "cms.Topic"

# --- Rate limits, uploads (production hardening) ---
# docs/operations.md
# Flood limits per client (a keyed hash of its address, never the address) for the public forms and
# signing in, `scope: (requests, seconds)`, counted in the default cache: set CACHE_URL to Redis so
# every web process shares the count. Past a limit the answer is a 429 page and nothing is stored
# (outreach/core/throttle.py). The help form and the subscription form have limits of their own
# (HELPLINE_SUBMISSIONS_PER_HOUR, SUBSCRIPTION_REQUESTS_PER_CLIENT_PER_HOUR).
RATE_LIMITS = {
    # The buttons of the confirm, settings and unsubscribe pages; a mail program's one-click
    # unsubscribe is never counted, so a reader can always leave.
    "subscription-links": (env.int("SUBSCRIPTION_LINK_POSTS_PER_CLIENT_PER_HOUR", default=30), 3600),
    # Answers sent to the alumni survey page.
    "alumni-survey": (env.int("ALUMNI_SURVEY_POSTS_PER_CLIENT_PER_HOUR", default=10), 3600),
    # Sign-in posts (password, second-factor code, password reset) from one address, whatever the
    # username; django-axes still locks one username from one address after LOGIN_FAILURE_LIMIT.
    "login": (
        env.int("LOGIN_POSTS_PER_CLIENT", default=20),
        env.int("LOGIN_POSTS_WINDOW_SECONDS", default=300),
    ),
}
# Ahead of django-axes, so that a flood is refused before any password is looked at.
MIDDLEWARE.insert(
    MIDDLEWARE.index("axes.middleware.AxesMiddleware"), "outreach.core.throttle.LoginRateLimitMiddleware"
)
# https://docs.wagtail.org/en/stable/reference/settings.html#documents
# An uploaded document must be, by its content, the format its name says (outreach/core/uploads.py).
WAGTAILDOCS_DOCUMENT_FORM_BASE = "outreach.core.document_forms.DocumentForm"
# Through Wagtail's view, which sends X-Content-Type-Options: nosniff and a policy blocking scripts,
# never as a direct link to the stored file.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Every document, PDFs included, is downloaded as an attachment: none opens inside the site.
WAGTAILDOCS_INLINE_CONTENT_TYPES: list[str] = []
