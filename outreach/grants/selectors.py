"""Reads of grant programmes, already narrowed to what the user may see (permissions.py): the
programmes they are assigned to, and never a grantee under the emergency lock unless they are an
administrator."""

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _

from outreach.core.exceptions import ApplicationError

from .models import Award, BudgetLine, Cohort, Disbursement, Grantee, OutcomeRecord, Programme
from .permissions import (
    aggregates_only,
    assigned_programmes,
    can_see_locked,
    can_view_grantee,
    can_view_grantee_personal_data,
    can_view_programme,
    can_view_programme_aggregates,
    funded_programmes,
    rules_for,
)
from .risk import Risk, award_risks, columns_not_read_by_rules, flagged_awards
from .services import CENT, ENCRYPTED_FIELDS, grantee_display_name

__all__ = [
    "AtRiskAward",
    "CohortFigures",
    "MonthFigures",
    "ProgrammeDashboard",
    "Risk",
    "WaveFigures",
    "award_risks",
    "awards_at_risk",
    "awards_flagged_ids",
    "awards_visible_to",
    "cohorts_visible_to",
    "grantees_visible_to",
    "programme_dashboard",
    "programmes_visible_to",
    "programmes_with_figures_for",
]


def _scoped(queryset: QuerySet, user: Any, programme_path: str) -> QuerySet:
    visible, _seniors = assigned_programmes(user)
    if visible is None:
        return queryset
    return queryset.filter(**{f"{programme_path}__in": visible})


def programmes_visible_to(*, user: Any) -> QuerySet[Programme]:
    """Programmes the user may see, newest first; none for a user without the view rule."""
    if not can_view_programme(user):
        return Programme.objects.none()
    return _scoped(Programme.objects.order_by("-starts_on", "name"), user, "pk")


def programmes_with_figures_for(*, user: Any) -> QuerySet[Programme]:
    """Programmes whose aggregates the user may read, newest first: those they may see, or for a
    partner user those their organisation funds."""
    if can_view_programme(user):
        return programmes_visible_to(user=user)
    if not can_view_programme_aggregates(user):
        return Programme.objects.none()
    return Programme.objects.filter(pk__in=funded_programmes(user)).order_by("-starts_on", "name")


def cohorts_visible_to(*, user: Any) -> QuerySet[Cohort]:
    if not rules_for("cohort")["view"](user):
        return Cohort.objects.none()
    return _scoped(Cohort.objects.select_related("programme"), user, "programme_id")


def grantees_visible_to(*, user: Any) -> QuerySet[Grantee]:
    """Grantees of the user's programmes, by code; without the locked ones unless they may see them."""
    if not can_view_grantee(user):
        return Grantee.objects.none()
    queryset = _scoped(Grantee.objects.select_related("programme"), user, "programme_id")
    if not can_see_locked(user):
        queryset = queryset.filter(is_locked=False)
    return queryset.order_by("code")


def awards_visible_to(*, user: Any) -> QuerySet[Award]:
    """Awards of the user's programmes with their grantee, cohort and institution."""
    if not rules_for("award")["view"](user):
        return Award.objects.none()
    queryset = _scoped(
        Award.objects.select_related("grantee", "cohort__programme", "institution"),
        user,
        "cohort__programme_id",
    )
    if not can_see_locked(user):
        queryset = queryset.filter(grantee__is_locked=False)
    return queryset


# --- Risk and the programme dashboard ------------------------------------------------------------------


def awards_at_risk(*, user: Any, today: date) -> list[tuple[Award, list[Risk]]]:
    """The user's enrolled, active and on-probation awards that carry at least one risk, by grantee
    code, each with its risks; a constant number of queries. The database finds the awards at risk
    (risk.flagged_awards), and only those are loaded and judged for the risks' sentences."""
    awards = list(flagged_awards(awards_visible_to(user=user), today=today).order_by("grantee__code", "pk"))
    risks = award_risks(awards=awards, today=today)
    return [(award, risks[award.pk]) for award in awards if risks.get(award.pk)]


