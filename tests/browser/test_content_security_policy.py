"""Real Chromium reports no Content-Security-Policy violation anywhere: not on any public page type,
left to right or right to left, nor in the admin screens editors use; public pages ask no other host
for anything, and a video still loads from its player once the reader presses play
(docs/decisions/0012-security-headers.md)."""

import pytest
import wagtail_factories
from PIL import Image

from cms.pages.kinds import ArticlePage
from tests.factories.cms import KINDS, pages_of_every_kind_add
from tests.factories.users import UserFactory, in_english

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"
# Every document and frame records the violations the browser reports to it, from its first line on.
LISTEN_FOR_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""
PLAYER = "https://www.youtube-nocookie.com/embed/abcdefghijk"
PLAYER_STUB = (
    "<!doctype html><html lang='en'><title>Player</title><p>A stand-in for the video player.</p></html>"
)


class Watched:
    """A browser context that records CSP violations (console and event), and every request to
    another host, which it refuses, except the video player when `player_allowed` is set, which it
    answers with a local stand-in."""

    def __init__(self, browser, origin: str, **context_options: object) -> None:
        self.origin = origin
        self.context = browser.new_context(**context_options)
        self.context.add_init_script(LISTEN_FOR_VIOLATIONS)
        self.console: list[str] = []
        self.outside: list[str] = []
        self.player_requests: list[dict[str, str]] = []
        self.player_allowed = False
        self.context.on("console", self._console)
        self.context.route("**/*", self._route)
        self.tab = self.context.new_page()

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.console.append(message.text)

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(self.origin):
            route.continue_()
        elif self.player_allowed and url == PLAYER:
            self.player_requests.append(route.request.headers)
            route.fulfill(status=200, content_type="text/html", body=PLAYER_STUB)
        else:
            self.outside.append(url)
            route.abort()

    def violations(self) -> list[str]:
        """What every frame of the open page has recorded, then what the console said."""
        found = []
        for frame in self.tab.frames:
            if frame.url.startswith(self.origin):
                found += frame.evaluate("window.__cspViolations || []")
        return found + self.console

    def open(self, path: str) -> list[str]:
        self.console.clear()
        self.tab.goto(f"{self.origin}{path}")
        self.tab.wait_for_load_state("networkidle")
        return self.violations()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watched(browser, live_server):
    opened = []

    def open_context(**options: object) -> Watched:
        opened.append(Watched(browser, live_server.url, **options))
        return opened[-1]

    yield open_context
    for context in opened:
        context.close()


@pytest.mark.parametrize("language", ["en", "fa-af"])
def test_no_public_page_breaks_the_policy_or_asks_another_host(live_server, homes, watched, language):
    # given one page of every type in the language, with every block
    pages_of_every_kind_add(home=homes[language], topic_name="Online", audience_name="Parents")
    reader = watched(viewport={"width": 360, "height": 740})
    paths = [
        "",
        *[f"{slug}/" for slug in KINDS],
        "help/",
        "topics/",
        "topics/online/",
        "topics/for/parents/",
        "search/?q=text",
        "subscribe/",
        "no-such-page/",
    ]
    # when a reader opens each of them
    violations = {path: reader.open(f"/{language}/{path}") for path in paths}
    # then the browser blocks nothing, and nothing is asked of another host
    assert {path: found for path, found in violations.items() if found} == {}
    assert reader.outside == []
    assert reader.tab.locator("html").get_attribute("dir") == ("rtl" if language == "fa-af" else "ltr")


