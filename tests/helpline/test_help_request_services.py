"""The help request services: submission with bad input, the status workflow, assignment, and the
public form's abuse throttle."""

import time

import pytest

from outreach.core.exceptions import ApplicationError
from outreach.helpline.models import STATUS_TRANSITIONS, HelpRequest
from outreach.helpline.services import (
    help_request_assign,
    help_request_client_key,
    help_request_submit,
    help_request_throttle_check,
    help_request_transition,
)
from tests.factories.helpline import HelpRequestFactory, helpline_member
from tests.factories.users import UserFactory, admin_user_with

pytestmark = pytest.mark.django_db

VALID = {
    "who": "family",
    "message": "  My brother talks about leaving for Syria.  ",
    "contact": " @nurlan_a ",
    "language": "RU",
    "source_page_id": 42,
}


def test_a_request_is_submitted_with_tidy_values():
    # when
    help_request = help_request_submit(**VALID)
    # then
    stored = HelpRequest.objects.get()
    assert stored.pk == help_request.pk
    assert (stored.who, stored.message, stored.contact, stored.language, stored.source_page_id) == (
        HelpRequest.Who.FAMILY,
        "My brother talks about leaving for Syria.",
        "@nurlan_a",
        "ru",
        42,
    )
    assert (stored.status, stored.assigned_to, stored.answered_at) == (HelpRequest.Status.NEW, None, None)


def test_a_request_may_come_without_contact_or_page_and_in_pashto():
    # when
    help_request_submit(**{**VALID, "contact": "", "source_page_id": None, "language": "ps"})
    # then
    assert HelpRequest.objects.values_list("contact", "source_page_id", "language").get() == ("", None, "ps")


@pytest.mark.parametrize(
    ("change", "message", "fields"),
    [
        ({"message": ""}, "Please write what you would like help with.", ["message"]),
        ({"message": "   \n "}, "Please write what you would like help with.", ["message"]),
        (
            {"message": "x" * 5001},
            "Ensure this value has at most 5000 characters (it has 5001).",
            ["message"],
        ),
        ({"contact": "7" * 201}, "Ensure this value has at most 200 characters (it has 201).", ["contact"]),
        ({"who": "stranger"}, "Value 'stranger' is not a valid choice.", ["who"]),
        ({"language": ""}, "This field cannot be blank.", ["language"]),
        ({"language": "russian!"}, "Choose a language code such as “kk”, “ru” or “ps”.", ["language"]),
        ({"source_page_id": -1}, "Ensure this value is greater than or equal to 0.", ["source_page_id"]),
    ],
)
def test_bad_input_gives_a_clear_message_and_saves_nothing(change, message, fields):
    # when
    with pytest.raises(ApplicationError) as raised:
        help_request_submit(**{**VALID, **change})
    # then
    assert raised.value.message == message
    assert list(raised.value.extra["fields"]) == fields
    assert HelpRequest.objects.count() == 0


def test_a_message_at_the_limit_is_accepted():
    # when
    help_request_submit(**{**VALID, "message": "ж" * 5000})
    # then
    assert len(HelpRequest.objects.get().message) == 5000


def test_the_workflow_is_declared_for_every_status():
    assert set(STATUS_TRANSITIONS) == set(HelpRequest.Status.values)
    assert all(targets <= set(HelpRequest.Status.values) for targets in STATUS_TRANSITIONS.values())


def test_taking_up_a_request_assigns_it_to_whoever_took_it():
    # given
    help_request = HelpRequestFactory()
    member = helpline_member()
    # when
    stored = help_request_transition(help_request=help_request, status="in_progress", actor=member)
    # then
    help_request.refresh_from_db()
    assert (help_request.status, help_request.assigned_to) == ("in_progress", member)
    assert stored.status == "in_progress"


def test_answering_records_when():
    # given
    help_request = HelpRequestFactory(in_progress=True)
    # when
    help_request_transition(help_request=help_request, status="answered", actor=helpline_member())
    # then
    help_request.refresh_from_db()
    assert help_request.status == "answered"
    assert help_request.answered_at is not None


@pytest.mark.parametrize(
    ("trait", "status"),
    [("new", "answered"), ("closed", "answered"), ("closed", "new"), ("answered", "new")],
)
def test_a_move_outside_the_workflow_is_refused_and_nothing_changes(trait, status):
    # given
    help_request = HelpRequestFactory(**({} if trait == "new" else {trait: True}))
    before = HelpRequest.objects.values().get()
    # when
    with pytest.raises(ApplicationError) as raised:
        help_request_transition(help_request=help_request, status=status, actor=helpline_member())
    # then
    current, target = HelpRequest.Status(before["status"]).label, HelpRequest.Status(status).label
    assert raised.value.message == f"A help request cannot go from “{current}” to “{target}”."
    assert list(HelpRequest.objects.values()) == [before]


