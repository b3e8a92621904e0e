"""WCAG 2.2 AA: axe-core in real Chromium over every page type, left to right and right to left."""

import pytest
import wagtail_factories
from axe_playwright_python.sync_playwright import Axe

from tests.factories.cms import (
    ArticlePageFactory,
    AudienceFactory,
    CampaignLandingPageFactory,
    HelpPageFactory,
    ResourcePageFactory,
    ScholarAnswerPageFactory,
    TestimonyPageFactory,
    TopicFactory,
    TopicIndexPageFactory,
    VideoPageFactory,
    article_add,
)

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_22_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}
KINDS = {
    "article": ArticlePageFactory,
    "testimony": TestimonyPageFactory,
    "answer": ScholarAnswerPageFactory,
    "video": VideoPageFactory,
    "resource": ResourcePageFactory,
    "campaign": CampaignLandingPageFactory,
}


def full_body(image, help_page):
    return [
        {"type": "heading", "value": {"text": "Heading", "level": "h2"}},
        {"type": "paragraph", "value": '<p>Text with <a href="/en/">a link</a>.</p>'},
        {"type": "quote", "value": {"quote": "A quote.", "attribution": "Someone"}},
        {
            "type": "scripture",
            "value": {
                "original": "لَا إِكْرَاهَ فِي الدِّينِ",
                "original_language": "ar",
                "translation": "No compulsion in religion.",
                "source": "Qur'an 2:256",
            },
        },
        {
            "type": "image",
            "value": {"image": image.pk, "alt_text": "A path across the steppe", "caption": "Steppe"},
        },
        {
            "type": "video",
            "value": {
                "url": "https://youtu.be/abcdefghijk",
                "title": "A talk",
                "transcript": "<p>Words.</p>",
            },
        },
        {
            "type": "help_callout",
            "value": {"heading": "Need help?", "text": "Write to us.", "page": help_page.pk},
        },
    ]


@pytest.mark.parametrize("language", ["en", "fa-af"])
def test_no_accessibility_violation_on_any_page_type(live_server, homes, page, language):
    # given one page of every type in the language, with every block
    home = homes[language]
    image = wagtail_factories.ImageFactory(title="Steppe")
    help_page = HelpPageFactory(parent=home, locale=home.locale, slug="help")
    topic = TopicFactory(slug="online", locale=home.locale, name="Online")
    audience = AudienceFactory(slug="parents", locale=home.locale, name="Parents")
    TopicIndexPageFactory(parent=home, locale=home.locale)
    for slug, factory_class in KINDS.items():
        material = article_add(
            home=home,
            factory_class=factory_class,
            slug=slug,
            body=full_body(image, help_page),
            listing_image=image,
        )
        material.topics.add(topic)
        material.audiences.add(audience)
        material.save()
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
