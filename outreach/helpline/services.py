"""Writes for help requests: submission from the public form, the status workflow, assignment, the
audit record of every look at a request, key rotation and the public form's abuse throttle."""

import hashlib
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.models import Page

from outreach.core.exceptions import ApplicationError
from outreach.core.throttle import rolling_window_hit

from .models import STATUS_TRANSITIONS, HelpRequest
from .permissions import can_change_help_request, can_view_help_request

# Audit log actions, registered with labels in wagtail_hooks.py (register_log_actions).
LOG_VIEW = "helpline.view"
LOG_TRANSITION = "helpline.transition"
LOG_ASSIGN = "helpline.assign"

ENCRYPTED_FIELDS = ("message", "contact")
THROTTLE_WINDOW_SECONDS = 3600

NOT_ALLOWED = _("You may not work on help requests.")
UNKNOWN_STATUS = _("“%(status)s” is not a status of a help request.")
TRANSITION_REFUSED = _("A help request cannot go from “%(current)s” to “%(status)s”.")
ASSIGNEE_REFUSED = _("%(user)s cannot work on help requests, so a request cannot be assigned to them.")
TOO_MANY_REQUESTS = _(
    "Several requests have already been sent from this connection in the last hour. "
    "Please wait a little and send yours again: it matters to us."
)


def help_request_submit(
    *,
    who: str,
    message: str,
    contact: str,
    language: str,
    source_page_id: int | None,
    referring_page: Page | None = None,
) -> HelpRequest:
    """Store a help request from the public form, encrypted at rest. Raises ApplicationError (with
    the field errors in `extra["fields"]`) on bad input, and then saves nothing.

    `referring_page` is the campaign landing page the visitor came from, as the site found it (which
    pages may refer is the site's rule, cms.pages.kinds.CampaignLandingPage.referrer_from); a page
    that is not live is not kept."""
    help_request = HelpRequest(
        who=who,
        message=(message or "").strip(),
        contact=(contact or "").strip(),
        language=(language or "").strip().lower(),
        source_page_id=source_page_id,
        referring_page=referring_page if referring_page is not None and referring_page.live else None,
    )
    try:
        help_request.full_clean()
    except ValidationError as error:
        # The messages name the rule that was broken, never the text that was sent.
        fields = error.message_dict
        raise ApplicationError(
            " ".join(message for messages in fields.values() for message in messages),
            extra={"fields": fields},
        ) from None
    help_request.save()
    return help_request


def _locked(help_request: HelpRequest) -> HelpRequest:
    """The stored row, locked for this transaction, without decrypting what is not needed."""
    return HelpRequest.objects.select_for_update().defer(*ENCRYPTED_FIELDS).get(pk=help_request.pk)


@transaction.atomic
def help_request_transition(*, help_request: HelpRequest, status: str, actor: Any) -> HelpRequest:
    """Move a help request to `status` when STATUS_TRANSITIONS allows it from its stored status and
    the actor may change requests; records the move in the audit log and returns the stored row.
    Moving to the current status changes nothing."""
    if not can_change_help_request(actor, help_request):
        raise ApplicationError(NOT_ALLOWED)
    if status not in HelpRequest.Status.values:
        raise ApplicationError(UNKNOWN_STATUS % {"status": status}, extra={"status": status})
    stored = _locked(help_request)
    current = stored.status
    if status == current:
        return stored
    if status not in STATUS_TRANSITIONS[current]:
        raise ApplicationError(
            TRANSITION_REFUSED
            % {"current": HelpRequest.Status(current).label, "status": HelpRequest.Status(status).label},
            extra={"current": current, "status": status},
        )
    stored.status = status
    fields = ["status", "updated_at"]
    if status == HelpRequest.Status.ANSWERED:
        stored.answered_at = timezone.now()
        fields.append("answered_at")
    if status == HelpRequest.Status.IN_PROGRESS and stored.assigned_to_id is None:
        # Whoever takes a request up answers for it until someone reassigns it.
        stored.assigned_to = actor
        fields.append("assigned_to")
    stored.full_clean(exclude=ENCRYPTED_FIELDS)
    stored.save(update_fields=fields)
    log(instance=stored, action=LOG_TRANSITION, user=actor, data={"from": current, "to": status})
    return stored


