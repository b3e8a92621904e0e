"""GET /api/v1/grants/...: programmes, cohorts, awards and a programme's aggregates, walked by every
role; grantees by code unless the reader may see names; the emergency lock; another programme's ids;
the schema; query budgets that stay flat as rows grow."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import include, path
from django.utils import timezone, translation
from rest_framework.test import APIClient

from outreach import api_urls
from outreach import urls as project_urls
from outreach.core.roles import PARTNER
from outreach.grants.models import Award, ProgrammeOfficer
from tests.campaigns.test_partner_api import token_for
from tests.factories.campaigns import PartnerFactory, partner_user
from tests.factories.grants import (
    AwardFactory,
    CohortFactory,
    DisbursementFactory,
    FunderFactory,
    GranteeFactory,
    InstitutionFactory,
    ProgrammeFactory,
    officer_of,
)
from tests.factories.users import UserFactory, admin_user_with, member

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

# The project's URLs with the grants API where outreach/api_urls.py includes it.
urlpatterns = [
    path(
        "api/v1/",
        include(([path("grants/", include("outreach.grants.api_urls")), *api_urls.urlpatterns], "api")),
    ),
    *[pattern for pattern in project_urls.urlpatterns if not str(pattern.pattern).startswith("api/v1/")],
]


@pytest.fixture(autouse=True)
def english_messages():
    """Messages are asserted in English; the platform's default language is Kazakh."""
    with translation.override("en"):
        yield


def award_in(cohort, code: str, **kwargs) -> Award:
    grantee_fields = {
        key[len("grantee__") :]: kwargs.pop(key) for key in list(kwargs) if key.startswith("grantee__")
    }
    grantee = GranteeFactory(programme=cohort.programme, code=code, **grantee_fields)
    return AwardFactory(grantee=grantee, cohort=cohort, **kwargs)


@pytest.fixture
def world():
    """Programme A with four awards (one grantee under the emergency lock) and programme B with
    one, and a user for every role."""
    today = timezone.localdate()
    university = InstitutionFactory(name="Al-Farabi Kazakh National University")
    programme_a = ProgrammeFactory(name="Education for Afghan students", code="afg-edu")
    programme_b = ProgrammeFactory(name="Education for Tajik students", code="tjk-edu")
    cohort_a = CohortFactory(programme=programme_a, name="2025 intake", intake_year=2025)
    cohort_b = CohortFactory(programme=programme_b, name="2025 intake", intake_year=2025)
    # Started a month ago: no semester report is due yet, so only a held payment puts one at risk.
    started = {"starts_on": today - datetime.timedelta(days=30), "institution": university}
    maryam = award_in(
        cohort_a,
        "AFG-0001",
        grantee__name_latin="Maryam Ahmadi",
        grantee__name_original="مریم احمدی",
        **started,
    )
    locked = award_in(cohort_a, "AFG-0002", grantee__is_locked=True, **started)
    award_in(cohort_a, "AFG-0003", status=Award.Status.WITHDRAWN, **started)
    award_in(
        cohort_a,
        "AFG-0004",
        status=Award.Status.GRADUATED,
        starts_on=datetime.date(2021, 9, 1),
        expected_end_on=datetime.date(2025, 6, 30),
        institution=university,
    )
    DisbursementFactory(award=maryam, status="held", held_reason="Bank details to confirm")
    tajik = award_in(cohort_b, "TJK-0001", **started)
    # A partner user of an organisation that funds A; even as an officer of A too, a partner user
    # reads figures only.
    funder = PartnerFactory(name="EU Delegation")
    FunderFactory(programme=programme_a, name="European Union", share_percent=Decimal("40"), partner=funder)
    funder_reader = partner_user(funder, "funder.reader")
    ProgrammeOfficer.objects.create(programme=programme_a, user=funder_reader)
    return {
        "programme_a": programme_a,
        "programme_b": programme_b,
        "cohort_a": cohort_a,
        "cohort_b": cohort_b,
        "maryam": maryam,
        "locked": locked,
        "tajik": tajik,
        "officer_a": officer_of(programme_a, "officer.a"),
        "officer_b": officer_of(programme_b, "officer.b"),
        "partner": member([PARTNER], "partner.reader"),
        "funder_reader": funder_reader,
        "staff": admin_user_with(username="plain.staff"),
        "superuser": UserFactory(superuser=True, username="root"),
    }


def with_token(user) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}", HTTP_ACCEPT_LANGUAGE="en")
    return api


