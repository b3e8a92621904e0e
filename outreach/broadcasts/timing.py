"""When each recipient's copy may go: at the broadcast's time, or at that time of day on the
recipient's own clock (their region's time zone), and never within the quiet hours of that clock."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from outreach.audiences.regions import region_time_zone

from .models import Broadcast


def in_quiet_hours(moment: time, start: time, end: time) -> bool:
    """Whether `moment` lies in [start, end), a span that may run past midnight (22:00-08:00)."""
    if start <= end:
        return start <= moment < end
    return moment >= start or moment < end


def after_quiet_hours(local: datetime, start: time, end: time) -> datetime:
    """`local` itself, or the end of the quiet hours it falls in (the same day or the next)."""
    if not in_quiet_hours(local.timetz().replace(tzinfo=None), start, end):
        return local
    candidate = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if candidate <= local:
        candidate += timedelta(days=1)
    return candidate


def local_send_time(*, broadcast: Broadcast, region: str, now: datetime) -> datetime:
    """The earliest moment the recipient in `region` may get the broadcast (never before `now`)."""
    zone = ZoneInfo(region_time_zone(region, settings.TIME_ZONE))
    send_at = broadcast.send_at or now
    if broadcast.send_at_local_time:
        # The broadcast's wall-clock time and date where the platform is, on the recipient's clock.
        wall = send_at.astimezone(ZoneInfo(settings.TIME_ZONE)).replace(tzinfo=None)
        moment = wall.replace(tzinfo=zone)
    else:
        moment = send_at.astimezone(zone)
    moment = max(moment, now.astimezone(zone))
    if broadcast.quiet_hours_start is not None and broadcast.quiet_hours_end is not None:
        moment = after_quiet_hours(moment, broadcast.quiet_hours_start, broadcast.quiet_hours_end)
    return moment
