"""A help request remembers the campaign landing page the visitor came from, and nothing else: the
landing page's call to action names it in the link, the help form keeps it in a hidden field (no
cookie, no JavaScript), and only a live campaign landing page is ever stored; anything else is
ignored and the visitor is thanked as usual."""

import pytest
from bs4 import BeautifulSoup

from outreach.helpline.models import HelpRequest
from outreach.helpline.services import help_request_submit
from tests.factories.cms import CampaignLandingPageFactory, HelpPageFactory, article_add

pytestmark = pytest.mark.django_db

MESSAGE = "Мой сын перестал разговаривать с нами."


@pytest.fixture
def help_page(homes):
    return HelpPageFactory(parent=homes["ru"], locale=homes["ru"].locale, slug="help")


@pytest.fixture
def landing(homes, help_page):
    return article_add(
        home=homes["ru"],
        factory_class=CampaignLandingPageFactory,
        slug="parents-first",
        call_to_action="Write to us",
        call_to_action_page=help_page,
    )


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def send(client, help_page, **fields):
    return client.post(
        "/ru/help-request/",
        {"who": "family", "message": MESSAGE, "contact": "", "page": help_page.pk, **fields},
    )


def test_the_call_to_action_names_the_landing_page_and_the_form_keeps_it(client, landing):
    # when a visitor reads the landing page and follows its call to action
    link = soup(client.get("/ru/parents-first/")).select_one("a.button")
    help_form = soup(client.get(link["href"])).select_one(".help-form form")

    # then the link names the landing page and the help form carries it in a hidden field
    assert (link["href"], link.get_text(strip=True)) == (f"/ru/help/?from={landing.pk}", "Write to us")
    hidden = help_form.select_one("input[name=referring_page]")
    assert (hidden["type"], hidden["value"]) == ("hidden", str(landing.pk))


def test_a_call_to_action_to_another_page_carries_nothing(client, homes):
    article = article_add(home=homes["ru"], slug="first-signs")
    article_add(
        home=homes["ru"],
        factory_class=CampaignLandingPageFactory,
        slug="parents-first",
        call_to_action="Read more",
        call_to_action_page=article,
    )
    link = soup(client.get("/ru/parents-first/")).select_one("a.button")
    assert link["href"] == "/ru/first-signs/"


def test_a_request_sent_from_a_landing_page_records_that_page(client, help_page, landing):
    # when the visitor sends the form as the help page gave it to them
    response = send(client, help_page, referring_page=str(landing.pk))

    # then they are thanked and the request records the landing page, nothing more about them
    assert response.status_code == 200
    assert soup(response).select_one(".notice-success") is not None
    stored = HelpRequest.objects.get()
    assert (stored.referring_page_id, stored.source_page_id, stored.who) == (
        landing.pk,
        help_page.pk,
        "family",
    )


@pytest.mark.parametrize(
    "forged",
    [
        "article",
        "help page",
        "unpublished landing page",
        "999999",
        "abc",
        "-1",
        "1.5",
        "99999999999999999999",
        "١٢",
    ],
)
def test_a_forged_or_stale_origin_is_ignored_and_the_visitor_thanked(
    client, homes, help_page, landing, forged
):
    # given a `from` value that is not a live campaign landing page
    draft = article_add(home=homes["ru"], factory_class=CampaignLandingPageFactory, slug="draft", live=False)
    value = {
        "article": str(article_add(home=homes["ru"], slug="first-signs").pk),
        "help page": str(help_page.pk),
        "unpublished landing page": str(draft.pk),
    }.get(forged, forged)

    # when the form is sent with it
    response = send(client, help_page, referring_page=value)

    # then the visitor gets the usual thanks and the request is stored without an origin
    assert response.status_code == 200
    assert soup(response).select_one(".notice-success") is not None
    assert soup(response).select(".form-errors, .field-error") == []
    assert list(HelpRequest.objects.values_list("referring_page_id", "message")) == [(None, MESSAGE)]


def test_the_help_page_drops_an_origin_that_is_not_a_number(client, help_page):
    form = soup(client.get("/ru/help/?from=%3Cscript%3E")).select_one(".help-form form")
    assert form.select_one("input[name=referring_page]").get("value", "") == ""


def test_the_origin_survives_a_refused_form(client, help_page, landing):
    # given a visitor from the landing page who forgot to write their message
    response = send(client, help_page, message="  ", referring_page=str(landing.pk))
    assert response.status_code == 400
    assert HelpRequest.objects.count() == 0

    # when they send the form they got back, now with a message
    form = soup(response).select_one(".help-form form")
    data = {field["name"]: field.get("value", "") for field in form.select("input[type=hidden]")}
    response = client.post(form["action"], {**data, "who": "family", "message": MESSAGE, "contact": ""})

    # then the request still records where they came from
    assert response.status_code == 200
    assert HelpRequest.objects.get().referring_page_id == landing.pk


def test_the_service_keeps_no_page_that_is_not_live(homes):
    draft = article_add(home=homes["ru"], factory_class=CampaignLandingPageFactory, slug="draft", live=False)
    help_request = help_request_submit(
        who="self", message=MESSAGE, contact="", language="ru", source_page_id=None, referring_page=draft
    )
    assert HelpRequest.objects.get(pk=help_request.pk).referring_page_id is None
