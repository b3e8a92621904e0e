"""The admin's "API tokens" page: API tokens (django-rest-knox) for partners' systems.

A partner user issues, lists and revokes their own tokens; a campaign manager does so for any partner
user. A token acts as its user, so a partner user's token reads only what they may read
(outreach/campaigns/permissions.py). Knox stores only a hash of each key: the key is shown once,
on the page that issues it, and every token expires. Issuing and revoking are recorded in the
site history against the token's holder.

Routed and put in the menu by outreach/campaigns/token_hooks.py; the rules are in permissions.py,
the reads in selectors.py and the writes in services.py."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from knox.models import AuthToken
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from outreach.core.exceptions import ApplicationError

from .permissions import (
    can_issue_api_token,
    can_manage_partner_users,
    can_revoke_api_token,
    can_use_api_tokens,
    is_partner_user,
)
from .selectors import api_tokens_visible_to, token_holders_for
from .services import (
    DEFAULT_LIFETIME_DAYS,
    ISSUE_ACTION,
    ISSUE_LABEL,
    LIFETIME_CHOICES,
    MAX_LIVE_TOKENS_PER_USER,
    NOT_A_HOLDER,
    NOT_A_LIFETIME,
    REVOKE_ACTION,
    REVOKE_LABEL,
    api_token_issue,
    api_token_revoke,
)

__all__ = ["ISSUE_ACTION", "ISSUE_LABEL", "REVOKE_ACTION", "REVOKE_LABEL"]

User = get_user_model()

# --- Views ------------------------------------------------------------------------------------


class HolderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        membership = getattr(obj, "partner_membership", None)
        name = obj.get_full_name() or obj.get_username()
        return f"{name} ({membership.partner})" if membership else name


class ApiTokenForm(forms.Form):
    holder = HolderChoiceField(
        queryset=User.objects.none(),
        label=_("For"),
        empty_label=_("Choose a partner user"),
        error_messages={"invalid_choice": NOT_A_HOLDER, "required": NOT_A_HOLDER},
    )
    lifetime_days = forms.TypedChoiceField(
        label=_("Expires after"),
        choices=LIFETIME_CHOICES,
        coerce=int,
        initial=DEFAULT_LIFETIME_DAYS,
        error_messages={"invalid_choice": NOT_A_LIFETIME, "required": NOT_A_LIFETIME},
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        holder = self.fields["holder"]
        holder.queryset = token_holders_for(actor=actor)
        if is_partner_user(actor):
            # A partner user issues tokens for themselves only: one choice, already made.
            holder.empty_label = None
            holder.initial = actor.pk
            holder.help_text = _("A token acts as you and reads what you may read.")
        else:
            holder.help_text = _("The token acts as this user and reads what they may read.")


class ApiTokenMixin(WagtailAdminTemplateMixin):
    page_title = _("API tokens")
    header_icon = "key"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_use_api_tokens(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": reverse("campaigns_api_tokens"), "label": self.page_title}]


class ApiTokenIndexView(ApiTokenMixin, TemplateView):
    """Lists the tokens the user may revoke; its form issues a new one and shows the key once."""

    template_name = "campaigns/tokens/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ApiTokenForm(actor=self.request.user))
        context.update(
            tokens=list(api_tokens_visible_to(user=self.request.user)),
            now=timezone.now(),
            is_manager=can_manage_partner_users(self.request.user),
            revoke_url=reverse("campaigns_api_token_revoke"),
            max_live_tokens=MAX_LIVE_TOKENS_PER_USER,
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ApiTokenForm(request.POST, actor=request.user)
        if form.is_valid():
            holder = form.cleaned_data["holder"]
            if not can_issue_api_token(request.user, holder):
                raise PermissionDenied
            try:
                token, key = api_token_issue(
                    holder=holder, actor=request.user, lifetime_days=form.cleaned_data["lifetime_days"]
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                return self._issued(token, key)
        return self.render_to_response(self.get_context_data(form=form))

    def _issued(self, token: AuthToken, key: str) -> HttpResponse:
        # The key lives only in this response: never cached, never put in a message or the session.
        response = TemplateResponse(
            self.request,
            "campaigns/tokens/issued.html",
            {
                **super().get_context_data(),
                "token": token,
                "key": key,
                "index_url": reverse("campaigns_api_tokens"),
                "schema_url": reverse("api:schema"),
            },
        )
        add_never_cache_headers(response)
        return response


@require_POST
def api_token_revoke_view(request: HttpRequest) -> HttpResponse:
    """POST `token` (the token's id on the list): revokes it and goes back to the list."""
    if not can_use_api_tokens(request.user):
        raise PermissionDenied
    token = get_object_or_404(api_tokens_visible_to(user=request.user), digest=request.POST.get("token", ""))
    if not can_revoke_api_token(request.user, token):
        raise PermissionDenied
    prefix, holder = token.token_key[:8], token.user
    api_token_revoke(token=token, actor=request.user)
    messages.success(
        request,
        _("Token %(prefix)s… of %(user)s is revoked: systems using it are refused from now on.")
        % {"prefix": prefix, "user": holder.get_username()},
    )
    return redirect("campaigns_api_tokens")
