"""Editorial services run outside a request: scheduled publishing (beat, every minute) and the
moderation mails Wagtail sends when a page moves through a workflow (docs/decisions/0007-review-workflows.md)."""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone
from wagtail.admin.signal_handlers import (
    task_submission_email_notifier,
    workflow_approval_email_notifier,
    workflow_rejection_email_notifier,
    workflow_submission_email_notifier,
)
from wagtail.models import DraftStateMixin, Page, Revision, TaskState, WorkflowState
from wagtailcache.cache import clear_cache

from outreach.core.exceptions import ApplicationError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScheduledChanges:
    published: int
    unpublished: int


def pages_publish_scheduled() -> ScheduledChanges:
    """Unpublish pages (and other draft-state objects) whose expiry time has passed and publish the
    revisions whose go-live time has come, as Wagtail's `publish_scheduled` command does. Each object
    is claimed by locking its row (skipping rows another worker holds), so two workers never act on
    the same one and a second run changes nothing."""
    now = timezone.now()
    unpublished = sum(_unpublish_expired(model, now) for model in _draft_state_models())
    published = 0
    due = Revision.objects.filter(approved_go_live_at__lt=now).order_by("approved_go_live_at")
    for revision_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            revision = (
                Revision.objects.select_for_update(skip_locked=True)
                .filter(pk=revision_id, approved_go_live_at__lt=now)
                .first()
            )
            if revision is None:
                continue
            # Publishing clears approved_go_live_at on every revision of the object: once committed,
            # no other run finds it due again.
            revision.publish(log_action="wagtail.publish.scheduled")
            published += 1
            _clear_page_cache_after_commit()
    if published or unpublished:
        logger.info("Scheduled publishing: %d published, %d unpublished", published, unpublished)
    return ScheduledChanges(published=published, unpublished=unpublished)


def _draft_state_models() -> list[type[models.Model]]:
    # Pages through their base table, plus any other model with a live/expiry state (as the command).
    others = [
        model
        for model in apps.get_models()
        if issubclass(model, DraftStateMixin) and not issubclass(model, Page)
    ]
    return [Page, *others]


def _unpublish_expired(model: type[models.Model], now: datetime) -> int:
    count = 0
    expired = model.objects.filter(live=True, expire_at__lt=now).order_by("expire_at")  # type: ignore[attr-defined]
    for pk in list(expired.values_list("pk", flat=True)):
        with transaction.atomic():
            obj = (
                model.objects.select_for_update(skip_locked=True)  # type: ignore[attr-defined]
                .filter(pk=pk, live=True, expire_at__lt=now)
                .first()
            )
            if obj is None:
                continue
            obj.unpublish(set_expired=True, log_action="wagtail.unpublish.scheduled")
            count += 1
            _clear_page_cache_after_commit()
    return count


def _clear_page_cache_after_commit() -> None:
    # Wagtail's publish signals empty the page cache (cms/signals.py) while our row lock's
    # transaction is still open; a reader in between could store the old page again.
    transaction.on_commit(clear_cache)


class WorkflowEvent(models.TextChoices):
    TASK_SUBMITTED = "task_submitted"
    WORKFLOW_SUBMITTED = "workflow_submitted"
    WORKFLOW_APPROVED = "workflow_approved"
    WORKFLOW_REJECTED = "workflow_rejected"


NOTIFIERS = {
    WorkflowEvent.TASK_SUBMITTED: task_submission_email_notifier,
    WorkflowEvent.WORKFLOW_SUBMITTED: workflow_submission_email_notifier,
    WorkflowEvent.WORKFLOW_APPROVED: workflow_approval_email_notifier,
    WorkflowEvent.WORKFLOW_REJECTED: workflow_rejection_email_notifier,
}
UNKNOWN_EVENT = "Unknown workflow event."


def workflow_notification_send(
    *, event: str, state_id: int, user_id: int | None, task_state_id: int | None = None
) -> bool:
    """Send Wagtail's mails for one committed workflow event: `state_id` is the task state for
    task_submitted, else the workflow state; `task_state_id` is the task a rejection happened in.
    Nothing is sent for a state deleted since. True when every mail was accepted."""
    if event not in WorkflowEvent.values:
        raise ApplicationError(UNKNOWN_EVENT, extra={"event": event})
    user = get_user_model().objects.filter(pk=user_id).first() if user_id is not None else None
    state_model = TaskState if event == WorkflowEvent.TASK_SUBMITTED else WorkflowState
    state = state_model.objects.filter(pk=state_id).first()
    if state is None:
        return True
    if event == WorkflowEvent.TASK_SUBMITTED:
        state = state.specific
    elif event == WorkflowEvent.WORKFLOW_REJECTED and task_state_id is not None:
        # Wagtail's mail quotes the current task's comment; if the author resubmitted since, the
        # current task is a new one, so point it back at the task that requested the changes.
        rejected = TaskState.objects.filter(pk=task_state_id, workflow_state_id=state.pk).first()
        if rejected is not None:
            state.current_task_state = rejected
    return bool(NOTIFIERS[WorkflowEvent(event)](instance=state, user=user))
