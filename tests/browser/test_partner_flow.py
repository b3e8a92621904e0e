"""A joint programme's period end to end in real Chromium: a campaign manager enters the period's
results (one bad line first, which saves nothing), then the EU Delegation's partner user signs in,
reads the programme's dashboard, downloads the partner report as XLSX, and is refused another
partner's programme."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from outreach.campaigns.models import Result
from outreach.core.roles import CAMPAIGN_MANAGER
from tests.browser.test_editorial_flow import PASSWORD, data_migrations_replay, sign_in
from tests.factories.campaigns import (
    IndicatorFactory,
    JointProgrammeFactory,
    PartnerFactory,
    ProgrammePartnerFactory,
    ReportingPeriodFactory,
    partner_user,
)
from tests.factories.users import UserFactory, in_english

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    """The EU's programme with a people count and a percentage for its first half-year, an embassy's
    programme, a campaign manager and an EU partner user."""
    data_migrations_replay(
        "cms.migrations.0004_role_groups", "outreach.campaigns.migrations.0003_role_permissions"
    )
    eu = PartnerFactory(eu=True)
    programme = JointProgrammeFactory(name="Voices of Reason", code="voices")
    ProgrammePartnerFactory(programme=programme, partner=eu)
    period = ReportingPeriodFactory(
        programme=programme, name="2026 H1", starts_on=date(2026, 1, 1), ends_on=date(2026, 6, 30)
    )
    embassy_programme = JointProgrammeFactory(name="Embassy schools programme", code="embassy")
    ProgrammePartnerFactory(programme=embassy_programme, partner=PartnerFactory(name="Embassy of Japan"))
    trained = IndicatorFactory(programme=programme, code="OP1.2", name="Teachers and imams trained")
    share = IndicatorFactory(
        programme=programme,
        code="OC1.3",
        name="Teachers able to respond",
        percent=True,
        baseline=Decimal("31"),
    )
    partner = partner_user(eu, "eu-partner")
    partner.set_password(PASSWORD)
    partner.save()
    return {
        "programme": programme,
        "embassy_programme": embassy_programme,
        "period": period,
        "trained": trained,
        "share": share,
        "manager": in_english(UserFactory(username="manager", groups=[CAMPAIGN_MANAGER])),
        "partner": partner,
    }


def test_a_manager_enters_a_period_and_the_partner_reads_it(live_server, browser, world):
    # given the campaign manager on the period's results form
    manager = sign_in(browser, live_server, "manager")
    manager.goto(f"{live_server.url}/admin/partner-campaigns/enter-results/?period={world['period'].pk}")
    trained, share = world["trained"], world["share"]

    # when they enter 326 people and, by mistake, 138 per cent
    manager.fill(f"[name=value_{trained.pk}]", "326")
    manager.fill(f"[name=note_{trained.pk}]", "Attendance lists of 14 workshops.")
    manager.fill(f"[name=value_{share.pk}]", "138")
    manager.get_by_role("button", name="Save results").click()

    # then the percentage is refused on its line and not even the good line is saved
    manager.get_by_text("A percentage lies between 0 and 100.").wait_for()
    assert Result.objects.count() == 0

    # when they correct it and save again
    manager.fill(f"[name=value_{share.pk}]", "38")
    manager.get_by_role("button", name="Save results").click()
    manager.get_by_text("Already entered").first.wait_for()

    # then both results are stored, entered by the manager
    stored = {
        (result.indicator.code, result.value, result.entered_by.username) for result in Result.objects.all()
    }
    assert stored == {("OP1.2", Decimal("326.00"), "manager"), ("OC1.3", Decimal("38.00"), "manager")}

    # when the EU's partner user signs in and opens the programme's dashboard from the menu's page
    partner = sign_in(browser, live_server, "eu-partner")
    partner.goto(f"{live_server.url}/admin/campaigns/programme-dashboards/")
    assert partner.get_by_text("Embassy schools programme").count() == 0
    partner.get_by_role("link", name="Voices of Reason").first.click()
    partner.get_by_role("heading", name="OP1.2 Teachers and imams trained").wait_for()

    # then the figures the manager entered are there, with no way to change them
    assert partner.locator("table", has_text="2026 H1").filter(has_text="326").count() >= 1
    assert partner.get_by_role("link", name="Edit").count() == 0

    # when they download the partner report as XLSX in English
    partner.goto(f"{live_server.url}/admin/campaigns/programmes/{world['programme'].pk}/report/")
    partner.select_option("[name=period]", str(world["period"].pk))
    partner.check("[name=language][value=en]")
    partner.check("[name=format][value=xlsx]")
    with partner.expect_download() as download:
        partner.get_by_role("button", name="Download the report").click()

    # then the workbook holds the programme's results
    workbook = load_workbook(BytesIO(download.value.path().read_bytes()))
    cells = {
        str(cell.value)
        for sheet in workbook
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }
    assert {
        "Partner report",
        "Voices of Reason",
        "OP1.2 Teachers and imams trained",
        "326",
        "Attendance lists of 14 workshops.",
        "OC1.3 Teachers able to respond",
        "38",
    } <= cells

    # and the embassy's programme is out of their reach, even by its address
    response = partner.goto(
        f"{live_server.url}/admin/campaigns/programmes/{world['embassy_programme'].pk}/dashboard/"
    )
    assert response.status == 404
