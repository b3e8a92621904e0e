"""Bounces and complaints coming back from mail providers, turned into suppressions so the address is
never mailed again.

Two doors, one service (outreach.audiences.suppressions):
- django-anymail's tracking webhooks (one URL per provider, anymail.urls): its normalised events
  reach `tracking_event_received` through the `anymail.signals.tracking` signal.
- A signed endpoint for mail servers without a provider (`events_receive`): a batch of events in
  JSON, signed with HMAC-SHA256 and a shared secret (settings.OUTREACH_WEBHOOK_SECRET).

Addresses are personal data: neither door logs one or answers with one."""

import hashlib
import hmac
import json
import logging
import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from outreach.audiences.models import Suppression
from outreach.audiences.suppressions import SuppressionEvent, suppression_add, suppressions_from_events
from outreach.core.exceptions import ApplicationError

logger = logging.getLogger(__name__)

# --- django-anymail -----------------------------------------------------------------------------

# Anymail's "bounced" covers what most providers call a bounce, and several of them call a soft
# (temporary) bounce a bounce too. A soft bounce must not suppress an address for ever, so for the
# providers that say which kind it was, only their permanent kinds count.
HARD_BOUNCE_CHECKS = {
    "Postmark": lambda esp_event: esp_event.get("Type") == "HardBounce",
    "Amazon SES": lambda esp_event: (esp_event.get("bounce") or {}).get("bounceType") == "Permanent",
    "Brevo": lambda esp_event: esp_event.get("event") in {"hard_bounce", "invalid_email"},
    "SendinBlue": lambda esp_event: esp_event.get("event") in {"hard_bounce", "invalid_email"},
    "Mandrill": lambda esp_event: esp_event.get("event") == "hard_bounce",
}
SUPPRESSING_EVENTS = {"bounced": Suppression.Reason.BOUNCE, "complained": Suppression.Reason.COMPLAINT}


def _is_hard_bounce(esp_name: str, esp_event: Any) -> bool:
    check = HARD_BOUNCE_CHECKS.get(esp_name)
    if check is None or not isinstance(esp_event, dict):
        return True
    return bool(check(esp_event))


def tracking_event_received(sender: Any, event: Any, esp_name: str, **kwargs: Any) -> None:
    """Suppress the recipient of a hard bounce or a complaint reported by an anymail webhook."""
    reason = SUPPRESSING_EVENTS.get(event.event_type)
    if reason is None or not event.recipient:
        return
    if reason == Suppression.Reason.BOUNCE and not _is_hard_bounce(esp_name, event.esp_event):
        return
    event_id = f"anymail:{esp_name.lower().replace(' ', '-')}:{event.event_id}" if event.event_id else ""
    try:
        suppression_add(email=event.recipient, reason=reason, event_id=event_id[:200])
    except ApplicationError:
        # The provider's own data is wrong; an error would only make it send the event again and again.
        logger.warning("Ignored a %s event from %s: its recipient is not a valid address.", reason, esp_name)


def webhooks_connect() -> None:
    """Listen to anymail's tracking events (called from BroadcastsConfig.ready())."""
    from anymail.signals import tracking

    tracking.connect(tracking_event_received, dispatch_uid="outreach.broadcasts.webhooks.tracking")


# --- The signed endpoint ------------------------------------------------------------------------

SIGNATURE_HEADER = "HTTP_X_OUTREACH_SIGNATURE"
TIMESTAMP_HEADER = "HTTP_X_OUTREACH_TIMESTAMP"
# A signed request older (or further in the future) than this is refused: a captured request cannot
# be replayed later, and a sender's clock may be this far off.
MAX_AGE_SECONDS = 300
MAX_EVENTS = 1000
MAX_EVENT_ID_LENGTH = 150
EVENT_REASONS = {"bounce": Suppression.Reason.BOUNCE, "complaint": Suppression.Reason.COMPLAINT}

