"""Flood limits on every public form and on signing in: N posts from one connection pass, the next
is answered 429 with a page that says to wait, and nothing of it is stored. Reading a form (GET) is
never counted; another connection is not affected."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.urls import reverse

from outreach.audiences.models import Subscriber
from outreach.audiences.tokens import CONFIRM, PREFERENCES, UNSUBSCRIBE, subscriber_token_make
from outreach.core.throttle import client_key, throttle_hit
from outreach.grants.models import Award, OutcomeRecord
from outreach.grants.survey import survey_token_make
from outreach.helpline.models import HelpRequest
from tests.factories.audiences import SubscriberFactory
from tests.factories.cms import HelpPageFactory
from tests.factories.grants import AwardFactory, OutcomeRecordFactory
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db

WAIT = "Many requests have come from your connection in a short time"
PROXY = "10.0.0.1"  # REMOTE_ADDR of every request behind the production proxy
PASSWORD = "correct horse battery staple"  # noqa: S105 (UserFactory's password)


@pytest.fixture(autouse=True)
def english(settings):
    # Messages are asserted in the source language, whatever the site's default is.
    settings.LANGUAGE_CODE = "en"


def via_proxy(address: str) -> dict[str, str]:
    """A request as nginx passes it on: its own address, the client's last in X-Forwarded-For."""
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"198.51.100.99, {address}"}


def assert_refused(response, template: str = "429.html") -> None:
    assert response.status_code == 429
    assert WAIT in response.content.decode()
    assert template in [used.name for used in response.templates]
    assert int(response["Retry-After"]) > 0
    assert response["Cache-Control"] == "private, no-store"


# --- The help form (its own limit, HELPLINE_SUBMISSIONS_PER_HOUR) ----------------------------------


def test_the_help_form_takes_n_requests_from_one_connection_then_refuses(client, homes, settings):
    # given a limit of two an hour
    settings.HELPLINE_SUBMISSIONS_PER_HOUR = 2
    page = HelpPageFactory(parent=homes["en"], locale=homes["en"].locale, slug="help")
    data = {"who": "family", "message": "My son stopped talking to us.", "contact": "", "page": page.pk}
    # when one connection sends three
    statuses = [
        client.post("/en/help-request/", data, **via_proxy("203.0.113.5")).status_code for _ in range(3)
    ]
    refused = client.post("/en/help-request/", data, **via_proxy("203.0.113.5"))
    # then two are stored and the rest are refused with a message, stored nowhere
    assert statuses == [200, 200, 429]
    assert refused.status_code == 429
    assert "Please wait a little and send yours again" in refused.content.decode()
    assert HelpRequest.objects.count() == 2
    # and another connection behind the same proxy is still heard
    assert client.post("/en/help-request/", data, **via_proxy("203.0.113.6")).status_code == 200
    assert HelpRequest.objects.count() == 3


# --- The subscription form (its own limit, SUBSCRIPTION_REQUESTS_PER_CLIENT_PER_HOUR) ------------


def test_the_subscription_form_takes_n_requests_from_one_connection_then_refuses(
    client, homes, settings, mailoutbox, django_capture_on_commit_callbacks
):
    # given a limit of two an hour
    settings.SUBSCRIPTION_REQUESTS_PER_CLIENT_PER_HOUR = 2

    def subscribe(email: str, address: str):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                "/en/subscribe/", {"email": email, "frequency": "weekly"}, **via_proxy(address)
            )

    # when one connection asks for three addresses
    statuses = [subscribe(f"reader{n}@example.org", "203.0.113.5").status_code for n in range(3)]
    # then the third is refused and neither stored nor mailed
    assert statuses == [200, 200, 429]
    assert sorted(Subscriber.objects.values_list("email", flat=True)) == [
        "reader0@example.org",
        "reader1@example.org",
    ]
    assert len(mailoutbox) == 2
    # and a reader on another connection behind the same proxy is not counted with them
    assert subscribe("neighbour@example.org", "203.0.113.6").status_code == 200
    assert Subscriber.objects.filter(email="neighbour@example.org").exists()


# --- The three subscription link pages -------------------------------------------------------------


@pytest.fixture
def two_link_posts(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "subscription-links": (2, 3600)}


def link(subscriber: Subscriber, purpose: str) -> str:
    token = subscriber_token_make(subscriber=subscriber, purpose=purpose)
    return reverse(f"subscription-{purpose}", kwargs={"token": token})


def test_the_confirm_button_takes_n_posts_then_refuses_and_confirms_nothing(client, homes, two_link_posts):
    # given a pending subscriber and two posts with broken links from one connection
    subscriber = SubscriberFactory(language="en")
    for _ in range(2):
        assert client.post("/en/subscription/confirm/broken/").status_code == 400
    # when the real link is pressed from that connection
    response = client.post(link(subscriber, CONFIRM))
    # then
    assert_refused(response)
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING
    # reading the page is not counted
    assert client.get(link(subscriber, CONFIRM)).status_code == 200


