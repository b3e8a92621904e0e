"""The send pipeline, called directly (tasks run inline): freezing the audience, sending through a
real SMTP server on loopback, the claims and their reaper, provider replies, pauses and stops,
expiry, the failure-rate pause, and the queries a chunk costs."""

import datetime
import time
import uuid

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from outreach.audiences.models import Subscriber
from outreach.audiences.tokens import PREFERENCES, UNSUBSCRIBE, subscription_links
from outreach.broadcasts import pipeline
from outreach.broadcasts.channels import channel_get
from outreach.broadcasts.models import Broadcast, BroadcastContent, ChannelThrottle, Delivery, MessageVariant
from outreach.broadcasts.services import CANCEL, PAUSE, RESUME, broadcast_transition, emergency_stop_set
from tests.factories.audiences import CONFIRMED_AT, SubscriberFactory
from tests.factories.broadcasts import (
    AudienceFactory,
    BroadcastFactory,
    MessageFactory,
    MessageVariantFactory,
    SuppressionFactory,
)
from tests.factories.users import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pipeline_settings")]

Status = Delivery.Status


def message_with(*languages: str, drafts: tuple[str, ...] = ()):
    """A message with an approved variant in each of `languages` and a draft in each of `drafts`."""
    message = MessageFactory()
    for language in languages:
        MessageVariantFactory(
            message=message, language=language, subject=f"Subject {language}", approved=True
        )
    for language in drafts:
        MessageVariantFactory(message=message, language=language, subject=f"Draft {language}")
    return message


def started(**kwargs) -> Broadcast:
    """A due broadcast, started (its audience frozen)."""
    broadcast = BroadcastFactory(scheduled=True, **kwargs)
    assert pipeline.broadcast_start(broadcast_id=broadcast.pk) is True
    broadcast.refresh_from_db()
    return broadcast


def statuses(broadcast: Broadcast) -> dict[str, tuple[str, str]]:
    """Each delivery's (status, skip reason or error) by the subscriber's address."""
    return {
        delivery.subscriber.email: (delivery.status, delivery.skip_reason or delivery.error)
        for delivery in broadcast.deliveries.select_related("subscriber")
    }


def counts(broadcast: Broadcast) -> dict[str, int]:
    return pipeline.delivery_counts(broadcast_id=broadcast.pk)


# --- Freezing the audience ----------------------------------------------------------------------


def test_start_freezes_one_delivery_per_active_subscriber():
    # given
    reader = SubscriberFactory(active=True, email="reader@example.org")
    SubscriberFactory(email="pending@example.org")
    SubscriberFactory(unsubscribed=True, email="left@example.org")
    SubscriberFactory(active=True, email="bounced@example.org")
    SuppressionFactory(email="bounced@example.org")
    broadcast = BroadcastFactory(scheduled=True)
    # when
    result = pipeline.broadcast_start(broadcast_id=broadcast.pk)
    # then
    broadcast.refresh_from_db()
    assert result is True
    assert broadcast.status == Broadcast.Status.SENDING
    assert broadcast.started_at is not None
    assert list(broadcast.deliveries.values_list("subscriber_id", "channel", "language", "status")) == [
        (reader.pk, "email", "ru", Status.QUEUED)
    ]


def test_start_follows_the_audience_rule():
    # given
    topic, other_topic = str(uuid.uuid4()), str(uuid.uuid4())
    wanted = {
        "language": "kk",
        "region": "kz-ast",
        "topics": [topic],
        "confirmed_at": CONFIRMED_AT,
        "status": Subscriber.Status.ACTIVE,
    }
    match = SubscriberFactory(email="match@example.org", **wanted)
    SubscriberFactory(email="russian@example.org", **{**wanted, "language": "ru"})
    SubscriberFactory(email="almaty@example.org", **{**wanted, "region": "kz-ala"})
    SubscriberFactory(email="other-topic@example.org", **{**wanted, "topics": [other_topic]})
    SubscriberFactory(
        email="early@example.org", **{**wanted, "confirmed_at": CONFIRMED_AT - datetime.timedelta(days=40)}
    )
    SubscriberFactory(
        email="late@example.org", **{**wanted, "confirmed_at": CONFIRMED_AT + datetime.timedelta(days=40)}
    )
    audience = AudienceFactory(
        languages=["kk"],
        regions=["kz-ast"],
        topics=[topic],
        subscribed_from=datetime.date(2026, 2, 1),
        subscribed_until=datetime.date(2026, 3, 31),
    )
    # when
    broadcast = started(audience=audience, message=message_with("kk"))
    # then
    assert list(broadcast.deliveries.values_list("subscriber_id", flat=True)) == [match.pk]


