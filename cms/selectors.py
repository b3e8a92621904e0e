"""Reads for the public site: every listing is one query (plus pagination's count), whatever it lists."""

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.conf import settings
from django.db.models import Prefetch, QuerySet, Sum
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Page

from cms.analytics import PageViewCount
from cms.pages.home import HomePage
from cms.pages.material import RELATED_MATERIAL_COUNT, MaterialPage
from cms.snippets import Audience, Topic


def _listable(queryset: QuerySet[MaterialPage]) -> QuerySet[MaterialPage]:
    # Listing images come with their renditions: one query for all cards, however many there are.
    images = Prefetch("listing_image", queryset=get_image_model().objects.prefetch_renditions())
    # A card shows title, summary and picture; the body is the largest column by far and would
    # be read for nothing.
    return queryset.live().public().select_related("locale").prefetch_related(images).defer("body")


def _tagged_with(relation: str, translation_keys: object) -> QuerySet[MaterialPage]:
    """Ids of material tagged (through `relation`: topics or audiences) with any version of these
    snippets; a subquery, so the outer listing needs no join and no DISTINCT."""
    return MaterialPage.objects.filter(**{f"{relation}__translation_key__in": translation_keys}).values("pk")


def latest_material(*, home: HomePage, count: int) -> list[MaterialPage]:
    """The newest live material of the home page's language."""
    return list(
        _listable(MaterialPage.objects.child_of(home).filter(locale_id=home.locale_id)).order_by(
            "-first_published_at"
        )[:count]
    )


def materials_tagged(
    *, locale_id: int, topic: Topic | None = None, audience: Audience | None = None
) -> QuerySet[MaterialPage]:
    """Live material in one language tagged with the topic or audience (in any language's version of
    it, so a page tagged with the Kazakh topic still lists under the Russian one)."""
    queryset = MaterialPage.objects.filter(locale_id=locale_id)
    if topic is not None:
        queryset = queryset.filter(pk__in=_tagged_with("topics", [topic.translation_key]))
    if audience is not None:
        queryset = queryset.filter(pk__in=_tagged_with("audiences", [audience.translation_key]))
    return _listable(queryset).order_by("-first_published_at", "pk")


def related_material(*, page: MaterialPage) -> list[MaterialPage]:
    """The editor's choices first (in this language where a translation exists), then material that
    shares a topic, up to RELATED_MATERIAL_COUNT."""
    chosen_ids = [link.target_id for link in page.related_links.all()]
    chosen: list[MaterialPage] = []
    if chosen_ids:
        targets = Page.objects.filter(pk__in=chosen_ids).values_list("translation_key", flat=True)
        in_language = {
            item.translation_key: item
            for item in _listable(
                MaterialPage.objects.filter(translation_key__in=list(targets), locale_id=page.locale_id)
            )
        }
        chosen = [in_language[key] for key in targets if key in in_language][:RELATED_MATERIAL_COUNT]
    missing = RELATED_MATERIAL_COUNT - len(chosen)
    if missing <= 0:
        return chosen
    topic_keys = page.topics.values_list("translation_key", flat=True)
    shared = (
        _listable(
            MaterialPage.objects.filter(locale_id=page.locale_id, pk__in=_tagged_with("topics", topic_keys))
        )
        .exclude(pk__in=[page.pk, *[item.pk for item in chosen]])
        .order_by("-first_published_at")[:missing]
    )
    return [*chosen, *shared]


def _reads_since(days: int) -> QuerySet[PageViewCount]:
    return PageViewCount.objects.filter(day__gt=timezone.localdate() - timezone.timedelta(days=days))


def most_read(*, days: int, per_language: int) -> dict[str, list[dict[str, object]]]:
    """Language code → the most read pages over the last `days` days, with their view totals."""
    totals = (
        _reads_since(days)
        .values("language", "page_id", "page__title")
        .annotate(total=Sum("views"))
        .order_by("language", "-total")
    )
    by_language: dict[str, list[dict[str, object]]] = {}
    for row in totals:
        rows = by_language.setdefault(row["language"], [])
        if len(rows) < per_language:
            rows.append({"page_id": row["page_id"], "title": row["page__title"], "views": row["total"]})
    return by_language


@dataclass(frozen=True)
class ReadingFilters:
    """What the "Most read" report covers: the days from `start` to `end` (both included), and
    optionally one reading language, one kind of page, and material tagged with one topic or audience
    (by translation key, so every language's version of the snippet counts)."""

    start: date
    end: date
    language: str | None = None
    page_model: type[Page] | None = None
    topic_key: UUID | None = None
    audience_key: UUID | None = None


@dataclass(frozen=True)
class ReadingReport:
    """`rows`: one per page and reading language, most read first, each with `language`, `page_id`,
    `page__title`, `page__content_type__app_label`, `page__content_type__model` and `views`; lazy, so
    a page of it is one query. `totals`: views per reading language, in the settings' order."""

    rows: QuerySet[PageViewCount]
    totals: dict[str, int]


def reading_report(*, filters: ReadingFilters) -> ReadingReport:
    """The "Most read" report from the daily aggregates: totals per language (one query) and the rows
    (one query per slice, one to count them), however many pages and days they sum."""
    counts = PageViewCount.objects.filter(day__gte=filters.start, day__lte=filters.end)
    if filters.language:
        counts = counts.filter(language=filters.language)
    if filters.page_model is not None:
        counts = counts.filter(
            page__content_type__app_label=filters.page_model._meta.app_label,
            page__content_type__model=filters.page_model._meta.model_name,
        )
    if filters.topic_key is not None:
        counts = counts.filter(page_id__in=_tagged_with("topics", [filters.topic_key]))
    if filters.audience_key is not None:
        counts = counts.filter(page_id__in=_tagged_with("audiences", [filters.audience_key]))
    rows = (
        counts.values(
            "language",
            "page_id",
            "page__title",
            "page__content_type__app_label",
            "page__content_type__model",
        )
        .annotate(views=Sum("views"))
        .order_by("-views", "language", "page__title", "page_id")
    )
    by_language = {
        row["language"]: row["total"]
        for row in counts.values("language").annotate(total=Sum("views")).order_by("language")
    }
    order = [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]
    totals = {code: by_language.pop(code) for code in order if code in by_language}
    # Counts kept under a language the site no longer offers still add up, after the others.
    totals.update(by_language)
    return ReadingReport(rows=rows, totals=totals)


def page_reads(*, page_id: int, days: int) -> dict[str, int]:
    """Language code → how often one page was read over the last `days` days, most read first."""
    totals = (
        _reads_since(days)
        .filter(page_id=page_id)
        .values("language")
        .annotate(total=Sum("views"))
        .order_by("-total", "language")
    )
    return {row["language"]: row["total"] for row in totals}
