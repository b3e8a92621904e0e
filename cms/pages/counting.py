from typing import Any

from django.http import HttpRequest, HttpResponse


class CountedPageMixin:
    """Names the page in its response so PageViewCountMiddleware can count views, cached ones too."""

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from cms.middleware import PAGE_ID_HEADER

        response = super().serve(request, *args, **kwargs)  # type: ignore[misc]
        response[PAGE_ID_HEADER] = str(self.pk)  # type: ignore[attr-defined]
        return response
