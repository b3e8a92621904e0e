"""The Telegram channel against a fake Bot API on loopback, driven through the real send pipeline:
one post per channel target in its language, the provider's answers turned into sent, held off,
failed or retried deliveries, and the bot token kept out of every error and log."""

import datetime
import logging
import socket

import pytest
from django.core import mail
from django.utils import timezone

from outreach.broadcasts import pipeline
from outreach.broadcasts.channels import Outgoing, PermanentFailure, ProviderThrottled, TemporaryFailure
from outreach.broadcasts.channels.telegram import TEXT_LIMIT, TelegramChannel, post_text
from outreach.broadcasts.models import ChannelThrottle, Delivery
from tests.broadcasts import fake_telegram as telegram_api
from tests.factories.audiences import SubscriberFactory
from tests.factories.broadcasts import (
    BroadcastFactory,
    ChannelTargetFactory,
    MessageFactory,
    MessageVariantFactory,
)

# The fake Bot API's fixture, used by this module's tests.
fake_telegram = telegram_api.fake_telegram
TOKEN = telegram_api.TOKEN
PREVIEW_OFF = {"is_disabled": True}
KK_TEXT = "Апта жаңалықтары\n\nБІЗ ТАҢДАҒАН МАТЕРИАЛДАР\n\nОқыңыз: https://example.org/kk/answers/"
RU_TEXT = "Новое за неделю\n\nМЫ ВЫБРАЛИ МАТЕРИАЛЫ\n\nЧитать: https://example.org/ru/answers/"


def bilingual_message():
    message = MessageFactory()
    MessageVariantFactory(
        message=message,
        language="kk",
        approved=True,
        subject="Апта жаңалықтары",
        body=[
            ("heading", "Біз таңдаған материалдар"),
            ("button", {"text": "Оқыңыз", "url": "https://example.org/kk/answers/"}),
        ],
    )
    MessageVariantFactory(
        message=message,
        language="ru",
        approved=True,
        subject="Новое за неделю",
        body=[
            ("heading", "Мы выбрали материалы"),
            ("button", {"text": "Читать", "url": "https://example.org/ru/answers/"}),
        ],
    )
    return message


def start_and_send(broadcast, slice_seconds: float = 5) -> None:
    assert pipeline.broadcast_start(broadcast_id=broadcast.pk)
    pipeline.broadcast_work(broadcast_id=broadcast.pk, slice_seconds=slice_seconds)


def deliveries(broadcast) -> list[tuple]:
    return list(
        Delivery.objects.filter(broadcast=broadcast, channel="telegram")
        .order_by("target__address")
        .values_list("target__address", "language", "status", "provider_id", "error", "skip_reason")
    )


def outgoing(address: str = "@voices_kk", text: str = "Жаңалықтар") -> Outgoing:
    return Outgoing(
        delivery_id=1, address=address, language="kk", subject="", text=text, html="", message_id="<1@x>"
    )


def send_one(message: Outgoing | None = None) -> str:
    with TelegramChannel().session() as session:
        return session.send(message or outgoing())


# --- Through the pipeline -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_broadcast_posts_once_to_each_active_target_in_its_language(fake_telegram):
    # given
    ChannelTargetFactory(address="@voices_kk", language="kk")
    ChannelTargetFactory(address="-1001234567890", language="ru")
    ChannelTargetFactory(address="@voices_old", language="ru", is_active=False)
    ChannelTargetFactory(channel="other", address="@not_telegram", language="ru")
    broadcast = BroadcastFactory(message=bilingual_message(), channels=["telegram"], scheduled=True)
    # when
    start_and_send(broadcast)
    # then
    assert [request.path for request in fake_telegram.requests] == [f"/bot{TOKEN}/sendMessage"] * 2
    assert fake_telegram.posts == [
        {"chat_id": "@voices_kk", "text": KK_TEXT, "link_preview_options": PREVIEW_OFF},
        {"chat_id": "-1001234567890", "text": RU_TEXT, "link_preview_options": PREVIEW_OFF},
    ]
    assert deliveries(broadcast) == [
        ("-1001234567890", "ru", "sent", "102", "", ""),
        ("@voices_kk", "kk", "sent", "101", "", ""),
    ]


@pytest.mark.django_db
def test_email_and_telegram_go_out_together(fake_telegram):
    # given
    SubscriberFactory(active=True, language="ru", email="reader@example.org")
    ChannelTargetFactory(address="@voices_kk", language="kk")
    broadcast = BroadcastFactory(message=bilingual_message(), channels=["email", "telegram"], scheduled=True)
    # when
    start_and_send(broadcast)
    # then
    assert [(m.to, m.subject) for m in mail.outbox] == [(["reader@example.org"], "Новое за неделю")]
    assert [post["chat_id"] for post in fake_telegram.posts] == ["@voices_kk"]
    assert sorted(Delivery.objects.filter(broadcast=broadcast).values_list("channel", "status")) == [
        ("email", "sent"),
        ("telegram", "sent"),
    ]


