"""Reading figures for editors, from the aggregate counts only (page, language, day, number): a panel
on each material's editing screen, and the dashboard's most read pages per language; plus where the
page's translations stand, on the same screen. A fixed number of queries however much was read."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from cms.analytics import PageViewCount
from cms.translation_coverage import translation_coverage
from outreach.core.roles import EDITOR, PARTNER, PROGRAM_OFFICER, TRANSLATOR_GROUPS
from tests.factories.cms import article_add, translation_add
from tests.factories.users import UserFactory, in_english
from tests.queries import assert_queries_constant

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return in_english(UserFactory(username="editor", groups=[EDITOR]))


def reads(page, language: str, views: int, days_ago: int = 0) -> None:
    PageViewCount.objects.create(
        page=page, language=language, day=timezone.localdate() - timedelta(days=days_ago), views=views
    )


def reading_table(html: str) -> list[list[str]]:
    table = BeautifulSoup(html, "html.parser").find(id="reading-figures")
    return [
        [cell.get_text(strip=True) for cell in row.find_all(["th", "td"])] for row in table.find_all("tr")
    ]


def test_the_edit_screen_shows_reads_of_the_last_30_days_per_language_and_in_total(client, homes, editor):
    # given reads in Kazakh (Cyrillic and Latin script) this month, and older ones
    page = article_add(home=homes["kk"], slug="story")
    reads(page, "kk", 5)
    reads(page, "kk", 4, days_ago=29)
    reads(page, "kk-latn", 2, days_ago=10)
    reads(page, "kk", 100, days_ago=30)
    client.force_login(editor)
    # when
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    # then
    assert response.status_code == 200
    assert reading_table(response.content.decode()) == [
        ["Language", "Reads"],
        ["Kazakh", "9"],
        ["Kazakh (Latin script)", "2"],
        ["Total", "11"],
    ]


def test_a_page_nobody_read_says_so(client, homes, editor):
    page = article_add(home=homes["kk"], slug="story")
    client.force_login(editor)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert "Nobody has read this page in the last 30 days." in response.content.decode()


def test_the_edit_screen_shows_where_the_translations_stand(client, homes, editor):
    # given a Kazakh page translated into Russian, not yet into the other languages
    page = article_add(home=homes["kk"], slug="story")
    russian = translation_add(source=page, home=homes["ru"])
    client.force_login(editor)
    # when the Russian translation is opened
    response = client.get(reverse("wagtailadmin_pages:edit", args=[russian.pk]))
    # then
    items = (
        BeautifulSoup(response.content.decode(), "html.parser").find(id="translation-status").find_all("li")
    )
    statuses = {item["data-language"]: item["data-status"] for item in items}
    assert statuses == {
        "kk": "source",
        "ru": "current",
        **{code: "missing" for code in ("en", "ky", "uz", "tg", "fa-af", "ps", "ar")},
    }
    english_link = next(item for item in items if item["data-language"] == "en").find("a")["href"]
    assert (
        english_link
        == reverse("wagtail_localize:submit_page_translation", args=[page.pk]) + "?select_locale=en"
    )


def test_the_edit_screen_costs_the_same_queries_however_much_was_read(client, homes, editor):
    page = article_add(home=homes["kk"], slug="story")
    reads(page, "kk", 1)
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    client.get(url)

    def grow():
        for days_ago in range(1, 25):
            for language in ("kk", "kk-latn", "ru", "en"):
                reads(page, language, days_ago, days_ago=days_ago)

    # (only the reads grow here: Wagtail's own language switcher on this screen costs queries per
    # translation; the translation panel's two queries are counted below)
    assert_queries_constant(lambda: client.get(url), grow)


def test_the_translation_panel_costs_two_queries_however_many_translations(homes):
    page = article_add(home=homes["kk"], slug="story")

    def grow():
        for code in ("ru", "en", "fa-af", "ps"):
            translation_add(source=page, home=homes[code])

    # the page's translations; wagtail-localize's records of them
    assert_queries_constant(lambda: translation_coverage(page_ids=[page.pk]), grow, expected=2)


def dashboard_tables(html: str) -> dict[str, list[list[str]]]:
    panel = BeautifulSoup(html, "html.parser").find(id="most-read-section")
    if panel is None:
        return {}
    return {
        table["data-language"]: [
            [cell.get_text(strip=True) for cell in row.find_all("td")]
            for row in table.find("tbody").find_all("tr")
        ]
        for table in panel.find_all("table")
    }


def test_the_dashboard_lists_the_five_most_read_pages_per_language(client, homes, editor):
    # given six Russian pages read 1 to 6 times this month, one Dari page, and old reads
    for views in range(1, 7):
        reads(article_add(home=homes["ru"], title=f"Статья {views}"), "ru", views)
    reads(article_add(home=homes["fa-af"], title="هجرت"), "fa-af", 3)
    reads(article_add(home=homes["en"], title="Old news"), "en", 50, days_ago=31)
    client.force_login(editor)
    # when
    response = client.get(reverse("wagtailadmin_home"))
    # then
    assert dashboard_tables(response.content.decode()) == {
        "ru": [["Статья 6", "6"], ["Статья 5", "5"], ["Статья 4", "4"], ["Статья 3", "3"], ["Статья 2", "2"]],
        "fa-af": [["هجرت", "3"]],
    }


@pytest.mark.parametrize("group", [PROGRAM_OFFICER, PARTNER])
def test_people_who_do_not_write_pages_do_not_get_the_panel(client, homes, group):
    reads(article_add(home=homes["ru"]), "ru", 3)
    client.force_login(UserFactory(groups=[group]))
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert dashboard_tables(response.content.decode()) == {}


def test_a_translator_gets_the_panel(client, homes):
    reads(article_add(home=homes["fa-af"], title="هجرت"), "fa-af", 3)
    client.force_login(UserFactory(groups=[TRANSLATOR_GROUPS["fa-af"]]))
    assert dashboard_tables(client.get(reverse("wagtailadmin_home")).content.decode()) == {
        "fa-af": [["هجرت", "3"]]
    }


def test_the_dashboard_costs_the_same_queries_however_much_was_read(client, homes, editor):
    client.force_login(editor)
    reads(article_add(home=homes["ru"]), "ru", 1)
    url = reverse("wagtailadmin_home")
    client.get(url)

    def grow():
        for index in range(12):
            page = article_add(home=homes["kk" if index % 2 else "ru"])
            for days_ago in range(3):
                reads(page, "kk" if index % 2 else "ru", index + 1, days_ago=days_ago)

    assert_queries_constant(lambda: client.get(url), grow)
