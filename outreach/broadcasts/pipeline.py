"""The send pipeline: start a due broadcast by freezing its audience into deliveries, let workers
claim small chunks of them under a lease, send each and record its result at once, hand back the
claims of a worker that died, and finish, expire, pause or restart broadcasts.

Exactly once per recipient, as far as a provider allows: a claim is committed before the provider
is called; each result is recorded the moment the provider accepted the message; a delivery is
marked sent only while it is still this worker's claim (its lease_until names the claim), and a
worker stops using a claim once half its lease is gone. A worker killed mid-chunk leaves its unsent
claims to the reaper, so nothing is lost; only a message the provider accepted in the instant before
the kill, and whose result was not yet written, can go out twice, and it carries the same
Message-ID."""

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Case, CharField, Count, DateTimeField, F, IntegerField, Q, Value, When
from django.utils import timezone

from outreach.audiences.models import Subscriber, Suppression
from outreach.audiences.regions import REGIONS
from outreach.audiences.selectors import audience_members
from outreach.audiences.suppressions import suppression_add
from outreach.audiences.tokens import PREFERENCES, UNSUBSCRIBE, subscription_links
from outreach.core.exceptions import ApplicationError

from .channels import (
    Channel,
    Outgoing,
    PermanentFailure,
    ProviderThrottled,
    TemporaryFailure,
    channel_get,
)
from .models import Broadcast, BroadcastContent, ChannelTarget, ChannelThrottle, Delivery, OutreachControl
from .rendering import PREFERENCES_MARK, UNSUBSCRIBE_MARK, contents_for_broadcast, personalise
from .timing import local_send_time

logger = logging.getLogger(__name__)


# --- Language -----------------------------------------------------------------------------------


def language_resolve(language: str, available: Iterable[str]) -> str:
    """The first of `language` and its fallback chain (settings.OUTREACH_LANGUAGE_FALLBACKS) that is
    `available`; "" when none is."""
    available = set(available)
    for candidate in [language, *settings.OUTREACH_LANGUAGE_FALLBACKS.get(language, [])]:
        if candidate in available:
            return candidate
    return ""


# --- Starting: freeze the audience --------------------------------------------------------------


# A broadcast at each subscriber's local time starts this long before its time on the platform's
# clock, so readers east of it (Kyrgyzstan is an hour ahead of Kazakhstan) get it at their own
# hour; each delivery still waits for its own moment (not_before). No time zone is further ahead.
LOCAL_TIME_LEAD = timedelta(hours=14)


def _due(now: datetime) -> Q:
    return Q(send_at__lte=now) | Q(send_at_local_time=True, send_at__lte=now + LOCAL_TIME_LEAD)


def broadcast_start(*, broadcast_id: int, now: datetime | None = None) -> bool:
    """Start one SCHEDULED broadcast whose time has come: fix its content per language, freeze its
    audience into one delivery per recipient and channel, and mark it SENDING; or mark it EXPIRED
    when its expiry has passed. In one transaction under the broadcast's row lock, so two ticks
    cannot both start it and a crash mid-way leaves it scheduled. False when there was nothing to do."""
    now = now or timezone.now()
    with transaction.atomic():
        broadcast = (
            # of=self: the message and digest are outer joins (either may be empty), which PostgreSQL
            # cannot lock; the broadcast's row is the one that decides who starts it.
            Broadcast.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("audience", "message", "digest")
            .filter(_due(now), pk=broadcast_id, status=Broadcast.Status.SCHEDULED)
            .first()
        )
        if broadcast is None:
            return False
        if broadcast.expires_at and broadcast.expires_at <= now:
            broadcast.status = Broadcast.Status.EXPIRED
            broadcast.finished_at = now
            broadcast.save(update_fields=["status", "finished_at", "updated_at"])
            return True
        contents = contents_for_broadcast(broadcast)
        BroadcastContent.objects.bulk_create(contents)
        available = [content.language for content in contents]
        for key in broadcast.channels:
            channel = channel_get(key)
            if channel.per_subscriber:
                _freeze_subscribers(broadcast, key, available, now)
            else:
                _freeze_targets(broadcast, key, available, now)
        broadcast.status = Broadcast.Status.SENDING
        broadcast.started_at = now
        broadcast.progressed_at = now
        broadcast.save(update_fields=["status", "started_at", "progressed_at", "updated_at"])
        transaction.on_commit(lambda: workers_enqueue(broadcast_id=broadcast.pk))
    return True


