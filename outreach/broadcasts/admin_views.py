"""Admin views of scheduled outreach: messages with their language variants (approval and preview),
broadcasts (edited while drafts, then scheduled, paused, resumed or cancelled from their progress
page), digests and their schedule, and the emergency stop.

Views parse, ask the rules of permissions.py, and call one service or selector. A refused button
answers 403 and changes nothing; a broken rule (ApplicationError) is shown to the user, and nothing
changes either."""

from typing import Any

from django.conf import settings
from django.contrib.admin.utils import quote
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic import CreateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import log

from outreach.audiences.admin_views import (
    RuleCheckedEditView,
    RuleCheckedIndexView,
    RuleCheckedInspectView,
    count_display,
)
from outreach.core.exceptions import ApplicationError

from .forms import EmergencyStopForm, ScheduleForm
from .models import Broadcast, Digest
from .permissions import (
    can_approve_message_variant,
    can_send_broadcast,
    can_use_emergency_stop,
    can_view_broadcast,
    can_view_message,
)
from .rendering import variant_content
from .selectors import (
    Progress,
    broadcast_progress,
    broadcasts_visible_to,
    channel_targets_visible_to,
    digests_visible_to,
    message_variants_visible_to,
    messages_visible_to,
    outreach_control,
)
from .services import (
    CANCEL,
    PAUSE,
    RESUME,
    SCHEDULE,
    TRANSITIONS,
    UNSCHEDULE,
    broadcast_transition,
    emergency_stop_set,
    message_scheduling_errors,
    message_variant_approve,
)

ACTION_LABELS = {
    SCHEDULE: gettext_lazy("Schedule"),
    UNSCHEDULE: gettext_lazy("Back to draft"),
    PAUSE: gettext_lazy("Pause"),
    RESUME: gettext_lazy("Resume"),
    CANCEL: gettext_lazy("Cancel broadcast"),
}
ACTION_DONE = {
    SCHEDULE: gettext_lazy("The broadcast is scheduled."),
    UNSCHEDULE: gettext_lazy("The broadcast is a draft again."),
    PAUSE: gettext_lazy("The broadcast is paused."),
    RESUME: gettext_lazy("The broadcast is sending again."),
    CANCEL: gettext_lazy("The broadcast is cancelled."),
}


def forbidden(text: str) -> HttpResponse:
    return HttpResponse(text, status=403, content_type="text/plain; charset=utf-8")


def language_name(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code, code))


# --- Messages -------------------------------------------------------------------------------------


class MessageIndexView(RuleCheckedIndexView):
    def get_base_queryset(self) -> QuerySet:
        return messages_visible_to(user=self.request.user)


class MessageCreateView(CreateView):
    def save_instance(self) -> Any:
        self.form.instance.created_by = self.request.user
        return super().save_instance()

    def get_success_url(self) -> str:
        return reverse("outreach_messages:inspect", args=[quote(self.object.pk)])


class MessageVariantsMixin:
    """The message's variants with their state, and what the user may do with each."""

    def variants_context(self, message: Any) -> dict[str, Any]:
        user = self.request.user
        may_approve = can_approve_message_variant(user)
        variants = [
            {
                "variant": variant,
                "language_name": language_name(variant.language),
                "preview_url": reverse("outreach_messages:preview", args=[variant.pk]),
                "approve_url": (
                    reverse("outreach_messages:approve", args=[variant.pk])
                    if may_approve and not variant.is_approved
                    else None
                ),
            }
            for variant in message.variants.all()
        ]
        return {
            "variants": variants,
            "required_language_names": ", ".join(language_name(code) for code in message.required_languages),
            "scheduling_errors": message_scheduling_errors(message),
        }


class MessageEditView(MessageVariantsMixin, RuleCheckedEditView):
    template_name = "broadcasts/admin/message_edit.html"

    def get_queryset(self) -> QuerySet:
        return messages_visible_to(user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), **self.variants_context(self.object)}


class MessageInspectView(MessageVariantsMixin, RuleCheckedInspectView):
    template_name = "broadcasts/admin/message_inspect.html"

    def get_queryset(self) -> QuerySet:
        return messages_visible_to(user=self.request.user)

    def get_required_languages_display_value(self) -> str:
        return ", ".join(language_name(code) for code in self.object.required_languages) or "—"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), **self.variants_context(self.object)}


class MessageVariantApproveView(View):
    """POST: approve the version of a variant the approver read (the form sends that version)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not can_approve_message_variant(request.user):
            return forbidden(_("You may not approve message variants."))
        variant = get_object_or_404(message_variants_visible_to(user=request.user), pk=pk)
        inspect_url = reverse("outreach_messages:inspect", args=[variant.message_id])
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            messages.error(request, _("Say which version you approve: open the message again and retry."))
            return redirect(inspect_url)
        try:
            message_variant_approve(variant=variant, actor=request.user, version=version)
        except ApplicationError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(
                request,
                _("The %(language)s version %(version)s is approved.")
                % {"language": language_name(variant.language), "version": version},
            )
        return redirect(inspect_url)


class MessageVariantPreviewView(View):
    """GET: the variant as its recipients' email shows it (their own links left as marks)."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not can_view_message(request.user):
            return forbidden(_("You may not see messages."))
        variant = get_object_or_404(message_variants_visible_to(user=request.user), pk=pk)
        content = variant_content(broadcast=Broadcast(), variant=variant)
        response = HttpResponse(content.html, content_type="text/html; charset=utf-8")
        # The preview is the mail's own HTML: nothing of the admin may run beside it.
        response["Content-Security-Policy"] = "script-src 'none'; frame-ancestors 'self'"
        return response


