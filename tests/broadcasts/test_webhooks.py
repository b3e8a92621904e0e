"""Bounces and complaints coming back: through django-anymail's real Postmark tracking view with
Postmark's payloads, and through the signed endpoint for mail servers without a provider. Every bad
request is refused with its reason and writes nothing; nothing is written twice."""

import base64
import json
import logging
import time

import pytest
from anymail.signals import AnymailTrackingEvent, tracking
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse

from outreach.audiences.models import Suppression
from outreach.broadcasts.webhooks import signature_for, webhooks_connect
from tests.factories.broadcasts import SuppressionFactory

# Until outreach/urls.py includes them, this module is the URLconf of its own tests.
urlpatterns = [path("webhooks/", include("outreach.broadcasts.urls"))]

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.broadcasts.test_webhooks")]

SECRET = "a-long-random-shared-secret"  # noqa: S105
ANYMAIL_AUTH = "postmark:webhook-password"
ADDRESS = "Aliya.Reader@Example.org"


@pytest.fixture(autouse=True)
def configured(settings):
    settings.LANGUAGE_CODE = "en"
    settings.OUTREACH_WEBHOOK_SECRET = SECRET
    settings.ANYMAIL = {"WEBHOOK_SECRET": ANYMAIL_AUTH}
    webhooks_connect()


def rows() -> list[tuple[str, str, str]]:
    return list(Suppression.objects.order_by("email").values_list("email", "reason", "event_id"))


# --- django-anymail: Postmark ---------------------------------------------------------------------


def postmark_bounce(**changes) -> dict:
    """A bounce webhook as Postmark sends it (https://postmarkapp.com/developer/webhooks/bounce-webhook)."""
    return {
        "RecordType": "Bounce",
        "MessageStream": "broadcasts",
        "ID": 4323372036854775807,
        "Type": "HardBounce",
        "TypeCode": 1,
        "Name": "Hard bounce",
        "Tag": "broadcast",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Metadata": {},
        "ServerID": 23,
        "Description": "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": ADDRESS,
        "From": "digest@outreach.localhost",
        "BouncedAt": "2026-11-20T16:33:54.9070259Z",
        "DumpAvailable": True,
        "Inactive": True,
        "CanActivate": True,
        "Subject": "Новое за неделю",
        **changes,
    }


def postmark_post(payload: dict, auth: str = ANYMAIL_AUTH):
    credentials = base64.b64encode(auth.encode()).decode()
    return Client().post(
        reverse("webhooks:anymail:postmark_tracking_webhook"),
        data=json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {credentials}",
    )


def test_the_anymail_url_sits_under_webhooks():
    assert reverse("webhooks:anymail:postmark_tracking_webhook") == "/webhooks/anymail/postmark/tracking/"


def test_a_postmark_hard_bounce_suppresses_the_address_once():
    # when
    first = postmark_post(postmark_bounce())
    replay = postmark_post(postmark_bounce())
    # then
    assert (first.status_code, replay.status_code) == (200, 200)
    assert rows() == [("aliya.reader@example.org", "bounce", "anymail:postmark:4323372036854775807")]


def test_a_postmark_spam_complaint_suppresses_the_address():
    # given
    complaint = postmark_bounce(
        RecordType="SpamComplaint", Type="SpamComplaint", TypeCode=512, Name="Spam complaint", ID=42
    )
    # when
    response = postmark_post(complaint)
    # then
    assert response.status_code == 200
    assert rows() == [("aliya.reader@example.org", "complaint", "anymail:postmark:42")]


@pytest.mark.parametrize(
    "payload",
    [
        postmark_bounce(Type="SoftBounce", TypeCode=4096, Name="Soft bounce"),
        postmark_bounce(Type="Transient", TypeCode=2, Name="Message delayed"),
        {
            "RecordType": "Delivery",
            "MessageStream": "broadcasts",
            "ServerID": 23,
            "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
            "Recipient": ADDRESS,
            "Tag": "broadcast",
            "DeliveredAt": "2026-11-20T16:33:54.9070259Z",
            "Details": "Test delivery webhook details",
            "Metadata": {},
        },
    ],
    ids=["soft-bounce", "transient", "delivered"],
)
def test_a_soft_bounce_or_a_delivery_suppresses_nothing(payload):
    # when
    response = postmark_post(payload)
    # then
    assert response.status_code == 200
    assert rows() == []


def test_a_postmark_webhook_without_the_right_password_writes_nothing():
    # when
    response = postmark_post(postmark_bounce(), auth="postmark:guessed")
    # then
    assert response.status_code == 400
    assert rows() == []


