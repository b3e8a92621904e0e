"""Submit translation for review (cms.translation_review, from wagtail-localize's editor): a
translator writes their translation into a draft of the translated page and sends it into the same
review as the source; untranslated strings, another language's translator and direct publishing are
refused, changing nothing. Ends with the whole editorial flow, from a Russian draft to two pages
published by beat's service."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, PageLogEntry, Revision, TaskState, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield
from wagtail_localize.models import Translation

from cms.editorial import ScheduledChanges, pages_publish_scheduled
from cms.workflows import PUBLISHING, THEOLOGICAL_REVIEW
from outreach.core.roles import TRANSLATOR_GROUPS
from tests.factories.cms import VideoPageFactory, article_add
from tests.factories.translation import KAZAKH, RUSSIAN, kazakh_strings_translate, russian_material_add
from tests.factories.users import member, signed_in

pytestmark = pytest.mark.django_db

SUBMIT_LABEL = "Submit translation for review"


@pytest.fixture
def people(homes, people) -> dict:
    return {
        **people,
        "translator": member([TRANSLATOR_GROUPS["kk"]], "aigerim"),
        "dari": member([TRANSLATOR_GROUPS["fa-af"]], "dari"),
    }


@pytest.fixture
def russian_article(homes) -> Page:
    return russian_material_add(home=homes["ru"])


def started_in_kazakh(client: Client, page: Page, homes) -> tuple[Page, Translation]:
    """Start the Kazakh translation with wagtail-localize's own "Translate this page" view."""
    response = client.post(
        reverse("wagtail_localize:submit_page_translation", args=[page.pk]),
        {"locales": [homes["kk"].locale_id]},
        follow=True,  # reads wagtail-localize's message, so that only later ones are left
    )
    assert response.redirect_chain[0][1] == 302
    kazakh = Page.objects.get(translation_key=page.translation_key, locale=homes["kk"].locale)
    return kazakh, Translation.objects.get(
        source__object_id=page.translation_key, target_locale=homes["kk"].locale
    )


def submit(client: Client, translation: Translation, **kwargs):
    return client.post(reverse("cms_submit_translation", args=[translation.pk]), **kwargs)


def shown_messages(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    for button in soup.select(".messages li button"):
        button.decompose()
    return [message.get_text(" ", strip=True) for message in soup.select(".messages li")]


def state_of(page: Page) -> tuple:
    """Everything a submission may change, to show that a refused one changed none of it."""
    page = Page.objects.get(pk=page.pk)
    return (
        page.live,
        page.title,
        page.draft_title,
        page.latest_revision_id,
        Revision.page_revisions.filter(object_id=str(page.pk)).count(),
        list(WorkflowState.objects.for_instance(page).values_list("status", "current_task_state_id")),
        PageLogEntry.objects.filter(page_id=page.pk).count(),
    )


def current_task_name(page: Page) -> str:
    return WorkflowState.objects.for_instance(page).get(status="in_progress").current_task_state.task.name


def test_a_kazakh_translator_submits_their_translation_into_the_theological_review(
    homes, people, russian_article, smtp_server, django_capture_on_commit_callbacks
):
    # given a Kazakh translator who started and translated the Kazakh version of a Russian article
    client = signed_in(people["translator"])
    kazakh, translation = started_in_kazakh(client, russian_article, homes)
    kazakh_strings_translate(client, translation)
    # when they submit it for review
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, translation, follow=True)
    # then a Kazakh draft revision of theirs holds the Kazakh text, and the page is not live
    assert shown_messages(response) == [
        f"The translation “{KAZAKH[RUSSIAN['title']]}” was saved as a draft and submitted to “{THEOLOGICAL_REVIEW}”."
    ]
    kazakh = Page.objects.get(pk=kazakh.pk).specific
    draft = Revision.objects.get(pk=kazakh.latest_revision_id)
    content = draft.as_object()
    assert (draft.user, content.title, content.summary) == (
        people["translator"],
        KAZAKH[RUSSIAN["title"]],
        KAZAKH[RUSSIAN["summary"]],
    )
    assert KAZAKH[RUSSIAN["paragraph"]] in str(content.body)
    assert kazakh.live is False
    # and it waits in the theological review, the reviewers mailed
    state = WorkflowState.objects.for_instance(kazakh).get()
    assert (state.workflow.name, state.status, state.requested_by) == (
        THEOLOGICAL_REVIEW,
        WorkflowState.STATUS_IN_PROGRESS,
        people["translator"],
    )
    assert (state.current_task_state.task.name, state.current_task_state.revision_id) == (
        THEOLOGICAL_REVIEW,
        draft.pk,
    )
    assert len(smtp_server.to("reviewer@example.org")) == 1


