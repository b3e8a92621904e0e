"""Admin hooks of the editorial reports (cms.reports): their URLs and menu items, the audit log's
actions and who sees it in the menu, and the dashboard's reading figures. Imported by
cms/wagtail_hooks.py."""

from typing import Any

from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter

from cms.audit import TRANSLATE_ACTION, TRANSLATE_LABEL, language_name
from cms.permissions import can_view_audit_log, can_view_editorial_reports
from cms.upkeep import REVIEW_REMINDER_ACTION


@hooks.register("register_admin_urls")
def register_editorial_report_urls() -> list[Any]:
    from cms.reports import DueForReviewView, TranslationCoverageView

    return [
        path(
            "reports/translation-coverage/",
            TranslationCoverageView.as_view(),
            name="cms_translation_coverage",
        ),
        path(
            "reports/translation-coverage/results/",
            TranslationCoverageView.as_view(results_only=True),
            name="cms_translation_coverage_results",
        ),
        path("reports/due-for-review/", DueForReviewView.as_view(), name="cms_due_for_review"),
        path(
            "reports/due-for-review/results/",
            DueForReviewView.as_view(results_only=True),
            name="cms_due_for_review_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_translation_coverage_menu_item() -> Any:
    from cms.reports import EditorialReportMenuItem

    return EditorialReportMenuItem(
        _("Translation coverage"),
        reverse("cms_translation_coverage"),
        name="translation-coverage",
        icon_name="site",
        order=710,
    )


@hooks.register("register_reports_menu_item")
def register_due_for_review_menu_item() -> Any:
    from cms.reports import EditorialReportMenuItem

    return EditorialReportMenuItem(
        _("Due for review"),
        reverse("cms_due_for_review"),
        name="due-for-review",
        icon_name="calendar-alt",
        order=720,
    )


@hooks.register("construct_reports_menu")
def show_site_history_to_auditors_only(request: HttpRequest, menu_items: list[Any]) -> None:
    # The view itself refuses everyone else (cms.reports.AuditLogView); this keeps the menu honest.
    if not can_view_audit_log(request.user):
        menu_items[:] = [item for item in menu_items if item.name != "site-history"]


@hooks.register("register_log_actions")
def register_editorial_log_actions(actions: Any) -> None:
    @actions.register_action(TRANSLATE_ACTION)
    class TranslateFormatter(LogFormatter):
        label = TRANSLATE_LABEL

        def format_message(self, log_entry: Any) -> str:
            try:
                return _("Translated from %(source)s into %(target)s") % {
                    "source": language_name(log_entry.data["source_locale"]),
                    "target": language_name(log_entry.data["locale"]),
                }
            except KeyError:
                return str(_("Translated"))

    actions.register_action(
        REVIEW_REMINDER_ACTION, _("Review reminder"), _("Reminded the owner that this page is due for review")
    )


@hooks.register("construct_homepage_panels")
def add_most_read_panel(request: HttpRequest, panels: list[Any]) -> None:
    from cms.reports import MostReadPanel

    if can_view_editorial_reports(request.user):
        panels.append(MostReadPanel())
