import pytest
from wagtail.models import Page

from cms.demo import demo_admin_ensure, demo_load
from cms.pages.kinds import ArticlePage
from outreach.campaigns.models import Partner
from outreach.grants.models import Programme

pytestmark = pytest.mark.django_db


def test_demo_content_loads_in_three_languages_and_a_second_run_changes_nothing(client):
    # when
    first = demo_load()
    pages_after_first = Page.objects.count()
    second = demo_load()
    # then
    assert first == {"pages": 9, "programmes": 1, "partners": 2}
    assert second == {"pages": 0, "programmes": 0, "partners": 0}
    assert Page.objects.count() == pages_after_first
    assert Programme.objects.count() == 1
    assert Partner.objects.count() == 2
    by_language = {
        code: ArticlePage.objects.live().filter(locale__language_code=code).count()
        for code in ("kk", "ru", "en")
    }
    assert by_language == {"kk": 3, "ru": 3, "en": 3}
    response = client.get("/kk/hijra-to-a-war-zone/")
    assert response.status_code == 200
    assert "Ғалымдар не дейді" in response.content.decode()


def test_demo_keeps_an_editors_change_on_a_second_run():
    demo_load()
    article = ArticlePage.objects.get(slug="recruiters-promises", locale__language_code="en")
    article.title = "Edited by an editor"
    article.save_revision().publish()
    demo_load()
    article.refresh_from_db()
    assert article.title == "Edited by an editor"


def test_demo_admin_is_created_once_with_the_same_password(settings, tmp_path, client):
    settings.VAR_DIR = tmp_path
    username, password = demo_admin_ensure()
    again = demo_admin_ensure()
    assert again == (username, password)
    assert client.login(username=username, password=password)
    assert (tmp_path / "admin-password.txt").stat().st_mode & 0o777 == 0o600
