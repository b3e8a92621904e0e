"""The alumni survey page (/<language>/alumni-survey/<token>/): public and sessionless, answered once
through a signed, expiring link; bad answers, expired and tampered links are refused with a clear
message and store nothing."""

import datetime
import time
from unittest import mock

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.core import signing
from django.test import Client
from django.urls import path
from django.utils import timezone

from outreach import urls as project_urls
from outreach.grants import survey_views
from outreach.grants.models import Award, OutcomeRecord
from outreach.grants.survey import LINK_MAX_AGE_DAYS, survey_link, survey_token_make
from tests.factories.grants import AwardFactory, GranteeFactory, OutcomeRecordFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

# The project's URLs with the survey page where outreach/urls.py routes it (ahead of Wagtail's pages).
urlpatterns = [
    *i18n_patterns(
        path("alumni-survey/<str:token>/", survey_views.alumni_survey, name="alumni-survey"),
        prefix_default_language=True,
    ),
    *project_urls.urlpatterns,
]

ANSWERS = {
    "residence": "third_country",
    "country": "Türkiye",
    "employer_sector": "education",
    "position": "Lecturer in public administration",
    "is_leadership": "yes",
}
EMPTY = {
    "responded_on": None,
    "residence": "",
    "country": "",
    "employer_sector": "",
    "position": "",
    "is_leadership": False,
    "verification": "",
}


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    settings.PUBLIC_BASE_URL = "https://example.org"


@pytest.fixture
def outcome() -> OutcomeRecord:
    grantee = GranteeFactory(code="AFG-0101", name_latin="Maryam Ahmadi")
    award = AwardFactory(grantee=grantee, status=Award.Status.ALUMNI, ended_on=datetime.date(2026, 2, 27))
    return OutcomeRecordFactory(
        award=award, wave="1y", due_on=datetime.date(2027, 2, 27), surveyed_on=datetime.date(2027, 3, 1)
    )


def url(outcome: OutcomeRecord, language: str = "en") -> str:
    return f"/{language}/alumni-survey/{survey_token_make(outcome=outcome)}/"


def stored(outcome: OutcomeRecord) -> dict:
    outcome.refresh_from_db()
    return {name: getattr(outcome, name) for name in EMPTY}


def test_the_link_opens_the_questions_without_naming_anyone(outcome, client):
    # given the link mailed to the alumnus
    # when they open it
    response = client.get(url(outcome))
    # then the questions are shown, privately, without a name, code or programme
    assert response.status_code == 200
    page = response.content.decode()
    assert "Where do you live now?" in page
    assert "In this role, do you lead other people, a team or an organisation?" in page
    for secret in ("AFG-0101", "Maryam", outcome.award.cohort.programme.code, "Clear Path"):
        assert secret not in page
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert not response.cookies


def test_the_link_is_made_in_the_language_it_names(outcome):
    # given an outcome record
    # when its link is made in Russian
    link = survey_link(outcome=outcome, language="ru")
    # then it is on the public site, in Russian, and carries only the signed record id
    prefix = "https://example.org/ru/alumni-survey/"
    assert link.startswith(prefix)
    token = link[len(prefix) : -1]
    assert signing.TimestampSigner(salt="outreach.grants.alumni-survey").unsign(token) == str(outcome.pk)


def test_the_page_answers_in_the_language_of_the_link(outcome, client):
    # given the link in Kazakh
    # when it is opened
    response = client.get(url(outcome, "kk"))
    # then the page says it is in Kazakh
    assert response.status_code == 200
    assert '<html lang="kk"' in response.content.decode()


def test_the_answers_are_stored_once_as_self_reported(outcome):
    # given the alumnus' link, and a client that enforces CSRF as a browser without a session would meet it
    client = Client(enforce_csrf_checks=True)
    # when they send their answers
    response = client.post(url(outcome), ANSWERS)
    # then they are thanked and the answers stored on the wave's record
    assert response.status_code == 200
    assert "Your answers are saved." in response.content.decode()
    assert stored(outcome) == {
        "responded_on": timezone.localdate(),
        "residence": "third_country",
        "country": "Türkiye",
        "employer_sector": "education",
        "position": "Lecturer in public administration",
        "is_leadership": True,
        "verification": "self_reported",
    }
    assert not response.cookies


def test_a_second_submission_is_refused_and_changes_nothing(outcome, client):
    # given the survey was answered
    client.post(url(outcome), ANSWERS)
    before = stored(outcome)
    # when the link is used again to send other answers, and opened again
    again = client.post(url(outcome), {**ANSWERS, "residence": "returned", "position": "Director"})
    opened = client.get(url(outcome))
    # then it is refused with a clear message and the first answers stay
    message = (
        "You have already answered this survey, thank you. Your answers are saved; they cannot be sent twice."
    )
    assert again.status_code == 409
    assert message in again.content.decode()
    assert opened.status_code == 200
    assert message in opened.content.decode()
    assert "Where do you live now?" not in opened.content.decode()
    assert stored(outcome) == before


