"""The donor report of a grant programme for a period, as an XLSX workbook or a PDF: aggregates only.

Grantees by cohort and status, by gender, by degree level and by institution; payments made in the
period by month and kind in the programme's currency, and each funder's share in its reporting
currency (DisbursementShare, at the payment day's rate); retention and graduation; alumni outcomes
by residence and sector, leadership roles, and the response rate of each survey wave.

No name, code or contact of a grantee ever goes in, whoever asks: counts of people under 10 are
written "fewer than 10", and so is a rate whose group is that small. Money is shown in full (a
funder must account for every payment). The same data gives the same bytes: ReportLab writes an
invariant PDF, and the workbook is dated with the period's last day, inside and in its ZIP entries.

Statuses are those of today for the awards begun by the period's end; the rates are read as on the
period's last day, with the same definitions as the programme dashboard (selectors.py)."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from typing import Any
from zipfile import ZIP_DEFLATED

from django.conf import settings
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from outreach.core.exceptions import ApplicationError

from .models import (
    Award,
    AwardTransition,
    Disbursement,
    DisbursementShare,
    Funder,
    Grantee,
    OutcomeRecord,
    Programme,
)
from .permissions import can_view_programme_aggregates
from .selectors import SMALL_GROUP

ZERO = Decimal("0.00")


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "XLSX"


CONTENT_TYPES = {
    ReportFormat.PDF: "application/pdf",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def fewer_than() -> str:
    return _("fewer than %(limit)d") % {"limit": SMALL_GROUP}


def people(count: int) -> int | str:
    """A count of people as the report may show it: exact from 10 on, "fewer than 10" below (0 stays 0)."""
    return fewer_than() if 0 < count < SMALL_GROUP else count


def rate(part: int, whole: int) -> str:
    """A percentage with one decimal, or "fewer than 10" when the group is that small, or a dash."""
    if whole == 0:
        return "–"
    if whole < SMALL_GROUP:
        return fewer_than()
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value}%"


@dataclass(frozen=True)
class Table:
    """One section of the report: a title, the headings and rows of figures (int, Decimal or text)."""

    title: str
    headings: list[str]
    rows: list[list[Any]]
    note: str = ""


@dataclass(frozen=True)
class DonorReport:
    programme: Programme
    starts_on: date
    ends_on: date
    language: str
    facts: list[tuple[str, str]]
    tables: list[Table] = field(default_factory=list)


def _count_table(
    title: str, heading: str, counts: dict[str, int], labels: dict[str, str], *, counted: str
) -> Table:
    rows = [[labels.get(key, key), people(count)] for key, count in counts.items()]
    rows.append([_("Total"), people(sum(counts.values()))])
    return Table(title=title, headings=[heading, counted], rows=rows)


def _with_status_on(awards: Any, day: date) -> Any:
    """The awards annotated with `status_then`, their status at the end of `day` read from their
    history: the last move made by then, else the status the first later move left, else (never
    moved) the status they hold now. A report for a past period keeps its figures when awards move
    on afterwards."""
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    moves = AwardTransition.objects.filter(award=OuterRef("pk"))
    return awards.annotate(
        status_then=Coalesce(
            Subquery(moves.filter(at__lt=end).order_by("-at", "-pk").values("to_status")[:1]),
            Subquery(moves.filter(at__gte=end).order_by("at", "pk").values("from_status")[:1]),
            F("status"),
        )
    )


def _status_by_cohort(awards: Any) -> Table:
    statuses = Award.Status.choices
    counts: dict[tuple[int, str], Counter] = defaultdict(Counter)
    for row in (
        awards.values("cohort__intake_year", "cohort__name", "status_then").annotate(n=Count("pk")).order_by()
    ):
        counts[(row["cohort__intake_year"], row["cohort__name"])][row["status_then"]] += row["n"]
    rows = []
    for (_year, name), by_status in sorted(counts.items()):
        rows.append(
            [name, *(people(by_status[value]) for value, _label in statuses), people(sum(by_status.values()))]
        )
    totals: Counter = sum(counts.values(), Counter())
    rows.append(
        [
            _("All cohorts"),
            *(people(totals[value]) for value, _label in statuses),
            people(sum(totals.values())),
        ]
    )
    return Table(
        title=_("Grantees by cohort and status"),
        headings=[_("Cohort"), *(str(label) for _value, label in statuses), _("Total")],
        rows=rows,
        note=_("Awards begun by the end of the period, by their status on its last day."),
    )


def _payments(programme: Programme, paid: Any) -> Table:
    kinds = Disbursement.Kind.choices
    by_month: dict[date, dict[str, Decimal]] = defaultdict(dict)
    for row in (
        paid.annotate(paid_month=TruncMonth("paid_on"))
        .values("paid_month", "kind")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        month = row["paid_month"]
        month = month.date() if isinstance(month, datetime) else month
        by_month[month][row["kind"]] = row["total"]
    rows = []
    for month in sorted(by_month):
        amounts = [by_month[month].get(value, ZERO) for value, _label in kinds]
        rows.append([month.strftime("%Y-%m"), *amounts, sum(amounts, ZERO)])
    totals = [sum((by_month[month].get(value, ZERO) for month in by_month), ZERO) for value, _label in kinds]
    rows.append([_("Total"), *totals, sum(totals, ZERO)])
    return Table(
        title=_("Payments made in the period (%(currency)s)") % {"currency": programme.currency},
        headings=[_("Month"), *(str(label) for _value, label in kinds), _("Total")],
        rows=rows,
        note=_("Payments by the month they were paid in, in the programme's currency."),
    )


def _percent(value: Decimal) -> str:
    # "60", "12.5": normalize() alone writes 60 as 6E+1.
    return f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"


def _funders(programme: Programme, paid: Any) -> Table:
    shares: dict[int, dict[date, tuple[Decimal, Decimal]]] = defaultdict(dict)
    for row in (
        DisbursementShare.objects.filter(disbursement__in=paid.values("pk"))
        .annotate(paid_month=TruncMonth("disbursement__paid_on"))
        .values("funder_id", "paid_month")
        .annotate(amount=Sum("amount"), reporting=Sum("reporting_amount"))
        .order_by()
    ):
        month = row["paid_month"]
        month = month.date() if isinstance(month, datetime) else month
        shares[row["funder_id"]][month] = (row["amount"], row["reporting"])
    rows: list[list[Any]] = []
    for funder in Funder.objects.filter(programme=programme).order_by("-share_percent", "name", "pk"):
        months = shares.get(funder.pk, {})
        for month in sorted(months):
            amount, reporting = months[month]
            rows.append([funder.name, month.strftime("%Y-%m"), amount, reporting, funder.reporting_currency])
        rows.append(
            [
                funder.name,
                _("Total (share %(share)s%%)") % {"share": _percent(funder.share_percent)},
                sum((amount for amount, _reporting in months.values()), ZERO),
                sum((reporting for _amount, reporting in months.values()), ZERO),
                funder.reporting_currency,
            ]
        )
    return Table(
        title=_("Each funder's share of the payments"),
        headings=[
            _("Funder"),
            _("Month"),
            _("Amount (%(currency)s)") % {"currency": programme.currency},
            _("Amount in the funder's currency"),
            _("Funder's currency"),
        ],
        rows=rows,
        note=_("Converted at the exchange rate of each payment's day, kept with the payment."),
    )


def _rates(awards: Any, ends_on: date) -> Table:
    Status = Award.Status
    figures = awards.aggregate(
        started=Count("pk", filter=~Q(status_then=Status.SELECTED)),
        withdrawn=Count("pk", filter=Q(status_then=Status.WITHDRAWN)),
        past=Count("pk", filter=Q(expected_end_on__lt=ends_on)),
        finished=Count(
            "pk", filter=Q(expected_end_on__lt=ends_on, status_then__in=(Status.GRADUATED, Status.ALUMNI))
        ),
    )
    started, past = figures["started"], figures["past"]
    return Table(
        title=_("Retention and graduation"),
        headings=[_("Measure"), _("Rate"), _("Out of")],
        rows=[
            [
                _("Retention: awards begun and not withdrawn"),
                rate(started - figures["withdrawn"], started),
                people(started),
            ],
            [
                _("Graduation: awards past their expected end that graduated"),
                rate(figures["finished"], past),
                people(past),
            ],
        ],
    )


def _outcomes(programme: Programme, ends_on: date) -> list[Table]:
    records = list(
        OutcomeRecord.objects.filter(award__cohort__programme=programme, due_on__lte=ends_on)
        .order_by("award_id", "due_on", "pk")
        .values("award_id", "wave", "responded_on", "residence", "employer_sector", "is_leadership")
    )
    latest: dict[int, dict[str, Any]] = {}
    due: Counter = Counter()
    responded: Counter = Counter()
    for record in records:
        due[record["wave"]] += 1
        if record["responded_on"] is not None and record["responded_on"] <= ends_on:
            responded[record["wave"]] += 1
            latest[record["award_id"]] = record
    residences = Counter(record["residence"] for record in latest.values() if record["residence"])
    sectors = Counter(record["employer_sector"] for record in latest.values() if record["employer_sector"])
    leaders = sum(1 for record in latest.values() if record["is_leadership"])
    residence_labels = dict(OutcomeRecord.Residence.choices)
    sector_labels = dict(OutcomeRecord.Sector.choices)
    return [
        Table(
            title=_("Alumni: where they live"),
            headings=[_("Residence"), _("Alumni")],
            rows=[[str(residence_labels[key]), people(residences[key])] for key in residence_labels],
            note=_("Each alumnus by their latest answer up to the end of the period."),
        ),
        Table(
            title=_("Alumni: employer sector"),
            headings=[_("Sector"), _("Alumni")],
            rows=[
                *([str(sector_labels[key]), people(sectors[key])] for key in sector_labels),
                [_("In a leadership role"), people(leaders)],
                [_("Alumni who answered"), people(len(latest))],
            ],
        ),
        Table(
            title=_("Alumni surveys: response rate per wave"),
            headings=[_("Wave"), _("Due"), _("Answered"), _("Response rate")],
            rows=[
                [str(label), people(due[wave]), people(responded[wave]), rate(responded[wave], due[wave])]
                for wave, label in OutcomeRecord.Wave.choices
            ],
        ),
    ]


def donor_report(*, user: Any, programme: Programme, starts_on: date, ends_on: date) -> DonorReport:
    """The donor report's figures for a programme and a period, in the active language; a dozen
    queries whatever the size. ApplicationError when the user may not see the programme's
    aggregates or the period ends before it starts."""
    if not can_view_programme_aggregates(user, programme):
        raise ApplicationError(_("You may not see this programme's figures."))
    if ends_on < starts_on:
        raise ApplicationError(_("The period cannot end before it starts."))
    awards = _with_status_on(
        Award.objects.filter(cohort__programme=programme, starts_on__lte=ends_on), ends_on
    )
    paid = Disbursement.objects.filter(
        award__cohort__programme=programme,
        status=Disbursement.Status.PAID,
        paid_on__gte=starts_on,
        paid_on__lte=ends_on,
    )
    genders = {
        row["grantee__gender"]: row["n"]
        for row in awards.values("grantee__gender").annotate(n=Count("grantee", distinct=True)).order_by()
    }
    degrees = {
        row["degree_level"]: row["n"]
        for row in awards.values("degree_level").annotate(n=Count("pk")).order_by()
    }
    institutions = {
        f"{row['institution__name']} ({row['institution__city']})": row["n"]
        for row in awards.values("institution__name", "institution__city")
        .annotate(n=Count("grantee", distinct=True))
        .order_by("institution__name")
    }
    gender_labels = {key: str(label) for key, label in Grantee.Gender.choices}
    degree_labels = {key: str(label) for key, label in Award.DegreeLevel.choices}
    tables = [
        _status_by_cohort(awards),
        _count_table(
            _("Grantees by gender"),
            _("Gender"),
            {key: genders.get(key, 0) for key in gender_labels},
            gender_labels,
            counted=_("Grantees"),
        ),
        _count_table(
            _("Awards by degree level"),
            _("Degree level"),
            {key: degrees.get(key, 0) for key in degree_labels},
            degree_labels,
            counted=_("Awards"),
        ),
        _count_table(_("Grantees by institution"), _("Institution"), institutions, {}, counted=_("Grantees")),
        _payments(programme, paid),
        _funders(programme, paid),
        _rates(awards, ends_on),
        *_outcomes(programme, ends_on),
    ]
    facts = [
        (_("Programme"), programme.name),
        (_("Currency"), programme.currency),
        (
            _("Period"),
            _("%(start)s to %(end)s")
            % {"start": date_format(starts_on, "DATE_FORMAT"), "end": date_format(ends_on, "DATE_FORMAT")},
        ),
    ]
    return DonorReport(
        programme=programme,
        starts_on=starts_on,
        ends_on=ends_on,
        language=get_language() or settings.LANGUAGE_CODE,
        facts=facts,
        tables=tables,
    )


def report_filename(report: DonorReport, file_format: str) -> str:
    return f"donor-report-{report.programme.code}-{report.starts_on:%Y%m%d}-{report.ends_on:%Y%m%d}.{file_format}"


def _privacy_note() -> str:
    return _(
        "Aggregates only: no grantee is named or identified. Groups of fewer than %(limit)d people are "
        "shown as “fewer than %(limit)d”."
    ) % {"limit": SMALL_GROUP}


def _title(report: DonorReport) -> str:
    return _("Donor report: %(programme)s") % {"programme": report.programme.name}


# --- XLSX -----------------------------------------------------------------------------------------


def donor_report_xlsx(report: DonorReport) -> bytes:
    """The report as one worksheet of tables; identical bytes for identical data."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.writer.excel import ExcelWriter

    from outreach.core.documents import FixedTimeZipFile

    stamp = datetime.combine(report.ends_on, time(0, 0))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Donor report")[:31]
    sheet.column_dimensions["A"].width = 48
    for column in "BCDEFGHIJK":
        sheet.column_dimensions[column].width = 16
    sheet.append([_title(report)])
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    for label, value in report.facts:
        sheet.append([label, value])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    sheet.append([_privacy_note()])
    for table in report.tables:
        sheet.append([])
        sheet.append([table.title])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, size=12)
        if table.note:
            sheet.append([table.note])
        sheet.append(table.headings)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in table.rows:
            sheet.append([float(value) if isinstance(value, Decimal) else value for value in row])
            for index, value in enumerate(row, start=1):
                if isinstance(value, Decimal):
                    sheet.cell(row=sheet.max_row, column=index).number_format = "#,##0.00"
    properties = workbook.properties
    properties.creator = settings.WAGTAIL_SITE_NAME
    properties.title = _title(report)
    properties.language = report.language
    properties.created = stamp
    properties.modified = stamp
    buffer = BytesIO()
    # ExcelWriter rather than Workbook.save, which stamps "modified" with the time of saving.
    archive = FixedTimeZipFile(buffer, "w", ZIP_DEFLATED, date_time=stamp.timetuple()[:6])
    ExcelWriter(workbook, archive).save()
    return buffer.getvalue()


