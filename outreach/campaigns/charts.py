"""Charts drawn on the server: an indicator's targets and results over time, and campaign budgets
against spending. A chart is a list of plain shapes that two renderers draw: inline SVG here for the
dashboard (no script, nothing fetched from elsewhere, a <title> and <desc> for screen readers) and
ReportLab drawings for the PDF report (reports.py), so both show the same picture.

Coordinates are SVG's: origin at the top left, y growing downwards."""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .dashboard import Budget, IndicatorProgress, figure

INK = "#1f1f1f"
GRID = "#d0d0d0"
TARGET = "#5c5c5c"
ACTUAL = "#1d6fa5"
BASELINE = "#b35900"
SPEND = "#1d6fa5"
ALLOCATED = "#9bbcd6"


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    colour: str
    width: float = 1.0
    dash: tuple[int, ...] = ()


@dataclass(frozen=True)
class Polyline:
    points: tuple[tuple[float, float], ...]
    colour: str
    width: float = 2.0
    dash: tuple[int, ...] = ()


@dataclass(frozen=True)
class Marker:
    """A data point; circles and squares tell series apart without relying on colour."""

    x: float
    y: float
    colour: str
    square: bool = False
    size: float = 4.0


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float
    colour: str


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "start"  # start, middle or end, as SVG's text-anchor
    size: float = 11.0
    bold: bool = False
    colour: str = INK


Shape = Line | Polyline | Marker | Box | Label


@dataclass(frozen=True)
class Chart:
    """A chart's shapes, with the title and the description that say in words what it shows."""

    title: str
    description: str
    width: float
    height: float
    shapes: tuple[Shape, ...] = field(default_factory=tuple)


def nice_scale(largest: Decimal, steps: int = 4) -> tuple[Decimal, Decimal]:
    """The top of an axis at or above `largest` and the step between its ticks, in round numbers."""
    if largest <= 0:
        return Decimal(steps), Decimal(1)
    raw = largest / steps
    magnitude = Decimal(10) ** math.floor(math.log10(raw))
    step = next(
        m * magnitude
        for m in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))
        if raw <= m * magnitude
    )
    return step * steps, step


def _shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _legend(items: Sequence[tuple[str, str, tuple[int, ...], str]], *, x: float, y: float) -> list[Shape]:
    """A row of legend entries, (label, colour, dash, mark), each drawn as its series is: a line with
    a "square" or "circle" marker or with "none", or a "bar"."""
    shapes: list[Shape] = []
    for label, colour, dash, mark in items:
        if mark == "bar":
            shapes.append(Box(x + 4, y - 10, 16, 12, colour))
        else:
            shapes.append(Line(x, y - 4, x + 24, y - 4, colour, 2.0, dash))
        if mark in ("square", "circle"):
            shapes.append(Marker(x + 12, y - 4, colour, square=mark == "square"))
        shapes.append(Label(x + 30, y, label))
        x += 30 + 7 * len(label) + 24
    return shapes


def progress_chart(progress: IndicatorProgress) -> Chart:
    """An indicator's target and result in each period as two lines over the baseline."""
    indicator = progress.indicator
    width, height = 640.0, 280.0
    left, right, top, bottom = 72.0, 16.0, 44.0, 36.0
    plot_width, plot_height = width - left - right, height - top - bottom
    periods = progress.periods
    targets = [line.target for line in periods]
    actuals = [line.actual for line in periods]
    values = [v for v in (*targets, *actuals, indicator.baseline) if v is not None]
    ceiling, step = nice_scale(max(values, default=Decimal("0")))

    def x_at(index: int) -> float:
        return left + (index + 0.5) * plot_width / max(len(periods), 1)

    def y_at(value: Decimal) -> float:
        return top + plot_height * (1 - float(value / ceiling))

    shapes: list[Shape] = []
    tick = Decimal("0")
    while tick <= ceiling:
        y = y_at(tick)
        shapes.append(Line(left, y, width - right, y, GRID, 1.0))
        shapes.append(Label(left - 8, y + 4, figure(tick), anchor="end", size=10))
        tick += step
    for index, line in enumerate(periods):
        shapes.append(Label(x_at(index), height - bottom + 18, line.period.name, anchor="middle", size=10))
    baseline_y = y_at(indicator.baseline)
    shapes.append(Line(left, baseline_y, width - right, baseline_y, BASELINE, 1.5, (2, 3)))
    for series, colour, dash, square in ((targets, TARGET, (6, 4), True), (actuals, ACTUAL, (), False)):
        points = [(x_at(i), y_at(v)) for i, v in enumerate(series) if v is not None]
        # A period without a figure breaks the line rather than joining its neighbours.
        run: list[tuple[float, float]] = []
        for i, value in enumerate(series):
            if value is None:
                if len(run) > 1:
                    shapes.append(Polyline(tuple(run), colour, 2.0, dash))
                run = []
            else:
                run.append((x_at(i), y_at(value)))
        if len(run) > 1:
            shapes.append(Polyline(tuple(run), colour, 2.0, dash))
        shapes.extend(Marker(x, y, colour, square=square) for x, y in points)
    shapes.extend(
        _legend(
            [
                (pgettext("indicator", "Target"), TARGET, (6, 4), "square"),
                (str(_("Result")), ACTUAL, (), "circle"),
                (str(_("Baseline")), BASELINE, (2, 3), "none"),
            ],
            x=left,
            y=20,
        )
    )
    return Chart(
        title=str(_("%(code)s: target and result by period") % {"code": indicator.code}),
        description=_progress_description(progress),
        width=width,
        height=height,
        shapes=tuple(shapes),
    )


