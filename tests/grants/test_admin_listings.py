"""The back office's listings: filters (programme, cohort, institution, status, at risk), search by
code (and by name only for holders of the personal-data permission), and query budgets that stay
the same as rows grow."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from outreach.grants.models import ProgrammeOfficer
from tests.factories.grants import (
    AwardFactory,
    DisbursementFactory,
    GranteeFactory,
    OutcomeRecordFactory,
    ProgressReportFactory,
)
from tests.factories.users import admin_user_with, in_english
from tests.grants.test_grants_roles import OFFICER_A, SUPERUSER, build_world, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_admin(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def world():
    return build_world()


def codes_on(client, viewset: str, query: str = "") -> set[str]:
    """The grantee codes a listing shows."""
    page = client.get(f"{reverse(f'{viewset}:index')}?{query}").content.decode()
    return {code for code in ("A-0001", "A-0002", "A-LOCKED", "B-0001") if code in page}


def test_the_at_risk_filter_keeps_the_awards_a_rule_flags(world):
    # given A's award with a held payment, and a second award of A with a fresh report and no papers
    a = world["a"]
    payment = a["payment"]
    payment.status, payment.held_reason = "held", "Bank details being checked."
    payment.save()
    calm = AwardFactory(
        grantee=GranteeFactory(programme=a["programme"], code="A-0002"),
        cohort=a["cohort"],
        institution=a["institution"],
        starts_on=datetime.date.today() - datetime.timedelta(days=30),
    )
    assert calm.status == "active"
    client = client_for(world["users"][OFFICER_A])

    # when the officer filters awards and grantees by risk
    # then "yes" keeps the flagged award, "no" the other
    assert codes_on(client, "grant_awards", "at_risk=yes") == {"A-0001"}
    assert codes_on(client, "grant_awards", "at_risk=no") == {"A-0002"}
    assert codes_on(client, "grantees", "at_risk=yes") == {"A-0001"}
    assert codes_on(client, "grantees", "at_risk=no") == {"A-0002"}
    assert codes_on(client, "grant_disbursements", "at_risk=yes") == {"A-0001"}


def test_the_status_programme_cohort_and_institution_filters(world):
    # given A's award on probation and B's active
    a, b = world["a"], world["b"]
    a["award"].status = "probation"
    a["award"].save()
    client = client_for(world["users"][SUPERUSER])

    # when the superuser filters
    # then each filter keeps its rows
    assert codes_on(client, "grant_awards", "status=probation") == {"A-0001"}
    assert codes_on(client, "grantees", "status=active") == {"A-LOCKED", "B-0001"}
    assert codes_on(client, "grant_awards", f"programme={b['programme'].pk}") == {"B-0001"}
    assert codes_on(client, "grant_progress_reports", f"cohort={a['cohort'].pk}") == {"A-0001"}
    assert codes_on(client, "grant_disbursements", f"institution={b['institution'].pk}") == {"B-0001"}
    assert codes_on(client, "grant_alumni_outcomes", f"programme={a['programme'].pk}") == {"A-0001"}


def test_names_are_searched_only_with_the_personal_data_permission(world):
    # given the officer of A (who holds it) and a viewer of A's grantees who does not
    viewer = in_english(
        admin_user_with(
            "grants.view_grantee", "grants.view_programme", "grants.view_award", username="viewer"
        )
    )
    ProgrammeOfficer.objects.create(programme=world["a"]["programme"], user=viewer)
    officer, other = client_for(world["users"][OFFICER_A]), client_for(viewer)

    # when both search for the grantee's name, then for the code
    # then only the officer finds them by name; both by code
    assert codes_on(officer, "grantees", "q=Maryam") == {"A-0001"}
    assert codes_on(officer, "grant_awards", "q=Maryam") == {"A-0001"}
    assert codes_on(other, "grantees", "q=Maryam") == set()
    assert codes_on(other, "grant_awards", "q=Maryam") == set()
    assert codes_on(other, "grantees", "q=A-0001") == {"A-0001"}


def test_the_listings_never_show_names(world):
    # given the officer of A, who may see names
    client = client_for(world["users"][OFFICER_A])

    # when they open the grantees' and awards' listings
    for viewset in ("grantees", "grant_awards", "grant_disbursements", "grant_progress_reports"):
        page = client.get(reverse(f"{viewset}:index")).content.decode()

        # then the grantees are their codes
        assert "A-0001" in page, viewset
        assert "Maryam" not in page, viewset


@pytest.mark.parametrize(
    "viewset",
    [
        "programmes",
        "grantees",
        "grant_awards",
        "grant_disbursements",
        "grant_progress_reports",
        "grant_alumni_outcomes",
        "grant_cohorts",
    ],
)
def test_the_listings_keep_the_same_number_of_queries_as_rows_grow(world, viewset, django_assert_num_queries):
    # given the officer of A and a listing with A's rows
    a = world["a"]
    client = client_for(world["users"][OFFICER_A])
    url = reverse(f"{viewset}:index")
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        client.get(url)

    # when A gains ten more grantees, each with an award, a payment, a report and an outcome
    for number in range(10):
        award = AwardFactory(
            grantee=GranteeFactory(programme=a["programme"], code=f"A-1{number:03d}"),
            cohort=a["cohort"],
            institution=a["institution"],
        )
        DisbursementFactory(award=award)
        ProgressReportFactory(award=award)
        OutcomeRecordFactory(award=award)

    # then the listing costs the same number of queries
    with django_assert_num_queries(len(first.captured_queries)):
        assert client.get(url).status_code == 200
