"""The admin's "API tokens" page: who issues and revokes tokens for whom, the key shown once and kept
only as a hash, expiry, the limit per user, and what the API then does with the key."""

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone, translation
from knox.crypto import hash_token
from knox.models import AuthToken
from rest_framework.test import APIClient
from wagtail.models import ModelLogEntry

from outreach.campaigns.token_views import ISSUE_ACTION, REVOKE_ACTION
from outreach.core.roles import CAMPAIGN_MANAGER, EDITOR, PARTNER, PROGRAM_OFFICER
from tests.campaigns.test_partner_api import token_for
from tests.factories.campaigns import (
    JointProgrammeFactory,
    PartnerFactory,
    ProgrammePartnerFactory,
    partner_user,
)
from tests.factories.users import UserFactory, in_english, member, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_messages():
    """Messages are asserted in English; the platform's default language is Kazakh."""
    with translation.override("en"):
        yield


PAGE = "/admin/api-tokens/"
REVOKE = "/admin/api-tokens/revoke/"
NOT_A_HOLDER = "Choose a partner user you may issue tokens for."
REFUSED = ["Sorry, you do not have permission to access this area."]
KEY = re.compile(r'id="token-key" type="text" value="([0-9a-f]{64})"')


@pytest.fixture
def people():
    """Partner users of the EU (programme A) and of SAMK (programme B), and one user of each other role."""
    eu = PartnerFactory(eu=True)
    samk = PartnerFactory(name="Spiritual Administration of Muslims of Kazakhstan", short_name="SAMK")
    ProgrammePartnerFactory(programme=JointProgrammeFactory(code="eu-pve-2026"), partner=eu)
    ProgrammePartnerFactory(programme=JointProgrammeFactory(code="samk-2026"), partner=samk)
    return {
        "eu": eu,
        "samk": samk,
        "partner_a": partner_user(eu, "eu.reader"),
        "partner_b": partner_user(samk, "samk.reader"),
        "manager": member([CAMPAIGN_MANAGER], "campaign.manager"),
        "officer": member([PROGRAM_OFFICER], "program.officer"),
        "editor": member([EDITOR], "editor"),
        "unlinked": member([PARTNER], "unlinked.partner"),
        "superuser": in_english(UserFactory(username="root", superuser=True)),
    }


def issue(client, holder, lifetime_days=365):
    # Outside the admin's own views the language comes from the request: English, as asserted.
    return client.post(PAGE, {"holder": holder.pk, "lifetime_days": lifetime_days}, HTTP_ACCEPT_LANGUAGE="en")


def key_in(response) -> str:
    match = KEY.search(response.content.decode())
    assert match, "no key on the page"
    return match.group(1)


def api_get(key: str, path: str = "/api/v1/programmes/"):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="en")
    return api.get(path)


def refused(response) -> bool:
    """Wagtail's answer to a refused admin request: back to the dashboard with its message."""
    return (
        response.status_code == 302
        and response["Location"] == "/admin/"
        and [str(message).strip() for message in get_messages(response.wsgi_request)] == REFUSED
    )


def programme_codes(key: str) -> list[str]:
    response = api_get(key)
    assert response.status_code == 200
    return [row["code"] for row in response.json()["results"]]


# --- Who reaches the page ----------------------------------------------------------------------


def test_every_role_against_the_page_and_the_menu(people, client):
    allowed = {"partner_a", "partner_b", "manager", "superuser"}
    for role in ("partner_a", "partner_b", "manager", "superuser", "officer", "editor", "unlinked"):
        # given
        admin = signed_in(people[role])
        # when
        response = admin.get(PAGE)
        menu = admin.get("/admin/").content.decode()
        # then
        if role in allowed:
            assert response.status_code == 200, role
        else:
            assert refused(response), role
        assert (PAGE in menu) is (role in allowed), role
    # and anonymous visitors are sent to sign in
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


# --- A partner user and their own tokens -------------------------------------------------------


