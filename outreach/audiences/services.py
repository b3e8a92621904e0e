"""Writes for subscribers: the double opt-in request and its confirmation, preferences, unsubscribing,
the purge of unconfirmed requests, the subscription mails, and the export and erasure of a
subscriber's data. Consent is only ever added to (ConsentRecord), never changed.

Nothing here tells a caller whether an address is on the list: subscription_request answers the
same for a new, a pending, an active and an unsubscribed address, and even when it stays silent
because the address had too many requests."""

import hashlib
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from outreach.core.emails import message_send
from outreach.core.exceptions import ApplicationError
from outreach.core.throttle import rolling_window_hit

from .emails import ALREADY_SUBSCRIBED_MAIL, CONFIRM_MAIL, subscription_message
from .models import ConsentRecord, Subscriber
from .permissions import can_delete_subscriber, can_export_subscriber
from .tokens import CONFIRM, PREFERENCES, UNKNOWN, UNSUBSCRIBE, subscriber_key_from_token

# Audit log actions, registered with labels in wagtail_hooks.py (register_log_actions).
LOG_EXPORT = "audiences.export"
LOG_ERASE = "audiences.erase"

THROTTLE_WINDOW_SECONDS = 3600
UNSUBSCRIBE_SOURCE = "unsubscribe-link"
PREFERENCE_FIELDS = ["language", "topics", "frequency", "region"]

TOO_MANY_REQUESTS = _(
    "Several subscription requests have already been sent from this connection in the last hour. "
    "Please wait a little and try again."
)
UNSUBSCRIBED_SINCE = _(
    "You have unsubscribed since this link was sent. To subscribe again, please fill in the "
    "subscription form again."
)
NOT_SUBSCRIBED = _(
    "This address is not subscribed at the moment, so there are no settings to change. To subscribe, "
    "please fill in the subscription form."
)
NOT_ALLOWED_EXPORT = _("You may not export subscribers' personal data.")
NOT_ALLOWED_ERASE = _("You may not erase subscribers.")


# --- Helpers -------------------------------------------------------------------------------------


def _application_error(error: ValidationError) -> ApplicationError:
    """The field errors of a full_clean() as one ApplicationError; the messages name the rule that
    was broken, never the value that was sent."""
    fields = error.message_dict
    return ApplicationError(
        " ".join(message for messages in fields.values() for message in messages),
        extra={"fields": fields},
    )


def _normalised_email(email: str) -> str:
    # Lower case whole: no mail provider in use treats the local part's case as significant, and one
    # form of each address keeps it unique and searchable with a plain index.
    return (email or "").strip().lower()


def _normalised_topics(topic_keys: Any) -> Any:
    """Topic keys in their canonical UUID form, each once, in the order given; anything that is not
    a list is left for the model's validator to refuse."""
    if not isinstance(topic_keys, list | tuple):
        return topic_keys
    keys: list[Any] = []
    for key in map(_canonical_topic, topic_keys):
        if key not in keys:
            keys.append(key)
    return keys


def _canonical_topic(key: Any) -> Any:
    try:
        return str(uuid.UUID(str(key).strip()))
    except ValueError:
        return key


def _by_email(email: str) -> QuerySet[Subscriber]:
    # LOWER(email) = … uses the unique index of the case-insensitive constraint.
    return Subscriber.objects.annotate(email_lower=Lower("email")).filter(email_lower=email)


def _throttle_count(*, cache_key: str, limit: int) -> int | None:
    """Count one request under `cache_key` in a rolling hour and return None, or return the seconds
    to wait, without counting, once `limit` requests were counted in the last hour."""
    return rolling_window_hit(cache_key=cache_key, limit=limit, window=THROTTLE_WINDOW_SECONDS)


def _hashed(kind: str, value: str) -> str:
    """A keyed hash for a cache key: the cache never holds an address, an email or a client key."""
    keyed = salted_hmac(f"outreach.audiences.throttle.{kind}", value, algorithm="sha256").hexdigest()
    return f"audiences:throttle:{kind}:" + hashlib.sha256(keyed.encode("ascii")).hexdigest()


