"""Translation coverage: every page × every language is missing, out of date, a draft or current,
for hand-made translations and wagtail-localize ones alike; the admin report with its filters,
totals and the translator's queue; a fixed number of queries whatever the number of pages."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from wagtail.models import Locale, Page
from wagtail_localize.models import Translation, TranslationSource

from cms.translation_coverage import Status, translation_coverage
from outreach.core.roles import EDITOR, PARTNER, PROGRAM_OFFICER, TRANSLATOR_GROUPS
from tests.factories.cms import ArticlePageFactory, ResourcePageFactory, article_add, translation_add
from tests.factories.users import UserFactory, in_english
from tests.queries import assert_queries_constant

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def times(page: Page, *, published: datetime | None = None, revised: datetime | None = None) -> None:
    """Set when a page was last published and last revised, as the editor would have left them."""
    Page.objects.filter(pk=page.pk).update(last_published_at=published, latest_revision_created_at=revised)


def row_of(coverage, page: Page):
    return next(row for row in coverage.rows if row.source.id == page.pk)


def statuses(coverage, page: Page) -> dict[str, str]:
    return {code: cell.status for code, cell in row_of(coverage, page).cells.items()}


@pytest.fixture
def material(homes):
    """A Kazakh article published at T0: current in Russian (revised after), out of date in English
    (revised before), a Kyrgyz draft, missing elsewhere."""
    source = article_add(home=homes["kk"], slug="recruiters", title="Жалдаушылар")
    times(source, published=T0, revised=T0)
    russian = translation_add(source=source, home=homes["ru"])
    times(russian, published=T0 + timedelta(hours=1), revised=T0 + timedelta(hours=1))
    english = translation_add(source=source, home=homes["en"])
    times(english, published=T0 - timedelta(days=1), revised=T0 - timedelta(days=1))
    kyrgyz = translation_add(source=source, home=homes["ky"], live=False)
    times(kyrgyz, revised=T0 + timedelta(hours=2))
    return {"source": source, "ru": russian, "en": english, "ky": kyrgyz}


def test_hand_made_translations_are_judged_by_their_latest_revision(material):
    # when
    coverage = translation_coverage()
    # then
    assert statuses(coverage, material["source"]) == {
        "kk": Status.SOURCE,
        "ru": Status.CURRENT,
        "en": Status.OUT_OF_DATE,
        "ky": Status.DRAFT,
        "uz": Status.MISSING,
        "tg": Status.MISSING,
        "fa-af": Status.MISSING,
        "ps": Status.MISSING,
        "ar": Status.MISSING,
    }
    assert [code for code, _name in coverage.languages] == [
        "kk",
        "ru",
        "en",
        "ky",
        "uz",
        "tg",
        "fa-af",
        "ps",
        "ar",
    ]


def test_a_draft_revised_before_the_source_was_published_is_out_of_date(material):
    # given the Kyrgyz draft was last touched before the source's publication
    times(material["ky"], revised=T0 - timedelta(minutes=1))
    # when
    coverage = translation_coverage()
    # then
    assert row_of(coverage, material["source"]).cells["ky"].status == Status.OUT_OF_DATE


def test_material_without_a_kazakh_version_has_its_first_written_page_as_source(homes):
    # given material first written in Dari, then translated into Pashto by hand
    dari = article_add(home=homes["fa-af"], slug="hijra", title="هجرت")
    times(dari, published=T0, revised=T0)
    pashto = translation_add(source=dari, home=homes["ps"])
    times(pashto, published=T0 + timedelta(hours=1), revised=T0 + timedelta(hours=1))
    # when
    coverage = translation_coverage()
    # then
    row = row_of(coverage, dari)
    assert (row.source.language_code, row.cells["ps"].status, row.cells["kk"].status) == (
        "fa-af",
        Status.CURRENT,
        Status.MISSING,
    )


def test_kazakh_in_latin_script_is_not_measured_and_aliases_count_as_missing(homes):
    # given a Latin-script page written by hand, and a Russian alias (which shows the Kazakh text)
    source = article_add(home=homes["kk"], slug="story")
    ArticlePageFactory(
        parent=homes["kk"],
        locale=Locale.objects.get(language_code="kk-latn"),
        translation_key=source.translation_key,
        slug="story-latn",
    )
    source.create_alias(
        parent=homes["ru"], update_locale=homes["ru"].locale, update_slug="story", reset_translation_key=False
    )
    # when
    coverage = translation_coverage()
    # then
    row = row_of(coverage, source)
    assert "kk-latn" not in row.cells
    assert row.cells["ru"].status == Status.MISSING
    assert all(row.source.language_code != "kk-latn" for row in coverage.rows)


def test_filters_narrow_the_rows_but_not_the_totals(homes, material):
    # given a second source page, current in English and missing in Russian
    other = ResourcePageFactory(parent=homes["kk"], locale=homes["kk"].locale, slug="parents")
    times(other, published=T0, revised=T0)
    english = translation_add(source=other, home=homes["en"])
    times(english, published=T0 + timedelta(hours=1), revised=T0 + timedelta(hours=1))
    # when
    everything = translation_coverage(model="cms.articlepage")
    english_to_do = translation_coverage(language_code="en", status="to_do")
    russian_missing = translation_coverage(language_code="ru", status=Status.MISSING)
    resources = translation_coverage(model="cms.resourcepage")
    # then
    assert [row.source.id for row in everything.rows] == [material["source"].pk]
    assert everything.totals["ky"] == {"missing": 0, "out_of_date": 0, "draft": 1, "current": 0}
    assert [row.source.id for row in english_to_do.rows] == [material["source"].pk]
    assert [row.source.id for row in russian_missing.rows] == [other.pk]
    assert [row.source.id for row in resources.rows] == [other.pk]
    # the totals cover the home pages too: all current, made together by site_ensure
    assert russian_missing.totals["ru"] == {"missing": 1, "out_of_date": 0, "draft": 0, "current": 2}


def test_wagtail_localize_translations_are_out_of_date_until_synced_and_applied(
    homes, django_capture_on_commit_callbacks
):
    # given a Russian page translated into Kazakh through wagtail-localize, as a draft
    source = article_add(home=homes["ru"], slug="syria", title="Правда о Сирии")
    source.save_revision().publish()
    translation_source, _created = TranslationSource.get_or_create_from_instance(source)
    translation = Translation.objects.create(source=translation_source, target_locale=homes["kk"].locale)
    translation.save_target(publish=False)

    def kazakh_cell():
        return row_of(translation_coverage(), Page.objects.get(pk=source.pk)).cells["kk"]

    # then it is a draft managed by wagtail-localize, and the Russian page is the source
    cell = kazakh_cell()
    assert (cell.status, cell.translation_id, cell.needs_sync) == (Status.DRAFT, translation.pk, False)
    # when the source is published again
    source.refresh_from_db()
    source.title = "Правда о Сирии (2026)"
    with django_capture_on_commit_callbacks(execute=True):
        source.save_revision().publish()
    # then the translation needs a sync
    cell = kazakh_cell()
    assert (cell.status, cell.needs_sync) == (Status.OUT_OF_DATE, True)
    # when synced but not yet applied to the Kazakh page
    translation_source.update_from_db()
    cell = kazakh_cell()
    assert (cell.status, cell.needs_sync) == (Status.OUT_OF_DATE, False)
    # when applied and published
    with django_capture_on_commit_callbacks(execute=True):
        translation.save_target(publish=True)
    # then
    assert kazakh_cell().status == Status.CURRENT


def test_the_selector_costs_two_queries_whatever_the_number_of_pages(
    homes, django_capture_on_commit_callbacks
):
    article_add(home=homes["kk"])

    def grow():
        for index in range(6):
            source = article_add(home=homes["kk"], slug=f"grown-{index}")
            translation_add(source=source, home=homes["ru"])
            translation_source, _created = TranslationSource.get_or_create_from_instance(source)
            Translation.objects.create(
                source=translation_source, target_locale=homes["en"].locale
            ).save_target(publish=False)

    # pages; enabled wagtail-localize translations with when each was last applied
    assert_queries_constant(translation_coverage, grow, expected=2)


# --- The admin report -----------------------------------------------------------------------------


def test_an_editor_sees_every_language_with_totals_and_links_to_write_each_translation(client, material):
    # given
    client.force_login(in_english(UserFactory(groups=[EDITOR])))
    # when
    response = client.get(reverse("cms_translation_coverage"))
    # then
    assert response.status_code == 200
    line = next(
        line for line in response.context["object_list"] if line.row.source.id == material["source"].pk
    )
    cells = {item["cell"].language_code: (item["cell"].status, item["url"]) for item in line.cells}
    submit = reverse("wagtail_localize:submit_page_translation", args=[material["source"].pk])
    assert cells["uz"] == (Status.MISSING, f"{submit}?select_locale=uz")
    assert cells["en"] == (Status.OUT_OF_DATE, reverse("wagtailadmin_pages:edit", args=[material["en"].pk]))
    assert cells["ru"] == (Status.CURRENT, reverse("wagtailadmin_pages:edit", args=[material["ru"].pk]))
    assert [total["language"] for total in response.context["totals"]][:3] == ["Kazakh", "Russian", "English"]
    english = response.context["totals"][2]["counts"]
    assert [item["count"] for item in english] == [0, 1, 0, 1]
    assert 'data-language="uz" data-status="missing"' in response.content.decode()


def test_a_dari_translator_lands_on_their_queue(client, homes, material):
    # given a Dari translation that is current, and one Dari page that is missing
    done = article_add(home=homes["kk"], slug="done")
    times(done, published=T0, revised=T0)
    dari = translation_add(source=done, home=homes["fa-af"])
    times(dari, published=T0 + timedelta(hours=1), revised=T0 + timedelta(hours=1))
    client.force_login(in_english(UserFactory(groups=[TRANSLATOR_GROUPS["fa-af"]])))
    # when
    response = client.get(reverse("cms_translation_coverage"))
    # then only the Dari column, and only what is still to do in Dari
    assert response.status_code == 200
    assert response.context["shown_languages"] == [("fa-af", "Dari")]
    assert [line.row.source.id for line in response.context["object_list"]] == [material["source"].pk]
    assert [item["cell"].status for item in response.context["object_list"][0].cells] == [Status.MISSING]
    # when they ask for every language
    everything = client.get(reverse("cms_translation_coverage") + "?locale=")
    # then the whole table is back
    assert len(everything.context["shown_languages"]) == 9


def test_the_report_exports_a_spreadsheet_of_statuses(client, material):
    client.force_login(in_english(UserFactory(superuser=True)))
    response = client.get(reverse("cms_translation_coverage") + "?export=csv&page_type=cms.articlepage")
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert (
        lines[0]
        == "Page,Page type,Source language,Kazakh,Russian,English,Kyrgyz,Uzbek,Tajik,Dari,Pashto,Arabic"
    )
    assert (
        lines[1]
        == "Жалдаушылар,Article,Kazakh,Source,Current,Out of date,Draft,Missing,Missing,Missing,Missing,Missing"
    )


@pytest.mark.parametrize("group", [PROGRAM_OFFICER, PARTNER])
def test_people_who_do_not_write_pages_are_refused_the_report(client, homes, group):
    client.force_login(UserFactory(groups=[group]))
    response = client.get(reverse("cms_translation_coverage"))
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")


def test_the_report_queries_do_not_grow_with_the_pages(client, homes):
    client.force_login(UserFactory(groups=[TRANSLATOR_GROUPS["fa-af"]]))
    article_add(home=homes["kk"])
    url = reverse("cms_translation_coverage")
    client.get(url)

    def grow():
        for index in range(8):
            source = article_add(home=homes["kk"], slug=f"grown-{index}")
            translation_add(source=source, home=homes["ru"])

    # session, user, second-factor devices, user and group permissions, profile, page permissions,
    # translator groups, pages, wagtail-localize translations; then the admin menu: locales,
    # collection permissions, explorable pages
    assert_queries_constant(lambda: client.get(url), grow, expected=13)
