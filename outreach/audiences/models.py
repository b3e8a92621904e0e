"""Who asked to receive the outreach digest, what they chose, and every consent they gave or withdrew.

A subscriber's address and topics are personal, and the topics say what a person is interested in
(which can hint at their beliefs): both are shown only to a role that needs them (permissions.py)
and are never part of str(), repr(), a link, a log record or an audit entry."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outreach.core.models import TimeStampedModel, staff_reference

from .regions import REGION_CHOICES

MAX_TOPICS = 50

# Where a consent came from: a form identifier such as "subscribe-form" or "cms.HelpPage:12".
validate_source = RegexValidator(
    r"^[A-Za-z0-9._:/-]+$",
    _("A source is a form identifier such as “subscribe-form” or “cms.HelpPage:12”."),
    code="invalid_source",
)
# Which wording of the consent text the person saw, such as "2026-11-digest-v1".
validate_wording_version = RegexValidator(
    r"^[A-Za-z0-9._-]+$",
    _("A wording version is a short name such as “2026-11-digest-v1”."),
    code="invalid_wording_version",
)


def validate_site_language(value: str) -> None:
    """One of the site's languages (settings.LANGUAGES): mail is written and linked in it."""
    if value not in dict(settings.LANGUAGES):
        raise ValidationError(
            _("“%(value)s” is not one of the site's languages."),
            code="invalid_language",
            params={"value": value},
        )


def validate_topic_keys(value: object) -> None:
    """A list of at most MAX_TOPICS topic translation keys (UUIDs as strings), without repeats."""
    if not isinstance(value, list) or not all(isinstance(key, str) for key in value):
        raise ValidationError(_("Topics must be a list of topic keys."), code="invalid_topics")
    if len(value) > MAX_TOPICS:
        raise ValidationError(
            _("Choose at most %(limit)d topics."), code="too_many_topics", params={"limit": MAX_TOPICS}
        )
    for key in value:
        try:
            uuid.UUID(key)
        except ValueError:
            raise ValidationError(_("Choose topics from the list."), code="unknown_topic") from None
    if len(set(value)) != len(value):
        raise ValidationError(_("A topic is chosen twice."), code="repeated_topic")


class Subscriber(TimeStampedModel):
    """Someone who asked for the digest. Pending until they follow the link in the confirmation mail
    (double opt-in); the email is stored in lower case and unique whatever its case."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        ACTIVE = "active", _("Subscribed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    # The only thing a link carries, signed: random, so a link says nothing about who or how many.
    key = models.UUIDField(_("link key"), default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("email address"), max_length=254)
    language = models.CharField(_("language"), max_length=16, validators=[validate_site_language])
    # Translation keys of cms topics (the same topic in every language); a plain list because a
    # domain app never imports cms.
    topics = models.JSONField(_("topics"), default=list, blank=True, validators=[validate_topic_keys])
    frequency = models.CharField(
        _("frequency"), max_length=16, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    # Optional and coarse (regions.py): it targets audiences and sets the clock of local-time sends.
    region = models.CharField(_("region"), max_length=16, choices=REGION_CHOICES, blank=True, default="")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    # The latest request to subscribe: when, from which form, with which wording. A confirmation
    # records these in the consent history; the purge deletes requests nobody confirmed in time.
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    request_source = models.CharField(_("requested from"), max_length=100, validators=[validate_source])
    request_wording_version = models.CharField(
        _("wording of the request"), max_length=64, validators=[validate_wording_version]
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Case-insensitive whatever wrote the row (the services also store it in lower case).
            models.UniqueConstraint(
                Lower("email"),
                name="audiences_subscriber_email_unique",
                violation_error_message=_("This address is already on the list."),
            ),
        ]
        indexes = [models.Index(fields=["status", "requested_at"], name="audiences_status_requested")]
        permissions = [
            ("view_subscriber_personal_data", _("Can see subscribers' email addresses and topics")),
        ]

    def __str__(self) -> str:
        if self.pk is None:
            return str(_("New subscriber"))
        return str(_("Subscriber #%(number)s") % {"number": self.pk})

    def __repr__(self) -> str:
        return f"<Subscriber id={self.pk} status={self.status}>"


class ConsentRecord(models.Model):
    """One consent given or withdrawn: every change is a new row, never an update. When a subscriber
    is erased the rows stay, without the link to them: an anonymous trail of what was agreed."""

    class Action(models.TextChoices):
        GIVEN = "given", _("Consent given")
        WITHDRAWN = "withdrawn", _("Consent withdrawn")

    subscriber = models.ForeignKey(
        Subscriber,
        verbose_name=_("subscriber"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consent_records",
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    source = models.CharField(_("source"), max_length=100, validators=[validate_source])
    wording_version = models.CharField(
        _("wording version"), max_length=64, validators=[validate_wording_version]
    )
    language = models.CharField(_("language"), max_length=16, validators=[validate_site_language])

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.at:%Y-%m-%d %H:%M})"

    def __repr__(self) -> str:
        return f"<ConsentRecord id={self.pk} subscriber={self.subscriber_id} action={self.action}>"


class Audience(TimeStampedModel):
    """A saved rule over subscribers: who a broadcast goes to. Only active subscribers ever match; an
    empty list of languages, topics or regions means "any". Topics match when the subscriber chose
    at least one of them. The rule is evaluated when a broadcast starts (selectors.audience_members)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    topics = models.JSONField(_("topics"), default=list, blank=True, validators=[validate_topic_keys])
    regions = models.JSONField(_("regions"), default=list, blank=True)
    frequencies = models.JSONField(_("frequencies"), default=list, blank=True)
    subscribed_from = models.DateField(_("subscribed on or after"), null=True, blank=True)
    subscribed_until = models.DateField(_("subscribed on or before"), null=True, blank=True)
    created_by = staff_reference(_("created by"))

    class Meta:
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")
        ordering = ["name"]
        permissions = [("export_audience", _("Can export an audience's addresses"))]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        known = {
            "languages": dict(settings.LANGUAGES),
            "regions": dict(REGION_CHOICES),
            "frequencies": dict(Subscriber.Frequency.choices),
        }
        for field, choices in known.items():
            value = getattr(self, field)
            if not isinstance(value, list) or any(item not in choices for item in value):
                errors[field] = ValidationError(_("Choose from the list."), code="unknown_choice")
        if self.subscribed_from and self.subscribed_until and self.subscribed_until < self.subscribed_from:
            errors["subscribed_until"] = ValidationError(
                _("The last day of subscription cannot be before the first."), code="dates_reversed"
            )
        if errors:
            raise ValidationError(errors)


class Suppression(models.Model):
    """An address that must never be mailed again: it bounced for good, or its owner complained.
    Kept after the subscriber is erased (without anything else about them), because mailing a
    complainant again is exactly what the entry exists to prevent."""

    class Reason(models.TextChoices):
        BOUNCE = "bounce", _("Hard bounce")
        COMPLAINT = "complaint", _("Complaint")
        MANUAL = "manual", _("Suppressed by hand")

    email = models.EmailField(_("email address"), max_length=254)
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    # Which provider event caused it (e.g. "anymail:esp-event-id"), so a replayed webhook adds nothing.
    event_id = models.CharField(_("event"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")
        ordering = ["-at", "-pk"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="audiences_suppression_email_unique"),
        ]

    def __str__(self) -> str:
        return str(_("Suppressed address #%(number)s") % {"number": self.pk})

    def __repr__(self) -> str:
        return f"<Suppression id={self.pk} reason={self.reason}>"
