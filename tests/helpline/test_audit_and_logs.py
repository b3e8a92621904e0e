"""Each look at a help request is in Wagtail's audit log, and what a person wrote is never in the
audit log, an application log record, str() or repr()."""

import logging

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.log_actions import registry
from wagtail.models import ModelLogEntry

from outreach.core.exceptions import ApplicationError
from outreach.helpline.models import HelpRequest
from outreach.helpline.services import help_request_submit
from tests.factories.helpline import HelpRequestFactory, helpline_member
from tests.factories.users import UserFactory, admin_user_with

pytestmark = pytest.mark.django_db

MESSAGE = "Мой брат хочет уехать в Сирию, я боюсь за него"
CONTACT = "telegram @secret_sister_77"


def entries_for(help_request: HelpRequest):
    return ModelLogEntry.objects.for_instance(help_request).order_by("pk")


def test_the_helpline_group_holds_exactly_what_its_work_needs():
    group = Group.objects.get(name="Helpline")
    assert sorted(f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()) == [
        "helpline.change_helprequest",
        "helpline.view_helprequest",
        "wagtailadmin.access_admin",
        # A second factor is compulsory for the group (cms migration 0004).
        "wagtailadmin.enable_2fa",
    ]


def test_the_audit_actions_are_registered():
    assert all(
        registry.action_exists(action)
        for action in ("helpline.view", "helpline.transition", "helpline.assign")
    )
    assert registry.get_action_label("helpline.view") == "View help request"
    assert registry.get_action_label("helpline.transition") == "Change help request status"
    assert registry.get_action_label("helpline.assign") == "Assign help request"


@pytest.mark.parametrize("view", ["inspect", "edit"])
def test_opening_a_request_is_recorded_with_who_and_where_but_not_what_it_says(client, view):
    # given
    help_request = HelpRequestFactory(message=MESSAGE, contact=CONTACT)
    member = helpline_member(username="dana")
    client.force_login(member)
    # when
    response = client.get(reverse(f"help_requests:{view}", args=[help_request.pk]))
    # then
    assert response.status_code == 200
    entry = entries_for(help_request).get()
    assert (entry.action, entry.user, entry.data, entry.label) == (
        "helpline.view",
        member,
        {"view": view},
        f"Help request #{help_request.pk}",
    )
    assert MESSAGE not in str(entry.data) and CONTACT not in str(entry.data)
    assert registry.get_formatter(entry).format_message(entry) == "Viewed help request"


def test_each_opening_is_recorded_again(client):
    # given
    help_request = HelpRequestFactory()
    client.force_login(helpline_member())
    url = reverse("help_requests:inspect", args=[help_request.pk])
    # when
    client.get(url)
    client.get(url)
    # then
    assert entries_for(help_request).filter(action="helpline.view").count() == 2


def test_a_refused_look_records_nothing_and_shows_nothing(client):
    # given
    help_request = HelpRequestFactory(message=MESSAGE, contact=CONTACT)
    client.force_login(admin_user_with("grants.view_programme"))
    # when
    response = client.get(reverse("help_requests:inspect", args=[help_request.pk]))
    # then
    assert response.status_code in (302, 403)
    assert MESSAGE not in response.content.decode()
    assert not entries_for(help_request).exists()


def test_a_status_change_is_recorded_with_its_move(client):
    # given
    help_request = HelpRequestFactory()
    member = helpline_member()
    client.force_login(member)
    # when
    client.post(
        reverse("help_requests:edit", args=[help_request.pk]), {"status": "in_progress", "assigned_to": ""}
    )
    # then
    transition = entries_for(help_request).get(action="helpline.transition")
    assert (transition.user, transition.data) == (member, {"from": "new", "to": "in_progress"})
    history = client.get(reverse("help_requests:history", args=[help_request.pk])).content.decode()
    assert "Status changed from “New” to “In progress”" in history


def test_str_and_repr_never_show_the_message_or_contact():
    help_request = HelpRequestFactory(message=MESSAGE, contact=CONTACT)
    assert str(help_request) == f"Help request #{help_request.pk}"
    assert repr(help_request) == f"<HelpRequest id={help_request.pk} status=new>"
    assert str(HelpRequest(message=MESSAGE)) == "New help request"


def test_no_log_record_carries_the_message_or_contact(client, caplog):
    # given: every logger at DEBUG, SQL statements (with their parameters) logged too
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    member = helpline_member()
    superuser = UserFactory(superuser=True)
    with CaptureQueriesContext(connection):
        # when: a good submission, bad ones, and the admin views a helpline member and a superuser use
        help_request = help_request_submit(
            who="friend", message=MESSAGE, contact=CONTACT, language="ru", source_page_id=7
        )
        for bad in ({"message": MESSAGE * 200}, {"who": "nobody"}, {"contact": CONTACT * 20}):
            with pytest.raises(ApplicationError):
                help_request_submit(
                    **{"who": "friend", "message": MESSAGE, "contact": CONTACT, "language": "ru",
                       "source_page_id": None, **bad}
                )  # fmt: skip
        for user in (member, superuser):
            client.force_login(user)
            for name in ("index", "inspect", "edit", "history"):
                args = [] if name == "index" else [help_request.pk]
                assert client.get(reverse(f"help_requests:{name}", args=args)).status_code == 200
        edit = reverse("help_requests:edit", args=[help_request.pk])
        client.post(edit, {"status": "answered", "assigned_to": ""})  # refused by the workflow
        client.post(edit, {"status": "in_progress", "assigned_to": member.pk})
        client.force_login(admin_user_with())
        client.get(reverse("help_requests:inspect", args=[help_request.pk]))  # refused: 403 is logged
        client.force_login(superuser)
        client.post(reverse("help_requests:delete", args=[help_request.pk]))
    # then
    assert caplog.records, "the scenario should have logged something (SQL at least)"
    assert any("helpline_helprequest" in record.getMessage() for record in caplog.records)
    for record in caplog.records:
        text = record.getMessage() + (record.exc_text or "") + repr(record.__dict__)
        for secret in (MESSAGE, CONTACT, "Сирию", "secret_sister"):
            assert secret not in text, f"{record.name}: {record.getMessage()[:200]}"
