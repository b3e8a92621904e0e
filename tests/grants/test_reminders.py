"""The grants reminders through a real SMTP server: semester reports missing and residence documents
expiring go to each officer once a week, naming grantees by name or code as that officer may see
them; alumni follow-ups create each wave's outcome record once and mail the survey once. A grantee
under the emergency lock gets no mail and is in nobody's."""

import datetime
import re

import pytest
from django.core import signing
from django.utils import timezone, translation

from outreach.grants import tasks
from outreach.grants.models import Award, Consent, Grantee, OutcomeRecord, ProgrammeOfficer
from outreach.grants.reminders import (
    DOCUMENT_REMINDER_ACTION,
    REPORT_REMINDER_ACTION,
    alumni_followups_send,
    document_reminders_send,
    items_reminded,
    report_reminders_send,
)
from outreach.grants.survey import SALT
from tests.factories.grants import (
    AwardFactory,
    CohortFactory,
    GranteeFactory,
    ProgrammeFactory,
    ProgressReportFactory,
    ResidenceDocumentFactory,
    officer_of,
)
from tests.factories.users import admin_user_with, in_english
from tests.smtp import free_port

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 3, 1)


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    settings.GRANTS_SURVEY_LANGUAGE = "en"
    settings.PUBLIC_BASE_URL = "https://example.org"
    with translation.override("en"):
        yield


def award_in(cohort, code: str, **kwargs) -> Award:
    grantee_fields = {
        key[len("grantee__") :]: kwargs.pop(key) for key in list(kwargs) if key.startswith("grantee__")
    }
    grantee_fields.setdefault("name_latin", f"Name of {code}")
    grantee = GranteeFactory(programme=cohort.programme, code=code, name_original="", **grantee_fields)
    return AwardFactory(grantee=grantee, cohort=cohort, **kwargs)


@pytest.fixture
def people():
    """Programme A (30 days' grace, visas warned of 60 days ahead) with an officer who may see names
    and an assigned reader who may not; programme B (10 days' warning) with its own officer."""
    programme_a = ProgrammeFactory(code="afg-edu")
    programme_b = ProgrammeFactory(code="tjk-edu", visa_warning_days=10)
    reader = in_english(
        admin_user_with(
            "grants.view_programme", "grants.view_grantee", "grants.view_award", username="code.reader"
        )
    )
    ProgrammeOfficer.objects.create(programme=programme_a, user=reader)
    return {
        "a": programme_a,
        "b": programme_b,
        "cohort_a": CohortFactory(programme=programme_a, name="2025 intake"),
        "cohort_b": CohortFactory(programme=programme_b, name="2025 intake"),
        "officer_a": officer_of(programme_a, "officer.a"),
        "reader": reader,
        "officer_b": officer_of(programme_b, "officer.b"),
    }


def lines(mail) -> list[str]:
    return [line for line in mail.part("text/plain").splitlines() if line.startswith("- ")]


# --- Semester reports ------------------------------------------------------------------------------


@pytest.fixture
def missing_reports(people):
    """Reports of programme A: one 31 days past its term (missing), one exactly 30 (still in grace),
    the locked grantee's and a withdrawn award's (both missing); one of B, missing too."""
    a, b = people["cohort_a"], people["cohort_b"]
    overdue = TODAY - datetime.timedelta(days=31)
    maryam = award_in(a, "AFG-0001", grantee__name_latin="Maryam Ahmadi")
    ProgressReportFactory(award=maryam, term="2026-autumn", ends_on=overdue, submitted_on=None)
    ProgressReportFactory(award=maryam, term="2026-spring", ends_on=datetime.date(2026, 6, 30))
    in_grace = award_in(a, "AFG-0002", status=Award.Status.PROBATION)
    ProgressReportFactory(
        award=in_grace, term="2026-autumn", ends_on=TODAY - datetime.timedelta(days=30), submitted_on=None
    )
    locked = award_in(a, "AFG-0003", grantee__is_locked=True, grantee__name_latin="Hidden Person")
    ProgressReportFactory(award=locked, term="2026-autumn", ends_on=overdue, submitted_on=None)
    withdrawn = award_in(a, "AFG-0004", status=Award.Status.WITHDRAWN)
    ProgressReportFactory(award=withdrawn, term="2026-autumn", ends_on=overdue, submitted_on=None)
    tajik = award_in(b, "TJK-0001", grantee__name_latin="Farrukh Karimov")
    ProgressReportFactory(award=tajik, term="2026-autumn", ends_on=overdue, submitted_on=None)
    return {"maryam": maryam.reports.get(term="2026-autumn"), "tajik": tajik.reports.get()}


