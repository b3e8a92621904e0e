"""The grantee import: a file is read, every row checked, previewed, and written all or nothing."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import ModelLogEntry

import outreach.grants.import_hooks  # noqa: F401 - registers the admin URLs until wagtail_hooks imports it
from outreach.core import roles
from outreach.core.exceptions import ApplicationError
from outreach.grants import imports
from outreach.grants.imports import ImportIssue, import_commit, import_parse, import_validate
from outreach.grants.models import Award, Grantee, Institution
from tests.factories.grants import (
    CohortFactory,
    GranteeFactory,
    InstitutionFactory,
    ProgrammeFactory,
    officer_of,
)
from tests.factories.users import UserFactory, admin_user_with

pytestmark = pytest.mark.django_db
FILES = Path(__file__).parent / "files"
HEADER = (
    "Code,Name (Latin),Programme,Cohort,Institution,Institution city,Degree level,Field of study,"
    "Starts on,Expected end,Stipend"
)


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def programme(db):
    programme = ProgrammeFactory(code="afg-edu", name="Education for Afghan students")
    CohortFactory(programme=programme, name="2025 intake")
    InstitutionFactory(name="Al-Farabi Kazakh National University", city="Almaty")
    return programme


@pytest.fixture
def officer(programme):
    return officer_of(programme, "officer-a")


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def counts() -> tuple[int, int, int, int]:
    return (
        Grantee.objects.count(),
        Award.objects.count(),
        Institution.objects.count(),
        ModelLogEntry.objects.filter(action=imports.LOG_IMPORT).count(),
    )


def test_a_csv_with_bom_and_semicolons_is_previewed_then_written(programme, officer):
    # given the sample CSV (UTF-8 with BOM, semicolons, labels and DD.MM.YYYY dates)
    parsed = import_parse(file_bytes=(FILES / "grantees.csv").read_bytes(), filename="grantees.csv")

    # when it is previewed and committed
    preview = import_validate(parsed=parsed, user=officer)
    result = import_commit(parsed=parsed, user=officer)

    # then the preview counts three new rows and the commit writes them exactly
    assert preview.errors == []
    assert [(row.number, row.code, row.action) for row in preview.rows] == [
        (2, "AFG-EDU-0001", "create"),
        (3, "AFG-EDU-0002", "create"),
        (4, "AFG-EDU-0003", "create"),
    ]
    assert (result.created, result.updated, result.unchanged, result.institutions_created) == (3, 0, 0, 1)
    maryam = Grantee.objects.get(code="AFG-EDU-0001")
    assert (
        maryam.programme_id,
        maryam.name_original,
        maryam.name_latin,
        maryam.date_of_birth,
        maryam.gender,
        maryam.province_of_origin,
        maryam.email,
        maryam.phone,
    ) == (
        programme.pk,
        "مریم احمدی",
        "Maryam Ahmadi",
        datetime.date(2004, 5, 17),
        "female",
        "Balkh",
        "maryam@example.org",
        "+7 700 000 00 01",
    )
    ahmad = Award.objects.get(grantee__code="AFG-EDU-0002")
    assert (
        ahmad.cohort.name,
        ahmad.institution.name,
        ahmad.institution.city,
        ahmad.degree_level,
        ahmad.stipend_amount,
        ahmad.status,
    ) == ("2025 intake", "Nazarbayev University", "Astana", "master", Decimal("180000.50"), "selected")
    zahra = Award.objects.get(grantee__code="AFG-EDU-0003")
    assert (zahra.grantee.gender, zahra.degree_level, zahra.stipend_frequency, zahra.tuition_amount) == (
        "unstated",
        "foundation",
        "quarterly",
        Decimal("0.00"),
    )
    assert (zahra.starts_on, zahra.expected_end_on) == (datetime.date(2025, 9, 1), datetime.date(2026, 6, 30))
    entry = ModelLogEntry.objects.get(action=imports.LOG_IMPORT)
    assert (entry.object_id, entry.user_id, entry.data) == (
        str(programme.pk),
        officer.pk,
        {"rows": 3, "created": 3, "updated": 0, "unchanged": 0},
    )


def test_the_same_xlsx_imported_twice_creates_nothing_the_second_time_and_changes_update(programme, officer):
    # given the sample workbook imported once
    file_bytes = (FILES / "grantees.xlsx").read_bytes()
    import_commit(parsed=import_parse(file_bytes=file_bytes, filename="grantees.xlsx"), user=officer)
    before = (Grantee.objects.count(), Award.objects.count(), Institution.objects.count())

    # when it is imported again, and then with one stipend changed
    again = import_commit(parsed=import_parse(file_bytes=file_bytes, filename="grantees.xlsx"), user=officer)
    parsed = import_parse(file_bytes=file_bytes, filename="grantees.xlsx")
    parsed.rows[0].values["stipend_amount"] = 160000
    parsed.rows[1].values["email"] = "ahmad.rahimi@example.org"
    changed = import_commit(parsed=parsed, user=officer)

    # then nothing was duplicated, and only the changed row was updated
    assert before == (3, 3, 2)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 2, 1)
    assert (Grantee.objects.count(), Award.objects.count(), Institution.objects.count()) == before
    assert Award.objects.get(grantee__code="AFG-EDU-0001").stipend_amount == Decimal("160000.00")
    assert Grantee.objects.get(code="AFG-EDU-0002").email == "ahmad.rahimi@example.org"


def test_every_error_is_listed_with_its_row_and_column_and_nothing_is_written(programme, officer):
    # given a file whose rows break each rule once, and one good row
    content = csv_bytes(
        "G-1,Ok Person,afg-edu,2025 intake,Al-Farabi Kazakh National University,,bachelor,Law,"
        "2025-09-01,2029-06-30,100",
        "G-2,Bad Dates,afg-edu,2025 intake,Al-Farabi Kazakh National University,,bachelor,Law,"
        "31.02.2025,2024-06-30,-5",
        "G-3,Unknown Cohort,afg-edu,2031 intake,New College,,phd,Law,2025-09-01,2029-06-30,100",
        "G-1,Twice,afg-edu,2025 intake,Al-Farabi Kazakh National University,,bachelor,Law,"
        "2025-09-01,2029-06-30,100",
        "G-5,End Before Start,afg-edu,2025 intake,Al-Farabi Kazakh National University,,bachelor,Law,"
        "2025-09-01,2024-06-30,12.345",
        ",,nowhere,2025 intake,Al-Farabi Kazakh National University,,bachelor,,2025-09-01,2029-06-30,",
    )
    before = counts()
    parsed = import_parse(file_bytes=content, filename="grantees.csv")

    # when it is previewed, and committed anyway
    preview = import_validate(parsed=parsed, user=officer)
    with pytest.raises(ApplicationError) as refused:
        import_commit(parsed=parsed, user=officer)

    # then every error is listed by row and column, and nothing was written
    assert preview.errors == [
        ImportIssue(3, "Starts on", "Write the date as YYYY-MM-DD or DD.MM.YYYY."),
        ImportIssue(3, "Stipend", "An amount cannot be negative."),
        ImportIssue(4, "Cohort", "The programme has no cohort of this name; add the cohort first."),
        ImportIssue(
            4,
            "Degree level",
            "Choose one of: foundation (Foundation year), bachelor (Bachelor), "
            "master (Master), doctorate (Doctorate).",
        ),
        ImportIssue(5, "Code", "This code is also on row 2."),
        ImportIssue(6, "Expected end", "The award cannot end before it starts."),
        ImportIssue(6, "Stipend", "At most two decimal places."),
        ImportIssue(7, "Code", "This cell is required."),
        ImportIssue(7, "Name (Latin)", "Give the name in the original script or in Latin letters."),
        ImportIssue(7, "Programme", "No programme with this code that you may import into."),
        ImportIssue(7, "Field of study", "This cell is required."),
        ImportIssue(7, "Stipend", "This cell is required."),
    ]
    assert preview.rows == []
    assert refused.value.message == "The file has 12 errors; nothing was imported."
    assert counts() == before


def test_a_file_with_one_bad_row_writes_nothing(programme, officer):
    # given three good rows and one whose email is wrong
    good = "Al-Farabi Kazakh National University,,bachelor,Law,2025-09-01,2029-06-30,100"
    content = csv_bytes(
        f"G-1,One,afg-edu,2025 intake,{good}",
        f"G-2,Two,afg-edu,2025 intake,{good}",
        f"G-3,Three,afg-edu,2025 intake,{good}",
        f"G-4,Four,afg-edu,2025 intake,{good},not-an-address",
        header=f"{HEADER},Email",
    )
    before = counts()

    # when it is committed
    with pytest.raises(ApplicationError) as refused:
        import_commit(parsed=import_parse(file_bytes=content, filename="g.csv"), user=officer)

    # then the import is refused and no row of it was written
    assert refused.value.message == "The file has 1 errors; nothing was imported."
    assert import_validate(
        parsed=import_parse(file_bytes=content, filename="g.csv"), user=officer
    ).errors == [ImportIssue(5, "Email", "This is not an email address.")]
    assert counts() == before


def test_an_officer_of_another_programme_cannot_import_into_it(programme):
    # given an officer of programme B and a file for programme A
    other = ProgrammeFactory(code="other")
    officer_b = officer_of(other, "officer-b")
    parsed = import_parse(file_bytes=(FILES / "grantees.csv").read_bytes(), filename="grantees.csv")
    before = counts()

    # when they preview and commit it
    preview = import_validate(parsed=parsed, user=officer_b)
    with pytest.raises(ApplicationError):
        import_commit(parsed=parsed, user=officer_b)

    # then each row is refused on its programme, in the same words as an unknown programme, and nothing is written
    assert preview.errors == [
        ImportIssue(number, "Programme", "No programme with this code that you may import into.")
        for number in (2, 3, 4)
    ]
    assert counts() == before


def test_a_code_of_another_programme_a_locked_or_an_erased_grantee_is_refused(programme, officer):
    # given grantees whose codes the file reuses: one of another programme, one locked, one erased
    GranteeFactory(code="G-OTHER", programme=ProgrammeFactory(code="else"))
    GranteeFactory(code="G-LOCKED", programme=programme, is_locked=True)
    GranteeFactory(
        code="G-ERASED", programme=programme, erased_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    )
    good = "afg-edu,2025 intake,Al-Farabi Kazakh National University,,bachelor,Law,2025-09-01,2029-06-30,100"
    content = csv_bytes(f"G-OTHER,A,{good}", f"G-LOCKED,B,{good}", f"G-ERASED,C,{good}")

    # when it is previewed
    preview = import_validate(parsed=import_parse(file_bytes=content, filename="g.csv"), user=officer)

    # then each row is refused on its code
    assert preview.errors == [
        ImportIssue(2, "Code", "This code belongs to a grantee of another programme."),
        ImportIssue(3, "Code", "You may not change this grantee."),
        ImportIssue(4, "Code", "This grantee's personal data was erased; it cannot be imported again."),
    ]


@pytest.mark.parametrize(
    ("filename", "content", "expected"),
    [
        ("g.txt", b"code\n", [ImportIssue(1, "", "Upload a CSV or XLSX file.")]),
        (
            "g.xlsx",
            b"not a workbook",
            [ImportIssue(1, "", "The file could not be read as an Excel workbook (XLSX).")],
        ),
        (
            "g.csv",
            "Code\n".encode("utf-16"),
            [ImportIssue(1, "", "The CSV file is not in UTF-8; save it as CSV UTF-8.")],
        ),
        (
            "g.csv",
            b"Code,Nickname\nG-1,x\n",
            [
                ImportIssue(1, "Nickname", "This column is not one the import knows."),
                *(
                    ImportIssue(1, label, "This column is missing.")
                    for label in (
                        "Programme",
                        "Cohort",
                        "Institution",
                        "Degree level",
                        "Field of study",
                        "Starts on",
                        "Expected end",
                        "Stipend",
                    )
                ),
            ],
        ),
    ],
)
def test_a_file_that_cannot_be_read_says_why_on_row_1(filename, content, expected):
    # when an unreadable file is parsed
    parsed = import_parse(file_bytes=content, filename=filename)

    # then the reason is on row 1
    assert parsed.errors == expected


def test_import_commit_queries_do_not_grow_with_the_rows(programme, officer, django_assert_num_queries):
    # given files of 3 and of 30 new rows (one batch each) with a new institution each
    def content(count: int, prefix: str) -> bytes:
        return csv_bytes(
            *(
                f"{prefix}-{number},Person {number},afg-edu,2025 intake,College {prefix},Turkistan,bachelor,Law,"
                "2025-09-01,2029-06-30,100"
                for number in range(count)
            )
        )

    small = import_parse(file_bytes=content(3, "S"), filename="s.csv")
    large = import_parse(file_bytes=content(30, "L"), filename="l.csv")
    # a fresh user for each run: the scope is read once and cached on the user
    first, second = officer_of(programme, "officer-d"), officer_of(programme, "officer-e")
    ContentType.objects.get_for_model(programme)  # cached for the process, as in a running server
    # 1 savepoint, 2-3 the user's permissions, 4 programmes, 5 cohorts, 6 institutions, 7 grantees (none
    # exist: no awards query), 8 scope, 9 institutions, 10 grantees, 11 awards inserted, 12-14 the audit
    # entry (its foreign keys checked, then inserted), 15 release
    with django_assert_num_queries(15):
        import_commit(parsed=small, user=first)
    with django_assert_num_queries(15):
        import_commit(parsed=large, user=second)
    assert Grantee.objects.count() == 33


# --- The admin pages ---------------------------------------------------------------------------------


def test_upload_preview_and_commit_through_the_admin(client, programme, officer):
    # given an officer on the import page
    client.force_login(officer)
    upload = SimpleUploadedFile(
        "grantees.csv", (FILES / "grantees.csv").read_bytes(), content_type="text/csv"
    )

    # when they upload the file, then commit the preview
    preview = client.post(reverse("grants_import"), {"file": upload}, HTTP_ACCEPT_LANGUAGE="en")
    token = preview.context["token"]
    kept = imports._upload_folder() / imports._token_data(token, officer)["file"]
    kept_bytes = kept.read_bytes()
    commit = client.post(reverse("grants_import"), {"token": token}, HTTP_ACCEPT_LANGUAGE="en", follow=True)

    # then the preview counts the rows, nothing is written before the commit, and the commit writes them
    assert preview.status_code == 200
    assert "To be created: 3. To be updated: 0. Unchanged: 0." in preview.content.decode()
    assert b"maryam@example.org" not in kept_bytes  # encrypted while it waits
    assert not kept.exists()
    assert commit.status_code == 200
    assert "Imported: 3 created, 0 updated, 0 unchanged." in commit.content.decode()
    assert Grantee.objects.filter(code__startswith="AFG-EDU-").count() == 3
    # the kept file is gone: the same token cannot commit twice
    again = client.post(reverse("grants_import"), {"token": token}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "The uploaded file has expired; upload it again." in again.content.decode()


def test_the_admin_preview_lists_errors_and_offers_no_commit(client, programme, officer):
    # given a file with one error
    client.force_login(officer)
    content = csv_bytes(
        "G-1,One,afg-edu,2025 intake,Al-Farabi Kazakh National University,,bachelor,Law,"
        "2025-09-01,2029-06-30,abc"
    )
    before = counts()

    # when it is uploaded
    response = client.post(
        reverse("grants_import"), {"file": SimpleUploadedFile("g.csv", content)}, HTTP_ACCEPT_LANGUAGE="en"
    )

    # then the error is shown with its row and column, there is no token, and nothing was written
    html = response.content.decode()
    assert response.status_code == 400
    assert "<td>2</td><td>Stipend</td><td>Write an amount, e.g. 150000 or 150000.50.</td>" in html
    assert response.context["token"] == ""
    assert counts() == before


def test_a_token_of_another_user_or_a_forged_one_commits_nothing(client, programme, officer):
    # given a file kept for one officer
    token = imports.import_file_store(
        file_bytes=(FILES / "grantees.csv").read_bytes(), filename="grantees.csv", user=officer
    )
    other = officer_of(programme, "officer-f")
    client.force_login(other)

    # when another officer commits it, or a forged token
    for forged in (token, token + "x"):
        response = client.post(
            reverse("grants_import"), {"token": forged}, HTTP_ACCEPT_LANGUAGE="en", follow=True
        )

        # then it is refused and nothing is written
        assert "The uploaded file has expired; upload it again." in response.content.decode()
    assert Grantee.objects.count() == 0


def test_every_role_against_the_import_door(client, programme):
    # given a user of each role
    users = {
        "anonymous": None,
        "plain staff": admin_user_with(),
        "superuser": UserFactory(superuser=True),
        "officer": officer_of(programme, "officer-g"),
        **{
            name: UserFactory(groups=[name])
            for name in (
                roles.EDITOR,
                roles.PUBLISHER,
                roles.THEOLOGICAL_REVIEWER,
                roles.HELPLINE,
                roles.OUTREACH_MANAGER,
                roles.CAMPAIGN_MANAGER,
                roles.PARTNER,
                roles.ADMINISTRATOR,
            )
            if Group.objects.filter(name=name).exists()
        },
    }
    allowed = {"superuser", "officer", roles.PROGRAM_OFFICER}
    for role, user in users.items():
        client.logout()
        if user is not None:
            client.force_login(user)

        # when they open the import page
        status = client.get(reverse("grants_import")).status_code

        # then only officers and superusers get it
        assert (status == 200) is (role in allowed), f"{role}: {status}"
        if role not in allowed:
            assert status in (302, 403), f"{role}: {status}"


def test_the_language_column_takes_a_code_or_a_name_and_refuses_anything_else(programme, officer):
    # given a file naming Dari by its code, Pashto by its name, and a language the site does not have
    header = f"{HEADER},Language"
    place = "afg-edu,2025 intake,Al-Farabi Kazakh National University,,bachelor,Law,2025-09-01,2029-06-30,100"
    bad = csv_bytes(f"L-1,Dari Reader,{place},fa-af", f"L-2,Pashto Reader,{place},Pashto", f"L-3,Nobody,{place},fr",
                    header=header)  # fmt: skip
    before = counts()

    # when it is previewed
    preview = import_validate(parsed=import_parse(file_bytes=bad, filename="grantees.csv"), user=officer)

    # then the unknown language is an error on its row and column, and nothing is written
    [error] = preview.errors
    assert (error.row, error.column) == (4, "Language")
    assert error.message.startswith("Choose one of: kk (Kazakh), ")
    assert counts() == before

    # when the good rows are committed, and then a file without the column updates the same people
    good = csv_bytes(f"L-1,Dari Reader,{place},fa-af", f"L-2,Pashto Reader,{place},Pashto", header=header)
    import_commit(parsed=import_parse(file_bytes=good, filename="grantees.csv"), user=officer)
    without = csv_bytes(f"L-1,Dari Reader,{place}", f"L-2,Pashto Reader,{place}")
    import_commit(parsed=import_parse(file_bytes=without, filename="grantees.csv"), user=officer)

    # then each keeps the language the first file gave
    assert dict(Grantee.objects.filter(code__startswith="L-").values_list("code", "language")) == {
        "L-1": "fa-af",
        "L-2": "ps",
    }