@transaction.atomic
def help_request_assign(*, help_request: HelpRequest, assignee: Any | None, actor: Any) -> HelpRequest:
    """Assign a help request to someone who may work on it (or to nobody); records it in the audit
    log and returns the stored row."""
    if not can_change_help_request(actor, help_request):
        raise ApplicationError(NOT_ALLOWED)
    if assignee is not None and not can_change_help_request(assignee, help_request):
        raise ApplicationError(ASSIGNEE_REFUSED % {"user": assignee}, extra={"assignee": assignee.pk})
    stored = _locked(help_request)
    if stored.assigned_to_id == (assignee.pk if assignee else None):
        return stored
    stored.assigned_to = assignee
    stored.full_clean(exclude=ENCRYPTED_FIELDS)
    stored.save(update_fields=["assigned_to", "updated_at"])
    log(
        instance=stored,
        action=LOG_ASSIGN,
        user=actor,
        data={"assigned_to": assignee.pk if assignee else None},
    )
    return stored


@transaction.atomic
def help_request_update(
    *, help_request: HelpRequest, status: str, assigned_to: Any | None, actor: Any
) -> HelpRequest:
    """The admin's edit: assign, then move to `status`, as one change; ApplicationError and nothing
    saved when either is refused."""
    if not can_change_help_request(actor, help_request):
        raise ApplicationError(NOT_ALLOWED)
    stored = help_request_assign(help_request=help_request, assignee=assigned_to, actor=actor)
    return help_request_transition(help_request=stored, status=status, actor=actor)


def help_request_view_record(*, help_request: HelpRequest, actor: Any, view: str) -> None:
    """Record in the audit log that `actor` opened the request in `view` ("inspect", "edit").
    The entry names the request and the view only, never what the request says."""
    if not can_view_help_request(actor, help_request):
        raise ApplicationError(NOT_ALLOWED)
    log(instance=help_request, action=LOG_VIEW, user=actor, data={"view": view})


def help_requests_reencrypt(*, batch_size: int = 500) -> int:
    """Re-encrypt every request's message and contact with the first configured key, so an older
    key can then be removed; returns how many requests were rewritten."""
    ids = list(HelpRequest.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            batch = list(
                HelpRequest.objects.select_for_update()
                .filter(pk__in=ids[start : start + batch_size])
                .only("pk", *ENCRYPTED_FIELDS)
            )
            # Loading decrypts with any key; saving encrypts with the first.
            HelpRequest.objects.bulk_update(batch, list(ENCRYPTED_FIELDS))
    return len(ids)


def help_request_client_key(*, remote_address: str) -> str:
    """A keyed hash of the visitor's address, to pass to help_request_throttle_check. A plain hash of
    an IPv4 address can be reversed by trying them all; this one cannot without SECRET_KEY."""
    return salted_hmac("outreach.helpline.throttle", remote_address, algorithm="sha256").hexdigest()


def help_request_throttle_check(*, client_key: str) -> None:
    """Count one submission from this client (a hash, never an address); ApplicationError, without
    counting it, once the client has sent HELPLINE_SUBMISSIONS_PER_HOUR in the last hour.

    A rolling hour kept in the default cache; two submissions racing at the very limit may both
    pass, which an abuse throttle can afford."""
    if not client_key:
        raise ValueError("help_request_throttle_check needs a client key")
    # Hashed again so that even a caller passing a raw address never puts it in the cache.
    cache_key = "helpline:throttle:" + hashlib.sha256(client_key.encode("utf-8")).hexdigest()
    retry_after = rolling_window_hit(
        cache_key=cache_key, limit=settings.HELPLINE_SUBMISSIONS_PER_HOUR, window=THROTTLE_WINDOW_SECONDS
    )
    if retry_after is not None:
        raise ApplicationError(TOO_MANY_REQUESTS, extra={"retry_after": retry_after})
