"""Admin views of the review workflow (docs/decisions/0007-review-workflows.md): "Schedule
publication" of a page, and "Submit translation for review" from wagtail-localize's editor. Routed by
cms/workflow_hooks.py; each checks its permission (cms.permissions), calls one service and shows the
service's reason when it refuses."""

from datetime import datetime
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.admin import messages
from wagtail.admin.widgets import AdminDateTimeInput
from wagtail.models import Page
from wagtail_localize.models import Translation

from cms.permissions import can_schedule_page, can_submit_translation
from cms.scheduling import (
    EXPIRY_NOT_AFTER_GO_LIVE,
    GO_LIVE_NOT_IN_THE_FUTURE,
    page_schedule,
    page_schedule_refusal,
)
from cms.translation_review import translation_submit
from outreach.core.exceptions import ApplicationError


class SchedulePublicationForm(forms.Form):
    go_live_at = forms.DateTimeField(
        label=_("Go-live time"),
        widget=AdminDateTimeInput,
        help_text=_("When the page goes live for readers."),
    )
    expire_at = forms.DateTimeField(
        label=_("Expiry time"),
        required=False,
        widget=AdminDateTimeInput,
        help_text=_("When it is taken down again; leave empty to keep it up."),
    )

    def clean_go_live_at(self) -> datetime:
        go_live_at = self.cleaned_data["go_live_at"]
        if go_live_at <= timezone.now():
            raise forms.ValidationError(GO_LIVE_NOT_IN_THE_FUTURE)
        return go_live_at

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        go_live_at, expire_at = cleaned_data.get("go_live_at"), cleaned_data.get("expire_at")
        if go_live_at and expire_at and expire_at <= go_live_at:
            self.add_error("expire_at", EXPIRY_NOT_AFTER_GO_LIVE)
        return cleaned_data


def _local_time(value: datetime | None) -> str:
    return date_format(timezone.localtime(value), "DATETIME_FORMAT") if value else ""


def schedule_page(request: HttpRequest, page_id: int) -> HttpResponse:
    """Publishers choose when a page goes live (and expires), in the admin's time zone."""
    page = get_object_or_404(Page, pk=page_id).specific
    if not can_schedule_page(request.user, page):
        raise PermissionDenied
    latest = page.get_latest_revision_as_object()
    form = SchedulePublicationForm(
        request.POST or None, initial={"go_live_at": latest.go_live_at, "expire_at": latest.expire_at}
    )
    if request.method == "POST" and form.is_valid():
        try:
            revision = page_schedule(
                page=page,
                go_live_at=form.cleaned_data["go_live_at"],
                expire_at=form.cleaned_data["expire_at"],
                actor=request.user,
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("“%(title)s” is scheduled to go live on %(time)s")
                % {
                    "title": page.get_admin_display_title(),
                    "time": _local_time(revision.approved_go_live_at),
                },
            )
            return redirect("wagtailadmin_pages:edit", page.pk)
    scheduled = page.scheduled_revision
    return TemplateResponse(
        request,
        "cms/admin/schedule_page.html",
        {
            "page": page,
            "form": form,
            "refusal": page_schedule_refusal(page=page, actor=request.user),
            "scheduled_go_live": _local_time(scheduled.approved_go_live_at) if scheduled else "",
            "scheduled_expiry": _local_time(scheduled.as_object().expire_at) if scheduled else "",
            "time_zone": timezone.get_current_timezone_name(),
        },
    )


@require_POST
def submit_translation(request: HttpRequest, translation_id: int) -> HttpResponse:
    """A translator turns their wagtail-localize translation into a draft and sends it into review."""
    translation = get_object_or_404(
        Translation.objects.select_related("source", "target_locale"), pk=translation_id
    )
    if not can_submit_translation(request.user, translation):
        raise PermissionDenied
    page = translation.get_target_instance()
    try:
        state = translation_submit(translation=translation, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The translation “%(title)s” was saved as a draft and submitted to “%(workflow)s”.")
            % {
                "title": Page.objects.get(pk=page.pk).get_admin_display_title(),
                "workflow": state.workflow.name,
            },
        )
    return redirect("wagtailadmin_pages:edit", page.pk)
