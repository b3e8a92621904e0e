"""The subscription services: one answer for every address, bad links refused with nothing changed,
the throttles, unsubscribing, preferences and the purge of unconfirmed requests."""

import datetime
import time
import uuid

import pytest
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext, override

from outreach.audiences.models import ConsentRecord, Subscriber
from outreach.audiences.services import (
    subscriber_preferences_update,
    subscription_client_key,
    subscription_confirm,
    subscription_request,
    subscription_unsubscribe,
    subscriptions_purge_unconfirmed,
)
from outreach.audiences.tokens import subscriber_token_make
from outreach.core.exceptions import ApplicationError
from tests.factories.audiences import WORDING, SubscriberFactory

pytestmark = pytest.mark.django_db

TOPIC_A = "5f0c6c2e-8a2b-4d5e-9a51-0b7f3e2d1c4a"
TOPIC_B = "0d3b1f2a-7c6e-4b5a-8e9d-1a2b3c4d5e6f"
ADDRESS = "dana@example.org"
REQUEST = {
    "email": ADDRESS,
    "language": "kk",
    "topic_keys": [TOPIC_A],
    "frequency": "weekly",
    "source": "subscribe-form",
    "wording_version": "2026-11-digest-v2",
}
EXPIRED_CONFIRM = (
    "This confirmation link has expired. Please fill in the subscription form again and we will send "
    "you a new one."
)
INVALID = "This link is not valid. Please check that you copied all of it from the email."
UNKNOWN = "This link is no longer valid. Please fill in the subscription form again."


def state():
    """Everything stored, to compare before and after a refused action."""
    return list(Subscriber.objects.order_by("pk").values()), list(
        ConsentRecord.objects.order_by("pk").values()
    )


def token(subscriber, purpose):
    return subscriber_token_make(subscriber=subscriber, purpose=purpose)


def make_token(subscriber, purpose, days_ago, monkeypatch):
    """A token made `days_ago` days ago."""
    made = signing.b62_encode(int(time.time() - days_ago * 86400))
    with monkeypatch.context() as patch:
        patch.setattr(signing.TimestampSigner, "timestamp", lambda self: made)
        return subscriber_token_make(subscriber=subscriber, purpose=purpose)


def request(capture, **change):
    with capture(execute=True):
        return subscription_request(**{**REQUEST, **change})


# --- One answer for every address -----------------------------------------------------------------


@pytest.mark.parametrize("existing", [None, "pending", "active", "unsubscribed"])
def test_the_answer_is_the_same_whatever_the_address_and_one_mail_goes_to_it(
    existing, mailoutbox, django_capture_on_commit_callbacks
):
    # given
    if existing:
        SubscriberFactory(email=ADDRESS, **({existing: True} if existing != "pending" else {}))
    # when
    answer = request(django_capture_on_commit_callbacks, email=" Dana@Example.org")
    # then: no answer to tell them apart, one mail to the address, one row for it
    assert answer is None
    assert [message.to for message in mailoutbox] == [[ADDRESS]]
    assert Subscriber.objects.filter(email=ADDRESS).count() == 1
    # the mail speaks the language of the form that was sent ("kk")
    subject = "Your subscription" if existing == "active" else "Please confirm your subscription"
    with override("kk"):
        assert mailoutbox[0].subject == gettext(subject)


def test_a_pending_or_unsubscribed_request_is_refreshed_and_waits_for_confirmation_again(
    django_capture_on_commit_callbacks,
):
    # given: someone who left in May asks again
    subscriber = SubscriberFactory(email=ADDRESS, unsubscribed=True, topics=[TOPIC_B], language="ru")
    # when
    request(django_capture_on_commit_callbacks, topic_keys=[TOPIC_A, TOPIC_A.upper()], frequency="monthly")
    # then: waiting for confirmation with the new choices; the consent history is untouched
    subscriber.refresh_from_db()
    assert (subscriber.status, subscriber.language, subscriber.topics, subscriber.frequency) == (
        Subscriber.Status.PENDING,
        "kk",
        [TOPIC_A],
        "monthly",
    )
    assert (subscriber.request_source, subscriber.request_wording_version) == (
        "subscribe-form",
        "2026-11-digest-v2",
    )
    assert list(subscriber.consent_records.values_list("action", flat=True)) == ["given", "withdrawn"]


def test_an_address_is_unique_whatever_its_case():
    # given
    SubscriberFactory(email=ADDRESS)
    # when / then: the database refuses another case of the same address, whatever wrote it
    with pytest.raises(Exception) as raised:
        SubscriberFactory(email="DANA@example.org")
    assert "audiences_subscriber_email_unique" in str(raised.value)


