"""The editorial flow end to end in real Chromium, with a real Celery worker and beat: an editor writes
an article in Russian and submits it, a theological reviewer approves it, a Kazakh translator
translates it in wagtail-localize and submits the translation, the reviewer approves that too, the
publisher schedules both, and beat publishes them onto the public site."""

import importlib
import re
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.db.migrations import RunPython
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.models import Page

from outreach.core.roles import EDITOR, PUBLISHER, THEOLOGICAL_REVIEWER, TRANSLATOR_GROUPS
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"
RUSSIAN_TITLE = "Почему обещания вербовщиков рассыпаются"
RUSSIAN_SUMMARY = "Вербовщик обещает братство и смысл, а приводит к одиночеству и зависимости."
RUSSIAN_TEXT = "Сначала вербовщик слушает. Потом он отделяет человека от семьи и друзей."
KAZAKH_TITLE = "Жалдаушылардың уәделері неге бұзылады"
KAZAKH_SUMMARY = "Жалдаушы бауырластық пен мән уәде етеді, бірақ жалғыздық пен тәуелділікке апарады."
KAZAKH_TEXT = "Алдымен жалдаушы тыңдайды. Сосын ол адамды отбасы мен достарынан алшақтатады."
SLUG = "broken-promises"


def data_migrations_replay(*modules: str) -> None:
    """Run again the data operations of these migrations: a transactional test starts from a
    flushed database, without the groups and workflows the migrations created."""
    for module in modules:
        for operation in importlib.import_module(module).Migration.operations:
            if isinstance(operation, RunPython):
                operation.code(django_apps, None)


@pytest.fixture
def people(homes):
    data_migrations_replay("cms.migrations.0004_role_groups", "cms.migrations.0005_review_workflows")
    from cms.roles import roles_page_permissions_ensure

    roles_page_permissions_ensure()
    return {
        role: UserFactory(username=role, groups=[group])
        for role, group in {
            "editor": EDITOR,
            "reviewer": THEOLOGICAL_REVIEWER,
            "translator": TRANSLATOR_GROUPS["kk"],
            "publisher": PUBLISHER,
        }.items()
    }