# --- Broadcasts -----------------------------------------------------------------------------------


class BroadcastIndexView(RuleCheckedIndexView):
    # Only drafts are deleted: the rule reads the row's state and asks the database nothing.
    delete_rule_per_row = True

    def get_base_queryset(self) -> QuerySet:
        return broadcasts_visible_to(user=self.request.user)


class BroadcastCreateView(CreateView):
    def save_instance(self) -> Any:
        self.form.instance.created_by = self.request.user
        return super().save_instance()

    def get_success_url(self) -> str:
        return reverse("outreach_broadcasts:inspect", args=[quote(self.object.pk)])


class BroadcastEditView(RuleCheckedEditView):
    def get_queryset(self) -> QuerySet:
        return broadcasts_visible_to(user=self.request.user)

    def get_success_url(self) -> str:
        return reverse("outreach_broadcasts:inspect", args=[quote(self.object.pk)])


def progress_payload(broadcast: Broadcast, progress: Progress) -> dict[str, Any]:
    """What the progress page shows, as JSON for its refresh."""
    return {
        "status": broadcast.status,
        "status_display": str(broadcast.get_status_display()),
        "pause_reason": str(broadcast.get_pause_reason_display()) if broadcast.pause_reason else "",
        "total": progress.total,
        "sent": progress.sent,
        "failed": progress.failed,
        "skipped": progress.skipped,
        "remaining": progress.remaining,
        "percent": {
            "sent": progress.percent(progress.sent),
            "failed": progress.percent(progress.failed),
            "skipped": progress.percent(progress.skipped),
        },
        "rate_per_second": round(progress.rate_per_second, 2),
        "languages": [
            {
                "language": row.language,
                "name": language_name(row.language) if row.language else _("No language"),
                "sent": count_display(row.sent or 0),
            }
            for row in progress.languages
        ],
        "other_languages": (
            count_display(progress.other_languages_sent or 0) if progress.has_other_languages else None
        ),
    }


class BroadcastInspectView(RuleCheckedInspectView):
    """The broadcast's progress page: its state, its deliveries so far, and the buttons that move it."""

    template_name = "broadcasts/admin/broadcast_progress.html"

    def get_queryset(self) -> QuerySet:
        return broadcasts_visible_to(user=self.request.user)

    def get_channels_display_value(self) -> str:
        from .channels import channel_choices

        names = dict(channel_choices())
        return ", ".join(str(names.get(key, key)) for key in self.object.channels)

    def get_failure_threshold_percent_display_value(self) -> str:
        return f"{self.object.failure_threshold_percent}%"

    def actions(self) -> list[dict[str, Any]]:
        if not can_send_broadcast(self.request.user, self.object):
            return []
        return [
            {
                "action": action,
                "label": ACTION_LABELS[action],
                "url": reverse("outreach_broadcasts:transition", args=[self.object.pk, action]),
                "is_danger": action == CANCEL,
            }
            for action, (sources, _target) in TRANSITIONS.items()
            if self.object.status in sources
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        progress = broadcast_progress(broadcast=self.object)
        actions = self.actions()
        send_at = localtime(self.object.send_at) if self.object.send_at else None
        context.update(
            progress=progress,
            payload=progress_payload(self.object, progress),
            progress_url=reverse("outreach_broadcasts:progress", args=[self.object.pk]),
            is_sending=self.object.status == Broadcast.Status.SENDING,
            is_over=self.object.status
            in (Broadcast.Status.FINISHED, Broadcast.Status.CANCELLED, Broadcast.Status.EXPIRED),
            schedule_action=next((item for item in actions if item["action"] == SCHEDULE), None),
            other_actions=[item for item in actions if item["action"] != SCHEDULE],
            schedule_form=ScheduleForm(initial={"send_at": send_at}),
            other_languages_label=_("Other languages (each too few to show)"),
            scheduling_errors=(
                message_scheduling_errors(self.object.message)
                if self.object.message_id and self.object.status == Broadcast.Status.DRAFT
                else []
            ),
        )
        return context


class BroadcastProgressView(View):
    """GET: the progress page's figures as JSON, asked every two seconds while the broadcast sends."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not can_view_broadcast(request.user):
            return JsonResponse({"error": _("You may not see broadcasts.")}, status=403)
        broadcast = get_object_or_404(Broadcast.objects.only("pk", "status", "pause_reason"), pk=pk)
        return JsonResponse(progress_payload(broadcast, broadcast_progress(broadcast=broadcast)))


class BroadcastTransitionView(View):
    """POST: schedule (with the time to send), take back to draft, pause, resume or cancel."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        if action not in TRANSITIONS:
            return HttpResponse(status=404)
        if not can_send_broadcast(request.user):
            return forbidden(_("You may not schedule, pause, resume or cancel broadcasts."))
        broadcast = get_object_or_404(broadcasts_visible_to(user=request.user), pk=pk)
        progress_url = reverse("outreach_broadcasts:inspect", args=[broadcast.pk])
        send_at = None
        if action == SCHEDULE:
            form = ScheduleForm(request.POST)
            if not form.is_valid():
                messages.error(request, " ".join(str(error) for error in form.errors.get("send_at", [])))
                return redirect(progress_url)
            send_at = form.cleaned_data["send_at"]
        try:
            broadcast_transition(broadcast=broadcast, action=action, actor=request.user, send_at=send_at)
        except ApplicationError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, str(ACTION_DONE[action]))
        return redirect(progress_url)


