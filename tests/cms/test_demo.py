"""The demo site: what `manage.py load_demo` creates, that it is safe to run again, and that every page it
creates is served in every language it is written in."""

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Revision

from cms import demo_content
from cms.demo import demo_admin_ensure, demo_load
from cms.demo_campaigns import demo_partner_user_ensure
from cms.demo_grants import demo_grants_load
from cms.demo_outreach import demo_outreach_load
from cms.pages import kinds
from cms.pages.help import HelpPage
from cms.pages.home import HomePage
from cms.pages.kinds import ArticlePage, CampaignLandingPage, ResourcePage, ScholarAnswerPage, VideoPage
from cms.pages.material import MaterialPage
from cms.pages.topics import TopicIndexPage
from cms.snippets import Audience, Topic
from outreach.campaigns.models import Campaign, JointProgramme, Partner, PeriodNarrative, Result
from outreach.campaigns.selectors import programmes_visible_to
from outreach.grants.models import Programme

pytestmark = pytest.mark.django_db

DEMO_LANGUAGES = ["kk", "ru", "en", "fa-af"]
# (TestimonyPage through its module: pytest would take a name starting with "Test" for a test class.)
MATERIAL_KINDS = [
    ArticlePage,
    kinds.TestimonyPage,
    ScholarAnswerPage,
    VideoPage,
    ResourcePage,
    CampaignLandingPage,
]
FIRST_RUN = {
    # 15 pages (a topic index, a help page, 13 materials) in each of 4 languages.
    "pages": 60,
    "topics": 16,
    "audiences": 20,
    "images": 5,
    "documents": 8,
    # Every content language's home page gets an introduction (Kazakh in Latin script has no tree).
    "home_pages": 9,
    "programmes": 1,
    "partners": 2,
    # "Voices of Reason" with the EU Delegation, and its three campaigns.
    "joint_programmes": 1,
    "campaigns": 3,
    # "hijra to syria" and the like, in four languages, answered first by the scholars.
    "promotions": 5,
}
NOTHING = dict.fromkeys(FIRST_RUN, 0)


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[dict[str, int]]:
    """The demo site, loaded once for the module (a load takes seconds) inside a transaction that is
    rolled back afterwards. Each test's own transaction nests in it as a savepoint, so whatever a test
    changes is undone before the next one; images and documents go to a folder of their own."""
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("demo-media"))),
        transaction.atomic(),
    ):
        created = demo_load()
        demo_outreach_load()
        demo_grants_load()
        yield created
        transaction.set_rollback(True)
    # The site's root paths are cached; the next module must not see this module's home pages.
    cache.clear()


@dataclass(frozen=True)
class Rendered:
    page: Page
    url: str
    status_code: int
    html: str


@pytest.fixture(scope="module")
def rendered(loaded, django_db_blocker) -> list[Rendered]:
    """Every live demo page fetched once through the test client, at its URL in its language, and the
    Kazakh ones also under the Latin-script prefix they are served at, transliterated."""
    client = Client()
    responses = []
    with django_db_blocker.unblock():
        for page in Page.objects.filter(depth=3).live().select_related("locale").order_by("path").specific():
            urls = [page.url]
            if page.locale.language_code == "kk":
                urls.append(page.url.replace("/kk/", "/kk-latn/", 1))
            for url in urls:
                response = client.get(url)
                responses.append(Rendered(page, url, response.status_code, response.content.decode()))
    return responses


def row_counts() -> dict[str, int]:
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "topics": Topic.objects.count(),
        "audiences": Audience.objects.count(),
        "images": get_image_model().objects.count(),
        "documents": get_document_model().objects.count(),
        "home_pages": HomePage.objects.exclude(intro="").count(),
        "programmes": Programme.objects.count(),
        "partners": Partner.objects.count(),
        "joint_programmes": JointProgramme.objects.count(),
        "campaigns": Campaign.objects.count(),
        "promotions": SearchPromotion.objects.count(),
    }