def test_each_officer_is_told_of_the_missing_reports_by_name_or_code(
    people, missing_reports, smtp_server, settings
):
    # given reports missing in both programmes
    # when the reminder runs
    sent = report_reminders_send(today=TODAY)
    # then each officer gets one mail of their own programme's missing reports, as they may see names
    assert sent == 3
    officer_a = smtp_server.to("officer.a@example.org")
    reader = smtp_server.to("code.reader@example.org")
    officer_b = smtp_server.to("officer.b@example.org")
    assert [len(officer_a), len(reader), len(officer_b)] == [1, 1, 1]
    assert officer_a[0].message["Subject"] == "Semester reports missing"
    assert officer_a[0].message["From"] == settings.DEFAULT_FROM_EMAIL
    assert lines(officer_a[0]) == ["- Maryam Ahmadi (afg-edu), semester 2026-autumn, ended Jan. 29, 2027"]
    assert lines(reader[0]) == ["- AFG-0001 (afg-edu), semester 2026-autumn, ended Jan. 29, 2027"]
    assert lines(officer_b[0]) == ["- Farrukh Karimov (tjk-edu), semester 2026-autumn, ended Jan. 29, 2027"]
    assert "Maryam Ahmadi (afg-edu)" in officer_a[0].part("text/html")
    # and the locked grantee is in nobody's mail
    for mail in smtp_server.mails:
        for part in ("text/plain", "text/html"):
            assert "AFG-0003" not in mail.part(part)
            assert "Hidden Person" not in mail.part(part)


def test_a_missing_report_is_mailed_once_a_week(people, missing_reports, smtp_server):
    # given the reminder ran today
    report_reminders_send(today=TODAY)
    # when it runs again today, six days later (when AFG-0002's grace has run out), then seven days later
    same_day = report_reminders_send(today=TODAY)
    six_days = report_reminders_send(today=TODAY + datetime.timedelta(days=6))
    six_days_mails = smtp_server.mails[3:]
    next_week = report_reminders_send(today=TODAY + datetime.timedelta(days=7))
    next_week_mails = smtp_server.mails[3 + len(six_days_mails) :]
    # then within the week only the newly missing report goes out, to programme A's two readers, and
    # the next week each officer is told again of what they were told a week before
    assert (same_day, six_days, next_week) == (0, 2, 3)
    assert sorted((mail.rcpt_tos[0], *lines(mail)) for mail in six_days_mails) == [
        ("code.reader@example.org", "- AFG-0002 (afg-edu), semester 2026-autumn, ended Jan. 30, 2027"),
        ("officer.a@example.org", "- Name of AFG-0002 (afg-edu), semester 2026-autumn, ended Jan. 30, 2027"),
    ]
    assert sorted((mail.rcpt_tos[0], *lines(mail)) for mail in next_week_mails) == [
        ("code.reader@example.org", "- AFG-0001 (afg-edu), semester 2026-autumn, ended Jan. 29, 2027"),
        ("officer.a@example.org", "- Maryam Ahmadi (afg-edu), semester 2026-autumn, ended Jan. 29, 2027"),
        ("officer.b@example.org", "- Farrukh Karimov (tjk-edu), semester 2026-autumn, ended Jan. 29, 2027"),
    ]
    # and the audit log holds each reminder with the day and the officer, nothing personal
    officer_a, reader = people["officer_a"].pk, people["reader"].pk
    assert sorted(
        items_reminded(item=missing_reports["maryam"], action=REPORT_REMINDER_ACTION),
        key=lambda data: (data["on"], data["recipient"]),
    ) == sorted(
        [
            {"on": "2027-03-01", "recipient": officer_a},
            {"on": "2027-03-01", "recipient": reader},
            {"on": "2027-03-08", "recipient": officer_a},
            {"on": "2027-03-08", "recipient": reader},
        ],
        key=lambda data: (data["on"], data["recipient"]),
    )


