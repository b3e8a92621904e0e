"""Moderation through the admin: theological material goes through a scholar's review and then the
publishers; everything else straight to the publishers. Each step is the real admin POST, and every
moderation mail is caught by the loopback SMTP server once the change is committed."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from wagtail.actions.publish_page_revision import PublishPagePermissionError
from wagtail.models import Page, PageLogEntry, Revision, TaskState, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.editorial_settings import EditorialSettings
from cms.pages.home import HomePage
from cms.pages.kinds import ArticlePage, VideoPage
from cms.workflows import PUBLISHING, THEOLOGICAL_REVIEW
from outreach.core.roles import EDITOR, PUBLISHER
from tests.factories import cms as factories
from tests.factories.users import UserFactory, member, signed_in

pytestmark = pytest.mark.django_db

TITLE = "Why the recruiters' promises fall apart"
COMMENT = "Quote the whole verse (2:256) and name the tafsir you follow."


def page_form(**fields: object) -> dict:
    """The admin form of a new article (or of another kind, with its own fields added)."""
    return nested_form_data(
        {
            "title": TITLE,
            "slug": "promises",
            "kind": "article",
            "summary": "What those who went say about what they found.",
            "body": streamfield([("paragraph", rich_text("<p>Ask, don't judge.</p>"))]),
            "related_links": inline_formset([]),
            "comments": inline_formset([]),
            **fields,
        }
    )


def submit_new(client: Client, home: HomePage, model: str = "articlepage", **fields: object):
    url = reverse("wagtailadmin_pages:add", args=["cms", model, home.pk])
    return client.post(url, {**page_form(**fields), "action-submit": "Submit"})


def act(client: Client, page: Page, action: str, task_state: TaskState, comment: str = ""):
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk])
    return client.post(url, {"comment": comment})


def moderation_of(page: Page) -> tuple:
    """Everything a moderation step may change, to show that a refused one changed none of it."""
    page = Page.objects.get(pk=page.pk)
    return (
        page.live,
        page.has_unpublished_changes,
        list(WorkflowState.objects.for_instance(page).values_list("status", "current_task_state_id")),
        list(
            TaskState.objects.for_instance(page).order_by("pk").values_list("task__name", "status", "comment")
        ),
        Revision.page_revisions.filter(object_id=str(page.pk)).count(),
        PageLogEntry.objects.filter(page_id=page.pk).count(),
    )


@pytest.fixture
def submitted(home, people, smtp_server, django_capture_on_commit_callbacks) -> ArticlePage:
    """An article an editor wrote in the admin and submitted for moderation."""
    with django_capture_on_commit_callbacks(execute=True):
        response = submit_new(signed_in(people["editor"]), home)
    assert response.status_code == 302
    return ArticlePage.objects.get(slug="promises")


def current_task(page: Page) -> TaskState:
    return (
        WorkflowState.objects.for_instance(page)
        .get(status=WorkflowState.STATUS_IN_PROGRESS)
        .current_task_state
    )


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", superuser=True)


def test_an_article_an_editor_submits_waits_in_the_theological_review_and_reviewers_are_mailed(
    superuser, submitted, people, smtp_server
):
    # given an editor submitted a new article in the admin (fixture `submitted`), with a superuser around
    # then it is a draft in the theological review workflow's first task
    state = WorkflowState.objects.for_instance(submitted).get()
    assert (state.workflow.name, state.status, state.requested_by) == (
        THEOLOGICAL_REVIEW,
        WorkflowState.STATUS_IN_PROGRESS,
        people["editor"],
    )
    assert (state.current_task_state.task.name, state.current_task_state.status) == (
        THEOLOGICAL_REVIEW,
        TaskState.STATUS_IN_PROGRESS,
    )
    assert submitted.live is False
    # and the theological reviewers (not the publishers, nor the author) are mailed through SMTP
    [mail] = smtp_server.to("reviewer@example.org")
    assert mail.message["Subject"] == (
        f'The page "{TITLE}" has been submitted for approval in moderation stage "Theological review"'
    )
    assert mail.message["Auto-Submitted"] == "auto-generated"
    assert f"/admin/pages/{submitted.pk}/edit/" in mail.part("text/plain")
    assert mail.part("text/html")
    assert smtp_server.to("publisher@example.org") == []
    assert smtp_server.to("editor@example.org") == []
    assert smtp_server.to("root@example.org") == []


def test_a_publisher_cannot_approve_the_theological_review(submitted, people, smtp_server):
    # given an article waiting in the theological review
    before = moderation_of(submitted)
    mails_before = len(smtp_server.mails)
    # when a publisher posts an approval of that task
    response = act(signed_in(people["publisher"]), submitted, "approve", current_task(submitted))
    # then the admin refuses and nothing changed
    assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home"))
    assert moderation_of(submitted) == before
    assert len(smtp_server.mails) == mails_before


@pytest.mark.parametrize("who", ["editor", "publisher"])
def test_only_a_theological_reviewer_may_request_changes_in_the_review(submitted, people, smtp_server, who):
    # given an article waiting in the theological review
    before = moderation_of(submitted)
    # when its author or a publisher tries to send it back
    response = act(signed_in(people[who]), submitted, "reject", current_task(submitted), comment="No.")
    # then the admin refuses and nothing changed
    assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home"))
    assert moderation_of(submitted) == before


def test_the_reviewers_approval_moves_the_article_to_the_publishers(
    submitted, people, smtp_server, django_capture_on_commit_callbacks
):
    # given an article waiting in the theological review
    review = current_task(submitted)
    # when a theological reviewer approves it in the admin
    with django_capture_on_commit_callbacks(execute=True):
        response = act(signed_in(people["reviewer"]), submitted, "approve", review)
    # then the review is approved and the publishing task waits, the page still a draft
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.status, review.finished_by) == (TaskState.STATUS_APPROVED, people["reviewer"])
    assert (current_task(submitted).task.name, Page.objects.get(pk=submitted.pk).live) == (PUBLISHING, False)
    # and the publishers are mailed that it reached their task
    [mail] = smtp_server.to("publisher@example.org")
    assert mail.message["Subject"] == (
        f'The page "{TITLE}" has been submitted for approval in moderation stage "Publishing"'
    )


def test_the_publishers_approval_makes_the_article_live_on_the_public_site(
    submitted, people, smtp_server, django_capture_on_commit_callbacks, client
):
    # given an article the theological reviewer approved
    with django_capture_on_commit_callbacks(execute=True):
        act(signed_in(people["reviewer"]), submitted, "approve", current_task(submitted))
    assert client.get("/kk/promises/").status_code == 404
    # when a publisher approves it in the admin
    with django_capture_on_commit_callbacks(execute=True):
        response = act(signed_in(people["publisher"]), submitted, "approve", current_task(submitted))
    # then the workflow is done, the page is live and readers get it
    assert response.status_code == 302
    state = WorkflowState.objects.for_instance(submitted).get()
    assert state.status == WorkflowState.STATUS_APPROVED
    page = ArticlePage.objects.get(pk=submitted.pk)
    assert (page.live, page.has_unpublished_changes) == (True, False)
    public = client.get("/kk/promises/")
    assert public.status_code == 200
    assert BeautifulSoup(public.content, "html.parser").h1.get_text(strip=True) == TITLE
    # and the author is told it was approved
    [mail] = smtp_server.to("editor@example.org")
    # (the workflow, named after its first task, is what was approved)
    assert mail.message["Subject"] == f'The page "{TITLE}" has been approved in "Theological review".'


def test_requesting_changes_returns_the_draft_to_its_author_with_the_comment(
    submitted, people, smtp_server, django_capture_on_commit_callbacks
):
    # given an article waiting in the theological review
    review = current_task(submitted)
    # when the reviewer requests changes with a comment
    with django_capture_on_commit_callbacks(execute=True):
        response = act(signed_in(people["reviewer"]), submitted, "reject", review, comment=COMMENT)
    # then the page is a draft that needs changes, the comment kept on the task
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.status, review.comment, review.finished_by) == (
        TaskState.STATUS_REJECTED,
        COMMENT,
        people["reviewer"],
    )
    state = WorkflowState.objects.for_instance(submitted).get()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert Page.objects.get(pk=submitted.pk).live is False
    # and the author got a mail through SMTP that quotes the comment
    [mail] = smtp_server.to("editor@example.org")
    assert mail.message["Subject"] == (f'The page "{TITLE}" has been rejected during "Theological review".')
    assert f'The following comment was left: "{COMMENT}"' in mail.part("text/plain")
    assert COMMENT in BeautifulSoup(mail.part("text/html"), "html.parser").get_text()
    # and reads it at the top of the editor when opening the page
    editor = signed_in(people["editor"])
    page_html = editor.get(reverse("wagtailadmin_pages:edit", args=[submitted.pk])).content.decode()
    messages = BeautifulSoup(page_html, "html.parser").select(".messages li")
    assert [message.get_text(" ", strip=True) for message in messages] == [
        f"Changes requested in “Theological review” by reviewer: “{COMMENT}”"
    ]
    # and in the page's workflow history
    history = editor.get(
        reverse("wagtailadmin_pages:workflow_history_detail", args=[submitted.pk, state.pk])
    ).content.decode()
    assert COMMENT in BeautifulSoup(history, "html.parser").get_text()


def test_a_resubmitted_article_goes_back_to_the_theological_review(
    submitted, people, smtp_server, django_capture_on_commit_callbacks
):
    # given an article sent back for changes
    with django_capture_on_commit_callbacks(execute=True):
        act(signed_in(people["reviewer"]), submitted, "reject", current_task(submitted), comment=COMMENT)
    editor = signed_in(people["editor"])
    edit_url = reverse("wagtailadmin_pages:edit", args=[submitted.pk])
    soup = BeautifulSoup(editor.get(edit_url).content, "html.parser")
    assert soup.select_one('button[name="action-submit"]').get_text(strip=True) == (
        "Resubmit to Theological review"
    )
    # when the author edits and resubmits it
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            edit_url, {**page_form(summary="With the whole verse quoted."), "action-submit": "Resubmit"}
        )
    # then it waits in the theological review again, and the reviewer is mailed once more
    assert response.status_code == 302
    assert current_task(submitted).task.name == THEOLOGICAL_REVIEW
    assert len(smtp_server.to("reviewer@example.org")) == 2


def test_a_video_goes_straight_to_the_publishers(
    home, people, smtp_server, django_capture_on_commit_callbacks
):
    # given an editor writing a video page in the admin
    fields = {
        "video_url": "https://www.youtube.com/watch?v=abcdefghijk",
        "transcript": rich_text("<p>What I saw there was not what they promised.</p>"),
        "slug": "video",
    }
    # when they submit it
    with django_capture_on_commit_callbacks(execute=True):
        response = submit_new(signed_in(people["editor"]), home, model="videopage", **fields)
    # then it skips the theological review: the Publishing workflow's only task waits
    assert response.status_code == 302
    page = VideoPage.objects.get(slug="video")
    state = WorkflowState.objects.for_instance(page).get()
    assert (state.workflow.name, state.current_task_state.task.name) == (PUBLISHING, PUBLISHING)
    assert len(smtp_server.to("publisher@example.org")) == 1
    assert smtp_server.to("reviewer@example.org") == []


@pytest.mark.parametrize(
    ("factory", "workflow"),
    [
        (factories.ArticlePageFactory, THEOLOGICAL_REVIEW),
        (factories.ScholarAnswerPageFactory, THEOLOGICAL_REVIEW),
        (factories.TestimonyPageFactory, THEOLOGICAL_REVIEW),
        (factories.VideoPageFactory, PUBLISHING),
        (factories.ResourcePageFactory, PUBLISHING),
        (factories.CampaignLandingPageFactory, PUBLISHING),
        (factories.HelpPageFactory, PUBLISHING),
        (factories.TopicIndexPageFactory, PUBLISHING),
        (None, PUBLISHING),
    ],
)
def test_each_page_kind_goes_through_its_workflow(home, workflows, factory, workflow):
    # given a page of each kind under the home page (None: the home page itself)
    page = home if factory is None else factory(parent=home, locale=home.locale, live=False)
    # then theological kinds go through the theological workflow, the rest through the tree root's
    assert page.get_workflow() == workflows[workflow]
    assert page.has_workflow is True


def test_the_create_view_names_the_workflow_a_new_page_will_go_through(home, people):
    # given an editor opening the admin form of a new article and of a new video
    editor = signed_in(people["editor"])

    def submit_label(model: str) -> str:
        html = editor.get(reverse("wagtailadmin_pages:add", args=["cms", model, home.pk])).content
        return (
            BeautifulSoup(html, "html.parser").select_one('button[name="action-submit"]').get_text(strip=True)
        )

    # then each submit button names the workflow that page really goes through
    assert (submit_label("articlepage"), submit_label("videopage")) == (
        "Submit to Theological review",
        "Submit to Publishing",
    )


def test_an_administrator_chooses_the_theological_workflow_in_the_settings(home, workflows, people):
    # given an Administrator chose the Publishing workflow for theological material
    EditorialSettings.objects.update(theological_review_workflow=workflows[PUBLISHING])
    page = factories.ArticlePageFactory(parent=home, locale=home.locale, live=False)
    # then an article goes through it
    assert page.get_workflow() == workflows[PUBLISHING]
    # and with no choice, an article goes through its place in the tree's workflow
    EditorialSettings.objects.update(theological_review_workflow=None)
    assert page.get_workflow() == workflows[PUBLISHING]
    # and a disabled choice is not used
    EditorialSettings.objects.update(theological_review_workflow=workflows[THEOLOGICAL_REVIEW])
    workflows[THEOLOGICAL_REVIEW].deactivate()
    assert page.get_workflow() == workflows[PUBLISHING]


def test_the_editorial_setting_is_changed_in_the_admin_by_whoever_holds_its_permission(workflows, people):
    # given an administrator and an editor
    administrator = UserFactory(username="administrator", groups=["Administrator"])
    url = reverse("wagtailsettings:edit", args=["cms", "editorialsettings", EditorialSettings.load().pk])
    # when the editor tries to change the setting
    refused = signed_in(people["editor"]).post(url, {"theological_review_workflow": workflows[PUBLISHING].pk})
    # then it is refused and unchanged
    assert refused.status_code == 302
    assert EditorialSettings.load().theological_review_workflow == workflows[THEOLOGICAL_REVIEW]
    # when the administrator changes it
    allowed = signed_in(administrator).post(url, {"theological_review_workflow": workflows[PUBLISHING].pk})
    # then it is saved
    assert allowed.status_code == 302
    assert EditorialSettings.load().theological_review_workflow == workflows[PUBLISHING]


def test_the_reviewers_dashboard_lists_the_article_awaiting_review(submitted, people):
    # given an article waiting in the theological review
    def awaiting(user) -> list[str]:
        html = signed_in(user).get(reverse("wagtailadmin_home")).content
        panel = BeautifulSoup(html, "html.parser").select_one("#awaiting-review-section")
        return [] if panel is None else [a.get_text(strip=True) for a in panel.select("td.title a")]

    # then it is awaiting the reviewer's review, and nobody else's
    assert awaiting(people["reviewer"]) == ["Why the recruiters' promises fall apart"]
    assert awaiting(people["publisher"]) == []
    assert awaiting(people["editor"]) == []


def test_the_reviewer_opens_the_article_in_the_editor_with_the_review_actions(submitted, people):
    # given an article waiting in the theological review; reviewers hold no page permission of their own
    edit_url = reverse("wagtailadmin_pages:edit", args=[submitted.pk])
    # when the reviewer opens it
    response = signed_in(people["reviewer"]).get(edit_url)
    # then the editor opens with the review's actions and no way to publish directly
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    actions = [button.get_text(strip=True) for button in soup.select("button[data-workflow-action-name]")]
    assert actions == ["Request changes", "Approve", "Approve with comment"]
    assert soup.select_one('button[name="action-publish"]') is None


def test_a_reviewer_cannot_approve_the_publishing_task(submitted, people, django_capture_on_commit_callbacks):
    # given an article the reviewer approved, now waiting for the publishers
    reviewer = signed_in(people["reviewer"])
    with django_capture_on_commit_callbacks(execute=True):
        act(reviewer, submitted, "approve", current_task(submitted))
    before = moderation_of(submitted)
    # when the reviewer also tries to approve the publishing task
    response = act(reviewer, submitted, "approve", current_task(submitted))
    # then the admin refuses and the page stays unpublished
    assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home"))
    assert moderation_of(submitted) == before
    assert before[0] is False


def test_moderation_mails_leave_only_after_the_change_is_committed(
    home, people, smtp_server, django_capture_on_commit_callbacks
):
    # given an editor submitting an article
    # when the request has run but its transaction has not committed yet
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit_new(signed_in(people["editor"]), home)
        # then no mail has left
        assert smtp_server.mails == []
    # and once it commits, the reviewers are mailed
    for callback in callbacks:
        callback()
    assert [mail.rcpt_tos for mail in smtp_server.mails] == [["reviewer@example.org"]]


# Direct publishing of theological material: refused at every door but for superusers; the
# workflow's approval publishes it (cms.editorial_settings.TheologicalPagePermissionTester).


def approved_by_the_reviewer(submitted, people, django_capture_on_commit_callbacks) -> ArticlePage:
    with django_capture_on_commit_callbacks(execute=True):
        act(signed_in(people["reviewer"]), submitted, "approve", current_task(submitted))
    return submitted


def edit_form_posted(client: Client, page: Page, action: dict) -> object:
    return client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        {**page_form(summary="Published without the review."), **action},
        follow=True,
    )


def shown_messages(response) -> list[str]:
    """The admin's messages, without the hidden "Go to the first error" button it adds to errors."""
    soup = BeautifulSoup(response.content, "html.parser")
    for button in soup.select(".messages li button"):
        button.decompose()
    return [message.get_text(" ", strip=True) for message in soup.select(".messages li")]


