"""Suppressed addresses: added once whatever the case or however often a provider repeats itself,
refused when they are not addresses, and never sent to, even by a broadcast already under way."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from outreach.audiences.models import Suppression
from outreach.audiences.selectors import audience_members
from outreach.audiences.suppressions import SuppressionEvent, suppression_add, suppressions_from_events
from outreach.broadcasts import pipeline
from outreach.broadcasts.models import Delivery
from outreach.core.exceptions import ApplicationError
from tests.factories.audiences import SubscriberFactory
from tests.factories.broadcasts import AudienceFactory, BroadcastFactory, SuppressionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def rows() -> list[tuple[str, str, str]]:
    return list(Suppression.objects.order_by("email").values_list("email", "reason", "event_id"))


# --- suppression_add ------------------------------------------------------------------------------


def test_an_address_is_suppressed_in_lower_case():
    # when
    suppression, created = suppression_add(
        email="  Aliya.Reader@Example.ORG ", reason="bounce", event_id="e-1"
    )
    # then
    assert created is True
    assert rows() == [("aliya.reader@example.org", "bounce", "e-1")]
    assert suppression.pk == Suppression.objects.get().pk


def test_the_same_address_again_adds_nothing_whatever_its_case():
    # given
    first, _created = suppression_add(email="aliya@example.org", reason="bounce", event_id="e-1")
    # when
    again, created = suppression_add(email="ALIYA@example.org", reason="complaint", event_id="e-2")
    # then
    assert (created, again.pk) == (False, first.pk)
    assert rows() == [("aliya@example.org", "bounce", "e-1")]


def test_a_replayed_event_adds_nothing():
    # given
    first, _created = suppression_add(email="aliya@example.org", reason="complaint", event_id="e-1")
    # when
    again, created = suppression_add(email="aliya@example.org", reason="complaint", event_id="e-1")
    # then
    assert (created, again.pk) == (False, first.pk)
    assert rows() == [("aliya@example.org", "complaint", "e-1")]


def test_an_address_suppressed_by_hand_in_mixed_case_is_found_again():
    # given: a row written around the service
    SuppressionFactory(email="Aliya@Example.org")
    # when
    _suppression, created = suppression_add(email="aliya@example.org", reason="manual")
    # then
    assert created is False
    assert Suppression.objects.count() == 1


@pytest.mark.parametrize(
    "email",
    ["", "   ", "not-an-address", "aliya@", "@example.org", "al iya@example.org", "a" * 250 + "@e.org"],
)
def test_something_that_is_not_an_address_is_refused(email):
    # when
    with pytest.raises(ApplicationError) as raised:
        suppression_add(email=email, reason="bounce", event_id="e-1")
    # then
    assert raised.value.message == "This is not a valid email address."
    assert Suppression.objects.count() == 0


def test_an_unknown_reason_is_refused():
    # when
    with pytest.raises(ApplicationError) as raised:
        suppression_add(email="aliya@example.org", reason="soft-bounce")
    # then
    assert raised.value.message == "A suppression's reason is a hard bounce, a complaint or a manual entry."
    assert Suppression.objects.count() == 0


def test_an_overlong_event_id_is_refused():
    # when
    with pytest.raises(ApplicationError) as raised:
        suppression_add(email="aliya@example.org", reason="bounce", event_id="x" * 201)
    # then
    assert raised.value.message == "An event id is at most 200 characters long."
    assert Suppression.objects.count() == 0


# --- suppressions_from_events ---------------------------------------------------------------------


def test_a_batch_adds_each_new_address_once():
    # given
    SuppressionFactory(email="known@example.org", event_id="old")
    events = [
        SuppressionEvent(email="New@example.org", reason="bounce", event_id="e-1"),
        SuppressionEvent(email="new@example.org", reason="complaint", event_id="e-2"),
        SuppressionEvent(email="KNOWN@example.org", reason="complaint", event_id="e-3"),
        SuppressionEvent(email="other@example.org", reason="complaint", event_id="old"),
        SuppressionEvent(email="third@example.org", reason="complaint", event_id="e-4"),
    ]
    # when
    counts = suppressions_from_events(events)
    # then
    assert counts == {"added": 2, "unchanged": 3}
    assert rows() == [
        ("known@example.org", "bounce", "old"),
        ("new@example.org", "bounce", "e-1"),
        ("third@example.org", "complaint", "e-4"),
    ]


def test_a_batch_replayed_adds_nothing():
    # given
    events = [
        SuppressionEvent(email=f"r{n}@example.org", reason="bounce", event_id=f"e-{n}") for n in range(3)
    ]
    suppressions_from_events(events)
    # when
    counts = suppressions_from_events(events)
    # then
    assert counts == {"added": 0, "unchanged": 3}
    assert Suppression.objects.count() == 3


def test_a_batch_with_one_bad_address_writes_nothing_and_names_the_event():
    # given
    events = [
        SuppressionEvent(email="good@example.org", reason="bounce", event_id="e-1"),
        SuppressionEvent(email="not an address", reason="bounce", event_id="e-2"),
    ]
    # when
    with pytest.raises(ApplicationError) as raised:
        suppressions_from_events(events)
    # then
    assert (raised.value.message, raised.value.extra) == (
        "This is not a valid email address.",
        {"code": "invalid_email", "index": 1},
    )
    assert Suppression.objects.count() == 0


def test_a_batch_costs_the_same_queries_whatever_its_size():
    def run(start: int, size: int) -> int:
        events = [
            SuppressionEvent(email=f"r{n}@example.org", reason="bounce", event_id=f"e-{n}")
            for n in range(start, start + size)
        ]
        with CaptureQueriesContext(connection) as queries:
            suppressions_from_events(events)
        return len(queries)

    # given: savepoint, replayed ids, known addresses, insert, count, release
    # when / then
    assert run(0, 2) == run(100, 40) == 6
    assert Suppression.objects.count() == 42


# --- Never sent to ---------------------------------------------------------------------------------


def test_an_address_suppressed_after_the_broadcast_started_is_skipped():
    # given
    SubscriberFactory(active=True, language="ru", email="stays@example.org")
    leaving = SubscriberFactory(active=True, language="ru", email="bounces@example.org")
    broadcast = BroadcastFactory(channels=["email"], scheduled=True)
    assert pipeline.broadcast_start(broadcast_id=broadcast.pk)
    assert Delivery.objects.filter(broadcast=broadcast, status="queued").count() == 2
    # when: the bounce arrives between the start and the send, its address in another case
    suppression_add(email="Bounces@Example.org", reason="bounce", event_id="e-1")
    pipeline.broadcast_work(broadcast_id=broadcast.pk, slice_seconds=5)
    # then
    assert [message.to for message in mail.outbox] == [["stays@example.org"]]
    skipped = Delivery.objects.get(broadcast=broadcast, subscriber=leaving)
    assert (skipped.status, skipped.skip_reason, skipped.provider_id) == ("skipped", "suppressed", "")


def test_a_suppressed_address_is_left_out_of_new_broadcasts():
    # given
    stays = SubscriberFactory(active=True, language="ru", email="stays@example.org")
    complained = SubscriberFactory(active=True, language="ru", email="complained@example.org")
    audience = AudienceFactory()
    suppression_add(email="complained@example.org", reason="complaint", event_id="e-1")
    broadcast = BroadcastFactory(audience=audience, channels=["email"], scheduled=True)
    # when
    members = list(audience_members(audience=audience))
    assert pipeline.broadcast_start(broadcast_id=broadcast.pk)
    pipeline.broadcast_work(broadcast_id=broadcast.pk, slice_seconds=5)
    # then
    assert members == [stays]
    assert list(Delivery.objects.filter(broadcast=broadcast).values_list("subscriber", "status")) == [
        (stays.pk, "sent")
    ]
    assert not Delivery.objects.filter(subscriber=complained).exists()
    assert [message.to for message in mail.outbox] == [["stays@example.org"]]
