"""Filtered lists of grantees, awards, disbursements and progress reports as CSV or XLSX files.

The filters are the admin listing's GET parameters (programme, cohort, institution, status, q), read
by ExportFilterForm whose choices are only what the user may see, so naming another programme is an
error rather than an empty file. Rows come from the scoped selectors only. Grantees are named by
services.grantee_display_name: their code unless the user may see names; dates of birth, contacts
and papers only for holders of the personal-data permission. Every export is recorded in the audit
log as grants.export_list with the model, the filters and the number of rows, never a name or what
was searched for."""

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from outreach.core.exceptions import ApplicationError

from .models import Award, Disbursement, Institution, ProgressReport, ResidenceDocument
from .permissions import (
    can_view_cannot_return_flag,
    can_view_grantee_personal_data,
    rules_for,
)
from .selectors import (
    awards_flagged_ids,
    awards_visible_to,
    cohorts_visible_to,
    grantees_visible_to,
    programmes_visible_to,
)
from .services import grantee_display_name

# Audit log action; its label is registered in import_hooks.py.
LOG_EXPORT_LIST = "grants.export_list"


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# The lists that may be exported, by the name used in the URL: the grants model behind each.
EXPORTABLE = {
    "grantees": "grantee",
    "awards": "award",
    "disbursements": "disbursement",
    "progress-reports": "progressreport",
}
STATUS_CHOICES = {
    "grantee": Award.Status.choices,
    "award": Award.Status.choices,
    "disbursement": Disbursement.Status.choices,
}
EXTRA_FILTERS = {
    "award": {"degree_level": Award.DegreeLevel.choices},
    "disbursement": {"kind": Disbursement.Kind.choices},
    "progressreport": {"academic_status": ProgressReport.AcademicStatus.choices},
}


