"""Editorial reports in the Wagtail admin: translation coverage, material due for review, the audit
log restricted to administrators, and the dashboard's reading figures. Views parse the filters,
check the permission and call one selector."""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import django_filters
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import IntegerField, QuerySet, Value
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.auth import require_admin_access
from wagtail.admin.filters import ContentTypeFilter, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, LocaleColumn, TitleColumn, UserColumn
from wagtail.admin.views.reports import ReportView
from wagtail.admin.views.reports.audit_logging import LogEntriesView, SiteHistoryReportFilterSet
from wagtail.log_actions import registry as log_registry
from wagtail.models import Page, get_page_models

from cms.analytics import READING_DAYS
from cms.pages.material import MaterialPage
from cms.permissions import can_view_audit_log, can_view_editorial_reports, translator_language_codes
from cms.translation_coverage import (
    TO_DO_FILTER,
    Cell,
    Row,
    Status,
    coverage_languages,
    translation_coverage,
)
from cms.upkeep import DUE_SOON_DAYS, materials_due_for_review, review_window_end

MOST_READ_PER_LANGUAGE = 5


class EditorialReportMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return can_view_editorial_reports(request.user)


class EditorialReportMixin:
    """Open to whoever may write or publish pages (cms.permissions.can_view_editorial_reports)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_view_editorial_reports(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class ExportInReadersLanguageMixin:
    """A CSV export streams after the view has returned, when the admin user's language is no longer
    active: each line is written in the language the request was answered in."""

    def stream_csv(self, queryset: Any) -> Iterator[str]:
        # Not a generator itself: the language is read now, while the view runs.
        return _each_in_language(get_language(), super().stream_csv(queryset))  # type: ignore[misc]


def _each_in_language(language: str, lines: Iterator[str]) -> Iterator[str]:
    while True:
        with override(language):
            line = next(lines, None)
        if line is None:
            return
        yield line


# --- Translation coverage --------------------------------------------------------------------------


def coverage_cell_url(row: Row, cell: Cell, *, can_submit: bool) -> str | None:
    """Where a cell leads: start a missing translation (wagtail-localize, this language chosen), sync
    a source that changed since its last sync, or open the translation (or the source) to edit."""
    if cell.status == Status.MISSING:
        if not can_submit:
            return None
        url = reverse("wagtail_localize:submit_page_translation", args=[row.source.id])
        return f"{url}?{urlencode({'select_locale': cell.language_code})}"
    if cell.needs_sync and can_submit and cell.translation_source_id is not None:
        return reverse("wagtail_localize:update_translations", args=[cell.translation_source_id])
    return reverse("wagtailadmin_pages:edit", args=[cell.page_id])


def coverage_cells(row: Row, languages: list[tuple[str, str]], *, can_submit: bool) -> list[dict[str, Any]]:
    """The cells of `row` in `languages` ((code, name) pairs), each with its language's name and where
    it leads (coverage_cell_url)."""
    return [
        {
            "language": name,
            "cell": row.cells[code],
            "url": coverage_cell_url(row, row.cells[code], can_submit=can_submit),
        }
        for code, name in languages
    ]


def _page_type_choices() -> list[tuple[str, str]]:
    models = [
        model for model in get_page_models() if model.is_creatable and model._meta.app_label != "wagtailcore"
    ]
    return sorted(
        ((model._meta.label_lower, str(model._meta.verbose_name).capitalize()) for model in models),
        key=lambda choice: choice[1],
    )


def _page_type_label(label_lower: str) -> str:
    try:
        return str(apps.get_model(label_lower)._meta.verbose_name).capitalize()
    except LookupError:
        return label_lower


class TranslationCoverageFilterSet(WagtailFilterSet):
    # Named "locale" so that Wagtail does not add its own locale filter (which lists kk-latn).
    locale = django_filters.ChoiceFilter(
        label=_("Language"), choices=coverage_languages, empty_label=_("All"), widget=forms.RadioSelect
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[
            (TO_DO_FILTER, _("To do (missing, out of date or draft)")),
            *((status, Status.LABELS[status]) for status in Status.OF_TRANSLATIONS),
        ],
        empty_label=_("All"),
        widget=forms.RadioSelect,
    )
    page_type = django_filters.ChoiceFilter(
        label=_("Page type"), choices=_page_type_choices, empty_label=_("All"), widget=forms.RadioSelect
    )

    class Meta:
        # The coverage selector does the filtering; the model only satisfies django-filter.
        model = MaterialPage
        fields: list[str] = []


@dataclass
class CoverageLine:
    """One source page as the report shows and exports it."""

    row: Row
    title: str
    page_type: str
    source_language: str
    edit_url: str
    cells: list[dict[str, Any]]

    def status_label(self, language_code: str) -> str:
        return self.row.cells[language_code].label


class TranslationCoverageView(EditorialReportMixin, ExportInReadersLanguageMixin, ReportView):
    """Every page × every language: missing, out of date, draft or current (cms.translation_coverage),
    totals per language on top. A translator opens it on their own language's to-do list."""

    page_title = _("Translation coverage")
    header_icon = "site"
    results_template_name = "cms/admin/translation_coverage_results.html"
    index_url_name = "cms_translation_coverage"
    index_results_url_name = "cms_translation_coverage_results"
    filterset_class = TranslationCoverageFilterSet
    paginate_by = 50
    export_headings = {
        "title": _("Page"),
        "page_type": _("Page type"),
        "source_language": _("Source language"),
    }

    @cached_property
    def language_names(self) -> dict[str, str]:
        return dict(coverage_languages())

    def get_filterset_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_filterset_kwargs()
        if not any(name in self.request.GET for name in ("locale", "status", "page_type")):
            languages = translator_language_codes(self.request.user)
            if languages:
                # A translator lands on their queue; "All" in the filters (locale=) shows everything.
                preset = QueryDict(mutable=True)
                preset.update({"locale": languages[0], "status": TO_DO_FILTER})
                kwargs["data"] = preset
        return kwargs

    @cached_property
    def chosen(self) -> dict[str, str]:
        if self.filters and self.filters.is_valid():
            return {name: value for name, value in self.filters.form.cleaned_data.items() if value}
        return {}

    def get_filtered_queryset(self) -> list[Row]:
        self.coverage = translation_coverage(
            language_code=self.chosen.get("locale"),
            status=self.chosen.get("status"),
            model=self.chosen.get("page_type"),
        )
        return self.coverage.rows

    @cached_property
    def shown_languages(self) -> list[tuple[str, str]]:
        chosen = self.chosen.get("locale")
        return [(code, name) for code, name in coverage_languages() if not chosen or code == chosen]

    @property
    def list_export(self) -> list[str]:  # type: ignore[override]
        return ["title", "page_type", "source_language", *self.language_names]

    def get_heading(self, queryset: Any, field: str) -> str:
        if field in self.language_names:
            return self.language_names[field]
        return str(self.export_headings[field])

    def to_row_dict(self, item: CoverageLine) -> dict[str, Any]:
        values = {"title": item.title, "page_type": item.page_type, "source_language": item.source_language}
        values.update({code: item.status_label(code) for code in self.language_names})
        return values

    def decorate_paginated_queryset(self, rows: list[Row]) -> list[CoverageLine]:
        can_submit = self.request.user.has_perm("wagtail_localize.submit_translation")
        return [
            CoverageLine(
                row=row,
                title=row.source.title,
                page_type=_page_type_label(row.source.model),
                source_language=self.language_names.get(row.source.language_code, row.source.language_code),
                edit_url=reverse("wagtailadmin_pages:edit", args=[row.source.id]),
                cells=coverage_cells(row, self.shown_languages, can_submit=can_submit),
            )
            for row in rows
        ]

    def get_context_data(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(*args, **kwargs)
        index = reverse(self.index_url_name)
        context["shown_languages"] = self.shown_languages
        context["totals"] = [
            {
                "language": name,
                "counts": [
                    {
                        "label": Status.LABELS[status],
                        "count": self.coverage.totals[code][status],
                        "url": f"{index}?{urlencode({'locale': code, 'status': status})}",
                    }
                    for status in Status.OF_TRANSLATIONS
                ],
                "to_do_url": f"{index}?{urlencode({'locale': code, 'status': TO_DO_FILTER})}",
            }
            for code, name in self.shown_languages
        ]
        context["status_labels"] = [Status.LABELS[status] for status in Status.OF_TRANSLATIONS]
        context["all_languages_url"] = f"{index}?locale="
        return context


# --- Due for review --------------------------------------------------------------------------------

OVERDUE = "overdue"
DUE_SOON = "soon"


def _owners(request: HttpRequest) -> QuerySet[Any]:
    user_model = get_user_model()
    owner_ids = materials_due_for_review(before=review_window_end(today=timezone.localdate())).values(
        "owner_id"
    )
    return user_model.objects.filter(pk__in=owner_ids).order_by(user_model.USERNAME_FIELD)


class DueForReviewFilterSet(WagtailFilterSet):
    due = django_filters.ChoiceFilter(
        label=_("Review date"),
        choices=[(OVERDUE, _("Past due")), (DUE_SOON, _("Due within 30 days"))],
        method="filter_due",
        empty_label=_("All"),
        widget=forms.RadioSelect,
    )
    owner = django_filters.ModelChoiceFilter(label=_("Owner"), queryset=_owners, empty_label=_("All"))

    class Meta:
        model = MaterialPage
        fields: list[str] = []

    def filter_due(self, queryset: QuerySet[MaterialPage], name: str, value: str) -> QuerySet[MaterialPage]:
        today = timezone.localdate()
        if value == OVERDUE:
            return queryset.filter(review_by__lt=today)
        if value == DUE_SOON:
            return queryset.filter(review_by__gte=today)
        return queryset


class ReviewDateColumn(Column):
    cell_template_name = "cms/admin/review_date_cell.html"

    def get_cell_context_data(self, instance: Any, parent_context: Any) -> dict[str, Any]:
        context = super().get_cell_context_data(instance, parent_context)
        context["is_overdue"] = instance.review_by < timezone.localdate()
        return context


class DueForReviewView(EditorialReportMixin, ExportInReadersLanguageMixin, ReportView):
    """Live material past its review date or due within 30 days, the longest overdue first."""

    page_title = _("Due for review")
    header_icon = "calendar-alt"
    index_url_name = "cms_due_for_review"
    index_results_url_name = "cms_due_for_review_results"
    verbose_name_plural = _("pages due for review")
    filterset_class = DueForReviewFilterSet
    paginate_by = 50
    columns = [
        TitleColumn("title", label=_("Page"), url_name="wagtailadmin_pages:edit"),
        LocaleColumn(),
        UserColumn("owner", label=_("Owner")),
        ReviewDateColumn("review_by", label=_("Review by")),
    ]
    list_export = ["title", "locale", "owner", "review_by"]
    export_headings = {
        "title": _("Page"),
        "locale": _("Language"),
        "owner": _("Owner"),
        "review_by": _("Review by"),
    }

    def get_queryset(self) -> QuerySet[MaterialPage]:
        return materials_due_for_review(before=review_window_end(today=timezone.localdate()))

    def get_context_data(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(*args, **kwargs)
        context["due_soon_days"] = DUE_SOON_DAYS
        return context


# --- Audit log -------------------------------------------------------------------------------------


def _every_log_entry(method: str) -> set[Any]:
    values: set[Any] = set()
    for log_model in log_registry.get_log_entry_models():
        values.update(getattr(log_model.objects.all(), method)())
    return values


def _logged_content_types(request: HttpRequest) -> QuerySet[ContentType]:
    return ContentType.objects.filter(pk__in=_every_log_entry("get_content_type_ids")).order_by("model")


class AuditLogFilterSet(SiteHistoryReportFilterSet):
    """Wagtail's site history filters, offering every user, type and action in the log."""

    object_type = ContentTypeFilter(
        label=_("Type"), method="filter_object_type", queryset=_logged_content_types
    )

    def get_action_choices(self) -> list[tuple[str, str]]:
        used = _every_log_entry("get_actions")
        return [choice for choice in log_registry.get_choices() if choice[0] in used]

    def get_users_queryset(self) -> QuerySet[Any]:
        user_model = get_user_model()
        return user_model.objects.filter(pk__in=_every_log_entry("get_user_ids")).order_by(
            user_model.USERNAME_FIELD
        )

    def get_user_choices(self) -> QuerySet[Any]:
        return self.get_users_queryset()


class AuditLogView(ExportInReadersLanguageMixin, LogEntriesView):
    """Wagtail's site history, for administrators only (cms.permissions.can_view_audit_log) and then
    whole: every entry of every kind, helpline views included, rather than only the entries of the
    objects the viewer may edit. Its CSV and XLSX exports keep Wagtail's columns: who, what action,
    on which object (by its label, never its content) and when."""

    filterset_class = AuditLogFilterSet

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_view_audit_log(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_filtered_queryset(self) -> Any:
        # As LogEntriesView does (one union of per-model queries), over every entry.
        queryset = None
        self.log_models = list(log_registry.get_log_entry_models())
        for log_model_index, log_model in enumerate(self.log_models):
            entries = (
                log_model.objects.all()
                .values("pk", "timestamp")
                .annotate(log_model_index=Value(log_model_index, output_field=IntegerField()))
            )
            entries = self.filter_queryset(entries).order_by()
            queryset = entries if queryset is None else queryset.union(entries, all=True)
        return queryset.order_by("-timestamp")

    def decorate_paginated_queryset(self, queryset: Any) -> list[Any]:
        # As LogEntriesView does, but the logged pages come with their workflow states: deciding
        # whether to link a page for someone who may not edit it otherwise costs a query per row.
        rows = list(queryset)
        pks_by_model: dict[int, list[int]] = defaultdict(list)
        for row in rows:
            pks_by_model[row["log_model_index"]].append(row["pk"])
        url_finder = AdminURLFinder(self.request.user)
        entries = {}
        for index, pks in pks_by_model.items():
            found = list(
                self.log_models[index]
                .objects.prefetch_related("user__wagtail_userprofile", "content_type")
                .filter(pk__in=pks)
            )
            instances = _logged_instances(found)
            for entry in found:
                instance = instances.get((entry.content_type_id, str(entry.object_id)))
                entry.edit_url = url_finder.get_edit_url(instance) if instance is not None else None
                entries[(index, entry.pk)] = entry
        return [entries[(row["log_model_index"], row["pk"])] for row in rows]


def _logged_instances(entries: list[Any]) -> dict[tuple[int, str], Any]:
    """(content type id, object id) → the logged object still in the database, one query per type."""
    ids_by_type: dict[int, list[str]] = defaultdict(list)
    for entry in entries:
        ids_by_type[entry.content_type_id].append(entry.object_id)
    instances = {}
    for content_type_id, object_ids in ids_by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None:
            continue
        found = model._default_manager.filter(pk__in=object_ids)
        if issubclass(model, Page):
            found = found.prefetch_workflow_states()
        instances.update({(content_type_id, str(instance.pk)): instance for instance in found})
    return instances


# Routed ahead of Wagtail's own admin URLs (outreach/urls.py), at the address of Wagtail's site
# history, so that its menu item, links and exports all reach this restricted view.
audit_log_urls = [
    path("admin/reports/site-history/", require_admin_access(AuditLogView.as_view()), name="cms_audit_log"),
    path(
        "admin/reports/site-history/results/",
        require_admin_access(AuditLogView.as_view(results_only=True)),
        name="cms_audit_log_results",
    ),
]


# --- Dashboard -------------------------------------------------------------------------------------


class MostReadPanel(Component):
    """The dashboard's most read pages per reading language over the last 30 days (aggregates)."""

    name = "most_read"
    template_name = "cms/admin/panels/most_read.html"
    order = 150

    def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
        from cms.selectors import most_read

        context = super().get_context_data(parent_context)
        rows = most_read(days=READING_DAYS, per_language=MOST_READ_PER_LANGUAGE)
        context["languages"] = [
            {"code": code, "name": str(name), "pages": rows[code]}
            for code, name in settings.WAGTAIL_CONTENT_LANGUAGES
            if code in rows
        ]
        context["days"] = READING_DAYS
        context["report_url"] = reverse("cms_reading_report")
        return context
