from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
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