@pytest.mark.parametrize(
    ("change", "field_error"),
    [
        ({"residence": "moon"}, "Select a valid choice. moon is not one of the available choices."),
        ({"employer_sector": ""}, "This field is required."),
        ({"is_leadership": "maybe"}, "Select a valid choice. maybe is not one of the available choices."),
        ({"country": ""}, "Say which country you live in."),
        ({"position": "x" * 201}, "Ensure this value has at most 200 characters (it has 201)."),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_stored(outcome, client, change, field_error):
    # given the alumnus' link
    # when they send an answer that is not valid
    response = client.post(url(outcome), {**ANSWERS, **change})
    # then the form comes back with the message, and nothing is stored
    assert response.status_code == 400
    assert field_error in response.content.decode()
    assert stored(outcome) == EMPTY


def test_a_country_is_optional_for_those_who_returned(outcome, client):
    # given the alumnus' link
    # when they say they returned home and name no country
    response = client.post(
        url(outcome), {**ANSWERS, "residence": "returned", "country": "", "is_leadership": "no"}
    )
    # then the answers are stored
    assert response.status_code == 200
    assert stored(outcome)["residence"] == "returned"
    assert (stored(outcome)["country"], stored(outcome)["is_leadership"]) == ("", False)


def test_an_expired_link_is_refused(outcome, client):
    # given a link made longer ago than it works
    made = time.time() - datetime.timedelta(days=LINK_MAX_AGE_DAYS, minutes=1).total_seconds()
    with mock.patch("django.core.signing.time.time", return_value=made):
        expired = f"/en/alumni-survey/{survey_token_make(outcome=outcome)}/"
    # when it is opened and answered
    opened = client.get(expired)
    answered = client.post(expired, ANSWERS)
    # then both say it expired, and nothing is stored
    message = (
        "This survey link has expired. Thank you for wanting to answer: we will write to you again at the "
        "next survey."
    )
    assert (opened.status_code, answered.status_code) == (400, 400)
    assert message in opened.content.decode()
    assert message in answered.content.decode()
    assert stored(outcome) == EMPTY


def test_a_link_just_inside_its_lifetime_still_works(outcome, client):
    # given a link made a minute less than its lifetime ago
    made = time.time() - datetime.timedelta(days=LINK_MAX_AGE_DAYS, minutes=-1).total_seconds()
    with mock.patch("django.core.signing.time.time", return_value=made):
        link = f"/en/alumni-survey/{survey_token_make(outcome=outcome)}/"
    # when it is answered
    response = client.post(link, ANSWERS)
    # then the answers are stored
    assert response.status_code == 200
    assert stored(outcome)["verification"] == "self_reported"


@pytest.mark.parametrize(
    "token",
    [
        "tampered",
        # Another record's id under the original signature.
        "other-id",
        # The right record signed for another purpose (a subscription confirmation's salt).
        "other-salt",
    ],
)
def test_a_tampered_link_is_refused(outcome, client, token):
    # given a link that was changed
    good = survey_token_make(outcome=outcome)
    value, rest = good.split(":", 1)
    tokens = {
        "tampered": good[:-2] + ("AA" if not good.endswith("AA") else "BB"),
        "other-id": f"{outcome.pk + 1}:{rest}",
        "other-salt": signing.TimestampSigner(salt="outreach.audiences.confirm").sign(value),
    }
    # when it is opened and answered
    opened = client.get(f"/en/alumni-survey/{tokens[token]}/")
    answered = client.post(f"/en/alumni-survey/{tokens[token]}/", ANSWERS)
    # then both refuse it, and nothing is stored
    message = "This link is not valid. Please check that you copied all of it from the email."
    assert (opened.status_code, answered.status_code) == (400, 400)
    assert message in opened.content.decode()
    assert message in answered.content.decode()
    assert stored(outcome) == EMPTY


def test_a_locked_grantees_survey_is_closed(outcome, client):
    # given the grantee was put under the emergency lock after the survey went out
    grantee = outcome.award.grantee
    grantee.is_locked = True
    grantee.save()
    # when the link is answered
    response = client.post(url(outcome), ANSWERS)
    # then the survey is closed and nothing is stored
    assert response.status_code == 400
    assert "This survey is no longer open." in response.content.decode()
    assert stored(outcome) == EMPTY


def test_only_get_and_post_are_answered(outcome, client):
    # given the alumnus' link
    # when something else is sent to it
    response = client.put(url(outcome), ANSWERS)
    # then it is refused and nothing is stored
    assert response.status_code == 405
    assert stored(outcome) == EMPTY
