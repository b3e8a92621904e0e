"""The programme dashboard (outreach/campaigns/dashboard.py, charts.py, report_views.py): its exact
figures, its charts drawn on the server, who may open it, and a query count that does not grow."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from pytest_django.asserts import assertInHTML

from outreach.campaigns.dashboard import programme_dashboard
from outreach.campaigns.models import Campaign, Partner, ProgrammePartner, ResultStatement
from outreach.core.roles import CAMPAIGN_MANAGER, EDITOR, PROGRAM_OFFICER
from tests.factories.campaigns import (
    CampaignFactory,
    IndicatorFactory,
    IndicatorTargetFactory,
    JointProgrammeFactory,
    PartnerContactFactory,
    PartnerFactory,
    ProgrammePartnerFactory,
    ReportingPeriodFactory,
    ResultFactory,
    ResultStatementFactory,
    partner_user,
)
from tests.factories.users import UserFactory, in_english, member

pytestmark = pytest.mark.django_db

COUNTED = "Counted from the reading figures of 3 campaign pages, 1 January to 30 June 2026."


def programme_world() -> dict:
    """The EU's programme with a co-funder, three indicators (people, a percentage and one the platform
    counts), results in the first two half-years, three campaigns; and an embassy's programme beside it.
    A partner contact and the person who entered the figures have names that must never be reported."""
    eu = PartnerFactory(eu=True)
    samk = PartnerFactory(
        name="Spiritual Administration of Muslims of Kazakhstan",
        short_name="SAMK",
        kind=Partner.Kind.NATIONAL_AGENCY,
    )
    embassy = PartnerFactory(name="Embassy of Japan", short_name="Japan", kind=Partner.Kind.EMBASSY)
    PartnerContactFactory(partner=eu, name="Marta Kowalska")
    clerk = UserFactory(username="aigerim.sadykova", first_name="Aigerim", last_name="Sadykova")

    programme = JointProgrammeFactory(name="Safe Voices Central Asia", code="eu-pve-2026", with_periods=True)
    ProgrammePartnerFactory(
        programme=programme, partner=eu, role=ProgrammePartner.Role.LEAD, funding_share=Decimal("80")
    )
    ProgrammePartnerFactory(
        programme=programme, partner=samk, role=ProgrammePartner.Role.CO_FUNDER, funding_share=Decimal("20")
    )
    other = JointProgrammeFactory(name="Embassy youth programme", code="jp-youth", with_periods=True)
    ProgrammePartnerFactory(programme=other, partner=embassy)
    periods = {period.name: period for period in programme.periods.all()}
    h1, h2 = periods["2026 H1"], periods["2026 H2"]

    outcome = ResultStatementFactory(
        programme=programme,
        code="OC1",
        statement="Young people at risk question extremist narratives and know where to turn for help.",
    )
    output = ResultStatementFactory(
        programme=programme,
        level=ResultStatement.Level.OUTPUT,
        parent=outcome,
        code="OP1.1",
        statement="Teachers and parents can answer recruiters' claims.",
    )
    # Created out of framework order, so the order shown is the framework's, not the database's.
    reads = IndicatorFactory(
        page_views=True, programme=programme, statement=output, code="1.3", partner_code="EU RF 2.30"
    )
    reached = IndicatorFactory(
        programme=programme,
        statement=outcome,
        code="1.1",
        name="Young people reached by counter-narrative material",
        baseline=Decimal("100"),
        partner_code="EU RF 2.27",
    )
    confident = IndicatorFactory(
        percent=True,
        programme=programme,
        statement=output,
        code="1.2",
        baseline=Decimal("20"),
        partner_code="",
    )
    for indicator, period, value in (
        (reached, h1, "1000"),
        (reached, h2, "2000"),
        (confident, h1, "30"),
        (confident, h2, "45.5"),
        (reads, h1, "10000"),
    ):
        IndicatorTargetFactory(indicator=indicator, period=period, value=Decimal(value))
    ResultFactory(
        indicator=reached,
        period=h1,
        value=Decimal("640"),
        evidence_note="Attendance lists of 12 school workshops, scanned.",
        entered_by=clerk,
    )
    ResultFactory(indicator=reached, period=h1, dimension="sex", category="female", value=Decimal("400"))
    ResultFactory(indicator=reached, period=h1, dimension="sex", category="male", value=Decimal("240"))
    ResultFactory(
        indicator=reached,
        period=h2,
        value=Decimal("1500"),
        evidence_note="Workshop attendance lists, July to December.",
        entered_by=clerk,
    )
    ResultFactory(indicator=reached, period=h2, dimension="sex", category="female", value=Decimal("900"))
    ResultFactory(
        indicator=confident, period=h1, value=Decimal("35.5"), evidence_note="Teacher survey, n=212."
    )
    ResultFactory(
        indicator=reads,
        period=h1,
        value=Decimal("12345"),
        evidence_note="",
        source_detail=COUNTED,
        is_automatic=True,
    )
    CampaignFactory(
        programme=programme,
        name="Ask before you share",
        status=Campaign.Status.ACTIVE,
        budget=Decimal("45000"),
        spend=Decimal("12500"),
        starts_on=date(2026, 3, 1),
    )
    CampaignFactory(
        programme=programme,
        name="Parents' evenings",
        status=Campaign.Status.COMPLETED,
        budget=Decimal("30000"),
        spend=Decimal("29000.50"),
        starts_on=date(2026, 2, 1),
    )
    CampaignFactory(
        programme=programme,
        name="Radio call-ins",
        status=Campaign.Status.PLANNED,
        budget=Decimal("20000"),
        spend=Decimal("0"),
        starts_on=date(2026, 4, 1),
    )
    CampaignFactory(programme=other, name="Embassy campaign", budget=Decimal("5000"))
    return {
        "programme": programme,
        "other": other,
        "eu": eu,
        "embassy": embassy,
        "periods": periods,
        "indicators": {"reached": reached, "confident": confident, "reads": reads},
    }


@pytest.fixture
def world() -> dict:
    return programme_world()


def dashboard_url(programme) -> str:
    return reverse("campaigns_programme_dashboard", args=[programme.pk])


def test_the_dashboard_selector_gives_exact_figures(world):
    # given a campaign manager
    user = member([CAMPAIGN_MANAGER], "manager")

    # when the dashboard of the EU programme is built
    dashboard = programme_dashboard(user=user, programme=world["programme"])

    # then the indicators come in results-framework order, each period with target, result and total
    assert [progress.indicator.code for progress in dashboard.indicators] == ["1.1", "1.2", "1.3"]
    reached, confident, reads = dashboard.indicators
    assert [(line.period.name, line.target, line.actual, line.cumulative) for line in reached.periods] == [
        ("2026 H1", Decimal("1000"), Decimal("640"), Decimal("640")),
        ("2026 H2", Decimal("2000"), Decimal("1500"), Decimal("2140")),
        ("2027 H1", None, None, None),
        ("2027 H2", None, None, None),
    ]
    assert [
        (item.dimension, item.category, item.actual, item.cumulative)
        for item in reached.periods[1].breakdowns
    ] == [("sex", "female", Decimal("900"), Decimal("1300")), ("sex", "male", None, None)]
    # a percentage is never summed across periods
    assert confident.adds_up is False
    assert [(line.target, line.actual, line.cumulative) for line in confident.periods[:2]] == [
        (Decimal("30"), Decimal("35.5"), None),
        (Decimal("45.5"), None, None),
    ]
    # a figure the platform counted says where it came from
    assert (reads.periods[0].is_automatic, reads.periods[0].source_detail) == (True, COUNTED)
    assert reads.periods[1].source_detail == ""

    # and the budget adds up, campaign by campaign and partner by partner
    budget = dashboard.budget
    assert (budget.programme_budget, budget.allocated, budget.spent, budget.unallocated) == (
        Decimal("1200000.00"),
        Decimal("95000.00"),
        Decimal("41500.50"),
        Decimal("1105000.00"),
    )
    assert [(line.campaign.name, line.left) for line in budget.campaigns] == [
        ("Radio call-ins", Decimal("20000.00")),
        ("Ask before you share", Decimal("32500.00")),
        ("Parents' evenings", Decimal("999.50")),
    ]
    assert [(role.partner.short_name, amount) for role, amount in budget.funding] == [
        ("EU Delegation", Decimal("960000.00")),
        ("SAMK", Decimal("240000.00")),
    ]
    assert [(line.status, line.count) for line in dashboard.statuses] == [
        ("planned", 1),
        ("active", 1),
        ("paused", 0),
        ("completed", 1),
        ("cancelled", 0),
    ]


def test_a_partner_user_of_the_programme_sees_its_dashboard_with_exact_figures(client, world):
    # given a user of the EU Delegation
    client.force_login(partner_user(world["eu"], "eu-user"))
    reached = world["indicators"]["reached"]
    reads = world["indicators"]["reads"]

    # when they open the programme's dashboard
    response = client.get(dashboard_url(world["programme"]))

    # then they see each indicator's chart, titled and described for screen readers, and its data table
    assert response.status_code == 200
    html = response.content.decode()
    chart_id = f"indicator-{reached.pk}-chart"
    assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in html
    assertInHTML(f'<title id="{chart_id}-title">1.1: target and result by period</title>', html)
    assertInHTML(
        f'<desc id="{chart_id}-desc">Young people reached by counter-narrative material, in people. '
        "Baseline 100. 2026 H1: target 1,000, result 640. 2026 H2: target 2,000, result 1,500. "
        "2027 H1: target —, result —. 2027 H2: target —, result —.</desc>",
        html,
    )
    assertInHTML('<tr><th scope="row">2026 H2</th><td>2,000</td><td>1,500</td><td>2,140</td></tr>', html)
    assertInHTML(
        f'<tr><th scope="row">2026 H1</th><td>10,000</td><td>12,345</td><td>12,345</td><td>{COUNTED}</td></tr>',
        html,
    )
    assert f'id="indicator-{reads.pk}-chart-title"' in html
    # and the budget, the spending, each partner's part and the campaigns by status
    assertInHTML('<tr><th scope="row">Programme budget</th><td>1,200,000</td></tr>', html)
    assertInHTML('<tr><th scope="row">Spent by campaigns</th><td>41,500.50</td></tr>', html)
    assertInHTML('<tr><th scope="row">Not yet given to a campaign</th><td>1,105,000</td></tr>', html)
    assertInHTML(
        '<tr><th scope="row">Parents\' evenings</th><td>Completed</td><td>30,000</td><td>29,000.50</td>'
        "<td>999.50</td></tr>",
        html,
    )
    assertInHTML(
        '<tr><th scope="row">Spiritual Administration of Muslims of Kazakhstan</th><td>Co-funder</td>'
        "<td>20</td><td>240,000</td></tr>",
        html,
    )
    assertInHTML('<tr><th scope="row">Planned</th><td>1</td></tr>', html)
    assertInHTML('<tr><th scope="row">Paused</th><td>0</td></tr>', html)
    # drawn on the server: no script and nothing fetched from anywhere else
    main = html[html.index('id="indicators-heading"') :]
    assert "<script" not in main
    assert "http://" not in main.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in main
    # and nothing of the other programme, nor anyone's name
    assert "Embassy campaign" not in html
    assert "Embassy of Japan" not in html
    assert "Sadykova" not in html
    assert "Kowalska" not in html


def test_the_dashboard_speaks_the_users_language(client, world):
    # given a campaign manager who reads the admin in Russian
    user = member([CAMPAIGN_MANAGER], "manager")
    profile = user.wagtail_userprofile
    profile.preferred_language = "ru"
    profile.save()
    client.force_login(user)

    # when they open the dashboard
    html = client.get(dashboard_url(world["programme"])).content.decode()

    # then headings and figures are written the Russian way
    assertInHTML('<tr><th scope="row">Бюджет программы</th><td>1\xa0200\xa0000</td></tr>', html)
    assertInHTML('<tr><th scope="row">Потрачено кампаниями</th><td>41\xa0500,50</td></tr>', html)
    assertInHTML('<tr><th scope="row">Запланирована</th><td>1</td></tr>', html)


ROLES = (
    "superuser",
    "campaign manager",
    "partner user of the programme",
    "partner user of another partner",
    "program officer",
    "editor",
    "anonymous",
)


def sign_in(client, role: str, world: dict):
    users = {
        "superuser": lambda: in_english(UserFactory(superuser=True, username="root")),
        "campaign manager": lambda: member([CAMPAIGN_MANAGER], "manager"),
        "partner user of the programme": lambda: partner_user(world["eu"], "eu-user"),
        "partner user of another partner": lambda: partner_user(world["embassy"], "embassy-user"),
        "program officer": lambda: member([PROGRAM_OFFICER], "officer"),
        "editor": lambda: member([EDITOR], "editor"),
    }
    if role != "anonymous":
        client.force_login(users[role]())


@pytest.mark.parametrize("role", ROLES)
def test_each_role_against_the_dashboard_doors(client, world, role):
    # given
    sign_in(client, role, world)
    programme = world["programme"]
    doors = {
        "list of dashboards": reverse("campaigns_programme_dashboards"),
        "dashboard": dashboard_url(programme),
        "report form": reverse("campaigns_programme_report", args=[programme.pk]),
        "report file": reverse("campaigns_programme_report", args=[programme.pk])
        + f"?period={world['periods']['2026 H1'].pk}&language=en&format=xlsx",
    }
    allowed = role in ("superuser", "campaign manager", "partner user of the programme")

    for door, url in doors.items():
        # when
        response = client.get(url)

        # then
        if allowed:
            assert response.status_code == 200, f"{role} at {door}"
        elif role == "anonymous":
            assert response.status_code == 302, f"{role} at {door}"
            assert response["Location"].startswith(reverse("wagtailadmin_login")), f"{role} at {door}"
        elif role == "partner user of another partner":
            # they may report on their own programme, so the list opens, without this one in it;
            # this programme's doors answer as if it did not exist
            expected = 200 if door == "list of dashboards" else 404
            assert response.status_code == expected, f"{role} at {door}"
            assert "Safe Voices Central Asia" not in response.content.decode(), f"{role} at {door}"
            assert "Content-Disposition" not in response, f"{role} at {door}"
        else:
            assert response.status_code == 302, f"{role} at {door}"
            assert response["Location"] == reverse("wagtailadmin_home"), f"{role} at {door}"
            messages = [str(message).strip() for message in get_messages(response.wsgi_request)]
            assert messages[-1] == "Sorry, you do not have permission to access this area.", (
                f"{role} at {door}"
            )


def test_the_list_of_dashboards_shows_only_the_users_programmes(client, world):
    # given a user of the embassy
    client.force_login(partner_user(world["embassy"], "embassy-user"))

    # when they open the list
    html = client.get(reverse("campaigns_programme_dashboards")).content.decode()

    # then it holds their programme and not the EU's
    assert "Embassy youth programme" in html
    assert reverse("campaigns_programme_dashboard", args=[world["other"].pk]) in html
    assert "Safe Voices Central Asia" not in html


def test_the_reports_menu_offers_the_dashboards_only_to_those_who_may_read_them(client, world):
    # given
    menu_url = reverse("campaigns_programme_dashboards")
    for role, expected in (("partner user of the programme", True), ("editor", False)):
        client.logout()
        sign_in(client, role, world)

        # when they open the admin's home
        html = client.get(reverse("wagtailadmin_home")).content.decode()

        # then
        assert (menu_url in html) is expected, role


def grow(programme, *, indicators: int, periods: int, campaigns: int) -> None:
    """Add indicators with targets, totals and disaggregated results in new periods, and campaigns."""
    outcome = ResultStatementFactory(programme=programme)
    new_periods = [
        ReportingPeriodFactory(
            programme=programme,
            name=f"2027 M{month}",
            starts_on=date(2027, month, 1),
            ends_on=date(2027, month, 28),
        )
        for month in range(1, periods + 1)
    ]
    for number in range(indicators):
        indicator = IndicatorFactory(programme=programme, statement=outcome, code=f"G{number}")
        for period in new_periods:
            IndicatorTargetFactory(indicator=indicator, period=period, value=Decimal("50"))
            ResultFactory(indicator=indicator, period=period, value=Decimal("40"))
            ResultFactory(
                indicator=indicator, period=period, dimension="language", category="kk", value=Decimal("10")
            )
    CampaignFactory.create_batch(campaigns, programme=programme)


# 1 session, 2 user, 3 two-factor device, 4-5 user and group permissions, 6 admin language, 7 partner
# membership, 8 the programme, 9 its partners, (partner users: 2 scope checks of can_view_report),
# then the dashboard: 10 periods, 11 campaigns, 12 indicators, 13 their targets, 14 results, 15 funding
# by partner; and the admin menu: 16 locales, 17 page and 18 collection permissions (partner users:
# and the grant programmes their organisation funds).
@pytest.mark.parametrize(
    ("role", "queries"), [("campaign manager", 18), ("partner user of the programme", 21)]
)
def test_dashboard_queries_do_not_grow(client, world, role, queries, django_assert_num_queries):
    # given
    sign_in(client, role, world)
    url = dashboard_url(world["programme"])
    client.get(url)  # the admin's first-visit lookups
    with django_assert_num_queries(queries):
        client.get(url)

    # when the programme grows several times over
    grow(world["programme"], indicators=6, periods=5, campaigns=8)

    # then the dashboard still takes as many queries
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('class="campaign-chart"') == 9 + 1