def test_a_translation_with_an_untranslated_string_is_refused_and_changes_nothing(
    homes, people, russian_article
):
    # given a translation whose paragraph is still in Russian
    client = signed_in(people["translator"])
    kazakh, translation = started_in_kazakh(client, russian_article, homes)
    kazakh_strings_translate(client, translation, leave_out=RUSSIAN["paragraph"])
    before = state_of(kazakh)
    total = translation.get_progress()[0]
    # when the translator submits it
    response = submit(client, translation, follow=True)
    # then they are told what is missing and nothing changed
    assert shown_messages(response) == [
        f"1 of {total} strings are still untranslated; translate them all before submitting."
    ]
    assert state_of(kazakh) == before
    assert not WorkflowState.objects.for_instance(kazakh).exists()


def test_a_dari_translator_cannot_submit_the_kazakh_translation(homes, people, russian_article):
    # given a translated Kazakh translation
    translator = signed_in(people["translator"])
    kazakh, translation = started_in_kazakh(translator, russian_article, homes)
    kazakh_strings_translate(translator, translation)
    before = state_of(kazakh)
    # when a Dari translator submits it
    response = submit(signed_in(people["dari"]), translation)
    # then Wagtail refuses them (back to the dashboard, "no permission") and nothing changed
    assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home"))
    assert state_of(kazakh) == before
    # and a GET, or anyone without a sign-in, changes nothing either
    url = reverse("cms_submit_translation", args=[translation.pk])
    assert signed_in(people["translator"]).get(url).status_code == 405
    assert Client().post(url).status_code == 302
    assert state_of(kazakh) == before


def test_the_translation_editor_offers_the_submission_to_the_translator_and_no_publishing(
    homes, people, russian_article
):
    # given a Kazakh translation with one string left
    client = signed_in(people["translator"])
    kazakh, translation = started_in_kazakh(client, russian_article, homes)
    kazakh_strings_translate(client, translation, leave_out=RUSSIAN["paragraph"])
    # when the translator opens the translation editor
    soup = BeautifulSoup(
        client.get(reverse("wagtailadmin_pages:edit", args=[kazakh.pk])).content, "html.parser"
    )
    # then it is wagtail-localize's editor, with the submission panel under it
    assert soup.select_one(".js-translation-editor") is not None
    panel = soup.select_one("#translation-submission")
    assert panel.select_one("form")["action"] == reverse("cms_submit_translation", args=[translation.pk])
    assert panel.select_one("button").get_text(strip=True) == SUBMIT_LABEL
    assert panel.select_one(".help-warning").get_text(" ", strip=True) == "One string is still untranslated."


def test_a_publisher_is_offered_no_publish_in_kazakh_for_an_article_and_is_refused_if_they_try(
    homes, people, russian_article
):
    # given a translated Kazakh article
    translator = signed_in(people["translator"])
    kazakh, translation = started_in_kazakh(translator, russian_article, homes)
    kazakh_strings_translate(translator, translation)
    before = state_of(kazakh)
    publisher = signed_in(people["publisher"])
    edit_url = reverse("wagtailadmin_pages:edit", args=[kazakh.pk])
    # then wagtail-localize's editor gives the publisher no "Publish in Kazakh", and the submission
    props = BeautifulSoup(publisher.get(edit_url).content, "html.parser").select_one(".js-translation-editor")
    assert '"canPublish": false' in props["data-props"]
    # when the publisher posts its "publish" anyway
    response = publisher.post(edit_url, {"action": "publish"}, follow=True)
    # then it is refused with a message and nothing changed
    assert shown_messages(response)[0].startswith(
        "Articles, scholars' answers and testimonies are published only"
    )
    assert state_of(kazakh) == before


def test_a_publisher_may_still_publish_a_translated_video_from_the_translation_editor(
    homes, people, django_capture_on_commit_callbacks
):
    # given a Russian video translated into Kazakh
    video = article_add(home=homes["ru"], factory_class=VideoPageFactory, slug="video", title="Видео")
    translator = signed_in(people["translator"])
    kazakh, translation = started_in_kazakh(translator, video, homes)
    publisher = signed_in(people["publisher"])
    edit_url = reverse("wagtailadmin_pages:edit", args=[kazakh.pk])
    # then the publisher has no submission panel (they publish it directly) but the translator has
    assert (
        BeautifulSoup(publisher.get(edit_url).content, "html.parser").select_one("#translation-submission")
        is None
    )
    assert BeautifulSoup(translator.get(edit_url).content, "html.parser").select_one(
        "#translation-submission"
    )
    # when the publisher publishes it from the translation editor
    with django_capture_on_commit_callbacks(execute=True):
        response = publisher.post(edit_url, {"action": "publish"})
    # then it is live
    assert response.status_code == 302
    assert Page.objects.get(pk=kazakh.pk).live is True


