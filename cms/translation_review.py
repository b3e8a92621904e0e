"""A translator sends their translation into review (docs/decisions/0007-review-workflows.md).

wagtail-localize keeps the translated strings apart from the page and writes them into it only when
someone publishes from its editor, which translators may not do and nobody may do for theological
material. Submitting writes them into a draft revision of the translated page and starts that page's
workflow, so a Kazakh article goes through the theological review like the Russian one did: a
mistranslated citation of scripture is exactly what the reviewer is there to catch."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, Revision, WorkflowState
from wagtail_localize.models import SourceDeletedError, Translation

from cms.permissions import can_submit_translation, translation_target_page
from outreach.core.exceptions import ApplicationError

NOT_ALLOWED = _("You may not submit this translation for review.")
UNTRANSLATED = _(
    "%(count)d of %(total)d strings are still untranslated; translate them all before submitting."
)
IN_REVIEW = _("This translation is already waiting for “%(task)s”; it can be changed once that step is done.")
NO_WORKFLOW = _("No review workflow applies to this page, so it cannot be submitted for review.")
LOCKED = _("This page is locked, so the translation cannot be saved into it now.")
SOURCE_DELETED = _("The page this translation was made from has been deleted.")
INVALID = _("The translation could not be saved into the page: %(errors)s")


@transaction.atomic
def translation_submit(*, translation: Translation, actor: Any) -> WorkflowState:
    """Write every translated string of `translation` into a new draft revision of its target page,
    as `actor`, and send that page into its workflow (resumed if it was sent back for changes).
    Returns the workflow state; raises ApplicationError, changing nothing, when the actor may not,
    a string is untranslated, the page waits in review, is locked, or no workflow applies."""
    if not can_submit_translation(actor, translation):
        raise ApplicationError(str(NOT_ALLOWED), extra={"translation_id": translation.pk})
    total, translated = translation.get_progress()
    if translated < total:
        raise ApplicationError(
            str(UNTRANSLATED % {"count": total - translated, "total": total}),
            extra={"untranslated": total - translated},
        )
    page = translation_target_page(translation)
    assert page is not None  # can_submit_translation made sure of it
    page = Page.objects.select_for_update().get(pk=page.pk).specific
    state = page.current_workflow_state
    if state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS:
        raise ApplicationError(str(IN_REVIEW % {"task": state.current_task_state.task.name}))
    workflow = page.get_workflow()
    if state is None and workflow is None:
        raise ApplicationError(str(NO_WORKFLOW))
    lock = page.get_lock()
    if lock is not None and lock.for_user(actor):
        raise ApplicationError(str(LOCKED))
    live_revision_id = page.live_revision_id if page.live else None
    try:
        translation.save_target(user=actor, publish=False)
    except SourceDeletedError as error:
        raise ApplicationError(str(SOURCE_DELETED)) from error
    except ValidationError as error:
        raise ApplicationError(str(INVALID % {"errors": " ".join(error.messages)})) from error
    if live_revision_id is not None:
        _keep_live_content(page=page, live_revision_id=live_revision_id)
    page = Page.objects.get(pk=page.pk).specific
    if state is not None:
        state.resume(user=actor)
        return state
    return workflow.start(page, actor)


def _keep_live_content(*, page: Page, live_revision_id: int) -> None:
    # wagtail-localize writes the translated fields into the page's row even for a draft; for a live
    # page that row is what readers get, so put the live revision's content back and keep only the
    # new draft revision (still in this transaction: no reader sees the unreviewed text).
    restored = Revision.objects.get(pk=live_revision_id).as_object()
    # as_object() keeps the row's draft state (latest revision, draft title); the publication state
    # comes from `page`, read before the draft was written.
    restored.live_revision_id = live_revision_id
    restored.last_published_at = page.last_published_at
    restored.go_live_at, restored.expire_at, restored.expired = page.go_live_at, page.expire_at, page.expired
    restored.save(clean=False)