def test_a_new_officer_is_told_although_their_colleague_was(people, missing_reports, smtp_server):
    # given the reminder ran today
    report_reminders_send(today=TODAY)
    # when a second officer joins programme B and the reminder runs again
    officer_of(people["b"], "officer.b2")
    sent = report_reminders_send(today=TODAY)
    # then only the newcomer is mailed
    assert sent == 1
    assert lines(smtp_server.to("officer.b2@example.org")[0]) == [
        "- Farrukh Karimov (tjk-edu), semester 2026-autumn, ended Jan. 29, 2027"
    ]


def test_a_submitted_report_is_no_longer_mailed(people, missing_reports, smtp_server):
    # given Maryam's report came in
    missing_reports["maryam"].submitted_on = TODAY
    missing_reports["maryam"].save()
    # when the reminder runs
    sent = report_reminders_send(today=TODAY)
    # then only programme B's officer is mailed
    assert sent == 1
    assert [mail.rcpt_tos for mail in smtp_server.mails] == [["officer.b@example.org"]]


def test_when_the_mail_server_is_down_nothing_is_recorded(people, missing_reports, smtp_server, settings):
    # given a mail server that cannot be reached
    settings.EMAIL_PORT = free_port()
    # when the reminder runs
    from outreach.core.exceptions import TemporaryError

    with pytest.raises(TemporaryError):
        report_reminders_send(today=TODAY)
    # then no reminder is recorded, so the retry sends it
    assert items_reminded(item=missing_reports["maryam"], action=REPORT_REMINDER_ACTION) == []
    assert items_reminded(item=missing_reports["tajik"], action=REPORT_REMINDER_ACTION) == []


# --- Residence documents ---------------------------------------------------------------------------


def test_officers_are_told_of_documents_expiring_within_their_programmes_warning(people, smtp_server):
    # given documents of programme A (60 days' warning) and B (10 days)
    a, b = people["cohort_a"], people["cohort_b"]
    maryam = award_in(a, "AFG-0001", grantee__name_latin="Maryam Ahmadi").grantee
    ResidenceDocumentFactory(grantee=maryam, kind="visa", expires_on=TODAY + datetime.timedelta(days=60))
    ResidenceDocumentFactory(grantee=maryam, kind="insurance", expires_on=TODAY + datetime.timedelta(days=5))
    ResidenceDocumentFactory(grantee=maryam, kind="passport", expires_on=TODAY + datetime.timedelta(days=61))
    ResidenceDocumentFactory(
        grantee=maryam, kind="residence_permit", expires_on=TODAY - datetime.timedelta(days=1)
    )
    locked = award_in(a, "AFG-0003", grantee__is_locked=True, grantee__name_latin="Hidden Person").grantee
    ResidenceDocumentFactory(grantee=locked, kind="visa", expires_on=TODAY + datetime.timedelta(days=3))
    graduate = award_in(a, "AFG-0005", status=Award.Status.GRADUATED).grantee
    ResidenceDocumentFactory(grantee=graduate, kind="visa", expires_on=TODAY + datetime.timedelta(days=3))
    tajik = award_in(b, "TJK-0001", grantee__name_latin="Farrukh Karimov").grantee
    ResidenceDocumentFactory(grantee=tajik, kind="visa", expires_on=TODAY + datetime.timedelta(days=10))
    ResidenceDocumentFactory(grantee=tajik, kind="passport", expires_on=TODAY + datetime.timedelta(days=20))
    # when the reminder runs twice
    sent = [document_reminders_send(today=TODAY), document_reminders_send(today=TODAY)]
    # then each officer got one mail, soonest first, by name or code; the locked grantee and the
    # graduate are in none
    assert sent == [3, 0]
    officer_a = smtp_server.to("officer.a@example.org")[0]
    assert officer_a.message["Subject"] == "Residence documents expiring soon"
    assert lines(officer_a) == [
        "- Maryam Ahmadi (afg-edu), Health insurance, expires March 6, 2027",
        "- Maryam Ahmadi (afg-edu), Visa, expires April 30, 2027",
    ]
    assert lines(smtp_server.to("code.reader@example.org")[0]) == [
        "- AFG-0001 (afg-edu), Health insurance, expires March 6, 2027",
        "- AFG-0001 (afg-edu), Visa, expires April 30, 2027",
    ]
    assert lines(smtp_server.to("officer.b@example.org")[0]) == [
        "- Farrukh Karimov (tjk-edu), Visa, expires March 11, 2027"
    ]
    everything = "".join(mail.part("text/plain") + mail.part("text/html") for mail in smtp_server.mails)
    assert "AFG-0003" not in everything and "Hidden Person" not in everything and "AFG-0005" not in everything
    visa = maryam.residence_documents.get(kind="visa")
    assert [
        data["recipient"] for data in items_reminded(item=visa, action=DOCUMENT_REMINDER_ACTION)
    ] == sorted([people["officer_a"].pk, people["reader"].pk])


