"""The "Outreach" menu of the Wagtail admin: messages, broadcasts, digests, audiences, subscribers,
channel targets, suppressed addresses and the emergency stop, each answering to the rules of its
app's permissions.py; the audit log labels of broadcasts; and the banner every admin page shows
while outreach is stopped."""

import json
from typing import Any

from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import LogFormatter

from outreach.audiences.admin_views import RuleCheckedDeleteView, RuleCheckedEditView
from outreach.audiences.wagtail_hooks import AudienceViewSet, SubscriberViewSet, SuppressionViewSet
from outreach.core.permissions import RulePermissionPolicy

from .admin_views import (
    ACTION_LABELS,
    BroadcastCreateView,
    BroadcastEditView,
    BroadcastIndexView,
    BroadcastInspectView,
    BroadcastProgressView,
    BroadcastTransitionView,
    ChannelTargetIndexView,
    DigestCreateView,
    DigestEditView,
    DigestIndexView,
    EmergencyStatusView,
    EmergencyStopView,
    MessageCreateView,
    MessageEditView,
    MessageIndexView,
    MessageInspectView,
    MessageVariantApproveView,
    MessageVariantPreviewView,
    language_name,
)
from .forms import BroadcastForm, ChannelTargetForm, DigestForm, MessageForm, language_select
from .models import Broadcast, ChannelTarget, Digest, Message
from .permissions import (
    BROADCAST_RULES,
    CHANNEL_TARGET_RULES,
    DIGEST_RULES,
    MESSAGE_RULES,
    can_use_emergency_stop,
)
from .services import LOG_APPROVE, LOG_EMERGENCY, LOG_TRANSITION


def _variant_states(message: Message) -> str:
    # The variants are prefetched by messages_visible_to: no query per row.
    return ", ".join(
        f"{variant.language} ({variant.get_status_display()}, v{variant.version})"
        for variant in message.variants.all()
    ) or str(_("No language versions yet"))


class MessageViewSet(ModelViewSet):
    model = Message
    icon = "mail"
    menu_label = _("Messages")
    permission_policy = RulePermissionPolicy(Message, MESSAGE_RULES)
    index_view_class = MessageIndexView
    add_view_class = MessageCreateView
    edit_view_class = MessageEditView
    delete_view_class = RuleCheckedDeleteView
    inspect_view_class = MessageInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False
    search_fields = ["name"]
    search_backend_name = None
    list_display = [
        "name",
        Column("variants", label=_("Language versions"), accessor=_variant_states),
        "updated_at",
    ]
    inspect_view_fields = ["name", "required_languages", "created_at", "updated_at"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("required_languages"),
            InlinePanel(
                "variants",
                label=_("language version"),
                heading=_("Language versions"),
                help_text=_("Changing a version's subject or text makes it a draft to approve again."),
                panels=[
                    FieldPanel("language", widget=language_select()),
                    FieldPanel("subject"),
                    FieldPanel("body"),
                ],
            ),
        ],
        base_form_class=MessageForm,
    )

    def get_urlpatterns(self) -> list[Any]:
        return [
            *super().get_urlpatterns(),
            path("variant/<int:pk>/approve/", MessageVariantApproveView.as_view(), name="approve"),
            path("variant/<int:pk>/preview/", MessageVariantPreviewView.as_view(), name="preview"),
        ]


