"""Keep the page cache true: whatever publishes, unpublishes, moves or deletes a page (the editor, a
scheduled publication run by beat, an import) empties it, so readers never see stale material."""

from typing import Any

from django.db.models.signals import post_delete
from wagtail.models import Page
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move
from wagtailcache.cache import clear_cache


def _clear(**kwargs: Any) -> None:
    clear_cache()


def connect() -> None:
    page_published.connect(_clear, dispatch_uid="cms-clear-cache-published")
    page_unpublished.connect(_clear, dispatch_uid="cms-clear-cache-unpublished")
    page_slug_changed.connect(_clear, dispatch_uid="cms-clear-cache-slug")
    post_page_move.connect(_clear, dispatch_uid="cms-clear-cache-moved")
    post_delete.connect(_clear, sender=Page, dispatch_uid="cms-clear-cache-deleted")