@pytest.mark.django_db
def test_a_429_holds_the_channel_off_and_loses_nothing(fake_telegram):
    # given
    ChannelTargetFactory(address="@voices_kk", language="kk")
    ChannelTargetFactory(address="@voices_ru", language="ru")
    broadcast = BroadcastFactory(message=bilingual_message(), channels=["telegram"], scheduled=True)
    fake_telegram.throttle(retry_after=30)
    before = timezone.now()
    # when
    start_and_send(broadcast, slice_seconds=0.5)
    # then: one try, then the whole channel waits as long as Telegram asked; both posts wait with it
    assert len(fake_telegram.requests) == 1
    blocked_until = ChannelThrottle.objects.get(channel="telegram").blocked_until
    assert (
        before + datetime.timedelta(seconds=30)
        <= blocked_until
        <= timezone.now() + datetime.timedelta(seconds=30)
    )
    assert deliveries(broadcast) == [
        ("@voices_kk", "kk", "queued", "", "", ""),
        ("@voices_ru", "ru", "queued", "", "", ""),
    ]
    # when the hold-off is over
    ChannelThrottle.objects.filter(channel="telegram").update(blocked_until=timezone.now())
    pipeline.broadcast_work(broadcast_id=broadcast.pk, slice_seconds=5)
    # then
    assert [post["chat_id"] for post in fake_telegram.posts] == ["@voices_kk", "@voices_kk", "@voices_ru"]
    assert deliveries(broadcast) == [
        ("@voices_kk", "kk", "sent", "101", "", ""),
        ("@voices_ru", "ru", "sent", "102", "", ""),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "description", "code"),
    [
        (400, "Bad Request: chat not found", "telegram-400"),
        (403, "Forbidden: bot is not a member of the channel chat", "telegram-403"),
    ],
)
def test_a_refused_post_fails_with_its_code_and_is_never_retried(fake_telegram, status, description, code):
    # given
    ChannelTargetFactory(address="@voices_kk", language="kk")
    ChannelTargetFactory(address="@voices_ru", language="ru")
    broadcast = BroadcastFactory(message=bilingual_message(), channels=["telegram"], scheduled=True)
    fake_telegram.refuse(status, description)
    # when
    start_and_send(broadcast)
    pipeline.broadcast_work(broadcast_id=broadcast.pk, slice_seconds=1)
    # then
    assert [post["chat_id"] for post in fake_telegram.posts] == ["@voices_kk", "@voices_ru"]
    assert deliveries(broadcast) == [
        ("@voices_kk", "kk", "failed", "", code, ""),
        ("@voices_ru", "ru", "sent", "101", "", ""),
    ]
    assert Delivery.objects.get(target__address="@voices_kk").attempts == 1


@pytest.mark.django_db
def test_a_server_error_queues_the_post_again_with_a_back_off(fake_telegram, settings):
    # given
    settings.OUTREACH_RETRY_SECONDS = 60
    ChannelTargetFactory(address="@voices_kk", language="kk")
    broadcast = BroadcastFactory(message=bilingual_message(), channels=["telegram"], scheduled=True)
    fake_telegram.answer(502, b"<html>Bad Gateway</html>")
    before = timezone.now()
    # when
    start_and_send(broadcast, slice_seconds=1)
    # then
    delivery = Delivery.objects.get(broadcast=broadcast)
    assert (delivery.status, delivery.error, delivery.attempts) == ("queued", "telegram-502", 1)
    assert delivery.not_before >= before + datetime.timedelta(seconds=60)
    assert len(fake_telegram.requests) == 1


@pytest.mark.django_db
def test_without_a_token_posts_wait_for_it_and_nothing_is_sent(fake_telegram, settings):
    # given
    settings.TELEGRAM_BOT_TOKEN = ""
    ChannelTargetFactory(address="@voices_kk", language="kk")
    broadcast = BroadcastFactory(message=bilingual_message(), channels=["telegram"], scheduled=True)
    # when
    start_and_send(broadcast, slice_seconds=1)
    # then
    delivery = Delivery.objects.get(broadcast=broadcast)
    assert (delivery.status, delivery.error) == ("queued", "telegram-no-token")
    assert fake_telegram.requests == []


# --- The session's answers one by one -------------------------------------------------------------


def test_a_post_returns_telegrams_message_id(fake_telegram):
    # when
    provider_id = send_one()
    # then
    assert provider_id == "101"


