import re
from typing import Any
from urllib.parse import urlsplit

from django import template

register = template.Library()

_YOUTUBE = re.compile(r"(?:youtube\.com/(?:watch\?(?:.*&)?v=|embed/|shorts/)|youtu\.be/)([\w-]{11})")
_VIMEO = re.compile(r"vimeo\.com/(?:video/)?(\d+)")


def embed_url(url: str) -> str | None:
    """The privacy-friendlier embed address for a YouTube or Vimeo link; None for other hosts."""
    if match := _YOUTUBE.search(url):
        return f"https://www.youtube-nocookie.com/embed/{match.group(1)}"
    if match := _VIMEO.search(url):
        return f"https://player.vimeo.com/video/{match.group(1)}?dnt=1"
    return None


@register.inclusion_tag("cms/blocks/video_placeholder.html")
def video_placeholder(url: str, title: str) -> dict[str, Any]:
    """A placeholder that loads nothing from the video's host until the reader presses it."""
    return {"url": url, "title": title, "embed_url": embed_url(url), "host": urlsplit(url).hostname or ""}
