"""Forms of the outreach screens: messages and their language variants, broadcasts, digests with
their schedule, channel targets, the time a broadcast is scheduled for, and the emergency stop."""

import zoneinfo
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateTimeInput

from outreach.audiences.admin_views import CheckboxesField, language_choices
from outreach.audiences.models import Audience

from .channels import channel_choices
from .models import Broadcast, ChannelTarget, Digest, Message, MessageVariant
from .services import message_variant_changed

DEFAULT_DIGEST_TIME_ZONE = "Asia/Almaty"


def language_select() -> forms.Select:
    return forms.Select(choices=[("", "---------"), *settings.LANGUAGES])


class MessageForm(WagtailAdminModelForm):
    """A message and its language variants. Saving runs each edited variant through
    message_variant_changed: changed text is a new version, and a draft until approved again."""

    required_languages = CheckboxesField(
        label=_("Required languages"),
        choices=language_choices,
        help_text=_("A broadcast of the message can be scheduled only once each of these is approved."),
    )

    class Meta:
        model = Message
        fields = ["name", "required_languages"]

    def save(self, commit: bool = True) -> Message:
        formset = self.formsets.get("variants")
        if formset is not None:
            deleted = set(formset.deleted_forms)
            kept = [form for form in formset.forms if form not in deleted and form.has_changed()]
            stored = MessageVariant.objects.in_bulk([form.instance.pk for form in kept if form.instance.pk])
            for form in kept:
                message_variant_changed(variant=form.instance, previous=stored.get(form.instance.pk))
        return super().save(commit=commit)


class BroadcastForm(WagtailAdminModelForm):
    channels = CheckboxesField(label=_("Channels"), choices=channel_choices)

    class Meta:
        model = Broadcast
        fields = [
            "name",
            "message",
            "audience",
            "channels",
            "campaign",
            "send_at",
            "expires_at",
            "send_at_local_time",
            "quiet_hours_start",
            "quiet_hours_end",
            "failure_threshold_percent",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A broadcast sends a message; the digest broadcasts are created by the minute tick.
        self.fields["message"].required = True
        self.fields["channels"].required = True
        self.fields["message"].queryset = Message.objects.order_by("name")
        self.fields["audience"].queryset = Audience.objects.order_by("name")

    def clean_send_at(self) -> Any:
        send_at = self.cleaned_data.get("send_at")
        if send_at and "send_at" in self.changed_data and send_at < timezone.now():
            raise forms.ValidationError(_("The time to send is in the past; choose a later one."))
        return send_at

    def clean_expires_at(self) -> Any:
        expires_at = self.cleaned_data.get("expires_at")
        if expires_at and "expires_at" in self.changed_data and expires_at < timezone.now():
            raise forms.ValidationError(_("The broadcast would expire before it is sent."))
        return expires_at


class ScheduleForm(forms.Form):
    """When a draft broadcast is to be sent: what the Schedule button posts."""

    send_at = forms.DateTimeField(label=_("Send at"), widget=AdminDateTimeInput, required=False)


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class DigestForm(WagtailAdminModelForm):
    """A digest and its schedule, in crontab terms and a time zone; digest_save checks the schedule."""

    channels = CheckboxesField(label=_("Channels"), choices=channel_choices)
    minute = forms.CharField(label=_("Minute"), max_length=240, initial="0", help_text=_("0–59, or *"))
    hour = forms.CharField(label=_("Hour"), max_length=96, initial="9", help_text=_("0–23, or *"))
    day_of_week = forms.CharField(
        label=_("Day of week"), max_length=64, initial="1", help_text=_("0–6 (0 is Sunday), or *")
    )
    day_of_month = forms.CharField(
        label=_("Day of month"), max_length=124, initial="*", help_text=_("1–31, or *")
    )
    month_of_year = forms.CharField(label=_("Month"), max_length=64, initial="*", help_text=_("1–12, or *"))
    timezone = forms.ChoiceField(
        label=_("Time zone"), choices=time_zone_choices, initial=DEFAULT_DIGEST_TIME_ZONE
    )

    CRONTAB_FIELDS = ("minute", "hour", "day_of_week", "day_of_month", "month_of_year", "timezone")

    class Meta:
        model = Digest
        fields = [
            "name",
            "audience",
            "channels",
            "is_active",
            "send_at_local_time",
            "campaign",
            "minute",
            "hour",
            "day_of_week",
            "day_of_month",
            "month_of_year",
            "timezone",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channels"].required = True
        schedule = self.instance.schedule if self.instance.schedule_id else None
        if schedule is not None:
            for name in self.CRONTAB_FIELDS:
                self.initial[name] = str(getattr(schedule, name))

    def crontab(self) -> dict[str, str]:
        return {name: str(self.cleaned_data[name]).strip() for name in self.CRONTAB_FIELDS}


class ChannelTargetForm(WagtailAdminModelForm):
    channel = forms.ChoiceField(label=_("Channel"), choices=channel_choices)

    class Meta:
        model = ChannelTarget
        fields = ["channel", "name", "address", "language", "is_active"]
        widgets = {"language": language_select()}


class EmergencyStopForm(forms.Form):
    reason = forms.CharField(
        label=_("Why"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The team reads this on every admin page while outreach is stopped."),
    )
