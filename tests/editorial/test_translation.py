"""The translation workflow through wagtail-localize's own admin views, with the test client and the
real database: submit a Russian page for translation into Kazakh (a draft is made, never live with
the Russian text), translate it segment by segment and publish, sync after the source changes,
and hand the work to an outside translator as a PO file."""

import polib
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import Page, PageLogEntry
from wagtail_localize.models import StringTranslation, Translation

from cms.translation_coverage import Status, translation_coverage
from outreach.core.roles import PUBLISHER, TRANSLATOR_GROUPS
from tests.factories.cms import ResourcePageFactory, article_add
from tests.factories.translation import KAZAKH, RUSSIAN, kazakh_strings_translate, russian_material_add
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(homes):
    return {
        "translator": UserFactory(username="aigerim", groups=[TRANSLATOR_GROUPS["kk"]]),
        "publisher": UserFactory(username="publisher", groups=[PUBLISHER]),
    }


@pytest.fixture
def russian_page(homes):
    # A resource: a publisher publishes its translation from the translation editor. Articles go
    # through the theological review instead (tests/editorial/test_translation_review.py).
    page = russian_material_add(home=homes["ru"], factory_class=ResourcePageFactory)
    page.save_revision().publish()
    return page


def kazakh_cell(page: Page):
    row = next(row for row in translation_coverage().rows if row.source.id == page.pk)
    return row.cells["kk"]


def submit_into_kazakh(client, page: Page, homes) -> Page:
    response = client.post(
        reverse("wagtail_localize:submit_page_translation", args=[page.pk]),
        {"locales": [homes["kk"].locale_id]},
    )
    kazakh = Page.objects.get(translation_key=page.translation_key, locale=homes["kk"].locale)
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_pages:edit", args=[kazakh.pk])
    return kazakh


def publish_translation(client, kazakh: Page, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("wagtailadmin_pages:edit", args=[kazakh.pk]), {"action": "publish"})
    assert response.status_code == 302


def test_a_submitted_page_becomes_a_kazakh_draft_never_live_with_russian_text(
    client, homes, people, russian_page
):
    # given
    client.force_login(people["translator"])
    # when
    kazakh = submit_into_kazakh(client, russian_page, homes)
    # then a draft in the Kazakh tree, under the Kazakh home page, not live
    assert (kazakh.live, kazakh.get_parent().pk, kazakh.specific_class) == (
        False,
        homes["kk"].pk,
        type(russian_page),
    )
    assert (
        Translation.objects.filter(source__object_id=russian_page.translation_key, enabled=True).count() == 1
    )
    cell = kazakh_cell(russian_page)
    assert (cell.status, cell.page_id) == (Status.DRAFT, kazakh.pk)
    # and the audit log says who translated it, from which language
    entry = PageLogEntry.objects.get(page=kazakh, action="cms.translate")
    assert (entry.user, entry.data) == (people["translator"], {"source_locale": "ru", "locale": "kk"})
    # and the translation editor opens for the translator
    assert client.get(reverse("wagtailadmin_pages:edit", args=[kazakh.pk])).status_code == 200


def test_segments_translated_then_published_then_synced_after_the_source_changes(
    client, homes, people, russian_page, django_capture_on_commit_callbacks
):
    # given a submitted translation, translated segment by segment by the translator
    client.force_login(people["translator"])
    kazakh = submit_into_kazakh(client, russian_page, homes)
    translation = Translation.objects.get(source__object_id=russian_page.translation_key)
    total = kazakh_strings_translate(client, translation)
    assert translation.get_progress() == (total, total)
    # when the publisher publishes it from the translation editor
    client.force_login(people["publisher"])
    publish_translation(client, kazakh, django_capture_on_commit_callbacks)
    # then the Kazakh page is live in Kazakh, and current
    kazakh.refresh_from_db()
    assert (kazakh.live, kazakh.title, kazakh.specific.summary) == (
        True,
        KAZAKH[RUSSIAN["title"]],
        KAZAKH[RUSSIAN["summary"]],
    )
    assert kazakh_cell(russian_page).status == Status.CURRENT

    # when the Russian source is changed and published again
    source = Page.objects.get(pk=russian_page.pk).specific
    source.title = "Правда о Сирии сегодня"
    with django_capture_on_commit_callbacks(execute=True):
        source.save_revision(user=people["publisher"]).publish(user=people["publisher"])
    # then the report says out of date, and leads to the sync
    cell = kazakh_cell(russian_page)
    assert (cell.status, cell.needs_sync) == (Status.OUT_OF_DATE, True)
    client.force_login(people["translator"])
    coverage = client.get(reverse("cms_translation_coverage") + "?locale=kk&status=out_of_date")
    [line] = coverage.context["object_list"]
    assert line.cells[0]["url"] == reverse(
        "wagtail_localize:update_translations", args=[translation.source_id]
    )

    # when the translator syncs (without publishing) and translates the new title
    response = client.post(reverse("wagtail_localize:update_translations", args=[translation.source_id]), {})
    assert response.status_code == 302
    assert (kazakh_cell(russian_page).status, kazakh_cell(russian_page).needs_sync) == (
        Status.OUT_OF_DATE,
        False,
    )
    kazakh_strings_translate(client, translation)
    # and the publisher publishes the translation
    client.force_login(people["publisher"])
    publish_translation(client, kazakh, django_capture_on_commit_callbacks)
    # then it is current again, with the new title
    kazakh.refresh_from_db()
    assert (kazakh.title, kazakh_cell(russian_page).status) == ("Сирия туралы бүгінгі шындық", Status.CURRENT)
    assert list(
        PageLogEntry.objects.filter(page=kazakh, action="cms.translate").values_list(
            "user__username", flat=True
        )
    ) == ["publisher", "publisher", "aigerim"]


