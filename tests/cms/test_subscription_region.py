"""The subscription forms' optional region (it only sets the time mail arrives), and leaving with one
click from the mail program (RFC 8058) while an opened link still changes nothing."""

import re

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from outreach.audiences.models import ConsentRecord, Subscriber
from outreach.audiences.regions import REGION_CHOICES
from outreach.audiences.tokens import subscription_links
from tests.factories.audiences import SubscriberFactory

pytestmark = pytest.mark.django_db

HELP = "Only so that our mail reaches you at a sensible time of your day."


def path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def links(subscriber: Subscriber) -> dict[str, str]:
    return {
        purpose: path(url)
        for purpose, url in subscription_links(subscriber=subscriber, language="en").items()
    }


@pytest.fixture
def strict_client() -> Client:
    """A visitor with no session and no CSRF token, as a mail program is."""
    return Client(enforce_csrf_checks=True)


def test_the_subscribe_form_offers_an_optional_region_that_only_sets_the_time(client, homes):
    # when a reader opens the form in English
    page = BeautifulSoup(client.get("/en/subscribe/").content, "html.parser")

    # then it has a region list, optional, explained, with every region and "rather not say" first
    select = page.select_one("select[name=region]")
    assert page.select_one(f"label[for={select['id']}]").get_text() == "Where you live (optional)"
    assert page.select_one(f"#{select['aria-describedby']}").get_text() == HELP
    assert [option["value"] for option in select.select("option")] == [
        "",
        *(code for code, _n in REGION_CHOICES),
    ]
    assert select.select("option")[0].get_text() == "I would rather not say"
    assert not select.has_attr("required")


def test_a_reader_who_gives_a_region_has_it_stored(client, homes, django_capture_on_commit_callbacks):
    # given the form
    data = {"email": "reader@example.org", "frequency": "weekly", "region": "kz-kar"}

    # when a reader subscribes saying they live in the Karaganda Region
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/subscribe/", data)

    # then their pending subscription keeps it
    assert response.status_code == 200
    assert Subscriber.objects.values_list("region", "status").get() == ("kz-kar", Subscriber.Status.PENDING)


def test_a_reader_who_gives_no_region_is_stored_without_one(
    client, homes, django_capture_on_commit_callbacks
):
    # when a reader subscribes leaving the region as it is
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/subscribe/", {"email": "reader@example.org", "frequency": "weekly", "region": ""})

    # then no region is stored
    assert Subscriber.objects.values_list("region", flat=True).get() == ""


def test_a_region_not_on_the_list_is_refused_and_nothing_is_stored(client, homes, mailoutbox):
    # when a forged form sends a region that is not on the list
    response = client.post(
        "/en/subscribe/", {"email": "reader@example.org", "frequency": "weekly", "region": "mars"}
    )

    # then the form says so and nothing is stored or sent
    assert response.status_code == 400
    page = BeautifulSoup(response.content, "html.parser")
    assert [error.get_text() for error in page.select(".field-error")] == [
        "Select a valid choice. mars is not one of the available choices."
    ]
    assert Subscriber.objects.count() == 0
    assert mailoutbox == []


def test_a_subscriber_sees_and_changes_their_region_in_their_settings(client, homes):
    # given a subscriber in Kostanay Region
    subscriber = SubscriberFactory(active=True, language="en", region="kz-kus", topics=[])
    settings_page = links(subscriber)["preferences"]

    # when they open their settings
    page = BeautifulSoup(client.get(settings_page).content, "html.parser")

    # then their region is chosen, and the page's leave link is their own working unsubscribe link
    assert page.select_one("select[name=region] option[selected]")["value"] == "kz-kus"
    leave = path(page.find("a", string="Leave the digest")["href"])
    assert leave.startswith("/en/subscription/unsubscribe/")
    assert client.get(leave).status_code == 200

    # when they say they now live in Afghanistan
    response = client.post(settings_page, {"frequency": "weekly", "region": "af"})

    # then it is saved
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert (subscriber.region, subscriber.status) == ("af", Subscriber.Status.ACTIVE)


def test_one_click_unsubscribe_from_the_mail_program_leaves_at_once(strict_client, homes):
    # given a subscriber and the unsubscribe address their mail's List-Unsubscribe header carries
    subscriber = SubscriberFactory(active=True, language="en")
    unsubscribe = links(subscriber)["unsubscribe"]

    # when their mail program posts the one-click body, with no CSRF token and no session
    response = strict_client.post(
        unsubscribe, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    # then they are unsubscribed, with a short plain answer, and the withdrawal says where it came from
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == "You will receive no more mail from us."
    assert response["Cache-Control"] == "private, no-store"
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert list(subscriber.consent_records.values_list("action", "source").order_by("at", "pk")) == [
        (ConsentRecord.Action.GIVEN, "subscribe-form"),
        (ConsentRecord.Action.WITHDRAWN, "list-unsubscribe"),
    ]


def test_opening_the_unsubscribe_link_shows_the_button_and_changes_nothing(strict_client, homes):
    # given a subscriber
    subscriber = SubscriberFactory(active=True, language="en")

    # when the link is opened (a person, or a mail scanner)
    response = strict_client.get(links(subscriber)["unsubscribe"])

    # then the page asks for the button press, and they are still subscribed
    assert response.status_code == 200
    assert BeautifulSoup(response.content, "html.parser").select_one("form[method=post] button") is not None
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE
    assert subscriber.consent_records.count() == 1


def test_a_one_click_with_a_tampered_link_is_refused_plainly_and_changes_nothing(strict_client, homes):
    # given a subscriber and a link with its signature changed
    subscriber = SubscriberFactory(active=True, language="en")
    tampered = links(subscriber)["unsubscribe"][:-3] + "xx/"

    # when a mail program posts the one-click body to it
    response = strict_client.post(
        tampered, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    # then it is refused in plain words and nothing changes
    assert response.status_code == 400
    assert (
        response.content.decode()
        == "This link is not valid. Please check that you copied all of it from the email."
    )
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE
    assert subscriber.consent_records.count() == 1
