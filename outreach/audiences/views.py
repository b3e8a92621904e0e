"""The subscriber screens of the Wagtail admin: a listing and an inspect view that show an address
and topics only to holders of the personal-data permission, the consent history, the export of one
subscriber's data, and a delete that is the audited erasure."""

from typing import Any

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin.views.generic import DeleteView, HistoryView, IndexView, InspectView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from outreach.core.exceptions import ApplicationError

from .models import Subscriber
from .permissions import (
    can_export_subscriber,
    can_view_consent_record,
    can_view_subscriber_personal_data,
)
from .selectors import PERSONAL_FIELDS, subscriber_consent_history, subscribers_visible_to
from .services import subscriber_erase, subscriber_export

INSPECT_FIELDS = [
    "status",
    "language",
    "frequency",
    "created_at",
    "requested_at",
    "confirmed_at",
    "unsubscribed_at",
    "request_source",
    "request_wording_version",
]


class SubscriberIndexView(IndexView):
    any_permission_required = ["view"]

    def get_base_queryset(self) -> QuerySet[Subscriber]:
        return subscribers_visible_to(user=self.request.user)

    @cached_property
    def may_see_personal_data(self) -> bool:
        return can_view_subscriber_personal_data(self.request.user)

    @cached_property
    def is_searchable(self) -> bool:
        # Searching by address would tell anyone who can list subscribers whether an address is on
        # the list: only for those who may see addresses anyway.
        return self.may_see_personal_data and super().is_searchable

    def search_queryset(self, queryset: QuerySet[Subscriber]) -> QuerySet[Subscriber]:
        return super().search_queryset(queryset) if self.is_searchable else queryset

    @cached_property
    def columns(self) -> list[Any]:
        fields = list(self.list_display)
        if self.may_see_personal_data:
            fields.insert(1, "email")
        return [
            self._get_title_column(field) if index == 0 else self._get_custom_column(field)
            for index, field in enumerate(fields)
        ]


class SubscriberInspectView(InspectView):
    any_permission_required = ["view"]
    template_name = "audiences/subscriber_inspect.html"

    def get_object(self, queryset: Any = None) -> Subscriber:
        # setup() runs before the permission check: load the address and topics only for someone
        # who may see them.
        queryset = Subscriber.objects.all()
        if not can_view_subscriber_personal_data(self.request.user):
            queryset = queryset.defer(*PERSONAL_FIELDS)
        return get_object_or_404(queryset, pk=unquote(str(self.pk)))

    def get_fields(self) -> list[str]:
        if can_view_subscriber_personal_data(self.request.user):
            return ["email", "topics", *INSPECT_FIELDS]
        return list(INSPECT_FIELDS)

    def get_topics_display_value(self) -> str:
        return ", ".join(self.object.topics) or "—"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # None (no section at all) for someone who may not see consent records; a list otherwise.
        context["consent_history"] = (
            list(subscriber_consent_history(subscriber=self.object, user=self.request.user))
            if can_view_consent_record(self.request.user)
            else None
        )
        if can_export_subscriber(self.request.user, self.object):
            context["export_url"] = reverse("subscribers:export", args=[self.object.pk])
        return context


class SubscriberHistoryView(HistoryView):
    # Nobody may change a subscriber, so the audit history (exports, erasure) is for viewers.
    any_permission_required = ["view"]


class SubscriberDeleteView(DeleteView):
    success_message = _("%(object)s was erased; the consent history is kept without who it was.")

    def get_queryset(self) -> QuerySet[Subscriber]:
        return Subscriber.objects.defer(*PERSONAL_FIELDS)

    def get_usage_url(self) -> None:
        # Nothing refers to a subscriber (they are not in the reference index), and the usage view
        # is closed to everyone: no "used in" link on the confirmation page.
        return None

    @property
    def confirmation_message(self) -> str:
        return str(
            _(
                "Erase this subscriber? Their address, language, topics and dates are deleted for good; "
                "the consent history is kept without anything that says who they were."
            )
        )

    def delete_action(self) -> None:
        try:
            subscriber_erase(subscriber=self.object, actor=self.request.user)
        except ApplicationError:
            raise PermissionDenied from None


class SubscriberExportView(PermissionCheckedMixin, View):
    """POST: everything held about one subscriber as a JSON download, recorded in the audit log."""

    permission_policy: Any = None
    permission_required = "export"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        subscriber = get_object_or_404(Subscriber.objects.only("pk"), pk=pk)
        try:
            data = subscriber_export(subscriber=subscriber, actor=request.user)
        except ApplicationError:
            raise PermissionDenied from None
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = f'attachment; filename="subscriber-{subscriber.pk}.json"'
        response["Cache-Control"] = "private, no-store"
        return response
