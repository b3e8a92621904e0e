"""Search of the public site: only the visitor's language, filters by topic and audience, tolerant of
misspelling, and editors' promoted answers first."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from wagtail.contrib.search_promotions.models import Query
from wagtail.models import Locale, Page
from wagtail.search.backends import get_search_backend
from wagtail.search.query import Fuzzy

from cms.i18n import SCRIPT_VARIANTS
from cms.pages.material import MaterialPage
from cms.snippets import Audience, Topic

MAX_QUERY_LENGTH = 200


@dataclass
class SearchOutcome:
    query: str
    results: list[Page] = field(default_factory=list)
    promoted: list[Page] = field(default_factory=list)
    is_fuzzy: bool = False


def content_locale(language_code: str) -> Locale | None:
    """The locale whose pages a language's reader searches (Kazakh in Latin reads the Cyrillic pages)."""
    code = SCRIPT_VARIANTS.get(language_code, language_code)
    return Locale.objects.filter(language_code=code).first()


def _filtered(locale: Locale, topic: Topic | None, audience: Audience | None) -> QuerySet[MaterialPage]:
    queryset = MaterialPage.objects.live().public().filter(locale_id=locale.pk)
    if topic is not None:
        queryset = queryset.filter(
            pk__in=MaterialPage.objects.filter(topics__translation_key=topic.translation_key).values("pk")
        )
    if audience is not None:
        queryset = queryset.filter(
            pk__in=MaterialPage.objects.filter(audiences__translation_key=audience.translation_key).values(
                "pk"
            )
        )
    return queryset


def _backend(language_code: str) -> Any:
    backend = get_search_backend()
    return backend.for_language(language_code) if hasattr(backend, "for_language") else backend


def promoted_pages(*, query: str, locale: Locale) -> list[Page]:
    """Pages editors promoted for this query, each in the reader's language where it is live there."""
    promotions = Query.get(query).editors_picks.select_related("page").order_by("sort_order")
    pages: list[Page] = []
    for promotion in promotions:
        if promotion.page is None:
            continue
        localized = promotion.page.get_translation_or_none(locale)
        if localized is not None and localized.live:
            pages.append(localized.specific)
    return pages


def site_search(
    *,
    query: str,
    language_code: str,
    topic: Topic | None = None,
    audience: Audience | None = None,
    limit: int = 50,
) -> SearchOutcome:
    """Material in the reader's language matching `query`; when nothing matches exactly, the closest
    spellings. Records the query (counts only, nothing about who searched) for editors."""
    query = " ".join(query.split())[:MAX_QUERY_LENGTH]
    outcome = SearchOutcome(query=query)
    locale = content_locale(language_code)
    if not query or locale is None:
        return outcome
    backend = _backend(locale.language_code)
    queryset = _filtered(locale, topic, audience)
    outcome.promoted = promoted_pages(query=query, locale=locale)
    promoted_ids = {page.pk for page in outcome.promoted}
    results = list(backend.search(query, queryset)[:limit])
    if not results:
        try:
            results = list(backend.search(Fuzzy(query), queryset)[:limit])
            outcome.is_fuzzy = bool(results)
        except Exception:  # noqa: BLE001  (a backend without fuzzy matching, e.g. SQLite: no second try)
            results = []
    outcome.results = [page for page in results if page.pk not in promoted_ids]
    Query.get(query).add_hit()
    return outcome