def _locked_by_key(*, token: str, purpose: str) -> Subscriber:
    """The subscriber a valid token names, locked for this transaction; ApplicationError when the
    token is expired, tampered with, or names someone no longer on the list."""
    key = subscriber_key_from_token(token=token, purpose=purpose)
    subscriber = Subscriber.objects.select_for_update().filter(key=key).first()
    if subscriber is None:
        raise ApplicationError(UNKNOWN, extra={"reason": "unknown"})
    return subscriber


# --- The public side -----------------------------------------------------------------------------


def subscription_client_key(*, remote_address: str) -> str:
    """A keyed hash of the visitor's address, to pass to subscription_request as `client_key`. A
    plain hash of an IPv4 address can be reversed by trying them all; this one cannot without
    SECRET_KEY."""
    return salted_hmac("outreach.audiences.client", remote_address, algorithm="sha256").hexdigest()


def subscription_request(
    *,
    email: str,
    language: str,
    topic_keys: list[str],
    frequency: str,
    source: str,
    wording_version: str,
    client_key: str | None = None,
    region: str = "",
) -> None:
    """Ask for the digest (double opt-in): create or refresh a PENDING subscriber and mail them a
    confirmation link; an address already subscribed is mailed its settings link instead and left
    unchanged. Answers the same whether or not the address is known.

    ApplicationError for bad input (field errors in extra["fields"]), and "please wait" (with
    extra["retry_after"]) when `client_key` sent SUBSCRIPTION_REQUESTS_PER_CLIENT_PER_HOUR already.
    Past SUBSCRIPTION_REQUESTS_PER_ADDRESS_PER_HOUR for one address it silently does nothing."""
    if client_key is not None:
        if not client_key:
            raise ValueError("subscription_request needs a non-empty client key (or None)")
        retry_after = _throttle_count(
            cache_key=_hashed("client", client_key), limit=settings.SUBSCRIPTION_REQUESTS_PER_CLIENT_PER_HOUR
        )
        if retry_after is not None:
            raise ApplicationError(TOO_MANY_REQUESTS, extra={"retry_after": retry_after})

    candidate = Subscriber(
        email=_normalised_email(email),
        language=(language or "").strip().lower(),
        topics=_normalised_topics(topic_keys),
        frequency=frequency,
        region=(region or "").strip(),
        request_source=source,
        request_wording_version=wording_version,
        requested_at=timezone.now(),
    )
    try:
        # Never the uniqueness checks here: "already on the list" would tell who subscribes.
        candidate.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise _application_error(error) from None

    # Several mails to one address in an hour would be a nuisance (or a way to harass someone);
    # past the limit, nothing is sent and the caller is not told.
    throttled = _throttle_count(
        cache_key=_hashed("address", candidate.email),
        limit=settings.SUBSCRIPTION_REQUESTS_PER_ADDRESS_PER_HOUR,
    )
    if throttled is not None:
        return

    with transaction.atomic():
        subscriber, kind = _subscription_store(candidate)
        mail = {"subscriber_id": subscriber.pk, "kind": kind, "language": candidate.language}
        transaction.on_commit(lambda: _mail_enqueue(**mail))


def _subscription_store(candidate: Subscriber) -> tuple[Subscriber, str]:
    """Insert the candidate, or refresh the stored request for its address; which mail to send."""
    stored = _by_email(candidate.email).select_for_update().first()
    if stored is None:
        try:
            with transaction.atomic():
                candidate.save()
            return candidate, CONFIRM_MAIL
        except IntegrityError:
            # The same address was inserted by a request running at the same moment.
            stored = _by_email(candidate.email).select_for_update().get()
    if stored.status == Subscriber.Status.ACTIVE:
        # Someone who may not be the subscriber cannot change a confirmed subscription.
        return stored, ALREADY_SUBSCRIBED_MAIL
    fields = [
        "language",
        "topics",
        "frequency",
        "region",
        "request_source",
        "request_wording_version",
        "requested_at",
    ]
    for field in fields:
        setattr(stored, field, getattr(candidate, field))
    stored.status = Subscriber.Status.PENDING
    stored.full_clean()
    stored.save(update_fields=[*fields, "status", "updated_at"])
    return stored, CONFIRM_MAIL