def doors(world) -> dict[str, str]:
    a, cohort_a, maryam = world["programme_a"], world["cohort_a"], world["maryam"]
    return {
        "programmes": "/api/v1/grants/programmes/",
        "programme": f"/api/v1/grants/programmes/{a.pk}/",
        "aggregates": f"/api/v1/grants/programmes/{a.pk}/aggregates/",
        "cohorts": "/api/v1/grants/cohorts/",
        "cohort": f"/api/v1/grants/cohorts/{cohort_a.pk}/",
        "awards": "/api/v1/grants/awards/",
        "award": f"/api/v1/grants/awards/{maryam.pk}/",
    }


# What each role gets at each door of programme A (lists of their own programmes answer 200).
EXPECTED = {
    "officer_a": dict.fromkeys(
        ("programmes", "programme", "aggregates", "cohorts", "cohort", "awards", "award"), 200
    ),
    # Programme A does not exist for an officer of B.
    "officer_b": {
        "programmes": 200,
        "programme": 404,
        "aggregates": 404,
        "cohorts": 200,
        "cohort": 404,
        "awards": 200,
        "award": 404,
    },
    # A partner user of an organisation that funds no programme: nothing.
    "partner": dict.fromkeys(
        ("programmes", "programme", "aggregates", "cohorts", "cohort", "awards", "award"), 403
    ),
    # A partner user whose organisation funds A: the programme and its figures, no list of cohorts or
    # awards.
    "funder_reader": {
        "programmes": 200,
        "programme": 200,
        "aggregates": 200,
        "cohorts": 403,
        "cohort": 403,
        "awards": 403,
        "award": 403,
    },
    "staff": dict.fromkeys(
        ("programmes", "programme", "aggregates", "cohorts", "cohort", "awards", "award"), 403
    ),
    "superuser": dict.fromkeys(
        ("programmes", "programme", "aggregates", "cohorts", "cohort", "awards", "award"), 200
    ),
}


def test_every_role_against_every_door(world):
    # given a token for each role, and no credentials at all
    urls = doors(world)
    # when each reads every door / then it gets exactly what its role allows
    for door, url in urls.items():
        response = APIClient().get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 401, f"anonymous {door}"
        assert response.json() == {"detail": "Authentication credentials were not provided."}
    for role, expected in EXPECTED.items():
        api = with_token(world[role])
        for door, url in urls.items():
            assert api.get(url).status_code == expected[door], f"{role} {door}"


def test_an_officer_lists_only_their_programme_and_its_cohorts(world):
    # given the officer of programme A
    api = with_token(world["officer_a"])
    # when they list programmes and cohorts
    programmes = api.get("/api/v1/grants/programmes/").json()
    cohorts = api.get("/api/v1/grants/cohorts/").json()
    # then they see programme A only
    assert programmes["count"] == 1
    assert programmes["results"][0] | {"id": None} == {
        "id": None,
        "name": "Education for Afghan students",
        "code": "afg-edu",
        "description": "Places at Kazakh universities with a monthly stipend.",
        "currency": "KZT",
        "starts_on": "2024-09-01",
        "ends_on": "2029-06-30",
        "is_active": True,
        "gpa_threshold": "2.00",
        "attendance_threshold": "75.00",
        "visa_warning_days": 60,
        "report_grace_days": 30,
    }
    assert cohorts["results"] == [
        {
            "id": world["cohort_a"].pk,
            "programme": world["programme_a"].pk,
            "name": "2025 intake",
            "intake_year": 2025,
            "starts_on": "2025-09-01",
        }
    ]


def test_an_officer_reads_awards_with_names_but_never_a_locked_grantee(world):
    # given the officer of programme A (the Program officer group may see personal data)
    api = with_token(world["officer_a"])
    # when they list awards and ask for the locked grantee's award
    body = api.get("/api/v1/grants/awards/").json()
    locked = api.get(f"/api/v1/grants/awards/{world['locked'].pk}/")
    # then the locked grantee is nowhere, and the others come with their names, never contacts
    assert [row["grantee"]["code"] for row in body["results"]] == ["AFG-0001", "AFG-0003", "AFG-0004"]
    maryam = body["results"][0]
    assert maryam["grantee"] == {
        "code": "AFG-0001",
        "name_latin": "Maryam Ahmadi",
        "name_original": "مریم احمدی",
    }
    assert maryam["programme"] == world["programme_a"].pk
    assert maryam["institution"]["name"] == "Al-Farabi Kazakh National University"
    assert (maryam["status"], maryam["stipend_amount"], maryam["degree_level"]) == (
        "active",
        "150000.00",
        "bachelor",
    )
    assert not {"email", "phone", "passport", "date_of_birth", "cannot_return_safely"} & (
        set(maryam) | set(maryam["grantee"])
    )
    assert locked.status_code == 404


