"""Editors write a Dari, Pashto or Arabic page right to left even with an English admin."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from wagtail.users.models import UserProfile

from tests.factories.cms import article_add
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    user = UserFactory(superuser=True)
    UserProfile.get_for_user(user).__class__.objects.filter(user=user).update(preferred_language="en")
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("language", "direction"), [("fa-af", "rtl"), ("ps", "rtl"), ("ar", "rtl"), ("ru", None)]
)
def test_the_edit_form_of_a_page_follows_its_languages_direction(editor_client, homes, language, direction):
    page = article_add(home=homes[language], slug="story")
    response = editor_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.html["dir"] == "ltr"  # the editor's own interface stays as it is
    assert soup.select_one('input[name="title"]').get("dir") == direction
    assert soup.select_one('textarea[name="summary"]').get("dir") == direction
    if direction:
        assert soup.select_one('input[name="slug"]')["dir"] == "ltr"
        assert soup.select_one('input[name="title"]')["data-content-direction"] == "rtl"
    assert soup.select_one('script[src$="admin-content-direction.js"]') is not None


def test_a_new_page_under_a_dari_home_is_written_right_to_left(editor_client, homes):
    url = reverse("wagtailadmin_pages:add", args=["cms", "articlepage", homes["fa-af"].pk])
    soup = BeautifulSoup(editor_client.get(url).content, "html.parser")
    assert soup.select_one('input[name="title"]')["dir"] == "rtl"
