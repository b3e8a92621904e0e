"""Writes for outreach staff: approving a message's language variants, moving a broadcast through its
states, and the emergency stop. The pipeline (pipeline.py) does the sending.

A broadcast's states and who may move it between them are data (TRANSITIONS); one service applies a
transition, and every transition is recorded in the audit log."""

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from outreach.core.exceptions import ApplicationError

from .models import Broadcast, Delivery, Message, MessageVariant, OutreachControl
from .permissions import can_approve_message_variant, can_send_broadcast, can_use_emergency_stop

Status = Broadcast.Status

# Audit log actions (registered with labels in wagtail_hooks.py).
LOG_TRANSITION = "broadcasts.transition"
LOG_APPROVE = "broadcasts.approve_variant"
LOG_EMERGENCY = "broadcasts.emergency_stop"

SCHEDULE, PAUSE, RESUME, CANCEL, UNSCHEDULE = "schedule", "pause", "resume", "cancel", "unschedule"
# action: (states it starts from, state it leads to).
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    SCHEDULE: ((Status.DRAFT,), Status.SCHEDULED),
    UNSCHEDULE: ((Status.SCHEDULED,), Status.DRAFT),
    PAUSE: ((Status.SENDING,), Status.PAUSED),
    RESUME: ((Status.PAUSED,), Status.SENDING),
    CANCEL: ((Status.DRAFT, Status.SCHEDULED, Status.SENDING, Status.PAUSED), Status.CANCELLED),
}

NOT_ALLOWED = _("You may not schedule, pause, resume or cancel broadcasts.")
NOT_ALLOWED_APPROVE = _("You may not approve message variants.")
NOT_ALLOWED_STOP = _("You may not use the emergency stop.")
WRONG_STATE = _("A broadcast that is “%(status)s” cannot be %(action)s.")
ACTION_WORDS = {
    SCHEDULE: _("scheduled"),
    UNSCHEDULE: _("taken back to draft"),
    PAUSE: _("paused"),
    RESUME: _("resumed"),
    CANCEL: _("cancelled"),
}
NO_SEND_TIME = _("Choose when the broadcast is sent.")
SEND_TIME_PAST = _("The time to send is in the past; choose a later one.")
EXPIRES_BEFORE_SEND = _("The broadcast would expire before it is sent.")
VARIANT_MISSING = _("The message has no %(languages)s version yet; write it before scheduling.")
VARIANT_UNAPPROVED = _("The %(languages)s version of the message is not approved yet.")
NO_APPROVED_VARIANT = _("The message has no approved version in any language.")


def _language_names(codes: list[str]) -> str:
    from django.conf import settings

    names = dict(settings.LANGUAGES)
    return ", ".join(str(names.get(code, code)) for code in codes)


def message_scheduling_errors(message: Message) -> list[str]:
    """Why a broadcast of `message` cannot be scheduled now (empty when it can): a required language
    has no variant or an unapproved one, or no variant is approved at all."""
    variants = {variant.language: variant for variant in message.variants.all()}
    missing = [code for code in message.required_languages if code not in variants]
    unapproved = [
        code for code in message.required_languages if code in variants and not variants[code].is_approved
    ]
    errors = []
    if missing:
        errors.append(str(VARIANT_MISSING % {"languages": _language_names(missing)}))
    if unapproved:
        errors.append(str(VARIANT_UNAPPROVED % {"languages": _language_names(unapproved)}))
    if not any(variant.is_approved for variant in variants.values()):
        errors.append(str(NO_APPROVED_VARIANT))
    return errors


def _clean(broadcast: Broadcast) -> None:
    try:
        broadcast.full_clean()
    except ValidationError as error:
        raise ApplicationError(
            " ".join(message for messages in error.message_dict.values() for message in messages),
            extra={"fields": error.message_dict},
        ) from None


@transaction.atomic
def broadcast_transition(
    *, broadcast: Broadcast, action: str, actor: Any, send_at: datetime | None = None
) -> Broadcast:
    """Apply `action` (schedule, unschedule, pause, resume, cancel) to the broadcast, under its row
    lock. ApplicationError, and nothing changed, when the actor may not, the broadcast is in a state
    the action does not start from, or (to schedule) its time or message is not ready."""
    if not can_send_broadcast(actor, broadcast):
        raise ApplicationError(NOT_ALLOWED)
    sources, target = TRANSITIONS[action]
    locked = Broadcast.objects.select_for_update(of=("self",)).select_related("message").get(pk=broadcast.pk)
    if locked.status not in sources:
        raise ApplicationError(
            WRONG_STATE % {"status": locked.get_status_display(), "action": ACTION_WORDS[action]},
            extra={"status": locked.status},
        )
    now = timezone.now()
    fields = ["status", "updated_at"]
    if action == SCHEDULE:
        locked.send_at = send_at or locked.send_at
        _schedule_check(locked, now)
        locked.scheduled_by = actor
        fields += ["send_at", "scheduled_by"]
    if action == PAUSE:
        locked.pause_reason = Broadcast.PauseReason.MANUAL
        fields.append("pause_reason")
    if action == RESUME:
        locked.pause_reason = ""
        locked.progressed_at = now
        locked.resumed_at = now
        fields += ["pause_reason", "progressed_at", "resumed_at"]
    if action == CANCEL:
        locked.finished_at = now
        fields.append("finished_at")
    previous = locked.status
    locked.status = target
    _clean(locked)
    locked.save(update_fields=fields)
    if action == CANCEL:
        # Claimed deliveries finish their current message; the worker stops before the next chunk.
        locked.deliveries.filter(status=Delivery.Status.QUEUED).update(
            status=Delivery.Status.SKIPPED, skip_reason=Delivery.SkipReason.CANCELLED
        )
    if action == RESUME:
        from .pipeline import workers_enqueue

        transaction.on_commit(lambda: workers_enqueue(broadcast_id=locked.pk))
    log(
        instance=locked,
        action=LOG_TRANSITION,
        user=actor,
        data={"action": action, "from": previous, "to": target},
    )
    return locked


