"""Read-only panels on a material's editing screen: how often it was read, and where its translations
stand. Each costs a fixed number of queries, whatever the page's history."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel

from cms.analytics import READING_DAYS
from cms.audit import language_name


class SavedPagePanel(Panel):
    """A read-only panel with a default heading, shown once the page has been saved."""

    default_heading: Any = ""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("heading", self.default_heading)
        super().__init__(**kwargs)

    class BoundPanel(Panel.BoundPanel):
        def is_shown(self) -> bool:
            return self.instance.pk is not None


class ReadingFiguresPanel(SavedPagePanel):
    """Reads of this page by anonymous visitors over the last 30 days, per reading language and in
    total: aggregate counts only (cms.analytics), one query."""

    default_heading = _("Readers in the last 30 days")

    class BoundPanel(SavedPagePanel.BoundPanel):
        template_name = "cms/admin/panels/reading_figures.html"

        def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
            from cms.selectors import page_reads

            context = super().get_context_data(parent_context)
            reads = page_reads(page_id=self.instance.pk, days=READING_DAYS)
            context["reads"] = [(language_name(code), views) for code, views in reads.items()]
            context["total"] = sum(reads.values())
            context["days"] = READING_DAYS
            return context


class TranslationStatusPanel(SavedPagePanel):
    """Where this page's translations stand in each language (cms.translation_coverage), with a link
    to write or update each one; two queries."""

    default_heading = _("Translations")

    class BoundPanel(SavedPagePanel.BoundPanel):
        template_name = "cms/admin/panels/translation_status.html"

        def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
            from cms.reports import coverage_cells
            from cms.translation_coverage import translation_coverage

            context = super().get_context_data(parent_context)
            coverage = translation_coverage(page_ids=[self.instance.pk])
            row = coverage.rows[0] if coverage.rows else None
            can_submit = self.request.user.has_perm("wagtail_localize.submit_translation")
            context["cells"] = coverage_cells(row, coverage.languages, can_submit=can_submit) if row else []
            context["page_id"] = self.instance.pk
            context["source"] = row.source if row else None
            context["is_source"] = bool(row and row.source.id == self.instance.pk)
            return context
