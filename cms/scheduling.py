"""Scheduling a page's publication, in one place for pages written in the editor and pages made by
wagtail-localize alike (docs/decisions/0007-review-workflows.md).

A page waiting at its workflow's last task (Publishing) is scheduled by approving that task with the
go-live and expiry times set; a page no review stands in front of is published with them directly.
Either way Wagtail holds the revision as scheduled (`Revision.approved_go_live_at`) until beat
publishes it (cms.editorial.pages_publish_scheduled). Times are stored in UTC; the admin reads and
shows them in its time zone (Asia/Almaty)."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, Revision, WorkflowState

from cms.editorial_settings import TheologicalReviewMixin
from cms.permissions import can_schedule_page
from outreach.core.exceptions import ApplicationError

GO_LIVE_NOT_IN_THE_FUTURE = _("The go-live time must be in the future.")
EXPIRY_NOT_AFTER_GO_LIVE = _("The expiry time must be after the go-live time.")
NOT_ALLOWED = _("You may not schedule the publication of this page.")
ALIAS = _("This page mirrors another page and goes live with it; schedule that page instead.")
WAITING_FOR_REVIEW = _(
    "This page is waiting for “%(task)s”; it can be scheduled once the reviewer has approved it."
)
NOT_YOUR_TASK = _("This page is waiting for “%(task)s”, which you may not approve.")
SENT_BACK = _(
    "This page was sent back for changes in “%(task)s”; it can be scheduled once it has been "
    "resubmitted and approved."
)
NEEDS_REVIEW = _(
    "Articles, scholars' answers and testimonies go live only through their review: submit this "
    "page for review; it can be scheduled when it reaches the review's last step."
)
LOCKED = _("This page is locked by another user.")
INVALID = _("This page cannot be scheduled: %(errors)s")


def page_schedule_refusal(*, page: Page, actor: Any) -> str | None:
    """Why `actor` cannot schedule `page` now, or None when they can."""
    if not can_schedule_page(actor, page):
        return str(NOT_ALLOWED)
    if page.alias_of_id:
        return str(ALIAS)
    state = page.current_workflow_state
    if state is not None:
        task_state = state.current_task_state
        task_name = task_state.task.name if task_state is not None else ""
        if state.status == WorkflowState.STATUS_NEEDS_CHANGES:
            return str(SENT_BACK % {"task": task_name})
        if not state.is_at_final_task:
            return str(WAITING_FOR_REVIEW % {"task": task_name})
        task = task_state.task.specific if task_state is not None else None
        if task is None or "approve" not in {name for name, _label, _modal in task.get_actions(page, actor)}:
            return str(NOT_YOUR_TASK % {"task": task_name})
    elif not _is_rescheduling(page) and not page.permissions_for_user(actor).can_publish():
        return str(NEEDS_REVIEW if isinstance(page, TheologicalReviewMixin) else NOT_ALLOWED)
    if page.locked and page.locked_by_id != actor.pk:
        return str(LOCKED)
    return None


def _is_rescheduling(page: Page) -> bool:
    # Its latest revision was already approved for publication (by its workflow, or by a publisher
    # who may publish it): moving its times publishes nothing that was not approved. Wagtail locks
    # a scheduled page against edits, so the scheduled revision is the latest one.
    scheduled = page.scheduled_revision
    return scheduled is not None and scheduled.pk == page.latest_revision_id


@transaction.atomic
def page_schedule(*, page: Page, go_live_at: datetime, expire_at: datetime | None, actor: Any) -> Revision:
    """Schedule `page` to go live at `go_live_at` (and to expire at `expire_at`) as `actor`, by
    approving its workflow's last task with those times, or publishing them directly where no review
    is needed. Returns the scheduled revision; raises ApplicationError, changing nothing, when the
    times are wrong or the page cannot be scheduled by `actor` now (the reason is the message)."""
    if go_live_at <= timezone.now():
        raise ApplicationError(str(GO_LIVE_NOT_IN_THE_FUTURE), extra={"go_live_at": go_live_at})
    if expire_at is not None and expire_at <= go_live_at:
        raise ApplicationError(str(EXPIRY_NOT_AFTER_GO_LIVE), extra={"expire_at": expire_at})
    # The row lock makes a second submission of the same form wait, then find the task approved.
    page = Page.objects.select_for_update().get(pk=page.pk).specific
    refusal = page_schedule_refusal(page=page, actor=actor)
    if refusal is not None:
        raise ApplicationError(refusal, extra={"page_id": page.pk})
    state = page.current_workflow_state
    rescheduling = state is None and _is_rescheduling(page)
    draft = page.get_latest_revision_as_object()
    draft.go_live_at, draft.expire_at = go_live_at, expire_at
    try:
        revision = draft.save_revision(user=actor, log_action=True, changed=False)
    except ValidationError as error:
        raise ApplicationError(str(INVALID % {"errors": " ".join(error.messages)})) from error
    if state is not None:
        # The workflow's finish action (cms.workflows.workflow_publish_approved) publishes the
        # latest revision, this one; with its go-live time ahead, Wagtail schedules it.
        task_state = state.current_task_state.specific
        task_state.task.specific.on_action(task_state, actor, "approve")
    else:
        revision.publish(user=actor, skip_permission_checks=rescheduling)
    revision.refresh_from_db()
    return revision
