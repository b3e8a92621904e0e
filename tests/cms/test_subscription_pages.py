"""The digest subscription as a reader meets it: form, mail, confirm, preferences, leave."""

import re

import pytest
from bs4 import BeautifulSoup

from outreach.audiences.models import ConsentRecord, Subscriber
from tests.factories.cms import TopicFactory

pytestmark = pytest.mark.django_db
LINK = re.compile(r"https?://[^/\s]+(/\S+/)")


def subscribe(client, capture, **fields):
    data = {"email": "reader@example.org", "frequency": "weekly", **fields}
    with capture(execute=True):
        return client.post("/ru/subscribe/", data)


def link(mail, purpose: str) -> str:
    return next(path for path in LINK.findall(mail.body) if f"/{purpose}/" in path)


def test_a_reader_subscribes_confirms_by_button_changes_choices_and_leaves(
    client, homes, mailoutbox, django_capture_on_commit_callbacks
):
    # given a topic in Russian
    topic = TopicFactory(name="Вербовка в сети", slug="online", locale=homes["ru"].locale)
    form = BeautifulSoup(client.get("/ru/subscribe/").content, "html.parser")
    assert form.select_one(".privacy-note") is not None
    # when they subscribe with that topic
    response = subscribe(client, django_capture_on_commit_callbacks, topics=[str(topic.translation_key)])
    # then they are asked to check their inbox, and a mail with a confirmation link arrives
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response.cookies == {}
    [mail] = mailoutbox
    confirm = link(mail, "confirm")
    assert confirm.startswith("/ru/subscription/confirm/")
    # when a mail scanner (or the reader) opens the link, nothing happens yet
    opened = client.get(confirm)
    assert opened.status_code == 200
    assert opened["Referrer-Policy"] == "no-referrer"
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    # when the reader presses the button
    assert client.post(confirm).status_code == 200
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.ACTIVE
    assert subscriber.topics == [str(topic.translation_key)]
    consent = ConsentRecord.objects.get(subscriber=subscriber)
    assert (consent.source, consent.wording_version, consent.language) == (
        "cms.subscribe",
        "2026-11-digest-v1",
        "ru",
    )
    # and the preferences and leaving pages work from links built for them
    from outreach.audiences.tokens import subscription_links

    links = subscription_links(subscriber=subscriber, language="ru")
    preferences = re.sub(r"^https?://[^/]+", "", links["preferences"])
    assert client.post(preferences, {"frequency": "monthly"}).status_code == 200
    subscriber.refresh_from_db()
    assert (subscriber.frequency, subscriber.topics) == ("monthly", [])
    unsubscribe = re.sub(r"^https?://[^/]+", "", links["unsubscribe"])
    client.get(unsubscribe)
    assert Subscriber.objects.get().status == Subscriber.Status.ACTIVE
    client.post(unsubscribe)
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED


def test_a_bad_address_is_refused_with_a_message_and_nothing_is_stored(
    client, homes, mailoutbox, django_capture_on_commit_callbacks
):
    response = subscribe(client, django_capture_on_commit_callbacks, email="not an address")
    assert response.status_code == 400
    assert BeautifulSoup(response.content, "html.parser").select(".field-error")
    assert Subscriber.objects.count() == 0
    assert mailoutbox == []


def test_an_address_already_subscribed_gets_the_same_answer(
    client, homes, mailoutbox, django_capture_on_commit_callbacks
):
    first = subscribe(client, django_capture_on_commit_callbacks)
    client.post(link(mailoutbox[0], "confirm"))
    again = subscribe(client, django_capture_on_commit_callbacks)
    assert (first.status_code, again.status_code) == (200, 200)
    assert BeautifulSoup(first.content, "html.parser").h1 == BeautifulSoup(again.content, "html.parser").h1


def test_a_tampered_link_is_refused_with_a_message_and_changes_nothing(
    client, homes, mailoutbox, django_capture_on_commit_callbacks
):
    subscribe(client, django_capture_on_commit_callbacks)
    tampered = link(mailoutbox[0], "confirm")[:-3] + "xx/"
    response = client.post(tampered)
    assert response.status_code == 400
    assert BeautifulSoup(response.content, "html.parser").select_one('[role="alert"]').get_text()
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
