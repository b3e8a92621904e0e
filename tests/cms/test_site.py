"""The public site's thin slice: home and article pages in Kazakh, Russian and English."""

import re

import pytest
from bs4 import BeautifulSoup

from tests.factories.cms import article_add, translation_add

pytestmark = pytest.mark.django_db


def html_lang(response) -> tuple[str, str]:
    html = BeautifulSoup(response.content, "html.parser").html
    return html["lang"], html["dir"]


@pytest.mark.parametrize(
    ("language", "title"), [("kk", "Ақ жол"), ("ru", "Светлый путь"), ("en", "Clear Path")]
)
def test_home_page_is_served_in_each_language_under_its_prefix(client, homes, language, title):
    # when
    response = client.get(f"/{language}/")
    # then
    assert response.status_code == 200
    assert html_lang(response) == (language, "ltr")
    assert BeautifulSoup(response.content, "html.parser").h1.get_text() == title


def test_root_redirects_to_the_visitors_language(client, homes):
    response = client.get("/", headers={"accept-language": "ru-RU,ru;q=0.9,en;q=0.5"})
    assert response.status_code == 302
    assert response["Location"] == "/ru/"


def test_root_without_a_preference_goes_to_kazakh(client, homes):
    response = client.get("/")
    assert response["Location"] == "/kk/"


def test_article_and_its_translations_are_served_with_a_switcher_to_each(client, homes):
    # given an article in Kazakh with a Russian translation, and no English one
    source = article_add(home=homes["kk"], title="Жалдаушылар не уәде етеді", slug="recruiters")
    translation_add(source=source, home=homes["ru"], title="Что обещают вербовщики")
    # when
    response = client.get("/ru/recruiters/")
    # then the Russian page is served and the switcher names each language in its own script
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.h1.get_text() == "Что обещают вербовщики"
    links = {a["hreflang"]: (a.get_text(), a["href"]) for a in soup.select(".language-switcher a")}
    assert links == {
        "kk": ("Қазақ", "/kk/recruiters/"),
        "ru": ("Русский", "/ru/recruiters/"),
        "en": ("English", "/en/"),
    }
    assert soup.select_one(".language-switcher a[aria-current]")["hreflang"] == "ru"


def test_home_page_lists_only_its_own_languages_material(client, homes):
    article_add(home=homes["kk"], title="Қазақша мақала")
    article_add(home=homes["en"], title="An English article")
    body = client.get("/en/").content.decode()
    assert "An English article" in body
    assert "Қазақша мақала" not in body


def test_an_unknown_language_prefix_is_a_404_in_the_sites_style(client, homes):
    # when a visitor follows a link with a language the site does not have
    response = client.get("/xx/some-page/", follow=True)
    # then they get the site's own 404 page, in a language it does have
    assert response.status_code == 404
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one(".site-header") is not None
    assert soup.html["lang"] in {"kk", "ru", "en"}
    assert "/kk/" in {a["href"] for a in soup.select("main a")}


def test_a_missing_page_in_a_real_language_is_a_styled_404(client, homes):
    response = client.get("/ru/no-such-material/")
    assert response.status_code == 404
    assert html_lang(response) == ("ru", "ltr")


def test_public_pages_set_no_cookies_and_load_nothing_from_other_hosts(client, homes):
    article_add(home=homes["en"], title="An English article", slug="english")
    for path in ("/en/", "/en/english/"):
        response = client.get(path)
        assert response.cookies == {}
        external = re.findall(r'(?:src|href)="(https?:)?//', response.content.decode())
        assert external == []