def test_a_partner_user_issues_a_token_and_sees_the_key_once(people):
    # given
    user = people["partner_a"]
    admin = signed_in(user)
    before = timezone.now()
    # when
    response = issue(admin, user)
    # then the key is on this page, which no cache keeps
    assert response.status_code == 200
    key = key_in(response)
    assert "no-store" in response["Cache-Control"]
    # and only its hash is stored, with an expiry a year away
    token = AuthToken.objects.get()
    assert (token.user, token.digest, token.token_key) == (user, hash_token(key), key[:15])
    assert before + timedelta(days=365) <= token.expiry <= timezone.now() + timedelta(days=365)
    # and the list shows the token by the start of its key, never the key
    listing = admin.get(PAGE).content.decode()
    assert f"{key[:8]}…" in listing
    assert key not in listing
    # and the key reads the API as the user: their organisation's programme only
    assert programme_codes(key) == ["eu-pve-2026"]
    # and the site history says who issued what, without the key
    entry = ModelLogEntry.objects.get(action=ISSUE_ACTION)
    assert (entry.object_id, entry.user_id, entry.data["token"]) == (str(user.pk), user.pk, key[:8])
    assert key not in str(entry.data)


def test_a_partner_user_chooses_a_shorter_life(people):
    # given
    user = people["partner_b"]
    # when
    key = key_in(issue(signed_in(user), user, lifetime_days=30))
    # then
    token = AuthToken.objects.get()
    assert token.expiry.date() == (timezone.now() + timedelta(days=30)).date()
    assert programme_codes(key) == ["samk-2026"]


def test_a_partner_user_cannot_issue_a_token_for_someone_else(people):
    # given
    admin = signed_in(people["partner_a"])
    for other in ("partner_b", "manager", "officer"):
        # when
        response = issue(admin, people[other])
        # then
        assert response.status_code == 200
        assert response.context["form"].errors == {"holder": [NOT_A_HOLDER]}
        assert NOT_A_HOLDER in response.content.decode()
    assert AuthToken.objects.count() == 0
    assert not ModelLogEntry.objects.filter(action=ISSUE_ACTION).exists()


def test_revoking_a_token_makes_the_api_refuse_its_key(people):
    # given a token a partner user issued
    user = people["partner_a"]
    admin = signed_in(user)
    key = key_in(issue(admin, user))
    token = AuthToken.objects.get()
    assert api_get(key).status_code == 200
    # when they revoke it
    response = admin.post(REVOKE, {"token": token.digest}, follow=True)
    # then
    assert response.redirect_chain == [(PAGE, 302)]
    assert f"Token {key[:8]}… of eu.reader is revoked" in response.content.decode()
    assert AuthToken.objects.count() == 0
    refused = api_get(key)
    assert (refused.status_code, refused.json()) == (401, {"detail": "Invalid token."})
    entry = ModelLogEntry.objects.get(action=REVOKE_ACTION)
    assert (entry.object_id, entry.user_id, entry.data) == (str(user.pk), user.pk, {"token": key[:8]})


def test_a_partner_user_cannot_see_or_revoke_another_users_token(people):
    # given a token of SAMK's user
    other_key = token_for(people["partner_b"], expiry=timedelta(days=30))
    other = AuthToken.objects.get()
    admin = signed_in(people["partner_a"])
    # when the EU's user looks and tries to revoke it
    listing = admin.get(PAGE).content.decode()
    response = admin.post(REVOKE, {"token": other.digest})
    # then
    assert other_key[:8] not in listing
    assert response.status_code == 404
    assert AuthToken.objects.get() == other
    assert api_get(other_key).status_code == 200
    assert not ModelLogEntry.objects.filter(action=REVOKE_ACTION).exists()


def test_a_bad_lifetime_is_refused(people):
    # given
    user = people["partner_a"]
    # when
    response = issue(signed_in(user), user, lifetime_days=10000)
    # then
    assert response.context["form"].errors == {
        "lifetime_days": ["Choose how long the token lives: 30, 90, 180 or 365 days."]
    }
    assert AuthToken.objects.count() == 0


