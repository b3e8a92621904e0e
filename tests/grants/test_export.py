"""Exports of the filtered grant listings: scoped rows, names only for those who may see them, and an
audit entry for each."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

import outreach.grants.import_hooks  # noqa: F401 - registers the admin URLs until wagtail_hooks imports it
from outreach.core import roles
from outreach.core.exceptions import ApplicationError
from outreach.grants.exports import LOG_EXPORT_LIST, list_export
from outreach.grants.models import Award
from tests.factories.grants import (
    AwardFactory,
    CohortFactory,
    DisbursementFactory,
    GranteeFactory,
    InstitutionFactory,
    ProgrammeFactory,
    ProgressReportFactory,
    officer_of,
)
from tests.factories.users import UserFactory, admin_user_with

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def world(db):
    """Programme A with two grantees in one cohort (one withdrawn), programme B with one."""
    a, b = ProgrammeFactory(code="prog-a"), ProgrammeFactory(code="prog-b")
    cohort_a = CohortFactory(programme=a, name="2025 intake")
    university = InstitutionFactory(name="Satbayev University", city="Almaty")
    first = AwardFactory(
        grantee=GranteeFactory(programme=a, code="A-0001", name_latin="Maryam Ahmadi", email="m@example.org"),
        cohort=cohort_a,
        institution=university,
    )
    second = AwardFactory(
        grantee=GranteeFactory(programme=a, code="A-0002", name_latin="Ahmad Rahimi", gender="male"),
        cohort=cohort_a,
        institution=university,
        status=Award.Status.WITHDRAWN,
    )
    other = AwardFactory(grantee=GranteeFactory(programme=b, code="B-0001", name_latin="Zahra Karimi"))
    return {"a": a, "b": b, "cohort_a": cohort_a, "awards": (first, second, other)}


def rows_of(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_an_officer_exports_their_grantees_with_names_and_contacts(world):
    # given an officer of A (the group holds the personal-data permission)
    officer = officer_of(world["a"], "officer-a")

    # when they export the grantees as CSV
    export = list_export(user=officer, list_name="grantees", params={}, file_format="csv")

    # then only A's grantees are in it, with names and contacts
    assert rows_of(export.content) == [
        [
            "Code",
            "Grantee",
            "Name (original script)",
            "Name (Latin)",
            "Date of birth",
            "Programme",
            "Gender",
            "Nationality",
            "Province",
            "Email",
            "Phone",
            "Messenger",
            "Papers",
        ],
        [
            "A-0001",
            "Maryam Ahmadi (مریم احمدی)",
            "مریم احمدی",
            "Maryam Ahmadi",
            "2004-05-17",
            "prog-a",
            "Female",
            "Afghan",
            "Balkh",
            "m@example.org",
            "'+7 700 000 00 00",
            "",
            "",
        ],
        [
            "A-0002",
            "Ahmad Rahimi (مریم احمدی)",
            "مریم احمدی",
            "Ahmad Rahimi",
            "2004-05-17",
            "prog-a",
            "Male",
            "Afghan",
            "Balkh",
            export_email(world, "A-0002"),
            "'+7 700 000 00 00",
            "",
            "",
        ],
    ]
    assert export.rows == 2


def export_email(world, code: str) -> str:
    return next(award.grantee.email for award in world["awards"] if award.grantee.code == code)


def test_without_the_personal_data_permission_grantees_are_their_codes(world):
    # given a reader of every programme without the personal-data permission
    reader = admin_user_with("grants.view_grantee", "grants.view_programme", "grants.view_all_programmes")

    # when they export the grantees
    export = list_export(user=reader, list_name="grantees", params={}, file_format="csv")

    # then there is no name, date of birth or contact, only codes
    assert rows_of(export.content) == [
        ["Code", "Programme", "Gender", "Nationality", "Province"],
        ["A-0001", "prog-a", "Female", "Afghan", "Balkh"],
        ["A-0002", "prog-a", "Male", "Afghan", "Balkh"],
        ["B-0001", "prog-b", "Female", "Afghan", "Balkh"],
    ]
    for secret in ("Maryam", "Ahmad", "Zahra", "example.org", "مریم"):
        assert secret.encode() not in export.content


def test_the_listing_filters_apply_and_the_audit_entry_names_no_one(world):
    # given an officer of A
    officer = officer_of(world["a"], "officer-a")

    # when they export A's active awards found by a name
    export = list_export(
        user=officer,
        list_name="awards",
        params={"programme": str(world["a"].pk), "status": "active", "q": "Maryam"},
        file_format="csv",
    )

    # then one award is exported, and the audit entry holds the filters without the search words
    table = rows_of(export.content)
    assert [row[:6] for row in table] == [
        ["Code", "Grantee", "Programme", "Cohort", "Institution", "City"],
        ["A-0001", "Maryam Ahmadi (مریم احمدی)", "prog-a", "2025 intake", "Satbayev University", "Almaty"],
    ]
    entry = ModelLogEntry.objects.get(action=LOG_EXPORT_LIST)
    assert (entry.object_id, entry.user_id, entry.data) == (
        str(world["a"].pk),
        officer.pk,
        {
            "model": "award",
            "filters": {"programme": [world["a"].pk], "status": ["active"], "search": True},
            "rows": 1,
            "format": "csv",
        },
    )
    assert "Maryam" not in str(entry.data) and "Maryam" not in entry.label


def test_an_officer_of_b_cannot_export_from_a(world, client):
    # given an officer of B
    officer = officer_of(world["b"], "officer-b")

    # when they ask for A's grantees, and for every list without a filter
    with pytest.raises(ApplicationError) as refused:
        list_export(
            user=officer, list_name="grantees", params={"programme": str(world["a"].pk)}, file_format="csv"
        )
    everything = list_export(user=officer, list_name="awards", params={}, file_format="csv")
    client.force_login(officer)
    response = client.get(
        reverse("grants_export", args=["grantees", "xlsx"]),
        {"programme": world["a"].pk},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    # then A is refused (and not recorded as an export), and B's own list holds only B
    message = "The filters name something you may not see or do not exist; nothing was exported."
    assert refused.value.message == message
    assert response.status_code == 400 and message in response.content.decode()
    assert [row[0] for row in rows_of(everything.content)] == ["Code", "B-0001"]
    assert list(ModelLogEntry.objects.filter(action=LOG_EXPORT_LIST).values_list("data", flat=True)) == [
        {"model": "award", "filters": {}, "rows": 1, "format": "csv"}
    ]


def test_disbursements_and_progress_reports_as_xlsx(world, client):
    # given a payment and a report in A and in B
    first, _second, other = world["awards"]
    DisbursementFactory(award=first, month=datetime.date(2026, 3, 1), amount=Decimal("150000"))
    DisbursementFactory(award=other, month=datetime.date(2026, 3, 1))
    ProgressReportFactory(award=first, term="2026-spring", gpa=Decimal("3.40"), officer_comment="Doing well")
    ProgressReportFactory(award=other, term="2026-spring")
    officer = officer_of(world["a"], "officer-a")
    client.force_login(officer)

    # when the officer downloads both lists as XLSX through the admin
    payments = client.get(reverse("grants_export", args=["disbursements", "xlsx"]))
    reports = client.get(
        reverse("grants_export", args=["progress-reports", "xlsx"]), {"academic_status": "good"}
    )

    # then each holds A's row only, with typed cells
    assert (payments.status_code, reports.status_code) == (200, 200)
    assert payments["Content-Disposition"].startswith('attachment; filename="disbursements-')
    sheet = load_workbook(io.BytesIO(payments.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][:7] == ["Code", "Grantee", "Programme", "Cohort", "Institution", "Month", "Kind"]
    assert values[1][:10] == [
        "A-0001",
        "Maryam Ahmadi (مریم احمدی)",
        "prog-a",
        "2025 intake",
        "Satbayev University",
        "2026-03",
        "Stipend",
        150000,
        "KZT",
        "Due",
    ]
    assert len(values) == 2
    report_rows = [
        list(row) for row in load_workbook(io.BytesIO(reports.content)).active.iter_rows(values_only=True)
    ]
    assert report_rows[0][-2:] == ["Academic status", "Officer's comment"]
    assert [row[0] for row in report_rows[1:]] == ["A-0001"]
    assert report_rows[1][-2:] == ["In good standing", "Doing well"]
    assert ModelLogEntry.objects.filter(action=LOG_EXPORT_LIST).count() == 2


def test_a_formula_in_a_cell_is_neutralised(world):
    # given a field of study that a spreadsheet would run
    first = world["awards"][0]
    first.field_of_study = '=HYPERLINK("http://example.org")'
    first.save()

    # when the awards are exported
    export = list_export(
        user=officer_of(world["a"], "officer-a"), list_name="awards", params={}, file_format="csv"
    )

    # then the cell is text
    assert "'=HYPERLINK" in export.content.decode("utf-8-sig")


def test_export_queries_do_not_grow_with_the_rows(world, client, django_assert_num_queries):
    # given an officer of A exporting awards, with 2 and then 22 awards
    officer = officer_of(world["a"], "officer-a")
    client.force_login(officer)
    url = reverse("grants_export", args=["awards", "csv"])
    client.get(url)  # warms the content type cache, as a running server has it
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(20):
        AwardFactory(grantee=GranteeFactory(programme=world["a"]), cohort=world["cohort_a"])
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert len(rows_of(response.content)) == 23


def test_every_role_against_the_export_doors(world, client):
    # given a user of each role
    users = {
        "anonymous": None,
        "plain staff": admin_user_with(),
        "superuser": UserFactory(superuser=True),
        "officer": officer_of(world["a"], "officer-a"),
        **{
            name: UserFactory(groups=[name])
            for name in (
                roles.EDITOR,
                roles.PUBLISHER,
                roles.HELPLINE,
                roles.OUTREACH_MANAGER,
                roles.CAMPAIGN_MANAGER,
                roles.PARTNER,
                roles.ADMINISTRATOR,
            )
            if Group.objects.filter(name=name).exists()
        },
    }
    for role, user in users.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for list_name in ("grantees", "awards", "disbursements", "progress-reports"):
            # when they ask for the list
            status = client.get(reverse("grants_export", args=[list_name, "csv"])).status_code

            # then only officers and superusers get it, and administrators the list of grantees by
            # code, which they see to put a record under the emergency lock
            allowed = ("superuser", "officer", *(("Administrator",) if list_name == "grantees" else ()))
            assert (status == 200) is (role in allowed), f"{role} {list_name}: {status}"
            if role not in allowed:
                assert status in (302, 403), f"{role} {list_name}: {status}"
