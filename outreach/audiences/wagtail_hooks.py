from typing import Any

from django.contrib.auth.models import Permission
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet

from outreach.core.permissions import RulePermissionPolicy

from .models import Subscriber
from .permissions import RULES
from .services import LOG_ERASE, LOG_EXPORT
from .views import (
    SubscriberDeleteView,
    SubscriberExportView,
    SubscriberHistoryView,
    SubscriberIndexView,
    SubscriberInspectView,
)


class SubscriberViewSet(ModelViewSet):
    model = Subscriber
    icon = "mail"
    menu_label = _("Subscribers")
    add_to_admin_menu = True
    menu_order = 330
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


@hooks.register("register_admin_viewset")
def register_subscriber_viewset() -> SubscriberViewSet:
    return SubscriberViewSet("subscribers")


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