def _delivery(broadcast: Broadcast, channel: str, language: str, not_before: datetime, **recipient: Any):
    skipped = not language
    return Delivery(
        broadcast=broadcast,
        channel=channel,
        language=language,
        not_before=not_before,
        status=Delivery.Status.SKIPPED if skipped else Delivery.Status.QUEUED,
        skip_reason=Delivery.SkipReason.NO_VARIANT if skipped else "",
        **recipient,
    )


def _freeze_subscribers(broadcast: Broadcast, channel: str, available: list[str], now: datetime) -> None:
    """One delivery per member of the audience, written by the database itself (INSERT ... SELECT
    over the audience's query): no subscriber row passes through Python, so the time stays short
    and the memory flat in the audience size (docs/benchmarks.md). A recipient's language and
    time depend only on their language and region, both from short fixed lists, so each is
    worked out here once per value and handed to the database as a CASE."""
    languages = {code: language_resolve(code, available) for code in settings.OUTREACH_LANGUAGE_FALLBACKS}
    languages.update({code: language_resolve(code, available) for code, _name in settings.LANGUAGES})
    sendable = [code for code, resolved in languages.items() if resolved]
    if broadcast.send_at_local_time or broadcast.quiet_hours_start:
        times = {region: local_send_time(broadcast=broadcast, region=region, now=now) for region in REGIONS}
        not_before: Any = Case(
            *[When(region=region, then=Value(moment)) for region, moment in times.items()],
            default=Value(local_send_time(broadcast=broadcast, region="", now=now)),
            output_field=DateTimeField(),
        )
    else:
        not_before = Value(broadcast.send_at or now, output_field=DateTimeField())
    rows = (
        audience_members(audience=broadcast.audience)
        .order_by()
        .annotate(
            d_broadcast=Value(broadcast.pk, output_field=IntegerField()),
            d_channel=Value(channel, output_field=CharField()),
            d_language=Case(
                *[When(language=code, then=Value(languages[code])) for code in sendable],
                default=Value(""),
                output_field=CharField(),
            ),
            d_status=Case(
                When(language__in=sendable, then=Value(Delivery.Status.QUEUED)),
                default=Value(Delivery.Status.SKIPPED),
                output_field=CharField(),
            ),
            d_skip_reason=Case(
                When(language__in=sendable, then=Value("")),
                default=Value(Delivery.SkipReason.NO_VARIANT),
                output_field=CharField(),
            ),
            d_not_before=not_before,
            d_attempts=Value(0, output_field=IntegerField()),
            d_blank=Value("", output_field=CharField()),
        )
        .values_list(
            "d_broadcast", "pk", "d_channel", "d_language", "d_status", "d_skip_reason", "d_not_before",
            "d_attempts", "d_blank", "d_blank",
        )
    )  # fmt: skip
    select, params = rows.query.sql_with_params()
    meta, quote = Delivery._meta, connection.ops.quote_name
    columns = ", ".join(
        quote(meta.get_field(name).column)
        for name in ("broadcast", "subscriber", "channel", "language", "status", "skip_reason", "not_before",
                     "attempts", "error", "provider_id")
    )  # fmt: skip
    with connection.cursor() as cursor:
        # ON CONFLICT DO NOTHING: the unique (broadcast, subscriber, channel) makes a repeat add nothing.
        # Identifiers come from the model and are quoted; values are the query's own parameters.
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table)} ({columns}) {select} ON CONFLICT DO NOTHING",  # noqa: S608
            params,
        )


def _freeze_targets(broadcast: Broadcast, channel: str, available: list[str], now: datetime) -> None:
    """One post per active target of the channel, at the broadcast's own time (a channel has no
    local clock)."""
    targets = ChannelTarget.objects.filter(channel=channel, is_active=True).order_by("pk")
    at = max(broadcast.send_at or now, now)
    rows = [
        _delivery(broadcast, channel, language_resolve(target.language, available), at, target=target)
        for target in targets
    ]
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)