@pytest.mark.parametrize(
    ("change", "message", "fields"),
    [
        ({"email": "not-an-address"}, "Enter a valid email address.", ["email"]),
        ({"email": ""}, "This field cannot be blank.", ["email"]),
        ({"language": "de"}, "“de” is not one of the site's languages.", ["language"]),
        ({"frequency": "daily"}, "Value 'daily' is not a valid choice.", ["frequency"]),
        ({"topic_keys": ["jihad"]}, "Choose topics from the list.", ["topics"]),
        ({"topic_keys": "all"}, "Topics must be a list of topic keys.", ["topics"]),
        ({"topic_keys": [str(uuid.uuid4()) for _ in range(51)]}, "Choose at most 50 topics.", ["topics"]),
        (
            {"source": "a page!"},
            "A source is a form identifier such as “subscribe-form” or “cms.HelpPage:12”.",
            ["request_source"],
        ),
        (
            {"wording_version": ""},
            "This field cannot be blank.",
            ["request_wording_version"],
        ),
    ],
)
def test_bad_input_gives_a_clear_message_and_changes_nothing(
    change, message, fields, mailoutbox, django_capture_on_commit_callbacks
):
    # given
    SubscriberFactory(email=ADDRESS, active=True)
    before = state()
    # when
    with pytest.raises(ApplicationError) as raised:
        request(django_capture_on_commit_callbacks, **change)
    # then
    assert raised.value.message == message
    assert list(raised.value.extra["fields"]) == fields
    assert state() == before
    assert mailoutbox == []


def test_bad_input_for_a_known_address_never_says_it_is_known(django_capture_on_commit_callbacks):
    # given
    SubscriberFactory(email=ADDRESS, active=True)
    # when
    with pytest.raises(ApplicationError) as raised:
        request(django_capture_on_commit_callbacks, language="de")
    # then
    assert list(raised.value.extra["fields"]) == ["language"]
    assert "already" not in raised.value.message


# --- The links ------------------------------------------------------------------------------------


def test_confirming_twice_is_harmless():
    # given
    subscriber = SubscriberFactory()
    link = token(subscriber, "confirm")
    subscription_confirm(token=link)
    before = state()
    # when
    again = subscription_confirm(token=link)
    # then
    assert again.pk == subscriber.pk and again.status == Subscriber.Status.ACTIVE
    assert state() == before
    assert ConsentRecord.objects.count() == 1


def test_an_expired_confirmation_link_is_refused_and_nothing_changes(monkeypatch):
    # given: a link mailed 8 days ago (links work for 7)
    subscriber = SubscriberFactory()
    link = make_token(subscriber, "confirm", 8, monkeypatch)
    before = state()
    # when
    with pytest.raises(ApplicationError) as raised:
        subscription_confirm(token=link)
    # then
    assert (raised.value.message, raised.value.extra) == (EXPIRED_CONFIRM, {"reason": "expired"})
    assert state() == before


def test_a_link_six_days_old_still_confirms(monkeypatch):
    subscriber = SubscriberFactory()
    subscription_confirm(token=make_token(subscriber, "confirm", 6, monkeypatch))
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE


def tampered_links(subscriber):
    good = token(subscriber, "confirm")
    value, stamp, signature = good.split(":")
    other = SubscriberFactory()
    return {
        "changed signature": f"{value}:{stamp}:{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}",
        "another subscriber's key": f"{other.key.hex}:{stamp}:{signature}",
        "no signature": value,
        "empty": "",
        "an unsubscribe link": token(subscriber, "unsubscribe"),
        "a preferences link": token(subscriber, "preferences"),
        "garbage": "<script>alert(1)</script>",
    }


def test_tampered_links_are_refused_and_nothing_changes():
    # given
    subscriber = SubscriberFactory()
    for name, link in tampered_links(subscriber).items():
        before = state()
        # when
        with pytest.raises(ApplicationError) as raised:
            subscription_confirm(token=link)
        # then
        assert (raised.value.message, raised.value.extra) == (INVALID, {"reason": "invalid"}), name
        assert state() == before, name
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING


def test_a_link_of_someone_no_longer_on_the_list_is_refused():
    # given
    subscriber = SubscriberFactory()
    links = {purpose: token(subscriber, purpose) for purpose in ("confirm", "unsubscribe", "preferences")}
    subscriber.delete()
    # when / then
    for call in (
        lambda: subscription_confirm(token=links["confirm"]),
        lambda: subscription_unsubscribe(token=links["unsubscribe"]),
        lambda: subscriber_preferences_update(
            token=links["preferences"], language="ru", topic_keys=[], frequency="weekly"
        ),
    ):
        with pytest.raises(ApplicationError) as raised:
            call()
        assert (raised.value.message, raised.value.extra) == (UNKNOWN, {"reason": "unknown"})
    assert not ConsentRecord.objects.exists()