def test_a_429_without_retry_after_holds_off_for_the_configured_time(fake_telegram, settings):
    # given
    settings.OUTREACH_THROTTLE_BACKOFF_SECONDS = 45.0
    fake_telegram.answer(429, {"ok": False, "error_code": 429, "description": "Too Many Requests"})
    # when
    with pytest.raises(ProviderThrottled) as raised:
        send_one()
    # then
    assert (raised.value.code, raised.value.retry_after) == ("telegram-429", 45.0)


def test_a_429_with_retry_after_holds_off_that_long(fake_telegram):
    # given
    fake_telegram.throttle(retry_after=7)
    # when
    with pytest.raises(ProviderThrottled) as raised:
        send_one()
    # then
    assert (raised.value.code, raised.value.retry_after) == ("telegram-429", 7.0)


@pytest.mark.parametrize(
    ("status", "error", "code"),
    [
        (400, PermanentFailure, "telegram-400"),
        (403, PermanentFailure, "telegram-403"),
        # A revoked or wrong token: the settings, not the target, need fixing.
        (401, TemporaryFailure, "telegram-401"),
        (500, TemporaryFailure, "telegram-500"),
        (503, TemporaryFailure, "telegram-503"),
    ],
)
def test_each_refusal_maps_to_its_failure(fake_telegram, status, error, code):
    # given
    fake_telegram.refuse(status, "whatever Telegram says")
    # when
    with pytest.raises(error) as raised:
        send_one()
    # then
    assert type(raised.value) is error
    assert raised.value.code == code


def test_a_slow_answer_is_a_temporary_timeout(fake_telegram, settings):
    # given
    settings.TELEGRAM_TIMEOUT_SECONDS = 0.2
    fake_telegram.answer(200, {"ok": True, "result": {"message_id": 1}}, delay=1.0)
    # when
    with pytest.raises(TemporaryFailure) as raised:
        send_one()
    # then
    assert raised.value.code == "telegram-timeout"


def test_an_unreachable_api_is_a_temporary_connection_failure(settings, caplog):
    # given: a loopback port nobody listens on
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.TELEGRAM_BOT_API_URL = f"http://127.0.0.1:{port}"
    settings.TELEGRAM_BOT_TOKEN = TOKEN
    caplog.set_level(logging.DEBUG)
    # when
    with pytest.raises(TemporaryFailure) as raised:
        send_one()
    # then: the exception's text and cause would quote the URL, and so the token
    assert raised.value.code == "telegram-connection"
    assert str(raised.value) == "telegram-connection"
    assert raised.value.__suppress_context__ is True
    assert all(TOKEN not in record.getMessage() for record in caplog.records)


def test_the_token_is_never_logged(fake_telegram, caplog):
    # given
    caplog.set_level(logging.DEBUG)
    fake_telegram.refuse(400)
    # when
    with pytest.raises(PermanentFailure):
        send_one()
    send_one()
    # then
    assert len(fake_telegram.requests) == 2
    assert all(TOKEN not in record.getMessage() for record in caplog.records)


# --- The text of a post ---------------------------------------------------------------------------


def test_the_subscription_footer_is_left_out_of_a_post():
    # given
    text = (
        "Новое за неделю\n\nЧитать: https://example.org/ru/\n\n--\n"
        "Изменить подписку: [[preferences_url]]\nОтписаться: [[unsubscribe_url]]\n"
    )
    # when
    post = post_text(text)
    # then
    assert post == "Новое за неделю\n\nЧитать: https://example.org/ru/"


def test_a_long_text_is_cut_with_an_ellipsis_and_keeps_its_links():
    # given
    paragraph = " ".join(["слово"] * 1000)
    text = f"Заголовок\n{paragraph}\nЧитать: https://example.org/ru/a/\n{paragraph}\nЕщё: https://example.org/ru/b/"
    # when
    post = post_text(text)
    # then
    lines = post.split("\n")
    assert len(post) <= TEXT_LIMIT
    assert lines[0] == "Заголовок"
    assert lines[1].endswith("слово…") and lines[1].startswith("слово слово")
    assert lines[2:] == ["Читать: https://example.org/ru/a/", "Ещё: https://example.org/ru/b/"]
    assert len(post) > TEXT_LIMIT - 10


def test_the_limit_counts_what_telegram_counts():
    # given: each emoji is two UTF-16 code units for Telegram
    text = "🙂" * 3000
    # when
    post = post_text(text)
    # then
    assert post == "🙂" * 2047 + "…"
    assert len(post.encode("utf-16-le")) // 2 == TEXT_LIMIT - 1


def test_a_text_that_fits_is_left_as_it_is():
    # given
    text = "Заголовок\n" + "а" * (TEXT_LIMIT - 10)
    # when / then
    assert post_text(text) == text
