"""With JavaScript switched off, as on an old phone or in a browser's data saver, every page type still
reads, links and submits: the scripts only improve what the HTML already does."""

import pytest

from outreach.helpline.models import HelpRequest
from tests.factories.cms import KINDS, pages_of_every_kind_add

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def page_without_javascript(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def site_of_every_kind(homes):
    home = homes["fa-af"]
    pages_of_every_kind_add(
        home=home, topic_name="آنلاین", audience_name="والدین", help_title="کمک", titled=True
    )
    return home


def test_every_page_type_reads_without_javascript(live_server, site_of_every_kind, page_without_javascript):
    tab = page_without_javascript
    for slug in KINDS:
        # when a reader opens each kind of material with scripts off
        tab.goto(f"{live_server.url}/fa-af/{slug}/")
        # then the title, the text, the picture and the way to the video are all there
        assert tab.locator("h1").inner_text() == f"Material {slug}"
        assert tab.get_by_text("Text with").is_visible()
        assert tab.locator("picture img").first.get_attribute("alt") == "A path across the steppe"
        assert tab.locator('.video-placeholder a[href="https://youtu.be/abcdefghijk"]').is_visible()
        # and the transcript opens by the browser's own <details>
        tab.locator(".transcript summary").first.click()
        assert tab.locator(".transcript .rich-text").first.is_visible()
        assert tab.locator("html").get_attribute("dir") == "rtl"

    # when they follow a topic from the topic listing and then page through an audience listing
    tab.goto(f"{live_server.url}/fa-af/topics/")
    tab.locator("main").get_by_role("link", name="آنلاین").first.click()
    tab.wait_for_url(f"{live_server.url}/fa-af/topics/online/")
    # then the listing shows every material tagged with it
    assert tab.locator("main article, main li").filter(has_text="Material").count() >= len(KINDS)
    tab.goto(f"{live_server.url}/fa-af/topics/for/parents/")
    assert tab.get_by_role("link", name="Material article").is_visible()


def test_search_and_the_language_switcher_work_without_javascript(
    live_server, site_of_every_kind, homes, page_without_javascript
):
    tab = page_without_javascript
    # when a reader follows the search link on the home page, types and presses Enter
    tab.goto(f"{live_server.url}/fa-af/")
    tab.locator("footer a[href$='/search/']").click()
    search_box = tab.locator("input[name=q]")
    search_box.fill("Material")
    search_box.press("Enter")
    # then the result page opens as an ordinary form submission
    tab.wait_for_url("**/fa-af/search/?q=Material*")
    assert tab.locator("html").get_attribute("lang") == "fa-af"
    assert tab.get_by_role("link", name="Material article").is_visible()
    # when they choose English in the language switcher
    tab.locator(".language-switcher").get_by_role("link", name="English").click()
    # then they land on the English site
    tab.wait_for_url(f"{live_server.url}/en/**")
    assert tab.locator("html").get_attribute("dir") == "ltr"


def test_the_help_form_sends_without_javascript(live_server, site_of_every_kind, page_without_javascript):
    tab = page_without_javascript
    # given the help page, with its quick exit an ordinary link
    tab.goto(f"{live_server.url}/fa-af/help/")
    assert tab.locator("a.quick-exit").get_attribute("href").startswith("https://")
    # when a worried mother writes and sends with scripts off
    tab.locator("input[name=who]").first.check()
    tab.locator("textarea[name=message]").fill("پسرم دیگر با ما حرف نمی‌زند.")
    tab.locator(".help-form button[type=submit]").click()
    # then she is thanked, and the message is stored for the helpline
    assert tab.locator(".notice-success").is_visible()
    assert HelpRequest.objects.count() == 1
