"""A broadcast's text in each language, rendered once when it starts, and each recipient's copy
made from it by filling in their own links and keeping only the topics they chose.

Rendering per recipient would cost a template render per message; a broadcast to 100,000 people
renders once per language and then only replaces a few marks (see docs/benchmarks.md)."""

import html
import re
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import strip_tags
from django.utils.translation import get_language_bidi, override

from .models import Broadcast, BroadcastContent, MessageVariant

UNSUBSCRIBE_MARK = "[[unsubscribe_url]]"
PREFERENCES_MARK = "[[preferences_url]]"
# A part of a digest about one topic: kept for readers who chose the topic (or chose none).
TOPIC_SECTION = re.compile(r"\[\[topic:([0-9a-f-]{36})\]\](.*?)\[\[/topic\]\]", re.DOTALL)
# Marks a content's part for everyone (material without a topic): a reader none of whose topics
# has a part still gets that.
COMMON_MARK = "[[common]]"
# The part that speaks to one subscriber (their links to change settings or leave): left out of
# posts to a channel, whose readers have no subscription.
PERSONAL_SECTION = re.compile(r"\[\[personal\]\](.*?)\[\[/personal\]\]", re.DOTALL)


def topic_section(key: str, text: str) -> str:
    """Wrap `text` as the part of a content about topic `key`."""
    return f"[[topic:{key}]]{text}[[/topic]]"


def personalise(
    text: str, *, topics: list[str] | None, links: dict[str, str], personal: bool = True
) -> str | None:
    """One recipient's copy: their links in place of the marks, and of the topic parts only those
    they chose (all when `topics` is None or empty); without the personal part when `personal` is
    false (a channel post). None when the content is made only of topic parts and none is theirs:
    there is nothing to send them."""
    if "[[personal]]" in text:
        text = PERSONAL_SECTION.sub((lambda match: match.group(1)) if personal else "", text)
    common = COMMON_MARK in text
    if common:
        text = text.replace(COMMON_MARK, "")
    if "[[topic:" in text:
        chosen = set(topics or ())
        kept = 0

        def keep(match: re.Match[str]) -> str:
            nonlocal kept
            if not chosen or match.group(1) in chosen:
                kept += 1
                return match.group(2)
            return ""

        text = TOPIC_SECTION.sub(keep, text)
        if not kept and not common:
            return None
    for mark, value in links.items():
        text = text.replace(mark, value)
    return text


def _page_link(page: Any, language: str) -> tuple[str, str] | None:
    """Title and address of `page` in `language` when it has a live translation in it, else of the
    page itself; None for a page that is not live."""
    from wagtail.models import Locale

    page = page.specific if page is not None else None
    if page is None:
        return None
    locale = Locale.objects.filter(language_code=language).first()
    translation = page.get_translation_or_none(locale) if locale else None
    if translation is not None and translation.live:
        page = translation.specific
    if not page.live:
        return None
    return page.title, page.full_url or ""


def _blocks(variant: MessageVariant) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for block in variant.body:
        if block.block_type == "featured_page":
            link = _page_link(block.value["page"], variant.language)
            if link is not None:
                items.append(
                    {"type": "featured_page", "title": link[0], "url": link[1], "note": block.value["note"]}
                )
        elif block.block_type == "paragraph":
            rich = block.value.source
            items.append(
                {"type": "paragraph", "html": str(block.value), "text": html.unescape(strip_tags(rich))}
            )
        elif block.block_type == "button":
            items.append({"type": "button", "text": block.value["text"], "url": block.value["url"]})
        else:
            items.append({"type": block.block_type, "text": str(block.value)})
    return items


def content_render(*, template: str, language: str, subject: str, context: dict[str, Any]) -> dict[str, str]:
    """Subject, plain text and HTML of `template` (.txt and .html) in `language`, with the marks a
    recipient's links replace."""
    with override(language):
        context = {
            **context,
            "language": language,
            "direction": "rtl" if get_language_bidi() else "ltr",
            "subject": subject,
            "unsubscribe_url": UNSUBSCRIBE_MARK,
            "preferences_url": PREFERENCES_MARK,
            "site_url": settings.PUBLIC_BASE_URL,
        }
        return {
            "subject": subject,
            "text": render_to_string(f"{template}.txt", context),
            "html": render_to_string(f"{template}.html", context),
        }


def variant_content(*, broadcast: Broadcast, variant: MessageVariant) -> BroadcastContent:
    rendered = content_render(
        template="broadcasts/email/message",
        language=variant.language,
        subject=variant.subject,
        context={"blocks": _blocks(variant)},
    )
    return BroadcastContent(
        broadcast=broadcast,
        language=variant.language,
        variant=variant,
        variant_version=variant.version,
        **rendered,
    )


def contents_for_broadcast(broadcast: Broadcast) -> list[BroadcastContent]:
    """The broadcast's content in each language it can be sent in (unsaved): one per approved
    variant of its message, or what its digest has to say in each language."""
    if broadcast.digest_id is not None:
        from .digests import digest_contents

        return digest_contents(broadcast=broadcast)
    variants = broadcast.message.variants.filter(status=MessageVariant.Status.APPROVED).order_by("language")
    return [variant_content(broadcast=broadcast, variant=variant) for variant in variants]