def sign_in(browser, live_server, username: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    tab = context.new_page()
    tab.goto(f"{live_server.url}/admin/login/")
    tab.fill("input[name=username]", username)
    tab.fill("input[name=password]", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_url(f"{live_server.url}/admin/")
    return tab


def more_actions(tab, action: str) -> None:
    tab.get_by_role("button", name="More actions").click()
    tab.get_by_role("button", name=action, exact=True).click()


def approve_from_editor(tab, live_server, page_id: int) -> None:
    tab.goto(f"{live_server.url}/admin/pages/{page_id}/edit/")
    with tab.expect_navigation():
        more_actions(tab, "Approve")


def current_task(page_id: int) -> str | None:
    page = Page.objects.get(pk=page_id)
    task = page.current_workflow_task
    return task.name if task else None


def test_an_article_goes_from_russian_draft_to_two_scheduled_languages_on_the_public_site(
    live_server, homes, people, browser, celery_worker
):
    # given an editor, a reviewer, a Kazakh translator and a publisher, each in their group

    # when the editor writes an article under the Russian home page and submits it
    editor = sign_in(browser, live_server, "editor")
    editor.goto(f"{live_server.url}/admin/pages/add/cms/articlepage/{homes['ru'].pk}/")
    editor.fill("#id_title", RUSSIAN_TITLE)
    editor.fill("#id_summary", RUSSIAN_SUMMARY)
    editor.get_by_role("button", name="Insert a block").first.click()
    editor.get_by_role("option", name="Paragraph").click()
    paragraph = editor.locator(".public-DraftEditor-content").last
    paragraph.wait_for()
    paragraph.click()
    paragraph.press_sequentially(RUSSIAN_TEXT)
    # (Draftail writes the paragraph into the form a moment after the last keystroke)
    # (expect, not wait_for_function: the admin's Content-Security-Policy forbids the eval the latter uses)
    expect(editor.locator('input[name="body-0-value"]')).to_have_value(
        re.compile(re.escape(RUSSIAN_TEXT)), timeout=30_000
    )
    editor.get_by_role("tab", name="Promote").click()
    editor.fill("#id_slug", SLUG)
    with editor.expect_navigation():
        more_actions(editor, "Submit to Theological review")
    # then it waits for the theological reviewer
    editor.get_by_text("submitted for moderation").wait_for()
    russian = Page.objects.get(slug=SLUG, locale__language_code="ru")
    assert (russian.live, current_task(russian.pk)) == (False, "Theological review")
    assert RUSSIAN_TEXT in str(russian.get_latest_revision_as_object().body)

    # when the reviewer finds it on their dashboard and approves it
    reviewer = sign_in(browser, live_server, "reviewer")
    assert reviewer.get_by_role("link", name=RUSSIAN_TITLE).first.is_visible()
    approve_from_editor(reviewer, live_server, russian.pk)
    # then it moves on to the publishers
    assert current_task(russian.pk) == "Publishing"

    # when the Kazakh translator translates it, segment by segment, and submits the translation
    translator = sign_in(browser, live_server, "translator")
    translator.goto(f"{live_server.url}/admin/localize/submit/page/{russian.pk}/")
    translator.get_by_label("Kazakh", exact=True).check()
    translator.get_by_role("button", name="Submit").click()
    translator.get_by_text("successfully submitted for translation").wait_for()
    for tab, texts in (("Content", (KAZAKH_TITLE, KAZAKH_SUMMARY, KAZAKH_TEXT)), ("Promote", (SLUG,))):
        translator.get_by_role("tab", name=tab).click()
        for text in texts:
            translator.get_by_role("button", name="Translate", exact=True).locator(
                "visible=true"
            ).first.click()
            translator.locator("textarea:visible").first.fill(text)
            translator.get_by_role("button", name="Save", exact=True).locator("visible=true").first.click()
            translator.get_by_text(text, exact=True).locator("visible=true").first.wait_for()
    with translator.expect_navigation():
        translator.get_by_role("button", name="Submit translation for review").click()
    # then a Kazakh draft with the Kazakh text waits for the theological reviewer, unpublished
    kazakh = Page.objects.get(translation_key=russian.translation_key, locale__language_code="kk")
    assert kazakh.get_latest_revision_as_object().title == KAZAKH_TITLE
    assert (kazakh.live, current_task(kazakh.pk)) == (False, "Theological review")

    # when the reviewer approves the translation too, from under wagtail-localize's editor
    reviewer.goto(f"{live_server.url}/admin/pages/{kazakh.pk}/edit/")
    with reviewer.expect_navigation():
        reviewer.locator("button[data-workflow-action=approve]").click()
    assert current_task(kazakh.pk) == "Publishing"

    # when the publisher schedules both for a whole minute at least 20 seconds away (the form is in
    # Almaty time and takes minutes; a time that passes while the second page is being scheduled
    # would be refused as in the past)
    publisher = sign_in(browser, live_server, "publisher")
    go_live = (timezone.localtime() + timedelta(seconds=80)).replace(second=0, microsecond=0)
    for page in (russian, kazakh):
        publisher.goto(f"{live_server.url}/admin/pages/{page.pk}/schedule/")
        publisher.fill("input[name=go_live_at]", go_live.strftime("%Y-%m-%d %H:%M"))
        # (from the keyboard: the date picker's layer still lies over the button for a pointer)
        with publisher.expect_navigation():
            publisher.get_by_role("button", name="Schedule", exact=True).press("Enter")
        publisher.get_by_text("is scheduled to go live").first.wait_for()
        page.refresh_from_db()
        # then neither is live yet: each waits for its time
        assert (page.live, page.current_workflow_task) == (False, None)

    # when beat's minute tick comes after that time
    celery_worker.wait_for(
        lambda: Page.objects.filter(pk__in=[russian.pk, kazakh.pk], live=True).count() == 2,
        timeout=150,
        what="beat to publish both pages",
    )

    # then a reader sees each page in its own language on the public site
    reader = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    for language, title, text in (("ru", RUSSIAN_TITLE, RUSSIAN_TEXT), ("kk", KAZAKH_TITLE, KAZAKH_TEXT)):
        reader.goto(f"{live_server.url}/{language}/{SLUG}/")
        assert reader.locator("h1").inner_text() == title
        assert reader.get_by_text(text).is_visible()
        assert reader.locator("html").get_attribute("lang") == language
