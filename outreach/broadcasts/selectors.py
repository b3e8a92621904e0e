"""Reads for the outreach screens: messages, broadcasts, digests and channel targets as the user may
see them, and a broadcast's progress counted in one query.

Progress is counted, never kept: it is read from the deliveries, and a per-language count below
settings.OUTREACH_MIN_GROUP_SIZE is never shown exactly."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from .models import Broadcast, ChannelTarget, Delivery, Digest, Message, MessageVariant, OutreachControl
from .permissions import can_view_broadcast, can_view_channel_target, can_view_digest, can_view_message

RATE_WINDOW_SECONDS = 60


def messages_visible_to(*, user: Any) -> QuerySet[Message]:
    """Messages the user may see, newest first, each with its variants loaded; none without the rule."""
    if not can_view_message(user):
        return Message.objects.none()
    variants = MessageVariant.objects.order_by("language").select_related("approved_by")
    return Message.objects.prefetch_related(Prefetch("variants", queryset=variants)).order_by(
        "-created_at", "-pk"
    )


def message_variants_visible_to(*, user: Any) -> QuerySet[MessageVariant]:
    """Message variants the user may see (with their message); none without the message view rule."""
    if not can_view_message(user):
        return MessageVariant.objects.none()
    return MessageVariant.objects.select_related("message", "approved_by")


def broadcasts_visible_to(*, user: Any) -> QuerySet[Broadcast]:
    """Broadcasts the user may see, latest send first, with what each row names loaded."""
    if not can_view_broadcast(user):
        return Broadcast.objects.none()
    return Broadcast.objects.select_related(
        "message", "digest", "audience", "campaign", "created_by", "scheduled_by"
    ).order_by("-send_at", "-pk")


def digests_visible_to(*, user: Any) -> QuerySet[Digest]:
    """Digests the user may see, by name, with their audience, schedule and campaign loaded."""
    if not can_view_digest(user):
        return Digest.objects.none()
    return Digest.objects.select_related("audience", "schedule", "campaign").order_by("name")


def channel_targets_visible_to(*, user: Any) -> QuerySet[ChannelTarget]:
    """Channel targets the user may see, by channel, language and name."""
    if not can_view_channel_target(user):
        return ChannelTarget.objects.none()
    return ChannelTarget.objects.order_by("channel", "language", "name")


def outreach_control() -> OutreachControl:
    """The emergency stop's row (unsaved and off when nobody has used it yet), with who changed it."""
    control = OutreachControl.objects.select_related("changed_by").filter(pk=1).first()
    return control or OutreachControl(pk=1)


@dataclass
class LanguageCount:
    language: str
    # None when the count is below settings.OUTREACH_MIN_GROUP_SIZE: shown as "fewer than N".
    sent: int | None


@dataclass
class Progress:
    """How far a broadcast got: counts per delivery state, sends per second over the last minute,
    and sent counts per language (small groups folded together)."""

    queued: int = 0
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    sent_last_minute: int = 0
    languages: list[LanguageCount] = field(default_factory=list)
    # Sent to languages whose own counts are too small to show, added up; None when that sum is too.
    other_languages_sent: int | None = None
    has_other_languages: bool = False

    @property
    def total(self) -> int:
        return self.queued + self.claimed + self.sent + self.failed + self.skipped

    @property
    def remaining(self) -> int:
        return self.queued + self.claimed

    @property
    def done(self) -> int:
        return self.sent + self.failed + self.skipped

    @property
    def rate_per_second(self) -> float:
        return self.sent_last_minute / RATE_WINDOW_SECONDS

    def percent(self, count: int) -> float:
        return round(100 * count / self.total, 1) if self.total else 0.0


def broadcast_progress(*, broadcast: Broadcast, now: datetime | None = None) -> Progress:
    """The broadcast's progress, from one GROUP BY over its deliveries (state and language)."""
    now = now or timezone.now()
    since = now - timedelta(seconds=RATE_WINDOW_SECONDS)
    rows = (
        Delivery.objects.filter(broadcast_id=broadcast.pk)
        .values("status", "language")
        .annotate(count=Count("pk"), recent=Count("pk", filter=Q(sent_at__gte=since)))
        .order_by()
    )
    progress = Progress()
    sent_by_language: dict[str, int] = {}
    for row in rows:
        status, count = row["status"], row["count"]
        if status in Delivery.Status.values:
            setattr(progress, status, getattr(progress, status) + count)
        if status == Delivery.Status.SENT:
            progress.sent_last_minute += row["recent"]
            sent_by_language[row["language"]] = sent_by_language.get(row["language"], 0) + count
    minimum = settings.OUTREACH_MIN_GROUP_SIZE
    small = 0
    for language, count in sorted(sent_by_language.items()):
        if count >= minimum:
            progress.languages.append(LanguageCount(language=language, sent=count))
        else:
            small += count
            progress.has_other_languages = True
    if progress.has_other_languages:
        progress.other_languages_sent = small if small >= minimum else None
    return progress
