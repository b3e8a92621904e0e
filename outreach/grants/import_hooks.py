"""Admin URLs, menu items and audit-log labels of the grantee import, the listing exports and the
donor report (outreach/grants/import_views.py). Imported at the end of outreach/grants/wagtail_hooks.py.

URL names: grants_import; grants_export with (list_name, file_format), list_name one of
exports.EXPORTABLE ("grantees", "awards", "disbursements", "progress-reports") and file_format "csv"
or "xlsx", taking the listing's GET parameters; grants_donor_report."""

from typing import Any

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .exports import LOG_EXPORT_LIST
from .imports import LOG_IMPORT


@hooks.register("register_admin_urls")
def register_grants_import_export_urls() -> list[Any]:
    from .import_views import DonorReportView, GranteeImportView, ListExportView

    return [
        path("grants/import/", GranteeImportView.as_view(), name="grants_import"),
        path(
            "grants/export/<slug:list_name>/<slug:file_format>/",
            ListExportView.as_view(),
            name="grants_export",
        ),
        path("grants/donor-report/", DonorReportView.as_view(), name="grants_donor_report"),
    ]


@hooks.register("register_admin_menu_item")
def register_grants_import_menu_item() -> Any:
    from .import_views import IMPORT_TITLE, ImportMenuItem

    return ImportMenuItem(
        IMPORT_TITLE, reverse("grants_import"), name="grants-import", icon_name="upload", order=310
    )


@hooks.register("register_reports_menu_item")
def register_donor_report_menu_item() -> Any:
    from .import_views import DONOR_REPORT_TITLE, DonorReportMenuItem

    return DonorReportMenuItem(
        DONOR_REPORT_TITLE,
        reverse("grants_donor_report"),
        name="grants-donor-report",
        icon_name="doc-full",
        order=740,
    )


@hooks.register("register_log_actions")
def register_grants_import_export_log_actions(actions: Any) -> None:
    actions.register_action(LOG_IMPORT, _("Import grantees"), _("Imported grantees and awards from a file"))
    actions.register_action(LOG_EXPORT_LIST, _("Export a list"), _("Exported a list of grant records"))