class BroadcastViewSet(ModelViewSet):
    model = Broadcast
    icon = "mail"
    menu_label = _("Broadcasts")
    permission_policy = RulePermissionPolicy(Broadcast, BROADCAST_RULES)
    index_view_class = BroadcastIndexView
    add_view_class = BroadcastCreateView
    edit_view_class = BroadcastEditView
    delete_view_class = RuleCheckedDeleteView
    inspect_view_class = BroadcastInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False
    search_fields = ["name"]
    search_backend_name = None
    list_display = ["name", "status", "send_at", "audience", "message"]
    list_filter = ["status"]
    inspect_view_fields = [
        "message",
        "digest",
        "audience",
        "channels",
        "campaign",
        "send_at",
        "expires_at",
        "send_at_local_time",
        "quiet_hours_start",
        "quiet_hours_end",
        "failure_threshold_percent",
        "started_at",
        "finished_at",
        "scheduled_by",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("message"),
            FieldPanel("audience"),
            FieldPanel("channels"),
            FieldPanel("campaign"),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("send_at"), FieldPanel("expires_at")]),
                    FieldPanel("send_at_local_time"),
                    FieldRowPanel([FieldPanel("quiet_hours_start"), FieldPanel("quiet_hours_end")]),
                ],
                heading=_("When"),
            ),
            FieldPanel("failure_threshold_percent"),
        ],
        base_form_class=BroadcastForm,
    )

    def get_urlpatterns(self) -> list[Any]:
        return [
            *super().get_urlpatterns(),
            path("progress/<int:pk>/", BroadcastProgressView.as_view(), name="progress"),
            path("transition/<int:pk>/<str:action>/", BroadcastTransitionView.as_view(), name="transition"),
        ]


def _schedule_text(digest: Digest) -> str:
    schedule = digest.schedule
    return (
        f"{schedule.minute} {schedule.hour} {schedule.day_of_month} {schedule.month_of_year} "
        f"{schedule.day_of_week} ({schedule.timezone})"
    )


class DigestViewSet(ModelViewSet):
    model = Digest
    icon = "date"
    menu_label = _("Digests")
    permission_policy = RulePermissionPolicy(Digest, DIGEST_RULES)
    index_view_class = DigestIndexView
    add_view_class = DigestCreateView
    edit_view_class = DigestEditView
    delete_view_class = RuleCheckedDeleteView
    copy_view_enabled = False
    add_to_reference_index = False
    search_fields = ["name"]
    search_backend_name = None
    list_display = [
        "name",
        "audience",
        Column("schedule", label=_("Schedule (crontab)"), accessor=_schedule_text),
        "next_run_at",
        "is_active",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("audience"),
            FieldPanel("channels"),
            FieldPanel("campaign"),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("minute"), FieldPanel("hour")]),
                    FieldRowPanel(
                        [FieldPanel("day_of_week"), FieldPanel("day_of_month"), FieldPanel("month_of_year")]
                    ),
                    FieldPanel("timezone"),
                ],
                heading=_("Schedule"),
                help_text=_("When the digest is sent, in crontab terms, in the time zone below."),
            ),
            FieldPanel("send_at_local_time"),
            FieldPanel("is_active"),
        ],
        base_form_class=DigestForm,
    )


class ChannelTargetViewSet(ModelViewSet):
    model = ChannelTarget
    icon = "site"
    menu_label = _("Channel targets")
    permission_policy = RulePermissionPolicy(ChannelTarget, CHANNEL_TARGET_RULES)
    index_view_class = ChannelTargetIndexView
    edit_view_class = RuleCheckedEditView
    delete_view_class = RuleCheckedDeleteView
    copy_view_enabled = False
    add_to_reference_index = False
    search_fields = ["name", "address"]
    search_backend_name = None
    list_display = [
        "name",
        "channel",
        Column("language", label=_("Language"), accessor=lambda target: language_name(target.language)),
        "address",
        "is_active",
    ]
    list_filter = ["channel", "is_active"]
    edit_handler = ObjectList(
        [
            FieldPanel("channel"),
            FieldPanel("name"),
            FieldPanel("address"),
            FieldPanel("language"),
            FieldPanel("is_active"),
        ],
        base_form_class=ChannelTargetForm,
    )


