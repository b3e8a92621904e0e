"""Translation coverage: for each page and each content language, whether a translation is missing,
out of date, a draft or current. Read by the coverage report, the translator's queue and the page
editor. Three queries whatever the number of pages: the pages, wagtail-localize's translation
records with when each was last applied, and nothing else per row.

Definitions (a "group" is the pages sharing one translation_key, one per language):

- The **source** of a group is the page editors translate from: the page whose language has a
  wagtail-localize TranslationSource with an enabled translation (the oldest such source when there
  are several); otherwise the page in the default language (Kazakh); otherwise the page written
  first (lowest id), e.g. material that exists only in Dari and Russian. Home pages are included:
  their introductions are translated text too. Aliases are not translations (they show the source's
  text) and count as missing.
- **Missing**: no page in that language.
- **Out of date**, for a translation managed by wagtail-localize (an enabled `Translation`): the
  source page was published after its TranslationSource was last synced (`last_published_at >
  TranslationSource.last_updated_at`), or the last sync was never applied to the translated page
  (no TranslationLog for that source and language created after `last_updated_at`). Syncing and
  then saving or publishing the translation (or "Sync translated pages" with publishing) makes it
  current again.
- **Out of date**, for a translation made by hand (no enabled `Translation`: demo content, pages
  created by copying, or a translation whose sync was stopped): the source page was published after
  the translation's latest revision (`source.last_published_at >
  translation.latest_revision_created_at`, or its last publication when it has no revision). A page
  with neither time (created outside the editor) cannot be judged and is not flagged.
- **Draft**: a translation that is not out of date but not live either: started, not published.
- **Current**: live and not out of date.

Only the source's published changes count: a draft of the source is not final, so translating it
would be premature.

Kazakh in Latin script (kk-latn) is left out: readers get the Kazakh page respelled, and a page
written by hand in Latin script is optional, so it is never missing nor due.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page
from wagtail_localize.models import Translation, TranslationLog

from cms.i18n import SCRIPT_VARIANTS


class Status:
    SOURCE = "source"
    MISSING = "missing"
    OUT_OF_DATE = "out_of_date"
    DRAFT = "draft"
    CURRENT = "current"

    LABELS = {
        SOURCE: _("Source"),
        MISSING: _("Missing"),
        OUT_OF_DATE: _("Out of date"),
        DRAFT: _("Draft"),
        CURRENT: _("Current"),
    }
    # What a translator still has to do: write, bring up to date, or finish and publish.
    TO_DO = (MISSING, OUT_OF_DATE, DRAFT)
    # The statuses a language's translations can have, in the order totals are shown.
    OF_TRANSLATIONS = (MISSING, OUT_OF_DATE, DRAFT, CURRENT)


# The filter value that selects every status a translator still has to work on.
TO_DO_FILTER = "to_do"


def coverage_languages() -> list[tuple[str, str]]:
    """(code, name) of the languages coverage is measured in: every content language with a page
    tree of its own, in the settings' order."""
    return [
        (code, str(name)) for code, name in settings.WAGTAIL_CONTENT_LANGUAGES if code not in SCRIPT_VARIANTS
    ]


@dataclass(frozen=True)
class PageState:
    id: int
    title: str
    path: str
    language_code: str
    live: bool
    last_published_at: datetime | None
    latest_revision_created_at: datetime | None
    model: str

    @property
    def last_worked_at(self) -> datetime | None:
        return self.latest_revision_created_at or self.last_published_at


@dataclass(frozen=True)
class LocalizeState:
    """One enabled wagtail-localize translation of a group into a language."""

    translation_id: int
    source_id: int
    source_language_code: str
    synced_at: datetime
    applied_at: datetime | None


@dataclass(frozen=True)
class Cell:
    language_code: str
    status: str
    page_id: int | None = None
    # Set when wagtail-localize manages this translation.
    translation_id: int | None = None
    translation_source_id: int | None = None
    # The source changed since its last sync: syncing comes before translating.
    needs_sync: bool = False

    @property
    def label(self) -> str:
        return str(Status.LABELS[self.status])


@dataclass
class Row:
    source: PageState
    cells: dict[str, Cell] = field(default_factory=dict)


@dataclass
class Coverage:
    languages: list[tuple[str, str]]
    rows: list[Row]
    # Language code → status → number of pages, over every row of the chosen page type (the status
    # and language filters narrow the rows, never the totals).
    totals: dict[str, dict[str, int]]