def test_a_live_translation_resubmitted_stays_as_readers_know_it_until_approved(
    homes, people, russian_article, client
):
    # given a Kazakh article live with its first translation
    translator = signed_in(people["translator"])
    kazakh, translation = started_in_kazakh(translator, russian_article, homes)
    kazakh_strings_translate(translator, translation)
    translation.save_target(user=people["translator"], publish=True)
    kazakh = Page.objects.get(pk=kazakh.pk).specific
    kazakh.get_latest_revision().publish()
    kazakh.refresh_from_db()
    assert (kazakh.live, kazakh.title) == (True, KAZAKH[RUSSIAN["title"]])
    live_revision_id = kazakh.live_revision_id
    # when the translator corrects the title and submits it again
    KAZAKH[RUSSIAN["title"]] = "Сирия туралы ақиқат"
    try:
        kazakh_strings_translate(translator, translation)
        response = submit(translator, translation)
    finally:
        KAZAKH[RUSSIAN["title"]] = "Сирия туралы шындық"
    # then the correction waits in review as the latest revision
    assert response.status_code == 302
    kazakh = Page.objects.get(pk=kazakh.pk).specific
    assert Revision.objects.get(pk=kazakh.latest_revision_id).as_object().title == "Сирия туралы ақиқат"
    assert (kazakh.draft_title, kazakh.has_unpublished_changes) == ("Сирия туралы ақиқат", True)
    assert current_task_name(kazakh) == THEOLOGICAL_REVIEW
    # and readers still get the reviewed text
    assert (kazakh.live, kazakh.live_revision_id, kazakh.title) == (
        True,
        live_revision_id,
        "Сирия туралы шындық",
    )
    public = client.get(kazakh.url)
    assert BeautifulSoup(public.content, "html.parser").h1.get_text(strip=True) == "Сирия туралы шындық"


def test_a_translation_sent_back_for_changes_is_resubmitted_into_the_same_review(
    homes, people, russian_article
):
    # given a Kazakh translation the reviewer sent back
    translator = signed_in(people["translator"])
    kazakh, translation = started_in_kazakh(translator, russian_article, homes)
    kazakh_strings_translate(translator, translation)
    submit(translator, translation)
    task_state = WorkflowState.objects.for_instance(kazakh).get().current_task_state
    task_state.specific.task.specific.on_action(
        task_state, people["reviewer"], "reject", comment="Cite 2:256."
    )
    state = WorkflowState.objects.for_instance(kazakh).get()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    # when the translator submits it again
    response = submit(translator, translation)
    # then the same workflow resumes at the theological review, on the new draft
    assert response.status_code == 302
    state.refresh_from_db()
    kazakh.refresh_from_db()
    assert (state.status, state.current_task_state.task.name, state.current_task_state.revision_id) == (
        WorkflowState.STATUS_IN_PROGRESS,
        THEOLOGICAL_REVIEW,
        kazakh.latest_revision_id,
    )
    assert WorkflowState.objects.for_instance(kazakh).count() == 1


