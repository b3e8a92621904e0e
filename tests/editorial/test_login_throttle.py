"""Failed logins are throttled (django-axes): five wrong passwords for one username from one address
lock that pair out for 15 minutes, the right password included; nothing else is locked, and the
password is never recorded."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # noqa: S105 (UserFactory's password)
WRONG = "not the password at all"
LOCKED_OUT = "Too many sign-in attempts failed for this account from your connection."


@pytest.fixture(autouse=True)
def throttled(settings):
    # The suite runs with axes off (test.py); here it works as in production.
    settings.AXES_ENABLED = True
    # The messages are asserted in the source language, whatever the site's default is.
    settings.LANGUAGE_CODE = "en"
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)


def login(client, username: str, password: str, address: str = "203.0.113.7"):
    return client.post(
        reverse("wagtailadmin_login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_lock_out_even_the_right_one(client):
    # given
    user = UserFactory(username="editor.aigerim", permissions=["wagtailadmin.access_admin"])
    for _ in range(4):
        assert login(client, user.username, WRONG).status_code == 200
    # when the fifth fails and the right password follows
    fifth = login(client, user.username, WRONG)
    response = login(client, user.username, PASSWORD)
    # then
    assert fifth.status_code == 429
    assert response.status_code == 429
    assert LOCKED_OUT in response.content.decode()
    assert "refused for 15 minutes, even with the right password" in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    assert "account/login_locked_out.html" in [template.name for template in response.templates]
    assert not is_logged_in(client)
    assert AccessAttempt.objects.get().failures_since_start == 6


def test_the_lockout_holds_one_username_from_one_address_only(client):
    # given a user locked out from one address
    locked = UserFactory(username="editor.aigerim", permissions=["wagtailadmin.access_admin"])
    other = UserFactory(username="editor.bakhyt", permissions=["wagtailadmin.access_admin"])
    for _ in range(5):
        login(client, locked.username, WRONG)
    # when a colleague signs in from the same address
    colleague = login(client, other.username, PASSWORD)
    # then they are in
    assert colleague.status_code == 302
    assert is_logged_in(client)
    # and when the locked user tries from another address, the right password works there
    client.logout()
    elsewhere = login(client, locked.username, PASSWORD, address="198.51.100.20")
    assert elsewhere.status_code == 302
    assert is_logged_in(client)


def test_after_the_cool_off_the_right_password_works(client):
    # given a locked-out user
    user = UserFactory(username="editor.aigerim", permissions=["wagtailadmin.access_admin"])
    for _ in range(5):
        login(client, user.username, WRONG)
    assert login(client, user.username, PASSWORD).status_code == 429
    # when the 15 minutes of the cool-off have passed
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=16))
    response = login(client, user.username, PASSWORD)
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    assert is_logged_in(client)
    # and the success cleared the count
    assert AccessAttempt.objects.count() == 0


def test_the_password_is_never_recorded(client):
    # given
    user = UserFactory(username="editor.aigerim", permissions=["wagtailadmin.access_admin"])
    # when
    for _ in range(5):
        login(client, user.username, WRONG)
    # then
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address) == ("editor.aigerim", "203.0.113.7")
    assert WRONG not in attempt.post_data
    assert WRONG not in attempt.get_data
    assert "password=********" in attempt.post_data


def test_the_address_behind_the_proxy_is_the_one_nginx_appended(client):
    # given a client that forges an X-Forwarded-For entry of its own
    user = UserFactory(username="editor.aigerim", permissions=["wagtailadmin.access_admin"])
    # when
    client.post(
        reverse("wagtailadmin_login"),
        {"username": user.username, "password": WRONG},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.7",
    )
    # then
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"


def test_token_authentication_and_test_logins_are_unaffected(client):
    # given a user locked out of the sign-in form
    user = UserFactory(username="partner.api", permissions=["campaigns.view_partner"])
    for _ in range(5):
        login(client, user.username, WRONG)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user)[1]}")
    # when / then: an API token is not a password login, so axes does not stand in its way
    assert api.get("/api/v1/partners/").status_code == 200