def translation_coverage(
    *,
    language_code: str | None = None,
    status: str | None = None,
    model: str | None = None,
    page_ids: Iterable[int] | None = None,
) -> Coverage:
    """Coverage of every page group (or of the groups of `page_ids`) in every coverage language, in
    tree order of their sources; rows narrowed to those whose cell in `language_code` (in any
    language when none is given) has `status` ("to_do" for missing, out of date or draft), pages
    narrowed to one page type `model` ("app_label.modelname")."""
    languages = coverage_languages()
    codes = [code for code, _name in languages]
    pages = Page.objects.filter(depth__gte=2, alias_of__isnull=True, locale__language_code__in=codes)
    if model:
        app_label, _dot, model_name = model.partition(".")
        pages = pages.filter(content_type__app_label=app_label, content_type__model=model_name)
    if page_ids is not None:
        pages = pages.filter(
            translation_key__in=Page.objects.filter(pk__in=list(page_ids)).values("translation_key")
        )
    groups: dict[Any, dict[str, PageState]] = {}
    for values in pages.order_by("path").values(
        "id",
        "title",
        "path",
        "translation_key",
        "locale__language_code",
        "live",
        "last_published_at",
        "latest_revision_created_at",
        "content_type__app_label",
        "content_type__model",
    ):
        state = PageState(
            id=values["id"],
            title=values["title"],
            path=values["path"],
            language_code=values["locale__language_code"],
            live=values["live"],
            last_published_at=values["last_published_at"],
            latest_revision_created_at=values["latest_revision_created_at"],
            model=f"{values['content_type__app_label']}.{values['content_type__model']}",
        )
        groups.setdefault(values["translation_key"], {})[state.language_code] = state

    localized = _localize_states(pages)
    rows = []
    for key, by_language in groups.items():
        translations = localized.get(key, {})
        source = _source_of(by_language, translations)
        row = Row(source=source)
        for code in codes:
            row.cells[code] = _cell(code, source, by_language, translations)
        rows.append(row)
    # Tree order of the sources: Kazakh pages first, then material first written in another language.
    rows.sort(key=lambda row: row.source.path)

    totals = {code: dict.fromkeys(Status.OF_TRANSLATIONS, 0) for code in codes}
    for row in rows:
        for code, cell in row.cells.items():
            if cell.status != Status.SOURCE:
                totals[code][cell.status] += 1

    wanted = set(Status.TO_DO) if status == TO_DO_FILTER else {status} if status else None
    if wanted is not None:
        looked_at = [language_code] if language_code in codes else codes
        rows = [row for row in rows if any(row.cells[code].status in wanted for code in looked_at)]
    return Coverage(languages=languages, rows=rows, totals=totals)


def _localize_states(pages: Any) -> dict[Any, dict[str, LocalizeState]]:
    """translation_key → target language → the enabled wagtail-localize translation, with the time
    its current source content was last applied to the translated page (one query)."""
    applied = (
        TranslationLog.objects.filter(source_id=OuterRef("source_id"), locale_id=OuterRef("target_locale_id"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    records = (
        Translation.objects.filter(enabled=True, source__object_id__in=pages.values("translation_key"))
        .annotate(applied_at=Subquery(applied))
        .values(
            "id",
            "source_id",
            "source__object_id",
            "source__locale__language_code",
            "source__last_updated_at",
            "target_locale__language_code",
            "applied_at",
        )
    )
    states: dict[Any, dict[str, LocalizeState]] = {}
    for record in records:
        states.setdefault(record["source__object_id"], {})[record["target_locale__language_code"]] = (
            LocalizeState(
                translation_id=record["id"],
                source_id=record["source_id"],
                source_language_code=record["source__locale__language_code"],
                synced_at=record["source__last_updated_at"],
                applied_at=record["applied_at"],
            )
        )
    return states


def _source_of(by_language: dict[str, PageState], translations: dict[str, LocalizeState]) -> PageState:
    for state in sorted(translations.values(), key=lambda item: item.source_id):
        if state.source_language_code in by_language:
            return by_language[state.source_language_code]
    if settings.LANGUAGE_CODE in by_language:
        return by_language[settings.LANGUAGE_CODE]
    return min(by_language.values(), key=lambda page: page.id)


def _cell(
    code: str,
    source: PageState,
    by_language: dict[str, PageState],
    translations: dict[str, LocalizeState],
) -> Cell:
    if code == source.language_code:
        return Cell(code, Status.SOURCE, page_id=source.id)
    page = by_language.get(code)
    if page is None:
        return Cell(code, Status.MISSING)
    localize = translations.get(code)
    if localize is not None and localize.source_language_code in by_language:
        translated_from = by_language[localize.source_language_code]
        needs_sync = bool(
            translated_from.last_published_at and translated_from.last_published_at > localize.synced_at
        )
        out_of_date = needs_sync or localize.applied_at is None or localize.applied_at < localize.synced_at
        status = _status(page, out_of_date=out_of_date)
        return Cell(
            code,
            status,
            page_id=page.id,
            translation_id=localize.translation_id,
            translation_source_id=localize.source_id,
            needs_sync=needs_sync,
        )
    worked_at = page.last_worked_at
    out_of_date = bool(source.last_published_at and worked_at and source.last_published_at > worked_at)
    return Cell(code, _status(page, out_of_date=out_of_date), page_id=page.id)


def _status(page: PageState, *, out_of_date: bool) -> str:
    if out_of_date:
        return Status.OUT_OF_DATE
    return Status.CURRENT if page.live else Status.DRAFT