def _mail_enqueue(*, subscriber_id: int, kind: str, language: str) -> None:
    from .tasks import subscription_mail_send as task

    task.delay(subscriber_id=subscriber_id, kind=kind, language=language)


@transaction.atomic
def subscription_confirm(*, token: str) -> Subscriber:
    """Activate the subscriber a confirmation link names and record their consent (with the form,
    wording and time of their request). Confirming again changes nothing. ApplicationError, and
    nothing changed, for an expired, tampered or unknown link or after unsubscribing."""
    subscriber = _locked_by_key(token=token, purpose=CONFIRM)
    if subscriber.status == Subscriber.Status.ACTIVE:
        return subscriber
    if subscriber.status == Subscriber.Status.UNSUBSCRIBED:
        raise ApplicationError(UNSUBSCRIBED_SINCE, extra={"reason": "unsubscribed"})
    now = timezone.now()
    subscriber.status = Subscriber.Status.ACTIVE
    subscriber.confirmed_at = now
    subscriber.full_clean()
    subscriber.save(update_fields=["status", "confirmed_at", "updated_at"])
    _consent_record(
        subscriber=subscriber,
        action=ConsentRecord.Action.GIVEN,
        at=now,
        source=subscriber.request_source,
        wording_version=subscriber.request_wording_version,
    )
    return subscriber


@transaction.atomic
def subscription_unsubscribe(*, token: str, source: str = UNSUBSCRIBE_SOURCE) -> Subscriber:
    """Unsubscribe the subscriber an unsubscribe link names and record the withdrawal of their
    consent (`source`: which door, e.g. "unsubscribe-link" or "list-unsubscribe"). Unsubscribing
    again changes nothing; a pending request is simply cancelled (there was no consent to withdraw)."""
    subscriber = _locked_by_key(token=token, purpose=UNSUBSCRIBE)
    if subscriber.status == Subscriber.Status.UNSUBSCRIBED:
        return subscriber
    was_active = subscriber.status == Subscriber.Status.ACTIVE
    now = timezone.now()
    subscriber.status = Subscriber.Status.UNSUBSCRIBED
    subscriber.unsubscribed_at = now
    subscriber.full_clean()
    subscriber.save(update_fields=["status", "unsubscribed_at", "updated_at"])
    if was_active:
        # What is withdrawn is the consent last given, in the wording the person agreed to.
        given = (
            subscriber.consent_records.filter(action=ConsentRecord.Action.GIVEN).order_by("at", "pk").last()
        )
        _consent_record(
            subscriber=subscriber,
            action=ConsentRecord.Action.WITHDRAWN,
            at=now,
            source=source,
            wording_version=given.wording_version if given else subscriber.request_wording_version,
        )
    return subscriber


@transaction.atomic
def subscriber_preferences_update(
    *, token: str, language: str, topic_keys: list[str], frequency: str, region: str | None = None
) -> Subscriber:
    """Change a subscriber's language, topics and frequency through their settings link; only while
    they are subscribed. ApplicationError, and nothing changed, for a bad link or bad input."""
    subscriber = _locked_by_key(token=token, purpose=PREFERENCES)
    if subscriber.status != Subscriber.Status.ACTIVE:
        raise ApplicationError(NOT_SUBSCRIBED, extra={"reason": "not_subscribed"})
    values = {
        "language": (language or "").strip().lower(),
        "topics": _normalised_topics(topic_keys),
        "frequency": frequency,
        # None keeps the region as it is (a form without the field); "" clears it.
        "region": subscriber.region if region is None else (region or "").strip(),
    }
    changed = [field for field in PREFERENCE_FIELDS if getattr(subscriber, field) != values[field]]
    if not changed:
        return subscriber
    for field in changed:
        setattr(subscriber, field, values[field])
    try:
        subscriber.full_clean()
    except ValidationError as error:
        raise _application_error(error) from None
    subscriber.save(update_fields=[*changed, "updated_at"])
    return subscriber


