"""What a digest says: the material the site published in a language within a run's window, grouped by
topic, registered with outreach.broadcasts.digests (a domain app never imports the CMS, so the CMS
brings its material to it)."""

from collections import defaultdict
from datetime import datetime
from typing import Any

from wagtail.models import Locale

from cms.pages.material import MaterialPage
from cms.snippets import Topic
from outreach.broadcasts.digests import digest_content_register

# A digest is a pointer to what is new, not an archive: past this many items a topic shows its newest.
ITEMS_PER_TOPIC = 10


def digest_material(*, language: str, since: datetime, until: datetime) -> list[dict[str, Any]]:
    """Live, public material in `language` first published after `since` and up to `until`, one
    section per topic (by the topic's translation key, named in `language` where the topic is
    translated), by topic name, then one for material without a topic. A material with two topics
    is listed under each."""
    locale = Locale.objects.filter(language_code=language).first()
    if locale is None:
        return []
    pages = (
        MaterialPage.objects.live()
        .public()
        .filter(locale=locale, first_published_at__gt=since, first_published_at__lte=until)
        .order_by("-first_published_at", "-pk")
        .prefetch_related("topics")
    )
    by_topic: dict[str | None, list[dict[str, str]]] = defaultdict(list)
    names: dict[str, str] = {}
    for page in pages:
        item = {"title": page.title, "url": page.full_url or "", "summary": page.summary}
        topics = list(page.topics.all())
        for topic in topics:
            key = str(topic.translation_key)
            names.setdefault(key, topic.name)
            by_topic[key].append(item)
        if not topics:
            by_topic[None].append(item)
    # The topic's name in the digest's language, where the topic is translated into it.
    for key, name in Topic.objects.filter(locale=locale, translation_key__in=names).values_list(
        "translation_key", "name"
    ):
        names[str(key)] = name
    sections: list[dict[str, Any]] = [
        {"topic_key": key, "topic_name": names[key], "items": by_topic[key][:ITEMS_PER_TOPIC]}
        for key in sorted(names, key=lambda key: names[key].casefold())
    ]
    if by_topic[None]:
        sections.append({"topic_key": None, "topic_name": "", "items": by_topic[None][:ITEMS_PER_TOPIC]})
    return sections


def provider_register() -> None:
    """Make the site's material the digests' content (called from CmsConfig.ready)."""
    digest_content_register(digest_material)
