"""Admin URLs and the menu item of the programme dashboards and partner reports
(outreach/campaigns/report_views.py). Imported by outreach/campaigns/wagtail_hooks.py."""

from typing import Any

from django.urls import path, reverse
from wagtail import hooks


@hooks.register("register_admin_urls")
def register_programme_report_urls() -> list[Any]:
    from .report_views import PartnerReportView, ProgrammeDashboardsView, ProgrammeDashboardView

    return [
        path(
            "campaigns/programme-dashboards/",
            ProgrammeDashboardsView.as_view(),
            name="campaigns_programme_dashboards",
        ),
        path(
            "campaigns/programmes/<int:pk>/dashboard/",
            ProgrammeDashboardView.as_view(),
            name="campaigns_programme_dashboard",
        ),
        path(
            "campaigns/programmes/<int:pk>/report/",
            PartnerReportView.as_view(),
            name="campaigns_programme_report",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_programme_dashboards_menu_item() -> Any:
    from .report_views import DASHBOARDS_TITLE, ProgrammeReportsMenuItem

    return ProgrammeReportsMenuItem(
        DASHBOARDS_TITLE,
        reverse("campaigns_programme_dashboards"),
        name="programme-dashboards",
        icon_name="doc-full",
        order=730,
    )