def test_each_recipient_gets_the_first_approved_language_along_their_fallback_chain():
    # given
    for language in ("kk-latn", "kk", "ky", "ru", "en", "ar"):
        SubscriberFactory(active=True, email=f"{language}@example.org", language=language)
    # when
    broadcast = started(message=message_with("kk", "ru", drafts=("en",)))
    # then
    languages = {
        delivery.subscriber.email: (delivery.language, delivery.status, delivery.skip_reason)
        for delivery in broadcast.deliveries.select_related("subscriber")
    }
    assert languages == {
        "kk-latn@example.org": ("kk", Status.QUEUED, ""),
        "kk@example.org": ("kk", Status.QUEUED, ""),
        "ky@example.org": ("ru", Status.QUEUED, ""),
        "ru@example.org": ("ru", Status.QUEUED, ""),
        # English has only a draft and nothing after it; Arabic falls back to English.
        "en@example.org": ("", Status.SKIPPED, Delivery.SkipReason.NO_VARIANT),
        "ar@example.org": ("", Status.SKIPPED, Delivery.SkipReason.NO_VARIANT),
    }


def test_latin_kazakh_falls_back_to_russian_without_a_kazakh_variant():
    # given
    SubscriberFactory(active=True, email="latn@example.org", language="kk-latn")
    # when
    broadcast = started(message=message_with("ru"))
    # then
    assert list(broadcast.deliveries.values_list("language", "status")) == [("ru", Status.QUEUED)]


def test_a_second_start_does_nothing():
    # given
    SubscriberFactory.create_batch(3, active=True)
    broadcast = started()
    SubscriberFactory(active=True)
    # when
    result = pipeline.broadcast_start(broadcast_id=broadcast.pk)
    pipeline.broadcasts_due_start()
    # then
    assert result is False
    assert broadcast.deliveries.count() == 3
    assert BroadcastContent.objects.filter(broadcast=broadcast).count() == 1


def test_start_records_the_variant_and_its_version_and_later_edits_change_nothing(smtp_server):
    # given
    SubscriberFactory(active=True, email="reader@example.org")
    message = message_with("ru")
    variant = message.variants.get()
    MessageVariant.objects.filter(pk=variant.pk).update(version=3)
    broadcast = started(message=message)
    MessageVariant.objects.filter(pk=variant.pk).update(subject="Edited afterwards", version=4)
    # when
    pipeline.broadcast_work(broadcast_id=broadcast.pk)
    # then
    assert list(broadcast.contents.values_list("language", "variant_id", "variant_version", "subject")) == [
        ("ru", variant.pk, 3, "Subject ru")
    ]
    assert [mail.message["Subject"] for mail in smtp_server.to("reader@example.org")] == ["Subject ru"]


def test_a_broadcast_past_its_expiry_when_due_ends_expired_without_deliveries():
    # given
    SubscriberFactory(active=True)
    broadcast = BroadcastFactory(scheduled=True, expires_at=timezone.now() - datetime.timedelta(seconds=1))
    # when
    result = pipeline.broadcast_start(broadcast_id=broadcast.pk)
    # then
    broadcast.refresh_from_db()
    assert result is True
    assert broadcast.status == Broadcast.Status.EXPIRED
    assert broadcast.deliveries.count() == 0


# --- Sending ------------------------------------------------------------------------------------


