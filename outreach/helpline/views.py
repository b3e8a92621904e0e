"""The help request screens of the Wagtail admin: a listing without what people wrote, an inspect
view that decrypts it only after the permission check, and an edit of status and assignee only.
Each opening of a request is recorded in the audit log."""

from typing import Any

from django.contrib.admin.utils import unquote
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import linebreaksbr
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.generic import EditView, IndexView, InspectView

from outreach.core.exceptions import ApplicationError

from .models import STATUS_TRANSITIONS, HelpRequest
from .selectors import help_request_assignees, help_requests_visible_to
from .services import ENCRYPTED_FIELDS, help_request_update, help_request_view_record


class HelpRequestForm(WagtailAdminModelForm):
    """Status and assignee only; the status offers just the moves allowed from the stored one."""

    class Meta:
        model = HelpRequest
        fields = ["status", "assigned_to"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.status
        allowed = {current, *STATUS_TRANSITIONS.get(current, ())}
        self.fields["status"].choices = [
            (value, label) for value, label in HelpRequest.Status.choices if value in allowed
        ]
        self.fields["assigned_to"].queryset = help_request_assignees()
        self.fields["assigned_to"].help_text = _("Only helpline staff can be chosen.")


class HelpRequestIndexView(IndexView):
    any_permission_required = ["view"]

    def get_base_queryset(self) -> QuerySet[HelpRequest]:
        return help_requests_visible_to(user=self.request.user)


class HelpRequestInspectView(InspectView):
    any_permission_required = ["view"]

    def get_object(self, queryset: Any = None) -> HelpRequest:
        # setup() runs before the permission check: leave the message and contact unloaded, so they
        # are decrypted only when the template of a permitted user shows them.
        return get_object_or_404(HelpRequest.objects.defer(*ENCRYPTED_FIELDS), pk=unquote(str(self.pk)))

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        help_request_view_record(help_request=self.object, actor=request.user, view="inspect")
        return response

    def get_message_display_value(self) -> str:
        return linebreaksbr(self.object.message, autoescape=True)

    def get_contact_display_value(self) -> str:
        return self.object.contact or "—"


class HelpRequestEditView(EditView):
    def get_queryset(self) -> QuerySet[HelpRequest]:
        return HelpRequest.objects.defer(*ENCRYPTED_FIELDS)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        help_request_view_record(help_request=self.object, actor=request.user, view="edit")
        return response

    def save_instance(self) -> HelpRequest:
        # The form has already copied its values onto self.object; the service reads the stored row.
        data = self.form.cleaned_data
        return help_request_update(
            help_request=self.object,
            status=data["status"],
            assigned_to=data["assigned_to"],
            actor=self.request.user,
        )

    def form_valid(self, form: HelpRequestForm) -> HttpResponse:
        try:
            return super().form_valid(form)
        except ApplicationError as error:
            # The transaction around save_instance has been rolled back: nothing changed.
            form.add_error(None, error.message)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