def test_the_workflow_reads_the_stored_status_not_the_one_in_memory():
    # given: a new request whose status a form has set to "in progress" in memory, unsaved
    help_request = HelpRequestFactory()
    help_request.status = "in_progress"
    # when: in progress -> answered would be allowed, new -> answered is not
    with pytest.raises(ApplicationError):
        help_request_transition(help_request=help_request, status="answered", actor=helpline_member())
    # then
    help_request.refresh_from_db()
    assert (help_request.status, help_request.answered_at) == ("new", None)


def test_an_unknown_status_is_refused():
    help_request = HelpRequestFactory()
    with pytest.raises(ApplicationError) as raised:
        help_request_transition(help_request=help_request, status="lost", actor=helpline_member())
    assert raised.value.message == "“lost” is not a status of a help request."


@pytest.mark.parametrize(
    "actor",
    [
        lambda: admin_user_with(),
        lambda: admin_user_with("grants.view_programme"),
        lambda: admin_user_with("helpline.view_helprequest"),
        lambda: helpline_member(is_active=False),
    ],
)
def test_someone_who_may_not_change_requests_cannot_move_or_assign_them(actor):
    # given
    help_request = HelpRequestFactory()
    before = HelpRequest.objects.values().get()
    user = actor()
    # when / then
    with pytest.raises(ApplicationError) as raised:
        help_request_transition(help_request=help_request, status="in_progress", actor=user)
    assert raised.value.message == "You may not work on help requests."
    with pytest.raises(ApplicationError):
        help_request_assign(help_request=help_request, assignee=helpline_member(), actor=user)
    assert list(HelpRequest.objects.values()) == [before]


def test_a_request_is_assigned_only_to_someone_who_may_work_on_it():
    # given
    help_request = HelpRequestFactory()
    colleague = helpline_member(username="dana")
    # when
    help_request_assign(help_request=help_request, assignee=colleague, actor=UserFactory(superuser=True))
    # then
    help_request.refresh_from_db()
    assert help_request.assigned_to == colleague
    with pytest.raises(ApplicationError) as raised:
        help_request_assign(
            help_request=help_request, assignee=UserFactory(username="outsider"), actor=colleague
        )
    assert (
        raised.value.message
        == "outsider cannot work on help requests, so a request cannot be assigned to them."
    )
    help_request.refresh_from_db()
    assert help_request.assigned_to == colleague


def test_the_throttle_lets_n_submissions_an_hour_through_then_refuses(settings, monkeypatch):
    # given
    settings.HELPLINE_SUBMISSIONS_PER_HOUR = 3
    clock = [1_800_000_000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    key = help_request_client_key(remote_address="203.0.113.7")
    # when: three submissions ten minutes apart
    for _ in range(3):
        help_request_throttle_check(client_key=key)
        clock[0] += 600
    # then: the fourth within the hour is refused, and says when to try again
    with pytest.raises(ApplicationError) as raised:
        help_request_throttle_check(client_key=key)
    assert raised.value.message.startswith("Several requests have already been sent from this connection")
    assert raised.value.extra == {"retry_after": 1801}
    # another client is not affected
    help_request_throttle_check(client_key=help_request_client_key(remote_address="203.0.113.8"))
    # an hour after the first one, one more goes through, and then again not
    clock[0] += 1800
    help_request_throttle_check(client_key=key)
    with pytest.raises(ApplicationError):
        help_request_throttle_check(client_key=key)


def test_the_throttle_never_keeps_the_address_or_the_key_in_the_cache(settings):
    # given
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    address = "198.51.100.23"
    key = help_request_client_key(remote_address=address)
    # when
    help_request_throttle_check(client_key=key)
    # then
    stored_keys = " ".join(cache._cache.keys())  # LocMemCache's own store
    assert address not in stored_keys
    assert key not in stored_keys
    assert address not in key


def test_the_client_key_is_keyed_by_the_secret(settings):
    first = help_request_client_key(remote_address="203.0.113.7")
    settings.SECRET_KEY = "another-secret-key-for-this-test-only"
    assert help_request_client_key(remote_address="203.0.113.7") != first