def test_each_recipient_gets_one_mail_in_their_language_with_their_own_links(smtp_server, monkeypatch):
    # given one signing second for the whole test, so that the links the test makes to compare are
    # the links the mails carry even when a second passes in between
    second = signing.b62_encode(int(time.time()))
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: second)
    readers = {
        language: SubscriberFactory(active=True, email=f"{language}@example.org", language=language)
        for language in ("ru", "kk", "kk-latn")
    }
    broadcast = started(message=message_with("kk", "ru"))
    # when
    more = pipeline.broadcast_work(broadcast_id=broadcast.pk)
    # then
    assert more is False
    deliveries = {d.subscriber_id: d for d in broadcast.deliveries.all()}
    for language, reader in readers.items():
        delivery = deliveries[reader.pk]
        mails = smtp_server.to(reader.email)
        assert len(mails) == 1
        mail = mails[0].message
        links = subscription_links(subscriber=reader, language=delivery.language)
        message_id = f"<{broadcast.key.hex}.{delivery.pk}@outreach.localhost>"
        assert mail["Message-ID"] == message_id
        assert mail["To"] == reader.email
        assert mail["Subject"] == ("Subject ru" if language == "ru" else "Subject kk")
        assert mail["Content-Language"] == delivery.language
        assert mail["List-Unsubscribe"] == f"<{links[UNSUBSCRIBE]}>"
        assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        text = mails[0].part("text/plain")
        html = mails[0].part("text/html")
        assert links[UNSUBSCRIBE] in text and links[PREFERENCES] in text
        assert f'href="{links[UNSUBSCRIBE]}"' in html
        assert "Мы собрали материалы недели" in text
        assert f'<html lang="{delivery.language}" dir="ltr">' in html
        assert (delivery.status, delivery.provider_id, delivery.attempts) == (Status.SENT, message_id, 1)
    assert len(smtp_server.mails) == 3
    # Another reader's link appears in nobody else's copy.
    ru_link = subscription_links(subscriber=readers["ru"], language="ru")[UNSUBSCRIBE]
    assert ru_link not in smtp_server.to("kk@example.org")[0].part("text/plain")


def test_a_finished_broadcast_is_counted_from_its_deliveries(refusing_smtp_server):
    # given
    for name in ("one", "two", "refused", "leaving"):
        SubscriberFactory(active=True, email=f"{name}@example.org")
    refusing_smtp_server.replies["refused@example.org"] = "550 5.1.1 No such mailbox"
    broadcast = started()
    Subscriber.objects.filter(email="leaving@example.org").update(status=Subscriber.Status.UNSUBSCRIBED)
    pipeline.broadcast_work(broadcast_id=broadcast.pk)
    # when
    pipeline.broadcasts_progress_check()
    # then
    broadcast.refresh_from_db()
    assert broadcast.status == Broadcast.Status.FINISHED
    assert broadcast.finished_at is not None
    assert counts(broadcast) == {"queued": 0, "claimed": 0, "sent": 2, "failed": 1, "skipped": 1}
    assert statuses(broadcast) == {
        "one@example.org": (Status.SENT, ""),
        "two@example.org": (Status.SENT, ""),
        "refused@example.org": (Status.FAILED, "smtp-550"),
        "leaving@example.org": (Status.SKIPPED, Delivery.SkipReason.UNSUBSCRIBED),
    }
    assert len(refusing_smtp_server.mails) == 2


def test_who_unsubscribes_or_is_suppressed_after_the_start_gets_nothing(smtp_server):
    # given
    SubscriberFactory(active=True, email="stays@example.org")
    leaving = SubscriberFactory(active=True, email="leaving@example.org")
    SubscriberFactory(active=True, email="complained@example.org")
    broadcast = started()
    leaving.status = Subscriber.Status.UNSUBSCRIBED
    leaving.save(update_fields=["status"])
    SuppressionFactory(email="complained@example.org")
    # when
    pipeline.broadcast_work(broadcast_id=broadcast.pk)
    # then
    assert statuses(broadcast) == {
        "stays@example.org": (Status.SENT, ""),
        "leaving@example.org": (Status.SKIPPED, Delivery.SkipReason.UNSUBSCRIBED),
        "complained@example.org": (Status.SKIPPED, Delivery.SkipReason.SUPPRESSED),
    }
    assert [mail.rcpt_tos for mail in smtp_server.mails] == [["stays@example.org"]]


# --- Pause, cancel, emergency stop --------------------------------------------------------------


