"""Recurring digests: saving a digest with its schedule, the minute tick's creation of one broadcast per
run, and the content of a run (the material published since the previous one, per language).

A digest's schedule is a django-celery-beat CrontabSchedule (minute, hour, days, months and its own
time zone), used as data only: no beat entry exists per digest. `next_run_at` is computed from it
whenever it changes and whenever a run is made, and the one tick (pipeline.broadcasts_tick) creates
the broadcasts whose time has come, which the same tick then starts like any other broadcast.

The material comes from a content provider the CMS registers (`digest_content_register`): this app
never imports the CMS."""

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from outreach.core.exceptions import ApplicationError

from .channels import channel_keys
from .models import Broadcast, BroadcastContent, Digest
from .permissions import can_add_digest, can_change_digest
from .rendering import COMMON_MARK, content_render, topic_section

logger = logging.getLogger(__name__)

CRONTAB_FIELDS = ("minute", "hour", "day_of_week", "day_of_month", "month_of_year")
# A run the tick reaches more than this late is skipped, not sent: a digest about "this week" that
# arrives days later (after an outage, or a digest switched back on) reads as a mistake, and the
# next run covers the same material anyway, since it starts from the last run actually made.
LATE_RUN_LIMIT = timedelta(days=1)
# How far back a digest's first run reaches when there was no run before it.
FIRST_RUN_WINDOW = timedelta(days=7)
# The longest a schedule can go between two runs: 29 February on a given weekday comes round once in
# 28 years (a digest's days of the month and of the week must both match, as in Celery's crontab).
SEARCH_DAYS = 366 * 29

NOT_ALLOWED = _("You may not create or change digests.")
CRONTAB_MESSAGES = {
    "minute": _(
        "Minutes run from 0 to 59: give a number, a list such as 0,30, a range such as 0-15, a step such "
        "as */15, or * for every minute."
    ),
    "hour": _(
        "Hours run from 0 to 23: give a number, a list such as 9,18, a range such as 9-17, or * for every hour."
    ),
    "day_of_week": _(
        "Days of the week run from 0 (Sunday) to 6 (Saturday): give a number, a list such as 1,5, a range "
        "such as 1-5, or * for every day."
    ),
    "day_of_month": _(
        "Days of the month run from 1 to 31: give a number, a list such as 1,15, a range, or * for every day."
    ),
    "month_of_year": _(
        "Months run from 1 to 12: give a number, a list such as 1,7, a range, or * for every month."
    ),
    "timezone": _("Give the time zone by its IANA name, such as Asia/Almaty or Asia/Kabul."),
}
NEVER_RUNS = _("This schedule never comes round: check that its days of the month exist in its months.")
UNREADABLE = _("This schedule cannot be read: check each of its fields.")
NO_CHANNEL = _("Choose at least one channel.")
UNKNOWN_CHANNEL = _("Choose channels from the list.")
# The same for everyone and in every mail: it says nothing about what the reader chose.
SUBJECT = _("New reading for you")


# --- The schedule ---------------------------------------------------------------------------------


def _zone(schedule: CrontabSchedule) -> ZoneInfo:
    zone = schedule.timezone
    return zone if isinstance(zone, ZoneInfo) else ZoneInfo(str(zone))


def schedule_next_run(*, schedule: CrontabSchedule, after: datetime) -> datetime | None:
    """The first moment after `after` at which `schedule` fires on its own time zone's clock (in UTC);
    None for a schedule that never does (30 February).

    A wall-clock time that a daylight-saving change skips runs at the same instant the clock shows
    an hour later, so no run is lost; a wall-clock time that happens twice runs the first time."""
    cron = schedule.schedule  # Celery's parse of the five fields into sets of numbers
    zone = _zone(schedule)
    first_day = after.astimezone(zone).date()
    hours, minutes = sorted(cron.hour), sorted(cron.minute)
    for offset in range(SEARCH_DAYS):
        day = first_day + timedelta(days=offset)
        # Celery counts Sunday as 0; isoweekday() counts it as 7.
        if (
            day.month not in cron.month_of_year
            or day.day not in cron.day_of_month
            or day.isoweekday() % 7 not in cron.day_of_week
        ):
            continue
        for hour in hours:
            for minute in minutes:
                moment = datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(UTC)
                if moment > after:
                    return moment
    return None