def test_a_bounce_for_something_that_is_not_an_address_is_acknowledged_and_ignored(caplog):
    # given: an error would only make the provider send it again and again
    caplog.set_level(logging.INFO)
    # when
    response = postmark_post(postmark_bounce(Email="undisclosed-recipients"))
    # then
    assert response.status_code == 200
    assert rows() == []
    assert [record.getMessage() for record in caplog.records if record.name.startswith("outreach")] == [
        "Ignored a bounce event from Postmark: its recipient is not a valid address."
    ]


@pytest.mark.parametrize(
    ("bounce_type", "suppressed"), [("Permanent", True), ("Transient", False), ("Undetermined", False)]
)
def test_amazon_ses_bounces_suppress_only_when_permanent(bounce_type, suppressed):
    # given: the event as anymail's Amazon SES view normalises it
    event = AnymailTrackingEvent(
        event_type="bounced",
        event_id="ses-1",
        recipient=ADDRESS,
        esp_event={"eventType": "Bounce", "bounce": {"bounceType": bounce_type, "bounceSubType": "General"}},
    )
    # when
    tracking.send(sender=object, event=event, esp_name="Amazon SES")
    # then
    assert rows() == (
        [("aliya.reader@example.org", "bounce", "anymail:amazon-ses:ses-1")] if suppressed else []
    )


# --- The signed endpoint --------------------------------------------------------------------------


