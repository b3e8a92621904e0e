"""Broadcasts in the admin: created and edited while drafts, moved by the buttons of their progress
page (refused with the service's reason, and nothing changed, when a rule is broken), and a
progress page and JSON endpoint whose figures come from one query and hide small groups."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from outreach.broadcasts.models import Broadcast, Delivery
from tests.factories.audiences import SubscriberFactory
from tests.factories.broadcasts import AudienceFactory, BroadcastFactory, MessageVariantFactory
from tests.factories.users import UserFactory, in_english
from tests.queries import assert_queries_constant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def form_time(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def later(**kwargs) -> datetime.datetime:
    return (timezone.now() + datetime.timedelta(**kwargs)).replace(second=0, microsecond=0)


def deliveries(broadcast: Broadcast, count: int, status: str, language: str = "ru", **fields) -> None:
    subscribers = SubscriberFactory.create_batch(count, active=True, language=language)
    Delivery.objects.bulk_create(
        Delivery(
            broadcast=broadcast,
            subscriber=subscriber,
            channel="email",
            language=language,
            status=status,
            not_before=timezone.now(),
            **fields,
        )
        for subscriber in subscribers
    )


def test_a_manager_creates_a_draft_broadcast(client, manager):
    # given
    variant = MessageVariantFactory(approved=True)
    audience = AudienceFactory(name="Russian readers")
    client.force_login(manager)
    send_at = later(days=1)
    data = {
        "name": "Weekly answers, week 12",
        "message": variant.message.pk,
        "audience": audience.pk,
        "channels": ["email", "telegram"],
        "send_at": form_time(send_at),
        "expires_at": form_time(send_at + datetime.timedelta(days=2)),
        "failure_threshold_percent": "15",
    }
    # when
    response = client.post(reverse("outreach_broadcasts:add"), data)
    # then
    broadcast = Broadcast.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("outreach_broadcasts:inspect", args=[broadcast.pk])
    assert (broadcast.status, broadcast.channels, broadcast.send_at) == (
        "draft",
        ["email", "telegram"],
        send_at,
    )
    assert (broadcast.failure_threshold_percent, broadcast.created_by) == (15, manager)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"channels": []}, "This field is required."),
        ({"send_at": "2020-01-01 10:00"}, "The time to send is in the past; choose a later one."),
        ({}, "A broadcast must expire after the time it is sent."),
        ({"expires_at": "2020-01-01 10:00", "send_at": ""}, "The broadcast would expire before it is sent."),
        ({"quiet_hours_start": "22:00"}, "Give both the start and the end of the quiet hours, or neither."),
        ({"failure_threshold_percent": "150"}, "A rate is at most 100%."),
    ],
)
def test_bad_broadcast_input_is_explained_and_nothing_is_written(client, manager, change, message):
    # given
    variant = MessageVariantFactory(approved=True)
    audience = AudienceFactory()
    client.force_login(manager)
    send_at = later(days=1)
    data = {
        "name": "Weekly answers",
        "message": variant.message.pk,
        "audience": audience.pk,
        "channels": ["email"],
        "send_at": form_time(send_at),
        "expires_at": form_time(send_at + datetime.timedelta(hours=1 if change else -1)),
        "failure_threshold_percent": "10",
        **change,
    }
    # when
    response = client.post(reverse("outreach_broadcasts:add"), data)
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "The broadcast could not be created due to errors." in html
    assert message in html
    assert not Broadcast.objects.exists()


def test_a_draft_is_edited_and_a_scheduled_broadcast_is_not(client, manager):
    # given
    draft = BroadcastFactory(name="Draft")
    scheduled = BroadcastFactory(name="Scheduled", status=Broadcast.Status.SCHEDULED, send_at=later(days=1))
    client.force_login(manager)
    # when
    edited = client.post(
        reverse("outreach_broadcasts:edit", args=[draft.pk]),
        {
            "name": "Draft, renamed",
            "message": draft.message_id,
            "audience": draft.audience_id,
            "channels": ["email"],
            "failure_threshold_percent": "10",
        },
    )
    refused = client.post(
        reverse("outreach_broadcasts:edit", args=[scheduled.pk]),
        {"name": "Scheduled, renamed", "message": scheduled.message_id, "audience": scheduled.audience_id},
    )
    # then
    assert edited.status_code == 302
    assert refused.status_code == 302
    draft.refresh_from_db()
    scheduled.refresh_from_db()
    assert draft.name == "Draft, renamed"
    assert (scheduled.name, scheduled.status) == ("Scheduled", "scheduled")


def test_scheduling_a_ready_draft(client, manager):
    # given
    broadcast = BroadcastFactory()
    client.force_login(manager)
    send_at = later(hours=2)
    # when
    response = client.post(
        reverse("outreach_broadcasts:transition", args=[broadcast.pk, "schedule"]),
        {"send_at": form_time(send_at)},
        follow=True,
    )
    # then
    assert "The broadcast is scheduled." in response.content.decode()
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.send_at, broadcast.scheduled_by) == ("scheduled", send_at, manager)


@pytest.mark.parametrize(
    ("setup", "send_at", "expected"),
    [
        ("unapproved", {"hours": 2}, "The Kazakh version of the message is not approved yet."),
        ("ready", {"hours": -2}, "The time to send is in the past; choose a later one."),
        ("expires early", {"hours": 2}, "The broadcast would expire before it is sent."),
        ("ready", None, "Choose when the broadcast is sent."),
    ],
)
def test_scheduling_refused_by_a_rule_shows_why_and_changes_nothing(
    client, manager, setup, send_at, expected
):
    # given
    broadcast = BroadcastFactory(expires_at=later(hours=1) if setup == "expires early" else None)
    if setup == "unapproved":
        MessageVariantFactory(message=broadcast.message, language="kk")
        broadcast.message.required_languages = ["ru", "kk"]
        broadcast.message.save()
    client.force_login(manager)
    before = Broadcast.objects.values().get(pk=broadcast.pk)
    # when
    response = client.post(
        reverse("outreach_broadcasts:transition", args=[broadcast.pk, "schedule"]),
        {"send_at": form_time(later(**send_at)) if send_at else ""},
        follow=True,
    )
    # then
    assert expected in response.content.decode()
    assert Broadcast.objects.values().get(pk=broadcast.pk) == before


def test_pause_resume_cancel_and_back_to_draft_follow_the_states(client, manager):
    # given
    sending = BroadcastFactory(status=Broadcast.Status.SENDING, send_at=later(minutes=-5))
    scheduled = BroadcastFactory(status=Broadcast.Status.SCHEDULED, send_at=later(hours=1))
    client.force_login(manager)

    def move(broadcast, action):
        client.post(reverse("outreach_broadcasts:transition", args=[broadcast.pk, action]))
        broadcast.refresh_from_db()
        return broadcast.status

    # when / then
    assert move(sending, "pause") == "paused"
    assert sending.pause_reason == "manual"
    assert move(sending, "resume") == "sending"
    assert move(scheduled, "unschedule") == "draft"
    assert move(sending, "cancel") == "cancelled"
    response = client.post(
        reverse("outreach_broadcasts:transition", args=[sending.pk, "resume"]), follow=True
    )
    assert "A broadcast that is “Cancelled” cannot be resumed." in response.content.decode()
    sending.refresh_from_db()
    assert sending.status == "cancelled"


def test_the_progress_page_offers_only_the_buttons_of_the_state_and_role(client, manager):
    # given
    sending = BroadcastFactory(status=Broadcast.Status.SENDING, send_at=later(minutes=-5))
    reader = in_english(UserFactory(permissions=["wagtailadmin.access_admin", "broadcasts.view_broadcast"]))
    url = reverse("outreach_broadcasts:inspect", args=[sending.pk])
    # when
    client.force_login(manager)
    html = client.get(url).content.decode()
    client.force_login(reader)
    reader_html = client.get(url).content.decode()
    # then
    for action in ("pause", "cancel"):
        assert reverse("outreach_broadcasts:transition", args=[sending.pk, action]) in html
        assert reverse("outreach_broadcasts:transition", args=[sending.pk, action]) not in reader_html
    for action in ("schedule", "resume", "unschedule"):
        assert reverse("outreach_broadcasts:transition", args=[sending.pk, action]) not in html
    # it refreshes itself while sending: a script with JS, a reload without
    assert reverse("outreach_broadcasts:progress", args=[sending.pk]) in html
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in html


def test_progress_counts_rate_and_languages_with_small_groups_hidden(client, manager, settings):
    # given
    settings.OUTREACH_MIN_GROUP_SIZE = 10
    broadcast = BroadcastFactory(status=Broadcast.Status.SENDING, send_at=later(minutes=-5))
    now = timezone.now()
    deliveries(broadcast, 12, "sent", "ru", sent_at=now - datetime.timedelta(seconds=20))
    deliveries(broadcast, 3, "sent", "kk", sent_at=now - datetime.timedelta(minutes=5))
    deliveries(broadcast, 2, "failed", "ru")
    deliveries(broadcast, 1, "skipped", "")
    deliveries(broadcast, 5, "queued", "ru")
    deliveries(broadcast, 1, "claimed", "ru")
    client.force_login(manager)
    # when
    payload = client.get(reverse("outreach_broadcasts:progress", args=[broadcast.pk])).json()
    # then
    assert payload == {
        "status": "sending",
        "status_display": "Sending",
        "pause_reason": "",
        "total": 24,
        "sent": 15,
        "failed": 2,
        "skipped": 1,
        "remaining": 6,
        "percent": {"sent": 62.5, "failed": 8.3, "skipped": 4.2},
        "rate_per_second": 0.2,
        "languages": [{"language": "ru", "name": "Russian", "sent": "12"}],
        "other_languages": "fewer than 10",
    }
    html = client.get(reverse("outreach_broadcasts:inspect", args=[broadcast.pk])).content.decode()
    assert "Other languages (each too few to show)" in html
    assert ">3<" not in html


def test_a_finished_broadcast_shows_its_totals(client, manager):
    # given
    broadcast = BroadcastFactory(status=Broadcast.Status.FINISHED, send_at=later(hours=-2))
    deliveries(broadcast, 4, "sent")
    deliveries(broadcast, 1, "failed")
    client.force_login(manager)
    # when
    response = client.get(reverse("outreach_broadcasts:inspect", args=[broadcast.pk]))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<dd data-field="total">5</dd>' in html
    assert "http-equiv" not in html


def test_the_progress_endpoint_queries_do_not_grow(client, manager):
    # given
    broadcast = BroadcastFactory(status=Broadcast.Status.SENDING, send_at=later(minutes=-5))
    deliveries(broadcast, 2, "sent", "ru", sent_at=timezone.now())
    client.force_login(manager)
    url = reverse("outreach_broadcasts:progress", args=[broadcast.pk])

    def grow():
        deliveries(broadcast, 30, "sent", "kk", sent_at=timezone.now())
        deliveries(broadcast, 20, "queued", "en")

    # when / then
    # 1 session, 2 user, 3 second-factor devices, 4-5 user and group permissions, 6 admin profile,
    # 7 the broadcast, 8 its deliveries counted by state and language
    assert_queries_constant(lambda: client.get(url), grow, expected=8)


def test_the_broadcast_listing_queries_do_not_grow(client, manager):
    # given
    BroadcastFactory.create_batch(2)
    client.force_login(manager)
    url = reverse("outreach_broadcasts:index")

    def grow():
        BroadcastFactory.create_batch(8)
        BroadcastFactory.create_batch(4, status=Broadcast.Status.FINISHED, send_at=later(hours=-1))

    # when / then
    # 1 session, 2 user, 3 second-factor devices, 4-5 user and group permissions, 6 admin profile,
    # 7 count, 8 locales, 9-10 page and collection permissions (admin menu), 11 page of broadcasts
    # with their message and audience
    assert_queries_constant(lambda: client.get(url), grow, expected=11)
