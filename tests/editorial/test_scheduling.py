"""Schedule publication (cms.scheduling, /admin/pages/<id>/schedule/): a publisher schedules a
page waiting at its workflow's last step, hand-written or made by wagtail-localize, in Almaty time;
beat's service publishes it when the time comes; everyone else is refused and nothing changes."""

from datetime import UTC, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import Page, PageLogEntry, Revision, TaskState, WorkflowState
from wagtail_localize.models import StringSegment, StringTranslation, Translation
from wagtail_localize.operations import TranslationCreator

from cms.editorial import ScheduledChanges, pages_publish_scheduled
from cms.scheduling import page_schedule
from cms.translation_review import translation_submit
from cms.workflows import PUBLISHING
from outreach.core.exceptions import ApplicationError
from outreach.core.roles import TRANSLATOR_GROUPS
from tests.factories.cms import ArticlePageFactory, VideoPageFactory, article_add
from tests.factories.users import member, signed_in
from tests.queries import assert_queries_constant

pytestmark = pytest.mark.django_db

# 10:00 and 18:30 in Almaty (UTC+5) are 05:00 and 13:30 UTC.
GO_LIVE_FORM = "2030-06-15 10:00"
EXPIRY_FORM = "2030-06-20 18:30"
GO_LIVE_UTC = datetime(2030, 6, 15, 5, 0, tzinfo=UTC)
EXPIRY_UTC = datetime(2030, 6, 20, 13, 30, tzinfo=UTC)


@pytest.fixture
def people(homes, people) -> dict:
    return {**people, "translator": member([TRANSLATOR_GROUPS["kk"]], "translator")}


def submitted(page: Page, editor) -> Page:
    """`page` saved by `editor` and sent into its workflow, as the editor's Submit does."""
    page.save_revision(user=editor)
    page.get_workflow().start(page, editor)
    return page


def approve(page: Page, user) -> None:
    page = Page.objects.get(pk=page.pk).specific
    page.current_workflow_task.on_action(page.current_workflow_task_state, user, "approve")


def at_publishing(home, people, **kwargs) -> Page:
    """A draft article the theological reviewer approved, waiting at the Publishing step."""
    page = article_add(home=home, live=False, **kwargs)
    submitted(page, people["editor"])
    approve(page, people["reviewer"])
    assert Page.objects.get(pk=page.pk).current_workflow_task.name == PUBLISHING
    return Page.objects.get(pk=page.pk).specific


def schedule_url(page: Page) -> str:
    return reverse("cms_schedule_page", args=[page.pk])


def post_schedule(client: Client, page: Page, go_live: str = GO_LIVE_FORM, expiry: str = EXPIRY_FORM):
    return client.post(schedule_url(page), {"go_live_at": go_live, "expire_at": expiry})


def state_of(page: Page) -> tuple:
    """Everything scheduling may change, to show that a refused one changed none of it."""
    page = Page.objects.get(pk=page.pk)
    return (
        page.live,
        page.latest_revision_id,
        page.go_live_at,
        list(Revision.page_revisions.filter(object_id=str(page.pk)).values_list("pk", "approved_go_live_at")),
        list(WorkflowState.objects.for_instance(page).values_list("status", "current_task_state_id")),
        list(TaskState.objects.for_instance(page).order_by("pk").values_list("status", flat=True)),
        PageLogEntry.objects.filter(page_id=page.pk).count(),
    )


def time_passes(page: Page) -> None:
    """Let the scheduled time pass: move the go-live time, wherever it is stored, into the past."""
    past = timezone.now() - timedelta(minutes=1)
    for revision in Revision.objects.filter(object_id=str(page.pk)).exclude(approved_go_live_at=None):
        revision.approved_go_live_at = past
        revision.content["go_live_at"] = past.isoformat()
        revision.save(update_fields=["approved_go_live_at", "content"])


def errors_of(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [error.get_text(" ", strip=True) for error in soup.select(".messages li.error, .error-message")]


def test_a_publisher_schedules_an_article_at_its_publishing_step_in_almaty_time(home, people):
    # given an article the theological reviewer approved
    page = at_publishing(home, people, slug="promises", title="Why the promises fall apart")
    client = signed_in(people["publisher"])
    # when a publisher schedules it for 10:00 Almaty time, expiring on the 20th at 18:30
    response = post_schedule(client, page)
    # then the Publishing step is approved and the workflow done, the page not live yet
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
    )
    state = WorkflowState.objects.for_instance(page).get()
    assert (state.status, state.current_task_state.status, state.current_task_state.finished_by) == (
        WorkflowState.STATUS_APPROVED,
        TaskState.STATUS_APPROVED,
        people["publisher"],
    )
    page = Page.objects.get(pk=page.pk).specific
    assert page.live is False
    # and its latest revision, saved by the publisher, is scheduled for 05:00 UTC
    revision = Revision.objects.get(pk=page.latest_revision_id)
    assert (revision.user, revision.approved_go_live_at) == (people["publisher"], GO_LIVE_UTC)
    assert revision.as_object().expire_at == EXPIRY_UTC
    assert PageLogEntry.objects.filter(page_id=page.pk).latest("pk").action == "wagtail.publish.schedule"
    # and the admin shows the times back in Almaty time
    html = client.get(schedule_url(page)).content
    current = BeautifulSoup(html, "html.parser").select_one("#current-schedule").get_text(" ", strip=True)
    assert current == "Goes live June 15, 2030, 10 a.m. Expires June 20, 2030, 6:30 p.m."


