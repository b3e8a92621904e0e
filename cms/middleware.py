from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

from cms.transliteration import kazakh_html_to_latin

# A script variant's pages that nobody wrote by hand are its base language's pages, respelled.
RESPELL = {"kk-latn": kazakh_html_to_latin}


class ScriptVariantMiddleware:
    """Respell HTML answered under a script variant's prefix (/kk-latn/...) into that script."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        respell = RESPELL.get(get_language() or "")
        if (
            respell is None
            or response.streaming
            or not response.get("Content-Type", "").startswith("text/html")
            or request.path_info.startswith(("/admin/", "/api/"))
        ):
            return response
        charset = response.charset or "utf-8"
        response.content = respell(response.content.decode(charset)).encode(charset)
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response


class PublicCacheControlMiddleware:
    """Anonymous readers' pages may be reused by browsers and shared caches for a few minutes; anything
    for a signed-in user, or that a view marked otherwise, is left alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.method in ("GET", "HEAD")
            and response.status_code in (200, 404)
            and not response.has_header("Cache-Control")
            and not request.path_info.startswith(("/admin/", "/django-admin/", "/api/", "/health/"))
            and not (hasattr(request, "user") and request.user.is_authenticated)
        ):
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE)
        return response


PAGE_ID_HEADER = "X-Page-Id"


class PageViewCountMiddleware:
    """Count an anonymous reader's view of a page, served fresh or from the page cache. Pages name
    themselves in a response header (cms.pages.counting.CountedPageMixin) that the cache keeps."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from cms.analytics import tally  # models load once the app registry is ready

        self.get_response = get_response
        self.tally = tally

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        page_id = response.get(PAGE_ID_HEADER, "")
        if (
            page_id.isdigit()
            and request.method == "GET"
            and response.status_code == 200
            and not getattr(request, "is_preview", False)
            and not (hasattr(request, "user") and request.user.is_authenticated)
        ):
            self.tally.add(page_id=int(page_id), language=get_language() or "")
        return response
