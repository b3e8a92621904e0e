"""Scheduled publishing: editors enter go-live and expiry times in Almaty time, beat publishes and
unpublishes each page once when its time comes, and a real worker with beat makes a page go live."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, PageLogEntry, Revision
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield
from wagtail.users.models import UserProfile

from cms.editorial import ScheduledChanges, pages_publish_scheduled
from cms.pages.kinds import ArticlePage
from cms.tasks import pages_publish_scheduled as pages_publish_scheduled_task
from outreach.core.roles import PUBLISHER
from tests.factories.cms import VideoPageFactory, article_add
from tests.factories.users import UserFactory, in_english

pytestmark = pytest.mark.django_db


def scheduled(home, *, slug: str = "scheduled", go_live_at: datetime) -> ArticlePage:
    """A draft article whose publication was approved for `go_live_at`, as the admin leaves it."""
    page = article_add(home=home, slug=slug, title="Back from Syria", live=False)
    page.go_live_at = go_live_at
    revision = page.save_revision()
    revision.publish()
    return page


def overdue(page: Page, by: timedelta = timedelta(minutes=1)) -> None:
    """Let the scheduled time pass: move the go-live time, wherever the admin stored it, into the past."""
    past = timezone.now() - by
    for revision in Revision.objects.filter(object_id=str(page.pk)).exclude(approved_go_live_at=None):
        revision.approved_go_live_at = past
        revision.content["go_live_at"] = past.isoformat()
        revision.save(update_fields=["approved_go_live_at", "content"])
    Page.objects.filter(pk=page.pk).update(go_live_at=past)


def log_actions(page: Page) -> list[str]:
    return list(PageLogEntry.objects.filter(page_id=page.pk).order_by("pk").values_list("action", flat=True))


def test_a_page_whose_go_live_time_has_passed_is_published_and_the_page_cache_emptied(home):
    # given a page scheduled for a time that has now passed, and a page cache holding old answers
    page = scheduled(home, go_live_at=timezone.now() + timedelta(hours=1))
    assert Page.objects.get(pk=page.pk).live is False
    overdue(page)
    caches["pagecache"].set("an-old-answer", "stale")
    # when beat's service runs
    changes = pages_publish_scheduled()
    # then the page is live with its approved revision, recorded as a scheduled publication
    assert changes == ScheduledChanges(published=1, unpublished=0)
    page = ArticlePage.objects.get(pk=page.pk)
    approved = Revision.objects.get(object_id=str(page.pk))
    assert (page.live, page.live_revision_id, page.has_unpublished_changes) == (True, approved.pk, False)
    assert approved.approved_go_live_at is None
    assert log_actions(page)[-1] == "wagtail.publish.scheduled"
    assert caches["pagecache"].get("an-old-answer") is None


def test_a_page_whose_expiry_time_has_passed_is_unpublished(home, client):
    # given a live page whose expiry time has passed
    page = article_add(home=home, slug="expiring", expire_at=timezone.now() - timedelta(minutes=1))
    assert client.get("/kk/expiring/").status_code == 200
    # when beat's service runs
    changes = pages_publish_scheduled()
    # then it is unpublished and marked expired, and readers no longer get it
    assert changes == ScheduledChanges(published=0, unpublished=1)
    page = Page.objects.get(pk=page.pk)
    assert (page.live, page.expired) == (False, True)
    assert log_actions(page)[-1] == "wagtail.unpublish.scheduled"
    assert client.get("/kk/expiring/").status_code == 404


def test_running_again_changes_nothing(home):
    # given one page published and one unpublished by a first run
    published = scheduled(home, go_live_at=timezone.now() + timedelta(hours=1))
    overdue(published)
    expired = article_add(home=home, slug="expiring", expire_at=timezone.now() - timedelta(minutes=1))
    assert pages_publish_scheduled() == ScheduledChanges(published=1, unpublished=1)
    before = [
        (page.live, page.live_revision_id, page.last_published_at, log_actions(page))
        for page in Page.objects.filter(pk__in=[published.pk, expired.pk]).order_by("pk")
    ]
    # when the service runs again
    changes = pages_publish_scheduled()
    # then nothing is done twice
    assert changes == ScheduledChanges(published=0, unpublished=0)
    after = [
        (page.live, page.live_revision_id, page.last_published_at, log_actions(page))
        for page in Page.objects.filter(pk__in=[published.pk, expired.pk]).order_by("pk")
    ]
    assert after == before


def test_a_page_scheduled_for_later_waits(home):
    # given a page scheduled for an hour from now
    page = scheduled(home, go_live_at=timezone.now() + timedelta(hours=1))
    # when beat's service runs
    changes = pages_publish_scheduled()
    # then nothing happens yet
    assert changes == ScheduledChanges(published=0, unpublished=0)
    assert Page.objects.get(pk=page.pk).live is False
    assert Revision.objects.get(object_id=str(page.pk)).approved_go_live_at is not None


def test_the_task_runs_the_service(home):
    # given an overdue page
    page = scheduled(home, go_live_at=timezone.now() + timedelta(hours=1))
    overdue(page)
    # when the beat task runs (inline in the suite)
    pages_publish_scheduled_task.delay()
    # then the page is live
    assert Page.objects.get(pk=page.pk).live is True


@pytest.mark.django_db(transaction=True)
def test_a_page_another_worker_is_publishing_is_left_to_it(home):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite has one writer at a time anyway")
    # given an overdue page whose revision another worker has claimed (its row locked)
    page = scheduled(home, go_live_at=timezone.now() + timedelta(hours=1))
    overdue(page)
    revision_id = Revision.objects.get(object_id=str(page.pk)).pk
    claimed, release = threading.Event(), threading.Event()

    def other_worker() -> None:
        with transaction.atomic():
            Revision.objects.select_for_update().get(pk=revision_id)
            claimed.set()
            release.wait(timeout=30)
        connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    assert claimed.wait(timeout=30)
    try:
        # when this worker runs meanwhile
        changes = pages_publish_scheduled()
        # then it neither waits for nor publishes the claimed page
        assert changes == ScheduledChanges(published=0, unpublished=0)
        assert Page.objects.get(pk=page.pk).live is False
    finally:
        release.set()
        thread.join(timeout=30)
    # and the next run, with the claim gone, publishes it once
    assert pages_publish_scheduled() == ScheduledChanges(published=1, unpublished=0)
    assert log_actions(page).count("wagtail.publish.scheduled") == 1


def test_a_go_live_time_entered_as_10_00_in_almaty_is_stored_in_utc_and_shown_back_as_10_00(home):
    # given a publisher editing a draft video in the admin, with no time zone of their own chosen
    publisher = in_english(UserFactory(username="publisher", groups=[PUBLISHER]))
    profile = UserProfile.get_for_user(publisher)
    assert profile.current_time_zone == ""
    # (a video: articles are scheduled through their review, tests/editorial/test_scheduling.py)
    page = article_add(home=home, factory_class=VideoPageFactory, slug="later", live=False)
    client = Client()
    client.force_login(publisher)
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    form = nested_form_data(
        {
            "title": page.title,
            "slug": "later",
            "summary": page.summary,
            "video_url": page.video_url,
            "transcript": rich_text(page.transcript),
            "body": streamfield([("paragraph", rich_text("<p>Ask, don't judge.</p>"))]),
            "related_links": inline_formset([]),
            "comments": inline_formset([]),
            "go_live_at": "2030-06-15 10:00",
            "expire_at": "2030-06-20 18:30",
        }
    )
    # when they publish it with a go-live time of 10:00 (Almaty, the admin's time zone)
    response = client.post(edit_url, {**form, "action-publish": "Publish"})
    # then it is scheduled, not live, and the times are stored in UTC (Almaty is UTC+5 since 2024)
    assert response.status_code == 302
    page = Page.objects.get(pk=page.pk)
    assert page.live is False
    assert (page.go_live_at, page.expire_at) == (
        datetime(2030, 6, 15, 5, 0, tzinfo=UTC),
        datetime(2030, 6, 20, 13, 30, tzinfo=UTC),
    )
    assert Revision.objects.get(pk=page.latest_revision_id).approved_go_live_at == datetime(
        2030, 6, 15, 5, 0, tzinfo=UTC
    )
    # and the editor sees them back as they entered them
    soup = BeautifulSoup(client.get(edit_url).content, "html.parser")
    # (the schedule dialog's fields sit in a <template>, which CSS selectors do not enter)
    assert soup.find("input", attrs={"name": "go_live_at"})["value"] == "2030-06-15 10:00"
    assert soup.find("input", attrs={"name": "expire_at"})["value"] == "2030-06-20 18:30"
    status = soup.select_one('[data-side-panel="status"]').get_text(" ", strip=True)
    assert "Go-live: June 15, 2030, 10 a.m." in status
    assert "Expiry: June 20, 2030, 6:30 p.m." in status


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_beat_makes_a_scheduled_page_go_live(celery_worker, home):
    # given a worker with beat running the scheduled publishing every second, and a page approved
    # for publication a few seconds from now
    page = scheduled(home, slug="soon", go_live_at=timezone.now() + timedelta(seconds=3))
    assert Page.objects.get(pk=page.pk).live is False
    # when its time comes
    celery_worker.wait_for(
        lambda: Page.objects.filter(pk=page.pk, live=True).exists(), timeout=60, what="the page to go live"
    )
    # then beat's task published it, and the public site serves it
    assert "Scheduler: Sending due task cms-pages-publish-scheduled" in celery_worker.log()
    assert log_actions(page)[-1] == "wagtail.publish.scheduled"
    response = Client().get("/kk/soon/")
    assert response.status_code == 200
    assert BeautifulSoup(response.content, "html.parser").h1.get_text(strip=True) == "Back from Syria"
