import logging
import os
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from kombu import Connection

logger = logging.getLogger(__name__)

# Seconds the readiness check waits for the broker: a load balancer's probe must not hang.
READY_TIMEOUT_SECONDS = 2.0


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 in the site's style, or as JSON under /api/."""
    if _wants_json(request):
        return JsonResponse(
            {"detail": _("Not found.")}, status=404, json_dumps_params={"ensure_ascii": False}
        )
    body = loader.render_to_string("404.html", {"request_path": request.path}, request)
    return HttpResponse(body, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(
            {"detail": _("Server error.")}, status=500, json_dumps_params={"ensure_ascii": False}
        )
    body = loader.render_to_string("500.html", {}, request)
    return HttpResponse(body, status=500)


@never_cache
def liveness(request: HttpRequest) -> JsonResponse:
    """The process answers; says nothing about the database or broker."""
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache(alias: str) -> Callable[[], None]:
    def check() -> None:
        cache = caches[alias]
        key = f"health:ready:{uuid.uuid4().hex}"
        cache.set(key, "ok", timeout=10)
        try:
            if cache.get(key) != "ok":
                raise RuntimeError(f"the cache {alias!r} did not return what was just written")
        finally:
            cache.delete(key)

    return check


def _check_broker() -> None:
    url = settings.CELERY_BROKER_URL
    options = dict(getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None) or {})
    if url.startswith("filesystem://"):
        # kombu's filesystem transport "connects" without looking at its folders: check them.
        for name in ("data_folder_in", "data_folder_out", "control_folder"):
            folder = options.get(name)
            if folder and not os.access(folder, os.W_OK | os.X_OK):
                raise RuntimeError(f"the broker folder {name} is missing or not writable")
    with Connection(url, transport_options=options, connect_timeout=READY_TIMEOUT_SECONDS) as broker:
        broker.ensure_connection(
            max_retries=1,
            interval_start=0,
            interval_step=0.2,
            interval_max=0.2,
            timeout=READY_TIMEOUT_SECONDS,
        )


def _readiness_checks() -> dict[str, Callable[[], None]]:
    checks = {"database": _check_database, "cache": _check_cache("default")}
    page_cache = getattr(settings, "WAGTAIL_CACHE_BACKEND", "")
    if (
        page_cache
        and page_cache != "default"
        and settings.CACHES.get(page_cache) != settings.CACHES["default"]
    ):
        checks["page_cache"] = _check_cache(page_cache)
    checks["broker"] = _check_broker
    return checks


@never_cache
def readiness(request: HttpRequest) -> JsonResponse:
    """Whether this process can serve: the database answers, each cache keeps a value, the Celery
    broker accepts a connection. 503 names the failing checks only; the reasons go to the log, since
    they may name hosts."""
    results = {}
    for name, check in _readiness_checks().items():
        try:
            check()
        except Exception:  # any failure means "not ready"; the log keeps the detail
            logger.warning("Readiness check %r failed", name, exc_info=True)
            results[name] = "failed"
        else:
            results[name] = "ok"
    ready = all(result == "ok" for result in results.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": results}, status=200 if ready else 503
    )
