"""A reader opens the home page in Kazakh, then switches to Russian, in real Chromium."""

import pytest

from tests.factories.cms import article_add, translation_add

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_in_two_languages_and_the_switcher_between_them(live_server, homes, page):
    # given an article in Kazakh with its Russian translation
    source = article_add(home=homes["kk"], title="Жалдаушылар не уәде етеді", slug="recruiters")
    translation_add(source=source, home=homes["ru"], title="Что обещают вербовщики")
    requests_to_other_hosts = []
    page.on(
        "request",
        lambda request: (
            None if request.url.startswith(live_server.url) else requests_to_other_hosts.append(request.url)
        ),
    )

    # when a reader opens the Kazakh home page
    page.goto(f"{live_server.url}/kk/")
    # then it is in Kazakh, left to right, and lists the Kazakh article
    assert page.locator("html").get_attribute("lang") == "kk"
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.locator("h1").inner_text() == "Ақ жол"
    assert page.get_by_role("link", name="Жалдаушылар не уәде етеді").is_visible()

    # when they choose Russian in the language switcher
    page.locator(".language-switcher").get_by_role("link", name="Русский").click()
    page.wait_for_url(f"{live_server.url}/ru/")
    # then the Russian home page shows the Russian translation
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("h1").inner_text() == "Светлый путь"
    page.get_by_role("link", name="Что обещают вербовщики").click()
    page.wait_for_url(f"{live_server.url}/ru/recruiters/")
    assert page.locator("h1").inner_text() == "Что обещают вербовщики"
    # and nothing was fetched from another host
    assert requests_to_other_hosts == []
