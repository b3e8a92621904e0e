"""The broadcast state machine, variant approval and the emergency stop, as services."""

import datetime

import pytest
from django.utils import timezone, translation
from wagtail.models import ModelLogEntry

from outreach.broadcasts.models import Broadcast, Delivery, MessageVariant, OutreachControl
from outreach.broadcasts.services import (
    CANCEL,
    PAUSE,
    RESUME,
    SCHEDULE,
    TRANSITIONS,
    UNSCHEDULE,
    broadcast_transition,
    emergency_stop_set,
    message_variant_approve,
    message_variant_changed,
)
from outreach.core.exceptions import ApplicationError
from tests.factories.audiences import SubscriberFactory
from tests.factories.broadcasts import BroadcastFactory, MessageFactory, MessageVariantFactory
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db

IN_AN_HOUR = datetime.timedelta(hours=1)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def transition_log(broadcast: Broadcast) -> list[dict]:
    return [
        entry.data
        for entry in ModelLogEntry.objects.filter(
            action="broadcasts.transition", object_id=str(broadcast.pk)
        ).order_by("timestamp", "pk")
    ]


def test_a_manager_schedules_a_draft_and_the_move_is_audited(manager):
    # given
    broadcast = BroadcastFactory()
    send_at = timezone.now() + IN_AN_HOUR
    # when
    broadcast_transition(broadcast=broadcast, action=SCHEDULE, actor=manager, send_at=send_at)
    # then
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.send_at, broadcast.scheduled_by) == ("scheduled", send_at, manager)
    assert transition_log(broadcast) == [{"action": "schedule", "from": "draft", "to": "scheduled"}]


def test_a_required_language_without_an_approved_variant_blocks_scheduling(manager):
    # given: Russian is approved, Kazakh is a draft and Dari is missing, and all three are required
    message = MessageFactory(required_languages=["ru", "kk", "fa-af"])
    MessageVariantFactory(message=message, language="ru", approved=True)
    MessageVariantFactory(message=message, language="kk")
    broadcast = BroadcastFactory(message=message)
    # when
    with pytest.raises(ApplicationError) as refused:
        broadcast_transition(
            broadcast=broadcast, action=SCHEDULE, actor=manager, send_at=timezone.now() + IN_AN_HOUR
        )
    # then
    assert refused.value.message == (
        "The message has no Dari version yet; write it before scheduling. "
        "The Kazakh version of the message is not approved yet."
    )
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.send_at) == ("draft", None)
    assert transition_log(broadcast) == []


@pytest.mark.parametrize(
    ("send_at", "expires_in", "message"),
    [
        (None, None, "Choose when the broadcast is sent."),
        (-IN_AN_HOUR, None, "The time to send is in the past; choose a later one."),
        (IN_AN_HOUR, datetime.timedelta(minutes=30), "The broadcast would expire before it is sent."),
    ],
)
def test_a_bad_send_time_is_refused_and_nothing_changes(manager, send_at, expires_in, message):
    # given
    now = timezone.now()
    broadcast = BroadcastFactory(expires_at=now + expires_in if expires_in else None)
    # when
    with pytest.raises(ApplicationError) as refused:
        broadcast_transition(
            broadcast=broadcast, action=SCHEDULE, actor=manager, send_at=now + send_at if send_at else None
        )
    # then
    assert refused.value.message == message
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.send_at) == ("draft", None)


def test_a_user_without_the_send_permission_cannot_move_a_broadcast():
    # given: an editor, and a staff member who may edit broadcasts but not send them
    broadcast = BroadcastFactory()
    editor = UserFactory(groups=["Editor"])
    writer = UserFactory(permissions=["wagtailadmin.access_admin", "broadcasts.change_broadcast"])
    for actor in (editor, writer):
        # when
        with pytest.raises(ApplicationError) as refused:
            broadcast_transition(
                broadcast=broadcast, action=SCHEDULE, actor=actor, send_at=timezone.now() + IN_AN_HOUR
            )
        # then
        assert refused.value.message == "You may not schedule, pause, resume or cancel broadcasts."
    broadcast.refresh_from_db()
    assert broadcast.status == "draft"


@pytest.mark.parametrize("action", [SCHEDULE, UNSCHEDULE, PAUSE, RESUME, CANCEL])
@pytest.mark.parametrize("status", Broadcast.Status.values)
def test_every_action_moves_only_from_the_states_it_is_declared_for(manager, action, status):
    # given
    broadcast = BroadcastFactory(status=status, send_at=timezone.now() + IN_AN_HOUR)
    sources, target = TRANSITIONS[action]
    # when
    try:
        broadcast_transition(broadcast=broadcast, action=action, actor=manager)
        refused = None
    except ApplicationError as error:
        refused = error
    # then
    broadcast.refresh_from_db()
    if status in sources:
        assert refused is None
        assert broadcast.status == target
    else:
        assert refused is not None and refused.extra == {"status": status}
        assert broadcast.status == status


