from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import path
from wagtail import hooks
from wagtail.admin.auth import permission_denied

from .authentication import LoginView


# Ahead of wagtail-2fa's own pattern for the same address, which the first match wins; the name
# stays, so its middleware and templates keep pointing here.
@hooks.register("register_admin_urls", order=-1)
def register_second_factor_login_url() -> list[Any]:
    return [path("2fa/auth", LoginView.as_view(), name="wagtail_2fa_auth")]


# Wagtail lets whoever may add or change users tick "Administrator" (superuser) and change a
# superuser's password. The Administrator group manages users without being superusers, so only a
# superuser may make one or change one: otherwise that group could lift itself past every boundary.
@hooks.register("before_create_user")
def refuse_making_a_superuser(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_superuser and request.method == "POST" and request.POST.get("is_superuser"):
        return permission_denied(request)
    return None


@hooks.register("before_edit_user")
def refuse_changing_a_superuser(request: HttpRequest, user: Any) -> HttpResponse | None:
    if request.user.is_superuser:
        return None
    if user.is_superuser or (request.method == "POST" and request.POST.get("is_superuser")):
        return permission_denied(request)
    return None