class EmergencyStopViewSet(ViewSet):
    name = "outreach_emergency_stop"
    icon = "warning"
    menu_label = _("Emergency stop")

    def get_urlpatterns(self) -> list[Any]:
        return [
            path("", EmergencyStopView.as_view(), name="index"),
            path("status/", EmergencyStatusView.as_view(), name="status"),
        ]

    @cached_property
    def menu_item_class(self) -> type[MenuItem]:
        return type(
            "EmergencyStopMenuItem",
            (MenuItem,),
            {"is_shown": lambda item, request: can_use_emergency_stop(request.user)},
        )


class OutreachGroup(ViewSetGroup):
    menu_label = _("Outreach")
    menu_icon = "mail"
    menu_order = 320
    items = (
        MessageViewSet("outreach_messages", url_prefix="outreach/messages"),
        BroadcastViewSet("outreach_broadcasts", url_prefix="outreach/broadcasts"),
        DigestViewSet("outreach_digests", url_prefix="outreach/digests"),
        AudienceViewSet("outreach_audiences", url_prefix="outreach/audiences"),
        # The subscribers' URL names and paths stay what they were before the group existed.
        SubscriberViewSet("subscribers"),
        ChannelTargetViewSet("outreach_channel_targets", url_prefix="outreach/channel-targets"),
        SuppressionViewSet("outreach_suppressions", url_prefix="outreach/suppressed-addresses"),
        EmergencyStopViewSet(url_prefix="outreach/emergency-stop"),
    )


@hooks.register("register_admin_viewset")
def register_outreach_group() -> OutreachGroup:
    return OutreachGroup()


class TransitionFormatter(LogFormatter):
    label = _("Change broadcast state")

    def format_message(self, log_entry: Any) -> str:
        action = (log_entry.data or {}).get("action", "")
        return str(_("Broadcast: %(action)s") % {"action": ACTION_LABELS.get(action, action)})


class EmergencyFormatter(LogFormatter):
    label = _("Emergency stop")

    def format_message(self, log_entry: Any) -> str:
        if (log_entry.data or {}).get("stop"):
            return str(_("Stopped all outreach"))
        return str(_("Resumed all outreach"))


class ApproveFormatter(LogFormatter):
    label = _("Approve message variant")

    def format_message(self, log_entry: Any) -> str:
        data = log_entry.data or {}
        return str(
            _("Approved the %(language)s version %(version)s")
            % {"language": language_name(data.get("language", "")), "version": data.get("version", "")}
        )


@hooks.register("register_log_actions")
def register_broadcasts_log_actions(actions: Any) -> None:
    actions.register_action(LOG_TRANSITION)(TransitionFormatter)
    actions.register_action(LOG_APPROVE)(ApproveFormatter)
    actions.register_action(LOG_EMERGENCY)(EmergencyFormatter)


@hooks.register("insert_global_admin_js")
def emergency_stop_banner() -> str:
    """A script that asks, once the page has loaded, whether outreach is stopped, and if so shows a
    banner above the page: asking costs the page itself no query."""
    labels = json.dumps({"url": reverse("outreach_emergency_stop:status")})
    return format_html(
        '<script data-outreach-stop="{}">{}</script>',
        labels,
        mark_safe(EMERGENCY_BANNER_SCRIPT),  # noqa: S308  # nosec B308 B703  # a constant of this module
    )


EMERGENCY_BANNER_SCRIPT = """
document.addEventListener("DOMContentLoaded", function () {
    var script = document.querySelector("script[data-outreach-stop]");
    var config = JSON.parse(script.dataset.outreachStop);
    fetch(config.url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : {stopped: false}; })
        .then(function (state) {
            if (!state.stopped) { return; }
            var banner = document.createElement("div");
            banner.className = "help-block help-critical outreach-stop-banner";
            banner.setAttribute("role", "alert");
            banner.style.margin = "0";
            banner.style.fontWeight = "bold";
            banner.textContent = state.message + " ";
            if (state.url) {
                var link = document.createElement("a");
                link.href = state.url;
                link.textContent = state.link_text;
                banner.appendChild(link);
            }
            var main = document.getElementById("main");
            (main || document.body).prepend(banner);
        })
        .catch(function () {});
});
"""
