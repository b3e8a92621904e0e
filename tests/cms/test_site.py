"""The public site's thin slice: home and article pages in Kazakh, Russian and English."""

import re
from urllib.parse import urlsplit

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
    links = {a["hreflang"]: (a.get_text(), a["href"], a["dir"]) for a in soup.select(".language-switcher a")}
    assert links == {
        "kk": ("Қазақша", "/kk/recruiters/", "ltr"),
        "kk-Latn": ("Qazaqşa", "/kk-latn/recruiters/", "ltr"),
        "ru": ("Русский", "/ru/recruiters/", "ltr"),
        "en": ("English", "/en/recruiters/", "ltr"),
        "ky": ("Кыргызча", "/ky/recruiters/", "ltr"),
        "uz": ("Oʻzbekcha", "/uz/recruiters/", "ltr"),
        "tg": ("Тоҷикӣ", "/tg/recruiters/", "ltr"),
        "fa-AF": ("دری", "/fa-af/recruiters/", "rtl"),
        "ps": ("پښتو", "/ps/recruiters/", "rtl"),
        "ar": ("العربية", "/ar/recruiters/", "rtl"),
    }
    assert soup.select_one(".language-switcher a[aria-current]")["hreflang"] == "ru"


def test_hreflang_alternates_list_live_translations_and_x_default(client, homes):
    source = article_add(home=homes["kk"], slug="recruiters")
    translation_add(source=source, home=homes["fa-af"])
    soup = BeautifulSoup(client.get("/fa-af/recruiters/").content, "html.parser")
    alternates = {link["hreflang"]: link["href"] for link in soup.select('link[rel="alternate"]')}
    assert alternates == {
        "kk": "http://testserver/kk/recruiters/",
        "kk-Latn": "http://testserver/kk-latn/recruiters/",
        "fa-AF": "http://testserver/fa-af/recruiters/",
        "x-default": "http://testserver/kk/recruiters/",
    }


@pytest.mark.parametrize(
    ("language", "direction"), [("fa-af", "rtl"), ("ps", "rtl"), ("ar", "rtl"), ("ky", "ltr")]
)
def test_every_language_routes_and_right_to_left_ones_render_rtl(client, homes, language, direction):
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    assert html_lang(response) == (language, direction)


def test_material_missing_in_a_language_gets_a_localized_page_offering_the_others(client, homes):
    # given an article in Kazakh and Russian only
    source = article_add(home=homes["kk"], title="Жалдаушылар не уәде етеді", slug="recruiters")
    translation_add(source=source, home=homes["ru"], title="Что обещают вербовщики")
    # when a Pashto reader follows the switcher to it
    response = client.get("/ps/recruiters/")
    # then they are told in Pashto, right to left, where it exists; no source text is passed off
    assert response.status_code == 404
    assert html_lang(response) == ("ps", "rtl")
    soup = BeautifulSoup(response.content, "html.parser")
    offered = {a["href"]: a.get_text() for a in soup.select(".available-languages a")}
    assert offered == {
        "/kk/recruiters/": "Жалдаушылар не уәде етеді",
        "/kk-latn/recruiters/": "Жалдаушылар не уәде етеді",
        "/ru/recruiters/": "Что обещают вербовщики",
    }
    assert soup.select_one("article") is None


def test_the_sitemap_lists_every_language_with_alternates(client, homes):
    source = article_add(home=homes["kk"], slug="recruiters")
    translation_add(source=source, home=homes["en"])
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<loc>http://testserver/en/recruiters/</loc>" in body
    assert "<loc>http://testserver/kk-latn/recruiters/</loc>" in body
    assert body.count('hreflang="x-default" href="http://testserver/kk/recruiters/"') == 3
    assert (
        body.count('<xhtml:link rel="alternate" hreflang="en" href="http://testserver/en/recruiters/"/>') == 3
    )


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
    assert soup.html["lang"] == "kk"
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
        addresses = re.findall(r'(?:src|href)="([^"]*)"', response.content.decode())
        assert addresses
        assert {urlsplit(address).netloc for address in addresses} <= {"", "testserver"}