# --- Claiming and sending -----------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    """Deliveries one worker claimed together. `lease_until` is written on each of them and names the
    claim: a result is recorded only on rows that still carry it, so a worker whose lease ran out
    (and whose rows the reaper gave to another) can no longer record anything on them."""

    ids: list[int]
    lease_until: datetime


def deliveries_claim(*, broadcast_id: int, channel: str, limit: int, now: datetime | None = None) -> Claim:
    """Claim up to `limit` due, queued deliveries of the broadcast on `channel` for this worker and
    commit the claim: rows another worker holds locked are skipped, not waited for."""
    now = now or timezone.now()
    lease_until = now + timedelta(seconds=settings.OUTREACH_LEASE_SECONDS)
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(
                broadcast_id=broadcast_id, channel=channel, status=Delivery.Status.QUEUED, not_before__lte=now
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            claimed = Delivery.objects.filter(pk__in=ids, status=Delivery.Status.QUEUED).update(
                status=Delivery.Status.CLAIMED, lease_until=lease_until, attempts=F("attempts") + 1
            )
            if claimed != len(ids):
                # Only where the database has no row locks (SQLite) can another worker have claimed
                # some of them between the read and the write: keep those that carry our lease.
                ids = list(
                    Delivery.objects.filter(pk__in=ids, lease_until=lease_until)
                    .order_by("pk")
                    .values_list("pk", flat=True)
                )
    return Claim(ids=ids, lease_until=lease_until)


@dataclass
class ChunkResult:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    requeued: int = 0
    held_off: float = 0.0


def chunk_send(*, broadcast: Broadcast, channel: Channel, claim: Claim) -> ChunkResult:
    """Send the claimed deliveries: skip those whose subscriber left or whose address is suppressed,
    send the rest one by one and record each result as soon as the provider answered. Stops, and
    gives the rest back to the queue, once half the lease is gone, so that nothing is sent after the
    reaper could have handed it to another worker."""
    result = ChunkResult()
    now = timezone.now()
    mine = Delivery.objects.filter(status=Delivery.Status.CLAIMED, lease_until=claim.lease_until)
    deliveries = list(
        mine.filter(pk__in=claim.ids)
        .select_related("subscriber", "target")
        .only(
            "pk", "channel", "language", "attempts", "subscriber_id", "target_id",
            "subscriber__key", "subscriber__email", "subscriber__language", "subscriber__topics",
            "subscriber__status", "target__address", "target__is_active",
        )
        .order_by("pk")
    )  # fmt: skip
    contents = _contents(broadcast)
    suppressed = _suppressed_addresses(deliveries)
    skips: dict[str, list[int]] = {}
    ready: list[tuple[Delivery, Outgoing]] = []
    for delivery in deliveries:
        reason = _skip_reason(broadcast, delivery, suppressed, contents, now)
        if reason:
            skips.setdefault(reason, []).append(delivery.pk)
            continue
        outgoing = _outgoing(broadcast, delivery, contents[delivery.language])
        if outgoing is None:
            skips.setdefault(Delivery.SkipReason.NO_CONTENT, []).append(delivery.pk)
            continue
        ready.append((delivery, outgoing))
    for reason, ids in skips.items():
        result.skipped += mine.filter(pk__in=ids).update(
            status=Delivery.Status.SKIPPED, skip_reason=reason, lease_until=None
        )
    if not ready:
        return result
    # Half the lease: a provider call that starts before this still ends well before the reaper
    # may return the claim (the lease is much longer than a provider's timeout).
    stop_at = claim.lease_until - timedelta(seconds=settings.OUTREACH_LEASE_SECONDS / 2)
    with channel.session() as session:
        for index, (delivery, outgoing) in enumerate(ready):
            if timezone.now() >= stop_at:
                result.requeued += _requeue(claim, [item.pk for item, _outgoing in ready[index:]], delay=0)
                break
            try:
                provider_id = session.send(outgoing)
            except ProviderThrottled as error:
                throttle_hold_off(channel=channel.key, seconds=error.retry_after)
                result.held_off = error.retry_after
                result.requeued += _requeue(claim, [item.pk for item, _outgoing in ready[index:]], delay=0)
                break
            except PermanentFailure as error:
                result.failed += _record(claim, delivery, status=Delivery.Status.FAILED, error=error.code)
                if error.address_invalid and delivery.subscriber is not None:
                    _suppress_bounced(delivery)
            except TemporaryFailure as error:
                if delivery.attempts >= settings.OUTREACH_MAX_ATTEMPTS:
                    result.failed += _finish(claim, delivery, status=Delivery.Status.FAILED, error=error.code)
                else:
                    delay = settings.OUTREACH_RETRY_SECONDS * 2 ** (delivery.attempts - 1)
                    result.requeued += _requeue(claim, [delivery.pk], delay=delay, error=error.code)
            else:
                result.sent += _record(claim, delivery, status=Delivery.Status.SENT, provider_id=provider_id)
    return result


def _contents(broadcast: Broadcast) -> dict[str, BroadcastContent]:
    """The broadcast's content per language, read once per worker task: it is fixed at the start."""
    cached = getattr(broadcast, "_contents_by_language", None)
    if cached is None:
        cached = {content.language: content for content in broadcast.contents.all()}
        broadcast._contents_by_language = cached  # type: ignore[attr-defined]
    return cached


