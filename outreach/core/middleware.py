from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware

# Paths outside the language-prefixed public site: a 404 there is final, never a redirect to /<lang>/...
UNPREFIXED_PATHS = (
    "/api/",
    "/admin/",
    "/django-admin/",
    "/health/",
    "/static/",
    "/media/",
    "/documents/",
    "/webhooks/",
)


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's LocaleMiddleware, except that it does not redirect 404s of unprefixed areas.

    The public site's catch-all page route makes every path valid under a language prefix, so the
    stock middleware would answer /api/v1/missing/ with a redirect to /kk/api/v1/missing/.
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if request.path_info.startswith(UNPREFIXED_PATHS):
            response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
            return response
        return super().process_response(request, response)
