"""Every page type served as a reader meets it, the taxonomy listings, related material, and Kazakh
in Latin script."""

import pytest
from bs4 import BeautifulSoup
from wagtail.models import Locale

from cms.pages.home import HomePage
from cms.pages.topics import PAGE_SIZE
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
    translation_add,
)

pytestmark = pytest.mark.django_db


def soup_of(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


@pytest.mark.parametrize(
    "factory_class",
    [
        ArticlePageFactory,
        TestimonyPageFactory,
        ScholarAnswerPageFactory,
        VideoPageFactory,
        ResourcePageFactory,
        CampaignLandingPageFactory,
    ],
)
def test_every_material_kind_renders_with_the_shared_blocks(client, homes, factory_class):
    # given a material whose body uses headings, quotes and a scripture citation
    body = [
        {"type": "heading", "value": {"text": "What the scholars say", "level": "h2"}},
        {"type": "quote", "value": {"quote": "I came back.", "attribution": "A returnee"}},
        {
            "type": "scripture",
            "value": {
                "original": "لَا إِكْرَاهَ فِي الدِّينِ",
                "original_language": "ar",
                "translation": "There is no compulsion in religion.",
                "source": "Qur'an 2:256",
            },
        },
    ]
    page = article_add(home=homes["en"], factory_class=factory_class, title="A material", slug="m", body=body)
    # when
    soup = soup_of(client.get("/en/m/"))
    # then
    assert soup.h1.get_text() == "A material"
    assert soup.select_one(".block-heading h2").get_text() == "What the scholars say"
    original = soup.select_one(".scripture-original")
    assert (original["lang"], original["dir"]) == ("ar", "rtl")
    assert soup.select_one(".scripture cite").get_text() == "Qur'an 2:256"
    assert page.live


def test_a_testimony_needs_no_real_name(client, homes):
    article_add(
        home=homes["ru"],
        factory_class=TestimonyPageFactory,
        slug="mother",
        speaker_name="",
        speaker_description="мать из Шымкента",
    )
    soup = soup_of(client.get("/ru/mother/"))
    assert soup.select_one(".speaker").get_text(strip=True) == "мать из Шымкента"


def test_a_video_loads_nothing_from_its_host_until_asked(client, homes):
    article_add(home=homes["en"], factory_class=VideoPageFactory, slug="video")
    soup = soup_of(client.get("/en/video/"))
    assert soup.select("iframe") == []
    button = soup.select_one("[data-video-embed]")
    assert button["data-video-embed"] == "https://www.youtube-nocookie.com/embed/abcdefghijk"
    assert soup.select_one(".video-placeholder a")["href"] == "https://www.youtube.com/watch?v=abcdefghijk"
    assert "What I saw there" in soup.select_one(".transcript").get_text()


@pytest.mark.parametrize("factory_class", [HelpPageFactory, ResourcePageFactory])
def test_help_and_family_pages_offer_a_quick_exit(client, homes, factory_class):
    article_add(home=homes["kk"], factory_class=factory_class, slug="exit-here")
    soup = soup_of(client.get("/kk/exit-here/"))
    link = soup.select_one("[data-quick-exit]")
    assert link["href"].startswith("https://")
    assert soup.select_one('script[src$="quick-exit.js"]') is not None


def test_articles_offer_no_quick_exit(client, homes):
    article_add(home=homes["kk"], slug="plain")
    assert soup_of(client.get("/kk/plain/")).select_one("[data-quick-exit]") is None


def test_topic_listing_pages_through_its_language_only(client, homes):
    # given a topic in Russian and Kazakh, and more Russian material than fits on a page
    topic_kk = TopicFactory(name="Интернеттегі үгіт", slug="online")
    topic_ru = TopicFactory(
        name="Вербовка в сети", slug="online", locale=Locale.objects.get(language_code="ru"),
        translation_key=topic_kk.translation_key,
    )  # fmt: skip
    TopicIndexPageFactory(parent=homes["ru"], locale=homes["ru"].locale)
    for number in range(PAGE_SIZE + 2):
        # tagged with the Kazakh topic: the listing still finds them through the shared key
        material = article_add(home=homes["ru"], title=f"Материал {number}")
        material.topics.add(topic_kk if number % 2 else topic_ru)
        material.save()
    kazakh = article_add(home=homes["kk"], title="Қазақша материал")
    kazakh.topics.add(topic_kk)
    kazakh.save()
    # when
    first = soup_of(client.get("/ru/topics/online/"))
    second = soup_of(client.get("/ru/topics/online/?page=2"))
    # then
    assert first.h1.get_text() == "Вербовка в сети"
    assert len(first.select(".card")) == PAGE_SIZE
    assert len(second.select(".card")) == 2
    titles = [h.get_text() for page in (first, second) for h in page.select(".card h3")]
    assert "Қазақша материал" not in titles
    assert len(set(titles)) == PAGE_SIZE + 2
    assert first.select_one('a[rel="next"]')["href"] == "?page=2"


def test_a_nonsense_page_number_shows_a_real_page(client, homes):
    topic = TopicFactory(slug="online")
    TopicIndexPageFactory(parent=homes["kk"], locale=homes["kk"].locale)
    material = article_add(home=homes["kk"])
    material.topics.add(topic)
    material.save()
    for value in ("abc", "-1", "999"):
        assert len(soup_of(client.get(f"/kk/topics/online/?page={value}")).select(".card")) == 1


def test_audience_listing_and_unknown_slugs(client, homes):
    audience = AudienceFactory(name="Ата-аналар", slug="parents")
    TopicIndexPageFactory(parent=homes["kk"], locale=homes["kk"].locale)
    material = article_add(home=homes["kk"], title="Баламен сөйлесу")
    material.audiences.add(audience)
    material.save()
    soup = soup_of(client.get("/kk/topics/for/parents/"))
    assert [h.get_text() for h in soup.select(".card h3")] == ["Баламен сөйлесу"]
    assert client.get("/kk/topics/no-such-topic/").status_code == 404
    index = soup_of(client.get("/kk/topics/"))
    assert [a.get_text() for a in index.select(".tag-list a")] == ["Ата-аналар"]


def test_related_material_puts_the_editors_choice_first_then_shared_topics(client, homes):
    topic = TopicFactory()
    page = article_add(home=homes["en"], slug="main")
    chosen = article_add(home=homes["en"], title="Chosen by the editor")
    page.related_links.create(target=chosen)
    page.topics.add(topic)
    page.save()
    for number in range(5):
        sibling = article_add(home=homes["en"], title=f"Same topic {number}")
        sibling.topics.add(topic)
        sibling.save()
    article_add(home=homes["en"], title="Unrelated")
    soup = soup_of(client.get("/en/main/"))
    titles = [h.get_text() for h in soup.select(".related .card h3")]
    assert titles[0] == "Chosen by the editor"
    assert len(titles) == 4
    assert "Unrelated" not in titles and "Material" not in " ".join(titles[:1])


def test_related_material_chosen_in_another_language_shows_in_this_one(client, homes):
    page = article_add(home=homes["ru"], slug="main")
    chosen_kk = article_add(home=homes["kk"], title="Қазақша")
    translation_add(source=chosen_kk, home=homes["ru"], title="По-русски")
    page.related_links.create(target=chosen_kk)
    page.save()
    soup = soup_of(client.get("/ru/main/"))
    assert [h.get_text() for h in soup.select(".related .card h3")] == ["По-русски"]


def test_kazakh_in_latin_script_is_respelled_from_the_cyrillic(client, homes):
    # given a Kazakh article and no Latin version written by hand
    article_add(home=homes["kk"], title="Жалдаушылар не уәде етеді", slug="recruiters")
    # when a reader switches script
    response = client.get("/kk-latn/recruiters/")
    soup = soup_of(response)
    # then the page is in Latin script by the 2021 alphabet, marked as such
    assert (soup.html["lang"], soup.html["dir"]) == ("kk-latn", "ltr")
    assert soup.h1.get_text() == "Jaldauşylar ne uäde etedı"
    # and the switcher still names Kazakh in Cyrillic, and Russian in Russian
    names = {a["hreflang"]: a.get_text() for a in soup.select(".language-switcher a")}
    assert (names["kk"], names["kk-Latn"], names["ru"]) == ("Қазақша", "Qazaqşa", "Русский")
    assert soup.select_one(".language-switcher a[aria-current]")["hreflang"] == "kk-Latn"


def test_a_latin_version_written_by_hand_is_served_instead(client, homes):
    source = article_add(home=homes["kk"], title="Жалдаушылар", slug="recruiters")
    latin_home = HomePage(
        title="Aq jol",
        slug="home-kk-latn",
        locale=Locale.objects.get_or_create(language_code="kk-latn")[0],
        translation_key=homes["kk"].translation_key,
    )
    homes["kk"].get_parent().add_child(instance=latin_home)
    translation_add(source=source, home=latin_home, title="Qolmen jazylğan")
    other = article_add(home=homes["kk"], title="Басқа мақала", slug="other")
    assert soup_of(client.get("/kk-latn/recruiters/")).h1.get_text() == "Qolmen jazylğan"
    # material without a hand-written version still comes through the Cyrillic tree, respelled
    assert soup_of(client.get("/kk-latn/other/")).h1.get_text() == "Basqa maqala"
    assert other.live
