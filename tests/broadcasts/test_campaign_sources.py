"""The outreach figures of joint programmes' automatic indicators: messages the campaigns' broadcasts
delivered (per language) and subscribers who left within a week of receiving one, counted over each
campaign's days in each begun period, through the same refresh that counts the site's figures."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from outreach.broadcasts.campaign_sources import deliveries_count
from outreach.broadcasts.models import Broadcast, Delivery
from outreach.campaigns.models import Indicator, Result
from outreach.campaigns.sources import automatic_results_refresh
from tests.factories.audiences import SubscriberFactory
from tests.factories.broadcasts import BroadcastFactory, ChannelTargetFactory
from tests.factories.campaigns import CampaignFactory, IndicatorFactory, JointProgrammeFactory
from tests.queries import assert_queries_constant

pytestmark = pytest.mark.django_db

# 09:00 in Almaty (UTC+5), the site's time zone, in which days are counted and the detail is stated.
NOW = datetime(2026, 11, 26, 4, 0, tzinfo=UTC)
COUNTED = "counted 2026-11-26 09:00 (Asia/Almaty)"
OF = "by the broadcasts of campaign “Parents first”"
DATES = "between 2026-03-01 and 2026-05-31"
NOTHING = f"No campaign of the programme ran between 2026-07-01 and 2026-12-31, {COUNTED}"


def rows(indicator: Indicator) -> list[tuple]:
    return [
        (result.period.name, result.dimension, result.category, result.value, result.source_detail)
        for result in Result.objects.filter(indicator=indicator)
        .select_related("period")
        .order_by("period__starts_on", "dimension", "category")
    ]


def delivered(
    broadcast: Broadcast, at: datetime, *, language: str = "ru", status: str = Delivery.Status.SENT, **to
):
    """A delivery of `broadcast` finished at `at`, to a subscriber (or `target=`), as the pipeline records it."""
    if "target" not in to and "subscriber" not in to:
        to["subscriber"] = SubscriberFactory(active=True, language=language)
    return Delivery.objects.create(
        broadcast=broadcast, channel="telegram" if "target" in to else "email", language=language,
        status=status, sent_at=at, not_before=at, **to,
    )  # fmt: skip


@pytest.fixture
def programme(db):
    return JointProgrammeFactory(with_periods=True, name="Safe online")


@pytest.fixture
def campaign(programme):
    return CampaignFactory(
        programme=programme, name="Parents first", starts_on=date(2026, 3, 1), ends_on=date(2026, 5, 31)
    )


def test_messages_delivered_during_the_campaign_are_counted_per_language(programme, campaign):
    # given a finished broadcast of the campaign and one of no campaign
    broadcast = BroadcastFactory(
        campaign=campaign, status=Broadcast.Status.FINISHED, channels=["email", "telegram"]
    )
    other = BroadcastFactory(status=Broadcast.Status.FINISHED)
    # 00:30 on 1 March in Almaty is still 28 February in UTC: counted, on the platform's clock
    delivered(broadcast, datetime(2026, 2, 28, 19, 30, tzinfo=UTC), language="kk")
    delivered(broadcast, datetime(2026, 4, 10, 4, 0, tzinfo=UTC), language="ru")
    delivered(
        broadcast,
        datetime(2026, 4, 10, 4, 0, tzinfo=UTC),
        target=ChannelTargetFactory(language="kk"),
        language="kk",
    )
    delivered(broadcast, datetime(2026, 4, 10, 4, 1, tzinfo=UTC), status=Delivery.Status.FAILED)
    delivered(broadcast, datetime(2026, 5, 31, 19, 0, tzinfo=UTC), language="kk")  # 1 June in Almaty
    delivered(other, datetime(2026, 4, 10, 4, 0, tzinfo=UTC))
    by_language = IndicatorFactory(
        programme=programme, code="OP2.1", source=Indicator.Source.OUTREACH_DELIVERIES,
        unit=Indicator.Unit.COUNT, disaggregation=["language"],
    )  # fmt: skip

    # when the platform counts
    report = automatic_results_refresh(programme=programme, now=NOW)

    # then the three messages sent on the campaign's days are the figure, per language
    assert rows(by_language) == [
        ("2026 H1", "", "", Decimal("3"),
         f"3 messages delivered (2 to subscribers, 1 channel post) {OF} in kk, ru {DATES}, {COUNTED}"),
        ("2026 H1", "language", "kk", Decimal("2"),
         f"2 messages delivered (1 to a subscriber, 1 channel post) {OF} in kk {DATES}, {COUNTED}"),
        ("2026 H1", "language", "ru", Decimal("1"),
         f"1 message delivered (1 to a subscriber, 0 channel posts) {OF} in ru {DATES}, {COUNTED}"),
        ("2026 H2", "", "", Decimal("0"), NOTHING),
    ]  # fmt: skip
    assert [(line.indicator.code, line.periods, line.note) for line in report] == [
        ("OP2.1", ("2026 H1", "2026 H2"), "")
    ]


def test_subscribers_who_left_within_a_week_of_a_message_are_counted_once(programme, campaign):
    # given a broadcast of the campaign, and readers who left at various times after it
    broadcast = BroadcastFactory(campaign=campaign, status=Broadcast.Status.FINISHED)
    sent = datetime(2026, 4, 10, 4, 0, tzinfo=UTC)

    def reader_who_left(after: timedelta, **delivery):
        reader = SubscriberFactory(unsubscribed=True, unsubscribed_at=sent + after)
        delivered(broadcast, delivery.pop("at", sent), subscriber=reader, **delivery)
        return reader

    left_in_five_days = reader_who_left(timedelta(days=5))
    # a second broadcast of the campaign reached the same reader: still one reader who left
    second = BroadcastFactory(campaign=campaign, status=Broadcast.Status.FINISHED)
    delivered(second, sent + timedelta(days=1), subscriber=left_in_five_days)
    reader_who_left(timedelta(days=7, seconds=1))  # just over a week
    reader_who_left(timedelta(hours=1), status=Delivery.Status.FAILED)  # never received it
    reader_who_left(timedelta(days=1), at=datetime(2026, 6, 1, 4, 0, tzinfo=UTC))  # sent after the campaign
    reader_who_left(-timedelta(days=1))  # left before it was sent
    outsider = SubscriberFactory(unsubscribed=True, unsubscribed_at=sent + timedelta(days=1))
    delivered(BroadcastFactory(status=Broadcast.Status.FINISHED), sent, subscriber=outsider)
    indicator = IndicatorFactory(
        programme=programme, code="OC2.1", source=Indicator.Source.OUTREACH_UNSUBSCRIBES,
        unit=Indicator.Unit.PEOPLE, disaggregation=["language"],
    )  # fmt: skip

    # when the platform counts
    automatic_results_refresh(programme=programme, now=NOW)

    # then one reader counts, with the rule in the words, and no breakdown that could point at anyone
    assert rows(indicator) == [
        ("2026 H1", "", "", Decimal("1"),
         "1 subscriber unsubscribed within 7 days of receiving a message from the broadcasts of campaign "
         f"“Parents first” sent {DATES}, {COUNTED}"),
        ("2026 H2", "", "", Decimal("0"), NOTHING),
    ]  # fmt: skip


def test_counting_deliveries_costs_the_same_queries_as_they_grow(programme, campaign):
    # given a broadcast of the campaign with one delivery
    broadcast = BroadcastFactory(campaign=campaign, status=Broadcast.Status.FINISHED)
    period = programme.periods.get(name="2026 H1")
    delivered(broadcast, datetime(2026, 4, 10, 4, 0, tzinfo=UTC))

    def more() -> None:
        for language in ("kk", "ru", "en", "fa-af"):
            delivered(broadcast, datetime(2026, 4, 11, 4, 0, tzinfo=UTC), language=language)

    # when it is counted before and after more deliveries in more languages, then: 1 total, 2 by language
    assert_queries_constant(lambda: deliveries_count([campaign], period), more, expected=2)