NOT_CONFIGURED = _("This endpoint takes no events: no webhook secret is configured.")
BAD_SIGNATURE = _("The signature is missing or does not match.")
STALE = _("The timestamp is missing or more than five minutes away from now.")
BAD_JSON = _('The body is not JSON of the form {"events": [...]}.')
TOO_MANY = _("Send at most %(limit)d events at once.")
NOT_AN_OBJECT = _("Event %(index)d is not a JSON object.")
UNKNOWN_TYPE = _("Event %(index)d: the type must be “bounce” or “complaint”.")
BAD_ADDRESS = _("Event %(index)d: the email is not a valid address.")
BAD_ID = _("Event %(index)d: the id must be a non-empty string of at most %(limit)d characters.")


def signature_for(*, secret: str, timestamp: str, body: bytes) -> str:
    """The X-Outreach-Signature a sender puts on `body` sent at `timestamp` (unix seconds)."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def _refused(message: Any, code: str, status: int, **extra: Any) -> JsonResponse:
    return JsonResponse({"error": str(message), "code": code, **extra}, status=status)


def _authentic(request: HttpRequest, secret: str) -> JsonResponse | None:
    """None when the request is signed with the secret and recent; else the refusal."""
    timestamp = request.META.get(TIMESTAMP_HEADER, "")
    signature = request.META.get(SIGNATURE_HEADER, "")
    expected = signature_for(secret=secret, timestamp=timestamp, body=request.body)
    if not hmac.compare_digest(signature.encode(), expected.encode()):
        return _refused(BAD_SIGNATURE, "bad_signature", 403)
    try:
        sent_at = int(timestamp)
    except ValueError:
        return _refused(STALE, "stale", 403)
    if abs(time.time() - sent_at) > MAX_AGE_SECONDS:
        return _refused(STALE, "stale", 403)
    return None


def _events(body: bytes) -> list[SuppressionEvent] | JsonResponse:
    """The events of a request body, every one checked for shape; else the 400 saying what is wrong."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return _refused(BAD_JSON, "bad_json", 400)
    items = data.get("events") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return _refused(BAD_JSON, "bad_json", 400)
    if len(items) > MAX_EVENTS:
        return _refused(TOO_MANY % {"limit": MAX_EVENTS}, "too_many_events", 400)
    events = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            return _refused(NOT_AN_OBJECT % {"index": index}, "not_an_object", 400, event=index)
        if item.get("type") not in EVENT_REASONS:
            return _refused(UNKNOWN_TYPE % {"index": index}, "unknown_type", 400, event=index)
        event_id = item.get("id")
        if not isinstance(event_id, str) or not event_id.strip() or len(event_id) > MAX_EVENT_ID_LENGTH:
            message = BAD_ID % {"index": index, "limit": MAX_EVENT_ID_LENGTH}
            return _refused(message, "bad_id", 400, event=index)
        email = item.get("email")
        events.append(
            SuppressionEvent(
                email=email if isinstance(email, str) else "",
                reason=EVENT_REASONS[item["type"]],
                event_id=f"outreach:{event_id}",
            )
        )
    return events


@csrf_exempt
@require_POST
def events_receive(request: HttpRequest) -> JsonResponse:
    """Suppress the addresses of a signed batch of bounces and complaints, all or nothing."""
    secret = getattr(settings, "OUTREACH_WEBHOOK_SECRET", "")
    if not secret:
        return _refused(NOT_CONFIGURED, "not_configured", 403)
    refusal = _authentic(request, secret)
    if refusal is not None:
        return refusal
    events = _events(request.body)
    if isinstance(events, JsonResponse):
        return events
    try:
        counts = suppressions_from_events(events)
    except ApplicationError as error:
        index = error.extra.get("index", 0)
        # The service's own message would not say which event; the address is never repeated.
        message = (
            BAD_ADDRESS % {"index": index} if error.extra.get("code") == "invalid_email" else error.message
        )
        return _refused(message, str(error.extra.get("code", "invalid")), 400, event=index)
    logger.info("Suppression events received: %d added, %d unchanged.", counts["added"], counts["unchanged"])
    return JsonResponse({"received": len(events), **counts})
