"""Figures the platform counts itself for the automatic indicators of joint programmes.

Each kind of figure (Indicator.Source) is counted by the app that holds its data, which registers a
`compute(campaigns, period)` here with `source_register`: this app never imports the CMS, the CMS
registers the sources that need pages (cms/campaign_sources.py). `automatic_results_refresh` stores
what the registered sources count as the programme's results, each with a text saying what was
counted; a source nobody has registered yet leaves its indicators as they are."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .models import Campaign, Indicator, JointProgramme, ReportingPeriod, Result
from .services import result_automatic_store

NOT_AVAILABLE = gettext_lazy("not available yet")


@dataclass(frozen=True)
class Figure:
    """One counted figure: the total (no dimension, no category) or one category of a dimension,
    with the words that say exactly what was counted."""

    dimension: str
    category: str
    value: int
    detail: str


Compute = Callable[[Sequence[Campaign], ReportingPeriod], list[Figure]]

_sources: dict[str, Compute] = {}


def figures_by_language(
    total: dict[str, Any], languages: Sequence[dict[str, Any]], *, value: str, detail: Callable[..., str]
) -> list[Figure]:
    """The total and one figure per language: `total` and each of `languages` are rows of counts
    (each language row with its "language"), `value` names the count that is the figure, and
    `detail(row, languages)` says what was counted for a row and the languages it covers."""
    return [
        Figure(
            dimension="",
            category="",
            value=total[value] or 0,
            detail=detail(total, [row["language"] for row in languages]),
        ),
        *(
            Figure(
                dimension=Indicator.Dimension.LANGUAGE,
                category=row["language"],
                value=row[value] or 0,
                detail=detail(row, [row["language"]]),
            )
            for row in languages
        ),
    ]


def source_register(key: str, compute: Compute) -> None:
    """Make `compute(campaigns, period)` the counter of the indicators whose source is `key`; it gets
    the programme's campaigns that ran during the period and returns the total and, for each
    dimension it can break the figure down by, one figure per category. Registering again replaces."""
    if key not in Indicator.Source.values or key == Indicator.Source.MANUAL:
        raise ValueError(f"{key!r} is not a source of figures the platform counts")
    _sources[key] = compute


def source_registered(key: str) -> bool:
    """Whether figures from `key` can be counted on this platform yet."""
    return key in _sources


def campaign_days(campaign: Campaign, period: ReportingPeriod) -> tuple[date, date]:
    """The days of `period` that `campaign` ran: what a source counts for it."""
    return max(campaign.starts_on, period.starts_on), min(campaign.ends_on, period.ends_on)


def campaigns_phrase(campaigns: Sequence[Campaign], period: ReportingPeriod) -> tuple[str, str]:
    """How a figure's detail names its campaigns and their days: the names and "between <first day>
    and <last day>" when every campaign was counted over the same days, or else each name with its
    own days and an empty second part."""
    days = [campaign_days(campaign, period) for campaign in campaigns]
    if len(set(days)) == 1:
        names = ", ".join(f"“{campaign.name}”" for campaign in campaigns)
        start, end = days[0]
        dates = _("between %(start)s and %(end)s") % {"start": start.isoformat(), "end": end.isoformat()}
    else:
        names = ", ".join(
            f"“{campaign.name}” ({start.isoformat()} – {end.isoformat()})"
            for campaign, (start, end) in zip(campaigns, days, strict=True)
        )
        dates = ""
    named = ngettext("campaign %(names)s", "campaigns %(names)s", len(campaigns)) % {"names": names}
    return named, dates


@dataclass(frozen=True)
class IndicatorRefresh:
    """What one refresh did for one automatic indicator: the periods whose figures it stored, or
    why it stored none."""

    indicator: Indicator
    periods: tuple[str, ...] = ()
    note: str = ""


def automatic_results_refresh(
    *, programme: JointProgramme, now: datetime | None = None
) -> list[IndicatorRefresh]:
    """Count and store, for each automatic indicator of the programme and each reporting period that
    has begun, the figure over the programme's campaigns (each counted only over its own days in the
    period): the total and a line per category of each dimension the indicator is broken down by and
    the source supports. Idempotent: running again replaces the same rows. Indicators whose source is
    not registered yet are left untouched and reported "not available yet"."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    # The detail is stored once and read by everyone in the same words, whatever language the
    # worker happens to run in: the admin's source language.
    with translation.override("en"), transaction.atomic():
        # One refresh of a programme at a time: a second waits here, then rewrites the same rows.
        programme = JointProgramme.objects.select_for_update().get(pk=programme.pk)
        indicators = list(programme.indicators.exclude(source=Indicator.Source.MANUAL).order_by("code"))
        periods = list(programme.periods.filter(starts_on__lte=today).order_by("starts_on"))
        campaigns = list(programme.campaigns.order_by("starts_on", "name", "pk"))
        counted = _("counted %(time)s (%(zone)s)") % {
            "time": timezone.localtime(now).strftime("%Y-%m-%d %H:%M"),
            "zone": timezone.get_current_timezone_name(),
        }
        # Indicators that share a source share its count.
        figures_by_source: dict[tuple[str, int], list[Figure]] = {}
        report = []
        for indicator in indicators:
            compute = _sources.get(indicator.source)
            if compute is None:
                report.append(IndicatorRefresh(indicator=indicator, note=str(NOT_AVAILABLE)))
                continue
            indicator.programme = programme
            for period in periods:
                key = (indicator.source, period.pk)
                if key not in figures_by_source:
                    figures_by_source[key] = _figures_count(compute, campaigns, period)
                _figures_store(indicator, period, figures_by_source[key], counted)
            report.append(IndicatorRefresh(indicator=indicator, periods=tuple(p.name for p in periods)))
    return report


def _figures_count(compute: Compute, campaigns: list[Campaign], period: ReportingPeriod) -> list[Figure]:
    running = [
        campaign
        for campaign in campaigns
        if campaign.starts_on <= period.ends_on and campaign.ends_on >= period.starts_on
    ]
    if running:
        return compute(running, period)
    nothing = _("No campaign of the programme ran between %(start)s and %(end)s") % {
        "start": period.starts_on.isoformat(),
        "end": period.ends_on.isoformat(),
    }
    return [Figure(dimension="", category="", value=0, detail=nothing)]


def _figures_store(
    indicator: Indicator, period: ReportingPeriod, figures: list[Figure], counted: str
) -> None:
    kept = set()
    for figure in figures:
        if figure.dimension and figure.dimension not in indicator.disaggregation:
            continue
        result_automatic_store(
            indicator=indicator,
            period=period,
            value=figure.value,
            source_detail=f"{figure.detail}, {counted}",
            dimension=figure.dimension,
            category=figure.category,
        )
        kept.add((figure.dimension, figure.category))
    # A category counted last time but not now (e.g. a material taken out of the campaign) must not
    # keep its old figure; only counted rows are ever removed, never anything entered by hand.
    stale = [
        pk
        for pk, dimension, category in Result.objects.filter(
            indicator=indicator, period=period, is_automatic=True
        ).values_list("pk", "dimension", "category")
        if (dimension, category) not in kept
    ]
    if stale:
        Result.objects.filter(pk__in=stale).delete()
