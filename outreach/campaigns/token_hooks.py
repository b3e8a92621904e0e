"""Admin hooks of the "API tokens" page (outreach/campaigns/token_views.py): its URLs, its menu item
for partner users and campaign managers, and its entries in the site history. Imported by
outreach/campaigns/wagtail_hooks.py."""

from typing import Any

from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter

from .permissions import can_use_api_tokens
from .token_views import (
    ISSUE_ACTION,
    ISSUE_LABEL,
    REVOKE_ACTION,
    REVOKE_LABEL,
    ApiTokenIndexView,
    api_token_revoke_view,
)


class ApiTokensMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return can_use_api_tokens(request.user)


@hooks.register("register_admin_urls")
def register_api_token_urls() -> list[Any]:
    return [
        path("api-tokens/", ApiTokenIndexView.as_view(), name="campaigns_api_tokens"),
        path("api-tokens/revoke/", api_token_revoke_view, name="campaigns_api_token_revoke"),
    ]


@hooks.register("register_admin_menu_item")
def register_api_tokens_menu_item() -> MenuItem:
    return ApiTokensMenuItem(
        _("API tokens"), reverse("campaigns_api_tokens"), name="api-tokens", icon_name="key", order=319
    )


@hooks.register("register_log_actions")
def register_api_token_log_actions(actions: Any) -> None:
    # The entry names the token by the first characters of its key, never by the key itself.
    @actions.register_action(ISSUE_ACTION)
    class IssueFormatter(LogFormatter):
        label = ISSUE_LABEL

        def format_message(self, log_entry: Any) -> str:
            return _("Issued API token %(token)s… expiring %(expiry)s") % {
                "token": log_entry.data.get("token", ""),
                "expiry": log_entry.data.get("expiry", "")[:10],
            }

    @actions.register_action(REVOKE_ACTION)
    class RevokeFormatter(LogFormatter):
        label = REVOKE_LABEL

        def format_message(self, log_entry: Any) -> str:
            return _("Revoked API token %(token)s…") % {"token": log_entry.data.get("token", "")}