REFUSED = (
    "Articles, scholars' answers and testimonies are published only through their review: submit "
    "this page for review, or approve the review's last step. Nothing was changed."
)


def test_a_publisher_pressing_publish_on_an_article_changes_nothing(
    submitted, people, django_capture_on_commit_callbacks
):
    # given an article waiting for the publishers, after the theological review
    page = approved_by_the_reviewer(submitted, people, django_capture_on_commit_callbacks)
    before = moderation_of(page)
    # when a publisher posts the editor's form with "Publish"
    response = edit_form_posted(signed_in(people["publisher"]), page, {"action-publish": "Publish"})
    # then it is refused with a message, and nothing changed: not live, no new revision
    assert shown_messages(response) == [REFUSED]
    assert moderation_of(page) == before
    assert before[0] is False


def test_a_publisher_is_offered_no_publish_button_on_an_article_but_the_review_actions(
    submitted, people, django_capture_on_commit_callbacks
):
    # given an article waiting for the publishers
    page = approved_by_the_reviewer(submitted, people, django_capture_on_commit_callbacks)
    # when a publisher opens it
    html = signed_in(people["publisher"]).get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content
    # then they may approve the Publishing step, which publishes, but not publish directly
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one('button[name="action-publish"]') is None
    assert [b.get_text(strip=True) for b in soup.select("button[data-workflow-action-name]")] == [
        "Request changes",
        "Approve and Publish",
        "Approve with comment and Publish",
    ]


