"""The database's version of the risk rules (risk.flagged_awards) flags exactly the awards the
Python rules (risk.award_risks) find a risk in, over generated awards that sit on every rule's
edges: thresholds met and missed by a hundredth, days one either side of each cutoff, ties between
reports of one semester, renewed and lapsed visas, programmes with their own thresholds and day
counts, and awards in every status."""

import datetime
import random
from decimal import Decimal

import pytest

from outreach.grants.models import Award, Disbursement, ResidenceDocument
from outreach.grants.risk import SEMESTER_DAYS, award_risks, flagged_awards
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
# (GPA threshold, attendance threshold, report grace days, visa warning days)
PROGRAMMES = [
    (Decimal("2.00"), Decimal("75"), 30, 60),
    (Decimal("2.50"), Decimal("80"), 14, 90),
    (Decimal("3.00"), Decimal("60"), 45, 60),
]


def near(day: datetime.date, rng: random.Random) -> datetime.date:
    """A day at, or one either side of, `day`: where a rule's cutoff is."""
    return day + datetime.timedelta(days=rng.choice((-1, 0, 1)))


def generate(rng: random.Random) -> None:
    programmes = [
        ProgrammeFactory(
            gpa_threshold=gpa,
            attendance_threshold=attendance,
            report_grace_days=grace,
            visa_warning_days=days,
        )
        for gpa, attendance, grace, days in PROGRAMMES
    ]
    statuses = [status for status, _label in Award.Status.choices]
    for number in range(45):
        programme = programmes[number % len(programmes)]
        grace = programme.report_grace_days
        starts_on = rng.choice(
            (
                near(TODAY - datetime.timedelta(days=SEMESTER_DAYS + grace), rng),
                TODAY - datetime.timedelta(days=700),
                near(TODAY, rng),
                TODAY + datetime.timedelta(days=20),
            )
        )
        award = AwardFactory(
            grantee=GranteeFactory(programme=programme),
            status=rng.choice(statuses + ["active"] * 4),
            starts_on=starts_on,
        )
        for term in range(rng.choice((0, 1, 1, 2, 3))):
            ends_on = rng.choice(
                (
                    near(TODAY - datetime.timedelta(days=grace), rng),
                    near(TODAY - datetime.timedelta(days=SEMESTER_DAYS + grace), rng),
                    TODAY - datetime.timedelta(days=40),
                    datetime.date(2025, 6, 20),  # the same semester end for several: a tie
                )
            )
            ProgressReportFactory(
                award=award,
                term=f"term-{term}",
                ends_on=ends_on,
                submitted_on=rng.choice((None, ends_on + datetime.timedelta(days=10))),
                gpa=rng.choice(
                    (
                        None,
                        programme.gpa_threshold,
                        programme.gpa_threshold - Decimal("0.01"),
                        Decimal("3.90"),
                    )
                ),
                attendance_percent=rng.choice(
                    (
                        None,
                        programme.attendance_threshold,
                        programme.attendance_threshold - Decimal("0.01"),
                        Decimal("98"),
                    )
                ),
            )
        for month in range(rng.choice((0, 0, 1, 2))):
            held = rng.random() < 0.3
            DisbursementFactory(
                award=award,
                month=datetime.date(2026, 1 + month, 1),
                status=Disbursement.Status.HELD if held else Disbursement.Status.DUE,
                held_reason="Enrolment not confirmed" if held else "",
            )
        window_end = TODAY + datetime.timedelta(days=programme.visa_warning_days)
        for _visa in range(rng.choice((0, 1, 1, 2))):
            ResidenceDocumentFactory(
                grantee=award.grantee,
                expires_on=rng.choice((near(window_end, rng), TODAY - datetime.timedelta(days=3), None)),
            )
        if rng.random() < 0.3:
            ResidenceDocumentFactory(
                grantee=award.grantee, kind=ResidenceDocument.Kind.PASSPORT, expires_on=TODAY
            )


@pytest.mark.parametrize("seed", range(4))
def test_the_database_flags_what_the_rules_find(seed):
    generate(random.Random(seed))
    for today in (TODAY, TODAY + datetime.timedelta(days=1), TODAY - datetime.timedelta(days=1)):
        found = {
            award_id
            for award_id, risks in award_risks(awards=Award.objects.all(), today=today).items()
            if risks
        }
        flagged = set(flagged_awards(Award.objects.all(), today=today).values_list("pk", flat=True))
        assert flagged == found, f"seed {seed}, {today}"
        assert found, "the generated awards carry risks"


def test_flagged_awards_is_two_queries_whatever_the_awards(django_assert_num_queries):
    generate(random.Random(7))
    # 1 the programmes' day counts, 2 the awards
    with django_assert_num_queries(2):
        assert list(flagged_awards(Award.objects.all(), today=TODAY))
