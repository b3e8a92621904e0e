"""Each risk rule flags an award with a sentence stating the rule and the value, only for enrolled,
active and on-probation awards, in a constant number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from outreach.grants.models import Award
from outreach.grants.risk import Risk, award_risks, flagged_awards
from tests.factories.grants import (
    AwardFactory,
    DisbursementFactory,
    GranteeFactory,
    ProgrammeFactory,
    ProgressReportFactory,
    ResidenceDocumentFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def award_with_report(**report) -> Award:
    """An active award (started 2025-09-01) with a good, submitted autumn report unless overridden."""
    award = AwardFactory()
    ProgressReportFactory(
        award=award,
        **{
            "term": "2025-autumn",
            "ends_on": datetime.date(2026, 1, 20),
            "submitted_on": datetime.date(2026, 2, 1),
            **report,
        },
    )
    return award


def risks_of(award: Award, today: datetime.date = TODAY) -> list[Risk]:
    """The award's risks, after checking that the database's version of the rules (flagged_awards)
    flags it exactly when the Python one finds a risk."""
    awards = Award.objects.filter(pk=award.pk)
    risks = award_risks(awards=awards, today=today)[award.pk]
    assert flagged_awards(awards, today=today).exists() == bool(risks)
    return risks


def test_a_good_award_has_no_risk():
    award = award_with_report()
    ResidenceDocumentFactory(grantee=award.grantee, expires_on=datetime.date(2026, 8, 19))
    assert risks_of(award) == []


def test_low_gpa_states_the_value_the_term_and_the_threshold():
    award = award_with_report(gpa=Decimal("1.80"))
    assert risks_of(award) == [Risk("low_gpa", "GPA 1.80 in 2025-autumn is under the programme's 2.00")]


def test_a_gpa_at_the_threshold_is_not_low():
    assert risks_of(award_with_report(gpa=Decimal("2.00"))) == []


def test_low_attendance_uses_the_programmes_own_threshold():
    # given: this programme asks for 80%
    programme = ProgrammeFactory(attendance_threshold=Decimal("80"))
    award = AwardFactory(grantee=GranteeFactory(programme=programme))
    ProgressReportFactory(
        award=award,
        term="2025-autumn",
        ends_on=datetime.date(2026, 1, 20),
        attendance_percent=Decimal("72.5"),
    )
    # then
    assert risks_of(award) == [
        Risk("low_attendance", "Attendance 72.5% in 2025-autumn is under the programme's 80%")
    ]


def test_only_the_latest_report_counts():
    award = award_with_report(gpa=Decimal("1.50"), term="2025-spring", ends_on=datetime.date(2025, 6, 20))
    ProgressReportFactory(
        award=award, term="2025-autumn", ends_on=datetime.date(2026, 1, 20), gpa=Decimal("2.50")
    )
    assert risks_of(award) == []


def test_a_report_not_submitted_within_the_grace_days_is_missing():
    # given: the autumn semester ended on 2026-01-20, its report is not in
    award = award_with_report(submitted_on=None, gpa=None, attendance_percent=None)
    # then: due by 2026-02-19
    assert risks_of(award, datetime.date(2026, 2, 19)) == []
    assert risks_of(award, datetime.date(2026, 2, 20)) == [
        Risk("missing_report", "No report for the semester ended 2026-01-20 (due within 30 days)")
    ]


def test_no_report_a_semester_after_the_start_is_missing():
    # given: started 2025-09-01; a report is expected within 183 + 30 days, by 2026-04-02
    award = AwardFactory()
    assert risks_of(award, datetime.date(2026, 4, 2)) == []
    assert risks_of(award, datetime.date(2026, 4, 3)) == [
        Risk(
            "missing_report",
            "No report since the award started on 2025-09-01 (one is due within 30 days of each semester's end)",
        )
    ]


def test_no_report_a_semester_after_the_last_one_is_missing():
    award = award_with_report()
    assert risks_of(award, datetime.date(2026, 8, 21)) == []
    assert risks_of(award, datetime.date(2026, 8, 22)) == [
        Risk(
            "missing_report",
            "No report since the semester ended 2026-01-20 (one is due within 30 days of each semester's end)",
        )
    ]


def test_each_held_payment_is_a_risk_with_its_reason():
    award = award_with_report()
    DisbursementFactory(
        award=award, month=datetime.date(2026, 2, 1), status="held", held_reason="Visa not renewed"
    )
    DisbursementFactory(
        award=award, month=datetime.date(2026, 3, 1), status="held", held_reason="No enrolment letter"
    )
    DisbursementFactory(award=award, month=datetime.date(2026, 1, 1))
    assert risks_of(award) == [
        Risk("payment_held", "A payment is held: Visa not renewed"),
        Risk("payment_held", "A payment is held: No enrolment letter"),
    ]


@pytest.mark.parametrize(
    ("expires_on", "risks"),
    [
        (datetime.date(2026, 5, 10), []),
        (datetime.date(2026, 5, 9), [Risk("visa_expiring", "Visa expires on 2026-05-09, within 60 days")]),
        (datetime.date(2026, 3, 9), [Risk("visa_expiring", "Visa expired on 2026-03-09")]),
    ],
)
def test_a_visa_expiring_within_the_warning_days(expires_on, risks):
    award = award_with_report()
    ResidenceDocumentFactory(grantee=award.grantee, expires_on=expires_on)
    ResidenceDocumentFactory(grantee=award.grantee, kind="passport", expires_on=datetime.date(2026, 3, 20))
    assert risks_of(award) == risks


def test_a_renewed_visa_replaces_the_old_one():
    award = award_with_report()
    ResidenceDocumentFactory(grantee=award.grantee, expires_on=datetime.date(2026, 3, 20))
    ResidenceDocumentFactory(grantee=award.grantee, expires_on=datetime.date(2027, 3, 20))
    assert risks_of(award) == []


@pytest.mark.parametrize("status", ["selected", "suspended", "withdrawn", "graduated", "alumni"])
def test_awards_outside_their_studies_are_not_judged(status):
    award = AwardFactory(status=status)
    DisbursementFactory(award=award, status="held", held_reason="Check")
    assert award_risks(awards=[award], today=TODAY) == {}
    assert not flagged_awards(Award.objects.all(), today=TODAY).exists()


def test_an_enrolled_award_not_started_yet_is_judged_on_payments_and_visa_only():
    award = AwardFactory(status="enrolled", starts_on=datetime.date(2026, 4, 1))
    ResidenceDocumentFactory(grantee=award.grantee, expires_on=datetime.date(2026, 4, 1))
    assert risks_of(award) == [Risk("visa_expiring", "Visa expires on 2026-04-01, within 60 days")]


def test_risk_queries_do_not_grow_with_awards(django_assert_num_queries):
    # given: awards carrying every kind of risk
    def risky() -> None:
        award = award_with_report(gpa=Decimal("1.0"))
        DisbursementFactory(award=award, status="held", held_reason="Check")
        ResidenceDocumentFactory(grantee=award.grantee, expires_on=datetime.date(2026, 3, 20))

    for _ in range(2):
        risky()
    # 1 awards, 2 cohorts with their programmes, 3 latest reports, 4 held payments, 5 visas
    with django_assert_num_queries(5):
        assert len(award_risks(awards=Award.objects.all(), today=TODAY)) == 2
    for _ in range(20):
        risky()
    with django_assert_num_queries(5):
        risks = award_risks(awards=Award.objects.all(), today=TODAY)
    assert len(risks) == 22
    assert {len(found) for found in risks.values()} == {3}
    # and awards loaded with their cohort's programme need no query for it
    awards = list(Award.objects.select_related("cohort__programme"))
    with django_assert_num_queries(3):
        award_risks(awards=awards, today=TODAY)