def awards_flagged_ids(*, user: Any, today: date) -> set[int]:
    """Ids of the user's awards that some risk rule flags on `today`: what the "at risk" filters of
    the listings and exports narrow by. Asked of the database (risk.flagged_awards), in two queries
    whatever the number of awards in reach."""
    awards = awards_visible_to(user=user).select_related(None).order_by()
    return set(flagged_awards(awards, today=today).values_list("pk", flat=True))


@dataclass(frozen=True)
class CohortFigures:
    """One cohort's awards by status and its rates (None while there is nothing to divide by)."""

    cohort_id: int
    name: str
    intake_year: int
    counts: dict[str, int | None]
    total: int | None
    started: int | None
    retention_rate: Decimal | None
    past_expected_end: int | None
    graduation_rate: Decimal | None


@dataclass(frozen=True)
class AtRiskAward:
    """An award at risk as the reader may see it: the grantee's name or code, the risk codes, and
    the risks' sentences only for holders of the personal-data permission."""

    award_id: int
    grantee: str
    codes: tuple[str, ...]
    risks: tuple[Risk, ...]


@dataclass(frozen=True)
class MonthFigures:
    """Stipends, housing and tuition paid for one month against a twelfth of the year's budget."""

    month: date
    paid: Decimal
    budget: Decimal
    paid_cumulative: Decimal
    budget_cumulative: Decimal


@dataclass(frozen=True)
class WaveFigures:
    """One alumni survey wave: records due so far, answered, and the response rate."""

    wave: str
    label: str
    due: int | None
    responded: int | None
    response_rate: Decimal | None


@dataclass(frozen=True)
class ProgrammeDashboard:
    """A programme's aggregates for its dashboard (no personal data unless the reader may see it).
    Counts of people are None where a partner user would see a group of fewer than SMALL_GROUP."""

    programme: Programme
    today: date
    year: int
    totals: dict[str, int | None]
    cohorts: list[CohortFigures]
    at_risk_count: int | None
    # The first AT_RISK_LISTED of them, by grantee code.
    at_risk: list[AtRiskAward]
    months: list[MonthFigures]
    budget_total: Decimal
    paid_total: Decimal
    alumni_responded: int | None
    alumni_in_leadership: int | None
    waves: list[WaveFigures]


RATE = Decimal("0.0001")


def _rate(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) / Decimal(whole)).quantize(RATE, rounding=ROUND_HALF_UP) if whole else None


def _cohort_figures(
    programme: Programme, today: date, programme_cohorts: list[Cohort]
) -> tuple[dict[str, int], list[CohortFigures]]:
    Status = Award.Status
    rows = (
        Award.objects.filter(cohort__programme=programme)
        .values("cohort_id", "status")
        .annotate(
            total=Count("pk"),
            started=Count("pk", filter=Q(starts_on__lte=today) & ~Q(status=Status.SELECTED)),
            past=Count("pk", filter=Q(expected_end_on__lt=today)),
        )
        .order_by()
    )
    by_cohort: dict[int, list[dict[str, Any]]] = defaultdict(list)
    totals = {status: 0 for status in Status.values}
    for row in rows:
        by_cohort[row["cohort_id"]].append(row)
        totals[row["status"]] += row["total"]
    cohorts = []
    for cohort in programme_cohorts:
        counts = {status: 0 for status in Status.values}
        started = withdrawn = past = finished = 0
        for row in by_cohort[cohort.pk]:
            counts[row["status"]] = row["total"]
            started += row["started"]
            past += row["past"]
            if row["status"] == Status.WITHDRAWN:
                withdrawn += row["started"]
            if row["status"] in (Status.GRADUATED, Status.ALUMNI):
                finished += row["past"]
        cohorts.append(
            CohortFigures(
                cohort_id=cohort.pk,
                name=cohort.name,
                intake_year=cohort.intake_year,
                counts=counts,
                total=sum(counts.values()),
                started=started,
                retention_rate=None if not started else (1 - _rate(withdrawn, started)),
                past_expected_end=past,
                graduation_rate=_rate(finished, past),
            )
        )
    return totals, cohorts


