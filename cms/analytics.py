"""Privacy-preserving reading figures: how often each page was read, per language and day.

Nothing about the reader is kept: no address, no cookie, no browser details, no time finer than the
day. Counts are gathered in each web process and written in one short transaction every
FLUSH_SECONDS, so a reader's request never waits on a write; figures a process had not yet written
when it stops are lost, which aggregate figures can afford."""

import logging
import threading
import time
from collections import Counter
from datetime import date

from django.db import DatabaseError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

logger = logging.getLogger(__name__)

FLUSH_SECONDS = 30.0
# The window editors see reading figures over: the "Most read" report, the dashboard and each page.
READING_DAYS = 30


class PageViewCount(models.Model):
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="view_counts")
    language = models.CharField(_("language"), max_length=16)
    day = models.DateField(_("day"))
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        verbose_name = _("page view count")
        verbose_name_plural = _("page view counts")
        constraints = [
            models.UniqueConstraint(fields=["page", "language", "day"], name="cms_pageview_unique")
        ]
        indexes = [models.Index(fields=["day", "language"])]

    def __str__(self) -> str:
        return f"{self.page_id} {self.language} {self.day}: {self.views}"


class ViewTally:
    """Counts held in memory until the next flush; safe to share between a process's threads."""

    def __init__(self) -> None:
        self._counts: Counter[tuple[int, str, date]] = Counter()
        self._lock = threading.Lock()
        self._last_flush = time.monotonic()

    def add(self, *, page_id: int, language: str) -> None:
        with self._lock:
            self._counts[(page_id, language, timezone.localdate())] += 1
            due = time.monotonic() - self._last_flush >= FLUSH_SECONDS
        if due:
            try:
                self.flush()
            except DatabaseError:
                # A reader's page never fails over a statistic; these counts are given up.
                logger.exception("Could not write page view counts")

    def flush(self) -> int:
        """Write the held counts; returns how many views were written."""
        with self._lock:
            counts, self._counts = self._counts, Counter()
            self._last_flush = time.monotonic()
        if counts:
            page_views_add(counts=counts)
        return sum(counts.values())

    def discard(self) -> None:
        """Forget counts not yet written and start a new flush interval (the test suite starts each
        test with none, so no test's requests happen to carry the write of a flush)."""
        with self._lock:
            self._counts = Counter()
            self._last_flush = time.monotonic()


@transaction.atomic
def page_views_add(*, counts: Counter[tuple[int, str, date]]) -> None:
    """Add view counts to the daily totals (creating the rows a day's first views need); counts of
    pages deleted since they were read are dropped."""
    existing = set(
        Page.objects.filter(pk__in={page_id for page_id, _language, _day in counts}).values_list(
            "pk", flat=True
        )
    )
    for (page_id, language, day), views in counts.items():
        if page_id not in existing:
            continue
        updated = PageViewCount.objects.filter(page_id=page_id, language=language, day=day).update(
            views=F("views") + views
        )
        if not updated:
            PageViewCount.objects.get_or_create(
                page_id=page_id, language=language, day=day, defaults={"views": views}
            )


tally = ViewTally()
