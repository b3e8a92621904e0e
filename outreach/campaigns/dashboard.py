"""The figures of a joint programme's dashboard and partner report: each indicator's target and result
period by period, the budget against what the campaigns were given and spent, and the campaigns by
status. Every read goes through the selectors that scope to what the user may see, and the number of
queries does not grow with indicators, periods or results."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format

from .models import Campaign, Indicator, JointProgramme, ProgrammePartner, ReportingPeriod, Result
from .selectors import (
    campaigns_visible_to,
    indicators_visible_to,
    periods_visible_to,
    results_visible_to,
)
from .services import programme_funding_by_partner

ZERO = Decimal("0")
NO_FIGURE = "—"


def figure(value: Decimal | None) -> str:
    """A figure as the active language writes it: grouped thousands, decimals only when it has any."""
    if value is None:
        return NO_FIGURE
    places = 0 if value == value.to_integral_value() else 2
    return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


@dataclass(frozen=True)
class Breakdown:
    """One category of a dimension an indicator is broken down by, in one period."""

    dimension: str
    category: str
    actual: Decimal | None
    cumulative: Decimal | None

    @property
    def dimension_label(self) -> str:
        return str(Indicator.Dimension(self.dimension).label)


@dataclass(frozen=True)
class PeriodProgress:
    """An indicator's target and overall result in one period, and the running total so far."""

    period: ReportingPeriod
    target: Decimal | None
    actual: Decimal | None
    # The sum of the results up to and including this period; None where a sum means nothing
    # (percentages) or this period has no result yet, so a period not yet reported on shows no total.
    cumulative: Decimal | None
    evidence_note: str
    source_detail: str
    is_automatic: bool
    breakdowns: tuple[Breakdown, ...]


@dataclass(frozen=True)
class IndicatorProgress:
    """An indicator with its progress in every period reported on."""

    indicator: Indicator
    periods: tuple[PeriodProgress, ...]

    @property
    def adds_up(self) -> bool:
        """Whether results of successive periods can be summed: counts of things or people can,
        percentages cannot."""
        return self.indicator.unit != Indicator.Unit.PERCENT

    def at(self, period: ReportingPeriod) -> PeriodProgress:
        return next(line for line in self.periods if line.period.pk == period.pk)


def _framework_order(indicator: Indicator) -> tuple[str, int, str, str]:
    # Outcome, then its outputs, each followed by its indicators: the order a results framework reads.
    statement = indicator.statement
    outcome = statement.parent if statement.parent_id else statement
    return (outcome.code, 1 if statement.parent_id else 0, statement.code, indicator.code)


def _running_total(total: Decimal | None, value: Decimal | None) -> Decimal | None:
    if value is None:
        return total
    return value if total is None else total + value


def _progress(
    indicator: Indicator, periods: list[ReportingPeriod], results: list[Result]
) -> IndicatorProgress:
    targets = {target.period_id: target.value for target in indicator.targets.all()}
    totals: dict[int, Result] = {}
    by_category: dict[tuple[str, str], dict[int, Decimal]] = defaultdict(dict)
    for result in results:
        if result.dimension:
            by_category[(result.dimension, result.category)][result.period_id] = result.value
        else:
            totals[result.period_id] = result
    adds_up = indicator.unit != Indicator.Unit.PERCENT
    categories = sorted(by_category)
    running: Decimal | None = None
    running_by_category: dict[tuple[str, str], Decimal | None] = dict.fromkeys(categories)
    lines = []
    for period in periods:
        total = totals.get(period.pk)
        actual = total.value if total else None
        running = _running_total(running, actual)
        breakdowns = []
        for key in categories:
            value = by_category[key].get(period.pk)
            running_by_category[key] = _running_total(running_by_category[key], value)
            breakdowns.append(
                Breakdown(
                    dimension=key[0],
                    category=key[1],
                    actual=value,
                    cumulative=running_by_category[key] if adds_up and value is not None else None,
                )
            )
        lines.append(
            PeriodProgress(
                period=period,
                target=targets.get(period.pk),
                actual=actual,
                cumulative=running if adds_up and actual is not None else None,
                evidence_note=total.evidence_note if total else "",
                source_detail=total.source_detail if total else "",
                is_automatic=bool(total and total.is_automatic),
                breakdowns=tuple(breakdowns),
            )
        )
    return IndicatorProgress(indicator=indicator, periods=tuple(lines))


