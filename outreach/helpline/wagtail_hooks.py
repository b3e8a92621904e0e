from typing import Any

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import LogFormatter

from outreach.core.permissions import RulePermissionPolicy

from .models import HelpRequest
from .permissions import RULES
from .services import LOG_ASSIGN, LOG_TRANSITION, LOG_VIEW
from .views import HelpRequestEditView, HelpRequestForm, HelpRequestIndexView, HelpRequestInspectView


class HelpRequestViewSet(ModelViewSet):
    model = HelpRequest
    icon = "help"
    menu_label = _("Help requests")
    add_to_admin_menu = True
    menu_order = 320
    index_view_class = HelpRequestIndexView
    inspect_view_class = HelpRequestInspectView
    edit_view_class = HelpRequestEditView
    # Never the message or the contact here: a listing is glanced at over shoulders and screenshotted.
    list_display = ["who", "language", "status", "created_at"]
    list_filter = ["status", "who"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "who",
        "language",
        "status",
        "created_at",
        "answered_at",
        "assigned_to",
        "source_page_id",
        "message",
        "contact",
    ]
    # Requests come only from the public form; a copy would be an "add" by another door.
    copy_view_enabled = False
    # Nothing links to a help request, and indexing its link to the assignee would list it on that
    # user's "usage" page for anyone who manages users.
    add_to_reference_index = False
    permission_policy = RulePermissionPolicy(HelpRequest, RULES)

    def get_form_class(self, for_update: bool = False) -> type[HelpRequestForm]:
        return HelpRequestForm


@hooks.register("register_admin_viewset")
def register_help_request_viewset() -> HelpRequestViewSet:
    return HelpRequestViewSet("help_requests")


@hooks.register("register_log_actions")
def register_helpline_log_actions(actions: Any) -> None:
    actions.register_action(LOG_VIEW, _("View help request"), _("Viewed help request"))
    actions.register_action(LOG_ASSIGN, _("Assign help request"), _("Assigned help request"))

    @actions.register_action(LOG_TRANSITION)
    class TransitionFormatter(LogFormatter):
        label = _("Change help request status")

        def format_message(self, log_entry: Any) -> str:
            try:
                return _("Status changed from “%(from)s” to “%(to)s”") % {
                    "from": HelpRequest.Status(log_entry.data["from"]).label,
                    "to": HelpRequest.Status(log_entry.data["to"]).label,
                }
            except (KeyError, ValueError):
                return str(_("Status changed"))