def test_a_paused_broadcast_sends_nothing_until_resumed(smtp_server):
    # given
    SubscriberFactory.create_batch(3, active=True)
    broadcast = started()
    staff = UserFactory(superuser=True)
    broadcast_transition(broadcast=broadcast, action=PAUSE, actor=staff)
    # when
    paused_more = pipeline.broadcast_work(broadcast_id=broadcast.pk)
    # then
    assert paused_more is False
    assert smtp_server.mails == []
    assert counts(broadcast)["queued"] == 3
    # when
    broadcast_transition(broadcast=broadcast, action=RESUME, actor=staff)
    pipeline.broadcast_work(broadcast_id=broadcast.pk)
    # then
    assert len(smtp_server.mails) == 3
    assert counts(broadcast)["sent"] == 3


def test_a_pause_takes_effect_before_the_next_chunk(smtp_server, settings, monkeypatch):
    # given
    settings.OUTREACH_CHUNK_SIZE = 2
    SubscriberFactory.create_batch(5, active=True)
    broadcast = started()
    send = pipeline.chunk_send

    def send_then_pause(**kwargs):
        result = send(**kwargs)
        Broadcast.objects.filter(pk=broadcast.pk).update(status=Broadcast.Status.PAUSED)
        return result

    monkeypatch.setattr(pipeline, "chunk_send", send_then_pause)
    # when
    pipeline.broadcast_work(broadcast_id=broadcast.pk)
    # then
    assert len(smtp_server.mails) == 2
    assert counts(broadcast) == {"queued": 3, "claimed": 0, "sent": 2, "failed": 0, "skipped": 0}


def test_a_cancelled_broadcast_sends_nothing_more(smtp_server):
    # given
    SubscriberFactory.create_batch(3, active=True)
    broadcast = started()
    # when
    broadcast_transition(broadcast=broadcast, action=CANCEL, actor=UserFactory(superuser=True))
    more = pipeline.broadcast_work(broadcast_id=broadcast.pk)
    # then
    assert more is False
    assert smtp_server.mails == []
    assert counts(broadcast) == {"queued": 0, "claimed": 0, "sent": 0, "failed": 0, "skipped": 3}
    assert set(broadcast.deliveries.values_list("skip_reason", flat=True)) == {Delivery.SkipReason.CANCELLED}


def test_the_emergency_stop_halts_sending_and_lifting_it_resumes(smtp_server):
    # given
    SubscriberFactory.create_batch(3, active=True)
    broadcast = started()
    staff = UserFactory(superuser=True)
    emergency_stop_set(actor=staff, stop=True, reason="Wrong link in the message")
    # when
    pipeline.broadcast_work(broadcast_id=broadcast.pk)
    pipeline.broadcasts_progress_check()
    # then
    broadcast.refresh_from_db()
    assert smtp_server.mails == []
    assert broadcast.status == Broadcast.Status.SENDING
    assert counts(broadcast)["queued"] == 3
    # when
    emergency_stop_set(actor=staff, stop=False)
    pipeline.broadcast_work(broadcast_id=broadcast.pk)
    # then
    assert len(smtp_server.mails) == 3
    assert counts(broadcast)["sent"] == 3


# --- Claims and the reaper ----------------------------------------------------------------------


def test_the_reaper_returns_a_dead_workers_claims_and_they_are_sent_once(smtp_server, settings):
    # given: a worker claimed everything and died before sending
    settings.OUTREACH_LEASE_SECONDS = 60
    SubscriberFactory.create_batch(4, active=True)
    broadcast = started()
    dead = pipeline.deliveries_claim(broadcast_id=broadcast.pk, channel="email", limit=10)
    assert pipeline.broadcast_work(broadcast_id=broadcast.pk) is False
    assert smtp_server.mails == []
    # when
    early = pipeline.leases_reap(now=timezone.now() + datetime.timedelta(seconds=30))
    returned = pipeline.leases_reap(now=timezone.now() + datetime.timedelta(seconds=61))
    pipeline.broadcast_work(broadcast_id=broadcast.pk)
    # then
    assert (len(dead.ids), early, returned) == (4, 0, 4)
    assert sorted(address for mail in smtp_server.mails for address in mail.rcpt_tos) == sorted(
        Subscriber.objects.values_list("email", flat=True)
    )
    assert list(broadcast.deliveries.values_list("status", "attempts").distinct()) == [(Status.SENT, 2)]