def _consent_record(
    *, subscriber: Subscriber, action: str, at: datetime, source: str, wording_version: str
) -> ConsentRecord:
    record = ConsentRecord(
        subscriber=subscriber,
        action=action,
        at=at,
        source=source,
        wording_version=wording_version,
        language=subscriber.language,
    )
    try:
        record.full_clean()
    except ValidationError as error:
        raise _application_error(error) from None
    record.save()
    return record


# --- Scheduled work ------------------------------------------------------------------------------


def subscription_mail_send(*, subscriber_id: int, kind: str, language: str) -> None:
    """Send the subscription mail of `kind` to the subscriber, if they are still in the state it
    was meant for (a retried task never sends a confirmation to someone already confirmed).
    TemporaryError when the mail server cannot be reached, so the task retries."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    expected = {CONFIRM_MAIL: Subscriber.Status.PENDING, ALREADY_SUBSCRIBED_MAIL: Subscriber.Status.ACTIVE}
    if subscriber is None or subscriber.status != expected[kind]:
        return
    message_send(
        subscription_message(subscriber=subscriber, kind=kind, language=language),
        description=f"the {kind} mail to subscriber {subscriber.pk}",
    )


def subscriptions_purge_unconfirmed(*, older_than_days: int = 7, now: datetime | None = None) -> int:
    """Forget requests to subscribe that nobody confirmed within `older_than_days`: a pending
    subscriber who never confirmed is deleted; one who had been subscribed before (and so has a
    consent history) goes back to unsubscribed. Returns how many requests were purged."""
    cutoff = (now or timezone.now()) - timedelta(days=older_than_days)
    stale = Subscriber.objects.filter(status=Subscriber.Status.PENDING, requested_at__lt=cutoff)
    with transaction.atomic():
        _total, deleted = stale.filter(confirmed_at__isnull=True).delete()
        reverted = stale.filter(confirmed_at__isnull=False).update(
            status=Subscriber.Status.UNSUBSCRIBED, updated_at=timezone.now()
        )
    return deleted.get(Subscriber._meta.label, 0) + reverted


# --- The back office -----------------------------------------------------------------------------


def subscriber_export(*, subscriber: Subscriber, actor: Any) -> dict[str, Any]:
    """Everything held about one subscriber (for their access request), JSON-ready. Recorded in the
    audit log as audiences.export with the subscriber's id only."""
    if not can_export_subscriber(actor, subscriber):
        raise ApplicationError(NOT_ALLOWED_EXPORT)
    stored = Subscriber.objects.prefetch_related("consent_records").get(pk=subscriber.pk)

    def moment(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    data = {
        "subscriber": {
            "id": stored.pk,
            "email": stored.email,
            "language": stored.language,
            "topics": list(stored.topics),
            "frequency": stored.frequency,
            "region": stored.region,
            "status": stored.status,
            "created_at": moment(stored.created_at),
            "updated_at": moment(stored.updated_at),
            "requested_at": moment(stored.requested_at),
            "request_source": stored.request_source,
            "request_wording_version": stored.request_wording_version,
            "confirmed_at": moment(stored.confirmed_at),
            "unsubscribed_at": moment(stored.unsubscribed_at),
        },
        "consent_records": [
            {
                "action": record.action,
                "at": moment(record.at),
                "source": record.source,
                "wording_version": record.wording_version,
                "language": record.language,
            }
            for record in stored.consent_records.all()
        ],
        "exported_at": moment(timezone.now()),
    }
    log(instance=stored, action=LOG_EXPORT, user=actor, data={"subscriber": stored.pk})
    return data


@transaction.atomic
def subscriber_erase(*, subscriber: Subscriber, actor: Any) -> None:
    """Delete the subscriber and everything that says who they are; their consent records stay,
    unlinked, as an anonymous trail. Recorded in the audit log as audiences.erase with the
    subscriber's id and how many consent records were kept."""
    if not can_delete_subscriber(actor, subscriber):
        raise ApplicationError(NOT_ALLOWED_ERASE)
    stored = Subscriber.objects.select_for_update().filter(pk=subscriber.pk).first()
    if stored is None:
        return
    kept = stored.consent_records.count()
    log(
        instance=stored,
        action=LOG_ERASE,
        user=actor,
        data={"subscriber": stored.pk, "consent_records_kept": kept},
    )
    stored.delete()
