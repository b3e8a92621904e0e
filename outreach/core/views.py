from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache


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
