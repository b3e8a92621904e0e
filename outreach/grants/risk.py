"""The rules that flag an award at risk, each stated to the officer with its value and threshold:

- low_gpa: the latest report's GPA is under the programme's gpa_threshold;
- low_attendance: the latest report's attendance is under the programme's attendance_threshold;
- missing_report: the latest semester's report was not submitted within report_grace_days of its
  end, or no report at all came in within a semester (SEMESTER_DAYS) and the grace days of the
  previous one (or of the award's start);
- payment_held: a payment of the award is held (one flag per held payment, with its reason);
- visa_expiring: the grantee's latest visa expires within visa_warning_days (or has expired).

Only awards that are enrolled, active or on probation are judged. Any number of awards is judged in
a constant number of queries.

`award_risks` judges awards in Python and words each risk; `flagged_awards` asks the same rules of
the database, for the awards that carry at least one, so that a programme's thousands of awards need
not be loaded to find its few hundred at risk. The two are held equal by the tests
(tests/grants/test_risk_sql.py); a change to one rule is a change to both."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _

from .models import Award, Cohort, Disbursement, Programme, ProgressReport, ResidenceDocument

LOW_GPA = "low_gpa"
LOW_ATTENDANCE = "low_attendance"
MISSING_REPORT = "missing_report"
PAYMENT_HELD = "payment_held"
VISA_EXPIRING = "visa_expiring"
RISK_CODES = (LOW_GPA, LOW_ATTENDANCE, MISSING_REPORT, PAYMENT_HELD, VISA_EXPIRING)

RISK_STATUSES = (Award.Status.ENROLLED, Award.Status.ACTIVE, Award.Status.PROBATION)
# A report is expected every semester: this long after the previous one's end (or the award's start).
SEMESTER_DAYS = 183


# What the rules read of an award (its programme's thresholds come through its cohort). A caller
# judging a programme's thousands of awards loads only these: turning every column of every row into
# Python costs more than judging it. A rule that reads another column of the award adds it here.
RULE_FIELDS = ("status", "starts_on", "grantee", "cohort")


def columns_not_read_by_rules() -> list[str]:
    """The award's other columns, for a caller that defers them (`.defer(*...)`) rather than naming
    what it loads (`.only(*RULE_FIELDS)`), e.g. to load the grantee with the awards."""
    return [
        field.name
        for field in Award._meta.concrete_fields
        if not field.primary_key and field.name not in RULE_FIELDS
    ]


@dataclass(frozen=True)
class Risk:
    """Why an award is at risk: a stable code for filters and a sentence for the officer."""

    code: str
    message: str


def _plain(number: Decimal) -> str:
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _programmes_of(awards: list[Award]) -> dict[int, Programme]:
    """Each award's programme: from the awards themselves when their cohort was selected with them,
    else in one query."""
    if all(Award.cohort.is_cached(award) and Cohort.programme.is_cached(award.cohort) for award in awards):
        return {award.pk: award.cohort.programme for award in awards}
    cohorts = Cohort.objects.select_related("programme").in_bulk({award.cohort_id for award in awards})
    return {award.pk: cohorts[award.cohort_id].programme for award in awards}


def _report_risks(
    award: Award, report: ProgressReport | None, programme: Programme, today: date
) -> list[Risk]:
    risks = []
    grace = programme.report_grace_days
    if report is not None and report.submitted_on is not None:
        if report.gpa is not None and report.gpa < programme.gpa_threshold:
            risks.append(
                Risk(
                    LOW_GPA,
                    _("GPA %(gpa)s in %(term)s is under the programme's %(threshold)s")
                    % {"gpa": report.gpa, "term": report.term, "threshold": programme.gpa_threshold},
                )
            )
        if (
            report.attendance_percent is not None
            and report.attendance_percent < programme.attendance_threshold
        ):
            risks.append(
                Risk(
                    LOW_ATTENDANCE,
                    _("Attendance %(attendance)s%% in %(term)s is under the programme's %(threshold)s%%")
                    % {
                        "attendance": _plain(report.attendance_percent),
                        "term": report.term,
                        "threshold": _plain(programme.attendance_threshold),
                    },
                )
            )
    if report is not None and report.submitted_on is None:
        if report.ends_on + timedelta(days=grace) < today:
            risks.append(
                Risk(
                    MISSING_REPORT,
                    _("No report for the semester ended %(day)s (due within %(days)s days)")
                    % {"day": report.ends_on.isoformat(), "days": grace},
                )
            )
        return risks
    since = report.ends_on if report is not None else award.starts_on
    if since + timedelta(days=SEMESTER_DAYS + grace) < today:
        if report is None:
            message = _(
                "No report since the award started on %(day)s (one is due within %(days)s days of each semester's end)"
            )
        else:
            message = _(
                "No report since the semester ended %(day)s (one is due within %(days)s days of each semester's end)"
            )
        risks.append(Risk(MISSING_REPORT, message % {"day": since.isoformat(), "days": grace}))
    return risks


def award_risks(
    *, awards: Iterable[Award], today: date, among: QuerySet[Award] | None = None
) -> dict[int, list[Risk]]:
    """Each award's risks (award id → list, empty when none), for enrolled, active and on-probation
    awards; others get no entry. Four queries at most, whatever the number of awards.

    `among`, a queryset of the same awards (a plain queryset given as `awards` is its own), lets
    the queries read the awards through it as a subquery rather than through a list of every id: a
    programme's thousands of ids cost more to send and plan than the subquery costs to run."""
    if (
        among is None
        and isinstance(awards, QuerySet)
        and not (awards.query.is_sliced or awards.query.combinator)
    ):
        among = awards
    awards = [award for award in awards if award.status in RISK_STATUSES]
    if not awards:
        return {}
    ids: Any = [award.pk for award in awards] if among is None else among.values("pk")
    grantee_ids: Any = {award.grantee_id for award in awards} if among is None else among.values("grantee_id")
    programmes = _programmes_of(awards)
    # Each award's latest report: the first of its reports numbered newest first (by end, then id),
    # in one pass over them, where a subquery per report looked the latest up again for each. No
    # ordering: the rows go into a dict.
    newest_first = Window(
        RowNumber(), partition_by=F("award_id"), order_by=(F("ends_on").desc(), F("pk").desc())
    )
    reports = {
        report.award_id: report
        for report in ProgressReport.objects.filter(award_id__in=ids)
        .annotate(recency=newest_first)
        .filter(recency=1)
        .order_by()
        .only("pk", "award_id", "term", "ends_on", "submitted_on", "gpa", "attendance_percent")
    }
    held: dict[int, list[str]] = defaultdict(list)
    for award_id, reason in (
        Disbursement.objects.filter(award_id__in=ids, status=Disbursement.Status.HELD)
        .order_by("month", "pk")
        .values_list("award_id", "held_reason")
    ):
        held[award_id].append(reason)
    visas = dict(
        ResidenceDocument.objects.filter(
            grantee_id__in=grantee_ids,
            kind=ResidenceDocument.Kind.VISA,
            expires_on__isnull=False,
        )
        .order_by()
        .values("grantee_id")
        .annotate(last=Max("expires_on"))
        .values_list("grantee_id", "last")
    )
    result: dict[int, list[Risk]] = {}
    for award in awards:
        programme = programmes[award.pk]
        risks = []
        if award.starts_on <= today:
            risks += _report_risks(award, reports.get(award.pk), programme, today)
        risks += [
            Risk(PAYMENT_HELD, _("A payment is held: %(reason)s") % {"reason": reason})
            for reason in held[award.pk]
        ]
        expires_on = visas.get(award.grantee_id)
        if expires_on is not None and expires_on < today:
            risks.append(Risk(VISA_EXPIRING, _("Visa expired on %(day)s") % {"day": expires_on.isoformat()}))
        elif expires_on is not None and expires_on <= today + timedelta(days=programme.visa_warning_days):
            risks.append(
                Risk(
                    VISA_EXPIRING,
                    _("Visa expires on %(day)s, within %(days)s days")
                    % {"day": expires_on.isoformat(), "days": programme.visa_warning_days},
                )
            )
        result[award.pk] = risks
    return result


