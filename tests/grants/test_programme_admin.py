"""The grant programme in the Wagtail admin: every role against every door, its funders, budget lines
and officers saved with it, and bad input."""

from decimal import Decimal

import pytest
from django.urls import reverse

from outreach.grants.models import Programme, ProgrammeOfficer
from outreach.grants.selectors import programmes_visible_to
from tests.factories.grants import ProgrammeFactory, officer_of
from tests.factories.users import UserFactory, admin_user_with, member

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
    "gpa_threshold": "2.00",
    "attendance_threshold": "75",
    "visa_warning_days": "60",
    "report_grace_days": "30",
}
# The programme's parts below its form, each a formset; none filled in.
NO_PARTS = {
    f"{prefix}-{name}": value
    for prefix in ("funders", "budget_lines", "officers")
    for name, value in (
        ("TOTAL_FORMS", "0"),
        ("INITIAL_FORMS", "0"),
        ("MIN_NUM_FORMS", "0"),
        ("MAX_NUM_FORMS", "1000"),
    )
}
VALID = {**VALID, **NO_PARTS}


def assigned(user, programme):
    """`user`, now an officer of `programme`: officers see only the programmes they are assigned to."""
    ProgrammeOfficer.objects.create(programme=programme, user=user)
    return user


def roles(programme):
    """Each role with what it may do with `programme`: (view, add, change, delete)."""
    return {
        "no admin access": (UserFactory(), (False, False, False, False)),
        "admin, no programme rights": (admin_user_with(), (False, False, False, False)),
        "viewer": (
            assigned(admin_user_with("grants.view_programme"), programme),
            (True, False, False, False),
        ),
        "officer": (
            assigned(
                admin_user_with("grants.view_programme", "grants.add_programme", "grants.change_programme"),
                programme,
            ),
            (True, True, True, False),
        ),
        "officer of another programme": (
            assigned(
                admin_user_with("grants.view_programme", "grants.add_programme", "grants.change_programme"),
                ProgrammeFactory(),
            ),
            (False, True, False, False),
        ),
        "superuser": (UserFactory(superuser=True), (True, True, True, True)),
        "inactive superuser": (UserFactory(superuser=True, inactive=True), (False, False, False, False)),
    }


def test_every_role_against_every_programme_door(client):
    programme = ProgrammeFactory()
    doors = {
        "view": [reverse("programmes:inspect", args=[programme.pk])],
        "add": [reverse("programmes:add")],
        "change": [reverse("programmes:edit", args=[programme.pk])],
        "delete": [reverse("programmes:delete", args=[programme.pk])],
    }
    for role, (user, allowed) in roles(programme).items():
        client.force_login(user)
        for action, may in zip(("view", "add", "change", "delete"), allowed, strict=True):
            for url in doors[action]:
                status = client.get(url).status_code
                assert (status == 200) is may, f"{role} {action} {url}: {status}"
                if not may:
                    # Refused (back to the dashboard, or 403), or not found outside their programmes.
                    assert status in (302, 403, 404), f"{role} {action} {url}: {status}"
        assert (programme in programmes_visible_to(user=user)) is allowed[0], role
        listing = client.get(reverse("programmes:index"))
        if listing.status_code == 200:
            assert (programme.code in listing.content.decode()) is allowed[0], role
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


def parts(**filled):
    """The formsets' data with the given rows: {"funders": [{...}], ...}."""
    data = dict(NO_PARTS)
    for prefix, rows in filled.items():
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        for index, row in enumerate(rows):
            data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data


def test_an_officer_creates_a_programme_with_its_funders_budget_and_themselves_as_officer(client):
    # given an officer of another programme
    officer = officer_of(ProgrammeFactory(), "officer.b")
    client.force_login(officer)

    # when they create a programme with two funders, a budget line and assign themselves
    response = client.post(
        reverse("programmes:add"),
        {
            **VALID,
            **parts(
                funders=[
                    {"name": "Ministry of Education", "share_percent": "60", "reporting_currency": "KZT"},
                    {"name": "EU Delegation", "share_percent": "40", "reporting_currency": "EUR"},
                ],
                budget_lines=[{"year": "2026", "category": "stipend", "amount": "120000000"}],
                officers=[{"user": str(officer.pk), "is_senior": "on"}],
            ),
        },
    )

    # then all of it is saved together and the programme is theirs to see
    assert response.status_code == 302
    programme = Programme.objects.get(code="afg-edu")
    assert list(programme.funders.values_list("name", "share_percent", "reporting_currency")) == [
        ("Ministry of Education", Decimal("60.00"), "KZT"),
        ("EU Delegation", Decimal("40.00"), "EUR"),
    ]
    assert list(programme.budget_lines.values_list("year", "category", "amount")) == [
        (2026, "stipend", Decimal("120000000.00"))
    ]
    assert list(programme.officers.values_list("user__username", "is_senior")) == [("officer.b", True)]
    assert client.get(reverse("programmes:edit", args=[programme.pk])).status_code == 200


def test_funders_sharing_more_than_everything_are_refused_and_nothing_is_saved(client):
    # given an officer
    client.force_login(officer_of(ProgrammeFactory(), "officer.b"))

    # when their funders' shares add up to 130%
    response = client.post(
        reverse("programmes:add"),
        {
            **VALID,
            **parts(
                funders=[
                    {"name": "Ministry of Education", "share_percent": "70", "reporting_currency": "KZT"},
                    {"name": "EU Delegation", "share_percent": "60", "reporting_currency": "EUR"},
                ]
            ),
        },
    )

    # then the form says why and neither the programme nor a funder is saved
    assert response.status_code == 200
    assert "The funders&#x27; shares add up to 130%: at most 100% is possible." in response.content.decode()
    assert Programme.objects.filter(code="afg-edu").exists() is False


def test_only_a_senior_officer_may_change_who_is_assigned(client):
    # given a programme with a senior and a plain officer
    programme = ProgrammeFactory()
    senior = officer_of(programme, "senior.a", senior=True)
    plain = officer_of(programme, "officer.a")
    url = reverse("programmes:edit", args=[programme.pk])

    # when each opens the programme's form
    client.force_login(senior)
    senior_page = client.get(url).content.decode()
    client.force_login(plain)
    plain_page = client.get(url).content.decode()

    # then only the senior officer is offered the officers' formset
    assert 'name="officers-TOTAL_FORMS"' in senior_page
    assert 'name="officers-TOTAL_FORMS"' not in plain_page
    assert 'name="funders-TOTAL_FORMS"' in plain_page


def test_an_officer_who_creates_a_programme_runs_it(client):
    # given an officer assigned to no programme
    officer = member(["Program officer"], "founder")
    client.force_login(officer)
    # when they create a programme
    response = client.post(reverse("programmes:add"), {**VALID, "code": "afg-new", "name": "New intake"})
    # then they are its senior officer, and see it
    programme = Programme.objects.get(code="afg-new")
    assert response.status_code == 302
    assert list(programme.officers.values_list("user__username", "is_senior")) == [("founder", True)]
    assert client.get(reverse("programmes:inspect", args=[programme.pk])).status_code == 200
