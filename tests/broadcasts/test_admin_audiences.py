"""Audiences in the admin: a rule of checkboxes and dates, a live count that never shows a group
smaller than settings.OUTREACH_MIN_GROUP_SIZE exactly, topics named in the admin user's language,
the audited export of addresses, and the suppressed addresses listing."""

import datetime

import pytest
from django.urls import reverse
from wagtail.models import Locale, ModelLogEntry

from outreach.audiences.models import Audience
from tests.factories.audiences import SubscriberFactory
from tests.factories.broadcasts import AudienceFactory, SuppressionFactory
from tests.factories.cms import TopicFactory
from tests.factories.users import UserFactory, admin_user_with, in_english
from tests.queries import assert_queries_constant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def test_a_manager_saves_an_audience_rule(client, manager, home):
    # given
    topic = TopicFactory(name="Family")
    client.force_login(manager)
    data = {
        "name": "Young readers in the west",
        "description": "For the spring campaign.",
        "languages": ["kk", "ru"],
        "topics": [str(topic.translation_key)],
        "regions": ["kz-zap", "kz-aty"],
        "frequencies": ["weekly"],
        "subscribed_from": "2026-01-01",
        "subscribed_until": "2026-06-30",
    }
    # when
    response = client.post(reverse("outreach_audiences:add"), data)
    # then
    assert response.status_code == 302
    audience = Audience.objects.get()
    assert (audience.languages, audience.topics, audience.regions, audience.frequencies) == (
        ["kk", "ru"],
        [str(topic.translation_key)],
        ["kz-zap", "kz-aty"],
        ["weekly"],
    )
    assert (audience.subscribed_from, audience.subscribed_until) == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 6, 30),
    )
    assert audience.created_by == manager


def test_reversed_dates_are_explained_and_nothing_is_saved(client, manager):
    # given
    client.force_login(manager)
    data = {"name": "Reversed", "subscribed_from": "2026-06-30", "subscribed_until": "2026-01-01"}
    # when
    response = client.post(reverse("outreach_audiences:add"), data)
    # then
    assert response.status_code == 200
    assert "The last day of subscription cannot be before the first." in response.content.decode()
    assert not Audience.objects.exists()


def test_topics_are_named_in_the_admin_users_language_else_the_default(client, manager, home):
    # given
    family = TopicFactory(name="Отбасы", locale=Locale.objects.get(language_code="kk"))
    TopicFactory(
        name="Family", locale=Locale.objects.get(language_code="en"), translation_key=family.translation_key
    )
    TopicFactory(name="Ғылым", locale=Locale.objects.get(language_code="kk"))
    client.force_login(manager)
    # when
    html = client.get(reverse("outreach_audiences:add")).content.decode()
    # then
    assert "Family" in html
    assert "Ғылым" in html
    assert "Отбасы" not in html


def test_the_live_count_hides_small_groups(client, manager, settings):
    # given
    settings.OUTREACH_MIN_GROUP_SIZE = 10
    SubscriberFactory.create_batch(12, active=True, language="ru")
    SubscriberFactory.create_batch(3, active=True, language="kk")
    SubscriberFactory.create_batch(5, language="kk")  # pending: never counted
    client.force_login(manager)
    url = reverse("outreach_audiences:count")
    # when
    russian = client.get(url, {"languages": ["ru"]}).json()
    kazakh = client.get(url, {"languages": ["kk"]}).json()
    everyone = client.get(url).json()
    bad = client.get(url, {"languages": ["xx"]})
    # then
    assert russian == {"count": 12, "display": "12"}
    assert kazakh == {"count": None, "display": "fewer than 10"}
    assert everyone == {"count": 15, "display": "15"}
    assert bad.status_code == 400


def test_the_edit_and_inspect_pages_show_the_count_and_the_form_asks_again(client, manager):
    # given
    SubscriberFactory.create_batch(2, active=True, language="ru")
    audience = AudienceFactory(languages=["ru"])
    client.force_login(manager)
    # when
    edit = client.get(reverse("outreach_audiences:edit", args=[audience.pk])).content.decode()
    inspect = client.get(reverse("outreach_audiences:inspect", args=[audience.pk])).content.decode()
    # then
    for html in (edit, inspect):
        assert "<strong data-audience-count-value>fewer than 10</strong>" in html
        assert reverse("outreach_audiences:count") in html
    assert 'form.addEventListener("change", later);' in edit


def test_the_export_is_offered_and_allowed_only_to_its_permission_holders(client, manager):
    # given
    SubscriberFactory(active=True, language="ru", email="aliya@example.org")
    audience = AudienceFactory(languages=["ru"])
    officer = in_english(
        admin_user_with(
            "audiences.view_subscriber",
            "audiences.view_subscriber_personal_data",
            "audiences.view_audience",
            "audiences.export_audience",
        )
    )
    inspect_url = reverse("outreach_audiences:inspect", args=[audience.pk])
    export_url = reverse("outreach_audiences:export", args=[audience.pk])
    # when
    client.force_login(manager)
    manager_page = client.get(inspect_url).content.decode()
    refused = client.post(export_url)
    client.force_login(officer)
    officer_page = client.get(inspect_url).content.decode()
    exported = client.post(export_url)
    # then
    assert export_url not in manager_page
    assert refused.status_code == 403
    assert b"aliya@example.org" not in refused.content
    assert export_url in officer_page
    assert exported.status_code == 200
    assert exported["Content-Disposition"] == f'attachment; filename="audience-{audience.pk}.csv"'
    assert "aliya@example.org,ru" in exported.content.decode()
    entry = ModelLogEntry.objects.get(action="audiences.export_audience")
    assert (entry.user_id, entry.message) == (officer.pk, "Exported the addresses of the audience's members")


def test_suppressed_addresses_show_the_address_only_with_the_personal_data_permission(client, manager):
    # given
    SuppressionFactory(email="bounced@example.org")
    url = reverse("outreach_suppressions:index")
    # when
    client.force_login(manager)
    manager_html = client.get(url).content.decode()
    client.force_login(in_english(UserFactory(superuser=True)))
    superuser_html = client.get(url).content.decode()
    # then
    assert "Hard bounce" in manager_html
    assert "bounced@example.org" not in manager_html
    assert "bounced@example.org" in superuser_html


def test_the_audience_and_suppression_listings_queries_do_not_grow(client, manager):
    # given
    AudienceFactory.create_batch(2)
    SuppressionFactory.create_batch(2)
    client.force_login(manager)

    def grow():
        AudienceFactory.create_batch(10)
        SuppressionFactory.create_batch(10)

    # when / then
    # 1 session, 2 user, 3 second-factor devices, 4-5 user and group permissions, 6 admin profile,
    # 7 count, 8 locales, 9-10 page and collection permissions (admin menu), 11 the page of rows
    for url in (reverse("outreach_audiences:index"), reverse("outreach_suppressions:index")):
        assert_queries_constant(lambda url=url: client.get(url), grow, expected=11)
