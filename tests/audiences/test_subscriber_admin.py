"""Subscribers in the Wagtail admin: every role against every door, refused POSTs change nothing,
addresses and topics only for holders of the personal-data permission, the consent history, and a
listing whose query count does not grow with the rows."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from outreach.audiences.models import ConsentRecord, Subscriber
from outreach.audiences.selectors import subscriber_consent_history, subscribers_visible_to
from tests.factories.audiences import SubscriberFactory, outreach_manager, personal_data_officer
from tests.factories.helpline import editor, helpline_member
from tests.factories.users import UserFactory, admin_user_with
from tests.queries import assert_queries_constant, count_queries

pytestmark = pytest.mark.django_db

ACTIONS = ("view", "personal data", "add", "change", "delete")
TOPIC = "5f0c6c2e-8a2b-4d5e-9a51-0b7f3e2d1c4a"


def roles():
    """Each role with what it may do with subscribers: (view, personal data and export, add,
    change, delete = erase)."""
    return {
        "anonymous": (None, (False, False, False, False, False)),
        "no admin access": (UserFactory(), (False, False, False, False, False)),
        "admin, no rights": (admin_user_with(), (False, False, False, False, False)),
        "editor (page permissions)": (editor(), (False, False, False, False, False)),
        "helpline member": (helpline_member(), (False, False, False, False, False)),
        "outreach manager": (outreach_manager(), (True, False, False, False, False)),
        "personal data officer": (personal_data_officer(), (True, True, False, False, True)),
        "superuser": (UserFactory(superuser=True), (True, True, False, False, True)),
        "inactive superuser": (
            UserFactory(superuser=True, inactive=True),
            (False, False, False, False, False),
        ),
    }


def doors(subscriber: Subscriber) -> dict[str, list[str]]:
    pk = subscriber.pk
    return {
        "view": [
            reverse("subscribers:index"),
            reverse("subscribers:inspect", args=[pk]),
            reverse("subscribers:history", args=[pk]),
        ],
        "personal data": [],  # checked on the pages' content and by the export POST below
        "add": [reverse("subscribers:add")],
        "change": [reverse("subscribers:edit", args=[pk]), reverse("subscribers:usage", args=[pk])],
        "delete": [reverse("subscribers:delete", args=[pk])],
    }


def test_the_outreach_manager_group_holds_exactly_what_its_work_needs():
    group = Group.objects.get(name="Outreach manager")
    held = sorted(f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all())
    # Subscribers without their addresses or topics, and everything outreach needs; never the
    # personal-data permission, the export of an audience's addresses or erasure.
    assert held == sorted(
        [
            "audiences.view_consentrecord",
            "audiences.view_subscriber",
            *(f"audiences.{action}_audience" for action in ("add", "change", "delete", "view")),
            *(
                f"broadcasts.{action}_{model}"
                for model in ("message", "broadcast", "digest", "channeltarget")
                for action in ("add", "change", "delete", "view")
            ),
            "broadcasts.approve_message",
            "broadcasts.send_broadcast",
            "broadcasts.use_emergency_stop",
            "django_celery_beat.add_crontabschedule",
            "django_celery_beat.change_crontabschedule",
            "django_celery_beat.view_crontabschedule",
            "wagtailadmin.access_admin",
        ]
    )


def test_an_administrator_can_grant_the_personal_data_permission_in_the_group_editor(client):
    # given
    group = Group.objects.get(name="Outreach manager")
    client.force_login(UserFactory(superuser=True))
    # when
    response = client.get(reverse("wagtailusers_groups:edit", args=[group.pk]))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Can see subscribers&#x27; email addresses and topics" in html
    assert "consent record" in html.lower()


def test_every_role_against_every_subscriber_door(client):
    # given
    subscriber = SubscriberFactory(email="aliya@example.org", active=True, topics=[TOPIC])
    for role, (user, allowed) in roles().items():
        if user is not None:
            client.force_login(user)
        for action, may in zip(ACTIONS, allowed, strict=True):
            for url in doors(subscriber)[action]:
                # when
                status = client.get(url).status_code
                # then
                assert (status == 200) is may, f"{role} {action} {url}: {status}"
                if not may:
                    assert status in (302, 403), f"{role} {action} {url}: {status}"
        # the export is a POST: a download for whoever may see personal data
        response = client.post(reverse("subscribers:export", args=[subscriber.pk]))
        assert (response.status_code == 200) is allowed[1], f"{role} export: {response.status_code}"
        if not allowed[1]:
            assert response.status_code in (302, 403), f"{role} export: {response.status_code}"
            assert b"aliya@example.org" not in response.content
        # the selectors answer as the doors do
        assert subscribers_visible_to(user=user).exists() is allowed[0], role
        assert subscriber_consent_history(subscriber=subscriber, user=user).exists() is allowed[0], role
        client.logout()


def test_refused_posts_change_nothing(client):
    # given
    subscriber = SubscriberFactory(active=True)

    def stored():
        return list(Subscriber.objects.values()), list(ConsentRecord.objects.values())

    before = stored()
    for role, (user, allowed) in roles().items():
        if user is not None:
            client.force_login(user)
        _view, _personal, may_add, may_change, may_delete = allowed
        posts = [
            (may_add, reverse("subscribers:add"), {"email": "new@example.org"}),
            (may_change, reverse("subscribers:edit", args=[subscriber.pk]), {"status": "unsubscribed"}),
            (may_delete, reverse("subscribers:delete", args=[subscriber.pk]), {}),
        ]
        for may, url, data in posts:
            if may:
                continue
            # when
            status = client.post(url, data).status_code
            # then
            assert status in (302, 403), f"{role} POST {url}: {status}"
            assert stored() == before, f"{role} POST {url} changed a subscriber"
        client.logout()


def test_the_manager_sees_status_language_frequency_and_date_but_no_address_or_topic(client):
    # given
    subscriber = SubscriberFactory(
        email="aliya@example.org", active=True, language="kk", frequency="monthly", topics=[TOPIC]
    )
    client.force_login(outreach_manager())
    # when
    listing = client.get(reverse("subscribers:index")).content.decode()
    inspect = client.get(reverse("subscribers:inspect", args=[subscriber.pk])).content.decode()
    # then
    assert f"Subscriber #{subscriber.pk}" in listing
    assert "Subscribed" in listing and "kk" in listing and "Monthly" in listing
    for html in (listing, inspect):
        assert "aliya" not in html
        assert TOPIC not in html
    # no search box: searching by address would tell whether an address is on the list
    assert 'name="q"' not in listing
    # the consent history is shown, without anything that names the person
    assert "Consent history" in inspect and "Consent given" in inspect and "2026-11-digest-v1" in inspect
    assert "Export personal data" not in inspect


def test_a_search_by_address_from_the_manager_is_ignored(client):
    # given
    SubscriberFactory(email="aliya@example.org")
    SubscriberFactory(email="bolat@example.org")
    client.force_login(outreach_manager())
    # when
    response = client.get(reverse("subscribers:index"), {"q": "aliya"})
    # then: the same two rows as without the query
    assert len(response.context["object_list"]) == 2


def test_the_personal_data_officer_sees_and_searches_addresses_and_sees_topics(client):
    # given
    subscriber = SubscriberFactory(email="aliya@example.org", active=True, topics=[TOPIC])
    SubscriberFactory(email="bolat@example.org")
    client.force_login(personal_data_officer())
    # when
    listing = client.get(reverse("subscribers:index")).content.decode()
    found = client.get(reverse("subscribers:index"), {"q": "aliya"})
    inspect = client.get(reverse("subscribers:inspect", args=[subscriber.pk])).content.decode()
    # then
    assert "aliya@example.org" in listing and "bolat@example.org" in listing
    assert TOPIC not in listing  # topics are shown one subscriber at a time, never in a list
    assert [row.pk for row in found.context["object_list"]] == [subscriber.pk]
    assert "aliya@example.org" in inspect and TOPIC in inspect
    assert "Export personal data" in inspect


def test_the_listing_queries_do_not_grow_with_the_rows(client):
    # given
    SubscriberFactory.create_batch(2)
    SubscriberFactory(active=True)
    url = reverse("subscribers:index")

    def grow() -> None:
        SubscriberFactory.create_batch(20)
        SubscriberFactory.create_batch(3, active=True)
        SubscriberFactory.create_batch(2, unsubscribed=True)

    for user in (outreach_manager(), personal_data_officer()):
        client.force_login(user)
        # when / then
        # 1 session, 2 user, 3 second-factor devices, 4 user's permissions, 5 group permissions,
        # 6 admin profile, 7 count, 8 locales, 9-10 page and collection permissions (admin menu),
        # 11 page of subscribers
        assert_queries_constant(lambda: client.get(url), grow, expected=11)


def test_the_managers_listing_never_reads_addresses_or_topics(client):
    # given
    SubscriberFactory.create_batch(3)
    client.force_login(outreach_manager())
    # when
    _count, sql = count_queries(lambda: client.get(reverse("subscribers:index")))
    # then
    listing = [query for query in sql if "audiences_subscriber" in query]
    assert listing
    assert not [query for query in listing if '"email"' in query or '"topics"' in query]
