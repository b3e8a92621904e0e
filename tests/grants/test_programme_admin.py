"""The grant programme in the Wagtail admin: every role against every door, and bad input."""

import pytest
from django.urls import reverse

from outreach.grants.models import Programme
from outreach.grants.selectors import programmes_visible_to
from tests.factories.grants import ProgrammeFactory
from tests.factories.users import UserFactory, admin_user_with

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_admin(settings):
    # Messages are asserted in the source language whatever the site's default is.
    settings.LANGUAGE_CODE = "en"


VALID = {
    "name": "Education for Afghan students",
    "code": "afg-edu",
    "description": "",
    "currency": "KZT",
    "starts_on": "2024-09-01",
    "ends_on": "2029-06-30",
    "is_active": "on",
}


def roles():
    """Each role with what it may do with programmes: (view, add, change, delete)."""
    return {
        "no admin access": (UserFactory(), (False, False, False, False)),
        "admin, no programme rights": (admin_user_with(), (False, False, False, False)),
        "viewer": (admin_user_with("grants.view_programme"), (True, False, False, False)),
        "officer": (
            admin_user_with("grants.view_programme", "grants.add_programme", "grants.change_programme"),
            (True, True, True, False),
        ),
        "superuser": (UserFactory(superuser=True), (True, True, True, True)),
        "inactive superuser": (UserFactory(superuser=True, inactive=True), (False, False, False, False)),
    }


def test_every_role_against_every_programme_door(client):
    programme = ProgrammeFactory()
    doors = {
        "view": [reverse("programmes:index"), reverse("programmes:inspect", args=[programme.pk])],
        "add": [reverse("programmes:add")],
        "change": [reverse("programmes:edit", args=[programme.pk])],
        "delete": [reverse("programmes:delete", args=[programme.pk])],
    }
    for role, (user, allowed) in roles().items():
        client.force_login(user)
        for action, may in zip(("view", "add", "change", "delete"), allowed, strict=True):
            for url in doors[action]:
                status = client.get(url).status_code
                assert (status == 200) is may, f"{role} {action} {url}: {status}"
                if not may:
                    assert status in (302, 403), f"{role} {action} {url}: {status}"
        assert programmes_visible_to(user=user).exists() is allowed[0], role
        client.logout()


def test_an_officer_creates_a_programme(client):
    client.force_login(admin_user_with("grants.view_programme", "grants.add_programme"))
    response = client.post(reverse("programmes:add"), VALID)
    assert response.status_code == 302
    programme = Programme.objects.get(code="afg-edu")
    assert (programme.name, programme.currency, str(programme.ends_on)) == (
        "Education for Afghan students",
        "KZT",
        "2029-06-30",
    )


def test_a_programme_that_ends_before_it_starts_is_refused_and_nothing_is_saved(client):
    client.force_login(admin_user_with("grants.view_programme", "grants.add_programme"))
    response = client.post(reverse("programmes:add"), {**VALID, "ends_on": "2020-01-01"})
    assert response.status_code == 200
    message = response.context["form"].errors["ends_on"][0]
    assert message == "A programme cannot end before it starts."
    assert message in response.content.decode()
    assert Programme.objects.count() == 0


def test_a_duplicate_code_is_refused_and_nothing_is_saved(client):
    ProgrammeFactory(code="afg-edu", name="Existing")
    client.force_login(admin_user_with("grants.view_programme", "grants.add_programme"))
    response = client.post(reverse("programmes:add"), VALID)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["code"]
    assert list(Programme.objects.values_list("name", flat=True)) == ["Existing"]


def test_a_viewer_cannot_post_a_change(client):
    programme = ProgrammeFactory(name="Before")
    client.force_login(admin_user_with("grants.view_programme"))
    response = client.post(reverse("programmes:edit", args=[programme.pk]), {**VALID, "name": "After"})
    assert response.status_code in (302, 403)
    programme.refresh_from_db()
    assert programme.name == "Before"