def test_a_confirmation_link_after_unsubscribing_is_refused():
    # given: confirmed, then unsubscribed, then the old confirmation link is clicked again
    subscriber = SubscriberFactory()
    link = token(subscriber, "confirm")
    subscription_confirm(token=link)
    subscription_unsubscribe(token=token(subscriber, "unsubscribe"))
    before = state()
    # when
    with pytest.raises(ApplicationError) as raised:
        subscription_confirm(token=link)
    # then
    assert raised.value.extra == {"reason": "unsubscribed"}
    assert raised.value.message.startswith("You have unsubscribed since this link was sent.")
    assert state() == before


# --- Unsubscribing and preferences ----------------------------------------------------------------


def test_unsubscribing_withdraws_consent_once_and_is_idempotent():
    # given
    subscriber = SubscriberFactory(active=True, language="uz")
    link = token(subscriber, "unsubscribe")
    # when
    first = subscription_unsubscribe(token=link)
    after_first = state()
    second = subscription_unsubscribe(token=link)
    # then
    assert first.status == second.status == Subscriber.Status.UNSUBSCRIBED
    assert state() == after_first
    withdrawn = ConsentRecord.objects.get(action="withdrawn")
    assert (withdrawn.subscriber, withdrawn.source, withdrawn.wording_version, withdrawn.language) == (
        subscriber,
        "unsubscribe-link",
        WORDING,
        "uz",
    )
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at == withdrawn.at
    # the consent given before is still there, unchanged: records are only ever added
    assert list(subscriber.consent_records.values_list("action", flat=True)) == ["given", "withdrawn"]


def test_an_unsubscribe_link_never_expires_by_default(monkeypatch):
    subscriber = SubscriberFactory(active=True)
    subscription_unsubscribe(
        token=make_token(subscriber, "unsubscribe", 3650, monkeypatch), source="list-unsubscribe"
    )
    assert ConsentRecord.objects.get(action="withdrawn").source == "list-unsubscribe"


def test_unsubscribing_a_pending_request_cancels_it_without_a_consent_record():
    # given
    subscriber = SubscriberFactory()
    # when
    subscription_unsubscribe(token=token(subscriber, "unsubscribe"))
    # then
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert not ConsentRecord.objects.exists()


def test_a_subscriber_changes_their_preferences():
    # given
    subscriber = SubscriberFactory(active=True, language="ru", topics=[TOPIC_A], frequency="weekly")
    # when
    stored = subscriber_preferences_update(
        token=token(subscriber, "preferences"),
        language="ps",
        topic_keys=[TOPIC_B.upper(), TOPIC_A],
        frequency="monthly",
    )
    # then
    subscriber.refresh_from_db()
    assert (subscriber.language, subscriber.topics, subscriber.frequency) == (
        "ps",
        [TOPIC_B, TOPIC_A],
        "monthly",
    )
    assert stored.pk == subscriber.pk
    # preferences are not consent: no new record
    assert ConsentRecord.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"language": "xx"}, "“xx” is not one of the site's languages."),
        ({"frequency": "hourly"}, "Value 'hourly' is not a valid choice."),
        ({"topic_keys": ["not-a-topic"]}, "Choose topics from the list."),
    ],
)
def test_bad_preferences_are_refused_and_nothing_changes(change, message):
    # given
    subscriber = SubscriberFactory(active=True)
    before = state()
    # when
    with pytest.raises(ApplicationError) as raised:
        subscriber_preferences_update(
            token=token(subscriber, "preferences"),
            **{"language": "en", "topic_keys": [TOPIC_B], "frequency": "monthly", **change},
        )
    # then
    assert raised.value.message == message
    assert state() == before


def test_preferences_of_someone_not_subscribed_are_refused(monkeypatch):
    # given
    subscriber = SubscriberFactory(unsubscribed=True)
    before = state()
    # when
    with pytest.raises(ApplicationError) as raised:
        subscriber_preferences_update(
            token=token(subscriber, "preferences"), language="en", topic_keys=[], frequency="weekly"
        )
    # then
    assert raised.value.extra == {"reason": "not_subscribed"}
    assert state() == before
    # and an expired preferences link says how to get a new one
    active = SubscriberFactory(active=True)
    with pytest.raises(ApplicationError) as raised:
        subscriber_preferences_update(
            token=make_token(active, "preferences", 91, monkeypatch),
            language="en",
            topic_keys=[],
            frequency="weekly",
        )
    assert raised.value.extra == {"reason": "expired"}
    assert "we will send you a new one" in raised.value.message