def test_the_unsubscribe_button_takes_n_posts_then_refuses_but_one_click_always_works(
    client, homes, two_link_posts
):
    # given an active subscriber and two posts from one connection
    subscriber = SubscriberFactory(language="en", active=True)
    for _ in range(2):
        assert client.post("/en/subscription/unsubscribe/broken/").status_code == 400
    # when the page's button is pressed from that connection
    refused = client.post(link(subscriber, UNSUBSCRIBE))
    # then it is refused and the subscriber stays
    assert_refused(refused)
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE
    # but a mail program's one-click unsubscribe from the same address is never limited
    one_click = client.post(link(subscriber, UNSUBSCRIBE), {"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


def test_the_preferences_form_takes_n_posts_then_refuses_and_changes_nothing(client, homes, two_link_posts):
    # given an active weekly subscriber who saved twice
    subscriber = SubscriberFactory(language="en", active=True, frequency=Subscriber.Frequency.WEEKLY)
    url = link(subscriber, PREFERENCES)
    for _ in range(2):
        assert client.post(url, {"frequency": "weekly"}).status_code == 200
    # when they save a third time within the hour
    response = client.post(url, {"frequency": "monthly"})
    # then
    assert_refused(response)
    subscriber.refresh_from_db()
    assert subscriber.frequency == Subscriber.Frequency.WEEKLY


# --- The alumni survey -----------------------------------------------------------------------------


def test_the_alumni_survey_takes_n_posts_then_refuses_and_stores_nothing(client, settings):
    # given a limit of two answers an hour, and two incomplete answers already sent
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "alumni-survey": (2, 3600)}
    award = AwardFactory(status=Award.Status.ALUMNI, ended_on=datetime.date(2026, 2, 27))
    outcome = OutcomeRecordFactory(award=award, wave="1y", due_on=datetime.date(2027, 2, 27))
    url = f"/en/alumni-survey/{survey_token_make(outcome=outcome)}/"
    for _ in range(2):
        assert client.post(url, {"residence": "returned"}).status_code == 400
    # when a complete answer follows from the same connection
    answers = {"residence": "returned", "employer_sector": "education", "is_leadership": "no"}
    response = client.post(url, answers)
    # then it is refused in the survey's own look, which names no site, and nothing is stored
    assert_refused(response, template="grants/survey/too_many_requests.html")
    assert "Clear Path" not in response.content.decode()
    outcome.refresh_from_db()
    assert outcome.responded_on is None
    assert OutcomeRecord.objects.filter(responded_on__isnull=False).count() == 0
    # the questions can still be read
    assert client.get(url).status_code == 200


# --- Signing in ------------------------------------------------------------------------------------


@pytest.fixture
def three_login_posts(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": (3, 300)}


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_sign_in_takes_n_posts_from_one_address_whatever_the_username_then_refuses(client, three_login_posts):
    # given a guesser trying one password on three usernames from one address
    user = UserFactory(username="editor.aigerim", permissions=["wagtailadmin.access_admin"])
    for username in ("editor.a", "editor.b", "editor.c"):
        response = client.post(
            reverse("wagtailadmin_login"),
            {"username": username, "password": "guess"},
            REMOTE_ADDR="203.0.113.7",
        )
        assert response.status_code == 200
    # when a fourth post comes from that address, with the right password even
    refused = client.post(
        reverse("wagtailadmin_login"),
        {"username": user.username, "password": PASSWORD},
        REMOTE_ADDR="203.0.113.7",
    )
    # then it is refused in the admin's look, and nobody is signed in
    assert refused.status_code == 429
    assert "Too many sign-in attempts have come from your connection" in refused.content.decode()
    assert "account/login_rate_limited.html" in [used.name for used in refused.templates]
    assert refused["Cache-Control"] == "private, no-store"
    assert not is_signed_in(client)
    # and from another address the user signs in
    allowed = client.post(
        reverse("wagtailadmin_login"),
        {"username": user.username, "password": PASSWORD},
        REMOTE_ADDR="198.51.100.20",
    )
    assert allowed.status_code == 302
    assert is_signed_in(client)


def test_the_sign_in_page_itself_is_never_counted(client, three_login_posts):
    for _ in range(5):
        assert client.get(reverse("wagtailadmin_login"), REMOTE_ADDR="203.0.113.7").status_code == 200


def test_password_reset_and_the_django_admin_login_share_the_sign_in_limit(client, three_login_posts):
    # given a user with a mailbox and three sign-in posts from one address
    UserFactory(username="editor.aigerim", email="aigerim@example.org")
    for _ in range(3):
        client.post(reverse("admin:login"), {"username": "x", "password": "y"}, REMOTE_ADDR="203.0.113.7")
    # when that address asks for a password reset
    response = client.post(
        reverse("wagtailadmin_password_reset"), {"email": "aigerim@example.org"}, REMOTE_ADDR="203.0.113.7"
    )
    # then no mail goes out
    assert response.status_code == 429
    assert mail.outbox == []


# --- The counter itself ----------------------------------------------------------------------------


def test_the_counter_keeps_neither_the_address_nor_the_key(settings, rf):
    # given
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "alumni-survey": (1, 3600)}
    request = rf.post("/", REMOTE_ADDR="203.0.113.7")
    request.user = AnonymousUser()
    key = client_key(request)
    # when
    assert throttle_hit(scope="alumni-survey", key=key) is None
    retry_after = throttle_hit(scope="alumni-survey", key=key)
    # then
    assert 3590 < retry_after <= 3601
    from django.core.cache import cache

    stored_keys = list(cache._cache.keys())  # LocMemCache's own store
    assert stored_keys and all("203.0.113.7" not in stored and key not in stored for stored in stored_keys)
    with pytest.raises(ValueError, match="needs a client key"):
        throttle_hit(scope="alumni-survey", key="")