def _progress_description(progress: IndicatorProgress) -> str:
    parts = [
        str(
            _("%(name)s, in %(unit)s. Baseline %(baseline)s.")
            % {
                "name": progress.indicator.name,
                "unit": progress.indicator.get_unit_display(),
                "baseline": figure(progress.indicator.baseline),
            }
        )
    ]
    for line in progress.periods:
        parts.append(
            str(
                _("%(period)s: target %(target)s, result %(result)s.")
                % {"period": line.period.name, "target": figure(line.target), "result": figure(line.actual)}
            )
        )
    return " ".join(parts)


def budget_chart(budget: Budget) -> Chart:
    """Each campaign's budget and spending as a pair of horizontal bars, all campaigns together first."""
    rows = [(str(_("All campaigns")), budget.allocated, budget.spent)] + [
        (line.campaign.name, line.campaign.budget, line.campaign.spend) for line in budget.campaigns
    ]
    width, left, right, top = 640.0, 190.0, 90.0, 36.0
    bar, gap = 12.0, 14.0
    height = top + len(rows) * (2 * bar + gap) + 8
    ceiling, _step = nice_scale(max((value for row in rows for value in row[1:]), default=Decimal("0")))
    plot_width = width - left - right
    shapes: list[Shape] = list(
        _legend(
            [(str(_("Budget")), ALLOCATED, (), "bar"), (str(_("Spent")), SPEND, (), "bar")],
            x=left,
            y=18,
        )
    )
    y = top
    for name, allocated, spent in rows:
        shapes.append(Label(left - 8, y + bar + 4, _shorten(name, 28), anchor="end", size=10))
        for value, colour in ((allocated, ALLOCATED), (spent, SPEND)):
            length = plot_width * float(value / ceiling)
            shapes.append(Box(left, y, max(length, 1.0), bar, colour))
            shapes.append(Label(left + length + 6, y + bar - 2, figure(value), size=10))
            y += bar
        y += gap
    description = " ".join(
        str(
            _("%(name)s: budget %(budget)s, spent %(spent)s %(currency)s.")
            % {"name": name, "budget": figure(allocated), "spent": figure(spent), "currency": budget.currency}
        )
        for name, allocated, spent in rows
    )
    return Chart(
        title=str(_("Campaign budgets and spending (%(currency)s)") % {"currency": budget.currency}),
        description=description,
        width=width,
        height=height,
        shapes=tuple(shapes),
    )


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _dash(dash: tuple[int, ...]) -> str:
    return f' stroke-dasharray="{" ".join(str(part) for part in dash)}"' if dash else ""


def _svg_shape(shape: Shape) -> str:
    n = _number
    if isinstance(shape, Line):
        return (
            f'<line x1="{n(shape.x1)}" y1="{n(shape.y1)}" x2="{n(shape.x2)}" y2="{n(shape.y2)}" '
            f'stroke="{shape.colour}" stroke-width="{n(shape.width)}"{_dash(shape.dash)}/>'
        )
    if isinstance(shape, Polyline):
        points = " ".join(f"{n(x)},{n(y)}" for x, y in shape.points)
        return (
            f'<polyline points="{points}" fill="none" stroke="{shape.colour}" '
            f'stroke-width="{n(shape.width)}"{_dash(shape.dash)}/>'
        )
    if isinstance(shape, Marker):
        if shape.square:
            side = shape.size * 2
            return (
                f'<rect x="{n(shape.x - shape.size)}" y="{n(shape.y - shape.size)}" width="{n(side)}" '
                f'height="{n(side)}" fill="{shape.colour}"/>'
            )
        return f'<circle cx="{n(shape.x)}" cy="{n(shape.y)}" r="{n(shape.size)}" fill="{shape.colour}"/>'
    if isinstance(shape, Box):
        return (
            f'<rect x="{n(shape.x)}" y="{n(shape.y)}" width="{n(shape.width)}" height="{n(shape.height)}" '
            f'fill="{shape.colour}"/>'
        )
    weight = ' font-weight="bold"' if shape.bold else ""
    return (
        f'<text x="{n(shape.x)}" y="{n(shape.y)}" text-anchor="{shape.anchor}" font-size="{n(shape.size)}"'
        f'{weight} fill="{shape.colour}">{escape(shape.text)}</text>'
    )


def chart_svg(chart: Chart, *, element_id: str) -> SafeString:
    """The chart as inline SVG, named for assistive technology by its title and description;
    `element_id` must be unique on the page."""
    title_id, description_id = escape(f"{element_id}-title"), escape(f"{element_id}-desc")
    body = "".join(_svg_shape(shape) for shape in chart.shapes)
    # Every text and attribute value above is escaped, numeric or a constant of this module.
    return mark_safe(  # noqa: S308  # nosec B308 B703
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_number(chart.width)} '
        f'{_number(chart.height)}" width="{_number(chart.width)}" height="{_number(chart.height)}" '
        f'role="img" aria-labelledby="{title_id} {description_id}" class="campaign-chart" '
        f'font-family="sans-serif" style="max-width: 100%; height: auto;">'
        f'<title id="{title_id}">{escape(chart.title)}</title>'
        f'<desc id="{description_id}">{escape(chart.description)}</desc>'
        f'<rect width="100%" height="100%" fill="#ffffff"/>{body}</svg>'
    )