def test_beats_service_publishes_the_scheduled_article_when_its_time_comes(home, people, client):
    # given an article a publisher scheduled
    page = at_publishing(home, people, slug="promises")
    post_schedule(signed_in(people["publisher"]), page)
    assert pages_publish_scheduled() == ScheduledChanges(published=0, unpublished=0)
    # when its time has come and beat's service runs
    time_passes(page)
    changes = pages_publish_scheduled()
    # then it is live with the scheduled revision, and readers get it
    assert changes == ScheduledChanges(published=1, unpublished=0)
    page = Page.objects.get(pk=page.pk)
    assert (page.live, page.live_revision_id, page.expire_at) == (True, page.latest_revision_id, EXPIRY_UTC)
    assert client.get("/kk/promises/").status_code == 200


def test_an_article_still_in_theological_review_is_refused_with_the_reason(home, people):
    # given an article waiting for the theological reviewer
    page = submitted(article_add(home=home, live=False, slug="promises"), people["editor"])
    before = state_of(page)
    client = signed_in(people["publisher"])
    # then the form says so before anything is tried
    reason = "This page is waiting for “Theological review”; it can be scheduled once the reviewer has approved it."
    html = client.get(schedule_url(page)).content
    assert BeautifulSoup(html, "html.parser").select_one(".help-warning").get_text(" ", strip=True) == reason
    # when the publisher schedules it anyway
    response = post_schedule(client, page)
    # then it is refused with the reason and nothing changed
    assert response.status_code == 200
    assert errors_of(response) == [reason]
    assert state_of(page) == before


def test_a_draft_article_outside_any_review_cannot_be_scheduled(home, people):
    # given a draft article nobody submitted
    page = article_add(home=home, live=False, slug="promises")
    before = state_of(page)
    # when a publisher schedules it
    response = post_schedule(signed_in(people["publisher"]), page)
    # then it is refused: articles go live only through their review
    assert errors_of(response) == [
        "Articles, scholars' answers and testimonies go live only through their review: submit this "
        "page for review; it can be scheduled when it reaches the review's last step."
    ]
    assert state_of(page) == before


@pytest.mark.parametrize(
    ("go_live", "expiry", "field", "message"),
    [
        ("2020-01-01 10:00", "", "go_live_at", "The go-live time must be in the future."),
        (GO_LIVE_FORM, "2030-06-15 09:00", "expire_at", "The expiry time must be after the go-live time."),
        ("", "", "go_live_at", "This field is required."),
    ],
)
def test_wrong_times_are_refused_on_the_form_and_change_nothing(
    home, people, go_live, expiry, field, message
):
    # given an article waiting at its Publishing step
    page = at_publishing(home, people, slug="promises")
    before = state_of(page)
    # when a publisher posts a go-live in the past, an expiry before the go-live, or no go-live
    response = post_schedule(signed_in(people["publisher"]), page, go_live=go_live, expiry=expiry)
    # then the form shows the error on its field and nothing changed
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert errors_of(response) == [message]
    assert state_of(page) == before


def test_the_service_refuses_wrong_times_too(home, people):
    # given an article waiting at its Publishing step
    page = at_publishing(home, people, slug="promises")
    before = state_of(page)
    # when the service is asked for a go-live in the past (by someone reading English)
    with translation.override("en"), pytest.raises(ApplicationError) as refused:
        page_schedule(
            page=page,
            go_live_at=timezone.now() - timedelta(minutes=1),
            expire_at=None,
            actor=people["publisher"],
        )
    # then it refuses and nothing changed
    assert refused.value.message == "The go-live time must be in the future."
    assert state_of(page) == before


@pytest.mark.parametrize("who", ["editor", "translator", "reviewer"])
def test_editors_translators_and_reviewers_may_not_schedule(home, people, who):
    # given an article waiting at its Publishing step
    page = at_publishing(home, people, slug="promises")
    before = state_of(page)
    client = signed_in(people[who])
    # when they open or post the schedule form
    opened, posted = client.get(schedule_url(page)), post_schedule(client, page)
    # then both are refused as Wagtail refuses (back to the dashboard, "no permission") and nothing changed
    for response in (opened, posted):
        assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home"))
    assert state_of(page) == before


