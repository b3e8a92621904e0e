"""Keeping material up to date: which pages are due for review, and the weekly reminder that tells
each owner which of their pages are past their review date.

A reminder is recorded in Wagtail's audit log on every page it lists (action "cms.review_reminder",
with the ISO week and the recipient), so editors see it in the page's history, and a second run in
the same week finds the record and sends nothing: the log is the one durable place the admin
already reads, where a cache key could be evicted or emptied by a deploy."""

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from wagtail.log_actions import log
from wagtail.models import PageLogEntry

from cms.audit import language_name
from cms.pages.material import MaterialPage
from outreach.core.emails import message_send, multipart_message

REVIEW_REMINDER_ACTION = "cms.review_reminder"
# The "Due for review" report also lists what falls due within this many days.
DUE_SOON_DAYS = 30

REMINDER_SUBJECT = _("Pages past their review date")


def materials_due_for_review(*, before: date) -> QuerySet[MaterialPage]:
    """Live material whose review date is earlier than `before`, the longest overdue first, with its
    language and its owner (and the owner's profile) fetched in the same query."""
    return (
        MaterialPage.objects.live()
        .filter(review_by__lt=before)
        .select_related("locale", "owner", "owner__wagtail_userprofile")
        .order_by("review_by", "title", "pk")
    )


def review_week(day: date) -> str:
    """The ISO week of `day`, as "2025-W03": a reminder goes out at most once in it."""
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def review_reminders_send(*, today: date | None = None) -> int:
    """Email every active owner (with an address) of live material past its review date one list of
    those pages, unless they were already reminded this ISO week; returns how many emails went out.
    TemporaryError when the mail server cannot be reached (the owners mailed before stay recorded)."""
    today = today or timezone.localdate()
    week = review_week(today)
    by_owner: dict[int, list[MaterialPage]] = defaultdict(list)
    owners: dict[int, Any] = {}
    overdue = materials_due_for_review(before=today).filter(owner__is_active=True).exclude(owner__email="")
    for page in overdue:
        by_owner[page.owner_id].append(page)
        owners[page.owner_id] = page.owner
    already = set(
        PageLogEntry.objects.filter(action=REVIEW_REMINDER_ACTION, data__week=week).values_list(
            "data__recipient", flat=True
        )
    )
    sent = 0
    for owner_id, pages in by_owner.items():
        if owner_id not in already and _owner_remind(owner=owners[owner_id], pages=pages, week=week):
            sent += 1
    return sent


@transaction.atomic
def _owner_remind(*, owner: Any, pages: list[MaterialPage], week: str) -> bool:
    # Two runs at once wait for each other on the owner's row, then the second finds the record.
    get_user_model().objects.select_for_update().filter(pk=owner.pk).first()
    if PageLogEntry.objects.filter(
        action=REVIEW_REMINDER_ACTION, data__week=week, data__recipient=owner.pk
    ).exists():
        return False
    for page in pages:
        log(instance=page, action=REVIEW_REMINDER_ACTION, data={"week": week, "recipient": owner.pk})
    # Sent inside the transaction: when the mail server cannot be reached the records roll back and
    # the retried task (or next week's run) tries again; owners already mailed stay recorded.
    message_send(
        review_reminder_message(owner=owner, pages=pages), description=f"a review reminder to user {owner.pk}"
    )
    return True


def review_reminder_message(*, owner: Any, pages: list[MaterialPage]) -> EmailMultiAlternatives:
    """The reminder to `owner` listing `pages` (title, language, review date, link to edit), in the
    owner's preferred admin language, else the site's default language."""
    profile = getattr(owner, "wagtail_userprofile", None)
    language = (profile.preferred_language if profile else "") or settings.LANGUAGE_CODE
    base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    with override(language):
        items = [
            {
                "title": page.title,
                "language": language_name(page.locale.language_code),
                "review_by": page.review_by,
                "url": base_url + reverse("wagtailadmin_pages:edit", args=[page.pk]),
            }
            for page in pages
        ]
    return multipart_message(
        template="emails/review_reminder",
        subject=REMINDER_SUBJECT,
        context={"owner": owner, "items": items},
        language=language,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=owner.email,
    )


def review_window_end(*, today: date) -> date:
    """The first day after the window the "Due for review" report covers (today and DUE_SOON_DAYS more)."""
    return today + timedelta(days=DUE_SOON_DAYS + 1)
