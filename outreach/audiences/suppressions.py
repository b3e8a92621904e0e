"""Addresses that must never be mailed again: added when a message to them bounced for good or their
owner complained (from a provider's webhook, outreach.broadcasts.webhooks) or by hand.

Once an address is here, the send pipeline skips it at claim time (even for a broadcast already
under way) and audience_members leaves it out of every new one. Adding is idempotent: the same
address again, or a replayed provider event, adds nothing."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from outreach.core.exceptions import ApplicationError

from .models import Suppression

INVALID_EMAIL = _("This is not a valid email address.")
UNKNOWN_REASON = _("A suppression's reason is a hard bounce, a complaint or a manual entry.")
EVENT_ID_TOO_LONG = _("An event id is at most %(limit)d characters long.")
EVENT_ID_LIMIT = Suppression._meta.get_field("event_id").max_length


@dataclass(frozen=True)
class SuppressionEvent:
    """One provider event that asks for an address to be suppressed."""

    email: str
    reason: str
    event_id: str = ""


def _normalised_email(email: str) -> str:
    # The same form the subscription services store: lower case whole (audiences/services.py).
    return (email or "").strip().lower() if isinstance(email, str) else ""


def suppression_event_check(event: SuppressionEvent) -> SuppressionEvent:
    """The event with its address normalised; ApplicationError when the address, the reason or the
    event id is not acceptable. The message never quotes the address."""
    email = _normalised_email(event.email)
    try:
        validate_email(email)
    except ValidationError:
        raise ApplicationError(INVALID_EMAIL, extra={"code": "invalid_email"}) from None
    if len(email) > Suppression._meta.get_field("email").max_length:
        raise ApplicationError(INVALID_EMAIL, extra={"code": "invalid_email"})
    if event.reason not in Suppression.Reason.values:
        raise ApplicationError(UNKNOWN_REASON, extra={"code": "unknown_reason"})
    event_id = event.event_id if isinstance(event.event_id, str) else ""
    if len(event_id) > EVENT_ID_LIMIT:
        raise ApplicationError(
            EVENT_ID_TOO_LONG % {"limit": EVENT_ID_LIMIT},
            extra={"code": "event_id_too_long"},
        )
    return SuppressionEvent(email=email, reason=event.reason, event_id=event_id)


def suppression_add(*, email: str, reason: str, event_id: str = "") -> tuple[Suppression, bool]:
    """Suppress `email` (stored in lower case) for `reason`; the entry and whether it is new. An
    address already suppressed, or an event already recorded, adds nothing. ApplicationError for
    a bad address or reason."""
    event = suppression_event_check(SuppressionEvent(email=email, reason=reason, event_id=event_id))
    if event.event_id:
        replayed = Suppression.objects.filter(event_id=event.event_id).first()
        if replayed is not None:
            return replayed, False
    existing = _existing(event.email)
    if existing is not None:
        return existing, False
    suppression = Suppression(email=event.email, reason=event.reason, event_id=event.event_id)
    suppression.full_clean(validate_constraints=False)
    try:
        # A savepoint: two webhooks for the same address may race; the unique index decides.
        with transaction.atomic():
            suppression.save()
    except IntegrityError:
        existing = _existing(event.email)
        if existing is None:
            raise
        return existing, False
    return suppression, True


def _existing(email: str) -> Suppression | None:
    return Suppression.objects.annotate(email_lower=Lower("email")).filter(email_lower=email).first()


@transaction.atomic
def suppressions_from_events(events: Iterable[SuppressionEvent]) -> dict[str, int]:
    """Suppress the address of every event, all or nothing: the whole batch is checked first and an
    ApplicationError (its `extra["index"]` naming the event) leaves everything as it was. Returns
    how many addresses were added and how many events added nothing. The same few queries whatever
    the size of the batch."""
    checked: list[SuppressionEvent] = []
    for index, event in enumerate(events):
        try:
            checked.append(suppression_event_check(event))
        except ApplicationError as error:
            error.extra["index"] = index
            raise
    if not checked:
        return {"added": 0, "unchanged": 0}
    event_ids = {event.event_id for event in checked if event.event_id}
    replayed = set(
        Suppression.objects.filter(event_id__in=event_ids).values_list("event_id", flat=True)
        if event_ids
        else ()
    )
    emails = {event.email for event in checked}
    suppressed = set(
        Suppression.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=emails)
        .values_list("email_lower", flat=True)
    )
    new: dict[str, Suppression] = {}
    for event in checked:
        if event.event_id in replayed or event.email in suppressed or event.email in new:
            continue
        new[event.email] = Suppression(email=event.email, reason=event.reason, event_id=event.event_id)
    # ignore_conflicts: an address suppressed by a concurrent webhook since the read adds nothing.
    Suppression.objects.bulk_create(new.values(), ignore_conflicts=True)
    added = (
        Suppression.objects.filter(
            email__in=list(new), event_id__in=[s.event_id for s in new.values()]
        ).count()
        if new
        else 0
    )
    return {"added": added, "unchanged": len(checked) - added}
