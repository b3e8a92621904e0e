"""Anonymous pages are cacheable, and publishing makes the change visible at once."""

import pytest

from tests.factories.cms import article_add
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db


def test_an_anonymous_page_is_served_from_the_cache_with_public_cache_control(client, homes):
    article_add(home=homes["en"], title="First title", slug="story")
    first = client.get("/en/story/")
    second = client.get("/en/story/")
    assert (first["X-Wagtail-Cache"], second["X-Wagtail-Cache"]) == ("miss", "hit")
    assert second["Cache-Control"] == "public, max-age=300"
    assert "Cookie" not in second.get("Vary", "")
    assert second.content == first.content


def test_publishing_a_change_empties_the_cache(client, homes):
    # given a cached page
    page = article_add(home=homes["en"], title="First title", slug="story")
    client.get("/en/story/")
    # when an editor publishes a new title
    page.title = "Second title"
    page.save_revision().publish()
    # then the next reader sees it
    response = client.get("/en/story/")
    assert response["X-Wagtail-Cache"] == "miss"
    assert "Second title" in response.content.decode()


def test_unpublishing_takes_the_page_away_at_once(client, homes):
    page = article_add(home=homes["en"], slug="story")
    assert client.get("/en/story/").status_code == 200
    page.unpublish()
    assert client.get("/en/story/").status_code == 404


def test_signed_in_editors_are_never_served_or_stored_from_the_cache(client, homes):
    article_add(home=homes["en"], slug="story")
    client.force_login(UserFactory(superuser=True))
    response = client.get("/en/story/")
    assert response["X-Wagtail-Cache"] == "skip"
    assert "public" not in response.get("Cache-Control", "")


def test_search_and_help_answers_are_never_cached(client, homes):
    for _ in range(2):
        response = client.get("/en/search/", {"q": "anything"})
        assert response["Cache-Control"] == "private, no-store"
        assert response["X-Wagtail-Cache"] != "hit"


def test_api_answers_are_never_put_in_the_page_cache(client, homes):
    from knox.models import AuthToken

    key = AuthToken.objects.create(UserFactory(superuser=True))[1]
    allowed = client.get("/api/v1/partners/", headers={"authorization": f"Token {key}"})
    anonymous = client.get("/api/v1/partners/")
    assert (allowed.status_code, anonymous.status_code) == (200, 401)
    assert allowed.get("X-Wagtail-Cache") != "hit"