def test_a_worker_whose_claim_was_reaped_sends_and_records_nothing(smtp_server):
    # given: a slow worker's lease ran out, and another worker claimed the rows again
    SubscriberFactory.create_batch(2, active=True)
    broadcast = started()
    slow = pipeline.deliveries_claim(broadcast_id=broadcast.pk, channel="email", limit=10)
    pipeline.leases_reap(now=slow.lease_until + datetime.timedelta(seconds=1))
    fresh = pipeline.deliveries_claim(broadcast_id=broadcast.pk, channel="email", limit=10)
    # when
    late = pipeline.chunk_send(broadcast=broadcast, channel=channel_get("email"), claim=slow)
    # then
    assert (late.sent, late.skipped, late.requeued) == (0, 0, 0)
    assert smtp_server.mails == []
    assert fresh.ids == slow.ids
    assert counts(broadcast)["claimed"] == 2


def test_a_chunk_stops_and_gives_back_the_rest_once_half_its_lease_is_gone(smtp_server, settings):
    # given
    settings.OUTREACH_LEASE_SECONDS = 60
    SubscriberFactory.create_batch(3, active=True)
    broadcast = started()
    claimed = pipeline.deliveries_claim(broadcast_id=broadcast.pk, channel="email", limit=10)
    # 31 of its 60 seconds have gone by
    lease_until = claimed.lease_until - datetime.timedelta(seconds=31)
    Delivery.objects.filter(pk__in=claimed.ids).update(lease_until=lease_until)
    claim = pipeline.Claim(ids=claimed.ids, lease_until=lease_until)
    # when
    result = pipeline.chunk_send(broadcast=broadcast, channel=channel_get("email"), claim=claim)
    # then
    assert (result.sent, result.requeued) == (0, 3)
    assert smtp_server.mails == []
    assert counts(broadcast)["queued"] == 3


# --- Provider replies ---------------------------------------------------------------------------


def test_a_temporary_refusal_requeues_with_a_back_off_and_a_permanent_one_fails(
    refusing_smtp_server, settings
):
    # given
    settings.OUTREACH_RETRY_SECONDS = 60
    for name in ("busy", "gone", "fine"):
        SubscriberFactory(active=True, email=f"{name}@example.org")
    refusing_smtp_server.replies["busy@example.org"] = "450 4.2.1 Mailbox busy, try later"
    refusing_smtp_server.replies["gone@example.org"] = "550 5.1.1 No such mailbox"
    broadcast = started()
    before = timezone.now()
    # when
    pipeline.broadcast_work(broadcast_id=broadcast.pk)
    # then
    assert statuses(broadcast) == {
        "busy@example.org": (Status.QUEUED, "smtp-450"),
        "gone@example.org": (Status.FAILED, "smtp-550"),
        "fine@example.org": (Status.SENT, ""),
    }
    busy = broadcast.deliveries.get(subscriber__email="busy@example.org")
    assert (
        before + datetime.timedelta(seconds=59)
        < busy.not_before
        < timezone.now() + datetime.timedelta(seconds=61)
    )
    assert busy.lease_until is None
    assert [mail.rcpt_tos for mail in refusing_smtp_server.mails] == [["fine@example.org"]]
    assert ChannelThrottle.objects.get(channel="email").blocked_until is None


def test_the_back_off_doubles_and_the_last_attempt_fails(refusing_smtp_server, settings):
    # given
    settings.OUTREACH_RETRY_SECONDS = 60
    settings.OUTREACH_MAX_ATTEMPTS = 3
    SubscriberFactory(active=True, email="busy@example.org")
    refusing_smtp_server.replies["busy@example.org"] = "452 4.2.2 Mailbox full"
    broadcast = started()
    delivery = broadcast.deliveries.get()
    waits = []
    # when
    for _attempt in range(3):
        Delivery.objects.filter(pk=delivery.pk).update(not_before=timezone.now())
        started_at = timezone.now()
        pipeline.broadcast_work(broadcast_id=broadcast.pk)
        delivery.refresh_from_db()
        waits.append(round((delivery.not_before - started_at).total_seconds() / 60))
    # then
    assert waits[:2] == [1, 2]
    assert (delivery.status, delivery.error, delivery.attempts) == (Status.FAILED, "smtp-452", 3)