def _suppressed_addresses(deliveries: list[Delivery]) -> set[str]:
    addresses = {d.subscriber.email.lower() for d in deliveries if d.subscriber is not None}
    if not addresses:
        return set()
    return {
        email.lower()
        for email in Suppression.objects.filter(email__in=addresses).values_list("email", flat=True)
    }


def _skip_reason(
    broadcast: Broadcast,
    delivery: Delivery,
    suppressed: set[str],
    contents: dict[str, BroadcastContent],
    now: datetime,
) -> str:
    if broadcast.expires_at and broadcast.expires_at <= now:
        return Delivery.SkipReason.EXPIRED
    if delivery.language not in contents:
        return Delivery.SkipReason.NO_VARIANT
    if delivery.target_id is None:
        subscriber = delivery.subscriber
        if subscriber is None or subscriber.status != Subscriber.Status.ACTIVE:
            # Unsubscribing is honoured at once, even for a broadcast already under way.
            return Delivery.SkipReason.UNSUBSCRIBED
        if subscriber.email.lower() in suppressed:
            return Delivery.SkipReason.SUPPRESSED
    elif delivery.target is None or not delivery.target.is_active:
        return Delivery.SkipReason.CANCELLED
    return ""


def _outgoing(broadcast: Broadcast, delivery: Delivery, content: BroadcastContent) -> Outgoing | None:
    message_id = f"<{broadcast.key.hex}.{delivery.pk}@{settings.OUTREACH_MESSAGE_ID_DOMAIN}>"
    if delivery.target_id is not None:
        text = personalise(content.text, topics=None, links={}, personal=False)
        html = personalise(content.html, topics=None, links={}, personal=False)
        if text is None or html is None:
            return None
        return Outgoing(
            delivery_id=delivery.pk,
            address=delivery.target.address,
            language=delivery.language,
            subject=content.subject,
            text=text,
            html=html,
            message_id=message_id,
        )
    subscriber = delivery.subscriber
    links = subscription_links(subscriber=subscriber, language=delivery.language)
    marks = {UNSUBSCRIBE_MARK: links[UNSUBSCRIBE], PREFERENCES_MARK: links[PREFERENCES]}
    text = personalise(content.text, topics=subscriber.topics, links=marks)
    html = personalise(content.html, topics=subscriber.topics, links=marks)
    if text is None or html is None:
        return None
    return Outgoing(
        delivery_id=delivery.pk,
        address=subscriber.email,
        language=delivery.language,
        subject=content.subject,
        text=text,
        html=html,
        message_id=message_id,
        unsubscribe_url=links[UNSUBSCRIBE],
    )


def _suppress_bounced(delivery: Delivery) -> None:
    """The provider said the address does not exist: never mail it again."""
    try:
        suppression_add(
            email=delivery.subscriber.email,
            reason=Suppression.Reason.BOUNCE,
            event_id=f"delivery:{delivery.pk}",
        )
    except ApplicationError:
        logger.warning("Delivery %d: the refused address could not be suppressed.", delivery.pk)


