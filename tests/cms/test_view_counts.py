"""Reading figures for editors: aggregate counts per page, language and day, nothing about readers."""

import pytest

from cms.analytics import PageViewCount, tally
from tests.factories.cms import article_add
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_views_are_counted_per_language_cached_or_not(client, homes):
    # given an article read three times in Russian (twice from the page cache) and once in Kazakh
    tally.flush()
    article = article_add(home=homes["ru"], slug="story")
    article_kk = article_add(home=homes["kk"], slug="story")
    for _ in range(3):
        assert client.get("/ru/story/").status_code == 200
    client.get("/kk/story/")
    # when the counts are written
    written = tally.flush()
    # then only totals exist: page, language, day, number
    assert written == 4
    counts = {(row.page_id, row.language): row.views for row in PageViewCount.objects.all()}
    assert counts == {(article.pk, "ru"): 3, (article_kk.pk, "kk"): 1}
    assert {field.name for field in PageViewCount._meta.get_fields()} == {
        "id",
        "page",
        "language",
        "day",
        "views",
    }


def test_editors_signed_in_and_missing_pages_are_not_counted(client, homes):
    tally.flush()
    article_add(home=homes["en"], slug="story")
    client.get("/en/no-such-page/")
    client.force_login(UserFactory(superuser=True))
    client.get("/en/story/")
    assert tally.flush() == 0
    assert PageViewCount.objects.count() == 0


def test_a_second_flush_adds_to_the_days_total(client, homes):
    tally.flush()
    article = article_add(home=homes["en"], slug="story")
    client.get("/en/story/")
    tally.flush()
    client.get("/en/story/")
    tally.flush()
    assert PageViewCount.objects.get(page=article, language="en").views == 2