def test_a_slow_down_reply_holds_the_whole_channel_off(refusing_smtp_server, settings):
    # given
    settings.OUTREACH_THROTTLE_BACKOFF_SECONDS = 30
    for name in ("first", "second", "third"):
        SubscriberFactory(active=True, email=f"{name}@example.org")
    refusing_smtp_server.replies["second@example.org"] = "421 4.7.0 Too many messages, slow down"
    broadcast = started()
    # when
    pipeline.broadcast_work(broadcast_id=broadcast.pk, slice_seconds=0.5)
    # then
    throttle = ChannelThrottle.objects.get(channel="email")
    assert throttle.blocked_until > timezone.now() + datetime.timedelta(seconds=25)
    assert statuses(broadcast) == {
        "first@example.org": (Status.SENT, ""),
        "second@example.org": (Status.QUEUED, ""),
        "third@example.org": (Status.QUEUED, ""),
    }
    assert pipeline.throttle_take(channel=channel_get("email"), want=10)[0] == 0


def test_too_many_failures_pause_the_broadcast(refusing_smtp_server, settings):
    # given
    settings.OUTREACH_FAILURE_SAMPLE = 4
    for number in range(8):
        SubscriberFactory(active=True, email=f"reader{number}@example.org")
    for number in (1, 3):
        refusing_smtp_server.replies[f"reader{number}@example.org"] = "550 5.1.1 No such mailbox"
    broadcast = started(failure_threshold_percent=10)
    claim = pipeline.deliveries_claim(broadcast_id=broadcast.pk, channel="email", limit=5)
    pipeline.chunk_send(broadcast=broadcast, channel=channel_get("email"), claim=claim)
    # when
    pipeline.broadcasts_progress_check()
    more = pipeline.broadcast_work(broadcast_id=broadcast.pk)
    # then
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.pause_reason) == (
        Broadcast.Status.PAUSED,
        Broadcast.PauseReason.FAILURE_RATE,
    )
    assert more is False
    assert counts(broadcast) == {"queued": 3, "claimed": 0, "sent": 3, "failed": 2, "skipped": 0}


def test_failures_below_the_threshold_do_not_pause(refusing_smtp_server, settings):
    # given
    settings.OUTREACH_FAILURE_SAMPLE = 4
    for number in range(8):
        SubscriberFactory(active=True, email=f"reader{number}@example.org")
    refusing_smtp_server.replies["reader1@example.org"] = "550 5.1.1 No such mailbox"
    broadcast = started(failure_threshold_percent=25)
    claim = pipeline.deliveries_claim(broadcast_id=broadcast.pk, channel="email", limit=5)
    pipeline.chunk_send(broadcast=broadcast, channel=channel_get("email"), claim=claim)
    # when
    pipeline.broadcasts_progress_check()
    # then
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.pause_reason) == (Broadcast.Status.SENDING, "")


# --- Expiry and stalls --------------------------------------------------------------------------


