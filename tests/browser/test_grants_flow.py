"""The grant programmes back office as a program officer meets it in real Chromium: they find the one
grantee at risk, read her whole story and put her award on probation with a reason; they generate the
month's payments, mark them paid in bulk and generate again without duplicates; they read the
programme's dashboard, drawn without a request to another host. They import grantees from a CSV file
(a wrong cell first, which writes nothing), and another programme stays out of reach by its address."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from outreach.grants.models import Award, AwardTransition, Disbursement, Grantee
from tests.browser.test_editorial_flow import data_migrations_replay, sign_in
from tests.factories.grants import (
    AwardFactory,
    BudgetLineFactory,
    CohortFactory,
    DisbursementFactory,
    FunderFactory,
    GranteeFactory,
    InstitutionFactory,
    ProgrammeFactory,
    ProgressReportFactory,
    officer_of,
)

pytestmark = pytest.mark.django_db(transaction=True)

PROGRAMME = "Education for Afghan students"
UNIVERSITY = "Al-Farabi Kazakh National University"
REASON = "GPA 1.60 in the spring semester; tutoring agreed with the faculty."
# The importer's English headings (outreach/grants/imports.py COLUMNS), the required ones and a name.
HEADINGS = (
    "Code,Name (Latin),Programme,Cohort,Institution,Institution city,Degree level,Field of study,"
    "Starts on,Expected end,Stipend"
)


def award_with_report(programme, cohort, code: str, name: str, gpa: str, today: datetime.date) -> Award:
    """An active award of a new grantee with a report submitted for the semester just ended."""
    award = AwardFactory(
        grantee=GranteeFactory(programme=programme, code=code, name_latin=name),
        cohort=cohort,
        institution=InstitutionFactory(name=UNIVERSITY),
    )
    ProgressReportFactory(
        award=award,
        term="2026-spring",
        ends_on=today - datetime.timedelta(days=60),
        submitted_on=today - datetime.timedelta(days=50),
        gpa=Decimal(gpa),
    )
    return award


@pytest.fixture
def world():
    """Programme "afg-edu" (GPA threshold 2.00, one funder, this year's budget) with three active
    grantees of whom AFG-0001 reported a GPA of 1.60 and was paid last month; programme "syr-edu"
    with a grantee at risk too; and a program officer of "afg-edu" only."""
    data_migrations_replay(
        "cms.migrations.0004_role_groups", "outreach.grants.migrations.0003_role_permissions"
    )
    today = timezone.localdate()
    programme = ProgrammeFactory(code="afg-edu", name=PROGRAMME, gpa_threshold=Decimal("2.00"))
    FunderFactory(programme=programme, name="Ministry of Education", share_percent=Decimal("100"))
    BudgetLineFactory(programme=programme, year=today.year, amount=Decimal("120000000"))
    cohort = CohortFactory(programme=programme, name="2025 intake")
    at_risk = award_with_report(programme, cohort, "AFG-0001", "Maryam Ahmadi", "1.60", today)
    award_with_report(programme, cohort, "AFG-0002", "Ahmad Rahimi", "3.40", today)
    award_with_report(programme, cohort, "AFG-0003", "Zahra Karimi", "2.90", today)
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    DisbursementFactory(
        award=at_risk,
        month=last_month,
        status=Disbursement.Status.PAID,
        paid_on=last_month + datetime.timedelta(days=9),
    )
    other = ProgrammeFactory(code="syr-edu", name="Scholarships for Syrian students")
    other_award = award_with_report(
        other,
        CohortFactory(programme=other, name="2025 Syrian intake"),
        "SYR-0001",
        "Layla Haddad",
        "1.20",
        today,
    )
    return {
        "today": today,
        "last_month": last_month,
        "programme": programme,
        "other": other,
        "other_grantee": other_award.grantee,
        "officer": officer_of(programme, "officer"),
    }


@pytest.fixture
def officer_tab(live_server, browser, world):
    """A tab of the officer, signed in; its browser context is closed after the test."""
    tab = sign_in(browser, live_server, world["officer"].username)
    yield tab
    tab.context.close()


def open_from_menu(tab, item: str) -> None:
    tab.get_by_role("button", name="Grant programmes").click()
    tab.get_by_role("link", name=item, exact=True).click()


def listed_codes(tab) -> list[str]:
    return [text.strip() for text in tab.locator("table.listing tbody td.title a").all_inner_texts()]


def generate_month(tab, live_server) -> None:
    tab.goto(f"{live_server.url}/admin/grants/payments/")
    tab.get_by_role("link", name="Generate a month").click()
    tab.get_by_role("combobox", name="Programme").select_option(label=f"{PROGRAMME} (afg-edu)")
    tab.get_by_role("button", name="Generate the payments").click()


def test_an_officer_puts_the_grantee_at_risk_on_probation_and_pays_the_month(live_server, world, officer_tab):
    today = world["today"]
    month = today.replace(day=1)

    # given the officer signed in, on the grantees of the menu
    tab = officer_tab
    open_from_menu(tab, "Grantees")
    tab.get_by_role("heading", name="Grantees").wait_for()
    assert sorted(listed_codes(tab)) == ["AFG-0001", "AFG-0002", "AFG-0003"]

    # when they filter the listing to the grantees at risk
    tab.get_by_role("button", name="Show filters").click()
    tab.get_by_role("button", name="At risk").click()
    tab.locator("#id_at_risk").select_option("yes")

    # then only the grantee with a GPA under the threshold is listed: nothing of the other programme
    tab.wait_for_url("**/admin/grants/grantees/?*at_risk=yes*")
    expect(tab.locator("table.listing tbody tr")).to_have_count(1)
    assert listed_codes(tab) == ["AFG-0001"]
    assert tab.get_by_text("SYR-0001").count() == 0

    # when they open her page
    tab.keyboard.press("Escape")
    tab.get_by_role("button", name="More options for 'AFG-0001'").click()
    tab.get_by_role("link", name="Inspect").click()

    # then it holds her award, last month's payment, her report and the risk in words
    award_heading = tab.get_by_role("heading", name=f"Bachelor · Public administration · {UNIVERSITY}")
    award_heading.wait_for()
    expect(tab.get_by_role("heading", level=1)).to_contain_text("Maryam Ahmadi (مریم احمدی)")
    section = tab.locator("section", has=award_heading)
    expect(section.locator("[data-award-status]")).to_have_text("Active")
    payments = section.locator("table", has=tab.get_by_text("Payments", exact=True))
    expect(payments.locator("tbody tr")).to_have_count(1)
    expect(payments.locator("tbody tr td")).to_contain_text(
        [f"{world['last_month']:%Y-%m}", "Stipend", "150000.00 KZT", "Paid"]
    )
    reports = section.locator("table", has=tab.get_by_text("Progress reports", exact=True))
    expect(reports.locator("tbody tr")).to_contain_text(["2026-spring"])
    expect(reports.locator("tbody tr td").nth(2)).to_have_text("1.60")
    expect(tab.locator('[data-risk="low_gpa"]')).to_have_text(
        f"{UNIVERSITY}: GPA 1.60 in 2026-spring is under the programme's 2.00"
    )

    # when they move the award to probation, saying why
    section.get_by_label("New status").select_option(label="On probation")
    section.get_by_label("Reason").fill(REASON)
    section.get_by_role("button", name="Change the status").click()

    # then the page says so, shows the new status and the move in the history with its reason
    tab.get_by_text("The award moved from “Active” to “On probation”.").wait_for()
    expect(tab.locator("[data-award-status]")).to_have_text("On probation")
    history = tab.locator("table", has=tab.get_by_text("Status history", exact=True))
    expect(history.locator("tbody tr")).to_have_count(1)
    cells = history.locator("tbody tr td")
    expect(cells.nth(1)).to_have_text("Active")
    expect(cells.nth(2)).to_have_text("On probation")
    expect(cells.nth(3)).to_have_text(REASON)
    expect(cells.nth(4)).to_have_text("officer")
    assert list(AwardTransition.objects.values_list("award__grantee__code", "to_status", "reason")) == [
        ("AFG-0001", Award.Status.PROBATION, REASON)
    ]

    # when they generate this month's payments from the payments listing
    generate_month(tab, live_server)

    # then each of the three awards (probation too) has its stipend due this month
    tab.get_by_text(f"3 payments generated for {PROGRAMME}, {month:%Y-%m}.").wait_for()
    due = tab.locator("table.listing tbody tr", has_text="Due")
    expect(due).to_have_count(3)
    assert sorted(
        Disbursement.objects.filter(month=month).values_list("award__grantee__code", "amount", "status")
    ) == [
        ("AFG-0001", Decimal("150000.00"), "due"),
        ("AFG-0002", Decimal("150000.00"), "due"),
        ("AFG-0003", Decimal("150000.00"), "due"),
    ]

    # when they tick them and mark them paid in bulk, on the confirmation page, on the 1st
    for row in due.all():
        row.get_by_role("checkbox", name="Select").check()
    tab.get_by_role("link", name="Mark the selected payments paid").click()
    tab.get_by_text("This applies to 3 payments:").wait_for()
    paid_on = month
    tab.get_by_label("Paid on").fill(paid_on.isoformat())
    tab.get_by_role("button", name="Mark paid").click()

    # then they are paid on that day, split to the funder, and the listing shows no payment due
    tab.get_by_text("Payments marked paid: 3.").wait_for()
    expect(tab.locator("table.listing tbody tr", has_text="Due")).to_have_count(0)
    expect(tab.locator("table.listing tbody tr", has_text="Paid")).to_have_count(4)
    this_month = Disbursement.objects.filter(month=month)
    assert set(this_month.values_list("status", "paid_on", "paid_by__username")) == {
        ("paid", paid_on, "officer")
    }
    assert (
        sorted(this_month.values_list("shares__funder__name", "shares__amount"))
        == [("Ministry of Education", Decimal("150000.00"))] * 3
    )

    # when they generate the same month again
    generate_month(tab, live_server)

    # then nothing new is created
    tab.get_by_text(f"0 payments generated for {PROGRAMME}, {month:%Y-%m}.").wait_for()
    assert Disbursement.objects.filter(month=month).count() == 3
    expect(tab.locator("table.listing tbody tr")).to_have_count(4)

    # when they open the programme's dashboard from the menu, every request of the page recorded
    requested: list[str] = []
    tab.on("request", lambda request: requested.append(request.url))
    open_from_menu(tab, "Dashboards")
    tab.get_by_role("link", name=PROGRAMME).click()
    tab.get_by_role("heading", name="1 award at risk").wait_for()
    tab.wait_for_load_state("load")

    # then it counts the award at risk with its reason, draws paid against budget as inline SVG,
    # and asked nothing of another host
    risk_rows = tab.locator("table", has=tab.get_by_text("Risks", exact=True)).locator("tbody tr")
    expect(risk_rows).to_have_count(1)
    expect(risk_rows).to_contain_text(["Maryam Ahmadi"])
    expect(risk_rows).to_contain_text(["GPA 1.60 in 2026-spring is under the programme's 2.00"])
    paid = Decimal("450000") + (Decimal("150000") if world["last_month"].year == today.year else 0)
    tab.get_by_text(f"Paid so far: {paid:,.2f} of a budget of 120,000,000.00 KZT.").wait_for()
    chart = tab.locator("figure").get_by_role("img", name=f"Paid against budget by month, {today.year} (KZT)")
    expect(chart).to_be_visible()
    expect(chart.locator("desc")).to_contain_text(f"{month:%Y-%m}: paid 450,000.00 of 10,000,000.00 KZT.")
    assert f"{live_server.url}/admin/grants/dashboards/{world['programme'].pk}/" in requested
    elsewhere = [url for url in requested if not url.startswith(live_server.url)]
    assert elsewhere == [], f"the admin asked another host for {elsewhere}"


def csv_file(folder: Path, name: str, *rows: str) -> Path:
    path = folder / name
    path.write_text("\n".join([HEADINGS, *rows]) + "\n", encoding="utf-8")
    return path


def check_the_file(tab, live_server, path: Path) -> None:
    tab.goto(f"{live_server.url}/admin/")
    tab.get_by_role("link", name="Import grantees").click()
    tab.locator("input[type=file][name=file]").set_input_files(path)
    tab.get_by_role("button", name="Check the file").click()


def test_an_officer_imports_grantees_and_cannot_reach_another_programme(
    live_server, world, officer_tab, tmp_path
):
    # given the officer signed in and a file whose second grantee starts on a thirteenth month
    tab = officer_tab
    first = f"AFG-0101,Farida Noori,afg-edu,2025 intake,{UNIVERSITY},Almaty,Bachelor,Economics"
    second = f"AFG-0102,Hamid Sultani,afg-edu,2025 intake,{UNIVERSITY},Almaty,master,Law"
    wrong = csv_file(
        tmp_path,
        "wrong.csv",
        f"{first},2025-09-01,2029-06-30,150000",
        f"{second},2025-13-01,2027-06-30,180000",
    )
    before = Grantee.objects.count(), Award.objects.count()

    # when they check that file
    check_the_file(tab, live_server, wrong)

    # then the preview names the row and the column of the error, offers no import, and wrote nothing
    tab.get_by_text("The file has 1 error; nothing will be imported until it is corrected.").wait_for()
    errors = tab.locator("section", has_text="Preview of wrong.csv").locator("table tbody tr td")
    expect(errors).to_have_text(["3", "Starts on", "Write the date as YYYY-MM-DD or DD.MM.YYYY."])
    assert tab.get_by_role("button", name="Import these rows").count() == 0
    assert (Grantee.objects.count(), Award.objects.count()) == before

    # when they check the corrected file and import it
    right = csv_file(
        tmp_path,
        "right.csv",
        f"{first},2025-09-01,2029-06-30,150000",
        f"{second},2026-09-01,2028-06-30,180000",
    )
    check_the_file(tab, live_server, right)
    tab.get_by_text("To be created: 2. To be updated: 0. Unchanged: 0.").wait_for()
    tab.get_by_role("button", name="Import these rows").click()

    # then both grantees are created with a selected award, and the listing shows them
    tab.get_by_text("Imported: 2 created, 0 updated, 0 unchanged.").wait_for()
    assert sorted(
        Award.objects.filter(grantee__code__startswith="AFG-01").values_list(
            "grantee__code", "grantee__name_latin", "degree_level", "status", "stipend_amount"
        )
    ) == [
        ("AFG-0101", "Farida Noori", "bachelor", "selected", Decimal("150000.00")),
        ("AFG-0102", "Hamid Sultani", "master", "selected", Decimal("180000.00")),
    ]
    open_from_menu(tab, "Grantees")
    expect(tab.locator("table.listing tbody tr")).to_have_count(5)
    assert sorted(listed_codes(tab)) == ["AFG-0001", "AFG-0002", "AFG-0003", "AFG-0101", "AFG-0102"]

    # and the other programme's dashboard and grantee are not found, even by their address
    dashboard = tab.goto(f"{live_server.url}/admin/grants/dashboards/{world['other'].pk}/")
    assert dashboard.status == 404
    grantee = tab.goto(f"{live_server.url}/admin/grants/grantees/inspect/{world['other_grantee'].pk}/")
    assert grantee.status == 404
