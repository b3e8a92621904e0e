"""Admin screens for moving grant data in and out: the grantee import (upload, preview, commit), the
exports of the filtered listings, and the donor report.

Every door checks the rules first (imports.can_import_grantees, exports.can_export_list,
permissions.can_view_programme_aggregates) and finds programmes through the selectors, so an
officer of one programme gets a refusal or a 404 for another's, and a partner user reaches only the
donor report of programmes their organisation funds."""

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from outreach.core.exceptions import ApplicationError

from .donor_report import (
    CONTENT_TYPES,
    ReportFormat,
    donor_report,
    donor_report_pdf,
    donor_report_xlsx,
    report_filename,
)
from .exports import EXPORTABLE, can_export_list, list_export
from .imports import (
    COLUMNS,
    MAX_FILE_BYTES,
    can_import_grantees,
    import_commit,
    import_file_discard,
    import_file_load,
    import_file_store,
    import_parse,
    import_validate,
)
from .permissions import can_view_programme_aggregates
from .selectors import programmes_with_figures_for

IMPORT_TITLE = _("Import grantees")
DONOR_REPORT_TITLE = _("Donor report")


class ImportMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return can_import_grantees(request.user)


class DonorReportMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return can_view_programme_aggregates(request.user)


# --- Import -----------------------------------------------------------------------------------------


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8, comma or semicolon) or Excel (XLSX), one row per award, at most 10 MB."),
        error_messages={"required": _("Choose a file to import.")},
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a CSV or XLSX file."))
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload


class GranteeImportView(WagtailAdminTemplateMixin, TemplateView):
    """Upload a file and see its preview (every error with its row and column, or what would be
    created and updated); then commit it, all or nothing."""

    template_name = "grants/import/index.html"
    page_title = IMPORT_TITLE
    header_icon = "upload"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_import_grantees(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": IMPORT_TITLE}]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ImportUploadForm())
        context["columns"] = COLUMNS
        context["action_url"] = reverse("grants_import")
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if "token" in request.POST:
            return self.commit(request)
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        upload = form.cleaned_data["file"]
        file_bytes = upload.read()
        parsed = import_parse(file_bytes=file_bytes, filename=upload.name)
        try:
            preview = import_validate(parsed=parsed, user=request.user)
        except ApplicationError as error:
            raise PermissionDenied(error.message) from None
        token = (
            import_file_store(file_bytes=file_bytes, filename=upload.name, user=request.user)
            if preview.is_valid
            else ""
        )
        return self.render_to_response(
            self.get_context_data(
                form=ImportUploadForm(), preview=preview, token=token, filename=parsed.filename
            ),
            status=200 if preview.is_valid else 400,
        )

    def commit(self, request: HttpRequest) -> HttpResponse:
        token = request.POST.get("token", "")
        try:
            file_bytes, filename = import_file_load(token=token, user=request.user)
            parsed = import_parse(file_bytes=file_bytes, filename=filename)
            result = import_commit(parsed=parsed, user=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("grants_import")
        import_file_discard(token=token, user=request.user)
        messages.success(
            request,
            _gettext("Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
        )
        if result.institutions_created:
            messages.info(
                request,
                ngettext(
                    "%(count)d new institution was added.",
                    "%(count)d new institutions were added.",
                    result.institutions_created,
                )
                % {"count": result.institutions_created},
            )
        return redirect("grants_import")


# --- Exports of the listings --------------------------------------------------------------------------


class ListExportView(WagtailAdminTemplateMixin, TemplateView):
    """A listing as CSV or XLSX, with the listing's own GET parameters as its filters."""

    template_name = "grants/export/refused.html"
    page_title = _("Export")
    header_icon = "download"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        model = EXPORTABLE.get(kwargs["list_name"])
        if model is None or not can_export_list(request.user, model):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            export = list_export(
                user=request.user,
                list_name=kwargs["list_name"],
                params=request.GET,
                file_format=kwargs["file_format"],
            )
        except ApplicationError as error:
            return self.render_to_response(self.get_context_data(message=error.message), status=400)
        response = HttpResponse(export.content, content_type=export.content_type)
        response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
        return response


# --- Donor report -------------------------------------------------------------------------------------


class DonorReportForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=None,
        empty_label=None,
        error_messages={
            "required": _("Choose a programme."),
            "invalid_choice": _("Choose one of the programmes you may report on."),
        },
    )
    starts_on = forms.DateField(
        label=_("Period starts on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Give the first day of the period."), "invalid": _("Enter a date.")},
    )
    ends_on = forms.DateField(
        label=_("Period ends on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Give the last day of the period."), "invalid": _("Enter a date.")},
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[(ReportFormat.PDF, _("PDF document")), (ReportFormat.XLSX, _("Excel workbook (XLSX)"))],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a format."),
            "invalid_choice": _("The report comes as PDF or XLSX; choose one of them."),
        },
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes_with_figures_for(user=user)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The period cannot end before it starts."))
        return data


class DonorReportView(WagtailAdminTemplateMixin, TemplateView):
    """A form for the programme, the period and the format; with them in the query, the file."""

    template_name = "grants/export/donor_report_form.html"
    page_title = DONOR_REPORT_TITLE
    header_icon = "doc-full"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_view_programme_aggregates(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": DONOR_REPORT_TITLE}]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        chosen = any(name in request.GET for name in ("starts_on", "ends_on", "format"))
        today = date.today()
        form = DonorReportForm(
            request.GET if chosen else None,
            user=request.user,
            initial={
                "programme": request.GET.get("programme"),
                "starts_on": date(today.year - 1, 1, 1),
                "ends_on": date(today.year - 1, 12, 31),
                "format": ReportFormat.PDF,
            },
        )
        if not chosen or not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400 if chosen else 200)
        data = form.cleaned_data
        programme = data["programme"]
        if not can_view_programme_aggregates(request.user, programme):
            raise PermissionDenied
        try:
            report = donor_report(
                user=request.user, programme=programme, starts_on=data["starts_on"], ends_on=data["ends_on"]
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        file_format = ReportFormat(data["format"])
        content = donor_report_pdf(report) if file_format == ReportFormat.PDF else donor_report_xlsx(report)
        response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
        response["Content-Disposition"] = f'attachment; filename="{report_filename(report, file_format)}"'
        return response
