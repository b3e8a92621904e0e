"""How the grant programmes back office holds up at scale: its listings, a grantee's page and the
programme dashboard, timed and their queries counted, for a programme of --grantees grantees.

Generates a programme of --grantees grantees (ten yearly intakes, ~40 institutions, three funders,
budget lines) with one award each in a realistic mix of statuses, ten payments per grantee (most
paid, with the funders' shares, some held, the current month partly due), five progress reports
per grantee (some late, some under the thresholds), passports and visas (some expiring soon),
milestones, consents and alumni outcomes; and a second programme of --compare grantees built the
same way. Each page is then opened with Django's test client in this process, as a superuser and
as an officer assigned to the programme (the Program officer group, which holds the personal-data
permission): --warmup requests, --repeat timed ones, and one more whose queries are counted (the
small programme's pages one of each: it is there to show that the counts do not grow). The
pages run with DEBUG off, as in production; static files are named without a manifest.

The generated rows stay in the database, so give the benchmark a database of its own. A programme
is found again by its name ("Scale benchmark: 20,000 grantees"): --keep reuses it, otherwise it
is deleted and generated anew. Prints figures; never fails on them.

    createdb -h 127.0.0.1 -U postgres outreach_scale
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/outreach_scale .venv/bin/python benchmarks/grants_scale.py --keep
"""

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAYMENTS_PER_GRANTEE = 10
REPORTS_PER_GRANTEE = 5
INTAKES = 10
SEARCH_TERM = "Rahimi"
FIRST_NAMES = [
    ("Maryam", "مریم"), ("Fatima", "فاطمه"), ("Zahra", "زهرا"), ("Mina", "مینا"), ("Parwana", "پروانه"),
    ("Shabnam", "شبنم"), ("Hasina", "حسینه"), ("Nargis", "نرگس"), ("Sadaf", "صدف"), ("Lina", "لینا"),
    ("Ahmad", "احمد"), ("Mohammad", "محمد"), ("Ali", "علی"), ("Hamid", "حمید"), ("Farid", "فرید"),
    ("Jawad", "جواد"), ("Naveed", "نوید"), ("Omid", "امید"), ("Sohail", "سهیل"), ("Yusuf", "یوسف"),
]  # fmt: skip
SURNAMES = [
    ("Ahmadi", "احمدی"), ("Rahimi", "رحیمی"), ("Karimi", "کریمی"), ("Hashimi", "هاشمی"),
    ("Sultani", "سلطانی"), ("Noori", "نوری"), ("Azizi", "عزیزی"), ("Habibi", "حبیبی"),
    ("Popal", "پوپل"), ("Sadat", "سادات"), ("Wardak", "وردک"), ("Yousufzai", "یوسفزی"),
    ("Stanekzai", "ستانکزی"), ("Safi", "صافی"), ("Amiri", "امیری"), ("Jalali", "جلالی"),
    ("Nazari", "نظری"), ("Qaderi", "قادری"), ("Samadi", "صمدی"), ("Zaheer", "ظهیر"),
]  # fmt: skip
PROVINCES = ["Balkh", "Herat", "Kabul", "Kandahar", "Nangarhar", "Bamyan", "Badakhshan", "Ghazni"]
CITIES = ["Almaty", "Astana", "Shymkent", "Karaganda", "Aktobe", "Pavlodar", "Semey", "Oskemen"]
FIELDS = [
    "Public administration", "Civil engineering", "Medicine", "Economics", "Computer science",
    "International law", "Islamic studies", "Agriculture", "Education", "Journalism",
]  # fmt: skip
HELD_REASONS = [
    "Bank details are being checked.",
    "Attendance under review by the university.",
    "Residence registration not yet renewed.",
    "Waiting for the signed semester contract.",
]


# --- Writing rows fast ----------------------------------------------------------------------------