def _finish(claim: Claim, delivery: Delivery, *, status: str, error: str = "", provider_id: str = "") -> int:
    """Record one result at once (one UPDATE), only while the delivery is still this claim's."""
    # The one statement per message on the hot path, in SQL: building the same UPDATE through the
    # ORM took longer than the database took to run it (docs/benchmarks.md).
    ops = connection.ops
    with connection.cursor() as cursor:
        cursor.execute(
            _finish_sql(),
            [
                status,
                ops.adapt_datetimefield_value(timezone.now()),
                error,
                provider_id[:200],
                delivery.pk,
                Delivery.Status.CLAIMED,
                ops.adapt_datetimefield_value(claim.lease_until),
            ],
        )
        return cursor.rowcount


# Seconds between attempts to record a provider's answer while the database is unreachable.
RECORD_RETRY_SECONDS = 0.5


def _record(claim: Claim, delivery: Delivery, **result: str) -> int:
    """Record the provider's answer to a message it was handed, across a lost database connection
    (a restart, a failover): the write is tried again on a new connection until a second before the
    claim's lease ends. Giving up sooner would leave the delivery claimed, and the reaper would hand
    it, already sent, to another worker."""
    while True:
        try:
            return _finish(claim, delivery, **result)
        except (OperationalError, InterfaceError):
            last_chance = claim.lease_until - timedelta(seconds=1 + RECORD_RETRY_SECONDS)
            if connection.in_atomic_block or timezone.now() >= last_chance:
                raise
            logger.warning(
                "Delivery %d: the database connection was lost; recording its result again.", delivery.pk
            )
            connection.close()
            time.sleep(RECORD_RETRY_SECONDS)


@cache
def _finish_sql() -> str:
    meta, quote = Delivery._meta, connection.ops.quote_name
    column = {
        name: quote(meta.get_field(name).column)
        for name in ("status", "sent_at", "lease_until", "error", "provider_id", "id")
    }
    # Identifiers come from the model and are quoted; every value is a parameter.
    return (
        f"UPDATE {quote(meta.db_table)} SET {column['status']} = %s, {column['sent_at']} = %s, "  # noqa: S608  # nosec B608
        f"{column['lease_until']} = NULL, {column['error']} = %s, {column['provider_id']} = %s "
        f"WHERE {column['id']} = %s AND {column['status']} = %s AND {column['lease_until']} = %s"
    )


def _requeue(claim: Claim, ids: list[int], *, delay: float, error: str = "") -> int:
    updates: dict[str, Any] = {
        "status": Delivery.Status.QUEUED,
        "lease_until": None,
        "not_before": timezone.now() + timedelta(seconds=delay),
    }
    if error:
        updates["error"] = error
    return Delivery.objects.filter(
        pk__in=ids, status=Delivery.Status.CLAIMED, lease_until=claim.lease_until
    ).update(**updates)


# --- Throttling across workers ------------------------------------------------------------------


def throttle_take(*, channel: Channel, want: int, now: datetime | None = None) -> tuple[int, float]:
    """Take up to `want` tokens from the channel's bucket (refilled at its rate, holding at most one
    second's worth): how many were granted, and when none were, how long to wait. Tokens are handed
    out only once a whole chunk's worth (or the bucket's capacity, if smaller) has gathered, so a
    throttled channel sends full chunks on one connection each rather than a stream of tiny ones."""
    now = now or timezone.now()
    rate = channel.rate_per_second()
    ChannelThrottle.objects.get_or_create(channel=channel.key, defaults={"tokens": 0, "refilled_at": now})
    with transaction.atomic():
        bucket = ChannelThrottle.objects.select_for_update().get(channel=channel.key)
        if bucket.blocked_until and bucket.blocked_until > now:
            return 0, (bucket.blocked_until - now).total_seconds()
        elapsed = max(0.0, (now - bucket.refilled_at).total_seconds())
        capacity = max(rate, 1.0)
        tokens = min(capacity, bucket.tokens + elapsed * rate)
        needed = min(want, int(capacity))
        granted = min(want, int(tokens)) if tokens >= needed else 0
        bucket.tokens = tokens - granted
        bucket.refilled_at = now
        bucket.save(update_fields=["tokens", "refilled_at"])
    wait = 0.0 if granted else (needed - tokens) / rate
    return granted, wait