def test_the_report_task_runs_the_service(people, smtp_server):
    # given a report missing as of the real today
    today = timezone.localdate()
    award = award_in(people["cohort_b"], "TJK-0001", grantee__name_latin="Farrukh Karimov")
    ProgressReportFactory(
        award=award, term="2026-autumn", ends_on=today - datetime.timedelta(days=40), submitted_on=None
    )
    # when the beat task runs
    sent = tasks.report_reminders_send.delay().get()
    # then the officer is mailed
    assert sent == 1
    assert len(smtp_server.to("officer.b@example.org")) == 1


# --- Alumni follow-ups -----------------------------------------------------------------------------


def consent(grantee, is_given: bool, at: datetime.datetime) -> None:
    Consent.objects.create(grantee=grantee, purpose=Consent.Purpose.RECONTACT, is_given=is_given, at=at)


@pytest.fixture
def alumni(people):
    """Graduates of programme A: one who ended a year and two days ago and agreed to be re-contacted,
    one without an end date whose expected end was seven months ago (agreed), one under the lock
    (agreed), one who withdrew her consent, and one whose award only just ended."""
    a = people["cohort_a"]
    agreed = timezone.make_aware(datetime.datetime(2025, 6, 1, 12, 0))
    year = award_in(a, "AFG-0101", status=Award.Status.ALUMNI, ended_on=datetime.date(2026, 2, 27))
    consent(year.grantee, True, agreed)
    expected = award_in(
        a,
        "AFG-0102",
        status=Award.Status.GRADUATED,
        starts_on=datetime.date(2022, 9, 1),
        expected_end_on=datetime.date(2026, 8, 1),
    )
    consent(expected.grantee, True, agreed)
    locked = award_in(
        a,
        "AFG-0103",
        status=Award.Status.ALUMNI,
        ended_on=datetime.date(2026, 2, 27),
        grantee__is_locked=True,
    )
    consent(locked.grantee, True, agreed)
    withdrew = award_in(a, "AFG-0104", status=Award.Status.ALUMNI, ended_on=datetime.date(2026, 2, 27))
    consent(withdrew.grantee, True, agreed)
    consent(withdrew.grantee, False, agreed + datetime.timedelta(days=30))
    recent = award_in(a, "AFG-0105", status=Award.Status.GRADUATED, ended_on=datetime.date(2027, 1, 15))
    consent(recent.grantee, True, agreed)
    # Still studying: never followed up.
    award_in(a, "AFG-0106", ended_on=datetime.date(2026, 1, 1))
    return {"year": year, "expected": expected, "locked": locked, "withdrew": withdrew, "recent": recent}


def waves(award) -> list[tuple[str, str, str | None]]:
    return [
        (outcome.wave, outcome.due_on.isoformat(), outcome.surveyed_on and outcome.surveyed_on.isoformat())
        for outcome in award.outcomes.order_by("due_on")
    ]


