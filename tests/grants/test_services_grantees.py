"""One grantee's record: progress reports, consent, and the privacy duties (every view audited, the
emergency lock, export of everything held, erasure that keeps the aggregates, names only for those
who may see them)."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import translation
from wagtail.documents import get_document_model
from wagtail.models import ModelLogEntry

from outreach.core.exceptions import ApplicationError
from outreach.grants import log_actions  # noqa: F401 - the audit actions' labels
from outreach.grants.models import (
    Award,
    AwardTransition,
    Consent,
    Disbursement,
    Grantee,
    GranteeDocument,
    OutcomeRecord,
    ProgressReport,
    ResidenceDocument,
)
from outreach.grants.selectors import grantees_visible_to
from outreach.grants.services import (
    consent_current,
    consent_record,
    grantee_display_name,
    grantee_erase,
    grantee_export,
    grantee_lock,
    grantee_viewed,
    progress_report_record,
)
from tests.factories.grants import (
    AwardFactory,
    DisbursementFactory,
    GranteeFactory,
    OutcomeRecordFactory,
    ProgrammeFactory,
    ProgressReportFactory,
    ResidenceDocumentFactory,
    officer_of,
)
from tests.factories.users import UserFactory, admin_user_with

pytestmark = pytest.mark.django_db

NAME_LATIN = "Maryam Ahmadi"
NAME_ORIGINAL = "مریم احمدی"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def award():
    return AwardFactory(
        grantee=GranteeFactory(code="AFG-0042", name_latin=NAME_LATIN, name_original=NAME_ORIGINAL)
    )


def report_values(**overrides):
    values = {
        "term": "2026-spring",
        "ends_on": datetime.date(2026, 6, 20),
        "gpa": Decimal("3.10"),
        "credits": 30,
        "attendance_percent": Decimal("88.5"),
        "academic_status": ProgressReport.AcademicStatus.GOOD,
        "officer_comment": "Steady semester.",
        "submitted_on": datetime.date(2026, 7, 1),
    }
    return {**values, **overrides}


# --- Progress reports ------------------------------------------------------------------------------------


def test_a_progress_report_is_recorded(award):
    # given
    officer = officer_of(award.cohort.programme, "officer")
    # when
    report = progress_report_record(award=award, actor=officer, **report_values())
    # then
    stored = ProgressReport.objects.get()
    assert stored.pk == report.pk
    assert (stored.term, stored.gpa, stored.credits, stored.attendance_percent) == (
        "2026-spring",
        Decimal("3.10"),
        30,
        Decimal("88.50"),
    )
    assert ModelLogEntry.objects.get(action="grants.record_progress_report").data == {"term": "2026-spring"}


def test_a_second_report_for_the_same_term_is_refused(award):
    officer = officer_of(award.cohort.programme, "officer")
    progress_report_record(award=award, actor=officer, **report_values())
    with pytest.raises(ApplicationError) as refused:
        progress_report_record(award=award, actor=officer, **report_values(gpa=Decimal("2.00")))
    assert refused.value.message == (
        "A report for 2026-spring has already been recorded for this award; change that one instead."
    )
    assert list(ProgressReport.objects.values_list("gpa", flat=True)) == [Decimal("3.10")]


def test_a_gpa_out_of_range_is_refused(award):
    officer = officer_of(award.cohort.programme, "officer")
    with pytest.raises(ApplicationError) as refused:
        progress_report_record(award=award, actor=officer, **report_values(gpa=Decimal("5.50")))
    assert refused.value.message == "Ensure this value is less than or equal to 5."
    assert not ProgressReport.objects.exists()


def test_an_officer_of_another_programme_may_not_record_a_report(award):
    with pytest.raises(ApplicationError) as refused:
        progress_report_record(
            award=award, actor=officer_of(ProgrammeFactory(), "stranger"), **report_values()
        )
    assert refused.value.message == "You may not record progress reports for this award."
    assert not ProgressReport.objects.exists()


# --- Consent ---------------------------------------------------------------------------------------------


def test_consent_is_recorded_per_purpose_and_the_latest_stands(award):
    # given
    grantee = award.grantee
    officer = officer_of(award.cohort.programme, "officer")
    assert consent_current(grantee=grantee) == {"story": False, "recontact": False, "funder_sharing": False}
    # when
    consent_record(grantee=grantee, purpose="story", is_given=True, note="Signed form", actor=officer)
    consent_record(grantee=grantee, purpose="recontact", is_given=True, note="", actor=officer)
    consent_record(grantee=grantee, purpose="story", is_given=False, note="Withdrawn by phone", actor=officer)
    # then
    assert consent_current(grantee=grantee) == {"story": False, "recontact": True, "funder_sharing": False}
    assert Consent.objects.count() == 3
    assert list(
        ModelLogEntry.objects.filter(action="grants.record_consent")
        .order_by("pk")
        .values_list("data", flat=True)
    ) == [
        {"purpose": "story", "is_given": True},
        {"purpose": "recontact", "is_given": True},
        {"purpose": "story", "is_given": False},
    ]


def test_an_unknown_purpose_or_a_stranger_is_refused(award):
    officer = officer_of(award.cohort.programme, "officer")
    with pytest.raises(ApplicationError) as refused:
        consent_record(grantee=award.grantee, purpose="marketing", is_given=True, note="", actor=officer)
    assert refused.value.message == "Value 'marketing' is not a valid choice."
    with pytest.raises(ApplicationError) as refused:
        consent_record(
            grantee=award.grantee,
            purpose="story",
            is_given=True,
            note="",
            actor=officer_of(ProgrammeFactory(), "x"),
        )
    assert refused.value.message == "You may not record this grantee's consent."
    assert not Consent.objects.exists()


# --- Views, names, lock ----------------------------------------------------------------------------------


def test_a_view_of_the_personal_page_is_audited_by_code(award):
    officer = officer_of(award.cohort.programme, "officer")
    grantee_viewed(grantee=award.grantee, actor=officer)
    entry = ModelLogEntry.objects.get(action="grants.view_grantee")
    assert (entry.data, entry.label, entry.user_id) == ({"grantee": "AFG-0042"}, "AFG-0042", officer.pk)
    assert NAME_LATIN not in str(entry.data)


def test_names_are_shown_only_to_holders_of_the_personal_data_permission(award):
    grantee = award.grantee
    programme = award.cohort.programme
    readers = {
        "officer of the programme": (officer_of(programme, "officer"), f"{NAME_LATIN} ({NAME_ORIGINAL})"),
        "viewer without personal data": (
            admin_user_with("grants.view_grantee", "grants.view_all_programmes"),
            "AFG-0042",
        ),
        "officer of another programme": (officer_of(ProgrammeFactory(), "stranger"), "AFG-0042"),
        "partner": (UserFactory(groups=["Partner"]), "AFG-0042"),
        "anonymous": (AnonymousUser(), "AFG-0042"),
        "superuser": (UserFactory(superuser=True), f"{NAME_LATIN} ({NAME_ORIGINAL})"),
    }
    for role, (user, shown) in readers.items():
        assert grantee_display_name(grantee=grantee, user=user) == shown, role
    Grantee.objects.filter(pk=grantee.pk).update(name_original="")
    grantee.refresh_from_db()
    assert grantee_display_name(grantee=grantee, user=readers["superuser"][0]) == NAME_LATIN


def test_the_emergency_lock_hides_the_record_at_once_and_only_administrators_hold_it(award):
    # given
    grantee = award.grantee
    officer = officer_of(award.cohort.programme, "officer")
    administrator = UserFactory(permissions=["grants.lock_grantee"])
    # when: an officer tries
    with pytest.raises(ApplicationError) as refused:
        grantee_lock(grantee=grantee, actor=officer, locked=True, reason="Threat reported")
    # then
    assert refused.value.message == "You may not lock or unlock a grantee's record."
    assert not Grantee.objects.get(pk=grantee.pk).is_locked
    # when: an administrator locks it without saying why
    with pytest.raises(ApplicationError) as refused:
        grantee_lock(grantee=grantee, actor=administrator, locked=True, reason="  ")
    # then it is refused and nothing changes
    assert refused.value.message == "Say why the record is locked."
    assert not Grantee.objects.get(pk=grantee.pk).is_locked
    # when: an administrator locks it with a reason
    grantee_lock(grantee=grantee, actor=administrator, locked=True, reason="Threat reported")
    # then the reason is kept on the record, encrypted in the database
    stored = Grantee.objects.get(pk=grantee.pk)
    assert (stored.is_locked, stored.locked_by, stored.locked_reason) == (
        True,
        administrator,
        "Threat reported",
    )
    assert stored.locked_at is not None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT locked_reason FROM {Grantee._meta.db_table} WHERE id = %s", [grantee.pk])
        assert "Threat" not in cursor.fetchone()[0]
    assert list(grantees_visible_to(user=officer)) == []
    assert grantee_display_name(grantee=stored, user=officer) == "AFG-0042"
    entry = ModelLogEntry.objects.get(action="grants.lock")
    assert entry.data == {"grantee": "AFG-0042", "locked": True}
    assert "Threat" not in str(entry.data)
    # when: lifted
    grantee_lock(grantee=grantee, actor=administrator, locked=False)
    # then
    stored.refresh_from_db()
    assert (stored.is_locked, stored.locked_at, stored.locked_by, stored.locked_reason) == (
        False,
        None,
        None,
        "",
    )
    assert list(grantees_visible_to(user=officer)) == [stored]


# --- Export and erasure ----------------------------------------------------------------------------------


@pytest.fixture
def full_record(award, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    grantee = award.grantee
    grantee.language = "fa-af"
    grantee.save(update_fields=["language"])
    Document = get_document_model()
    scan = Document.objects.create(title="Visa scan", file=ContentFile(b"%PDF-1.4 visa", name="visa.pdf"))
    letter = Document.objects.create(title="Letter", file=ContentFile(b"%PDF-1.4 letter", name="letter.pdf"))
    ResidenceDocumentFactory(
        grantee=grantee,
        number="KZ1234567",
        expires_on=datetime.date(2026, 8, 19),
        file=scan,
    )
    GranteeDocument.objects.create(grantee=grantee, award=award, title="Admission letter", file=letter)
    Consent.objects.create(
        grantee=grantee,
        purpose="story",
        is_given=True,
        at=datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC),
        note="Signed form in Dari",
    )
    AwardTransition.objects.create(
        award=award,
        from_status="enrolled",
        to_status="active",
        reason="Maryam arrived in Almaty",
        at=datetime.datetime(2025, 9, 1, tzinfo=datetime.UTC),
    )
    ProgressReportFactory(
        award=award, term="2025-autumn", gpa=Decimal("3.40"), officer_comment="Maryam does well"
    )
    DisbursementFactory(
        award=award, month=datetime.date(2026, 3, 1), status="held", held_reason="Maryam's visa"
    )
    OutcomeRecordFactory(award=award, position="Deputy minister", is_leadership=True)
    Grantee.objects.filter(pk=grantee.pk).update(cannot_return_safely=True)
    grantee.refresh_from_db()
    return grantee


def test_the_export_holds_everything_and_is_audited(full_record, award):
    # given
    officer = officer_of(award.cohort.programme, "officer")
    # when
    data = grantee_export(grantee=full_record, actor=officer)
    # then
    assert data["grantee"] == {
        "code": "AFG-0042",
        "programme": award.cohort.programme.code,
        "name_original": NAME_ORIGINAL,
        "name_latin": NAME_LATIN,
        "date_of_birth": "2004-05-17",
        "gender": "female",
        "nationality": "Afghan",
        "province_of_origin": "Balkh",
        "email": full_record.email,
        "phone": "+7 700 000 00 00",
        "messenger": "",
        "language": "fa-af",
        "erased_at": None,
    }
    assert data["residence_documents"] == [
        {
            "kind": "visa",
            "number": "KZ1234567",
            "issued_on": "2025-08-20",
            "expires_on": "2026-08-19",
            "file": "visa.pdf",
        }
    ]
    assert data["consents"] == [
        {
            "purpose": "story",
            "is_given": True,
            "at": "2026-01-05T00:00:00+00:00",
            "note": "Signed form in Dari",
        }
    ]
    assert data["documents"] == [{"title": "Admission letter", "award": award.pk, "file": "letter.pdf"}]
    [exported] = data["awards"]
    assert exported["status_history"] == [
        {
            "from": "enrolled",
            "to": "active",
            "reason": "Maryam arrived in Almaty",
            "at": "2025-09-01T00:00:00+00:00",
        }
    ]
    assert exported["progress_reports"][0]["officer_comment"] == "Maryam does well"
    assert exported["disbursements"] == [
        {
            "month": "2026-03-01",
            "kind": "stipend",
            "amount": "150000.00",
            "status": "held",
            "held_reason": "Maryam's visa",
            "paid_on": None,
        }
    ]
    assert exported["outcomes"][0]["position"] == "Deputy minister"
    entry = ModelLogEntry.objects.get(action="grants.export_grantee")
    assert entry.data == {"grantee": "AFG-0042"}


def test_the_cannot_return_flag_is_exported_only_to_those_who_may_see_it(full_record, award):
    senior = officer_of(award.cohort.programme, "senior", senior=True)
    assert grantee_export(grantee=full_record, actor=senior)["grantee"]["cannot_return_safely"] is True


def test_export_is_refused_without_personal_data_rights(full_record):
    viewer = admin_user_with("grants.view_grantee", "grants.view_all_programmes")
    with pytest.raises(ApplicationError) as refused:
        grantee_export(grantee=full_record, actor=viewer)
    assert refused.value.message == "You may not export this grantee's data."
    assert not ModelLogEntry.objects.filter(action="grants.export_grantee").exists()


def test_erasure_empties_what_names_the_person_and_keeps_the_aggregates(full_record, award):
    # given
    eraser = UserFactory(superuser=True)
    document_ids = list(get_document_model().objects.values_list("pk", flat=True))
    # when
    grantee_erase(grantee=full_record, actor=eraser)
    # then: the person is gone
    stored = Grantee.objects.get(pk=full_record.pk)
    assert (stored.code, stored.name_original, stored.name_latin, stored.date_of_birth) == (
        "AFG-0042",
        "",
        "",
        None,
    )
    assert (stored.email, stored.phone, stored.messenger) == ("", "", "")
    assert stored.erased_at is not None
    assert list(ResidenceDocument.objects.values_list("kind", "number", "file", "expires_on")) == [
        ("visa", "", None, datetime.date(2026, 8, 19))
    ]
    assert not GranteeDocument.objects.exists()
    assert not get_document_model().objects.filter(pk__in=document_ids).exists()
    assert list(Consent.objects.values_list("purpose", "is_given", "note")) == [("story", True, "")]
    assert list(AwardTransition.objects.values_list("to_status", "reason")) == [("active", "")]
    assert list(ProgressReport.objects.values_list("gpa", "officer_comment")) == [(Decimal("3.40"), "")]
    assert list(OutcomeRecord.objects.values_list("is_leadership", "position")) == [(True, "")]
    # and the aggregates stay
    assert list(Award.objects.values_list("pk", "status")) == [(award.pk, "active")]
    assert list(Disbursement.objects.values_list("amount", "status", "held_reason")) == [
        (Decimal("150000.00"), "held", "Held before the grantee's data was erased.")
    ]
    # and the raw columns hold no trace of the contacts
    with connection.cursor() as cursor:
        cursor.execute("SELECT email FROM grants_grantee WHERE id = %s", [stored.pk])
        assert "example.org" not in cursor.fetchone()[0]
    entry = ModelLogEntry.objects.get(action="grants.erase_grantee")
    assert entry.data == {"grantee": "AFG-0042"}
    assert grantee_display_name(grantee=stored, user=eraser) == "AFG-0042"


def test_erasure_is_refused_to_officers_and_twice(full_record, award):
    # given: officers may not delete grantees, so they may not erase
    officer = officer_of(award.cohort.programme, "officer")
    with pytest.raises(ApplicationError) as refused:
        grantee_erase(grantee=full_record, actor=officer)
    assert refused.value.message == "You may not erase this grantee's data."
    assert Grantee.objects.get(pk=full_record.pk).name_latin == NAME_LATIN
    assert ResidenceDocument.objects.get().number == "KZ1234567"
    # when erased once, a second time is refused
    eraser = UserFactory(superuser=True)
    grantee_erase(grantee=full_record, actor=eraser)
    with pytest.raises(ApplicationError) as refused:
        grantee_erase(grantee=full_record, actor=eraser)
    assert refused.value.message.startswith("This grantee's data was already erased on ")
    assert ModelLogEntry.objects.filter(action="grants.erase_grantee").count() == 1