def throttle_hold_off(*, channel: str, seconds: float) -> None:
    """The provider asked to slow down: no worker uses the channel for `seconds`."""
    until = timezone.now() + timedelta(seconds=seconds)
    ChannelThrottle.objects.get_or_create(channel=channel)
    ChannelThrottle.objects.filter(channel=channel).filter(
        Q(blocked_until__isnull=True) | Q(blocked_until__lt=until)
    ).update(blocked_until=until, tokens=0)


# --- The worker's loop --------------------------------------------------------------------------


def emergency_stopped() -> bool:
    return OutreachControl.objects.filter(pk=1, emergency_stop=True).exists()


def broadcast_work(*, broadcast_id: int, slice_seconds: float | None = None) -> bool:
    """Claim and send the broadcast's due deliveries until none are left, the broadcast stops sending
    (paused, cancelled, emergency stop) or the time slice is over. True when the slice ran out with
    work left, so the caller hands over to a fresh task."""
    deadline = time.monotonic() + (slice_seconds or settings.OUTREACH_WORK_SLICE_SECONDS)
    broadcast = Broadcast.objects.filter(pk=broadcast_id).first()
    if broadcast is None:
        return False
    channels = [channel_get(key) for key in broadcast.channels]
    _fast_commits()
    try:
        while time.monotonic() < deadline:
            status = Broadcast.objects.filter(pk=broadcast_id).values_list("status", flat=True).first()
            if status != Broadcast.Status.SENDING or emergency_stopped():
                return False
            claimed_any, shortest_wait = False, None
            for channel in channels:
                granted, wait = throttle_take(channel=channel, want=settings.OUTREACH_CHUNK_SIZE)
                if not granted:
                    shortest_wait = wait if shortest_wait is None else min(shortest_wait, wait)
                    continue
                claim = deliveries_claim(broadcast_id=broadcast_id, channel=channel.key, limit=granted)
                if not claim.ids:
                    continue
                claimed_any = True
                chunk_send(broadcast=broadcast, channel=channel, claim=claim)
                Broadcast.objects.filter(pk=broadcast_id).update(progressed_at=timezone.now())
            if not claimed_any:
                if shortest_wait is None:
                    return False
                time.sleep(min(shortest_wait, 1.0, max(0.0, deadline - time.monotonic())))
        return _has_due_work(broadcast_id)
    finally:
        _fast_commits(reset=True)


def _fast_commits(*, reset: bool = False) -> None:
    """On PostgreSQL, this worker's result writes do not wait for the disk: a killed worker loses
    nothing by it (the server has the write); only a crash of the database server itself could
    lose the last fraction of a second of results, and those deliveries would be sent again."""
    if connection.vendor != "postgresql":
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit" if reset else "SET synchronous_commit TO off")
    except DatabaseError:
        if not reset:
            raise
        # The connection was lost (a database restart): the setting went with it.


def _has_due_work(broadcast_id: int) -> bool:
    return Delivery.objects.filter(
        broadcast_id=broadcast_id, status=Delivery.Status.QUEUED, not_before__lte=timezone.now()
    ).exists()


def workers_enqueue(*, broadcast_id: int, count: int | None = None) -> None:
    from .tasks import broadcast_work as task

    for _index in range(count or settings.OUTREACH_WORKERS_PER_BROADCAST):
        task.delay(broadcast_id)


# --- The tick -----------------------------------------------------------------------------------


def leases_reap(*, now: datetime | None = None) -> int:
    """Give the deliveries of workers whose lease ran out back to the queue; how many."""
    now = now or timezone.now()
    returned = Delivery.objects.filter(status=Delivery.Status.CLAIMED, lease_until__lt=now).update(
        status=Delivery.Status.QUEUED, lease_until=None
    )
    if returned:
        logger.warning("Returned %d deliveries whose worker stopped answering to the queue.", returned)
    return returned


