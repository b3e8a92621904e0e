"""The alumni survey: a signed, expiring link mailed to an alumnus when a follow-up wave falls due,
and the answers they give on the public page it opens (survey_views.py), stored on the wave's
OutcomeRecord as self-reported.

The link carries only the OutcomeRecord's id, signed with SECRET_KEY under a salt of its own and
stamped with the time it was made, so that it expires and cannot be forged: never a name, an
address or the programme. The mail is neutral (subject, sender, words) because an alumnus may live
where a tie to a foreign study programme is dangerous to them."""

import datetime
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outreach.core.emails import message_send, multipart_message
from outreach.core.exceptions import ApplicationError

from .models import Consent, Grantee, OutcomeRecord

SALT = "outreach.grants.alumni-survey"
# How long a survey link works: long enough for someone who reads mail rarely, short enough that an
# old mailbox that leaks does not open every past survey.
LINK_MAX_AGE_DAYS = 90
# The public page's path (outreach/urls.py, inside i18n_patterns, so it starts with the language).
PATH = "/{language}/alumni-survey/{token}/"

SUBJECT = _("A few questions about how you are doing")

EXPIRED = _(
    "This survey link has expired. Thank you for wanting to answer: we will write to you again at "
    "the next survey."
)
INVALID = _("This link is not valid. Please check that you copied all of it from the email.")
CLOSED = _("This survey is no longer open.")
ALREADY_ANSWERED = _(
    "You have already answered this survey, thank you. Your answers are saved; they cannot be sent twice."
)
COUNTRY_NEEDED = _("Say which country you live in.")


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def survey_language(grantee: Grantee | None = None) -> str:
    """The language of the survey mail and page: the grantee's own when their record names one,
    else GRANTS_SURVEY_LANGUAGE (the site's default language unless set). The page can still be
    switched to another language by its URL prefix."""
    own = grantee.language if grantee is not None else ""
    if own and own in dict(settings.LANGUAGES):
        return own
    return getattr(settings, "GRANTS_SURVEY_LANGUAGE", "") or settings.LANGUAGE_CODE


def survey_token_make(*, outcome: OutcomeRecord) -> str:
    """A signed, expiring token naming only the outcome record's id."""
    return _signer().sign(str(outcome.pk))


def survey_link(*, outcome: OutcomeRecord, language: str) -> str:
    """The absolute link to the survey page of `outcome`, on the public site, in `language`."""
    return settings.PUBLIC_BASE_URL.rstrip("/") + PATH.format(
        language=language, token=survey_token_make(outcome=outcome)
    )


def outcome_from_token(*, token: str) -> OutcomeRecord:
    """The outcome record a survey token names; ApplicationError (extra["reason"]: "expired",
    "invalid" or "closed") when the link has expired, was tampered with, or its record is gone or its
    grantee is under the emergency lock or erased."""
    try:
        value = _signer().unsign(str(token or ""), max_age=datetime.timedelta(days=LINK_MAX_AGE_DAYS))
        outcome_id = int(value)
    except signing.SignatureExpired:
        raise ApplicationError(EXPIRED, extra={"reason": "expired"}) from None
    except (signing.BadSignature, ValueError):
        raise ApplicationError(INVALID, extra={"reason": "invalid"}) from None
    outcome = (
        OutcomeRecord.objects.select_related("award__grantee")
        .filter(pk=outcome_id, award__grantee__is_locked=False, award__grantee__erased_at__isnull=True)
        .first()
    )
    if outcome is None:
        raise ApplicationError(CLOSED, extra={"reason": "closed"})
    return outcome


def may_recontact(*, grantee: Grantee) -> bool:
    """Whether the grantee's latest word on being re-contacted as alumni is yes."""
    latest = (
        Consent.objects.filter(grantee=grantee, purpose=Consent.Purpose.RECONTACT)
        .order_by("-at", "-pk")
        .values_list("is_given", flat=True)
        .first()
    )
    return bool(latest)


def survey_message(*, outcome: OutcomeRecord, to: str, language: str) -> EmailMultiAlternatives:
    """The survey mail for `outcome` to `to`, in `language`: neutral words, one link."""
    return multipart_message(
        template="grants/emails/alumni_survey",
        subject=SUBJECT,
        context={"url": survey_link(outcome=outcome, language=language), "max_age_days": LINK_MAX_AGE_DAYS},
        language=language,
        from_email=settings.OUTREACH_FROM_EMAIL,
        to=to,
    )


@transaction.atomic
def outcome_survey_send(*, outcome: OutcomeRecord, today: datetime.date | None = None) -> bool:
    """Mail the alumnus the survey of `outcome` once: False (and nothing sent) when it was already
    sent or answered, the grantee is locked or erased, has no address or has not agreed to be
    re-contacted. TemporaryError when the mail server cannot be reached (nothing is recorded then)."""
    grantee = outcome.award.grantee
    if grantee.is_locked or grantee.erased_at or not grantee.email or not may_recontact(grantee=grantee):
        return False
    # The claim: of two runs at once only one updates the row, and only that one mails.
    claimed = OutcomeRecord.objects.filter(
        pk=outcome.pk, surveyed_on__isnull=True, responded_on__isnull=True
    ).update(surveyed_on=today or timezone.localdate())
    if not claimed:
        return False
    # Sent inside the transaction: when the server cannot be reached the claim rolls back and the
    # retried task (or tomorrow's run) sends it.
    message_send(
        survey_message(outcome=outcome, to=grantee.email, language=survey_language(grantee)),
        description=f"the alumni survey of outcome record {outcome.pk}",
    )
    return True


@transaction.atomic
def outcome_survey_answer(
    *,
    token: str,
    residence: str,
    country: str,
    employer_sector: str,
    position: str,
    is_leadership: bool,
    today: datetime.date | None = None,
) -> OutcomeRecord:
    """Store an alumnus' answers on the outcome record their link names, as self-reported. Raises
    ApplicationError when the link does not hold, the survey was already answered, or an answer is
    not valid (nothing is stored then)."""
    outcome = outcome_from_token(token=token)
    outcome = OutcomeRecord.objects.select_for_update().get(pk=outcome.pk)
    if outcome.responded_on is not None:
        raise ApplicationError(ALREADY_ANSWERED, extra={"reason": "answered"})
    if residence == OutcomeRecord.Residence.THIRD_COUNTRY and not country.strip():
        raise ApplicationError(COUNTRY_NEEDED, extra={"field": "country"})
    fields: dict[str, Any] = {
        "residence": residence,
        "country": country.strip(),
        "employer_sector": employer_sector,
        "position": position.strip(),
        "is_leadership": is_leadership,
        "verification": OutcomeRecord.Verification.SELF_REPORTED,
        "responded_on": today or timezone.localdate(),
    }
    for name, value in fields.items():
        setattr(outcome, name, value)
    try:
        outcome.full_clean()
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages), extra={"reason": "invalid_answer"}) from None
    outcome.save(update_fields=[*fields, "updated_at"])
    return outcome