# --- PDF ------------------------------------------------------------------------------------------


def _money_text(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", "\u202f")


def _pdf_text(value: Any) -> str:
    if isinstance(value, Decimal):
        return _money_text(value)
    return escape(str(value)).replace("\n", "<br/>")


def donor_report_pdf(report: DonorReport, *, compress: bool = True) -> bytes:
    """The report as an A4 PDF; identical bytes for identical data. `compress=False` leaves the page
    streams readable (for tests)."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Table, TableStyle

    from outreach.core.documents import report_fonts

    font, bold = report_fonts()
    body = ParagraphStyle("body", fontName=font, fontSize=8.5, leading=11)
    small = ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5)
    number = ParagraphStyle("number", parent=small, alignment=TA_RIGHT)
    column = ParagraphStyle("column", parent=small, fontName=bold)
    heading = ParagraphStyle(
        "heading", parent=body, fontName=bold, fontSize=11, leading=14, spaceBefore=10, keepWithNext=1
    )
    title = ParagraphStyle("title", parent=body, fontName=bold, fontSize=16, leading=20, spaceAfter=6)
    note = ParagraphStyle("note", parent=small, textColor=colors.HexColor("#505050"))

    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=16 * mm,
        invariant=True,
        pageCompression=1 if compress else 0,
        title=_title(report),
        subject=report.programme.name,
        author=settings.WAGTAIL_SITE_NAME,
        creator=settings.WAGTAIL_SITE_NAME,
        lang=report.language,
    )
    footer_text = f"{report.programme.code} · {report.starts_on.isoformat()} – {report.ends_on.isoformat()}"

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.drawString(doc.leftMargin, 9 * mm, footer_text)
        canvas.drawRightString(
            doc.pagesize[0] - doc.rightMargin, 9 * mm, _("Page %(number)s") % {"number": doc.page}
        )
        canvas.restoreState()

    story: list[Any] = [
        Paragraph(_pdf_text(_title(report)), title),
        Table(
            [
                [Paragraph(_pdf_text(label), column), Paragraph(_pdf_text(value), body)]
                for label, value in report.facts
            ],
            colWidths=[40 * mm, None],
            style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]),
            hAlign="LEFT",
        ),
        Paragraph(_pdf_text(_privacy_note()), note),
    ]
    for table in report.tables:
        data = [[Paragraph(_pdf_text(text), column) for text in table.headings]]
        for row in table.rows:
            data.append(
                [
                    Paragraph(_pdf_text(value), small if index == 0 else number)
                    for index, value in enumerate(row)
                ]
            )
        first = 60 * mm if len(table.headings) < 6 else 32 * mm
        rest = (A4[0] - 30 * mm - first) / max(len(table.headings) - 1, 1)
        grid = Table(
            data,
            colWidths=[first] + [rest] * (len(table.headings) - 1),
            repeatRows=1,
            style=TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#b0b0b0")),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e4ecf3")),
                ]
            ),
            hAlign="LEFT",
        )
        parts = [Paragraph(_pdf_text(table.title), heading)]
        if table.note:
            parts.append(Paragraph(_pdf_text(table.note), note))
        story.append(KeepTogether([*parts, grid]) if len(data) < 25 else parts[0])
        if len(data) >= 25:
            story += [*parts[1:], grid]
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
