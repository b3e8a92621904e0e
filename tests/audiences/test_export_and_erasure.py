"""A subscriber's data on request: the export of everything held about them and the erasure that
keeps an anonymous consent trail, both in Wagtail's audit log without the address."""

import json

import pytest
from django.urls import reverse
from wagtail.log_actions import registry
from wagtail.models import ModelLogEntry

from outreach.audiences.models import ConsentRecord, Subscriber
from outreach.audiences.services import subscriber_erase, subscriber_export
from outreach.core.exceptions import ApplicationError
from tests.factories.audiences import (
    CONFIRMED_AT,
    UNSUBSCRIBED_AT,
    SubscriberFactory,
    outreach_manager,
    personal_data_officer,
)
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db

TOPIC = "5f0c6c2e-8a2b-4d5e-9a51-0b7f3e2d1c4a"
ADDRESS = "aliya@example.org"


def entries(pk: int):
    return ModelLogEntry.objects.filter(content_type__app_label="audiences", object_id=str(pk)).order_by("pk")


def test_the_audit_actions_are_registered():
    assert registry.action_exists("audiences.export") and registry.action_exists("audiences.erase")
    assert registry.get_action_label("audiences.export") == "Export subscriber data"
    assert registry.get_action_label("audiences.erase") == "Erase subscriber"


def test_the_export_holds_everything_about_the_subscriber_and_is_audited_without_the_address():
    # given
    subscriber = SubscriberFactory(
        email=ADDRESS, unsubscribed=True, topics=[TOPIC], language="tg", frequency="monthly"
    )
    officer = personal_data_officer()
    # when
    data = subscriber_export(subscriber=subscriber, actor=officer)
    # then
    assert json.loads(json.dumps(data)) == data
    held = data["subscriber"]
    assert {key: held[key] for key in ("id", "email", "language", "topics", "frequency", "status")} == {
        "id": subscriber.pk,
        "email": ADDRESS,
        "language": "tg",
        "topics": [TOPIC],
        "frequency": "monthly",
        "status": "unsubscribed",
    }
    assert (held["confirmed_at"], held["unsubscribed_at"]) == (
        CONFIRMED_AT.isoformat(),
        UNSUBSCRIBED_AT.isoformat(),
    )
    assert (held["request_source"], held["request_wording_version"]) == (
        "subscribe-form",
        "2026-11-digest-v1",
    )
    assert set(held) == {
        "id", "email", "language", "topics", "frequency", "region", "status", "created_at", "updated_at",
        "requested_at", "request_source", "request_wording_version", "confirmed_at", "unsubscribed_at",
    }  # fmt: skip
    assert [(r["action"], r["at"], r["source"]) for r in data["consent_records"]] == [
        ("given", CONFIRMED_AT.isoformat(), "subscribe-form"),
        ("withdrawn", UNSUBSCRIBED_AT.isoformat(), "unsubscribe-link"),
    ]
    entry = entries(subscriber.pk).get()
    assert (entry.action, entry.user, entry.data, entry.label) == (
        "audiences.export",
        officer,
        {"subscriber": subscriber.pk},
        f"Subscriber #{subscriber.pk}",
    )


@pytest.mark.parametrize("actor", [lambda: outreach_manager(), lambda: UserFactory(), lambda: None])
def test_only_someone_who_may_see_personal_data_may_export(actor):
    subscriber = SubscriberFactory(email=ADDRESS)
    with pytest.raises(ApplicationError) as raised:
        subscriber_export(subscriber=subscriber, actor=actor())
    assert raised.value.message == "You may not export subscribers' personal data."
    assert not entries(subscriber.pk).exists()