def test_a_publisher_cannot_publish_an_article_in_bulk_nor_from_the_model(home, people):
    # given a draft article and a draft video
    article = factories.ArticlePageFactory(parent=home, locale=home.locale, live=False, slug="a")
    video = factories.VideoPageFactory(parent=home, locale=home.locale, live=False, slug="v")
    for page in (article, video):
        page.save_revision()
    # when a publisher publishes both with the page listing's bulk action
    response = signed_in(people["publisher"]).post(
        reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
        + f"?id={article.pk}&id={video.pk}",
        {"include_descendants": ""},
    )
    # then only the video goes live
    assert response.status_code == 302
    assert (Page.objects.get(pk=article.pk).live, Page.objects.get(pk=video.pk).live) == (False, True)
    # and Wagtail's own publishing refuses the article for them too
    with pytest.raises(PublishPagePermissionError):
        article.get_latest_revision().publish(user=people["publisher"])
    assert Page.objects.get(pk=article.pk).live is False


def test_the_same_publisher_publishes_a_video_directly(home, people):
    # given a draft video
    video = factories.VideoPageFactory(parent=home, locale=home.locale, live=False, slug="video")
    form = page_form(
        slug="video",
        video_url="https://www.youtube.com/watch?v=abcdefghijk",
        transcript=rich_text("<p>What I saw there was not what they promised.</p>"),
    )
    # when a publisher presses "Publish" in the editor
    response = signed_in(people["publisher"]).post(
        reverse("wagtailadmin_pages:edit", args=[video.pk]), {**form, "action-publish": "Publish"}
    )
    # then it is live
    assert response.status_code == 302
    assert (Page.objects.get(pk=video.pk).live, Page.objects.get(pk=video.pk).title) == (True, TITLE)


