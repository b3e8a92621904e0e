"""Small constructors for the body blocks of demo pages, so the texts read as prose.

Text may be wrapped freely inside triple quotes: runs of whitespace become one space. Images,
documents and the help page are named by key here and looked up by the loader in cms/demo.py."""

from typing import Any

Block = tuple[str, Any]


def prose(text: str) -> str:
    """Collapse the line breaks and indentation of a wrapped string into single spaces."""
    return " ".join(text.split())


def heading(text: str, level: str = "h2") -> Block:
    return ("heading", {"text": prose(text), "level": level})


def paragraph(text: str) -> Block:
    """A paragraph of rich text; plain text is wrapped in <p>, HTML (lists, several paragraphs) kept."""
    text = prose(text)
    return ("paragraph", text if text.startswith("<") else f"<p>{text}</p>")


def bullets(*items: str, ordered: bool = False) -> Block:
    tag = "ol" if ordered else "ul"
    return ("paragraph", f"<{tag}>" + "".join(f"<li>{prose(item)}</li>" for item in items) + f"</{tag}>")


def quote(text: str, attribution: str = "") -> Block:
    return ("quote", {"quote": prose(text), "attribution": prose(attribution)})


def scripture(*, original: str, translation: str, source: str, original_language: str = "ar") -> Block:
    """A verse in the original and in the page's language. Quote the Arabic without the Qur'anic pause
    marks (U+06D6 to U+06DC): they are recitation signs, not words, and the fonts of many phones lack
    them, so readers would see empty boxes."""
    return (
        "scripture",
        {
            "original": prose(original),
            "original_language": original_language,
            "translation": prose(translation),
            "source": prose(source),
        },
    )


def image(key: str, *, alt_text: str, caption: str = "") -> Block:
    """An illustration from cms.demo_images, with alternative text in the page's language."""
    return ("image", {"image": key, "alt_text": prose(alt_text), "caption": prose(caption)})


def document(key: str, *, title: str, description: str = "") -> Block:
    """A download: the page language's version of the demo document `key`."""
    return ("document", {"document": key, "title": prose(title), "description": prose(description)})


def help_callout(heading_text: str, text: str) -> Block:
    """A call-out leading to the help page of the page's language."""
    return ("help_callout", {"heading": prose(heading_text), "text": prose(text)})
