"""The donor report: a small hand-made programme's figures, small groups hidden, no one named, the same
bytes for the same data, and who may download it."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone, translation

import outreach.grants.import_hooks  # noqa: F401 - registers the admin URLs until wagtail_hooks imports it
from outreach.core import roles
from outreach.core.exceptions import ApplicationError
from outreach.grants.donor_report import donor_report, donor_report_pdf, donor_report_xlsx
from outreach.grants.models import Award, AwardTransition, Disbursement, DisbursementShare, Grantee
from tests.factories.grants import (
    AwardFactory,
    CohortFactory,
    DisbursementFactory,
    FunderFactory,
    GranteeFactory,
    InstitutionFactory,
    OutcomeRecordFactory,
    ProgrammeFactory,
    officer_of,
)
from tests.factories.users import UserFactory, admin_user_with

pytestmark = pytest.mark.django_db
FEWER = "fewer than 10"
START, END = datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def programme(db):
    """10 active women and 2 withdrawn men in the 2025 intake, 3 graduated women in the 2024 intake;
    stipends, housing and tuition paid in and around the first half of 2026; two funders."""
    programme = ProgrammeFactory(code="don-1", name="Study places")
    ministry = FunderFactory(programme=programme, name="Ministry", share_percent=Decimal("60"))
    eu = FunderFactory(
        programme=programme, name="EU Delegation", share_percent=Decimal("40"), reporting_currency="EUR"
    )
    intake_2025 = CohortFactory(programme=programme, name="2025 intake", intake_year=2025)
    intake_2024 = CohortFactory(programme=programme, name="2024 intake", intake_year=2024)
    farabi = InstitutionFactory(name="Al-Farabi University", city="Almaty")
    astana = InstitutionFactory(name="Astana University", city="Astana")
    active = [
        AwardFactory(
            grantee=GranteeFactory(
                programme=programme, code=f"DON-A{number:02d}", name_latin=f"Secret Person {number}"
            ),
            cohort=intake_2025,
            institution=farabi,
        )
        for number in range(10)
    ]
    for number in range(2):
        AwardFactory(
            grantee=GranteeFactory(programme=programme, code=f"DON-W{number}", gender=Grantee.Gender.MALE),
            cohort=intake_2025,
            institution=astana,
            degree_level=Award.DegreeLevel.MASTER,
            status=Award.Status.WITHDRAWN,
        )
    graduates = [
        AwardFactory(
            grantee=GranteeFactory(programme=programme, code=f"DON-G{number}"),
            cohort=intake_2024,
            institution=farabi,
            starts_on=datetime.date(2024, 9, 1),
            expected_end_on=datetime.date(2025, 6, 30),
            status=Award.Status.GRADUATED,
        )
        for number in range(3)
    ]
    paid = {"status": Disbursement.Status.PAID}
    for award in active:
        DisbursementFactory(
            award=award,
            month=datetime.date(2026, 3, 1),
            amount=Decimal("150000"),
            paid_on=datetime.date(2026, 3, 5),
            **paid,
        )
    DisbursementFactory(
        award=active[0],
        month=datetime.date(2026, 3, 1),
        kind="housing",
        amount=Decimal("40000"),
        paid_on=datetime.date(2026, 3, 5),
        **paid,
    )
    tuition = DisbursementFactory(
        award=active[1],
        month=datetime.date(2026, 2, 1),
        kind="tuition",
        amount=Decimal("1200000"),
        paid_on=datetime.date(2026, 2, 10),
        **paid,
    )
    # Outside the period, and not paid: neither counts.
    DisbursementFactory(
        award=active[2],
        month=datetime.date(2025, 12, 1),
        amount=Decimal("150000"),
        paid_on=datetime.date(2025, 12, 20),
        **paid,
    )
    DisbursementFactory(award=active[3], month=datetime.date(2026, 4, 1), amount=Decimal("150000"))
    for funder, amount, rate, reporting in (
        (ministry, "720000", "1", "720000"),
        (eu, "480000", "520", "923.08"),
    ):
        DisbursementShare.objects.create(
            disbursement=tuition,
            funder=funder,
            share_percent=funder.share_percent,
            amount=Decimal(amount),
            reporting_currency=funder.reporting_currency,
            exchange_rate=Decimal(rate),
            reporting_amount=Decimal(reporting),
        )
    OutcomeRecordFactory(
        award=graduates[0],
        due_on=datetime.date(2026, 1, 1),
        responded_on=datetime.date(2026, 1, 20),
        residence="returned",
        employer_sector="government",
        is_leadership=True,
    )
    OutcomeRecordFactory(
        award=graduates[1],
        due_on=datetime.date(2026, 1, 1),
        responded_on=datetime.date(2026, 2, 1),
        residence="returned",
        employer_sector="education",
    )
    OutcomeRecordFactory(award=graduates[2], due_on=datetime.date(2026, 1, 1))
    return programme


def tables(report) -> dict[str, list[list]]:
    return {table.title: table.rows for table in report.tables}


def test_statuses_are_those_on_the_periods_last_day(programme):
    # given two of the active 2025 awards that moved after the period: one withdrawn in August 2026,
    # one that was suspended in May and is active again since September
    officer = officer_of(programme, "officer-a")
    first, second = Award.objects.filter(grantee__code__in=["DON-A00", "DON-A01"]).order_by("grantee__code")
    aware = lambda day: timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))  # noqa: E731
    for award, moves in (
        (first, [("active", "withdrawn", datetime.date(2026, 8, 3))]),
        (
            second,
            [
                ("active", "suspended", datetime.date(2026, 5, 12)),
                ("suspended", "active", datetime.date(2026, 9, 1)),
            ],
        ),
    ):
        for from_status, to_status, day in moves:
            AwardTransition.objects.create(
                award=award, from_status=from_status, to_status=to_status, reason="Moved", at=aware(day)
            )
        award.status = moves[-1][1]
        award.save(update_fields=["status"])

    # when the report for the first half of 2026 is made afterwards
    report = donor_report(user=officer, programme=programme, starts_on=START, ends_on=END)

    # then each award is counted in the status it had on 30 June: the first still active, the second
    # suspended; today's statuses do not leak into a past period
    assert tables(report)["Grantees by cohort and status"][1] == [
        "2025 intake",
        0,
        0,
        FEWER,
        0,
        FEWER,
        FEWER,
        0,
        0,
        12,
    ]
    assert tables(report)["Retention and graduation"][0] == [
        "Retention: awards begun and not withdrawn",
        "86.7%",
        15,
    ]


def test_the_figures_of_a_small_programme(programme):
    # given an officer of the programme
    officer = officer_of(programme, "officer-a")

    # when they make the report for the first half of 2026
    report = donor_report(user=officer, programme=programme, starts_on=START, ends_on=END)

    # then every figure is exact, and each group under 10 says so
    found = tables(report)
    assert found["Grantees by cohort and status"] == [
        ["2024 intake", 0, 0, 0, 0, 0, 0, FEWER, 0, FEWER],
        ["2025 intake", 0, 0, 10, 0, 0, FEWER, 0, 0, 12],
        ["All cohorts", 0, 0, 10, 0, 0, FEWER, FEWER, 0, 15],
    ]
    assert found["Grantees by gender"] == [["Female", 13], ["Male", FEWER], ["Not stated", 0], ["Total", 15]]
    assert found["Awards by degree level"] == [
        ["Foundation year", 0],
        ["Bachelor", 13],
        ["Master", FEWER],
        ["Doctorate", 0],
        ["Total", 15],
    ]
    assert found["Grantees by institution"] == [
        ["Al-Farabi University (Almaty)", 13],
        ["Astana University (Astana)", FEWER],
        ["Total", 15],
    ]
    assert found["Payments made in the period (KZT)"] == [
        ["2026-02", Decimal("0"), Decimal("1200000.00"), Decimal("0"), Decimal("1200000.00")],
        ["2026-03", Decimal("1500000.00"), Decimal("0"), Decimal("40000.00"), Decimal("1540000.00")],
        ["Total", Decimal("1500000.00"), Decimal("1200000.00"), Decimal("40000.00"), Decimal("2740000.00")],
    ]
    assert found["Each funder's share of the payments"] == [
        ["Ministry", "2026-02", Decimal("720000.00"), Decimal("720000.00"), "KZT"],
        ["Ministry", "Total (share 60%)", Decimal("720000.00"), Decimal("720000.00"), "KZT"],
        ["EU Delegation", "2026-02", Decimal("480000.00"), Decimal("923.08"), "EUR"],
        ["EU Delegation", "Total (share 40%)", Decimal("480000.00"), Decimal("923.08"), "EUR"],
    ]
    assert found["Retention and graduation"] == [
        ["Retention: awards begun and not withdrawn", "86.7%", 15],
        ["Graduation: awards past their expected end that graduated", FEWER, FEWER],
    ]
    assert found["Alumni: where they live"] == [
        ["Returned home", FEWER],
        ["In a third country", 0],
        ["Stayed in the host country", 0],
    ]
    assert found["Alumni: employer sector"][0] == ["Government", FEWER]
    assert found["Alumni: employer sector"][-2:] == [
        ["In a leadership role", FEWER],
        ["Alumni who answered", FEWER],
    ]
    assert found["Alumni surveys: response rate per wave"] == [
        ["6 months", FEWER, FEWER, FEWER],
        ["1 year", 0, 0, "–"],
        ["3 years", 0, 0, "–"],
        ["5 years", 0, 0, "–"],
    ]


def test_no_code_or_name_of_a_grantee_is_in_either_file(programme):
    # given the report of the programme
    report = donor_report(
        user=officer_of(programme, "officer-a"), programme=programme, starts_on=START, ends_on=END
    )

    # when it is written as a PDF with readable streams and as a workbook
    pdf = donor_report_pdf(report, compress=False)
    workbook = zipfile.ZipFile(io.BytesIO(donor_report_xlsx(report)))
    xml = b"".join(workbook.read(name) for name in workbook.namelist())

    # then neither holds a code, a name or an email of a grantee, but both hold the figures
    secrets = [grantee.code for grantee in Grantee.objects.all()]
    secrets += [grantee.name_latin for grantee in Grantee.objects.all()] + ["example.org", "مریم"]
    for secret in secrets:
        assert secret.encode() not in pdf, secret
        assert secret.encode() not in xml, secret
    assert b"EU Delegation" in xml and b"Al-Farabi University (Almaty)" in xml
    assert b"%PDF" in pdf[:8]


def test_the_same_data_gives_the_same_bytes(programme):
    # given the report made twice
    officer = officer_of(programme, "officer-a")
    first = donor_report(user=officer, programme=programme, starts_on=START, ends_on=END)
    second = donor_report(user=officer, programme=programme, starts_on=START, ends_on=END)

    # then both files are byte for byte the same
    assert donor_report_pdf(first) == donor_report_pdf(second)
    assert donor_report_xlsx(first) == donor_report_xlsx(second)


def test_the_report_is_refused_to_an_officer_of_another_programme(programme):
    # given an officer of another programme
    officer_b = officer_of(ProgrammeFactory(code="other"), "officer-b")

    # when they ask for the report
    with pytest.raises(ApplicationError) as refused:
        donor_report(user=officer_b, programme=programme, starts_on=START, ends_on=END)

    # then it is refused
    assert refused.value.message == "You may not see this programme's figures."


def test_downloading_the_report_through_the_admin(programme, client):
    # given an officer of the programme and one of another
    officer = officer_of(programme, "officer-a")
    officer_b = officer_of(ProgrammeFactory(code="other"), "officer-b")
    query = {"programme": programme.pk, "starts_on": "2026-01-01", "ends_on": "2026-06-30"}
    url = reverse("grants_donor_report")

    # when each asks for the PDF and the workbook
    client.force_login(officer)
    pdf = client.get(url, {**query, "format": "pdf"})
    xlsx = client.get(url, {**query, "format": "xlsx"})
    backwards = client.get(
        url, {**query, "ends_on": "2025-01-01", "format": "pdf"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    client.force_login(officer_b)
    refused = client.get(url, {**query, "format": "pdf"}, HTTP_ACCEPT_LANGUAGE="en")

    # then the officer gets both files, and neither a backwards period nor another programme is served
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert pdf["Content-Disposition"] == 'attachment; filename="donor-report-don-1-20260101-20260630.pdf"'
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert backwards.status_code == 400
    assert "The period cannot end before it starts." in backwards.content.decode()
    assert refused.status_code == 400
    assert "Choose one of the programmes you may report on." in refused.content.decode()


def test_every_role_against_the_donor_report_door(programme, client):
    # given a user of each role
    users = {
        "anonymous": None,
        "plain staff": admin_user_with(),
        "superuser": UserFactory(superuser=True),
        "officer": officer_of(programme, "officer-a"),
        "programme viewer": admin_user_with("grants.view_programme", "grants.view_all_programmes"),
        **{
            name: UserFactory(groups=[name])
            for name in (
                roles.EDITOR,
                roles.HELPLINE,
                roles.OUTREACH_MANAGER,
                roles.CAMPAIGN_MANAGER,
                roles.PARTNER,
            )
            if Group.objects.filter(name=name).exists()
        },
    }
    allowed = {"superuser", "officer", "programme viewer"}
    for role, user in users.items():
        client.logout()
        if user is not None:
            client.force_login(user)

        # when they open the form and ask for the file
        form = client.get(reverse("grants_donor_report")).status_code
        download = client.get(
            reverse("grants_donor_report"),
            {"programme": programme.pk, "starts_on": "2026-01-01", "ends_on": "2026-06-30", "format": "xlsx"},
        ).status_code

        # then only those who may see the programme's aggregates get them
        if role in allowed:
            assert (form, download) == (200, 200), role
        else:
            assert form in (302, 403) and download in (302, 403), f"{role}: {form} {download}"