def test_the_schedule_button_shows_to_publishers_only(home, people):
    # given an article waiting at its Publishing step
    page = at_publishing(home, people, slug="promises")

    def schedule_links(user) -> list[str]:
        edit = signed_in(user).get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content
        listing = signed_in(user).get(reverse("wagtailadmin_explore", args=[home.pk])).content
        return [
            link["href"]
            for html in (edit, listing)
            for link in BeautifulSoup(html, "html.parser").find_all("a", href=schedule_url(page))
        ]

    # then the page's header and its row in the listing lead the publisher there, and not the editor
    assert schedule_links(people["publisher"]) == [schedule_url(page), schedule_url(page)]
    assert schedule_links(people["editor"]) == []


def test_a_video_no_workflow_holds_is_scheduled_directly(home, people):
    # given a draft video, not submitted
    page = article_add(home=home, factory_class=VideoPageFactory, live=False, slug="video")
    # when a publisher schedules it
    client = signed_in(people["publisher"])
    response = post_schedule(client, page, expiry="")
    # then it is scheduled for 05:00 UTC, with no expiry, and they are told so in Almaty time
    assert response.status_code == 302
    messages = BeautifulSoup(client.get(response["Location"]).content, "html.parser").select(".messages li")
    assert (
        messages[0].get_text(" ", strip=True)
        == f"“{page.title}” is scheduled to go live on June 15, 2030, 10 a.m."
    )
    page = Page.objects.get(pk=page.pk)
    assert (page.live, page.scheduled_revision.approved_go_live_at, page.expire_at) == (
        False,
        GO_LIVE_UTC,
        None,
    )


def test_a_scheduled_article_is_moved_to_another_time_without_a_new_review(home, people):
    # given an article scheduled through its review
    page = at_publishing(home, people, slug="promises")
    client = signed_in(people["publisher"])
    post_schedule(client, page)
    # when the publisher moves its go-live a day later
    response = post_schedule(client, page, go_live="2030-06-16 10:00")
    # then one revision is scheduled, for the new time, with the approved content
    assert response.status_code == 302
    scheduled = Revision.objects.filter(object_id=str(page.pk)).exclude(approved_go_live_at=None)
    assert list(scheduled.values_list("approved_go_live_at", flat=True)) == [GO_LIVE_UTC + timedelta(days=1)]
    assert Page.objects.get(pk=page.pk).live is False


def test_a_translation_made_by_wagtail_localize_is_scheduled_the_same_way(homes, people):
    # given a live Russian video translated into Kazakh with wagtail-localize, its strings translated
    video = article_add(home=homes["ru"], factory_class=VideoPageFactory, slug="video", title="Видео")
    TranslationCreator(people["translator"], [homes["kk"].locale]).create_translations(video)
    translation = Translation.objects.get(source__object_id=video.translation_key)
    for segment in StringSegment.objects.filter(source=translation.source).select_related(
        "string", "context"
    ):
        StringTranslation.objects.create(
            translation_of=segment.string,
            locale=homes["kk"].locale,
            context=segment.context,
            data="Бейне" if segment.string.data == "Видео" else segment.string.data,
            translation_type=StringTranslation.TRANSLATION_TYPE_MANUAL,
            last_translated_by=people["translator"],
        )
    # and submitted by the translator, so that it waits at the Publishing step
    translation_submit(translation=translation, actor=people["translator"])
    kazakh = Page.objects.get(translation_key=video.translation_key, locale=homes["kk"].locale)
    assert kazakh.current_workflow_task.name == PUBLISHING
    # when a publisher schedules it
    response = post_schedule(signed_in(people["publisher"]), kazakh)
    # then the Kazakh page is scheduled with its Kazakh title, not yet live
    assert response.status_code == 302
    kazakh.refresh_from_db()
    assert (kazakh.live, kazakh.scheduled_revision.approved_go_live_at) == (False, GO_LIVE_UTC)
    assert kazakh.scheduled_revision.as_object().title == "Бейне"


def test_the_listing_with_the_schedule_button_costs_the_same_however_many_pages(home, people):
    # given a publisher browsing a language's pages, some of them waiting at the Publishing step
    client = signed_in(people["publisher"])
    url = reverse("wagtailadmin_explore", args=[home.pk])
    at_publishing(home, people, slug="first")
    ArticlePageFactory(parent=home, locale=home.locale, slug="second")

    def more_pages() -> None:
        for number in range(4):
            at_publishing(home, people, slug=f"waiting-{number}")
            ArticlePageFactory(parent=home, locale=home.locale, slug=f"live-{number}")

    client.get(url)  # the first answer per session stores what later ones read
    # then the listing's queries do not grow with the rows
    assert_queries_constant(lambda: client.get(url), more_pages)
