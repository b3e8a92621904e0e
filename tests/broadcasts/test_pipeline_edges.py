"""Edges of the send pipeline: the automatic pause after a resume, local-time broadcasts east of
the platform's clock, channel posts without a subscriber's links, and a digest's part for everyone."""

import datetime
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from outreach.audiences.models import Suppression
from outreach.broadcasts import pipeline
from outreach.broadcasts.channels import channel_get, channels_clear
from outreach.broadcasts.models import Broadcast, BroadcastContent, ChannelThrottle, Delivery
from outreach.broadcasts.rendering import COMMON_MARK, personalise, topic_section
from outreach.broadcasts.services import RESUME, broadcast_transition
from tests.factories.audiences import SubscriberFactory
from tests.factories.broadcasts import (
    BroadcastFactory,
    ChannelTargetFactory,
    MessageFactory,
    MessageVariantFactory,
)
from tests.factories.users import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pipeline_settings")]

ALMATY = ZoneInfo("Asia/Almaty")


def test_a_broadcast_resumed_after_failures_is_judged_only_on_what_it_sends_next(settings):
    # given a broadcast paused automatically after 6 of 10 attempts failed, with 10 still queued
    settings.OUTREACH_FAILURE_SAMPLE = 10
    broadcast = BroadcastFactory(
        status=Broadcast.Status.PAUSED, pause_reason="failure_rate", failure_threshold_percent=10
    )
    earlier = timezone.now() - datetime.timedelta(minutes=5)
    readers = SubscriberFactory.create_batch(20, active=True)
    Delivery.objects.bulk_create(
        Delivery(
            broadcast=broadcast,
            subscriber=reader,
            channel="email",
            language="ru",
            not_before=earlier,
            status=status,
            sent_at=earlier if status != "queued" else None,
        )
        for reader, status in zip(readers, ["failed"] * 6 + ["sent"] * 4 + ["queued"] * 10, strict=True)
    )
    # when the manager resumes it once the mail server is mended, and the tick looks at it
    broadcast_transition(broadcast=broadcast, action=RESUME, actor=UserFactory(groups=["Outreach manager"]))
    pipeline.broadcasts_progress_check()
    # then the old failures do not pause it again
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.pause_reason) == ("sending", "")

    # when, since the resume, 10 more attempts fail
    now = timezone.now()
    broadcast.deliveries.filter(status="queued").update(status="failed", sent_at=now)
    Delivery.objects.filter(pk=broadcast.deliveries.filter(status="sent").first().pk).update(status="queued")
    pipeline.broadcasts_progress_check()
    # then it is paused again
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.pause_reason) == ("paused", "failure_rate")


def test_a_local_time_broadcast_starts_early_enough_for_readers_east_of_the_platform():
    # given a broadcast at 10:00 on each reader's clock, one reader in Bishkek (UTC+6) and one in
    # Astana (UTC+5, the platform's clock)
    send_at = datetime.datetime(2026, 12, 4, 10, 0, tzinfo=ALMATY)
    bishkek = SubscriberFactory(active=True, region="kg")
    astana = SubscriberFactory(active=True, region="kz-ast")
    broadcast = BroadcastFactory(status=Broadcast.Status.SCHEDULED, send_at=send_at, send_at_local_time=True)
    # when the tick runs at 08:00 in Almaty, two hours before the platform's 10:00
    early = send_at - datetime.timedelta(hours=2)
    started = pipeline.broadcasts_due_start(now=early)
    # then the broadcast has started, and each delivery waits for 10:00 on its reader's clock
    assert started == 1
    waits = dict(broadcast.deliveries.values_list("subscriber_id", "not_before"))
    assert waits[bishkek.pk] == datetime.datetime(2026, 12, 4, 10, 0, tzinfo=ZoneInfo("Asia/Bishkek"))
    assert waits[astana.pk] == send_at
    # and nothing is claimable before its moment
    assert (
        pipeline.deliveries_claim(broadcast_id=broadcast.pk, channel="email", limit=10, now=early).ids == []
    )


def test_an_ordinary_broadcast_does_not_start_before_its_time():
    # given
    send_at = timezone.now() + datetime.timedelta(hours=2)
    BroadcastFactory(status=Broadcast.Status.SCHEDULED, send_at=send_at)
    # when
    started = pipeline.broadcasts_due_start(now=timezone.now())
    # then
    assert started == 0


def test_a_channel_post_carries_no_subscription_links(settings):
    # given a broadcast to a Russian channel
    settings.OUTREACH_CHANNELS = [
        *settings.OUTREACH_CHANNELS,
        "outreach.broadcasts.channels.telegram.TelegramChannel",
    ]
    channels_clear()
    target = ChannelTargetFactory(language="ru")
    broadcast = BroadcastFactory(scheduled=True, channels=["telegram"])
    pipeline.broadcast_start(broadcast_id=broadcast.pk)
    content = BroadcastContent.objects.get(broadcast=broadcast, language="ru")
    delivery = broadcast.deliveries.get(target=target)
    # when the post is made from the content
    outgoing = pipeline._outgoing(broadcast, delivery, content)
    # then neither the subscription footer nor its marks are in it, while an email keeps them
    assert "[[" not in outgoing.text and "[[" not in outgoing.html
    assert "Unsubscribe at once" not in outgoing.text
    assert "[[unsubscribe_url]]" in content.text