def test_an_outside_translator_works_from_a_po_file(
    client, homes, people, russian_page, django_capture_on_commit_callbacks
):
    # given a submitted translation
    client.force_login(people["translator"])
    kazakh = submit_into_kazakh(client, russian_page, homes)
    translation = Translation.objects.get(source__object_id=russian_page.translation_key)
    # when the translator downloads the PO file
    response = client.get(reverse("wagtail_localize:download_pofile", args=[translation.pk]))
    # then it holds every Russian string, untranslated
    assert response.status_code == 200
    # (wagtail-localize names the file after the ASCII slug of the title: a Cyrillic title leaves
    # only the language)
    assert response["Content-Disposition"] == "attachment; filename=-kk.po"
    po = polib.pofile(response.content.decode())
    assert {RUSSIAN["title"], RUSSIAN["summary"], RUSSIAN["paragraph"]} <= {entry.msgid for entry in po}
    assert all(entry.msgstr == "" for entry in po)
    # when the outside translator fills it in and it is uploaded
    for entry in po:
        entry.msgstr = KAZAKH.get(entry.msgid, entry.msgid)
    upload = SimpleUploadedFile("kk.po", str(po).encode(), content_type="text/x-gettext-translation")
    edit_url = reverse("wagtailadmin_pages:edit", args=[kazakh.pk])
    response = client.post(
        reverse("wagtail_localize:upload_pofile", args=[translation.pk]), {"file": upload, "next": edit_url}
    )
    # then every segment is translated, recorded as the translator's work from a PO file
    assert (response.status_code, response.url) == (302, edit_url)
    total, translated = translation.get_progress()
    assert translated == total == len(po)
    paragraph = StringTranslation.objects.get(
        translation_of__data=RUSSIAN["paragraph"], locale=homes["kk"].locale
    )
    assert (paragraph.data, paragraph.last_translated_by, paragraph.tool_name) == (
        KAZAKH[RUSSIAN["paragraph"]],
        people["translator"],
        "PO File",
    )
    # and once published the page reads in Kazakh
    client.force_login(people["publisher"])
    publish_translation(client, kazakh, django_capture_on_commit_callbacks)
    kazakh.refresh_from_db()
    assert (kazakh.live, kazakh.title) == (True, KAZAKH[RUSSIAN["title"]])
    assert KAZAKH[RUSSIAN["paragraph"]] in str(kazakh.specific.body)


def test_a_po_file_for_another_translation_is_refused_and_changes_nothing(
    client, homes, people, russian_page
):
    # given two translations of different pages
    client.force_login(people["translator"])
    submit_into_kazakh(client, russian_page, homes)
    other = article_add(home=homes["ru"], slug="other", title="Другое")
    other_kazakh = submit_into_kazakh(client, other, homes)
    translation = Translation.objects.get(source__object_id=russian_page.translation_key)
    other_translation = Translation.objects.get(source__object_id=other.translation_key)
    po = polib.pofile(
        client.get(reverse("wagtail_localize:download_pofile", args=[other_translation.pk])).content.decode()
    )
    for entry in po:
        entry.msgstr = "аударма"
    # when it is uploaded to the wrong translation
    upload = SimpleUploadedFile("kk.po", str(po).encode())
    client.post(
        reverse("wagtail_localize:upload_pofile", args=[translation.pk]),
        {"file": upload, "next": reverse("wagtailadmin_pages:edit", args=[other_kazakh.pk])},
    )
    # then nothing is translated
    assert translation.get_progress()[1] == 0
    assert StringTranslation.objects.count() == 0