def signed_post(
    body, *, secret: str = SECRET, timestamp: int | None = None, age: int = 0, signature: str | None = None
):
    """POST `body` to the endpoint signed with `secret`, sent `age` seconds ago (or at `timestamp`)."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    stamp = str(int(time.time()) - age if timestamp is None else timestamp)
    headers = {
        "HTTP_X_OUTREACH_TIMESTAMP": stamp,
        "HTTP_X_OUTREACH_SIGNATURE": signature
        if signature is not None
        else signature_for(secret=secret, timestamp=stamp, body=raw),
        "HTTP_ACCEPT_LANGUAGE": "en",
    }
    return Client(enforce_csrf_checks=True).post(
        reverse("webhooks:outreach-events"), data=raw, content_type="application/json", **headers
    )


EVENTS = {
    "events": [
        {"type": "bounce", "email": ADDRESS, "id": "mta-1"},
        {"type": "complaint", "email": "second@example.org", "id": "mta-2"},
    ]
}


def test_the_endpoint_sits_under_webhooks():
    assert reverse("webhooks:outreach-events") == "/webhooks/outreach/events/"


def test_a_signed_batch_suppresses_its_addresses_and_says_how_many(caplog):
    # given
    caplog.set_level(logging.DEBUG)
    # when
    response = signed_post(EVENTS)
    # then
    assert (response.status_code, response.json()) == (200, {"received": 2, "added": 2, "unchanged": 0})
    assert rows() == [
        ("aliya.reader@example.org", "bounce", "outreach:mta-1"),
        ("second@example.org", "complaint", "outreach:mta-2"),
    ]
    assert all("example.org" not in record.getMessage().lower() for record in caplog.records)


def test_a_replayed_batch_adds_nothing():
    # given
    signed_post(EVENTS)
    # when: the same events, sent again later with a fresh signature
    response = signed_post(EVENTS)
    # then
    assert (response.status_code, response.json()) == (200, {"received": 2, "added": 0, "unchanged": 2})
    assert len(rows()) == 2


def test_an_address_already_suppressed_adds_nothing():
    # given
    SuppressionFactory(email="second@example.org", reason="manual")
    # when
    response = signed_post(EVENTS)
    # then
    assert response.json() == {"received": 2, "added": 1, "unchanged": 1}
    assert rows() == [
        ("aliya.reader@example.org", "bounce", "outreach:mta-1"),
        ("second@example.org", "manual", ""),
    ]


BAD_SIGNATURE = "The signature is missing or does not match."
STALE = "The timestamp is missing or more than five minutes away from now."


@pytest.mark.parametrize(
    ("changes", "message", "code"),
    [
        ({"signature": ""}, BAD_SIGNATURE, "bad_signature"),
        ({"signature": "sha256=" + "0" * 64}, BAD_SIGNATURE, "bad_signature"),
        ({"secret": "another-secret"}, BAD_SIGNATURE, "bad_signature"),
        ({"age": 301}, STALE, "stale"),
        ({"age": -301}, STALE, "stale"),
    ],
    ids=["missing", "wrong", "other-secret", "too-old", "from-the-future"],
)
def test_a_request_not_signed_with_the_secret_or_too_old_is_refused(changes, message, code):
    # when
    response = signed_post(EVENTS, **changes)
    # then
    assert (response.status_code, response.json()) == (403, {"error": message, "code": code})
    assert rows() == []


def test_a_body_changed_after_signing_is_refused():
    # given
    stamp = str(int(time.time()))
    signature = signature_for(secret=SECRET, timestamp=stamp, body=json.dumps(EVENTS).encode())
    tampered = {"events": [{"type": "bounce", "email": "someone-else@example.org", "id": "mta-1"}]}
    # when
    response = signed_post(tampered, timestamp=int(stamp), signature=signature)
    # then
    assert (response.status_code, response.json()["code"]) == (403, "bad_signature")
    assert rows() == []


def test_a_signature_made_for_another_time_is_refused():
    # given: a captured request replayed with a new timestamp header
    old = int(time.time()) - 600
    signature = signature_for(secret=SECRET, timestamp=str(old), body=json.dumps(EVENTS).encode())
    # when
    response = signed_post(EVENTS, signature=signature)
    # then
    assert (response.status_code, response.json()["code"]) == (403, "bad_signature")
    assert rows() == []


def test_without_a_secret_nothing_is_accepted(settings):
    # given
    settings.OUTREACH_WEBHOOK_SECRET = ""
    # when: even signed with the empty secret
    response = signed_post(EVENTS, secret="")
    # then
    assert (response.status_code, response.json()) == (
        403,
        {
            "error": "This endpoint takes no events: no webhook secret is configured.",
            "code": "not_configured",
        },
    )
    assert rows() == []


@pytest.mark.parametrize(
    ("body", "message", "code", "event"),
    [
        (b"{not json", 'The body is not JSON of the form {"events": [...]}.', "bad_json", None),
        (b"\xff\xfe", 'The body is not JSON of the form {"events": [...]}.', "bad_json", None),
        ([{"type": "bounce"}], 'The body is not JSON of the form {"events": [...]}.', "bad_json", None),
        (
            {"events": {"type": "bounce"}},
            'The body is not JSON of the form {"events": [...]}.',
            "bad_json",
            None,
        ),
        ({"events": ["aliya@example.org"]}, "Event 0 is not a JSON object.", "not_an_object", 0),
        (
            {"events": [EVENTS["events"][0], {"type": "soft-bounce", "email": "x@example.org", "id": "3"}]},
            "Event 1: the type must be “bounce” or “complaint”.",
            "unknown_type",
            1,
        ),
        (
            {"events": [EVENTS["events"][0], {"type": "bounce", "email": "aliya at example.org", "id": "3"}]},
            "Event 1: the email is not a valid address.",
            "invalid_email",
            1,
        ),
        (
            {"events": [EVENTS["events"][0], {"type": "bounce", "id": "3"}]},
            "Event 1: the email is not a valid address.",
            "invalid_email",
            1,
        ),
        (
            {"events": [EVENTS["events"][0], {"type": "bounce", "email": "x@example.org"}]},
            "Event 1: the id must be a non-empty string of at most 150 characters.",
            "bad_id",
            1,
        ),
        (
            {"events": [{"type": "bounce", "email": "x@example.org", "id": "i" * 151}]},
            "Event 0: the id must be a non-empty string of at most 150 characters.",
            "bad_id",
            0,
        ),
        (
            {"events": [{"type": "bounce", "email": "x@example.org", "id": 7}]},
            "Event 0: the id must be a non-empty string of at most 150 characters.",
            "bad_id",
            0,
        ),
        (
            {"events": [{"type": "bounce", "email": f"r{n}@example.org", "id": str(n)} for n in range(1001)]},
            "Send at most 1000 events at once.",
            "too_many_events",
            None,
        ),
    ],
    ids=[
        "not-json",
        "not-utf8",
        "a-list",
        "events-not-a-list",
        "event-not-an-object",
        "unknown-type",
        "bad-address",
        "no-address",
        "no-id",
        "long-id",
        "id-not-a-string",
        "too-many",
    ],  # fmt: skip
)
def test_a_bad_batch_is_refused_whole_with_its_reason(body, message, code, event):
    # when
    response = signed_post(body)
    # then
    expected = {"error": message, "code": code, **({} if event is None else {"event": event})}
    assert (response.status_code, response.json()) == (400, expected)
    assert rows() == []
    assert b"example.org" not in response.content


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_only_post_is_allowed(method):
    # when
    response = getattr(Client(), method)(reverse("webhooks:outreach-events"))
    # then
    assert response.status_code == 405
    assert rows() == []


def test_the_queries_do_not_grow_with_the_batch():
    def count(start: int, size: int) -> int:
        body = {
            "events": [
                {"type": "bounce", "email": f"r{n}@example.org", "id": f"mta-{n}"}
                for n in range(start, start + size)
            ]
        }
        with CaptureQueriesContext(connection) as queries:
            response = signed_post(body)
        assert response.json()["added"] == size
        return len(queries)

    # given / when / then: savepoint, replayed event ids, addresses already suppressed, one insert,
    # the count of what was added, release
    assert count(0, 2) == count(100, 50) == 6
