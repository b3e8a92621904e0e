"""Read-only panels on a material's editing screen: how often it was read, and where its translations
stand. Each costs a fixed number of queries, whatever the page's history."""

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel

# The same window as the "Most read" report and the dashboard panel.
READING_DAYS = 30


def _language_names() -> dict[str, str]:
    return {code: str(name) for code, name in settings.WAGTAIL_CONTENT_LANGUAGES}


class ReadingFiguresPanel(Panel):
    """Reads of this page by anonymous visitors over the last 30 days, per reading language and in
    total: aggregate counts only (cms.analytics), one query."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("heading", _("Readers in the last 30 days"))
        super().__init__(**kwargs)

    class BoundPanel(Panel.BoundPanel):
        template_name = "cms/admin/panels/reading_figures.html"

        def is_shown(self) -> bool:
            return self.instance.pk is not None

        def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
            from cms.selectors import page_reads

            context = super().get_context_data(parent_context)
            reads = page_reads(page_id=self.instance.pk, days=READING_DAYS)
            names = _language_names()
            context["reads"] = [(names.get(code, code), views) for code, views in reads.items()]
            context["total"] = sum(reads.values())
            context["days"] = READING_DAYS
            return context


class TranslationStatusPanel(Panel):
    """Where this page's translations stand in each language (cms.translation_coverage), with a link
    to write or update each one; two queries."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("heading", _("Translations"))
        super().__init__(**kwargs)

    class BoundPanel(Panel.BoundPanel):
        template_name = "cms/admin/panels/translation_status.html"

        def is_shown(self) -> bool:
            return self.instance.pk is not None

        def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
            from cms.reports import coverage_cell_url
            from cms.translation_coverage import translation_coverage

            context = super().get_context_data(parent_context)
            coverage = translation_coverage(page_ids=[self.instance.pk])
            row = coverage.rows[0] if coverage.rows else None
            can_submit = self.request.user.has_perm("wagtail_localize.submit_translation")
            context["cells"] = (
                [
                    {
                        "language": name,
                        "cell": row.cells[code],
                        "url": coverage_cell_url(row, row.cells[code], can_submit=can_submit),
                        "is_this_page": row.cells[code].page_id == self.instance.pk,
                    }
                    for code, name in coverage.languages
                ]
                if row
                else []
            )
            context["source"] = row.source if row else None
            context["is_source"] = bool(row and row.source.id == self.instance.pk)
            return context
