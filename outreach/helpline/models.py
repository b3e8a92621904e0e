from django.conf import settings
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from outreach.core.models import TimeStampedModel

from .encryption import EncryptedTextField

MESSAGE_MAX_LENGTH = 5000
CONTACT_MAX_LENGTH = 200

# A BCP 47 language tag such as "kk", "ru", "ps" (Pashto) or "fa-AF" (Dari): the person may want an
# answer in a language the site is not (yet) published in, so this is not limited to LANGUAGES.
validate_language_code = RegexValidator(
    r"^[a-z]{2,3}(-[a-zA-Z0-9]{2,8})*$",
    _("Choose a language code such as “kk”, “ru” or “ps”."),
    code="invalid_language",
)


class HelpRequest(TimeStampedModel):
    """A confidential request for help sent from the public form. The message and the contact are
    encrypted at rest and are never part of its str(), repr(), the admin listing or a log."""

    class Who(models.TextChoices):
        FAMILY = "family", _("A worried parent or family member")
        TEACHER = "teacher", _("A teacher")
        FRIEND = "friend", _("A friend")
        SELF = "self", _("Someone who wants to get out themselves")
        OTHER = "other", _("Someone else")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        IN_PROGRESS = "in_progress", _("In progress")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    who = models.CharField(_("who is asking"), max_length=16, choices=Who.choices)
    message = EncryptedTextField(
        _("message"),
        validators=[MaxLengthValidator(MESSAGE_MAX_LENGTH)],
        error_messages={"blank": _("Please write what you would like help with.")},
    )
    contact = EncryptedTextField(
        _("how to reach them"),
        blank=True,
        validators=[MaxLengthValidator(CONTACT_MAX_LENGTH)],
        help_text=_("A phone number, an e-mail address or a messenger handle; may be empty."),
    )
    language = models.CharField(_("preferred language"), max_length=16, validators=[validate_language_code])
    # The CMS page the form was sent from; a plain id because a domain app never imports cms.
    source_page_id = models.PositiveIntegerField(_("sent from page"), null=True, blank=True)
    # The campaign landing page whose call to action led here, so a campaign's help requests can be
    # counted; a page and nothing else: no address, no trail of what the person read.
    referring_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("came from campaign page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEW)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_help_requests",
    )

    class Meta:
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "-created_at"], name="helpline_status_created")]

    def __str__(self) -> str:
        if self.pk is None:
            return str(_("New help request"))
        return str(_("Help request #%(number)s") % {"number": self.pk})

    def __repr__(self) -> str:
        return f"<HelpRequest id={self.pk} status={self.status}>"


# Which status may follow which, for everyone who may change a help request (see services and
# permissions). A closed request can be reopened when the person writes again.
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    HelpRequest.Status.NEW: frozenset({HelpRequest.Status.IN_PROGRESS, HelpRequest.Status.CLOSED}),
    HelpRequest.Status.IN_PROGRESS: frozenset({HelpRequest.Status.ANSWERED, HelpRequest.Status.CLOSED}),
    HelpRequest.Status.ANSWERED: frozenset({HelpRequest.Status.IN_PROGRESS, HelpRequest.Status.CLOSED}),
    HelpRequest.Status.CLOSED: frozenset({HelpRequest.Status.IN_PROGRESS}),
}