def test_the_whole_flow_from_a_russian_draft_to_both_languages_published_by_beat(
    homes, people, client, django_capture_on_commit_callbacks
):
    # given an editor who writes an article in Russian in the admin and submits it
    editor = signed_in(people["editor"])
    form = nested_form_data(
        {
            "title": RUSSIAN["title"],
            "slug": "syria",
            "kind": "article",
            "summary": RUSSIAN["summary"],
            "body": streamfield([("paragraph", rich_text(f"<p>{RUSSIAN['paragraph']}</p>"))]),
            "related_links": inline_formset([]),
            "comments": inline_formset([]),
        }
    )
    add_url = reverse("wagtailadmin_pages:add", args=["cms", "articlepage", homes["ru"].pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert editor.post(add_url, {**form, "action-submit": "Submit"}).status_code == 302
    russian = Page.objects.get(slug="syria", locale=homes["ru"].locale)
    reviewer, publisher = signed_in(people["reviewer"]), signed_in(people["publisher"])

    def approve(page: Page, client: Client) -> None:
        task_state = WorkflowState.objects.for_instance(page).get(status="in_progress").current_task_state
        url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk])
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(url, {"comment": ""}).status_code == 302

    # and a theological reviewer who approves it
    approve(russian, reviewer)
    assert current_task_name(russian) == PUBLISHING
    # and a Kazakh translator who translates it with wagtail-localize and submits the translation
    translator = signed_in(people["translator"])
    kazakh, translation = started_in_kazakh(translator, russian, homes)
    kazakh_strings_translate(translator, translation)
    with django_capture_on_commit_callbacks(execute=True):
        assert submit(translator, translation).status_code == 302
    # and the reviewer who approves the Kazakh version too
    approve(kazakh, reviewer)
    assert current_task_name(kazakh) == PUBLISHING
    # when the publisher schedules both for tomorrow at 10:00 Almaty time
    tomorrow = timezone.localtime() + timedelta(days=1)
    go_live = tomorrow.strftime("%Y-%m-%d") + " 10:00"
    for page in (russian, kazakh):
        with django_capture_on_commit_callbacks(execute=True):
            response = publisher.post(reverse("cms_schedule_page", args=[page.pk]), {"go_live_at": go_live})
        assert response.status_code == 302
    # then neither is live before the time
    assert pages_publish_scheduled() == ScheduledChanges(published=0, unpublished=0)
    assert [Page.objects.get(pk=page.pk).live for page in (russian, kazakh)] == [False, False]
    # when the time comes and beat's service runs
    past = timezone.now() - timedelta(minutes=1)
    for revision in Revision.objects.filter(object_id__in=[str(russian.pk), str(kazakh.pk)]).exclude(
        approved_go_live_at=None
    ):
        revision.approved_go_live_at = past
        revision.content["go_live_at"] = past.isoformat()
        revision.save(update_fields=["approved_go_live_at", "content"])
    assert pages_publish_scheduled() == ScheduledChanges(published=2, unpublished=0)
    # then both are live, each in its own language, and the tasks record who approved what
    for page, title in ((russian, RUSSIAN["title"]), (kazakh, KAZAKH[RUSSIAN["title"]])):
        page = Page.objects.get(pk=page.pk)
        response = client.get(page.url)
        assert (page.title, page.live, response.status_code) == (title, True, 200)
        assert BeautifulSoup(response.content, "html.parser").h1.get_text(strip=True) == title
        approvals = TaskState.objects.for_instance(page).order_by("pk")
        assert list(approvals.values_list("task__name", "status", "finished_by__username")) == [
            (THEOLOGICAL_REVIEW, "approved", "reviewer"),
            (PUBLISHING, "approved", "publisher"),
        ]


def test_the_reviewer_approves_a_translation_from_the_translation_editor(homes, people, russian_article):
    # given a Kazakh translation submitted into the theological review
    translator = signed_in(people["translator"])
    kazakh, translation = started_in_kazakh(translator, russian_article, homes)
    kazakh_strings_translate(translator, translation)
    submit(translator, translation)
    reviewer = signed_in(people["reviewer"])
    edit_url = reverse("wagtailadmin_pages:edit", args=[kazakh.pk])
    # when the reviewer opens it: wagtail-localize's editor, which has no workflow buttons of its own
    panel = BeautifulSoup(reviewer.get(edit_url).content, "html.parser").select_one(
        "#translation-review-actions"
    )
    # then the review step's actions are under it
    buttons = {button.get_text(strip=True): button["formaction"] for button in panel.select("button")}
    assert list(buttons) == ["Request changes", "Approve"]
    # and the translator, who may not act on the step, has none
    assert (
        BeautifulSoup(translator.get(edit_url).content, "html.parser").select_one(
            "#translation-review-actions"
        )
        is None
    )
    # when the reviewer approves with a comment
    response = reviewer.post(buttons["Approve"], {"comment": "The citation is right.", "next": edit_url})
    # then the step is approved in their name and the translation moves on to the publishers
    assert (response.status_code, response["Location"]) == (302, edit_url)
    review = TaskState.objects.for_instance(kazakh).get(task__name=THEOLOGICAL_REVIEW)
    assert (review.status, review.finished_by, review.comment) == (
        TaskState.STATUS_APPROVED,
        people["reviewer"],
        "The citation is right.",
    )
    assert current_task_name(kazakh) == PUBLISHING
    # and the publisher, at the last step, is offered to approve and publish it
    publisher_panel = BeautifulSoup(
        signed_in(people["publisher"]).get(edit_url).content, "html.parser"
    ).select_one("#translation-review-actions")
    assert [b.get_text(strip=True) for b in publisher_panel.select("button")] == [
        "Request changes",
        "Approve and publish",
    ]