def test_the_export_in_the_admin_is_a_json_download(client):
    # given
    subscriber = SubscriberFactory(email=ADDRESS, active=True)
    client.force_login(UserFactory(superuser=True))
    # when
    response = client.post(reverse("subscribers:export", args=[subscriber.pk]))
    # then
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="subscriber-{subscriber.pk}.json"'
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}
    assert json.loads(response.content)["subscriber"]["email"] == ADDRESS
    assert entries(subscriber.pk).get().action == "audiences.export"
    # a GET (a link someone could be lured to) exports nothing
    assert client.get(reverse("subscribers:export", args=[subscriber.pk])).status_code == 405
    assert entries(subscriber.pk).count() == 1


def test_erasure_deletes_the_person_and_keeps_an_anonymous_consent_trail():
    # given
    subscriber = SubscriberFactory(email=ADDRESS, unsubscribed=True, topics=[TOPIC])
    other = SubscriberFactory(active=True)
    officer = personal_data_officer()
    pk = subscriber.pk
    # when
    subscriber_erase(subscriber=subscriber, actor=officer)
    # then: nothing that names them is left
    assert not Subscriber.objects.filter(pk=pk).exists()
    assert not Subscriber.objects.filter(email=ADDRESS).exists()
    trail = list(
        ConsentRecord.objects.filter(subscriber__isnull=True).values_list(
            "action", "at", "source", "wording_version"
        )
    )
    assert trail == [
        ("given", CONFIRMED_AT, "subscribe-form", "2026-11-digest-v1"),
        ("withdrawn", UNSUBSCRIBED_AT, "unsubscribe-link", "2026-11-digest-v1"),
    ]
    assert other.consent_records.count() == 1
    # and the erasure is in the audit log, with the id only
    entry = entries(pk).get()
    assert (entry.action, entry.user, entry.data, entry.label) == (
        "audiences.erase",
        officer,
        {"subscriber": pk, "consent_records_kept": 2},
        f"Subscriber #{pk}",
    )
    assert ADDRESS not in json.dumps(entry.data) + entry.label
    assert registry.get_formatter(entry).format_message(entry) == (
        "Erased the subscriber; the consent history was kept anonymously"
    )


def test_only_someone_allowed_may_erase_and_a_refusal_changes_nothing():
    # given
    subscriber = SubscriberFactory(email=ADDRESS, active=True)
    before = list(Subscriber.objects.values()), list(ConsentRecord.objects.values())
    for actor in (outreach_manager(), UserFactory(), None, UserFactory(superuser=True, inactive=True)):
        # when
        with pytest.raises(ApplicationError) as raised:
            subscriber_erase(subscriber=subscriber, actor=actor)
        # then
        assert raised.value.message == "You may not erase subscribers."
    assert (list(Subscriber.objects.values()), list(ConsentRecord.objects.values())) == before
    assert not entries(subscriber.pk).exists()


def test_delete_in_the_admin_is_the_audited_erasure(client):
    # given
    subscriber = SubscriberFactory(email=ADDRESS, active=True)
    superuser = UserFactory(superuser=True)
    client.force_login(superuser)
    # when
    page = client.get(reverse("subscribers:delete", args=[subscriber.pk])).content.decode()
    response = client.post(reverse("subscribers:delete", args=[subscriber.pk]))
    # then
    assert "consent history is kept without anything that says who they were" in page
    assert ADDRESS not in page
    assert response.status_code == 302
    assert not Subscriber.objects.exists()
    assert ConsentRecord.objects.get().subscriber is None
    assert [(e.action, e.user) for e in entries(subscriber.pk)] == [("audiences.erase", superuser)]
    history = client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    assert ADDRESS not in history


def test_the_audit_history_of_a_subscriber_is_shown_to_viewers(client):
    # given
    subscriber = SubscriberFactory(email=ADDRESS)
    subscriber_export(subscriber=subscriber, actor=personal_data_officer(username="dpo"))
    client.force_login(outreach_manager())
    # when
    response = client.get(reverse("subscribers:history", args=[subscriber.pk]))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Exported the subscriber&#x27;s data" in html or "Exported the subscriber's data" in html
    assert ADDRESS not in html