def html_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def strings_in(value: Any) -> Iterator[str]:
    """Every string inside the demo content's nested dicts, lists and tuples."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings_in(item)


def test_the_first_run_creates_the_whole_demo_site(loaded):
    # then (the `loaded` fixture ran the first load)
    assert loaded == FIRST_RUN
    counts = row_counts()
    del counts["revisions"]
    # The root, 9 home pages and the 60 demo pages.
    assert counts == FIRST_RUN | {"pages": 70}


def test_a_second_run_creates_and_changes_nothing(loaded):
    # given
    before = row_counts()
    # when
    again = demo_load()
    # then
    assert again == NOTHING
    assert row_counts() == before


def test_an_editors_changes_survive_a_second_run(loaded):
    # given an editor who retitles an article, renames a topic, empties a home page's introduction and
    # deletes a page's Dari translation
    editor = get_user_model().objects.create_user("editor", "editor@example.org", "a-long-password-1")
    article = ArticlePage.objects.get(slug="recruiters-promises", locale__language_code="en")
    article.title = "Edited by an editor"
    article.save_revision(user=editor).publish()
    topic = Topic.objects.get(slug="online-recruitment", locale__language_code="ru")
    topic.name = "Вербовка онлайн"
    topic.save()
    home = HomePage.objects.get(locale__language_code="ru")
    home.intro = ""
    home.save_revision(user=editor).publish()
    VideoPage.objects.get(slug="before-you-share", locale__language_code="fa-af").delete()
    # when
    again = demo_load()
    # then the edits stand; only what was deleted comes back, as a translation of the same page
    article.refresh_from_db()
    topic.refresh_from_db()
    home.refresh_from_db()
    assert (article.title, article.live, article.has_unpublished_changes) == (
        "Edited by an editor",
        True,
        False,
    )
    assert topic.name == "Вербовка онлайн"
    assert home.intro == ""
    assert again == NOTHING | {"pages": 1}
    restored = VideoPage.objects.get(slug="before-you-share", locale__language_code="fa-af")
    source = VideoPage.objects.get(slug="before-you-share", locale__language_code="kk")
    assert restored.translation_key == source.translation_key


def test_each_language_has_every_kind_of_material_live(loaded):
    counts = {
        code: {
            model.__name__: model.objects.live().filter(locale__language_code=code).count()
            for model in MATERIAL_KINDS
        }
        for code in DEMO_LANGUAGES
    }
    expected = {
        "ArticlePage": 3,
        "TestimonyPage": 2,
        "ScholarAnswerPage": 2,
        "VideoPage": 2,
        "ResourcePage": 2,
        "CampaignLandingPage": 2,
    }
    assert counts == dict.fromkeys(DEMO_LANGUAGES, expected)
    assert {
        code: (
            HelpPage.objects.live().filter(locale__language_code=code).count(),
            TopicIndexPage.objects.live().filter(locale__language_code=code).count(),
        )
        for code in DEMO_LANGUAGES
    } == dict.fromkeys(DEMO_LANGUAGES, (1, 1))


def test_translations_share_slug_and_translation_key_and_live_under_their_own_home(loaded):
    homes = {home.locale.language_code: home for home in HomePage.objects.select_related("locale")}
    for spec in demo_content.PAGES:
        pages = list(Page.objects.filter(slug=spec.slug, depth=3).select_related("locale"))
        assert sorted(page.locale.language_code for page in pages) == sorted(DEMO_LANGUAGES), spec.slug
        assert len({page.translation_key for page in pages}) == 1, spec.slug
        for page in pages:
            assert page.get_parent().pk == homes[page.locale.language_code].pk


def test_material_is_tagged_and_linked_within_its_own_language(loaded):
    for material in MaterialPage.objects.select_related("locale").prefetch_related(
        "topics__locale", "audiences__locale", "related_links__target__locale"
    ):
        code = material.locale.language_code
        assert material.topics.all(), material
        assert material.audiences.all(), material
        assert {topic.locale.language_code for topic in material.topics.all()} == {code}
        assert {audience.locale.language_code for audience in material.audiences.all()} == {code}
        links = [link.target for link in material.related_links.all()]
        assert 1 <= len(links) <= 2, material
        assert {target.locale.language_code for target in links} == {code}


def test_scholar_answers_quote_the_quran_in_arabic_with_a_translation_and_source(loaded):
    for answer in ScholarAnswerPage.objects.select_related("locale"):
        citations = [block.value for block in answer.body if block.block_type == "scripture"]
        assert len(citations) == 2, answer
        for citation in citations:
            assert citation["original_language"] == "ar"
            assert re.search(r"[\u0600-\u06ff]", citation["original"])
            assert citation["translation"] and citation["source"]
    verse = ScholarAnswerPage.objects.get(slug="killing-innocents", locale__language_code="en").body[2].value
    assert verse["original"].startswith("مَن قَتَلَ نَفْسًا بِغَيْرِ نَفْسٍ")
    assert verse["source"] == "Qur'an, Surat al-Ma'ida 5:32 (part of the verse)"


def test_campaign_calls_to_action_lead_to_pages_in_their_own_language(loaded):
    for campaign in CampaignLandingPage.objects.select_related("locale", "call_to_action_page__locale"):
        assert campaign.call_to_action
        assert campaign.call_to_action_page.locale_id == campaign.locale_id


def test_every_demo_page_is_served_in_every_language_it_exists_in(client, rendered):
    # 60 pages, the 15 Kazakh ones also in Latin script
    assert len(rendered) == 75
    for response in rendered:
        assert response.status_code == 200, response.url
        if not response.url.startswith("/kk-latn/"):
            assert BeautifulSoup(response.html, "html.parser").h1.get_text(strip=True) == response.page.title
    for home in HomePage.objects.select_related("locale"):
        response = client.get(f"/{home.locale.language_code}/")
        assert response.status_code == 200
        assert html_of(response).select_one(".lead").get_text(strip=True) == home.intro


def test_every_topic_and_audience_lists_its_material(client, loaded):
    for code in DEMO_LANGUAGES:
        index = TopicIndexPage.objects.get(locale__language_code=code)
        for topic in Topic.objects.filter(locale__language_code=code):
            response = client.get(f"{index.url}{topic.slug}/")
            assert response.status_code == 200
            assert len(html_of(response).select(".card-list .card")) >= 1, (code, topic.slug)
        for audience in Audience.objects.filter(locale__language_code=code):
            response = client.get(f"{index.url}for/{audience.slug}/")
            assert response.status_code == 200
            assert len(html_of(response).select(".card-list .card")) >= 1, (code, audience.slug)


def test_dari_pages_are_served_right_to_left(client, rendered):
    # given the Dari home page and the 15 Dari demo pages
    pages = [html_of(client.get("/fa-af/"))]
    pages += [BeautifulSoup(item.html, "html.parser") for item in rendered if item.url.startswith("/fa-af/")]
    # then
    assert len(pages) == 16
    assert {(soup.html["lang"].lower(), soup.html["dir"]) for soup in pages} == {("fa-af", "rtl")}


def test_pages_show_illustrations_with_alternative_text_in_their_language(client, loaded):
    # when
    soup = html_of(client.get("/fa-af/the-way-back/"))
    # then
    figure = soup.select_one("figure.image img")
    assert figure["alt"] == "دشت موج‌دار در هنگام شام، با آفتابی پایین بر افق."
    assert MaterialPage.objects.filter(listing_image__isnull=False).count() == 28
    assert {image.width for image in get_image_model().objects.all()} == {1600}
    assert {image.height for image in get_image_model().objects.all()} == {900}


def test_resources_offer_a_guide_to_download_in_their_language(client, loaded):
    resources = ResourcePage.objects.select_related("locale")
    assert resources.count() == 8
    for resource in resources:
        # given the document offered in the body
        (download,) = [block.value for block in resource.body if block.block_type == "document"]
        # when a reader downloads it
        response = client.get(download["document"].url)
        # then they get the guide written in the page's language
        assert response.status_code == 200
        content = b"".join(response.streaming_content) if response.streaming else response.content
        language = demo_content.LANGUAGES[resource.locale.language_code]
        key = {"parents": "guide-for-parents", "teachers": "guide-for-teachers"}[resource.intended_for]
        assert content.decode("utf-8") == language.DOCUMENTS[key]["text"]
        assert download["document"].title == language.DOCUMENTS[key]["title"]


def test_the_command_reports_what_it_added(loaded):
    # when
    out = io.StringIO()
    call_command("load_demo", "--no-admin", stdout=out)
    # then
    assert out.getvalue() == "Demo content is already loaded; nothing was added or changed.\n"


def test_no_demo_text_is_placeholder(rendered):
    texts = list(
        strings_in(
            [
                [
                    module.HOME_INTRO,
                    module.HOME_BODY,
                    module.TOPICS,
                    module.AUDIENCES,
                    module.PAGES,
                    module.DOCUMENTS,
                ]
                for module in demo_content.LANGUAGES.values()
            ]
        )
    )
    texts += list(demo_content.HOME_INTROS.values())
    texts += [response.html for response in rendered]
    assert not [text for text in texts if "lorem" in text.lower() or "ipsum" in text.lower()]


def test_demo_admin_is_created_once_with_the_same_password(settings, tmp_path, client):
    settings.VAR_DIR = tmp_path
    username, password = demo_admin_ensure()
    again = demo_admin_ensure()
    assert again == (username, password)
    assert client.login(username=username, password=password)
    assert (tmp_path / "admin-password.txt").stat().st_mode & 0o777 == 0o600


def test_searching_for_hijra_to_syria_shows_the_scholars_answer_first(loaded, client):
    soup = html_of(client.get("/ru/search/", {"q": "Хиджра в Сирию"}))
    promoted = [h.get_text() for h in soup.select(".promoted .card h3")]
    assert len(promoted) == 1
    assert "хиджра" in promoted[0].lower()


def test_the_joint_programme_with_the_eu_comes_with_its_framework_results_and_campaigns(loaded):
    # then (the `loaded` fixture ran the first load)
    programme = JointProgramme.objects.get(code="eu-voices-of-reason")
    assert [
        (role.partner.short_name, role.role, str(role.funding_share))
        for role in programme.partner_roles.all()
    ] == [
        ("EU Delegation", "lead", "90.00"),
        ("SAMK", "implementing", "10.00"),
    ]
    assert [period.name for period in programme.periods.order_by("starts_on")] == [
        "2026 H1",
        "2026 H2",
        "2027 H1",
        "2027 H2",
    ]
    assert [
        (indicator.code, indicator.source, indicator.targets.count())
        for indicator in programme.indicators.all()
    ] == [
        ("OC1.1", "page_views", 4),
        ("OC1.2", "help_requests", 4),
        ("OC1.3", "manual", 4),
        ("OP1.1", "manual", 4),
        ("OP1.2", "manual", 4),
    ]
    assert Result.objects.filter(indicator__programme=programme).count() == 11
    assert set(
        PeriodNarrative.objects.filter(period__programme=programme).values_list("language", flat=True)
    ) == {"en", "ru"}


def test_each_demo_landing_page_points_at_its_campaign_in_every_language(loaded):
    linked = {
        (page.slug, page.locale.language_code): page.campaign.name
        for page in CampaignLandingPage.objects.select_related("locale", "campaign")
    }
    assert linked == {
        (slug, code): name
        for slug, name in (
            ("asking-is-not-a-sin", "Asking is not a sin"),
            ("talk-before-they-do", "Talk before they do"),
        )
        for code in DEMO_LANGUAGES
    }
    # The link is in the live revision too, so an editor's next publish keeps it.
    for page in CampaignLandingPage.objects.all():
        assert page.get_latest_revision_as_object().campaign_id == page.campaign_id
    assert Campaign.objects.get(name="Asking is not a sin").materials.count() == 2


def test_the_demo_partner_user_sees_the_eu_programme_only(loaded, settings, tmp_path, client):
    # given a second programme the EU takes no part in
    settings.VAR_DIR = tmp_path
    JointProgramme.objects.create(
        name="Other",
        code="other",
        objectives="Other work.",
        starts_on="2026-01-01",
        ends_on="2026-12-31",
        budget=1,
    )
    # when the demo partner user is created
    username, password = demo_partner_user_ensure()
    user = get_user_model().objects.get(username=username)
    # then they can sign in, see the EU programme, and no other
    assert client.login(username=username, password=password)
    assert [programme.code for programme in programmes_visible_to(user=user)] == ["eu-voices-of-reason"]
    assert demo_partner_user_ensure() == (username, password)