class ExportFilterForm(forms.Form):
    """The listing's filters, by the same GET names (grants/admin_views.py filter sets); choices
    narrowed to the user's programmes, so another programme's id is refused. Parameters a list does
    not have (the page, the ordering) are ignored."""

    programme = forms.ModelMultipleChoiceField(queryset=None, required=False)
    cohort = forms.ModelMultipleChoiceField(queryset=None, required=False)
    institution = forms.ModelMultipleChoiceField(queryset=Institution.objects.all(), required=False)
    status = forms.MultipleChoiceField(required=False)
    at_risk = forms.ChoiceField(choices=[("", ""), ("yes", "yes"), ("no", "no")], required=False)
    q = forms.CharField(required=False, max_length=200, strip=True)

    def __init__(self, *args: Any, user: Any, model: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes_visible_to(user=user)
        self.fields["cohort"].queryset = cohorts_visible_to(user=user)
        self.fields["status"].choices = STATUS_CHOICES.get(model, [])
        for name, choices in EXTRA_FILTERS.get(model, {}).items():
            self.fields[name] = forms.MultipleChoiceField(choices=choices, required=False)
        if model == "disbursement":
            self.fields["month"] = forms.DateField(required=False)
        if model == "progressreport":
            self.fields["term"] = forms.CharField(required=False, max_length=20)


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    filename: str
    content_type: str
    rows: int


@dataclass(frozen=True)
class Column:
    heading: str
    value: Callable[[Any], Any]


def _filter_awards(queryset: QuerySet, prefix: str, data: dict[str, Any], *, status: bool = True) -> QuerySet:
    """Narrow a queryset by the award fields under `prefix` ("" for awards themselves)."""
    if data.get("programme"):
        queryset = queryset.filter(**{f"{prefix}cohort__programme__in": data["programme"]})
    if data.get("cohort"):
        queryset = queryset.filter(**{f"{prefix}cohort__in": data["cohort"]})
    if data.get("institution"):
        queryset = queryset.filter(**{f"{prefix}institution__in": data["institution"]})
    if status and data.get("status"):
        queryset = queryset.filter(**{f"{prefix}status__in": data["status"]})
    return queryset


def _at_risk(queryset: QuerySet, user: Any, data: dict[str, Any], award_field: str) -> QuerySet:
    """The listing's "at risk" filter: rows whose award some risk rule flags today (selectors.award_risks)."""
    if data.get("at_risk") not in ("yes", "no"):
        return queryset
    flagged = awards_flagged_ids(user=user, today=timezone.localdate())
    if award_field == "awards":
        # A grantee is at risk when one of their awards is.
        condition = Q(pk__in=Award.objects.filter(pk__in=flagged).values("grantee_id"))
    else:
        condition = Q(**{f"{award_field}__in": flagged})
    return queryset.filter(condition) if data["at_risk"] == "yes" else queryset.exclude(condition)


def _grantees(user: Any, data: dict[str, Any]) -> QuerySet:
    queryset = grantees_visible_to(user=user)
    if data.get("programme"):
        queryset = queryset.filter(programme__in=data["programme"])
    award_filter = {key: data.get(key) for key in ("cohort", "institution", "status")}
    if any(award_filter.values()):
        # One award must match every award filter at once.
        awards = _filter_awards(Award.objects.filter(grantee_id=OuterRef("pk")), "", award_filter)
        queryset = queryset.filter(Exists(awards))
    if data.get("q"):
        search = Q(code__icontains=data["q"])
        if can_view_grantee_personal_data(user):
            search |= Q(name_latin__icontains=data["q"]) | Q(name_original__icontains=data["q"])
        queryset = queryset.filter(search)
    queryset = _at_risk(queryset, user, data, "awards")
    if can_view_grantee_personal_data(user):
        queryset = queryset.prefetch_related(
            Prefetch(
                "residence_documents", queryset=ResidenceDocument.objects.order_by("kind", "expires_on", "pk")
            )
        )
    return queryset.order_by("code")


def _awards(user: Any, data: dict[str, Any]) -> QuerySet:
    queryset = _filter_awards(awards_visible_to(user=user), "", data)
    if data.get("degree_level"):
        queryset = queryset.filter(degree_level__in=data["degree_level"])
    if data.get("q"):
        search = Q(grantee__code__icontains=data["q"]) | Q(field_of_study__icontains=data["q"])
        if can_view_grantee_personal_data(user):
            search |= Q(grantee__name_latin__icontains=data["q"]) | Q(
                grantee__name_original__icontains=data["q"]
            )
        queryset = queryset.filter(search)
    queryset = _at_risk(queryset, user, data, "pk")
    return queryset.order_by("grantee__code", "starts_on", "pk")


def _award_children(model: Any, user: Any, data: dict[str, Any], *, order: tuple) -> QuerySet:
    """Disbursements or progress reports of the awards the user may see."""
    if not rules_for(model._meta.model_name)["view"](user):
        return model.objects.none()
    queryset = model.objects.filter(award__in=awards_visible_to(user=user).values("pk"))
    queryset = _filter_awards(queryset, "award__", data, status=False)
    for name in ("status", "kind", "academic_status"):
        if data.get(name):
            queryset = queryset.filter(**{f"{name}__in": data[name]})
    if data.get("month"):
        queryset = queryset.filter(month=data["month"])
    if data.get("term"):
        queryset = queryset.filter(term=data["term"])
    queryset = _at_risk(queryset, user, data, "award")
    if data.get("q"):
        queryset = queryset.filter(award__grantee__code__icontains=data["q"])
    return queryset.select_related(
        "award__grantee", "award__cohort__programme", "award__institution"
    ).order_by(*order)


def _papers(grantee: Any) -> str:
    return "; ".join(
        " ".join(
            part
            for part in (
                str(document.get_kind_display()),
                document.number,
                _("until %(day)s") % {"day": document.expires_on.isoformat()} if document.expires_on else "",
            )
            if part
        )
        for document in grantee.residence_documents.all()
    )


def _grantee_columns(user: Any) -> list[Column]:
    def name(grantee: Any) -> str:
        return grantee_display_name(grantee=grantee, user=user)

    def personal(read: Callable[[Any], Any]) -> Callable[[Any], Any]:
        # Per row: an officer may hold the permission for one programme and not another.
        return lambda grantee: read(grantee) if can_view_grantee_personal_data(user, grantee) else None

    columns = [Column(_("Code"), lambda grantee: grantee.code)]
    if can_view_grantee_personal_data(user):
        columns += [
            Column(_("Grantee"), name),
            Column(_("Name (original script)"), personal(lambda grantee: grantee.name_original)),
            Column(_("Name (Latin)"), personal(lambda grantee: grantee.name_latin)),
            Column(_("Date of birth"), personal(lambda grantee: grantee.date_of_birth)),
        ]
    columns += [
        Column(_("Programme"), lambda grantee: grantee.programme.code),
        Column(_("Gender"), lambda grantee: grantee.get_gender_display()),
        Column(_("Nationality"), lambda grantee: grantee.nationality),
        Column(_("Province"), lambda grantee: grantee.province_of_origin),
    ]
    if can_view_grantee_personal_data(user):
        columns += [
            Column(_("Email"), personal(lambda grantee: grantee.email)),
            Column(_("Phone"), personal(lambda grantee: grantee.phone)),
            Column(_("Messenger"), personal(lambda grantee: grantee.messenger)),
            Column(_("Papers"), personal(_papers)),
        ]
    if can_view_cannot_return_flag(user):
        columns.append(
            Column(
                _("Cannot return safely"),
                lambda grantee: (
                    (_("yes") if grantee.cannot_return_safely else _("no"))
                    if can_view_cannot_return_flag(user, grantee)
                    else None
                ),
            )
        )
    return columns


def _award_identity(user: Any, award: Callable[[Any], Any]) -> list[Column]:
    """The grantee and the place of an award, for any row that hangs off one."""
    columns = [Column(_("Code"), lambda row: award(row).grantee.code)]
    if can_view_grantee_personal_data(user):
        columns.append(
            Column(_("Grantee"), lambda row: grantee_display_name(grantee=award(row).grantee, user=user))
        )
    return [
        *columns,
        Column(_("Programme"), lambda row: award(row).cohort.programme.code),
        Column(_("Cohort"), lambda row: award(row).cohort.name),
        Column(_("Institution"), lambda row: award(row).institution.name),
    ]


def _award_columns(user: Any) -> list[Column]:
    return [
        *_award_identity(user, lambda award: award),
        Column(_("City"), lambda award: award.institution.city),
        Column(_("Degree level"), lambda award: award.get_degree_level_display()),
        Column(_("Field of study"), lambda award: award.field_of_study),
        Column(_("Starts on"), lambda award: award.starts_on),
        Column(_("Expected end"), lambda award: award.expected_end_on),
        Column(_("Stipend"), lambda award: award.stipend_amount),
        Column(_("Stipend frequency"), lambda award: award.get_stipend_frequency_display()),
        Column(_("Tuition"), lambda award: award.tuition_amount),
        Column(_("Housing"), lambda award: award.housing_amount),
        Column(_("Currency"), lambda award: award.cohort.programme.currency),
        Column(_("Status"), lambda award: award.get_status_display()),
        Column(_("Ended on"), lambda award: award.ended_on),
    ]


def _disbursement_columns(user: Any) -> list[Column]:
    return [
        *_award_identity(user, lambda row: row.award),
        Column(_("Month"), lambda row: row.month.strftime("%Y-%m")),
        Column(_("Kind"), lambda row: row.get_kind_display()),
        Column(_("Amount"), lambda row: row.amount),
        Column(_("Currency"), lambda row: row.award.cohort.programme.currency),
        Column(_("Status"), lambda row: row.get_status_display()),
        Column(_("Why it is held"), lambda row: row.held_reason),
        Column(_("Paid on"), lambda row: row.paid_on),
    ]


def _report_columns(user: Any) -> list[Column]:
    columns = [
        *_award_identity(user, lambda row: row.award),
        Column(_("Semester"), lambda row: row.term),
        Column(_("Semester ended on"), lambda row: row.ends_on),
        Column(_("Submitted on"), lambda row: row.submitted_on),
        Column(_("GPA"), lambda row: row.gpa),
        Column(_("Credits"), lambda row: row.credits),
        Column(_("Attendance (%)"), lambda row: row.attendance_percent),
        Column(_("Academic status"), lambda row: row.get_academic_status_display()),
    ]
    if can_view_grantee_personal_data(user):
        # An officer's reading of a person: as private as their contacts.
        columns.append(
            Column(
                _("Officer's comment"),
                lambda row: (
                    row.officer_comment if can_view_grantee_personal_data(user, row.award.grantee) else None
                ),
            )
        )
    return columns


LISTS: dict[str, tuple[Callable[[Any, dict[str, Any]], QuerySet], Callable[[Any], list[Column]]]] = {
    "grantee": (_grantees, _grantee_columns),
    "award": (_awards, _award_columns),
    "disbursement": (
        lambda user, data: _award_children(
            Disbursement,
            user,
            data,
            order=("-month", "award__grantee__code", "kind", "pk"),
        ),
        _disbursement_columns,
    ),
    "progressreport": (
        lambda user, data: _award_children(
            ProgressReport,
            user,
            data,
            order=("award__grantee__code", "-ends_on", "pk"),
        ),
        _report_columns,
    ),
}


def can_export_list(user: Any, model: str) -> bool:
    """Export a list of `model` (a grants model name): the view rule of the model."""
    return rules_for(model)["view"](user)


def _filters_for_log(data: dict[str, Any]) -> dict[str, Any]:
    """The filters by id and value; a search only as the fact that there was one (it may be a name)."""
    logged: dict[str, Any] = {}
    for name in ("programme", "cohort", "institution"):
        if data.get(name):
            logged[name] = sorted(item.pk for item in data[name])
    for name in ("status", "degree_level", "kind", "academic_status"):
        if data.get(name):
            logged[name] = sorted(data[name])
    for name in ("at_risk", "term"):
        if data.get(name):
            logged[name] = data[name]
    if data.get("month"):
        logged["month"] = data["month"].isoformat()
    if data.get("q"):
        logged["search"] = True
    return logged


def _cell(value: Any, *, starts: frozenset[str] = frozenset({"=", "+", "-", "@", "\t", "\r"})) -> Any:
    if isinstance(value, str) and value[:1] in starts:
        # A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
        return f"'{value}"
    return "" if value is None else value


def _csv(headings: list[str], rows: Iterable[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headings)
    for row in rows:
        writer.writerow([value.isoformat() if isinstance(value, date) else _cell(value) for value in row])
    # With a BOM, so Excel opens the names in their script.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx(title: str, headings: list[str], rows: Iterable[list[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    header = []
    for heading in headings:
        cell = WriteOnlyCell(sheet, value=heading)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        cells = []
        for value in row:
            # A workbook stores other text as text; only a leading "=" would become a formula.
            cell = WriteOnlyCell(sheet, value=_cell(value, starts=frozenset("=")) if value != "" else None)
            if isinstance(value, date):
                cell.number_format = "YYYY-MM-DD"
            elif isinstance(value, Decimal):
                cell.number_format = "#,##0.00"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@transaction.atomic
def list_export(*, user: Any, list_name: str, params: Any, file_format: str) -> ExportFile:
    """The list `list_name` (a key of EXPORTABLE) filtered by the listing's GET parameters `params`,
    as CSV or XLSX, with only the rows and columns the user may see; recorded in the audit log as
    grants.export_list. ApplicationError for a list the user may not export or a filter naming
    something they may not see."""
    model = EXPORTABLE.get(list_name)
    if model is None or not can_export_list(user, model):
        raise ApplicationError(_("You may not export this list."))
    if file_format not in ExportFormat.values:
        raise ApplicationError(_("Exports come as CSV or XLSX; choose one of them."))
    if not isinstance(params, QueryDict):
        query = QueryDict(mutable=True)
        for name, value in params.items():
            query.setlist(
                name, [str(item) for item in value] if isinstance(value, list | tuple) else [str(value)]
            )
        params = query
    form = ExportFilterForm(params, user=user, model=model)
    if not form.is_valid():
        raise ApplicationError(
            _("The filters name something you may not see or do not exist; nothing was exported."),
            extra={"fields": sorted(form.errors)},
        )
    data = form.cleaned_data
    select, columns_for = LISTS[model]
    columns = columns_for(user)
    queryset = select(user, data)
    values = [[column.value(item) for column in columns] for item in queryset.iterator(chunk_size=2000)]
    headings = [column.heading for column in columns]
    title = str(queryset.model._meta.verbose_name_plural).capitalize()
    content = _csv(headings, values) if file_format == ExportFormat.CSV else _xlsx(title, headings, values)

    programmes = data.get("programme") or []
    log(
        # The audit entry sits with the programme the list was narrowed to, else with the person
        # who exported it (their own history of what they took out).
        # request.user is a lazy proxy, which Wagtail's log registry would not know as a model.
        instance=programmes[0] if len(programmes) == 1 else getattr(user, "_wrapped", user),
        action=LOG_EXPORT_LIST,
        user=user,
        title=title if len(programmes) != 1 else None,
        data={"model": model, "filters": _filters_for_log(data), "rows": len(values), "format": file_format},
    )
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    return ExportFile(
        content=content,
        filename=f"{list_name}-{stamp}.{file_format}",
        content_type=CONTENT_TYPES[ExportFormat(file_format)],
        rows=len(values),
    )