def test_expiry_skips_what_is_queued_and_the_broadcast_ends_expired(smtp_server, settings):
    # given
    settings.OUTREACH_CHUNK_SIZE = 2
    SubscriberFactory.create_batch(5, active=True)
    broadcast = started(expires_at=timezone.now() + datetime.timedelta(hours=1))
    claim = pipeline.deliveries_claim(broadcast_id=broadcast.pk, channel="email", limit=2)
    pipeline.chunk_send(broadcast=broadcast, channel=channel_get("email"), claim=claim)
    Broadcast.objects.filter(pk=broadcast.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    # when
    pipeline.broadcasts_progress_check()
    pipeline.broadcast_work(broadcast_id=broadcast.pk)
    # then
    broadcast.refresh_from_db()
    assert broadcast.status == Broadcast.Status.EXPIRED
    assert broadcast.finished_at is not None
    assert counts(broadcast) == {"queued": 0, "claimed": 0, "sent": 2, "failed": 0, "skipped": 3}
    assert set(broadcast.deliveries.filter(status=Status.SKIPPED).values_list("skip_reason", flat=True)) == {
        Delivery.SkipReason.EXPIRED
    }
    assert len(smtp_server.mails) == 2


def test_a_claimed_delivery_past_the_expiry_is_skipped_not_sent(smtp_server):
    # given
    SubscriberFactory(active=True)
    broadcast = started(expires_at=timezone.now() + datetime.timedelta(hours=1))
    claim = pipeline.deliveries_claim(broadcast_id=broadcast.pk, channel="email", limit=5)
    broadcast.expires_at = timezone.now() - datetime.timedelta(seconds=1)
    # when
    result = pipeline.chunk_send(broadcast=broadcast, channel=channel_get("email"), claim=claim)
    # then
    assert (result.sent, result.skipped) == (0, 1)
    assert list(broadcast.deliveries.values_list("status", "skip_reason")) == [
        (Status.SKIPPED, Delivery.SkipReason.EXPIRED)
    ]
    assert smtp_server.mails == []


def test_the_tick_restarts_a_stalled_broadcast(settings, django_capture_on_commit_callbacks, monkeypatch):
    # given
    settings.OUTREACH_STALL_SECONDS = 20
    SubscriberFactory.create_batch(2, active=True)
    broadcast = started()
    Broadcast.objects.filter(pk=broadcast.pk).update(
        progressed_at=timezone.now() - datetime.timedelta(seconds=21)
    )
    enqueued = []
    monkeypatch.setattr(pipeline, "workers_enqueue", lambda **kwargs: enqueued.append(kwargs))
    # when
    pipeline.broadcasts_progress_check()
    pipeline.broadcasts_progress_check()
    # then
    assert enqueued == [{"broadcast_id": broadcast.pk}]


# --- Query budget -------------------------------------------------------------------------------


def chunk_queries(size: int) -> tuple[int, int]:
    """Queries to claim and send one chunk of `size` messages, and the messages sent."""
    SubscriberFactory.create_batch(size, active=True)
    broadcast = started()
    broadcast = Broadcast.objects.get(pk=broadcast.pk)
    channel = channel_get("email")
    with CaptureQueriesContext(connection) as captured:
        claim = pipeline.deliveries_claim(broadcast_id=broadcast.pk, channel="email", limit=size)
        result = pipeline.chunk_send(broadcast=broadcast, channel=channel, claim=claim)
    # The savepoints are the test's own transaction around the claim's (a worker has none).
    statements = [query["sql"] for query in captured if "SAVEPOINT" not in query["sql"]]
    return len(statements), result.sent


def test_a_chunk_costs_a_fixed_number_of_queries_and_one_write_per_message(smtp_server):
    # given / when
    small_queries, small_sent = chunk_queries(3)
    Subscriber.objects.all().delete()
    large_queries, large_sent = chunk_queries(20)
    # then: claim (select for update, update), deliveries with subscribers, contents, suppressions,
    # and one UPDATE per message recording its result (the exactly-once guarantee)
    assert (small_sent, large_sent) == (3, 20)
    assert small_queries - small_sent == large_queries - large_sent == 5


def test_another_mail_backend_gets_the_same_headers(mailoutbox):
    # given: the test settings' locmem backend stands for a provider library such as anymail
    reader = SubscriberFactory(active=True, email="reader@example.org")
    broadcast = started()
    # when
    pipeline.broadcast_work(broadcast_id=broadcast.pk)
    # then
    delivery = broadcast.deliveries.get()
    unsubscribe = subscription_links(subscriber=reader, language="ru")[UNSUBSCRIBE]
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["reader@example.org"]
    assert mailoutbox[0].extra_headers == {
        "Message-ID": f"<{broadcast.key.hex}.{delivery.pk}@outreach.localhost>",
        "Content-Language": "ru",
        "Auto-Submitted": "auto-generated",
        "Precedence": "bulk",
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert delivery.status == Status.SENT
