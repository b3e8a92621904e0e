"""Signing in to the admin: the second factor's code form, and login throttling for django-axes
(settings WAGTAIL_2FA_* and AXES_*; docs/decisions/0008-roles.md)."""

import math
from collections.abc import Iterator
from typing import Any

from django import forms
from django.conf import settings
from django.forms import BoundField
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail_2fa import forms as two_factor_forms
from wagtail_2fa import views as two_factor_views


class TokenForm(two_factor_forms.TokenForm):
    """wagtail-2fa's code form, naming the device whose code is checked as django-otp requires since
    1.7.2 (wagtail-2fa 1.8.0 names none, so every code would be refused): the user's only device, or
    the one they pick when they have several. A wrong code then counts against that device alone."""

    otp_device = forms.ChoiceField(label=_("Device"), required=False)

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        devices = list(TOTPDevice.objects.devices_for_user(user, confirmed=True))
        self.fields["otp_device"].choices = [(device.persistent_id, device.name) for device in devices]
        self.only_device = devices[0].persistent_id if len(devices) == 1 else ""

    @property
    def extra_fields(self) -> Iterator[tuple[str, BoundField]]:
        # The template renders these after the code field; with one device there is nothing to pick.
        if not self.only_device:
            yield "otp_device", self["otp_device"]

    def clean_otp_device(self) -> str:
        return self.cleaned_data.get("otp_device") or self.only_device


class LoginView(two_factor_views.LoginView):
    """The "enter your code" step after the password (served at wagtail-2fa's own address and name)."""

    form_class = TokenForm


def client_address(request: HttpRequest) -> str:
    """The client's address: behind the production proxy it is the last X-Forwarded-For entry,
    which nginx appends (entries before it come from the client and prove nothing)."""
    forwarded = request.headers.get("X-Forwarded-For", "")
    return forwarded.split(",")[-1].strip() if forwarded else request.META.get("REMOTE_ADDR", "")


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """The page a refused login gets during a lockout: what happened and for how long, in the admin's
    look and the user's language (status 429, never cached)."""
    minutes = math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    response = render(request, "account/login_locked_out.html", {"minutes": minutes}, status=429)
    response["Cache-Control"] = "private, no-store"
    return response