# --- Digests and channel targets -----------------------------------------------------------------


class DigestIndexView(RuleCheckedIndexView):
    def get_base_queryset(self) -> QuerySet:
        return digests_visible_to(user=self.request.user)


class ChannelTargetIndexView(RuleCheckedIndexView):
    def get_base_queryset(self) -> QuerySet:
        return channel_targets_visible_to(user=self.request.user)


class DigestSaveMixin:
    """Saves through digest_save, which checks the schedule, keeps its crontab row and computes the
    next run; its refusals are shown on the form's fields and nothing is saved."""

    log_action = "wagtail.edit"

    def form_valid(self, form: Any) -> HttpResponse:
        from .digests import digest_save

        self.form = form
        digest = form.save(commit=False)
        if digest.pk is None:
            digest.created_by = self.request.user
        try:
            self.object = digest_save(digest=digest, crontab=form.crontab(), actor=self.request.user)
        except ApplicationError as error:
            fields = error.extra.get("fields") or {}
            for name, errors in fields.items():
                for text in errors if isinstance(errors, (list, tuple)) else [errors]:
                    form.add_error(name if name in form.fields else None, str(text))
            if not fields:
                form.add_error(None, str(error.message))
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
        log(instance=self.object, action=self.log_action, content_changed=True)
        return self.save_action()


class DigestCreateView(DigestSaveMixin, CreateView):
    log_action = "wagtail.create"


class DigestEditView(DigestSaveMixin, RuleCheckedEditView):
    log_action = "wagtail.edit"

    def get_queryset(self) -> QuerySet:
        return Digest.objects.select_related("schedule")


# --- The emergency stop ---------------------------------------------------------------------------


def _stop_context(control: Any) -> dict[str, Any]:
    return {
        "stopped": control.emergency_stop,
        "reason": control.reason,
        "changed_by": control.changed_by.get_username() if control.changed_by else "",
        "changed_at": date_format(localtime(control.changed_at), "DATETIME_FORMAT")
        if control.changed_at
        else "",
    }


class EmergencyStopView(WagtailAdminTemplateMixin, TemplateView):
    """Whether outreach is stopped, by whom and why; POST stops (with a reason) or resumes it."""

    template_name = "broadcasts/admin/emergency_stop.html"
    page_title = gettext_lazy("Emergency stop")
    header_icon = "warning"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_use_emergency_stop(request.user):
            return forbidden(_("You may not use the emergency stop."))
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        control = outreach_control()
        context.update(_stop_context(control))
        context.setdefault("form", EmergencyStopForm())
        return context

    def post(self, request: HttpRequest) -> HttpResponse:
        form = EmergencyStopForm(request.POST)
        stop = request.POST.get("action") == "stop"
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            emergency_stop_set(actor=request.user, stop=stop, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            form.add_error(
                "reason" if "reason" in error.extra.get("fields", {}) else None, str(error.message)
            )
            return self.render_to_response(self.get_context_data(form=form))
        if stop:
            messages.warning(
                request, _("All outreach is stopped. Nothing is sent on any channel until you resume.")
            )
        else:
            messages.success(request, _("Outreach is resumed: broadcasts carry on where they stopped."))
        return HttpResponseRedirect(reverse("outreach_emergency_stop:index"))


class EmergencyStatusView(View):
    """GET (JSON): whether outreach is stopped, for the banner every admin page shows while it is.
    Asked by the page after it loads, so no admin page pays a query for it."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not (can_view_broadcast(user) or can_use_emergency_stop(user)):
            return JsonResponse({"error": _("You may not see the state of outreach.")}, status=403)
        control = outreach_control()
        if not control.emergency_stop:
            return JsonResponse({"stopped": False})
        details = _stop_context(control)
        text = _(
            "Outreach is stopped: nothing is sent on any channel. Why: %(reason)s (%(who)s, %(when)s)"
        ) % {
            "reason": details["reason"],
            "who": details["changed_by"] or "—",
            "when": details["changed_at"],
        }
        payload: dict[str, Any] = {"stopped": True, "message": text}
        if can_use_emergency_stop(user):
            payload["url"] = reverse("outreach_emergency_stop:index")
            payload["link_text"] = _("Go to the emergency stop")
        return JsonResponse(payload)