def delivery_counts(*, broadcast_id: int) -> dict[str, int]:
    """How many of the broadcast's deliveries are in each state (every state present, 0 if none)."""
    counts = dict.fromkeys(Delivery.Status.values, 0)
    rows = Delivery.objects.filter(broadcast_id=broadcast_id).values("status").annotate(count=Count("pk"))
    counts.update({row["status"]: row["count"] for row in rows})
    return counts


def _attempts_since_resume(broadcast: Broadcast, counts: dict[str, int]) -> tuple[int, int]:
    """Sent and failed attempts the automatic pause judges: all of them, or since the last resume
    (whoever resumed judged the earlier failures already)."""
    if broadcast.resumed_at is None:
        return counts[Delivery.Status.SENT], counts[Delivery.Status.FAILED]
    recent = Delivery.objects.filter(broadcast=broadcast, sent_at__gte=broadcast.resumed_at).aggregate(
        sent=Count("pk", filter=Q(status=Delivery.Status.SENT)),
        failed=Count("pk", filter=Q(status=Delivery.Status.FAILED)),
    )
    return recent["sent"], recent["failed"]


def broadcasts_progress_check(*, now: datetime | None = None) -> None:
    """For each SENDING broadcast: expire what is queued past its expiry, finish it when nothing is
    left, pause it when too many attempts failed, and start fresh workers when progress stalled."""
    now = now or timezone.now()
    for broadcast in Broadcast.objects.filter(status=Broadcast.Status.SENDING).order_by("pk"):
        if broadcast.expires_at and broadcast.expires_at <= now:
            Delivery.objects.filter(broadcast=broadcast, status=Delivery.Status.QUEUED).update(
                status=Delivery.Status.SKIPPED, skip_reason=Delivery.SkipReason.EXPIRED
            )
        counts = delivery_counts(broadcast_id=broadcast.pk)
        remaining = counts[Delivery.Status.QUEUED] + counts[Delivery.Status.CLAIMED]
        if not remaining:
            expired = broadcast.expires_at is not None and broadcast.expires_at <= now
            Broadcast.objects.filter(pk=broadcast.pk, status=Broadcast.Status.SENDING).update(
                status=Broadcast.Status.EXPIRED if expired else Broadcast.Status.FINISHED,
                finished_at=now,
                updated_at=now,
            )
            continue
        sent, failed = _attempts_since_resume(broadcast, counts)
        attempted = sent + failed
        if (
            attempted >= settings.OUTREACH_FAILURE_SAMPLE
            and failed * 100 > broadcast.failure_threshold_percent * attempted
        ):
            Broadcast.objects.filter(pk=broadcast.pk, status=Broadcast.Status.SENDING).update(
                status=Broadcast.Status.PAUSED,
                pause_reason=Broadcast.PauseReason.FAILURE_RATE,
                updated_at=now,
            )
            logger.warning("Broadcast %d paused: its failure rate crossed its threshold.", broadcast.pk)
            continue
        stalled = broadcast.progressed_at is None or broadcast.progressed_at < now - timedelta(
            seconds=settings.OUTREACH_STALL_SECONDS
        )
        if stalled and not emergency_stopped() and _has_due_work(broadcast.pk):
            Broadcast.objects.filter(pk=broadcast.pk).update(progressed_at=now)
            workers_enqueue(broadcast_id=broadcast.pk)


def broadcasts_due_start(*, now: datetime | None = None) -> int:
    """Start every scheduled broadcast whose time has come; how many were started or expired."""
    now = now or timezone.now()
    due = Broadcast.objects.filter(_due(now), status=Broadcast.Status.SCHEDULED).order_by("send_at", "pk")
    return sum(broadcast_start(broadcast_id=pk, now=now) for pk in due.values_list("pk", flat=True))


def broadcasts_tick(*, now: datetime | None = None) -> None:
    """What the beat task runs every few seconds."""
    from .digests import digests_due_run

    now = now or timezone.now()
    digests_due_run(now=now)
    broadcasts_due_start(now=now)
    leases_reap(now=now)
    broadcasts_progress_check(now=now)