# How many awards at risk the dashboard lists by name (it counts them all).
AT_RISK_LISTED = 50


def _at_risk(
    programme: Programme, user: Any, today: date, programme_cohorts: list[Cohort]
) -> tuple[int, list[AtRiskAward]]:
    judged = Award.objects.filter(cohort__programme=programme)
    if not can_see_locked(user):
        judged = judged.filter(grantee__is_locked=False)
    flagged = flagged_awards(judged, today=today)
    if not can_view_grantee(user, programme):
        # Partners see aggregates only: how many, never whom.
        return flagged.count(), []
    # Only the awards at risk are loaded and judged again, for the risks' sentences: what the rules
    # read of each, and the grantee without their encrypted papers and contacts or timestamps. Each
    # award's cohort and programme are the dashboard's own, so no row carries them again.
    awards = list(
        flagged.select_related("grantee")
        .defer(
            *columns_not_read_by_rules(),
            *(f"grantee__{name}" for name in (*ENCRYPTED_FIELDS[Grantee], "created_at", "updated_at")),
        )
        .order_by("grantee__code", "pk")
    )
    count = len(awards)
    # The dashboard lists the first AT_RISK_LISTED by grantee code; the grantee list, filtered to
    # the programme and "at risk", has them all with their risks.
    awards = awards[:AT_RISK_LISTED]
    cohorts = {cohort.pk: cohort for cohort in programme_cohorts}
    for award in awards:
        award.cohort = cohorts[award.cohort_id]
    risks = award_risks(awards=awards, today=today)
    # Asked once: every grantee here is of this programme, and a locked one is here only for a reader
    # who may see them (above), so the answer is the same for each.
    personal = can_view_grantee_personal_data(user, programme)
    entries = []
    for award in awards:
        if not risks.get(award.pk):
            continue
        entries.append(
            AtRiskAward(
                award_id=award.pk,
                grantee=grantee_display_name(grantee=award.grantee, user=user, may_see_names=personal),
                codes=tuple(dict.fromkeys(risk.code for risk in risks[award.pk])),
                risks=tuple(risks[award.pk]) if personal else (),
            )
        )
    return count, entries


def _months(programme: Programme, year: int) -> tuple[Decimal, Decimal, list[MonthFigures]]:
    zero = Decimal("0.00")
    paid = dict(
        Disbursement.objects.filter(
            award__cohort__programme=programme, status=Disbursement.Status.PAID, month__year=year
        )
        .values("month")
        .annotate(total=Sum("amount"))
        .values_list("month", "total")
        .order_by()
    )
    budget = (
        BudgetLine.objects.filter(programme=programme, year=year).aggregate(total=Sum("amount"))["total"]
        or zero
    )
    months, paid_cumulative = [], zero
    for number in range(1, 13):
        month = date(year, number, 1)
        paid_cumulative += paid.get(month, zero)
        budget_cumulative = (budget * number / 12).quantize(CENT, rounding=ROUND_HALF_UP)
        months.append(
            MonthFigures(
                month=month,
                paid=paid.get(month, zero),
                budget=(budget / 12).quantize(CENT, rounding=ROUND_HALF_UP),
                paid_cumulative=paid_cumulative,
                budget_cumulative=budget_cumulative,
            )
        )
    return budget, paid_cumulative, months


