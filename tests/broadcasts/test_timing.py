"""When each recipient's copy may go: the broadcast's time on the recipient's own clock (their
region's time zone) and never in quiet hours, which may run past midnight."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from outreach.broadcasts import pipeline
from outreach.broadcasts.models import Broadcast, Delivery
from outreach.broadcasts.timing import after_quiet_hours, in_quiet_hours, local_send_time
from tests.factories.audiences import SubscriberFactory
from tests.factories.broadcasts import BroadcastFactory

UTC = datetime.UTC
ALMATY = ZoneInfo("Asia/Almaty")
KABUL = ZoneInfo("Asia/Kabul")
NIGHT = (datetime.time(22, 0), datetime.time(8, 0))


@pytest.mark.parametrize(
    ("moment", "quiet"),
    [
        (datetime.time(21, 59), False),
        (datetime.time(22, 0), True),
        (datetime.time(23, 30), True),
        (datetime.time(0, 0), True),
        (datetime.time(7, 59), True),
        (datetime.time(8, 0), False),
        (datetime.time(12, 0), False),
    ],
)
def test_quiet_hours_spanning_midnight(moment, quiet):
    assert in_quiet_hours(moment, *NIGHT) is quiet


@pytest.mark.parametrize(
    ("moment", "quiet"),
    [(datetime.time(12, 59), False), (datetime.time(13, 0), True), (datetime.time(14, 0), False)],
)
def test_quiet_hours_within_one_day(moment, quiet):
    assert in_quiet_hours(moment, datetime.time(13, 0), datetime.time(14, 0)) is quiet


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        # before midnight: the end of the quiet hours is the next morning
        (datetime.datetime(2026, 12, 1, 23, 30), datetime.datetime(2026, 12, 2, 8, 0)),
        # after midnight: the same morning
        (datetime.datetime(2026, 12, 2, 3, 15), datetime.datetime(2026, 12, 2, 8, 0)),
        # outside them: unchanged
        (datetime.datetime(2026, 12, 1, 21, 0), datetime.datetime(2026, 12, 1, 21, 0)),
    ],
)
def test_after_quiet_hours(local, expected):
    assert after_quiet_hours(local.replace(tzinfo=KABUL), *NIGHT) == expected.replace(tzinfo=KABUL)


@pytest.mark.parametrize(
    ("region", "utc"),
    [
        # 10:00 on the recipient's clock
        ("af", datetime.datetime(2026, 12, 1, 5, 30, tzinfo=UTC)),  # Asia/Kabul, UTC+4:30
        ("kz-ast", datetime.datetime(2026, 12, 1, 5, 0, tzinfo=UTC)),  # Asia/Almaty, UTC+5
        ("kz-zap", datetime.datetime(2026, 12, 1, 5, 0, tzinfo=UTC)),  # Asia/Oral, UTC+5
        ("tj", datetime.datetime(2026, 12, 1, 5, 0, tzinfo=UTC)),  # Asia/Dushanbe, UTC+5
        ("kg", datetime.datetime(2026, 12, 1, 4, 0, tzinfo=UTC)),  # Asia/Bishkek, UTC+6
        # no region, or "elsewhere": the platform's clock (Asia/Almaty)
        ("", datetime.datetime(2026, 12, 1, 5, 0, tzinfo=UTC)),
        ("other", datetime.datetime(2026, 12, 1, 5, 0, tzinfo=UTC)),
    ],
)
def test_local_time_is_the_broadcasts_time_of_day_on_the_recipients_clock(region, utc):
    # given
    broadcast = Broadcast(
        send_at=datetime.datetime(2026, 12, 1, 10, 0, tzinfo=ALMATY),
        send_at_local_time=True,
        channels=["email"],
    )
    now = datetime.datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
    # when
    moment = local_send_time(broadcast=broadcast, region=region, now=now)
    # then
    assert moment == utc


def test_local_time_already_past_on_the_recipients_clock_means_now():
    # given
    broadcast = Broadcast(
        send_at=datetime.datetime(2026, 12, 1, 10, 0, tzinfo=ALMATY),
        send_at_local_time=True,
        channels=["email"],
    )
    now = datetime.datetime(2026, 12, 1, 4, 30, tzinfo=UTC)
    # when / then: 10:00 in Bishkek was 04:00 UTC
    assert local_send_time(broadcast=broadcast, region="kg", now=now) == now


def test_quiet_hours_are_kept_on_the_recipients_clock():
    # given: 23:00 in Almaty is 22:30 in Kabul, inside Kabul's quiet hours, and 00:00 in Bishkek
    broadcast = Broadcast(
        send_at=datetime.datetime(2026, 12, 1, 23, 0, tzinfo=ALMATY),
        quiet_hours_start=NIGHT[0],
        quiet_hours_end=NIGHT[1],
        channels=["email"],
    )
    now = datetime.datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
    # when
    kabul = local_send_time(broadcast=broadcast, region="af", now=now)
    bishkek = local_send_time(broadcast=broadcast, region="kg", now=now)
    afternoon = local_send_time(
        broadcast=Broadcast(
            send_at=datetime.datetime(2026, 12, 1, 15, 0, tzinfo=ALMATY),
            quiet_hours_start=NIGHT[0],
            quiet_hours_end=NIGHT[1],
            channels=["email"],
        ),
        region="af",
        now=datetime.datetime(2026, 12, 1, 10, 0, tzinfo=UTC),
    )
    # then
    assert kabul == datetime.datetime(2026, 12, 2, 8, 0, tzinfo=KABUL)
    assert bishkek == datetime.datetime(2026, 12, 2, 8, 0, tzinfo=ZoneInfo("Asia/Bishkek"))
    assert afternoon == datetime.datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


@pytest.mark.django_db
@pytest.mark.usefixtures("pipeline_settings")
def test_freezing_gives_each_recipient_their_local_time_and_only_due_ones_are_claimed():
    # given
    now = timezone.now().replace(microsecond=0)
    kabul = SubscriberFactory(active=True, region="af")
    astana = SubscriberFactory(active=True, region="kz-ast")
    # The platform's clock reads send_at now; Kabul's clock reaches that time of day 30 minutes later.
    broadcast = BroadcastFactory(scheduled=True, send_at=now, send_at_local_time=True)
    # when
    pipeline.broadcast_start(broadcast_id=broadcast.pk, now=now)
    due = pipeline.deliveries_claim(broadcast_id=broadcast.pk, channel="email", limit=10, now=now)
    later = pipeline.deliveries_claim(
        broadcast_id=broadcast.pk, channel="email", limit=10, now=now + datetime.timedelta(minutes=30)
    )
    # then
    not_before = dict(Delivery.objects.values_list("subscriber_id", "not_before"))
    assert not_before == {astana.pk: now, kabul.pk: now + datetime.timedelta(minutes=30)}
    assert due.ids == list(Delivery.objects.filter(subscriber=astana).values_list("pk", flat=True))
    assert later.ids == list(Delivery.objects.filter(subscriber=kabul).values_list("pk", flat=True))