def _schedule_build(
    crontab: dict[str, Any], *, pk: int | None
) -> tuple[CrontabSchedule, dict[str, list[str]]]:
    """An unsaved CrontabSchedule from the form's values and, per field, what is wrong with them."""
    values = {field: str(crontab.get(field, "*") or "*").strip() for field in CRONTAB_FIELDS}
    errors: dict[str, list[str]] = {}
    zone_name = str(crontab.get("timezone") or settings.TIME_ZONE).strip()
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        errors["timezone"] = [str(CRONTAB_MESSAGES["timezone"])]
        zone = ZoneInfo(settings.TIME_ZONE)
    schedule = CrontabSchedule(pk=pk, timezone=zone, **values)
    try:
        # django-celery-beat's own validators for the five fields.
        schedule.full_clean(exclude=["timezone"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for field in error.message_dict:
            errors[field] = [str(CRONTAB_MESSAGES.get(field, error.message_dict[field][0]))]
    if not errors:
        try:
            schedule.schedule  # noqa: B018  (Celery's parser refuses what the validators let by)
        except ValueError as error:
            # Celery refuses a day of the month no month of the schedule has (30 February).
            never = "never occurs" in str(error)
            errors["day_of_month" if never else "__all__"] = [str(NEVER_RUNS if never else UNREADABLE)]
    return schedule, errors


def _schedule_is_shared(digest: Digest) -> bool:
    """Whether the digest's schedule row is also another digest's or a periodic task's: then it gets a
    row of its own rather than an edit that would move the others."""
    if digest.schedule_id is None:
        return False
    if digest.pk is None:
        return True
    return (
        Digest.objects.filter(schedule_id=digest.schedule_id).exclude(pk=digest.pk).exists()
        or PeriodicTask.objects.filter(crontab_id=digest.schedule_id).exists()
    )


def _channel_errors(channels: Any) -> list[str]:
    if not isinstance(channels, list) or not channels:
        return [str(NO_CHANNEL)]
    known = channel_keys()
    if any(key not in known for key in channels) or len(set(channels)) != len(channels):
        return [str(UNKNOWN_CHANNEL)]
    return []


@transaction.atomic
def digest_save(
    *, digest: Digest, crontab: dict[str, Any], actor: Any, now: datetime | None = None
) -> Digest:
    """Create or change a digest and its schedule (`crontab`: minute, hour, day_of_week, day_of_month,
    month_of_year and an IANA timezone) and set its next run. ApplicationError, with the problems per
    field in extra["fields"] and nothing written, for bad input or an actor who may not."""
    allowed = can_add_digest if digest.pk is None else can_change_digest
    if not allowed(actor, digest):
        raise ApplicationError(str(NOT_ALLOWED))
    now = now or timezone.now()
    shared = _schedule_is_shared(digest)
    schedule, errors = _schedule_build(crontab, pk=None if shared else digest.schedule_id)
    try:
        digest.full_clean(exclude=["schedule"])
    except ValidationError as error:
        errors.update(
            {field: [str(message) for message in messages] for field, messages in error.message_dict.items()}
        )
    if channel_errors := _channel_errors(digest.channels):
        errors["channels"] = channel_errors
    next_run_at = None if errors else schedule_next_run(schedule=schedule, after=now)
    if not errors and next_run_at is None:
        errors["day_of_month"] = [str(NEVER_RUNS)]
    if errors:
        raise ApplicationError(
            " ".join(message for messages in errors.values() for message in messages),
            extra={"fields": errors},
        )
    schedule.save()
    digest.schedule = schedule
    digest.next_run_at = next_run_at
    if digest.pk is None and digest.created_by_id is None:
        digest.created_by = actor
    digest.save()
    return digest


# --- The tick: one broadcast per run ----------------------------------------------------------------


def digests_due_run(*, now: datetime) -> int:
    """Create the broadcast of every active digest whose next run has come (each run exactly once,
    whatever number of ticks run at the same moment) and move the digest on to its following run;
    how many broadcasts were created."""
    created = 0
    # One digest per transaction, so a slow or broken one holds up no other. Each pass moves the
    # digest's next run past `now`, so the loop ends.
    while True:
        with transaction.atomic():
            digest = (
                Digest.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("schedule")
                .filter(is_active=True, next_run_at__lte=now)
                .order_by("next_run_at", "pk")
                .first()
            )
            if digest is None:
                return created
            created += _digest_run(digest, now)


def _digest_run(digest: Digest, now: datetime) -> int:
    """Create this run's broadcast (unless the run is too late to send) and move the digest on."""
    run_at = digest.next_run_at
    # The following run is the first one after now, not after this run: a tick that comes late
    # makes one broadcast, never a burst of the runs it missed.
    following = schedule_next_run(schedule=digest.schedule, after=now)
    made = 0
    if now - run_at > LATE_RUN_LIMIT:
        # Skipped rather than sent late; last_run_at stays, so the next run covers its material.
        logger.warning("Digest %d: a run more than a day late was skipped.", digest.pk)
        digest.next_run_at = following
        digest.save(update_fields=["next_run_at", "updated_at"])
        return made
    local_day = run_at.astimezone(_zone(digest.schedule)).date()
    broadcast = Broadcast(
        name=_broadcast_name(digest, local_day),
        digest=digest,
        audience_id=digest.audience_id,
        channels=list(digest.channels),
        campaign_id=digest.campaign_id,
        status=Broadcast.Status.SCHEDULED,
        send_at=run_at,
        send_at_local_time=digest.send_at_local_time,
        created_by_id=digest.created_by_id,
    )
    try:
        broadcast.full_clean()
    except ValidationError:
        # E.g. a channel taken off the platform since the digest was saved: the run is not made, the
        # digest moves on, and staff see it in the log (the digest form refuses such a channel).
        logger.exception("Digest %d: its run could not be made into a broadcast.", digest.pk)
    else:
        broadcast.save()
        made = 1
        digest.last_run_at = run_at
    digest.next_run_at = following
    digest.save(update_fields=["next_run_at", "last_run_at", "updated_at"])
    return made


def _broadcast_name(digest: Digest, day: date) -> str:
    suffix = f" {day.isoformat()}"
    limit = Broadcast._meta.get_field("name").max_length - len(suffix)
    return f"{digest.name[:limit]}{suffix}"


# --- The content of a run ---------------------------------------------------------------------------

# provider(language=, since=, until=) -> [{"topic_key": str | None, "topic_name": str,
#                                          "items": [{"title": str, "url": str, "summary": str}]}]
ContentProvider = Callable[..., list[dict[str, Any]]]
_providers: dict[str, ContentProvider] = {}


def digest_content_register(provider: ContentProvider) -> None:
    """Make `provider` the source of digests' material (the CMS registers it; registering again
    replaces). It returns, for a language and a window (since, until], the new material in sections
    by topic (translation key, or None for material without a topic), each with its items."""
    _providers["material"] = provider


def digest_window(*, broadcast: Broadcast) -> tuple[datetime, datetime]:
    """The material a digest's run covers: published after the digest's previous run (its previous
    broadcast; FIRST_RUN_WINDOW before this run when there was none) up to this run."""
    until = broadcast.send_at or timezone.now()
    previous = (
        Broadcast.objects.filter(digest_id=broadcast.digest_id, send_at__lt=until)
        .exclude(pk=broadcast.pk)
        .exclude(status__in=[Broadcast.Status.CANCELLED, Broadcast.Status.EXPIRED, Broadcast.Status.DRAFT])
        .order_by("-send_at")
        .values_list("send_at", flat=True)
        .first()
    )
    if previous is None:
        last_run_at = broadcast.digest.last_run_at if broadcast.digest else None
        previous = last_run_at if last_run_at and last_run_at < until else until - FIRST_RUN_WINDOW
    return previous, until


def _section_marks(topic_key: str | None) -> tuple[str, str]:
    """The marks around a topic's part; material without a topic is marked as everyone's."""
    if not topic_key:
        return COMMON_MARK, ""
    start, end = topic_section(topic_key, "\0").split("\0")
    return start, end


def digest_contents(*, broadcast: Broadcast) -> list[BroadcastContent]:
    """The digest broadcast's content in each site language that has new material (unsaved): each
    topic's part marked, so each reader's copy keeps only the topics they chose."""
    provider = _providers.get("material")
    if provider is None:
        logger.warning(
            "Digest broadcast %d: no content provider is registered; nothing to send.", broadcast.pk
        )
        return []
    since, until = digest_window(broadcast=broadcast)
    contents = []
    for language, _name in settings.LANGUAGES:
        sections = [
            {**section, "marks": _section_marks(section.get("topic_key"))}
            for section in provider(language=language, since=since, until=until)
            if section.get("items")
        ]
        if not sections:
            continue
        with override(language):
            subject = str(SUBJECT)
        rendered = content_render(
            template="broadcasts/email/digest",
            language=language,
            subject=subject,
            context={
                "sections": sections,
                "since": since.astimezone(ZoneInfo(settings.TIME_ZONE)).date(),
                "until": until.astimezone(ZoneInfo(settings.TIME_ZONE)).date(),
            },
        )
        contents.append(BroadcastContent(broadcast=broadcast, language=language, **rendered))
    return contents
