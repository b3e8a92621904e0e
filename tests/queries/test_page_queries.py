"""Query budgets of the public pages: the same number of queries however many items they list."""

import pytest

from tests.factories.cms import TopicFactory, TopicIndexPageFactory, article_add, translation_add
from tests.queries import assert_queries_constant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def uncached(settings):
    # The budgets are for rendering; a page served from the page cache makes no query at all.
    settings.WAGTAIL_CACHE = False


def test_a_cached_page_costs_no_query(client, homes, settings, django_assert_num_queries):
    settings.WAGTAIL_CACHE = True
    article_add(home=homes["ru"], slug="story")
    client.get("/ru/story/")
    with django_assert_num_queries(0):
        assert client.get("/ru/story/").status_code == 200


def test_home_page_queries_do_not_grow_with_the_material(client, homes):
    article_add(home=homes["ru"])

    def grow():
        for _ in range(10):
            article_add(home=homes["ru"])

    client.get("/ru/")  # warm the site-root cache, as a running server has
    # site, locale, home and its translation, ancestors, view restrictions (2), latest material, switcher
    assert_queries_constant(lambda: client.get("/ru/"), grow, expected=9)


def test_material_page_queries_do_not_grow_with_translations_or_related_material(client, homes):
    topic = TopicFactory()
    source = article_add(home=homes["kk"], slug="recruiters")
    source.topics.add(topic)
    source.save()
    client.get("/kk/recruiters/")

    def grow():
        translation_add(source=source, home=homes["ru"])
        translation_add(source=source, home=homes["en"])
        for _ in range(6):
            related = article_add(home=homes["kk"])
            related.topics.add(topic)
            related.save()
            source.related_links.create(target=related)

    # site, locale, home, child, specific page, ancestors, view restrictions, switcher translations,
    # editor's related links, their translation keys and pages, restrictions for listing, shared topics
    count = assert_queries_constant(lambda: client.get("/kk/recruiters/"), grow)
    assert count == 11


def test_topic_listing_queries_do_not_grow_with_the_material(client, homes):
    topic = TopicFactory(slug="online")
    TopicIndexPageFactory(parent=homes["kk"], locale=homes["kk"].locale)

    def add_material(count):
        for _ in range(count):
            material = article_add(home=homes["kk"])
            material.topics.add(topic)
            material.save()

    add_material(2)
    client.get("/kk/topics/online/")
    count = assert_queries_constant(lambda: client.get("/kk/topics/online/"), lambda: add_material(20))
    assert count == 12


def test_home_page_queries_do_not_grow_with_illustrated_cards(client, homes):
    import wagtail_factories

    from tests.queries import count_queries

    def add_illustrated(count):
        for _ in range(count):
            article_add(home=homes["en"], listing_image=wagtail_factories.ImageFactory())
        client.get("/en/")  # renditions are made on the first render; the budget is for the renders after

    add_illustrated(1)
    with_one, _sql = count_queries(lambda: client.get("/en/"))
    add_illustrated(5)
    with_six, sql = count_queries(lambda: client.get("/en/"))
    # the card images and all their renditions: two queries, however many cards
    assert with_one == with_six == 11, "\n".join(sql)
