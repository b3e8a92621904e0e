"""WCAG 2.2 AA: axe-core in real Chromium over every page type, left to right and right to left."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.factories.cms import KINDS, pages_of_every_kind_add

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_22_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}


@pytest.mark.parametrize("language", ["en", "fa-af"])
def test_no_accessibility_violation_on_any_page_type(live_server, homes, page, language):
    # given one page of every type in the language, with every block
    pages_of_every_kind_add(home=homes[language], topic_name="Online", audience_name="Parents")
    paths = [
        "",
        *[f"{slug}/" for slug in KINDS],
        "help/",
        "topics/",
        "topics/online/",
        "topics/for/parents/",
        "search/?q=text",
        "no-such-page/",
    ]
    axe = Axe()
    failures = {}
    for path in paths:
        # when a reader opens it
        page.goto(f"{live_server.url}/{language}/{path}")
        results = axe.run(page, options=WCAG_22_AA)
        # then axe finds nothing
        if results.violations_count:
            failures[path] = results.generate_report()
    assert failures == {}
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "fa-af" else "ltr")