def test_approving_the_last_task_publishes_the_article_as_the_approving_publisher(
    submitted, people, django_capture_on_commit_callbacks
):
    # given an article the reviewer approved
    page = approved_by_the_reviewer(submitted, people, django_capture_on_commit_callbacks)
    # when a publisher approves the Publishing step
    with django_capture_on_commit_callbacks(execute=True):
        act(signed_in(people["publisher"]), page, "approve", current_task(page))
    # then the article is live, published in the publisher's name
    assert Page.objects.get(pk=page.pk).live is True
    entry = PageLogEntry.objects.filter(page_id=page.pk, action="wagtail.publish").get()
    assert entry.user == people["publisher"]


def test_a_superuser_may_still_publish_an_article_directly(home, superuser):
    # given a draft article
    article = factories.ArticlePageFactory(parent=home, locale=home.locale, live=False, slug="promises")
    # when a superuser presses "Publish" in the editor
    response = signed_in(superuser).post(
        reverse("wagtailadmin_pages:edit", args=[article.pk]), {**page_form(), "action-publish": "Publish"}
    )
    # then it is live
    assert response.status_code == 302
    assert Page.objects.get(pk=article.pk).live is True


def test_creating_an_article_published_is_refused_and_creates_nothing(home, workflows):
    # given someone who may both write and publish pages
    both = member([EDITOR], "both")
    both.groups.add(Group.objects.get(name=PUBLISHER))
    client = signed_in(both)
    add_url = reverse("wagtailadmin_pages:add", args=["cms", "articlepage", home.pk])
    # then the create view offers no "Publish" for an article
    soup = BeautifulSoup(client.get(add_url).content, "html.parser")
    assert soup.select_one('button[name="action-publish"]') is None
    pages = Page.objects.count()
    # when they post a new article with "Publish" anyway
    response = client.post(add_url, {**page_form(), "action-publish": "Publish"}, follow=True)
    # then nothing is created and they are told why
    assert Page.objects.count() == pages
    assert shown_messages(response) == [REFUSED]


def test_a_publisher_may_still_take_a_live_article_down(home, people):
    # given a live article
    article = factories.ArticlePageFactory(parent=home, locale=home.locale, live=True, slug="live")
    # when a publisher unpublishes it
    response = signed_in(people["publisher"]).post(reverse("wagtailadmin_pages:unpublish", args=[article.pk]))
    # then it is down at once, without a review
    assert response.status_code == 302
    assert Page.objects.get(pk=article.pk).live is False
