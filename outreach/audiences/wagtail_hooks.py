"""The audiences' admin screens: subscribers, audiences and suppressed addresses. They are shown in
the "Outreach" menu group, which outreach/broadcasts/wagtail_hooks.py registers with the broadcast
screens; the audit log labels of this app are registered here."""

from typing import Any

from django.contrib.auth.models import Permission
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet

from outreach.core.permissions import RulePermissionPolicy

from .admin_views import (
    AudienceCountView,
    AudienceCreateView,
    AudienceEditView,
    AudienceExportView,
    AudienceForm,
    AudienceInspectView,
    RuleCheckedDeleteView,
    RuleCheckedIndexView,
    SuppressionIndexView,
)
from .models import Audience, Subscriber, Suppression
from .permissions import AUDIENCE_RULES, RULES, SUPPRESSION_RULES
from .services import LOG_ERASE, LOG_EXPORT
from .views import (
    SubscriberDeleteView,
    SubscriberExportView,
    SubscriberHistoryView,
    SubscriberIndexView,
    SubscriberInspectView,
)

# Written by outreach.audiences.exports.audience_export_csv for every export of an audience.
LOG_EXPORT_AUDIENCE = "audiences.export_audience"


class SubscriberViewSet(ModelViewSet):
    model = Subscriber
    icon = "mail"
    menu_label = _("Subscribers")
    index_view_class = SubscriberIndexView
    inspect_view_class = SubscriberInspectView
    history_view_class = SubscriberHistoryView
    delete_view_class = SubscriberDeleteView
    # The address is added for holders of the personal-data permission only (SubscriberIndexView);
    # topics never: they say what a person is interested in.
    list_display = ["__str__", "status", "language", "frequency", "created_at"]
    list_filter = ["status", "frequency"]
    search_fields = ["email"]
    search_backend_name = None
    inspect_view_enabled = True
    # Subscribers come only from double opt-in and change only through their own links.
    copy_view_enabled = False
    add_to_reference_index = False
    permission_policy = RulePermissionPolicy(Subscriber, RULES)
    # Nothing to edit; a form over no field keeps the (refused) add and edit views constructible.
    form_fields: list[str] = []

    def get_urlpatterns(self) -> list[Any]:
        return [
            *super().get_urlpatterns(),
            path("export/<int:pk>/", self.export_view, name="export"),
        ]

    @property
    def export_view(self) -> Any:
        return self.construct_view(SubscriberExportView)


def _codes(values: list[str]) -> str:
    return ", ".join(values) or str(_("Any"))


class AudienceViewSet(ModelViewSet):
    model = Audience
    icon = "group"
    menu_label = _("Audiences")
    permission_policy = RulePermissionPolicy(Audience, AUDIENCE_RULES)
    index_view_class = RuleCheckedIndexView
    add_view_class = AudienceCreateView
    edit_view_class = AudienceEditView
    delete_view_class = RuleCheckedDeleteView
    inspect_view_class = AudienceInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False
    search_fields = ["name", "description"]
    search_backend_name = None
    list_display = [
        "name",
        Column("languages", label=_("Languages"), accessor=lambda audience: _codes(audience.languages)),
        Column("regions", label=_("Regions"), accessor=lambda audience: _codes(audience.regions)),
        "updated_at",
    ]
    inspect_view_fields = [
        "name",
        "description",
        "languages",
        "topics",
        "regions",
        "frequencies",
        "subscribed_from",
        "subscribed_until",
        "created_at",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("description"),
            FieldPanel("languages"),
            FieldPanel("topics"),
            FieldPanel("regions"),
            FieldPanel("frequencies"),
            FieldRowPanel([FieldPanel("subscribed_from"), FieldPanel("subscribed_until")]),
        ],
        base_form_class=AudienceForm,
    )

    def get_urlpatterns(self) -> list[Any]:
        return [
            *super().get_urlpatterns(),
            path("count/", AudienceCountView.as_view(), name="count"),
            path("export/<int:pk>/", AudienceExportView.as_view(), name="export"),
        ]


class SuppressionViewSet(ModelViewSet):
    model = Suppression
    icon = "cross"
    menu_label = _("Suppressed addresses")
    permission_policy = RulePermissionPolicy(Suppression, SUPPRESSION_RULES)
    index_view_class = SuppressionIndexView
    # A listing only: entries come from bounces and complaints, and nobody adds, edits or removes one.
    list_display = ["__str__", "reason", "at"]
    list_filter = ["reason"]
    copy_view_enabled = False
    inspect_view_enabled = False
    add_to_reference_index = False
    search_backend_name = None
    form_fields: list[str] = []


@hooks.register("register_permissions")
def register_consent_record_permissions() -> Any:
    # Consent records have no screen of their own (the subscriber's inspect view shows them), but
    # the permission to see them is granted to groups in the admin's group editor.
    return Permission.objects.filter(content_type__app_label="audiences", codename="view_consentrecord")


@hooks.register("register_log_actions")
def register_audiences_log_actions(actions: Any) -> None:
    actions.register_action(LOG_EXPORT, _("Export subscriber data"), _("Exported the subscriber's data"))
    actions.register_action(
        LOG_ERASE, _("Erase subscriber"), _("Erased the subscriber; the consent history was kept anonymously")
    )
    actions.register_action(
        LOG_EXPORT_AUDIENCE,
        _("Export audience addresses"),
        _("Exported the addresses of the audience's members"),
    )