def test_a_user_holds_at_most_five_tokens_that_have_not_expired(people):
    # given five live tokens and an expired one
    user = people["partner_a"]
    for _ in range(5):
        token_for(user, expiry=timedelta(days=30))
    token_for(user, expiry=timedelta(seconds=-1))
    # when
    response = issue(signed_in(user), user)
    # then
    message = "eu.reader already holds 5 tokens that have not expired; revoke one first."
    assert response.context["form"].non_field_errors() == [message]
    assert message in response.content.decode()
    assert not KEY.search(response.content.decode())
    assert AuthToken.objects.count() == 6


# --- A campaign manager and partner users' tokens ----------------------------------------------


def test_a_campaign_manager_issues_and_revokes_tokens_for_partner_users(people):
    # given
    manager = signed_in(people["manager"])
    own_key = token_for(people["partner_a"], expiry=timedelta(days=30))
    own = AuthToken.objects.get()
    # when the manager issues a token for SAMK's user
    response = issue(manager, people["partner_b"], lifetime_days=90)
    # then it acts as that user
    key = key_in(response)
    assert AuthToken.objects.get(digest=hash_token(key)).user == people["partner_b"]
    assert programme_codes(key) == ["samk-2026"]
    entry = ModelLogEntry.objects.get(action=ISSUE_ACTION)
    assert (entry.object_id, entry.user_id) == (str(people["partner_b"].pk), people["manager"].pk)
    # and the list shows both partner users' tokens with their organisations
    listing = manager.get(PAGE).content.decode()
    assert all(part in listing for part in (own_key[:8], key[:8], "eu.reader", "samk.reader", "SAMK"))
    # when the manager revokes the EU user's token
    manager.post(REVOKE, {"token": own.digest})
    # then
    assert api_get(own_key).status_code == 401
    assert api_get(key).status_code == 200


def test_tokens_are_only_for_active_partner_users(people):
    # given
    manager = signed_in(people["manager"])
    gone = partner_user(people["eu"], "former.eu.reader")
    gone.is_active = False
    gone.save()
    for holder in ("officer", "editor", "unlinked", "manager", "superuser"):
        # when
        response = issue(manager, people[holder])
        # then
        assert response.context["form"].errors == {"holder": [NOT_A_HOLDER]}, holder
    assert issue(manager, gone).context["form"].errors == {"holder": [NOT_A_HOLDER]}
    assert AuthToken.objects.count() == 0


def test_roles_without_the_page_change_nothing(people):
    # given a partner user's token
    key = token_for(people["partner_a"], expiry=timedelta(days=30))
    token = AuthToken.objects.get()
    for role in ("officer", "editor", "unlinked"):
        # when (a client each, so each refusal's message is read on its own)
        issued = issue(signed_in(people[role]), people["partner_a"])
        revoked = signed_in(people[role]).post(REVOKE, {"token": token.digest})
        # then
        assert refused(issued), role
        assert refused(revoked), role
    assert list(AuthToken.objects.all()) == [token]
    assert api_get(key).status_code == 200
    assert not ModelLogEntry.objects.filter(action__in=[ISSUE_ACTION, REVOKE_ACTION]).exists()


def test_revoking_takes_a_post(people):
    # given
    user = people["partner_a"]
    token_for(user, expiry=timedelta(days=30))
    token = AuthToken.objects.get()
    # when
    response = signed_in(user).get(REVOKE, {"token": token.digest})
    # then
    assert response.status_code == 405
    assert AuthToken.objects.count() == 1


def test_token_list_queries_do_not_grow(people, django_assert_num_queries):
    # given
    admin = signed_in(people["manager"])
    token_for(people["partner_a"], expiry=timedelta(days=30))
    token_for(people["partner_b"], expiry=timedelta(days=30))
    admin.get(PAGE)  # first request warms the admin's per-process caches
    # 1 session, 2 user, 3 second-factor devices, 4-5 permissions, 6 admin profile, 7 partner scope,
    # 8 tokens with their users and partners, 9-12 the admin's menu (locales, page and collection
    # permissions)
    with django_assert_num_queries(12):
        # when
        assert admin.get(PAGE).status_code == 200
    # then
    for number in range(20):
        token_for(partner_user(people["eu"], f"eu.system{number}"), expiry=timedelta(days=30))
    with django_assert_num_queries(12):
        response = admin.get(PAGE)
    assert response.content.decode().count("Revoke token") == 22
