"""Production: every secret comes from the environment, without a default."""

from .base import *  # noqa: F403
from .base import DATABASES, env

DEBUG = False
# Refuse to start without a real key: env.str raises ImproperlyConfigured when it is missing.
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

# https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
# The other security headers (CSP, Referrer-Policy, Permissions-Policy...) are the same everywhere:
# base.py and docs/decisions/0012-security-headers.md.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# https://docs.djangoproject.com/en/5.2/ref/middleware/#http-strict-transport-security
# Only here: a browser that once saw it over HTTPS refuses plain HTTP to the host and every subdomain
# for a year (preload: from its first visit on), which no development host should ever ask for.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
# Without it anyone could post bounces and suppress any address (django-anymail only warns).
ANYMAIL = {"WEBHOOK_SECRET": env.str("ANYMAIL_WEBHOOK_SECRET")}
# Keep database connections across requests (checked before reuse by CONN_HEALTH_CHECKS).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
