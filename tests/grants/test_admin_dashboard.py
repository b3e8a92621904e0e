"""The programme dashboards in the admin: awards by cohort and status with retention and graduation,
the awards at risk, paid against budget by month as an SVG drawn on the server, alumni in
leadership roles and the response rate per wave; a constant number of queries."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from outreach.grants.models import Disbursement, OutcomeRecord
from tests.factories.campaigns import PartnerFactory, partner_user
from tests.factories.grants import (
    AwardFactory,
    BudgetLineFactory,
    DisbursementFactory,
    GranteeFactory,
    OutcomeRecordFactory,
)
from tests.grants.test_grants_roles import OFFICER_A, OFFICER_B, PARTNER, build_world, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_admin(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def world():
    return build_world()


def dashboard_url(programme) -> str:
    return reverse("grant_dashboards:programme", args=[programme.pk])


def test_the_dashboard_shows_the_programmes_figures(world):
    # given A with a paid stipend this year, a budget, a withdrawn award and an alumnus in a leadership role
    a = world["a"]
    year = timezone.localdate().year
    BudgetLineFactory(programme=a["programme"], year=year, amount=Decimal("1200000"))
    DisbursementFactory(
        award=a["award"], month=datetime.date(year, 1, 1), status="paid", paid_on=datetime.date(year, 1, 10)
    )
    AwardFactory(
        grantee=GranteeFactory(programme=a["programme"], code="A-0002"),
        cohort=a["cohort"],
        institution=a["institution"],
        status="withdrawn",
    )
    OutcomeRecord.objects.filter(award=a["award"]).update(
        responded_on=datetime.date(2026, 1, 20), is_leadership=True, position="Deputy director"
    )

    # when the officer of A opens the dashboard
    response = client_for(world["users"][OFFICER_A]).get(dashboard_url(a["programme"]))

    # then it shows the cohort's counts and rates, the payments against the budget, and the alumni
    page = response.content.decode()
    assert response.status_code == 200
    row = re.search(r'<tr data-cohort="2025 intake A">(.*?)</tr>', page, re.S).group(1)
    # selected, enrolled, active, probation, suspended, withdrawn, graduated, alumni, total
    assert re.findall(r"<td>(\d+)</td>", row) == ["0", "0", "2", "0", "0", "1", "0", "0", "3"]
    assert re.search(r"<td data-retention>(.*?)</td>", row).group(1) == "66.7 %"
    assert f"{year}-01</th><td>150,000.00</td><td>100,000.00</td>" in page
    assert "1 of 1 alumni who answered hold a leadership role." in page
    assert re.search(r'<tr data-wave="6m">(.*?)</tr>', page, re.S).group(1).endswith("<td>100.0 %</td>")
    # the chart is inline SVG drawn on the server, fetching nothing from elsewhere
    svg = re.search(r'<svg[^>]*aria-labelledby="paid-budget-chart-title.*?</svg>', page, re.S).group(0)
    assert "Paid against budget by month" in svg
    assert "http://" not in svg.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in svg
    assert "Deputy director" not in page


def test_the_at_risk_list_names_by_code_and_links_to_the_award(world):
    # given A's award with a held payment
    payment = world["a"]["payment"]
    payment.status, payment.held_reason = "held", "Bank details being checked."
    payment.save()

    # when the officer of A opens the dashboard
    page = client_for(world["users"][OFFICER_A]).get(dashboard_url(world["a"]["programme"])).content.decode()

    # then the award at risk is listed with its link
    assert reverse("grant_awards:inspect", args=[world["a"]["award"].pk]) in page
    assert "Bank details being checked." in page


def test_a_long_at_risk_list_shows_its_first_awards_and_leads_to_the_grantee_list(world, monkeypatch):
    # given A with three awards whose payments are held, and a dashboard that lists two by name
    monkeypatch.setattr("outreach.grants.selectors.AT_RISK_LISTED", 2)
    a = world["a"]
    for number in range(3):
        award = AwardFactory(
            grantee=GranteeFactory(programme=a["programme"], code=f"A-3{number:03d}"),
            cohort=a["cohort"],
            institution=a["institution"],
        )
        DisbursementFactory(award=award, status="held", held_reason="Checking.")

    # when the officer of A opens the dashboard
    page = client_for(world["users"][OFFICER_A]).get(dashboard_url(a["programme"])).content.decode()

    # then all four at risk (A's own award among them) are counted, the first two by code are
    # listed, and a link leads to all of them
    assert "4 awards at risk" in page
    assert page.count('<td><a href="/admin/grants/awards/inspect/') == 2
    first = AwardFactory._meta.model.objects.get(grantee__code="A-3000")
    assert reverse("grant_awards:inspect", args=[first.pk]) in page
    all_url = f"{reverse('grantees:index')}?programme={a['programme'].pk}&amp;at_risk=yes"
    assert f'<a href="{all_url}">The first 2 are listed here.' in page
    listing = client_for(world["users"][OFFICER_A]).get(all_url.replace("&amp;", "&")).content.decode()
    assert all(f"A-3{number:03d}" in listing for number in range(3))


def test_an_officer_of_b_and_a_partner_of_no_funder_do_not_see_as_dashboard(world):
    # given programme A, and a partner user of an organisation that funds no programme
    url = dashboard_url(world["a"]["programme"])
    outsider = partner_user(PartnerFactory(name="Embassy"), "embassy.reader")

    # when the officer of B and that partner user ask for A's dashboard
    # then the officer of B finds nothing, the partner is refused
    assert client_for(world["users"][OFFICER_B]).get(url).status_code == 404
    assert client_for(outsider).get(url).status_code == 302


def test_the_funders_partner_user_sees_figures_with_small_groups_hidden_and_no_grantee(world):
    # given programme A, funded by the partner user's organisation, with one grantee at risk
    a = world["a"]
    client = client_for(world["users"][PARTNER])

    # when the partner user opens the dashboards and A's dashboard
    index = client.get(reverse("grant_dashboards:index")).content.decode()
    page = client.get(dashboard_url(a["programme"])).content.decode()

    # then they find A and not B, every count of fewer than 10 people reads "fewer than 10", and no
    # grantee's code, name or link is on the page
    assert "Programme A" in index and "Programme B" not in index
    assert "Groups of fewer than 10 people are not counted exactly" in page
    assert "fewer than 10" in page
    assert a["grantee"].code not in page and "Maryam" not in page
    assert reverse("grant_awards:inspect", args=[a["award"].pk]) not in page


def test_the_dashboard_keeps_the_same_number_of_queries_as_the_programme_grows(
    world, django_assert_num_queries
):
    # given A's dashboard
    a = world["a"]
    client = client_for(world["users"][OFFICER_A])
    url = dashboard_url(a["programme"])
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        client.get(url)

    # when A gains grantees with paid months, held payments and alumni outcomes
    year = timezone.localdate().year
    for number in range(8):
        award = AwardFactory(
            grantee=GranteeFactory(programme=a["programme"], code=f"A-2{number:03d}"),
            cohort=a["cohort"],
            institution=a["institution"],
        )
        DisbursementFactory(
            award=award, month=datetime.date(year, 2, 1), status="paid", paid_on=datetime.date(year, 2, 5)
        )
        DisbursementFactory(
            award=award, month=datetime.date(year, 3, 1), status="held", held_reason="Checking."
        )
        OutcomeRecordFactory(award=award, wave="1y")
    assert Disbursement.objects.count() > 16

    # then the dashboard costs the same number of queries
    with django_assert_num_queries(len(first.captured_queries)):
        assert client.get(url).status_code == 200