# --- Throttles ------------------------------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch):
    now = [1_800_000_000.0]
    monkeypatch.setattr(time, "time", lambda: now[0])
    return now


def test_a_flood_to_one_address_is_silently_dropped(
    settings, clock, mailoutbox, django_capture_on_commit_callbacks
):
    # given
    settings.SUBSCRIPTION_REQUESTS_PER_ADDRESS_PER_HOUR = 2
    # when: five requests for one address from five different clients
    answers = [
        request(
            django_capture_on_commit_callbacks,
            client_key=subscription_client_key(remote_address=f"10.0.0.{n}"),
        )
        for n in range(5)
    ]
    # then: the same answer each time, but only two mails to that address
    assert answers == [None] * 5
    assert len(mailoutbox) == 2
    # another address is not affected
    request(django_capture_on_commit_callbacks, email="other@example.org")
    assert [message.to for message in mailoutbox][-1] == ["other@example.org"]
    # an hour later the address gets mail again
    clock[0] += 3601
    request(django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 4


def test_a_flood_from_one_client_is_asked_to_wait(
    settings, clock, mailoutbox, django_capture_on_commit_callbacks
):
    # given
    settings.SUBSCRIPTION_REQUESTS_PER_CLIENT_PER_HOUR = 3
    client_key = subscription_client_key(remote_address="203.0.113.7")
    for n in range(3):
        request(django_capture_on_commit_callbacks, email=f"victim{n}@example.org", client_key=client_key)
    before = state()
    # when
    clock[0] += 60
    with pytest.raises(ApplicationError) as raised:
        request(django_capture_on_commit_callbacks, email="victim9@example.org", client_key=client_key)
    # then
    assert raised.value.message == (
        "Several subscription requests have already been sent from this connection in the last hour. "
        "Please wait a little and try again."
    )
    assert raised.value.extra == {"retry_after": 3541}
    assert state() == before
    assert len(mailoutbox) == 3
    # another client is not affected
    request(
        django_capture_on_commit_callbacks,
        email="victim9@example.org",
        client_key=subscription_client_key(remote_address="198.51.100.1"),
    )
    assert len(mailoutbox) == 4


def test_the_client_key_is_a_keyed_hash_and_the_cache_never_holds_an_address(settings):
    # given
    from django.core.cache import cache

    key = subscription_client_key(remote_address="203.0.113.7")
    # then
    assert "203.0.113.7" not in key and len(key) == 64
    assert key == subscription_client_key(remote_address="203.0.113.7")
    settings.SECRET_KEY = "another-secret"
    assert key != subscription_client_key(remote_address="203.0.113.7")
    # when
    subscription_request(**REQUEST, client_key=key)
    # then
    stored = repr(cache._cache) + repr(list(cache._cache.keys()))
    assert (
        ADDRESS not in stored and "dana" not in stored and key not in stored and "203.0.113.7" not in stored
    )


# --- Purge ----------------------------------------------------------------------------------------


def test_requests_nobody_confirmed_for_seven_days_are_purged():
    # given
    now = timezone.now()
    days = datetime.timedelta(days=1)
    stale = SubscriberFactory(requested_at=now - 8 * days)
    recent = SubscriberFactory(requested_at=now - 6 * days)
    active = SubscriberFactory(active=True, requested_at=now - 300 * days)
    left = SubscriberFactory(unsubscribed=True, requested_at=now - 300 * days)
    # someone who had been subscribed, left, asked again and did not confirm
    returning = SubscriberFactory(
        unsubscribed=True, requested_at=now - 9 * days, status=Subscriber.Status.PENDING
    )
    # when
    purged = subscriptions_purge_unconfirmed(older_than_days=7, now=now)
    # then
    assert purged == 2
    assert not Subscriber.objects.filter(pk=stale.pk).exists()
    assert set(Subscriber.objects.values_list("pk", flat=True)) == {
        recent.pk,
        active.pk,
        left.pk,
        returning.pk,
    }
    returning.refresh_from_db()
    assert returning.status == Subscriber.Status.UNSUBSCRIBED
    assert returning.consent_records.count() == 2
    # run again: nothing more to purge
    assert subscriptions_purge_unconfirmed(older_than_days=7, now=now) == 0
    # a day later the 6-day-old request is purged too
    assert subscriptions_purge_unconfirmed(older_than_days=7, now=now + 2 * days) == 1
