"""Scheduled outreach: messages written per language, broadcasts that send them to an audience on
one or more channels, and one Delivery per recipient and channel.

The pipeline (services.py, pipeline.py) works on these rows only: a broadcast's time lives in the
database and the minute tick starts it; starting freezes the audience into deliveries; workers claim
deliveries in small chunks under a lease and record each result. A delivery row is the proof of what
was sent to whom, so it holds no copy of the message and no address: the content is kept once per
broadcast and language (BroadcastContent), the address is read from the subscriber at send time."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail import blocks
from wagtail.fields import StreamField

from outreach.audiences.models import Audience, Subscriber, validate_site_language
from outreach.core.models import TimeStampedModel, staff_reference


class OutreachControl(models.Model):
    """The one row (pk=1) holding the emergency stop: while it is on, no worker sends anything on
    any channel, whatever the broadcast's own state; sends resume where they stopped when it is
    lifted. Read by every worker before every chunk."""

    emergency_stop = models.BooleanField(_("emergency stop"), default=False)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)
    changed_by = staff_reference(_("changed by"))

    class Meta:
        verbose_name = _("outreach control")
        verbose_name_plural = _("outreach controls")
        permissions = [("use_emergency_stop", _("Can stop and resume all outreach"))]

    def __str__(self) -> str:
        return str(_("Emergency stop on") if self.emergency_stop else _("Emergency stop off"))


class ChannelTarget(TimeStampedModel):
    """A place a channel posts to once per broadcast rather than once per subscriber, such as a
    Telegram channel in one language. Email has no targets: it goes to each subscriber."""

    channel = models.CharField(_("channel"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    # The channel's own address of the place, e.g. "@voices_of_reason_kk" or "-1001234567890".
    address = models.CharField(_("address"), max_length=200)
    language = models.CharField(_("language"), max_length=16, validators=[validate_site_language])
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("channel target")
        verbose_name_plural = _("channel targets")
        ordering = ["channel", "language", "name"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "address"], name="broadcasts_target_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class FeaturedPageBlock(blocks.StructBlock):
    """A CMS page featured in a message: linked in the recipient's language when it has a live
    translation in it."""

    page = blocks.PageChooserBlock(label=_("Page"))
    note = blocks.CharBlock(label=_("Why read it"), required=False, max_length=300)

    class Meta:
        label = _("Featured page")
        icon = "doc-full"


class ButtonBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Button text"), max_length=80)
    url = blocks.URLBlock(label=_("Address"))

    class Meta:
        label = _("Button")
        icon = "link"


class MessageBodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=200, icon="title")
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"), features=["bold", "italic", "link", "ol", "ul"], icon="pilcrow"
    )
    featured_page = FeaturedPageBlock()
    button = ButtonBlock()


class Message(ClusterableModel, TimeStampedModel):
    """What a broadcast says, written once per language (MessageVariant). `required_languages` are the
    variants that must be approved before a broadcast of the message can be scheduled; a recipient
    whose language has no approved variant gets the first approved one along their language's
    fallback chain (settings.OUTREACH_LANGUAGE_FALLBACKS)."""

    name = models.CharField(_("name"), max_length=200, help_text=_("For staff only; readers never see it."))
    required_languages = models.JSONField(_("required languages"), default=list, blank=True)
    created_by = staff_reference(_("created by"))

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-pk"]
        permissions = [("approve_message", _("Can approve message variants"))]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        languages = dict(settings.LANGUAGES)
        if not isinstance(self.required_languages, list) or any(
            code not in languages for code in self.required_languages
        ):
            raise ValidationError(
                {"required_languages": ValidationError(_("Choose from the list."), code="unknown_choice")}
            )


class MessageVariant(models.Model):
    """One language's version of a message. Any change to its subject or body makes it a draft again
    with a new version number: an approval covers exactly the text that was approved."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("message variant", "Draft")
        APPROVED = "approved", pgettext_lazy("message variant", "Approved")

    message = ParentalKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="variants"
    )
    language = models.CharField(_("language"), max_length=16, validators=[validate_site_language])
    subject = models.CharField(_("subject"), max_length=200)
    body = StreamField(MessageBodyBlock(), verbose_name=_("body"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = staff_reference(_("approved by"))

    class Meta:
        verbose_name = _("message variant")
        verbose_name_plural = _("message variants")
        ordering = ["message", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "language"], name="broadcasts_variant_language_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.message} [{self.language}]"

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class Digest(TimeStampedModel):
    """A recurring digest: on each run of its schedule (a django-celery-beat crontab, in its own time
    zone), the minute tick creates a broadcast of the material published since the previous run, in
    each recipient's language and filtered by their topics."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    audience = models.ForeignKey(
        Audience, verbose_name=_("audience"), on_delete=models.PROTECT, related_name="digests"
    )
    schedule = models.ForeignKey(
        "django_celery_beat.CrontabSchedule",
        verbose_name=_("schedule"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    channels = models.JSONField(_("channels"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    # The next time the tick creates a broadcast; computed from the schedule whenever it changes.
    next_run_at = models.DateTimeField(_("next run at"), null=True, blank=True)
    last_run_at = models.DateTimeField(_("last run at"), null=True, blank=True)
    send_at_local_time = models.BooleanField(_("send at each subscriber's local time"), default=False)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="digests",
    )
    created_by = staff_reference(_("created by"))

    class Meta:
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        ordering = ["name"]
        indexes = [models.Index(fields=["is_active", "next_run_at"], name="broadcasts_digest_due")]

    def __str__(self) -> str:
        return self.name


class Broadcast(TimeStampedModel):
    """One send of a message (or of a digest's run) to an audience on one or more channels.

    States and who moves them are data (services.TRANSITIONS). Counts are read from the deliveries,
    never kept here, so a crashed worker cannot leave them wrong."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("broadcast", "Draft")
        SCHEDULED = "scheduled", pgettext_lazy("broadcast", "Scheduled")
        SENDING = "sending", pgettext_lazy("broadcast", "Sending")
        PAUSED = "paused", pgettext_lazy("broadcast", "Paused")
        CANCELLED = "cancelled", pgettext_lazy("broadcast", "Cancelled")
        FINISHED = "finished", pgettext_lazy("broadcast", "Finished")
        EXPIRED = "expired", pgettext_lazy("broadcast", "Expired")

    class PauseReason(models.TextChoices):
        NONE = "", _("Not paused")
        MANUAL = "manual", _("Paused by staff")
        FAILURE_RATE = "failure_rate", _("Paused automatically: too many failures")

    key = models.UUIDField(_("key"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    message = models.ForeignKey(
        Message,
        verbose_name=_("message"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="broadcasts",
    )
    digest = models.ForeignKey(
        Digest,
        verbose_name=_("digest"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="broadcasts",
    )
    audience = models.ForeignKey(
        Audience, verbose_name=_("audience"), on_delete=models.PROTECT, related_name="broadcasts"
    )
    channels = models.JSONField(_("channels"), default=list)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="broadcasts",
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    pause_reason = models.CharField(
        _("pause reason"), max_length=16, choices=PauseReason.choices, blank=True, default=""
    )
    send_at = models.DateTimeField(_("send at"), null=True, blank=True)
    # A queued message is not sent after this moment (e.g. an event invitation after the event).
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    # Send at `send_at`'s time of day in each subscriber's own time zone (by their region), and never
    # within the quiet hours of their clock.
    send_at_local_time = models.BooleanField(_("send at each subscriber's local time"), default=False)
    quiet_hours_start = models.TimeField(_("quiet hours start"), null=True, blank=True)
    quiet_hours_end = models.TimeField(_("quiet hours end"), null=True, blank=True)
    # Pause by itself when more than this share of the attempts so far failed (after a first sample).
    failure_threshold_percent = models.PositiveSmallIntegerField(
        _("pause above failure rate (%)"), default=10
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The last resume: the automatic pause judges the failure rate only on attempts made since, so
    # a broadcast resumed after its cause was fixed is not paused again by the old failures.
    resumed_at = models.DateTimeField(_("resumed at"), null=True, blank=True)
    # Set by workers as they send; the tick starts fresh workers for a broadcast whose progress stalls.
    progressed_at = models.DateTimeField(_("progressed at"), null=True, blank=True)
    created_by = staff_reference(_("created by"))
    scheduled_by = staff_reference(_("scheduled by"))

    class Meta:
        verbose_name = _("broadcast")
        verbose_name_plural = _("broadcasts")
        ordering = ["-send_at", "-pk"]
        indexes = [models.Index(fields=["status", "send_at"], name="broadcasts_broadcast_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(message__isnull=False) | Q(digest__isnull=False),
                name="broadcasts_broadcast_has_content",
                violation_error_message=_("A broadcast sends a message or a digest."),
            ),
        ]
        permissions = [("send_broadcast", _("Can schedule, pause, resume and cancel broadcasts"))]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from .channels import channel_keys

        errors: dict[str, ValidationError] = {}
        if not isinstance(self.channels, list) or not self.channels:
            errors["channels"] = ValidationError(_("Choose at least one channel."), code="no_channel")
        elif any(key not in channel_keys() for key in self.channels) or len(set(self.channels)) != len(
            self.channels
        ):
            errors["channels"] = ValidationError(_("Choose channels from the list."), code="unknown_channel")
        if self.send_at and self.expires_at and self.expires_at <= self.send_at:
            errors["expires_at"] = ValidationError(
                _("A broadcast must expire after the time it is sent."), code="expires_before_send"
            )
        if (self.quiet_hours_start is None) != (self.quiet_hours_end is None):
            errors["quiet_hours_end"] = ValidationError(
                _("Give both the start and the end of the quiet hours, or neither."), code="quiet_hours_half"
            )
        if self.failure_threshold_percent > 100:
            errors["failure_threshold_percent"] = ValidationError(
                _("A rate is at most 100%."), code="threshold_over_100"
            )
        if errors:
            raise ValidationError(errors)


class BroadcastContent(models.Model):
    """The text a broadcast sent in one language, fixed when the broadcast started: later edits to
    the message change nothing already under way, and this row says which version each recipient
    of that language got. `{{ placeholders }}` for each recipient's own links are filled at send."""

    broadcast = models.ForeignKey(
        Broadcast, verbose_name=_("broadcast"), on_delete=models.CASCADE, related_name="contents"
    )
    language = models.CharField(_("language"), max_length=16)
    variant = models.ForeignKey(
        MessageVariant,
        verbose_name=_("message variant"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    variant_version = models.PositiveIntegerField(_("variant version"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    text = models.TextField(_("plain text"))
    html = models.TextField(_("HTML"))

    class Meta:
        verbose_name = _("broadcast content")
        verbose_name_plural = _("broadcast contents")
        constraints = [
            models.UniqueConstraint(
                fields=["broadcast", "language"], name="broadcasts_content_language_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.broadcast} [{self.language}]"


class Delivery(models.Model):
    """One recipient on one channel of one broadcast: a subscriber (email) or a channel target (a
    channel post). Created when the broadcast starts, unique per (broadcast, recipient, channel),
    claimed by a worker under a lease, and finished once as sent, failed or skipped."""

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("delivery", "Queued")
        CLAIMED = "claimed", pgettext_lazy("delivery", "Being sent")
        SENT = "sent", pgettext_lazy("delivery", "Sent")
        FAILED = "failed", pgettext_lazy("delivery", "Failed")
        SKIPPED = "skipped", pgettext_lazy("delivery", "Not sent")

    class SkipReason(models.TextChoices):
        NONE = "", _("None")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed before it was sent")
        SUPPRESSED = "suppressed", _("Address suppressed")
        NO_VARIANT = "no_variant", _("No approved variant in the recipient's languages")
        EXPIRED = "expired", _("Expired before it was sent")
        CANCELLED = "cancelled", _("Broadcast cancelled")
        NO_CONTENT = "no_content", _("Nothing new for the recipient")

    broadcast = models.ForeignKey(
        Broadcast, verbose_name=_("broadcast"), on_delete=models.CASCADE, related_name="deliveries"
    )
    subscriber = models.ForeignKey(
        Subscriber,
        verbose_name=_("subscriber"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
    )
    target = models.ForeignKey(
        ChannelTarget,
        verbose_name=_("channel target"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
    )
    channel = models.CharField(_("channel"), max_length=32)
    # The variant's language the recipient gets ("" when none along their fallback chain).
    language = models.CharField(_("language"), max_length=16, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    skip_reason = models.CharField(
        _("why not sent"), max_length=16, choices=SkipReason.choices, blank=True, default=""
    )
    not_before = models.DateTimeField(_("not before"))
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Never the provider's raw text, which may quote the address: a short code such as "smtp-550".
    error = models.CharField(_("error"), max_length=100, blank=True)
    provider_id = models.CharField(_("provider's id"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["broadcast", "subscriber", "channel"],
                condition=Q(subscriber__isnull=False),
                name="broadcasts_delivery_subscriber_unique",
            ),
            models.UniqueConstraint(
                fields=["broadcast", "target", "channel"],
                condition=Q(target__isnull=False),
                name="broadcasts_delivery_target_unique",
            ),
        ]
        indexes = [
            models.Index(
                fields=["broadcast", "channel", "status", "not_before"], name="broadcasts_delivery_claim"
            ),
            models.Index(fields=["status", "lease_until"], name="broadcasts_delivery_lease"),
        ]

    def __str__(self) -> str:
        return str(_("Delivery #%(number)s") % {"number": self.pk})

    def __repr__(self) -> str:
        return f"<Delivery id={self.pk} broadcast={self.broadcast_id} channel={self.channel} status={self.status}>"


class ChannelThrottle(models.Model):
    """A token bucket per channel shared by every worker: how fast the channel may be used across the
    whole platform, and until when the provider asked us to hold off."""

    channel = models.CharField(_("channel"), max_length=32, unique=True)
    tokens = models.FloatField(_("tokens"), default=0)
    refilled_at = models.DateTimeField(_("refilled at"), default=timezone.now)
    blocked_until = models.DateTimeField(_("held off until"), null=True, blank=True)

    class Meta:
        verbose_name = _("channel throttle")
        verbose_name_plural = _("channel throttles")

    def __str__(self) -> str:
        return self.channel