def test_material_without_a_topic_reaches_readers_whose_topics_have_nothing_new():
    # given a digest with a part about one topic and a part for everyone
    chosen, other = str(uuid.uuid4()), str(uuid.uuid4())
    text = "Header\n" + topic_section(chosen, "About prayer\n") + COMMON_MARK + "For everyone\nFooter"
    # when a reader of another topic gets their copy, and so does a reader of the topic
    theirs = personalise(text, topics=[other], links={})
    topical = personalise(text, topics=[chosen], links={})
    # then the first gets the common part only, the second both
    assert theirs == "Header\nFor everyone\nFooter"
    assert topical == "Header\nAbout prayer\nFor everyone\nFooter"
    # and without a common part, a reader with nothing of theirs gets nothing
    assert personalise("Header\n" + topic_section(chosen, "About prayer\n"), topics=[other], links={}) is None


def test_a_mail_in_arabic_script_with_long_lines_and_a_leading_dot_arrives_intact(smtp_server):
    # given a Dari variant whose subject is not ASCII, with a paragraph far longer than an SMTP line
    # may be, and a line that starts with a dot (which SMTP would otherwise read as the end)
    long_paragraph = "گفتگو با نوجوانان " * 120
    message = MessageFactory()
    MessageVariantFactory(
        message=message,
        language="fa-af",
        subject="گفتگویی که ارزش دارد این هفته آغاز کنید",
        body=[("heading", ".نخست گوش دهید"), ("paragraph", f"<p>{long_paragraph}</p>")],
        approved=True,
    )
    reader = SubscriberFactory(active=True, email="dari@example.org", language="fa-af")
    broadcast = BroadcastFactory(scheduled=True, message=message)
    pipeline.broadcast_start(broadcast_id=broadcast.pk)
    # when
    pipeline.broadcast_work(broadcast_id=broadcast.pk)
    # then the receiving side decodes exactly what was written
    (mail,) = smtp_server.to(reader.email)
    assert mail.message["Subject"] == "گفتگویی که ارزش دارد این هفته آغاز کنید"
    text = mail.part("text/plain")
    assert long_paragraph.strip() in text
    assert ".نخست گوش دهید".upper() in text
    assert '<html lang="fa-af" dir="rtl">' in mail.part("text/html")
    assert all(len(line) <= 998 for line in mail.message.as_bytes().split(b"\n"))


def test_an_address_the_server_says_does_not_exist_is_suppressed_but_a_refused_message_is_not(
    refusing_smtp_server,
):
    # given one reader whose mailbox does not exist, one whose server refuses the message on policy
    SubscriberFactory(active=True, email="gone@example.org")
    SubscriberFactory(active=True, email="strict@example.org")
    refusing_smtp_server.replies["gone@example.org"] = "550 5.1.1 No such mailbox"
    refusing_smtp_server.replies["strict@example.org"] = "550 5.7.1 Message refused by policy"
    broadcast = BroadcastFactory(scheduled=True)
    pipeline.broadcast_start(broadcast_id=broadcast.pk)
    # when
    pipeline.broadcast_work(broadcast_id=broadcast.pk)
    # then both failed, and only the address that does not exist is never mailed again
    assert sorted(broadcast.deliveries.values_list("status", "error")) == [
        ("failed", "smtp-550"),
        ("failed", "smtp-550"),
    ]
    assert list(Suppression.objects.values_list("email", "reason")) == [("gone@example.org", "bounce")]
    later = BroadcastFactory(scheduled=True, audience=broadcast.audience)
    pipeline.broadcast_start(broadcast_id=later.pk)
    assert list(later.deliveries.values_list("subscriber__email", flat=True)) == ["strict@example.org"]


def test_a_throttled_channel_hands_out_whole_chunks(settings):
    # given email limited to 150 messages a second, and a bucket that has gathered 5 tokens
    settings.OUTREACH_CHANNEL_RATES = {"email": 150}
    channel = channel_get("email")
    start = timezone.now()
    ChannelThrottle.objects.create(channel="email", tokens=5, refilled_at=start)
    # when a worker asks for a chunk of 20 at once, and again once enough time has passed
    early = pipeline.throttle_take(channel=channel, want=20, now=start)
    later = pipeline.throttle_take(channel=channel, want=20, now=start + datetime.timedelta(seconds=0.1))
    # then it waits for the 15 missing tokens (0.1 s at 150 a second), then gets all 20
    assert early[0] == 0 and abs(early[1] - 0.1) < 1e-9
    assert later == (20, 0.0)