def _alumni(programme: Programme, today: date) -> tuple[int, int, list[WaveFigures]]:
    outcomes = OutcomeRecord.objects.filter(award__cohort__programme=programme)
    # Each alumnus's latest answer: the first of their answered records numbered newest first (by
    # due day, then id), in one pass, where a subquery per record looked the latest up again.
    newest_first = Window(
        RowNumber(), partition_by=F("award_id"), order_by=(F("due_on").desc(), F("pk").desc())
    )
    leadership = (
        outcomes.filter(responded_on__isnull=False)
        .annotate(recency=newest_first)
        .filter(recency=1)
        .aggregate(responded=Count("pk"), leaders=Count("pk", filter=Q(is_leadership=True)))
    )
    rows = {
        row["wave"]: row
        for row in outcomes.filter(due_on__lte=today)
        .values("wave")
        .annotate(due=Count("pk"), responded=Count("pk", filter=Q(responded_on__isnull=False)))
        .order_by()
    }
    waves = [
        WaveFigures(
            wave=wave,
            label=str(label),
            due=rows[wave]["due"],
            responded=rows[wave]["responded"],
            response_rate=_rate(rows[wave]["responded"], rows[wave]["due"]),
        )
        for wave, label in OutcomeRecord.Wave.choices
        if wave in rows
    ]
    return leadership["responded"], leadership["leaders"], waves


def programme_dashboard(*, programme: Programme, user: Any, today: date) -> ProgrammeDashboard:
    """The programme's dashboard figures as of `today`, in a constant number of queries.
    ApplicationError for a user who may not see the programme's aggregates."""
    if not can_view_programme_aggregates(user, programme):
        raise ApplicationError(_("You may not see this programme's figures."))
    # The programme's cohorts, read once: for the figures per cohort, and as the cohort (with this
    # programme) of every award the risk rules judge.
    programme_cohorts = list(Cohort.objects.filter(programme=programme).order_by("-intake_year", "name"))
    for cohort in programme_cohorts:
        cohort.programme = programme
    totals, cohorts = _cohort_figures(programme, today, programme_cohorts)
    at_risk_count, at_risk = _at_risk(programme, user, today, programme_cohorts)
    budget, paid, months = _months(programme, today.year)
    responded, leaders, waves = _alumni(programme, today)
    dashboard = ProgrammeDashboard(
        programme=programme,
        today=today,
        year=today.year,
        totals=totals,
        cohorts=cohorts,
        at_risk_count=at_risk_count,
        at_risk=at_risk,
        months=months,
        budget_total=budget,
        paid_total=paid,
        alumni_responded=responded,
        alumni_in_leadership=leaders,
        waves=waves,
    )
    return _coarsened(dashboard) if aggregates_only(user) else dashboard


# Partner users read counts of people from this size on; smaller groups show as None ("fewer than
# 10"), and so do rates over them, so that no figure points at one person of a small cohort.
SMALL_GROUP = 10


def _people(count: int | None) -> int | None:
    return None if count is not None and 0 < count < SMALL_GROUP else count


def _rate_over(rate: Decimal | None, whole: int) -> Decimal | None:
    return None if whole < SMALL_GROUP else rate


def _coarsened(dashboard: ProgrammeDashboard) -> ProgrammeDashboard:
    """The dashboard as a partner user may read it: counts under SMALL_GROUP and rates over fewer
    people than that are None."""
    return replace(
        dashboard,
        totals={status: _people(count) for status, count in dashboard.totals.items()},
        cohorts=[
            replace(
                cohort,
                counts={status: _people(count) for status, count in cohort.counts.items()},
                total=_people(cohort.total),
                started=_people(cohort.started),
                retention_rate=_rate_over(cohort.retention_rate, cohort.started),
                past_expected_end=_people(cohort.past_expected_end),
                graduation_rate=_rate_over(cohort.graduation_rate, cohort.past_expected_end),
            )
            for cohort in dashboard.cohorts
        ],
        at_risk_count=_people(dashboard.at_risk_count),
        at_risk=[],
        alumni_responded=_people(dashboard.alumni_responded),
        alumni_in_leadership=_people(dashboard.alumni_in_leadership),
        waves=[
            replace(
                wave,
                due=_people(wave.due),
                responded=_people(wave.responded),
                response_rate=_rate_over(wave.response_rate, wave.due),
            )
            for wave in dashboard.waves
        ],
    )