def programme_periods(
    *, user: Any, programme: JointProgramme, up_to: ReportingPeriod | None = None
) -> list[ReportingPeriod]:
    """The programme's reporting periods the user may see, earliest first, up to and including
    `up_to` when given."""
    periods = periods_visible_to(user=user).filter(programme_id=programme.pk)
    if up_to is not None:
        periods = periods.filter(starts_on__lte=up_to.starts_on)
    return list(periods)


def programme_progress(
    *, user: Any, programme: JointProgramme, periods: list[ReportingPeriod]
) -> list[IndicatorProgress]:
    """Each indicator of the programme the user may see, in results-framework order, with its target,
    result, running total and disaggregated lines in each of `periods`. Three queries."""
    indicators = list(indicators_visible_to(user=user).filter(programme_id=programme.pk))
    results_by_indicator: dict[int, list[Result]] = defaultdict(list)
    if periods and indicators:
        results = results_visible_to(user=user).filter(
            indicator__programme_id=programme.pk,
            period__programme_id=programme.pk,
            period__starts_on__lte=periods[-1].starts_on,
        )
        for result in results:
            results_by_indicator[result.indicator_id].append(result)
    return [
        _progress(indicator, periods, results_by_indicator[indicator.pk])
        for indicator in sorted(indicators, key=_framework_order)
    ]


@dataclass(frozen=True)
class CampaignBudget:
    """A campaign's budget, what it has spent and what it has left."""

    campaign: Campaign

    @property
    def left(self) -> Decimal:
        return self.campaign.budget - self.campaign.spend


@dataclass(frozen=True)
class Budget:
    """The programme's budget, what its campaigns were given and spent, and each partner's part."""

    currency: str
    programme_budget: Decimal
    campaigns: tuple[CampaignBudget, ...]
    funding: tuple[tuple[ProgrammePartner, Decimal], ...]

    @property
    def allocated(self) -> Decimal:
        return sum((line.campaign.budget for line in self.campaigns), ZERO)

    @property
    def spent(self) -> Decimal:
        return sum((line.campaign.spend for line in self.campaigns), ZERO)

    @property
    def unallocated(self) -> Decimal:
        return self.programme_budget - self.allocated


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


@dataclass(frozen=True)
class ProgrammeDashboard:
    """Everything the programme dashboard shows."""

    programme: JointProgramme
    periods: list[ReportingPeriod]
    indicators: list[IndicatorProgress]
    budget: Budget
    statuses: tuple[StatusCount, ...]


def programme_dashboard(*, user: Any, programme: JointProgramme) -> ProgrammeDashboard:
    """The dashboard of a programme the caller has already found through programmes_visible_to and
    checked with can_view_report. Six queries, however large the programme."""
    periods = programme_periods(user=user, programme=programme)
    campaigns = list(campaigns_visible_to(user=user).filter(programme_id=programme.pk))
    counts = Counter(campaign.status for campaign in campaigns)
    return ProgrammeDashboard(
        programme=programme,
        periods=periods,
        indicators=programme_progress(user=user, programme=programme, periods=periods),
        budget=Budget(
            currency=programme.currency,
            programme_budget=programme.budget,
            campaigns=tuple(CampaignBudget(campaign) for campaign in campaigns),
            funding=tuple(programme_funding_by_partner(programme=programme)),
        ),
        statuses=tuple(
            StatusCount(status=value, label=str(label), count=counts[value])
            for value, label in Campaign.Status.choices
        ),
    )
