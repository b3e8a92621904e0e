"""Template tags of the review workflow in the admin (docs/decisions/0007-review-workflows.md)."""

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cms.permissions import can_submit_translation, translation_target_page

register = template.Library()


@register.inclusion_tag("cms/admin/translation_submission.html", takes_context=True)
def translation_submission(context: dict[str, Any], translation: Any) -> dict[str, Any]:
    """The "Submit translation for review" panel under wagtail-localize's editor, for those who may
    submit (cms.permissions.can_submit_translation): how many strings are left, and the button."""
    request = context["request"]
    if not can_submit_translation(request.user, translation):
        return {"shown": False}
    total, translated = translation.get_progress()
    page = translation_target_page(translation)
    workflow = page.get_workflow() if page is not None else None
    return {
        "shown": True,
        "url": reverse("cms_submit_translation", args=[translation.pk]),
        "untranslated": total - translated,
        "workflow_name": workflow.name if workflow is not None else "",
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("cms/admin/translation_review_actions.html", takes_context=True)
def translation_review_actions(context: dict[str, Any], page: Any) -> dict[str, Any]:
    """The review step's actions under wagtail-localize's editor, which has no workflow buttons of
    its own: what the user may do to the task the translated page waits at (Wagtail's
    `Task.get_actions`), each posted to Wagtail's workflow action view."""
    request = context["request"]
    task_state = page.current_workflow_task_state
    if task_state is None:
        return {"actions": []}
    task = task_state.task.specific
    is_last = page.current_workflow_state.is_at_final_task
    labels = {
        "approve": _("Approve and publish") if is_last else _("Approve"),
        "reject": _("Request changes"),
    }
    names = dict.fromkeys(name for name, _label, _modal in task.get_actions(page, request.user))
    actions = [
        {
            "name": name,
            "label": labels.get(name, name),
            "url": reverse("wagtailadmin_pages:workflow_action", args=[page.pk, name, task_state.pk]),
        }
        for name in names
    ]
    return {
        "actions": actions,
        "task_name": task.name,
        "next_url": reverse("wagtailadmin_pages:edit", args=[page.pk]),
        "csrf_token": context.get("csrf_token"),
    }