def _latest_report() -> Subquery:
    """The id of the award's (OuterRef) latest report: the latest semester's, the newest row on a tie."""
    return Subquery(
        ProgressReport.objects.filter(award=OuterRef("pk")).order_by("-ends_on", "-pk").values("pk")[:1]
    )


def _latest_report_is(condition: Q) -> Exists:
    return Exists(ProgressReport.objects.filter(condition, pk=OuterRef("latest_report")))


def flagged_awards(awards: QuerySet[Award], *, today: date) -> QuerySet[Award]:
    """The awards of `awards` that some rule flags on `today`, as one query (with one more, now, for
    the day counts of their programmes): the rules of `award_risks`, written as conditions.

    The thresholds are compared column to column; a rule that counts days (the report grace, the
    visa warning) is a condition per value those programmes use, since SQL has no portable way to
    add a column's days to a date."""
    judged = awards.filter(status__in=RISK_STATUSES)
    day_counts = set(
        Programme.objects.filter(pk__in=judged.values("cohort__programme_id"))
        .order_by()
        .values_list("report_grace_days", "visa_warning_days")
        .distinct()
    )
    programme = "cohort__programme__"
    submitted = Q(submitted_on__isnull=False)
    low_marks = Q(gpa__lt=OuterRef(f"{programme}gpa_threshold")) | Q(
        attendance_percent__lt=OuterRef(f"{programme}attendance_threshold")
    )
    # Conditions are or-ed onto a condition no row meets (Django leaves it out of the SQL).
    reports = Q(pk__in=[])
    for grace in sorted({grace for grace, _days in day_counts}):
        overdue = today - timedelta(days=grace)
        semester_overdue = today - timedelta(days=SEMESTER_DAYS + grace)
        # The latest report is read once per award and rule: under the thresholds, or not in
        # within the grace days, or the last one a semester and the grace days ago.
        reports |= Q(**{f"{programme}report_grace_days": grace}) & (
            Q(latest_report__isnull=True, starts_on__lt=semester_overdue)
            | _latest_report_is(
                (submitted & (low_marks | Q(ends_on__lt=semester_overdue)))
                | Q(submitted_on__isnull=True, ends_on__lt=overdue)
            )
        )
    held = Exists(Disbursement.objects.filter(award=OuterRef("pk"), status=Disbursement.Status.HELD))
    visas = ResidenceDocument.objects.filter(
        grantee=OuterRef("grantee"), kind=ResidenceDocument.Kind.VISA, expires_on__isnull=False
    )
    visa = Q(pk__in=[])
    for days in sorted({days for _grace, days in day_counts}):
        # The latest visa expires within the window (or has expired): there is one, and none
        # expires after the window's end.
        visa |= (
            Q(**{f"{programme}visa_warning_days": days})
            & Exists(visas)
            & ~Exists(visas.filter(expires_on__gt=today + timedelta(days=days)))
        )
    return judged.annotate(latest_report=_latest_report()).filter(
        (Q(starts_on__lte=today) & reports) | held | visa
    )
