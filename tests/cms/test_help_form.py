"""The confidential help form on the help page, as a worried parent would use it."""

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache

from outreach.helpline.models import HelpRequest
from tests.factories.cms import HelpPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def help_page(homes):
    cache.clear()
    return HelpPageFactory(parent=homes["ru"], locale=homes["ru"].locale, slug="help")


def post(client, help_page, **fields):
    data = {
        "who": "family",
        "message": "Мой сын перестал разговаривать с нами.",
        "contact": "",
        "page": help_page.pk,
    }
    data.update(fields)
    return client.post("/ru/help-request/", data)


def test_the_help_page_shows_the_form_and_how_data_is_handled_before_sending(client, help_page):
    response = client.get("/ru/help/")
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one(".privacy-note") is not None
    form = soup.select_one(".help-form form")
    assert form["action"] == "/ru/help-request/"
    assert {field["name"] for field in form.select("input, textarea")} >= {
        "who",
        "message",
        "contact",
        "page",
    }
    assert response.cookies == {}


def test_a_request_is_stored_encrypted_and_the_sender_is_thanked(client, help_page):
    # when a parent writes without leaving a name or contact
    response = post(client, help_page)
    # then they are thanked, nothing is cached or set in their browser
    assert response.status_code == 200
    assert BeautifulSoup(response.content, "html.parser").select_one(".notice-success") is not None
    assert response["Cache-Control"] == "private, no-store"
    assert response.cookies == {}
    # and the request waits for the helpline in the reader's language
    stored = HelpRequest.objects.get()
    assert (stored.who, stored.language, stored.source_page_id, stored.contact) == (
        "family",
        "ru",
        help_page.pk,
        "",
    )
    assert stored.message == "Мой сын перестал разговаривать с нами."


def test_an_empty_message_is_refused_with_a_message_and_nothing_is_stored(client, help_page):
    response = post(client, help_page, message="   ")
    assert response.status_code == 400
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select(".field-error")
    assert soup.select_one(".notice-success") is None
    assert HelpRequest.objects.count() == 0


def test_an_unknown_choice_is_refused_and_nothing_is_stored(client, help_page):
    response = post(client, help_page, who="police")
    assert response.status_code == 400
    assert HelpRequest.objects.count() == 0


def test_automated_senders_are_thanked_but_nothing_is_stored(client, help_page):
    response = post(client, help_page, website="http://spam.example")
    assert BeautifulSoup(response.content, "html.parser").select_one(".notice-success") is not None
    assert HelpRequest.objects.count() == 0


def test_a_flood_from_one_connection_is_slowed_down(client, help_page, settings):
    settings.HELPLINE_SUBMISSIONS_PER_HOUR = 2
    assert [post(client, help_page).status_code for _ in range(3)] == [200, 200, 429]
    assert HelpRequest.objects.count() == 2


def test_a_form_for_a_page_that_does_not_exist_changes_nothing(client, help_page):
    assert post(client, help_page, page="999999").status_code == 404
    assert post(client, help_page, page="abc").status_code == 404
    assert client.get("/ru/help-request/").status_code == 405
    assert HelpRequest.objects.count() == 0