def test_a_reader_without_the_personal_data_permission_gets_codes_only(world):
    # given a user assigned to programme A who may read awards and grantees but not their personal data
    reader = admin_user_with(
        "grants.view_programme", "grants.view_award", "grants.view_grantee", username="code.reader"
    )
    ProgrammeOfficer.objects.create(programme=world["programme_a"], user=reader)
    # when they read Maryam's award
    response = with_token(reader).get(f"/api/v1/grants/awards/{world['maryam'].pk}/")
    # then the grantee is her code only
    assert response.status_code == 200
    assert response.json()["grantee"] == {"code": "AFG-0001", "name_latin": None, "name_original": None}


def test_the_superuser_sees_every_programme_and_the_locked_grantee(world):
    # given the superuser (who holds the emergency lock's permission)
    api = with_token(world["superuser"])
    # when they list awards
    body = api.get("/api/v1/grants/awards/").json()
    # then both programmes' awards are there, the locked grantee's too
    assert [row["grantee"]["code"] for row in body["results"]] == [
        "AFG-0001",
        "AFG-0002",
        "AFG-0003",
        "AFG-0004",
        "TJK-0001",
    ]


def test_filters_by_another_programme_are_refused_like_an_id_that_does_not_exist(world):
    # given the officer of programme B
    api = with_token(world["officer_b"])
    a = world["programme_a"]
    # when they filter by programme A, by A's cohort, and by a programme that does not exist
    foreign = api.get(f"/api/v1/grants/awards/?programme={a.pk}")
    missing = api.get("/api/v1/grants/awards/?programme=999999")
    foreign_cohort = api.get(f"/api/v1/grants/awards/?cohort={world['cohort_a'].pk}")
    foreign_cohorts = api.get(f"/api/v1/grants/cohorts/?programme={a.pk}")
    # then each is a 400 with the same words, naming only the value they sent
    assert (foreign.status_code, foreign.json()) == (
        400,
        {"programme": [f"“{a.pk}” is not the id of a grant programme you may see."]},
    )
    assert missing.json() == {"programme": ["“999999” is not the id of a grant programme you may see."]}
    assert foreign_cohort.json() == {
        "cohort": [f"“{world['cohort_a'].pk}” is not the id of a cohort you may see."]
    }
    assert foreign_cohorts.status_code == 400


def test_filters_narrow_the_awards(world):
    # given the superuser
    api = with_token(world["superuser"])
    # when they filter by programme B, then by status in programme A
    tajik = api.get(f"/api/v1/grants/awards/?programme={world['programme_b'].pk}").json()
    withdrawn = api.get(f"/api/v1/grants/awards/?programme={world['programme_a'].pk}&status=withdrawn").json()
    bad_status = api.get("/api/v1/grants/awards/?status=expelled")
    # then only those awards come back, and an unknown status is refused
    assert [row["grantee"]["code"] for row in tajik["results"]] == ["TJK-0001"]
    assert [row["grantee"]["code"] for row in withdrawn["results"]] == ["AFG-0003"]
    assert bad_status.status_code == 400
    assert bad_status.json() == {
        "status": ["Select a valid choice. expelled is not one of the available choices."]
    }


def test_the_aggregates_are_figures_only(world):
    # given the officer of A reading programme A
    api = with_token(world["officer_a"])
    today = timezone.localdate()
    # when they read A's aggregates
    response = api.get(f"/api/v1/grants/programmes/{world['programme_a'].pk}/aggregates/")
    # then they get the dashboard's counts and rates, and no field names a grantee
    assert response.status_code == 200
    body = response.json()
    statuses = {
        "selected": 0,
        "enrolled": 0,
        "active": 2,
        "probation": 0,
        "suspended": 0,
        "withdrawn": 1,
        "graduated": 1,
        "alumni": 0,
    }
    assert body["programme"] == world["programme_a"].pk
    assert (body["code"], body["today"], body["year"]) == ("afg-edu", today.isoformat(), today.year)
    assert body["by_status"] == statuses
    assert body["cohorts"] == [
        {
            "id": world["cohort_a"].pk,
            "name": "2025 intake",
            "intake_year": 2025,
            "by_status": statuses,
            "total": 4,
            "started": 4,
            "retention_rate": "0.7500",
            "past_expected_end": 1,
            "graduation_rate": "1.0000",
        }
    ]
    assert body["at_risk_count"] == 1
    assert "at_risk" not in body
    assert (body["budget_total"], body["paid_total"], len(body["months"])) == ("0.00", "0.00", 12)
    assert (body["alumni_responded"], body["alumni_in_leadership"], body["waves"]) == (0, 0, [])
    assert "AFG-0001" not in response.content.decode()