def copy_rows(model: Any, fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY `rows` (tuples of `fields`, by attname) into the model's table. Every other column gets
    its field's default, prepared once (an empty encrypted field is one token shared by every row);
    encrypted fields among `fields` are encrypted row by row, as the ORM would."""
    from django.db import connection
    from django.utils import timezone

    from outreach.core.encryption import EncryptedTextField

    now = timezone.now()
    position = {name: index for index, name in enumerate(fields)}
    columns: list[str] = []
    getters: list[Callable[[Sequence[Any]], Any]] = []
    for model_field in model._meta.concrete_fields:
        if model_field.attname in position:
            index = position[model_field.attname]
            if isinstance(model_field, EncryptedTextField):
                getters.append(
                    lambda row, index=index, model_field=model_field: model_field.get_db_prep_save(
                        row[index], connection
                    )
                )
            else:
                getters.append(itemgetter(index))
        elif model_field.primary_key:
            continue
        elif getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
            getters.append(lambda row, now=now: now)
        else:
            value = model_field.get_db_prep_save(model_field.get_default(), connection)
            getters.append(lambda row, value=value: value)
        columns.append(connection.ops.quote_name(model_field.column))
    table = connection.ops.quote_name(model._meta.db_table)
    count = 0
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([getter(row) for getter in getters])
            count += 1
    return count


def reserve_ids(model: Any, count: int) -> list[int]:
    """`count` ids from the table's identity sequence, for rows written by COPY that others point to."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_of(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def moment(day: date) -> datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime(day.year, day.month, day.day, 10, 0))


# --- The programme --------------------------------------------------------------------------------


def programme_name(grantees: int) -> str:
    return f"Scale benchmark: {grantees:,} grantees"


@dataclass
class Planned:
    """One award as generated, with what its payments, reports and papers follow from."""

    award_id: int
    grantee_id: int
    cohort_id: int
    degree: str
    starts_on: date
    expected_end_on: date
    status: str
    ended_on: date | None
    changed_on: date
    stipend: Decimal
    tuition: Decimal
    housing: Decimal
    # Months of payments (month_index) and last day a semester may end for a report; None for none.
    paid_from: int | None = None
    paid_until: int | None = None
    reports_until: date | None = None
    transitions: list[tuple[str, str, date]] = field(default_factory=list)


YEARS = {"bachelor": 4, "master": 2, "doctorate": 4}
STIPENDS = {"bachelor": Decimal("150000"), "master": Decimal("180000"), "doctorate": Decimal("220000")}


def award_plan(
    rng: random.Random, *, intake: int, latest_intake: int, degree: str, today: date
) -> tuple[str, date, date | None, date]:
    """(status, expected end, ended on, day of the last status change) for an award of one intake."""
    from outreach.grants.models import Award

    Status = Award.Status
    starts_on = date(intake, 9, 1)
    expected_end_on = date(intake + YEARS[degree], 6, 30)
    draw = rng.random()

    def withdrawn_on() -> date:
        span = (min(today, expected_end_on) - starts_on).days - 10
        return starts_on + timedelta(days=rng.randint(min(120, span // 2), max(span, 1)))

    if intake == latest_intake:
        if draw < 0.04:
            return Status.SELECTED, expected_end_on, None, starts_on - timedelta(days=60)
        if draw < 0.30:
            return Status.ENROLLED, expected_end_on, None, starts_on - timedelta(days=20)
        if draw < 0.32:
            ended = withdrawn_on()
            return Status.WITHDRAWN, expected_end_on, ended, ended
        return Status.ACTIVE, expected_end_on, None, starts_on + timedelta(days=14)
    if expected_end_on < today:
        if draw < 0.55:
            return Status.ALUMNI, expected_end_on, expected_end_on, expected_end_on + timedelta(days=60)
        if draw < 0.85:
            return Status.GRADUATED, expected_end_on, expected_end_on, expected_end_on
        if draw < 0.95:
            ended = withdrawn_on()
            return Status.WITHDRAWN, expected_end_on, ended, ended
        extended = date(expected_end_on.year + 1, 6, 30)
        if extended >= today:
            # A year more to finish: still studying.
            return Status.ACTIVE, extended, None, starts_on + timedelta(days=14)
        return Status.GRADUATED, extended, extended, extended
    if draw < 0.81:
        return Status.ACTIVE, expected_end_on, None, starts_on + timedelta(days=14)
    if draw < 0.86:
        return Status.PROBATION, expected_end_on, None, today - timedelta(days=rng.randint(10, 150))
    if draw < 0.88:
        return Status.SUSPENDED, expected_end_on, None, today - timedelta(days=rng.randint(10, 120))
    if draw < 0.90:
        return Status.ENROLLED, expected_end_on, None, starts_on - timedelta(days=20)
    ended = withdrawn_on()
    return Status.WITHDRAWN, expected_end_on, ended, ended


def transitions_of(plan: Planned) -> list[tuple[str, str, date]]:
    """The status history that leads to the award's status: (from, to, day)."""
    from outreach.grants.models import Award

    Status = Award.Status
    if plan.status == Status.SELECTED:
        return []
    moves = [(Status.SELECTED, Status.ENROLLED, plan.starts_on - timedelta(days=20))]
    if plan.status == Status.ENROLLED:
        return moves
    moves.append((Status.ENROLLED, Status.ACTIVE, plan.starts_on + timedelta(days=14)))
    if plan.status in (Status.PROBATION, Status.SUSPENDED, Status.WITHDRAWN, Status.GRADUATED):
        moves.append((Status.ACTIVE, plan.status, plan.changed_on))
    if plan.status == Status.ALUMNI:
        moves.append((Status.ACTIVE, Status.GRADUATED, plan.expected_end_on))
        moves.append((Status.GRADUATED, Status.ALUMNI, plan.changed_on))
    return moves


def semesters(starts_on: date, until: date) -> Iterator[tuple[str, date]]:
    """(term, last day) of each semester from the award's start that ended by `until`."""
    year = starts_on.year
    while True:
        for term, ends_on in (
            (f"{year}-autumn", date(year + 1, 1, 20)),
            (f"{year + 1}-spring", date(year + 1, 6, 20)),
        ):
            if ends_on > until:
                return
            yield term, ends_on
        year += 1


def programme_generate(*, grantees: int, today: date, seed: int) -> Any:
    """Writes the whole programme in one transaction and returns it."""
    from django.db import connection, transaction

    from outreach.grants.models import (
        Award,
        AwardTransition,
        BudgetLine,
        Cohort,
        Consent,
        Disbursement,
        DisbursementShare,
        Funder,
        Grantee,
        Institution,
        Milestone,
        OutcomeRecord,
        Programme,
        ProgressReport,
        ResidenceDocument,
    )

    rng = random.Random(seed + grantees)
    Status = Award.Status
    risk_statuses = {Status.ENROLLED, Status.ACTIVE, Status.PROBATION}
    latest_intake = today.year if today >= date(today.year, 9, 1) else today.year - 1
    intakes = list(range(latest_intake - INTAKES + 1, latest_intake + 1))
    current = month_index(today)
    prefix = f"S{grantees}"
    counts: dict[str, int] = {}

    with transaction.atomic():
        programme = Programme.objects.create(
            name=programme_name(grantees),
            code=f"scale-{grantees}",
            description="Study places at universities in Kazakhstan, generated for the scale benchmark.",
            currency=Programme.Currency.KZT,
            starts_on=date(intakes[0], 9, 1),
        )
        Funder.objects.bulk_create(
            [
                Funder(programme=programme, name="Education foundation", share_percent=Decimal("50")),
                Funder(
                    programme=programme,
                    name="European partner",
                    share_percent=Decimal("30"),
                    reporting_currency="EUR",
                ),
                Funder(
                    programme=programme,
                    name="Development agency",
                    share_percent=Decimal("20"),
                    reporting_currency="USD",
                ),
            ]
        )
        Institution.objects.bulk_create(
            [
                Institution(name=f"{city} University {number + 1}", city=city)
                for number, city in ((n, CITIES[n % len(CITIES)]) for n in range(40))
            ],
            ignore_conflicts=True,
        )
        institutions = list(
            Institution.objects.filter(
                name__in=[f"{CITIES[n % len(CITIES)]} University {n + 1}" for n in range(40)]
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        cohorts = {
            intake: Cohort.objects.create(
                programme=programme, name=f"{intake} intake", intake_year=intake, starts_on=date(intake, 9, 1)
            ).pk
            for intake in intakes
        }
        active_per_year = grantees * 0.45
        BudgetLine.objects.bulk_create(
            BudgetLine(programme=programme, year=year, category=category, amount=Decimal(round(amount, -3)))
            for year in range(intakes[0], latest_intake + 2)
            for category, amount in (
                (BudgetLine.Category.STIPEND, active_per_year * 12 * 160000),
                (BudgetLine.Category.TUITION, active_per_year * 0.6 * 1200000),
                (BudgetLine.Category.HOUSING, active_per_year * 0.35 * 12 * 40000),
                (BudgetLine.Category.OTHER, active_per_year * 20000),
            )
        )

        # Grantees and one award each; the first grantee has the longest story: a bachelor's, a
        # master's and a doctorate since the first intake, every month of it paid.
        grantee_ids = reserve_ids(Grantee, grantees)
        award_ids = reserve_ids(Award, grantees + 2)
        plans: list[Planned] = []
        grantee_rows = []
        for number, grantee_id in enumerate(grantee_ids):
            first, first_script = FIRST_NAMES[rng.randrange(len(FIRST_NAMES))]
            last, last_script = SURNAMES[rng.randrange(len(SURNAMES))]
            erased = rng.random() < 0.01
            locked = rng.random() < 0.0005
            grantee_rows.append(
                (
                    grantee_id,
                    programme.pk,
                    f"{prefix}-{number + 1:05d}",
                    "" if erased else f"{first_script} {last_script}",
                    "" if erased else f"{first} {last}",
                    None
                    if erased
                    else date(1996 + rng.randrange(10), 1 + rng.randrange(12), 1 + rng.randrange(28)),
                    "female" if number % 20 < 10 else "male",
                    "Afghan",
                    "" if erased else PROVINCES[rng.randrange(len(PROVINCES))],
                    "" if erased else f"{first.lower()}.{last.lower()}.{number}@example.org",
                    "" if erased else f"+7 70{rng.randrange(10)} {rng.randrange(10**7):07d}",
                    rng.random() < 0.05,
                    locked,
                    moment(today - timedelta(days=3)) if locked else None,
                    "Threats reported by the family; contact through the university only." if locked else "",
                    moment(today - timedelta(days=30)) if erased else None,
                )
            )
            intake = intakes[number * INTAKES // grantees]
            degree = "bachelor" if rng.random() < 0.72 else "master" if rng.random() < 0.9 else "doctorate"
            if number == 0:
                stages = [
                    (intakes[0], "bachelor", Status.GRADUATED),
                    (intakes[0] + 4, "master", Status.GRADUATED),
                    (intakes[0] + 6, "doctorate", Status.ACTIVE),
                ]
            else:
                stages = [(intake, degree, None)]
            for year, level, forced in stages:
                if forced is None:
                    status, expected, ended, changed = award_plan(
                        rng, intake=year, latest_intake=latest_intake, degree=level, today=today
                    )
                else:
                    expected = date(year + YEARS[level], 6, 30)
                    ended = expected if forced == Status.GRADUATED else None
                    status, changed = forced, ended or date(year, 9, 15)
                plan = Planned(
                    award_id=award_ids[len(plans)],
                    grantee_id=grantee_id,
                    cohort_id=cohorts[year],
                    degree=level,
                    starts_on=date(year, 9, 1),
                    expected_end_on=expected,
                    status=status,
                    ended_on=ended,
                    changed_on=changed,
                    stipend=STIPENDS[level],
                    tuition=Decimal("1200000") if number == 0 or rng.random() < 0.6 else Decimal("0"),
                    housing=Decimal("40000") if number == 0 or rng.random() < 0.35 else Decimal("0"),
                )
                paying = status != Status.SELECTED and not (
                    status == Status.ENROLLED and year == latest_intake
                )
                if paying:
                    last_day = plan.ended_on or (
                        plan.changed_on if status == Status.SUSPENDED else plan.expected_end_on
                    )
                    plan.paid_from = month_index(plan.starts_on)
                    plan.paid_until = min(current, month_index(last_day))
                    plan.reports_until = min(today - timedelta(days=1), last_day)
                plan.transitions = transitions_of(plan)
                plans.append(plan)
        counts["grantees"] = copy_rows(
            Grantee,
            [
                "id", "programme_id", "code", "name_original", "name_latin", "date_of_birth", "gender",
                "nationality", "province_of_origin", "email", "phone", "cannot_return_safely", "is_locked",
                "locked_at", "locked_reason", "erased_at",
            ],
            grantee_rows,
        )  # fmt: skip
        counts["awards"] = copy_rows(
            Award,
            [
                "id", "grantee_id", "cohort_id", "institution_id", "degree_level", "field_of_study", "starts_on",
                "expected_end_on", "stipend_amount", "tuition_amount", "housing_amount", "status",
                "status_changed_at", "ended_on",
            ],
            (
                (
                    plan.award_id, plan.grantee_id, plan.cohort_id, institutions[plan.award_id % len(institutions)],
                    plan.degree, FIELDS[plan.award_id % len(FIELDS)], plan.starts_on, plan.expected_end_on,
                    plan.stipend, plan.tuition, plan.housing, plan.status, moment(plan.changed_on), plan.ended_on,
                )
                for plan in plans
            ),
        )  # fmt: skip
        counts["status changes"] = copy_rows(
            AwardTransition,
            ["award_id", "from_status", "to_status", "reason", "at"],
            (
                (
                    plan.award_id,
                    before,
                    after,
                    "Recorded when the programme's records were brought in.",
                    moment(day),
                )
                for plan in plans
                for before, after, day in plan.transitions
            ),
        )

        # Payments, newest month first, until PAYMENTS_PER_GRANTEE per grantee: the oldest month
        # taken is only partly there, as if the records began in it. The long story is whole.
        story = [plan for plan in plans if plan.grantee_id == grantee_ids[0]]
        rest = [plan for plan in plans if plan.grantee_id != grantee_ids[0] and plan.paid_from is not None]

        def payments_of(plan: Planned, index: int) -> Iterator[tuple[Any, ...]]:
            month = month_of(index)
            kinds = [(Disbursement.Kind.STIPEND, plan.stipend)]
            if plan.housing:
                kinds.append((Disbursement.Kind.HOUSING, plan.housing))
            if plan.tuition and month.month == 9:
                kinds.append((Disbursement.Kind.TUITION, plan.tuition))
            for kind, amount in kinds:
                draw = rng.random()
                if index >= current - 2 and plan.status in risk_statuses and draw < 0.004:
                    yield plan.award_id, month, kind, amount, "held", HELD_REASONS[rng.randrange(4)], None
                elif index == current and draw < 0.35:
                    yield plan.award_id, month, kind, amount, "due", "", None
                else:
                    paid_on = min(today, month + timedelta(days=rng.randint(3, 14)))
                    yield plan.award_id, month, kind, amount, "paid", "", paid_on

        payments = [
            row
            for plan in story
            if plan.paid_from is not None
            for index in range(plan.paid_from, plan.paid_until + 1)
            for row in payments_of(plan, index)
        ]
        wanted = grantees * PAYMENTS_PER_GRANTEE
        index = current
        while len(payments) < wanted and index >= month_index(date(intakes[0], 9, 1)):
            month_rows = [
                row
                for plan in rest
                if plan.paid_from <= index <= plan.paid_until
                for row in payments_of(plan, index)
            ]
            payments.extend(month_rows[: wanted - len(payments)])
            index -= 1
        counts["payments"] = copy_rows(
            Disbursement,
            ["award_id", "month", "kind", "amount", "status", "held_reason", "paid_on"],
            payments,
        )
        counts["paid months from"] = month_of(index + 1).year * 100 + month_of(index + 1).month
        del payments
        # Each paid payment split across the funders, at a fixed rate per reporting currency.
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {DisbursementShare._meta.db_table}
                    (disbursement_id, funder_id, share_percent, amount, reporting_currency, exchange_rate,
                     reporting_amount)
                SELECT payment.id, funder.id, funder.share_percent,
                       round(payment.amount * funder.share_percent / 100, 2), funder.reporting_currency,
                       rate.rate, round(payment.amount * funder.share_percent / 100 / rate.rate, 2)
                FROM {Disbursement._meta.db_table} payment
                JOIN {Award._meta.db_table} award ON award.id = payment.award_id
                JOIN {Cohort._meta.db_table} cohort ON cohort.id = award.cohort_id
                JOIN {Funder._meta.db_table} funder ON funder.programme_id = cohort.programme_id
                JOIN (VALUES ('KZT', 1.0), ('EUR', 520.35), ('USD', 478.90)) AS rate (currency, rate)
                     ON rate.currency = funder.reporting_currency
                WHERE cohort.programme_id = %s AND payment.status = 'paid'
                """,
                [programme.pk],
            )
            counts["funders' shares"] = cursor.rowcount

        # Progress reports, the latest semester first, until REPORTS_PER_GRANTEE per grantee; an
        # award's latest report is late, or under a threshold, for a few of the awards judged.
        ends = sorted(
            {
                ends_on
                for plan in plans
                if plan.reports_until
                for _term, ends_on in semesters(plan.starts_on, plan.reports_until)
            },
            reverse=True,
        )
        by_award = {
            plan.award_id: dict(
                (ends_on, term) for term, ends_on in semesters(plan.starts_on, plan.reports_until)
            )
            for plan in plans
            if plan.reports_until
        }
        status_of = {plan.award_id: plan.status for plan in plans}
        story_ids = {plan.award_id for plan in story}
        story_reports = sum(len(by_award.get(award_id, ())) for award_id in story_ids)
        seen: set[int] = set()
        reports: list[tuple[Any, ...]] = []
        story_rows: list[tuple[Any, ...]] = []
        wanted = grantees * REPORTS_PER_GRANTEE
        for ends_on in ends:
            semester_rows = []
            for award_id, terms in by_award.items():
                if ends_on not in terms:
                    continue
                latest = award_id not in seen
                seen.add(award_id)
                gpa = Decimal(str(round(min(4.0, max(2.0, rng.gauss(3.2, 0.45))), 2)))
                attendance = Decimal(str(round(rng.uniform(78, 100), 2)))
                submitted_on: date | None = ends_on + timedelta(days=rng.randint(3, 25))
                draw = rng.random()
                if latest and status_of[award_id] in risk_statuses:
                    if draw < 0.025:
                        submitted_on, gpa, attendance = None, None, None
                    elif draw < 0.04:
                        gpa = Decimal(str(round(rng.uniform(1.2, 1.95), 2)))
                    elif draw < 0.055:
                        attendance = Decimal(str(round(rng.uniform(50, 74), 2)))
                academic = (
                    "good" if gpa is None or gpa >= Decimal("2.5") else "warning" if gpa >= 2 else "probation"
                )
                row = (
                    award_id, terms[ends_on], ends_on, submitted_on, gpa, None if gpa is None else 30, attendance,
                    academic, "" if draw > 0.02 else "Spoke with the student's adviser.",
                )  # fmt: skip
                (story_rows if award_id in story_ids else semester_rows).append(row)
            room = max(0, wanted - story_reports - len(reports))
            reports.extend(semester_rows[:room])
        reports.extend(story_rows)
        counts["progress reports"] = copy_rows(
            ProgressReport,
            [
                "award_id", "term", "ends_on", "submitted_on", "gpa", "credits", "attendance_percent",
                "academic_status", "officer_comment",
            ],
            reports,
        )  # fmt: skip
        del reports, story_rows, by_award

        # Papers: a passport each, and the visa of the current (or last) year of study; a few of the
        # visas of awards being judged expire within the warning window, or have just expired.
        grantee_plan = {plan.grantee_id: plan for plan in plans}
        visa_ends = date(today.year + (1 if today.month >= 9 else 0), 8, 31)
        papers = []
        for grantee_id, plan in grantee_plan.items():
            issued = date(plan.starts_on.year - 1, 3, 1)
            papers.append(
                (grantee_id, "passport", f"P{grantee_id:08d}", issued, date(issued.year + 10, 2, 28))
            )
            if plan.status == Status.SELECTED:
                continue
            if plan.status in risk_statuses and rng.random() < 0.025:
                expires = today + timedelta(days=rng.randint(-5, 55))
            elif plan.ended_on or plan.status == Status.SUSPENDED:
                expires = (plan.ended_on or plan.changed_on) + timedelta(days=30)
            else:
                expires = visa_ends
            papers.append((grantee_id, "visa", f"KZ{grantee_id:08d}", expires - timedelta(days=365), expires))
        counts["residence documents"] = copy_rows(
            ResidenceDocument, ["grantee_id", "kind", "number", "issued_on", "expires_on"], papers
        )
        counts["consents"] = copy_rows(
            Consent,
            ["grantee_id", "purpose", "is_given", "at", "note"],
            (
                (
                    plan.grantee_id,
                    "recontact",
                    True,
                    moment(plan.starts_on),
                    "Signed with the grant agreement.",
                )
                for plan in plans
                if rng.random() < 0.3
            ),
        )
        milestones = []
        for plan in plans:
            if plan.paid_from is None:
                continue
            due = plan.starts_on + timedelta(days=365)
            if due <= plan.expected_end_on:
                done = (
                    due - timedelta(days=rng.randint(0, 60)) if due < today and rng.random() < 0.92 else None
                )
                milestones.append((plan.award_id, "Language certificate (B2)", due, done))
            if plan.degree != "bachelor":
                due = plan.expected_end_on - timedelta(days=20)
                done = due if due < today and plan.status in (Status.GRADUATED, Status.ALUMNI) else None
                milestones.append((plan.award_id, "Thesis defence", due, done))
        counts["milestones"] = copy_rows(
            Milestone, ["award_id", "title", "due_on", "completed_on"], milestones
        )
        waves = (("6m", 182), ("1y", 365), ("3y", 1095), ("5y", 1826))
        outcomes = []
        for plan in plans:
            if plan.status != Status.ALUMNI or plan.ended_on is None:
                continue
            for wave, days in waves:
                due = plan.ended_on + timedelta(days=days)
                if due > today:
                    break
                answered = rng.random() < 0.6
                outcomes.append(
                    (
                        plan.award_id, wave, due, due, due + timedelta(days=rng.randint(2, 40)) if answered else None,
                        rng.choice(["returned", "third_country", "stayed", "stayed"]) if answered else "",
                        rng.choice(["Kazakhstan", "Germany", "Türkiye", "Afghanistan"]) if answered else "",
                        rng.choice(["government", "education", "civil_society", "private", "international",
                                    "further_study", "not_working"]) if answered else "",
                        "Programme officer" if answered else "",
                        answered and rng.random() < 0.12,
                        "self_reported" if answered else "",
                    )
                )  # fmt: skip
        counts["alumni outcomes"] = copy_rows(
            OutcomeRecord,
            [
                "award_id", "wave", "due_on", "surveyed_on", "responded_on", "residence", "country",
                "employer_sector", "position", "is_leadership", "verification",
            ],
            outcomes,
        )  # fmt: skip
    programme.generated = counts
    return programme


def programme_delete(programme: Any) -> None:
    """Removes a generated programme and everything under it, table by table in SQL."""
    from django.db import connection, transaction

    from outreach.grants import models

    award_ids = (
        f"SELECT award.id FROM {models.Award._meta.db_table} award JOIN {models.Cohort._meta.db_table} cohort"
        " ON cohort.id = award.cohort_id WHERE cohort.programme_id = %s"
    )
    grantee_ids = f"SELECT id FROM {models.Grantee._meta.db_table} WHERE programme_id = %s"
    statements = [
        (
            models.DisbursementShare,
            f"disbursement_id IN (SELECT id FROM {models.Disbursement._meta.db_table} WHERE award_id IN ({award_ids}))",
        ),
        *(
            (model, f"award_id IN ({award_ids})")
            for model in (
                models.Disbursement,
                models.ProgressReport,
                models.Milestone,
                models.OutcomeRecord,
                models.AwardTransition,
                models.GranteeDocument,
            )
        ),  # fmt: skip
        (models.Award, f"id IN ({award_ids})"),
        *(
            (model, f"grantee_id IN ({grantee_ids})")
            for model in (
                models.ResidenceDocument,
                models.Consent,
                models.GranteeDocument,
            )
        ),  # fmt: skip
        (models.Grantee, "programme_id = %s"),
        *(
            (model, "programme_id = %s")
            for model in (
                models.Cohort,
                models.Funder,
                models.BudgetLine,
                models.ProgrammeOfficer,
            )
        ),  # fmt: skip
        (models.Programme, "id = %s"),
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for model, condition in statements:
            cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE {condition}", [programme.pk])


def programme_ensure(*, grantees: int, keep: bool, today: date, seed: int) -> tuple[Any, str]:
    """The generated programme of `grantees` grantees, reused with `keep`, else generated anew."""
    from outreach.grants.models import Programme

    existing = Programme.objects.filter(name=programme_name(grantees)).first()
    if existing is not None and keep:
        return existing, "reused"
    if existing is not None:
        programme_delete(existing)
    started = time.perf_counter()
    programme = programme_generate(grantees=grantees, today=today, seed=seed)
    seconds = time.perf_counter() - started
    made = ", ".join(
        f"{name} {value:,}" for name, value in programme.generated.items() if name != "paid months from"
    )
    since = programme.generated["paid months from"]
    return programme, f"generated in {seconds:.1f} s: {made} (payments from {since // 100}-{since % 100:02d})"


def statistics_refresh() -> None:
    """ANALYZE every table of the app, the small ones too (cohorts, programmes): autovacuum analyses
    a big table soon after a bulk load, but one of a few rows may wait for ever, and without its
    statistics PostgreSQL takes a programme for a handful of awards and plans every join for that."""
    from django.apps import apps
    from django.db import connection

    with connection.cursor() as cursor:
        for model in apps.get_app_config("grants").get_models():
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def programme_summary(programme: Any, today: date) -> str:
    """What the programme holds: awards by status, payments by status, reports, and how many of the
    awards the risk rules judge are flagged today."""
    from django.db.models import Count

    from outreach.grants.models import Award, Disbursement, ProgressReport
    from outreach.grants.risk import RISK_STATUSES, RULE_FIELDS, award_risks

    awards = Award.objects.filter(cohort__programme=programme)
    statuses = dict(awards.order_by().values_list("status").annotate(count=Count("pk")))
    payments = dict(
        Disbursement.objects.filter(award__cohort__programme=programme)
        .order_by()
        .values_list("status")
        .annotate(count=Count("pk"))
    )
    reports = ProgressReport.objects.filter(award__cohort__programme=programme).count()
    judged = awards.filter(status__in=RISK_STATUSES, grantee__is_locked=False).only(*RULE_FIELDS)
    flagged = sum(1 for found in award_risks(awards=judged, today=today).values() if found)
    by_status = ", ".join(f"{status} {count:,}" for status, count in sorted(statuses.items()))
    by_payment = ", ".join(f"{status} {count:,}" for status, count in sorted(payments.items()))
    return (
        f"awards: {by_status}; payments: {by_payment}; reports: {reports:,}; "
        f"at risk today: {flagged:,} of {judged.count():,} judged"
    )


def users_ensure(programme: Any) -> dict[str, Any]:
    """The superuser, and an officer assigned to `programme` (the Program officer group), both
    reading the admin in English."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from wagtail.users.models import UserProfile

    from outreach.core.roles import PROGRAM_OFFICER
    from outreach.grants.models import ProgrammeOfficer

    User = get_user_model()
    superuser, _created = User.objects.get_or_create(
        username="scale-admin",
        defaults={"is_superuser": True, "is_staff": True, "email": "scale-admin@example.org"},
    )
    officer, _created = User.objects.get_or_create(
        username=f"scale-officer-{programme.code}", defaults={"email": f"{programme.code}@example.org"}
    )
    officer.groups.add(Group.objects.get(name=PROGRAM_OFFICER))
    ProgrammeOfficer.objects.get_or_create(programme=programme, user=officer)
    for user in (superuser, officer):
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = "en"
        profile.save()
    return {"superuser": superuser, "officer": officer}


# --- Measuring ------------------------------------------------------------------------------------


@dataclass
class Figures:
    status: int
    queries: int
    median_ms: float
    p90_ms: float


def measure(client: Any, url: str, *, warmup: int, repeat: int) -> Figures:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _run in range(warmup):
        client.get(url)
    timings = []
    for _run in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    p90 = statistics.quantiles(timings, n=10, method="inclusive")[-1] if len(timings) > 1 else timings[0]
    return Figures(response.status_code, len(queries), statistics.median(timings), p90)


def pages(programme: Any, role: str) -> list[tuple[str, str]]:
    """(label, URL) of each page measured; a superuser's listings are narrowed to the programme
    (they see every programme), an officer's are what they see unfiltered (their programme only)."""
    from django.db.models import Count
    from django.urls import reverse

    from outreach.grants.models import Grantee

    scope = f"programme={programme.pk}&" if role == "superuser" else ""
    busiest = (
        Grantee.objects.filter(programme=programme, is_locked=False)
        .annotate(payments=Count("awards__disbursements"))
        .order_by("-payments", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    grantees = reverse("grantees:index")
    return [
        ("grantee list", f"{grantees}?{scope}"),
        ("grantee list, at risk", f"{grantees}?{scope}at_risk=yes"),
        (f"grantee list, search “{SEARCH_TERM}”", f"{grantees}?{scope}q={SEARCH_TERM}"),
        ("award list", f"{reverse('grant_awards:index')}?{scope}"),
        ("payment list", f"{reverse('grant_disbursements:index')}?{scope}"),
        ("grantee page (longest story)", reverse("grantees:inspect", args=[busiest])),
        ("programme dashboard", reverse("grant_dashboards:programme", args=[programme.pk])),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grantees", type=int, default=20000)
    parser.add_argument(
        "--compare",
        type=int,
        default=2000,
        help="grantees of the small programme, for its query counts (0: none)",
    )
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="reuse programmes generated before")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outreach.settings.local")
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings
    from django.utils import timezone

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise SystemExit(
            "Give a PostgreSQL database of its own in DATABASE_URL: the rows are written by COPY."
        )
    call_command("migrate", interactive=False, verbosity=0)
    today = timezone.localdate()
    sizes = [args.grantees] + ([args.compare] if args.compare else [])
    programmes = {}
    for size in sizes:
        programme, how = programme_ensure(grantees=size, keep=args.keep, today=today, seed=args.seed)
        programmes[size] = programme
        print(f"{programme.name}: {how}")
    statistics_refresh()
    for programme in programmes.values():
        print(f"{programme.name}: {programme_summary(programme, today)}")

    # Static files by name, as without a manifest: nothing was collected for this run.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    results: dict[tuple[int, str, str], Figures] = {}
    load_before = os.getloadavg()
    with override_settings(STORAGES=storages):
        for size, programme in programmes.items():
            for role, user in users_ensure(programme).items():
                client = Client(SERVER_NAME="localhost")
                client.force_login(user)
                for label, url in pages(programme, role):
                    # The small programme is there for its query counts: one warm-up, one timing.
                    full_size = size == args.grantees
                    figures = measure(
                        client,
                        url,
                        warmup=args.warmup if full_size else 1,
                        repeat=args.repeat if full_size else 1,
                    )
                    results[(size, role, label)] = figures
                    print(
                        f"  {size:>6} {role:<9} {label:<36} {figures.status} {figures.queries:>3} queries "
                        f"median {figures.median_ms:7.1f} ms  p90 {figures.p90_ms:7.1f} ms",
                        flush=True,
                    )
    load_after = os.getloadavg()

    full, small = args.grantees, args.compare
    print()
    print(
        f"database: PostgreSQL  full: {full:,} grantees  small: {small:,}  repeat: {args.repeat}  "
        f"warm-up: {args.warmup}  load average (1 min) before/after: {load_before[0]:.2f}/{load_after[0]:.2f}"
    )
    print(f"| page | role | queries ({small:,}) | queries ({full:,}) | median ms | p90 ms |")
    print("|---|---|---|---|---|---|")
    for (size, role, label), figures in results.items():
        if size != full:
            continue
        before = results.get((small, role, label))
        small_queries = str(before.queries) if before else "—"
        grows = " (grows)" if before is not None and before.queries != figures.queries else ""
        print(
            f"| {label} | {role} | {small_queries} | {figures.queries}{grows} "
            f"| {figures.median_ms:.1f} | {figures.p90_ms:.1f} |"
        )
    over = [key for key, figures in results.items() if key[0] == full and figures.median_ms > 300]
    refused = [key for key, figures in results.items() if figures.status != 200]
    if over:
        print("over 300 ms at the median: " + "; ".join(f"{label} ({role})" for _size, role, label in over))
    if refused:
        print("not answered 200: " + "; ".join(f"{label} ({role}, {size})" for size, role, label in refused))


if __name__ == "__main__":
    main()