def test_the_follow_up_creates_each_due_wave_and_surveys_the_latest_once(alumni, smtp_server, settings):
    # given the alumni above
    # when the follow-up runs twice
    sent = [alumni_followups_send(today=TODAY), alumni_followups_send(today=TODAY)]
    # then the waves that have come exist once each, and the latest is surveyed once
    assert sent == [2, 0]
    assert waves(alumni["year"]) == [("6m", "2026-08-27", None), ("1y", "2027-02-27", "2027-03-01")]
    assert waves(alumni["expected"]) == [("6m", "2027-02-01", "2027-03-01")]
    assert waves(alumni["locked"]) == [("6m", "2026-08-27", None), ("1y", "2027-02-27", None)]
    assert waves(alumni["withdrew"]) == [("6m", "2026-08-27", None), ("1y", "2027-02-27", None)]
    assert waves(alumni["recent"]) == []
    assert OutcomeRecord.objects.count() == 7
    # and each surveyed alumnus got one neutral mail with a signed link naming only the record
    assert sorted(address for mail in smtp_server.mails for address in mail.rcpt_tos) == sorted(
        [alumni["year"].grantee.email, alumni["expected"].grantee.email]
    )
    mail = smtp_server.to(alumni["year"].grantee.email)[0]
    assert mail.message["Subject"] == "A few questions about how you are doing"
    assert mail.message["From"] == settings.OUTREACH_FROM_EMAIL
    assert mail.message["Content-Language"] == "en"
    text = mail.part("text/plain")
    link = re.search(r"https://example\.org/en/alumni-survey/(\S+)/", text)
    assert link is not None
    outcome = alumni["year"].outcomes.get(wave="1y")
    assert signing.TimestampSigner(salt=SALT).unsign(link.group(1)) == str(outcome.pk)
    assert link.group(0) in mail.part("text/html")
    for secret in ("AFG-0101", "afg-edu", alumni["year"].grantee.name_latin, "Afghan"):
        assert secret not in text and secret not in mail.part("text/html")


def test_the_survey_reaches_each_alumnus_in_their_own_language(alumni, smtp_server):
    # given one alumnus whose record names Dari as their language, and one who names none
    Grantee.objects.filter(pk=alumni["year"].grantee.pk).update(language="fa-af")

    # when the follow-up runs
    alumni_followups_send(today=TODAY)

    # then the first gets the Dari mail with a link to the Dari survey page, the other the default
    dari = smtp_server.to(alumni["year"].grantee.email)[0]
    assert dari.message["Content-Language"] == "fa-af"
    assert "https://example.org/fa-af/alumni-survey/" in dari.part("text/plain")
    default = smtp_server.to(alumni["expected"].grantee.email)[0]
    assert default.message["Content-Language"] == "en"
    assert "https://example.org/en/alumni-survey/" in default.part("text/plain")


def test_the_follow_up_sends_nothing_new_after_a_survey_is_answered(alumni, smtp_server):
    # given the 1-year survey was sent and answered
    alumni_followups_send(today=TODAY)
    OutcomeRecord.objects.filter(award=alumni["year"], wave="1y").update(responded_on=TODAY)
    # when the follow-up runs a week later
    sent = alumni_followups_send(today=TODAY + datetime.timedelta(days=7))
    # then nothing is sent and nothing created
    assert sent == 0
    assert len(smtp_server.mails) == 2
    assert OutcomeRecord.objects.count() == 7


def test_when_the_mail_server_is_down_the_survey_stays_unsent(alumni, smtp_server, settings):
    # given a mail server that cannot be reached
    settings.EMAIL_PORT = free_port()
    from outreach.core.exceptions import TemporaryError

    # when the follow-up runs
    with pytest.raises(TemporaryError):
        alumni_followups_send(today=TODAY)
    # then the waves exist, but none is marked as surveyed, so the retry sends it
    assert OutcomeRecord.objects.count() == 7
    assert OutcomeRecord.objects.filter(surveyed_on__isnull=False).count() == 0