def test_a_funders_partner_user_reads_groups_of_fewer_than_ten_as_null(world):
    # given the funder's partner user and programme A, whose cohort holds 4 awards
    api = with_token(world["funder_reader"])
    # when they list programmes and read A's aggregates
    programmes = api.get("/api/v1/grants/programmes/").json()
    response = api.get(f"/api/v1/grants/programmes/{world['programme_a'].pk}/aggregates/")
    # then they find A only, and every count of fewer than 10 people, and every rate over so few, is
    # null; money is given in full and no field names a grantee
    assert [row["code"] for row in programmes["results"]] == ["afg-edu"]
    body = response.json()
    assert set(body["by_status"].values()) == {0, None}
    cohort = body["cohorts"][0]
    assert (cohort["total"], cohort["started"], cohort["retention_rate"], cohort["graduation_rate"]) == (
        None,
        None,
        None,
        None,
    )
    assert (body["at_risk_count"], body["budget_total"]) == (None, "0.00")
    assert "AFG-0001" not in response.content.decode()


def test_the_openapi_schema_describes_the_grants_endpoints(client, tmp_path):
    # given the project's URLs with the grants API
    # when the schema is served, and generated with validation
    response = client.get("/api/v1/schema/", headers={"accept": "application/vnd.oai.openapi+json"})
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--urlconf",
        __name__,
        "--file",
        str(tmp_path / "s.yaml"),
    )
    # then every grants endpoint is in it, with its filters
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {
        "/api/v1/grants/programmes/",
        "/api/v1/grants/programmes/{id}/",
        "/api/v1/grants/programmes/{id}/aggregates/",
        "/api/v1/grants/cohorts/",
        "/api/v1/grants/cohorts/{id}/",
        "/api/v1/grants/awards/",
        "/api/v1/grants/awards/{id}/",
    } <= set(paths)
    parameters = {p["name"] for p in paths["/api/v1/grants/awards/"]["get"]["parameters"]}
    assert {"programme", "cohort", "status", "page"} <= parameters


def fresh(user):
    """The user as a new request loads it: no permission or programme scope cached yet."""
    return get_user_model().objects.get(pk=user.pk)


def grow(world) -> None:
    for number in range(20):
        cohort = CohortFactory(programme=world["programme_a"], name=f"Intake {number}")
        award = award_in(cohort, f"AFG-1{number:03d}")
        DisbursementFactory(award=award)
    CohortFactory.create_batch(3, programme=world["programme_b"])


@pytest.mark.parametrize(
    ("door", "queries"),
    [
        # 1 user's permissions, 2 group permissions, 3 programme scope, 4 count, 5 page
        ("/api/v1/grants/programmes/", 5),
        ("/api/v1/grants/cohorts/", 5),
        # 4 count, 5 page of awards JOIN grantee, cohort, programme, institution
        ("/api/v1/grants/awards/", 5),
    ],
)
def test_list_queries_do_not_grow(world, django_assert_num_queries, door, queries):
    # given the officer of A, a fresh copy for every request, as a token would load them
    api = APIClient()
    officer = world["officer_a"]
    api.force_authenticate(fresh(officer))
    with django_assert_num_queries(queries):
        assert api.get(door).status_code == 200
    # when programme A grows by twenty cohorts and awards
    grow(world)
    api.force_authenticate(fresh(officer))
    # then the same request takes as many queries
    with django_assert_num_queries(queries):
        assert api.get(door).status_code == 200


def test_aggregates_queries_do_not_grow(world, django_assert_num_queries):
    # given the officer of A
    api = APIClient()
    url = f"/api/v1/grants/programmes/{world['programme_a'].pk}/aggregates/"
    api.force_authenticate(fresh(world["officer_a"]))
    with django_assert_num_queries(15) as first:
        assert api.get(url).status_code == 200
    # when programme A grows
    grow(world)
    api.force_authenticate(fresh(world["officer_a"]))
    # then reading its figures costs the same
    with django_assert_num_queries(len(first.captured_queries)):
        assert api.get(url).status_code == 200


def test_nothing_is_written_through_the_api(world):
    # given the superuser
    api = with_token(world["superuser"])
    # when they try to change an award
    response = api.patch(
        f"/api/v1/grants/awards/{world['maryam'].pk}/", {"status": "withdrawn"}, format="json"
    )
    # then it is refused and the award is unchanged
    assert response.status_code == 405
    world["maryam"].refresh_from_db()
    assert (world["maryam"].status, world["maryam"].stipend_amount) == ("active", Decimal("150000"))