def test_pausing_is_recorded_as_a_manual_pause_and_resuming_clears_it(
    manager, django_capture_on_commit_callbacks
):
    # given
    broadcast = BroadcastFactory(status=Broadcast.Status.SENDING)
    # when
    broadcast_transition(broadcast=broadcast, action=PAUSE, actor=manager)
    broadcast.refresh_from_db()
    paused = (broadcast.status, broadcast.pause_reason)
    with django_capture_on_commit_callbacks() as callbacks:
        broadcast_transition(broadcast=broadcast, action=RESUME, actor=manager)
    # then: resuming starts workers once the change is committed
    broadcast.refresh_from_db()
    assert paused == ("paused", "manual")
    assert (broadcast.status, broadcast.pause_reason) == ("sending", "")
    assert len(callbacks) == 1


def test_cancelling_skips_what_is_still_queued_and_keeps_what_was_sent(manager):
    # given
    broadcast = BroadcastFactory(status=Broadcast.Status.SENDING)
    now = timezone.now()
    sent, queued = SubscriberFactory.create_batch(2, active=True)
    Delivery.objects.create(
        broadcast=broadcast, subscriber=sent, channel="email", language="ru", not_before=now, status="sent"
    )
    Delivery.objects.create(
        broadcast=broadcast, subscriber=queued, channel="email", language="ru", not_before=now
    )
    # when
    broadcast_transition(broadcast=broadcast, action=CANCEL, actor=manager)
    # then
    assert sorted(broadcast.deliveries.values_list("status", "skip_reason")) == [
        ("sent", ""),
        ("skipped", "cancelled"),
    ]
    broadcast.refresh_from_db()
    assert broadcast.status == "cancelled" and broadcast.finished_at is not None


def test_an_approval_covers_the_version_the_approver_read(manager):
    # given
    variant = MessageVariantFactory(language="kk")
    # when
    approved = message_variant_approve(variant=variant, actor=manager, version=1)
    # then
    assert (approved.status, approved.approved_by, approved.version) == ("approved", manager, 1)
    assert ModelLogEntry.objects.filter(action="broadcasts.approve_variant").get().data == {
        "language": "kk",
        "version": 1,
    }


def test_a_variant_edited_since_it_was_read_is_not_approved(manager):
    # given: the approver read version 1, then a writer changed the text
    variant = MessageVariantFactory(language="kk", version=2)
    # when
    with pytest.raises(ApplicationError) as refused:
        message_variant_approve(variant=variant, actor=manager, version=1)
    # then
    assert (
        refused.value.message
        == "This version changed while you were reading it; read the new one before approving."
    )
    variant.refresh_from_db()
    assert variant.status == "draft"
    assert not ModelLogEntry.objects.filter(action="broadcasts.approve_variant").exists()


def test_only_holders_of_the_approve_permission_approve():
    # given
    variant = MessageVariantFactory()
    writer = UserFactory(permissions=["wagtailadmin.access_admin", "broadcasts.change_message"])
    # when
    with pytest.raises(ApplicationError) as refused:
        message_variant_approve(variant=variant, actor=writer, version=1)
    # then
    assert refused.value.message == "You may not approve message variants."
    variant.refresh_from_db()
    assert variant.status == "draft"


def test_editing_an_approved_variant_makes_it_a_new_draft_version():
    # given
    previous = MessageVariantFactory(approved=True)
    edited = MessageVariant.objects.get(pk=previous.pk)
    edited.subject = "Другая тема"
    # when
    message_variant_changed(variant=edited, previous=previous)
    # then
    assert (edited.status, edited.version, edited.approved_at) == ("draft", 2, None)


def test_saving_an_approved_variant_unchanged_keeps_its_approval():
    # given
    previous = MessageVariantFactory(approved=True)
    again = MessageVariant.objects.get(pk=previous.pk)
    # when
    message_variant_changed(variant=again, previous=previous)
    # then
    assert (again.status, again.version) == ("approved", 1)


def test_the_emergency_stop_needs_a_reason_and_the_permission(manager):
    # given
    editor = UserFactory(groups=["Editor"])
    # when
    with pytest.raises(ApplicationError) as no_reason:
        emergency_stop_set(actor=manager, stop=True, reason="  ")
    with pytest.raises(ApplicationError) as not_allowed:
        emergency_stop_set(actor=editor, stop=True, reason="Attack in the city")
    # then
    assert no_reason.value.message == "Say why everything is stopped; the team will read it."
    assert not_allowed.value.message == "You may not use the emergency stop."
    assert not OutreachControl.objects.filter(emergency_stop=True).exists()


def test_the_emergency_stop_is_set_recorded_and_lifted(manager, django_capture_on_commit_callbacks):
    # given
    BroadcastFactory(status=Broadcast.Status.SENDING)
    # when
    stopped = emergency_stop_set(actor=manager, stop=True, reason="Attack in the city; review every message")
    with django_capture_on_commit_callbacks() as callbacks:
        lifted = emergency_stop_set(actor=manager, stop=False)
    # then
    assert (stopped.emergency_stop, stopped.reason) == (True, "Attack in the city; review every message")
    assert (lifted.emergency_stop, lifted.changed_by) == (False, manager)
    assert [
        entry.data
        for entry in ModelLogEntry.objects.filter(action="broadcasts.emergency_stop").order_by("pk")
    ] == [
        {"stop": True},
        {"stop": False},
    ]
    assert len(callbacks) == 1  # the workers of sending broadcasts are started again
