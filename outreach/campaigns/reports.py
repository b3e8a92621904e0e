"""The partner report of a joint programme for one period: every indicator's target, result and running
total up to and including that period, broken down where the indicator is, the period's narrative and
charts of progress, as a PDF or an XLSX workbook in English or Russian.

The same data gives the same bytes: ReportLab writes an invariant PDF, and the workbook carries dates
taken from the period's end, inside and in its ZIP entries. No personal data goes in: no contact at a
partner and no name of whoever entered a figure."""

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from io import BytesIO
from typing import Any
from zipfile import ZIP_DEFLATED

from django.conf import settings
from django.db import models
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import override, pgettext

from outreach.core.documents import FONT_BOLD, FixedTimeZipFile, report_fonts

from .charts import Box, Chart, Label, Line, Marker, Polyline, progress_chart
from .dashboard import IndicatorProgress, figure, programme_periods, programme_progress
from .models import (
    JointProgramme,
    PeriodNarrative,
    ProgrammePartner,
    ReportingPeriod,
    ResultStatement,
)

REPORT_LANGUAGES = PeriodNarrative.Language


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "XLSX"


CONTENT_TYPES = {
    ReportFormat.PDF: "application/pdf",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class PartnerReport:
    """What the partner report of `period` says, in `language`."""

    programme: JointProgramme
    period: ReportingPeriod
    periods: list[ReportingPeriod]
    language: str
    partners: tuple[ProgrammePartner, ...]
    indicators: list[IndicatorProgress]
    narrative: PeriodNarrative | None

    def narrative_note(self) -> str:
        """Why the narrative is in the other language, or nothing; in the active language."""
        if self.narrative is None or self.narrative.language == self.language:
            return ""
        if self.language == REPORT_LANGUAGES.RUSSIAN:
            return _("The narrative for this period has not been written in Russian; it is shown in English.")
        return _("The narrative for this period has not been written in English; it is shown in Russian.")


def partner_report(
    *, user: Any, programme: JointProgramme, period: ReportingPeriod, language: str
) -> PartnerReport:
    """The partner report's content for a programme found through programmes_visible_to, one of its
    periods and a report language; the caller has checked can_view_report. Six queries."""
    narratives = {item.language: item for item in PeriodNarrative.objects.filter(period_id=period.pk)}
    narrative = narratives.get(language) or next(
        (narratives[code] for code in REPORT_LANGUAGES.values if code in narratives), None
    )
    periods = programme_periods(user=user, programme=programme, up_to=period)
    return PartnerReport(
        programme=programme,
        period=period,
        periods=periods,
        language=language,
        # Not chained on programme.partner_roles: see services.programme_funding_by_partner.
        partners=tuple(
            ProgrammePartner.objects.filter(programme_id=programme.pk)
            .select_related("partner")
            .order_by("-funding_share", "partner__name")
        ),
        indicators=programme_progress(user=user, programme=programme, periods=periods),
        narrative=narrative,
    )


# --- Content shared by both formats -----------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """A line of the results table: an outcome or output, an indicator's total, or one of its
    disaggregated lines."""

    kind: str  # "statement", "indicator" or "breakdown"
    name: str
    code: str = ""
    partner_code: str = ""
    unit: str = ""
    baseline: Decimal | None = None
    target: Decimal | None = None
    actual: Decimal | None = None
    cumulative: Decimal | None = None
    means_of_verification: str = ""
    evidence: str = ""


def _statement_name(statement: ResultStatement) -> str:
    return f"{statement.get_level_display()} {statement.code}: {statement.statement}"


def report_rows(report: PartnerReport) -> list[Row]:
    """The results table, statement by statement, in the active language."""
    rows: list[Row] = []
    statement_id = None
    for progress in report.indicators:
        indicator = progress.indicator
        if indicator.statement_id != statement_id:
            statement_id = indicator.statement_id
            rows.append(Row(kind="statement", name=_statement_name(indicator.statement)))
        line = progress.at(report.period)
        evidence = [line.evidence_note] if line.evidence_note else []
        if line.is_automatic and line.source_detail:
            evidence.append(_("Counted by the platform: %(detail)s") % {"detail": line.source_detail})
        rows.append(
            Row(
                kind="indicator",
                code=indicator.code,
                partner_code=indicator.partner_code,
                name=indicator.name,
                unit=str(indicator.get_unit_display()),
                baseline=indicator.baseline,
                target=line.target,
                actual=line.actual,
                cumulative=line.cumulative,
                means_of_verification=indicator.means_of_verification,
                evidence="\n".join(evidence),
            )
        )
        rows.extend(
            Row(
                kind="breakdown",
                name=f"{breakdown.dimension_label}: {breakdown.category}",
                actual=breakdown.actual,
                cumulative=breakdown.cumulative,
            )
            for breakdown in line.breakdowns
        )
    return rows


def results_headings(period: ReportingPeriod) -> list[str]:
    return [
        _("Code"),
        _("Partner's code"),
        _("Indicator"),
        _("Unit"),
        _("Baseline"),
        _("Target for %(period)s") % {"period": period.name},
        _("Result in %(period)s") % {"period": period.name},
        _("Cumulative to %(period)s") % {"period": period.name},
        _("Means of verification"),
        _("Evidence"),
    ]


def _partners_text(report: PartnerReport) -> str:
    return "; ".join(f"{role.partner.name} ({role.get_role_display()})" for role in report.partners)


def _dates(starts_on: date, ends_on: date) -> str:
    return _("%(start)s to %(end)s") % {
        "start": date_format(starts_on, "DATE_FORMAT"),
        "end": date_format(ends_on, "DATE_FORMAT"),
    }


def _covered(report: PartnerReport) -> str:
    first, last = report.periods[0], report.periods[-1]
    return first.name if first.pk == last.pk else f"{first.name} – {last.name}"


def _facts(report: PartnerReport) -> list[tuple[str, str]]:
    """The report's header: what it is about, label and value, in the active language."""
    programme, period = report.programme, report.period
    return [
        (_("Programme"), programme.name),
        (_("Programme code"), programme.code),
        (_("Programme runs"), _dates(programme.starts_on, programme.ends_on)),
        (_("Partners"), _partners_text(report)),
        (_("Reporting period"), f"{period.name} ({_dates(period.starts_on, period.ends_on)})"),
        (_("Periods covered"), _covered(report)),
    ]


def _narrative_sections(narrative: PeriodNarrative) -> list[tuple[str, str]]:
    sections = [
        (pgettext("narrative", "Summary"), narrative.summary),
        (_("Achievements"), narrative.achievements),
        (_("Challenges"), narrative.challenges),
        (_("Next steps"), narrative.next_steps),
    ]
    return [(heading, text) for heading, text in sections if text.strip()]


def _file_title(report: PartnerReport) -> str:
    return _("Partner report: %(programme)s, %(period)s") % {
        "programme": report.programme.name,
        "period": report.period.name,
    }


def report_filename(report: PartnerReport, file_format: str) -> str:
    return f"partner-report-{report.programme.code}-{slugify(report.period.name)}-{report.language}.{file_format}"


# --- PDF ------------------------------------------------------------------------------------------

# Two charts with their headings fit on a landscape A4 page.
CHART_SCALE = 0.75


def _pdf_text(text: str) -> str:
    return escape(text).replace("\n", "<br/>")


def chart_drawing(chart: Chart, *, font: str, scale: float = 1.0) -> Any:
    """The chart as a ReportLab drawing: the same shapes as the dashboard's SVG, y turned upwards."""
    from reportlab.graphics import shapes as rl
    from reportlab.lib.colors import HexColor

    drawing = rl.Drawing(chart.width * scale, chart.height * scale)
    group = rl.Group()
    group.scale(scale, scale)
    drawing.add(group)
    height = chart.height

    def dash(pattern: tuple[int, ...]) -> list[int] | None:
        return list(pattern) or None

    for shape in chart.shapes:
        if isinstance(shape, Line):
            group.add(
                rl.Line(
                    shape.x1,
                    height - shape.y1,
                    shape.x2,
                    height - shape.y2,
                    strokeColor=HexColor(shape.colour),
                    strokeWidth=shape.width,
                    strokeDashArray=dash(shape.dash),
                )
            )
        elif isinstance(shape, Polyline):
            points = [coordinate for x, y in shape.points for coordinate in (x, height - y)]
            group.add(
                rl.PolyLine(
                    points,
                    strokeColor=HexColor(shape.colour),
                    strokeWidth=shape.width,
                    strokeDashArray=dash(shape.dash),
                )
            )
        elif isinstance(shape, Marker):
            colour = HexColor(shape.colour)
            if shape.square:
                side = shape.size * 2
                group.add(
                    rl.Rect(
                        shape.x - shape.size,
                        height - shape.y - shape.size,
                        side,
                        side,
                        fillColor=colour,
                        strokeColor=None,
                    )
                )
            else:
                group.add(
                    rl.Circle(shape.x, height - shape.y, shape.size, fillColor=colour, strokeColor=None)
                )
        elif isinstance(shape, Box):
            group.add(
                rl.Rect(
                    shape.x,
                    height - shape.y - shape.height,
                    shape.width,
                    shape.height,
                    fillColor=HexColor(shape.colour),
                    strokeColor=None,
                )
            )
        elif isinstance(shape, Label):
            group.add(
                rl.String(
                    shape.x,
                    height - shape.y,
                    shape.text,
                    fontName=FONT_BOLD if shape.bold else font,
                    fontSize=shape.size,
                    fillColor=HexColor(shape.colour),
                    textAnchor=shape.anchor,
                )
            )
    return drawing


def partner_report_pdf(report: PartnerReport, *, compress: bool = True) -> bytes:
    """The report as an A4 landscape PDF; identical bytes for identical data. `compress=False` leaves
    the page streams readable (for tests)."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font, bold = report_fonts()
    body = ParagraphStyle("body", fontName=font, fontSize=8.5, leading=11)
    small = ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5)
    number = ParagraphStyle("number", parent=small, alignment=TA_RIGHT)
    heading = ParagraphStyle(
        "heading", parent=body, fontName=bold, fontSize=12, leading=15, spaceBefore=8, keepWithNext=1
    )
    subheading = ParagraphStyle(
        "subheading", parent=body, fontName=bold, fontSize=9.5, leading=12, spaceBefore=4, keepWithNext=1
    )
    title = ParagraphStyle("title", parent=body, fontName=bold, fontSize=17, leading=21, spaceAfter=6)
    note = ParagraphStyle("note", parent=body, textColor=colors.HexColor("#8a4b00"))

    with override(report.language):
        buffer = BytesIO()
        document = SimpleDocTemplate(
            buffer,
            pagesize=landscape(A4),
            leftMargin=14 * mm,
            rightMargin=14 * mm,
            topMargin=14 * mm,
            bottomMargin=16 * mm,
            invariant=True,
            pageCompression=1 if compress else 0,
            title=_file_title(report),
            subject=report.programme.name,
            author=settings.WAGTAIL_SITE_NAME,
            creator=settings.WAGTAIL_SITE_NAME,
            lang=report.language,
        )
        footer_text = f"{report.programme.code} · {report.period.name}"

        def footer(canvas: Any, doc: Any) -> None:
            canvas.saveState()
            canvas.setFont(font, 7.5)
            canvas.drawString(doc.leftMargin, 9 * mm, footer_text)
            canvas.drawRightString(
                doc.pagesize[0] - doc.rightMargin, 9 * mm, _("Page %(number)s") % {"number": doc.page}
            )
            canvas.restoreState()

        story: list[Any] = [
            Paragraph(_pdf_text(_("Partner report")), title),
            Table(
                [
                    [Paragraph(_pdf_text(label), subheading), Paragraph(_pdf_text(value), body)]
                    for label, value in _facts(report)
                ],
                colWidths=[45 * mm, None],
                style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]),
                hAlign="LEFT",
            ),
            Paragraph(_pdf_text(_("Narrative")), heading),
        ]
        if report.narrative is None:
            story.append(Paragraph(_pdf_text(_("No narrative has been written for this period.")), body))
        else:
            if report.narrative_note():
                story.append(Paragraph(_pdf_text(report.narrative_note()), note))
            for section, text in _narrative_sections(report.narrative):
                story += [Paragraph(_pdf_text(section), subheading), Paragraph(_pdf_text(text), body)]

        story.append(
            Paragraph(
                _pdf_text(_("Results up to and including %(period)s") % {"period": report.period.name}),
                heading,
            )
        )
        story.append(Spacer(1, 2 * mm))
        story.append(_results_table(report, small=small, number=number, bold=bold))

        if report.indicators:
            story.append(Paragraph(_pdf_text(_("Progress by indicator")), heading))
        for progress in report.indicators:
            chart = progress_chart(progress)
            story.append(
                KeepTogether(
                    [
                        Paragraph(
                            _pdf_text(f"{progress.indicator.code} {progress.indicator.name}"), subheading
                        ),
                        chart_drawing(chart, font=font, scale=CHART_SCALE),
                        Paragraph(_pdf_text(chart.description), small),
                    ]
                )
            )
        document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _results_table(report: PartnerReport, *, small: Any, number: Any, bold: str) -> Any:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Table, TableStyle

    heading = ParagraphStyle("column", parent=small, fontName=bold)
    indented = ParagraphStyle("indented", parent=small, leftIndent=8, textColor=colors.HexColor("#404040"))
    statement = ParagraphStyle("statement", parent=small, fontName=bold)

    def text(value: str, style: Any = small) -> Any:
        return Paragraph(_pdf_text(value), style)

    def amount(value: Decimal | None) -> Any:
        return Paragraph(_pdf_text(figure(value)), number)

    data: list[list[Any]] = [[text(label, heading) for label in results_headings(report.period)]]
    styles: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#b0b0b0")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e4ecf3")),
    ]
    for row in report_rows(report):
        index = len(data)
        if row.kind == "statement":
            data.append([text(row.name, statement)] + [""] * 9)
            styles += [
                ("SPAN", (0, index), (-1, index)),
                ("BACKGROUND", (0, index), (-1, index), colors.HexColor("#f1f1f1")),
            ]
        elif row.kind == "indicator":
            data.append(
                [
                    text(row.code),
                    text(row.partner_code),
                    text(row.name),
                    text(row.unit),
                    amount(row.baseline),
                    amount(row.target),
                    amount(row.actual),
                    amount(row.cumulative),
                    text(row.means_of_verification),
                    text(row.evidence),
                ]
            )
        else:
            data.append(
                [
                    "",
                    "",
                    text(row.name, indented),
                    "",
                    "",
                    "",
                    amount(row.actual),
                    amount(row.cumulative),
                    "",
                    "",
                ]
            )
    widths = [13, 18, 52, 22, 21, 20, 21, 24, 45, 33]
    return Table(data, colWidths=[width * mm for width in widths], repeatRows=1, style=TableStyle(styles))


# --- XLSX -----------------------------------------------------------------------------------------


def _xlsx_number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _number_format(value: Decimal | None) -> str:
    return "#,##0" if value is None or value == value.to_integral_value() else "#,##0.00"


def partner_report_xlsx(report: PartnerReport) -> bytes:
    """The report as a workbook: an overview with the narrative, the results table, and each
    indicator's progress with a chart; identical bytes for identical data."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    stamp = datetime.combine(report.period.ends_on, time(0, 0))
    with override(report.language):
        workbook = Workbook()
        _xlsx_overview(workbook.active, report)
        _xlsx_results(workbook.create_sheet(_("Results")), report)
        _xlsx_progress(workbook.create_sheet(_("Progress")), report)
        properties = workbook.properties
        properties.creator = settings.WAGTAIL_SITE_NAME
        properties.title = _file_title(report)
        properties.language = report.language
        properties.created = stamp
        properties.modified = stamp
        buffer = BytesIO()
        # ExcelWriter rather than Workbook.save, which stamps "modified" with the time of saving.
        archive = FixedTimeZipFile(buffer, "w", ZIP_DEFLATED, date_time=stamp.timetuple()[:6])
        ExcelWriter(workbook, archive).save()
    return buffer.getvalue()


def _xlsx_overview(sheet: Any, report: PartnerReport) -> None:
    from openpyxl.styles import Alignment, Font

    sheet.title = _("Overview")
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 100
    date_style = "DD.MM.YYYY" if report.language == REPORT_LANGUAGES.RUSSIAN else "YYYY-MM-DD"

    def add(label: str, value: Any = None, *, size: float | None = None) -> Any:
        sheet.append([label] if value is None else [label, value])
        row = sheet.max_row
        sheet.cell(row=row, column=1).font = Font(bold=True, size=size)
        sheet.cell(row=row, column=1).alignment = Alignment(vertical="top")
        cell = sheet.cell(row=row, column=2)
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
        if isinstance(value, date):
            cell.number_format = date_style
        return cell

    add(_("Partner report"), size=14)
    sheet.append([])
    for label, value in _facts(report):
        add(label, value)
    add(_("Period starts on"), report.period.starts_on)
    add(_("Period ends on"), report.period.ends_on)
    sheet.append([])
    add(_("Narrative"), size=12)
    if report.narrative is None:
        sheet.append([_("No narrative has been written for this period.")])
    else:
        if report.narrative_note():
            sheet.append([report.narrative_note()])
        for section, text in _narrative_sections(report.narrative):
            add(section, text)


def _xlsx_results(sheet: Any, report: PartnerReport) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    headings = results_headings(report.period)
    sheet.append(headings)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFGHIJ", (10, 14, 48, 10, 12, 14, 14, 16, 40, 40), strict=True):
        sheet.column_dimensions[column].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    statement_fill = PatternFill("solid", fgColor="F1F1F1")
    for row in report_rows(report):
        if row.kind == "statement":
            sheet.append([row.name])
            cell = sheet.cell(row=sheet.max_row, column=1)
            cell.font, cell.fill = Font(bold=True), statement_fill
            continue
        numbers = (row.baseline, row.target, row.actual, row.cumulative)
        sheet.append(
            [
                row.code or None,
                row.partner_code or None,
                row.name,
                row.unit or None,
                *(_xlsx_number(value) for value in numbers),
                row.means_of_verification or None,
                row.evidence or None,
            ]
        )
        current = sheet.max_row
        for column, value in zip(range(5, 9), numbers, strict=True):
            sheet.cell(row=current, column=column).number_format = _number_format(value)
        for column in (3, 9, 10):
            sheet.cell(row=current, column=column).alignment = wrap
        if row.kind == "breakdown":
            sheet.cell(row=current, column=3).alignment = Alignment(indent=2, vertical="top")


def _xlsx_progress(sheet: Any, report: PartnerReport) -> None:
    """Each indicator's periods as a small table with a line chart of baseline, target and result
    beside it."""
    from openpyxl.chart import LineChart, Reference
    from openpyxl.styles import Font

    sheet.column_dimensions["A"].width = 16
    for column in "BCDE":
        sheet.column_dimensions[column].width = 14
    row = 1
    for progress in report.indicators:
        indicator = progress.indicator
        sheet.cell(row=row, column=1, value=f"{indicator.code} {indicator.name}").font = Font(bold=True)
        headings = [_("Period"), _("Baseline"), pgettext("indicator", "Target"), _("Result")]
        if progress.adds_up:
            headings.append(_("Cumulative"))
        for column, heading in enumerate(headings, start=1):
            sheet.cell(row=row + 1, column=column, value=heading).font = Font(bold=True)
        for offset, line in enumerate(progress.periods, start=2):
            values = [indicator.baseline, line.target, line.actual]
            if progress.adds_up:
                values.append(line.cumulative)
            sheet.cell(row=row + offset, column=1, value=line.period.name)
            for column, value in enumerate(values, start=2):
                cell = sheet.cell(row=row + offset, column=column, value=_xlsx_number(value))
                cell.number_format = _number_format(value)
        last = row + 1 + len(progress.periods)
        chart = LineChart()
        chart.title = _("%(code)s: target and result by period") % {"code": indicator.code}
        chart.y_axis.title = str(indicator.get_unit_display())
        # openpyxl 3.1 hides both axes unless told otherwise.
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.height, chart.width = 7, 15
        chart.add_data(
            Reference(sheet, min_col=2, max_col=4, min_row=row + 1, max_row=last), titles_from_data=True
        )
        chart.set_categories(Reference(sheet, min_col=1, min_row=row + 2, max_row=last))
        baseline, target, _result = chart.series
        baseline.graphicalProperties.line.dashStyle = "sysDot"
        target.graphicalProperties.line.dashStyle = "dash"
        sheet.add_chart(chart, f"G{row}")
        # Leave room for the chart (about 14 rows high) before the next indicator.
        row = max(last + 2, row + 16)