def _schedule_check(broadcast: Broadcast, now: datetime) -> None:
    if broadcast.send_at is None:
        raise ApplicationError(NO_SEND_TIME, extra={"fields": {"send_at": [str(NO_SEND_TIME)]}})
    if broadcast.send_at < now - timedelta(minutes=1):
        raise ApplicationError(SEND_TIME_PAST, extra={"fields": {"send_at": [str(SEND_TIME_PAST)]}})
    if broadcast.expires_at and broadcast.expires_at <= broadcast.send_at:
        raise ApplicationError(
            EXPIRES_BEFORE_SEND, extra={"fields": {"expires_at": [str(EXPIRES_BEFORE_SEND)]}}
        )
    if broadcast.message_id is not None:
        errors = message_scheduling_errors(broadcast.message)
        if errors:
            raise ApplicationError(" ".join(errors), extra={"reason": "variants"})


@transaction.atomic
def message_variant_approve(*, variant: MessageVariant, actor: Any, version: int) -> MessageVariant:
    """Approve `version` of the variant: refused (nothing changed) when the actor may not, or when
    the variant changed since the approver read it (its version moved on)."""
    if not can_approve_message_variant(actor, variant):
        raise ApplicationError(NOT_ALLOWED_APPROVE)
    locked = MessageVariant.objects.select_for_update().get(pk=variant.pk)
    if locked.version != version:
        raise ApplicationError(
            _("This version changed while you were reading it; read the new one before approving."),
            extra={"reason": "changed"},
        )
    if locked.is_approved:
        return locked
    locked.status = MessageVariant.Status.APPROVED
    locked.approved_at = timezone.now()
    locked.approved_by = actor
    locked.save(update_fields=["status", "approved_at", "approved_by"])
    log(
        instance=locked.message,
        action=LOG_APPROVE,
        user=actor,
        data={"language": locked.language, "version": locked.version},
    )
    return locked


def _blocks(variant: MessageVariant) -> list[tuple[Any, Any]]:
    # Block ids are given out afresh to content that arrives without them: compare content only.
    return [(block["type"], block["value"]) for block in variant.body.get_prep_value()]


def message_variant_changed(*, variant: MessageVariant, previous: MessageVariant | None) -> None:
    """Before saving an edited variant: a new subject or body is a new version and needs approving
    again. Called by the admin's message form for each variant it saves."""
    if previous is None:
        variant.version = 1
        variant.status = MessageVariant.Status.DRAFT
        return
    same = previous.subject == variant.subject and _blocks(previous) == _blocks(variant)
    if same and previous.language == variant.language:
        variant.version, variant.status = previous.version, previous.status
        variant.approved_at, variant.approved_by_id = previous.approved_at, previous.approved_by_id
        return
    variant.version = previous.version + 1
    variant.status = MessageVariant.Status.DRAFT
    variant.approved_at = None
    variant.approved_by = None


@transaction.atomic
def emergency_stop_set(*, actor: Any, stop: bool, reason: str = "") -> OutreachControl:
    """Halt (stop=True) or allow again every send on every channel. Workers check before each
    chunk, so sending stops within a chunk's time; broadcasts keep their state and carry on where
    they stopped once it is lifted. Recorded in the audit log."""
    if not can_use_emergency_stop(actor):
        raise ApplicationError(NOT_ALLOWED_STOP)
    reason = (reason or "").strip()
    if stop and not reason:
        raise ApplicationError(
            _("Say why everything is stopped; the team will read it."),
            extra={"fields": {"reason": ["required"]}},
        )
    control, _created = OutreachControl.objects.select_for_update().get_or_create(pk=1)
    control.emergency_stop = stop
    control.reason = reason[:300] if stop else ""
    control.changed_at = timezone.now()
    control.changed_by = actor
    control.save()
    log(instance=control, action=LOG_EMERGENCY, user=actor, data={"stop": stop})
    if not stop:
        from .pipeline import workers_enqueue

        sending = list(Broadcast.objects.filter(status=Status.SENDING).values_list("pk", flat=True))
        transaction.on_commit(lambda: [workers_enqueue(broadcast_id=pk) for pk in sending])
    return control