@pytest.mark.parametrize("language", ["en", "fa-af"])
def test_the_help_form_and_the_search_work_under_the_policy(live_server, homes, watched, language):
    pages_of_every_kind_add(home=homes[language], topic_name="Online", audience_name="Parents", titled=True)
    reader = watched(viewport={"width": 360, "height": 740})
    # given the help page, its scripts running
    assert reader.open(f"/{language}/help/") == []
    # when a worried mother writes and sends
    tab = reader.tab
    tab.locator("input[name=who]").first.check()
    tab.locator("textarea[name=message]").fill("My son no longer talks to us.")
    with tab.expect_navigation():
        tab.locator(".help-form button[type=submit]").click()
    # then she is thanked, and neither the form nor the answer broke the policy
    assert tab.locator(".notice-success").is_visible()
    assert reader.violations() == []
    # when she searches from the footer
    tab.locator("footer a[href$='/search/']").click()
    tab.locator("input[name=q]").fill("Material")
    with tab.expect_navigation():
        tab.locator("input[name=q]").press("Enter")
    # then the results come, still without a violation or a request elsewhere
    assert tab.get_by_role("link", name="Material article").is_visible()
    assert reader.violations() == []
    assert reader.outside == []


def test_a_video_loads_its_player_only_after_the_click_and_within_the_policy(live_server, homes, watched):
    pages_of_every_kind_add(home=homes["en"], topic_name="Online", audience_name="Parents")
    reader = watched(viewport={"width": 1280, "height": 900})
    # given a video page, on which nothing has been asked of the video host
    reader.player_allowed = True
    assert reader.open("/en/video/") == []
    assert reader.player_requests == []
    tab = reader.tab
    # when the reader presses play on the first video
    with tab.expect_request(PLAYER):
        tab.locator("[data-video-embed]").first.click()
    # then the player's frame takes its place, with the privacy-friendly address
    frame = tab.locator("iframe.video-frame")
    assert frame.get_attribute("src") == PLAYER
    assert frame.evaluate("element => element.referrerPolicy") == "strict-origin-when-cross-origin"
    # and the policy let it load: the player was asked once, told only this site's origin
    assert len(reader.player_requests) == 1
    assert reader.player_requests[0].get("referer") == f"{live_server.url}/"
    assert reader.violations() == []
    assert reader.outside == []


def test_the_admin_screens_editors_use_break_no_policy(live_server, homes, watched, tmp_path):
    # given an administrator, an article with an image, and an image in the library
    pages_of_every_kind_add(home=homes["en"], topic_name="Online", audience_name="Parents")
    wagtail_factories.ImageFactory(title="Lamp")
    in_english(UserFactory(username="csp-admin", superuser=True))
    article = ArticlePage.objects.get(slug="article", locale__language_code="en")
    editor = watched(viewport={"width": 1280, "height": 900}, locale="en-US")
    # when they sign in
    assert editor.open("/admin/login/") == []
    editor.tab.fill("input[name=username]", "csp-admin")
    editor.tab.fill("input[name=password]", PASSWORD)
    editor.tab.click("button[type=submit]")
    editor.tab.wait_for_url(f"{live_server.url}/admin/")
    # and walk the dashboard, a page editor with its live preview, the images (uploading one), a
    # snippet listing and a grants listing
    violations = {"/admin/": editor.violations()}
    for path in [
        f"/admin/pages/{article.pk}/edit/",
        "/admin/images/",
        "/admin/images/multiple/add/",
        "/admin/snippets/cms/topic/",
        "/admin/grants/grantees/",
    ]:
        violations[path] = editor.open(path)
        if path.endswith("/multiple/add/"):
            # (the uploader previews the chosen file as a blob: address before it is sent)
            Image.new("RGB", (320, 200), (40, 90, 160)).save(tmp_path / "upload.png")
            editor.tab.set_input_files("input[type=file]", tmp_path / "upload.png")
            editor.tab.locator("#upload-list li.upload-success").wait_for()
            violations["upload"] = editor.violations()
        if path.endswith("/edit/"):
            with editor.tab.expect_event("framenavigated", predicate=lambda frame: "/preview/" in frame.url):
                editor.tab.locator('[data-side-panel-toggle="preview"]').click()
            editor.tab.wait_for_load_state("networkidle")
            violations["preview"] = editor.violations()
    # then the browser blocks nothing, the preview included, and nothing is asked of another host
    assert {path: found for path, found in violations.items() if found} == {}
    assert editor.outside == []
