import pytest

from tests.factories.cms import article_add, translation_add
from tests.queries import assert_queries_constant

pytestmark = pytest.mark.django_db


def test_home_page_queries_do_not_grow_with_the_articles(client, homes):
    article_add(home=homes["ru"])

    def grow():
        for _ in range(10):
            article_add(home=homes["ru"])

    client.get("/ru/")  # warm the site-root cache, as a running server has
    # site, locale, home and its translation, ancestors, view restrictions (2), latest articles, switcher
    assert_queries_constant(lambda: client.get("/ru/"), grow, expected=9)


def test_article_page_queries_do_not_grow_with_the_translations(client, homes):
    source = article_add(home=homes["kk"], slug="recruiters")
    client.get("/kk/recruiters/")

    def grow():
        translation_add(source=source, home=homes["ru"])
        translation_add(source=source, home=homes["en"])

    # the default locale's home needs no translation lookup, hence one fewer than /ru/
    assert_queries_constant(lambda: client.get("/kk/recruiters/"), grow, expected=8)
