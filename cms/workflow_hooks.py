"""How moderation reaches people in the admin (docs/decisions/0007-review-workflows.md): Wagtail's
moderation mails leave only once the change is committed, an author reopening a page sent back for
changes reads the reviewer's comment at the top of the editor, the button on a new page names the
workflow that page will really go through, a request to publish theological material directly is
refused with a message, and the "Schedule publication" and "Submit translation for review" views
are routed and linked."""

from collections.abc import Callable, Iterator
from typing import Any

from django.apps import apps
from django.db import transaction
from django.dispatch import Signal
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.action_menu import ActionMenuItem, PublishMenuItem, SubmitForModerationMenuItem
from wagtail.admin.utils import get_user_display_name
from wagtail.admin.widgets import Button
from wagtail.models import Page, TaskState, Workflow, WorkflowState
from wagtail.signals import task_submitted, workflow_approved, workflow_rejected, workflow_submitted

from cms.editorial import WorkflowEvent
from cms.editorial_settings import TheologicalReviewMixin, theological_review_workflow
from cms.permissions import can_schedule_page


def _enqueue(**payload: Any) -> None:
    from cms.tasks import workflow_notification_send

    workflow_notification_send.delay(**payload)


def _deferred_notifier(event: WorkflowEvent) -> Callable[..., None]:
    def receiver(sender: type, instance: Any, user: Any = None, **kwargs: Any) -> None:
        payload = {"event": event.value, "state_id": instance.pk, "user_id": getattr(user, "pk", None)}
        if event == WorkflowEvent.WORKFLOW_REJECTED:
            payload["task_state_id"] = instance.current_task_state_id
        transaction.on_commit(lambda: _enqueue(**payload))

    return receiver


# Wagtail connects its mail notifiers under these ids (wagtail.admin.signal_handlers) and sends from
# inside the workflow's open transaction, before it is known to commit, holding it open while the
# mail server answers. Ours take the same ids: whichever app loads first, only ours stays connected.
WAGTAIL_NOTIFIERS: list[tuple[Signal, type, str, WorkflowEvent]] = [
    (
        task_submitted,
        TaskState,
        "group_approval_task_submitted_email_notification",
        WorkflowEvent.TASK_SUBMITTED,
    ),
    (
        workflow_submitted,
        WorkflowState,
        "workflow_state_submitted_email_notification",
        WorkflowEvent.WORKFLOW_SUBMITTED,
    ),
    (
        workflow_rejected,
        WorkflowState,
        "workflow_state_rejected_email_notification",
        WorkflowEvent.WORKFLOW_REJECTED,
    ),
    (
        workflow_approved,
        WorkflowState,
        "workflow_state_approved_email_notification",
        WorkflowEvent.WORKFLOW_APPROVED,
    ),
]


def workflow_notifications_defer() -> None:
    """Replace Wagtail's moderation mail receivers by ones that send through a task after commit."""
    for signal, sender, dispatch_uid, event in WAGTAIL_NOTIFIERS:
        signal.disconnect(sender=sender, dispatch_uid=dispatch_uid)
        signal.connect(_deferred_notifier(event), sender=sender, dispatch_uid=dispatch_uid, weak=False)


@hooks.register("before_edit_page")
def show_the_changes_requested(request: HttpRequest, page: Page) -> None:
    """An author opening a page sent back for changes reads who asked for what, without opening the
    workflow history."""
    if request.method != "GET":
        return
    state = page.current_workflow_state
    if (
        state is None
        or state.status != WorkflowState.STATUS_NEEDS_CHANGES
        or state.current_task_state is None
    ):
        return
    task_state = state.current_task_state.specific
    comment = task_state.get_comment()
    if not comment:
        return
    reviewer = get_user_display_name(task_state.finished_by) if task_state.finished_by else _("a reviewer")
    messages.warning(
        request,
        _("Changes requested in “%(task)s” by %(reviewer)s: “%(comment)s”")
        % {"task": task_state.task.name, "reviewer": reviewer, "comment": comment},
    )


class SubmitNewPageMenuItem(SubmitForModerationMenuItem):
    """Wagtail names the parent page's workflow on a page being created; a new page of a theological
    kind goes through the workflow chosen in the editorial settings instead."""

    def __init__(self, workflow: Workflow, order: int) -> None:
        super().__init__(order=order)
        self.workflow = workflow

    def get_context_data(self, parent_context: dict[str, Any]) -> dict[str, Any]:
        context = super().get_context_data(parent_context)
        context["label"] = _("Submit to %(workflow_name)s") % {"workflow_name": self.workflow.name}
        return context


def _model_being_created(request: HttpRequest, context: dict[str, Any]) -> type | None:
    if context.get("view") != "create" or request.resolver_match is None:
        return None
    kwargs = request.resolver_match.kwargs
    try:
        return apps.get_model(kwargs["content_type_app_name"], kwargs["content_type_model_name"])
    except (KeyError, LookupError):
        return None


# Direct publishing of theological material (docs/decisions/0007-review-workflows.md). The
# permission tester (cms.editorial_settings.TheologicalPagePermissionTester) already hides every
# Publish button and makes Revision.publish refuse; these hooks answer a publish request that
# arrives anyway (a stale form, a crafted POST) from someone who holds the publish permission with a
# message, changing nothing. Whoever never could publish keeps Wagtail's answer: their "Publish"
# saves a draft (wagtail-localize's editor refuses them with a 403).
DIRECT_PUBLISHING_REFUSED = gettext_lazy(
    "Articles, scholars' answers and testimonies are published only through their review: submit "
    "this page for review, or approve the review's last step. Nothing was changed."
)


def _asks_to_publish(request: HttpRequest) -> bool:
    # Wagtail's editor posts "action-publish"; wagtail-localize's translation editor "action=publish".
    return request.method == "POST" and (
        bool(request.POST.get("action-publish")) or request.POST.get("action") == "publish"
    )


# Ahead of wagtail-localize's own before_edit_page hook, which answers its editor's publish itself.
@hooks.register("before_edit_page", order=-1)
def refuse_direct_publishing_of_theological_material(request: HttpRequest, page: Page) -> HttpResponse | None:
    if not _asks_to_publish(request) or not issubclass(page.specific_class, TheologicalReviewMixin):
        return None
    permissions = page.permissions_for_user(request.user)
    if permissions.can_publish() or not permissions.holds_publish_permission():
        return None
    messages.error(request, DIRECT_PUBLISHING_REFUSED)
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("before_create_page")
def refuse_creating_theological_material_published(
    request: HttpRequest, parent_page: Page, page_class: type
) -> HttpResponse | None:
    if (
        request.method != "POST"
        or not request.POST.get("action-publish")
        or not issubclass(page_class, TheologicalReviewMixin)
        or request.user.is_superuser
        or not parent_page.permissions_for_user(request.user).can_publish_subpage()
    ):
        return None
    messages.error(request, DIRECT_PUBLISHING_REFUSED)
    return redirect(
        "wagtailadmin_pages:add", page_class._meta.app_label, page_class._meta.model_name, parent_page.pk
    )


@hooks.register("construct_page_action_menu")
def adapt_the_menu_of_new_theological_material(
    menu_items: list[ActionMenuItem], request: HttpRequest, context: dict[str, Any]
) -> None:
    # On the create view Wagtail asks the parent page, which knows nothing of the new page's kind:
    # it would offer Publish and name the parent's workflow.
    model = _model_being_created(request, context)
    if model is None or not issubclass(model, TheologicalReviewMixin):
        return
    if not request.user.is_superuser:
        menu_items[:] = [item for item in menu_items if item.name != PublishMenuItem.name]
    workflow = theological_review_workflow()
    if workflow is None:
        return
    for index, item in enumerate(menu_items):
        if item.name == SubmitForModerationMenuItem.name:
            menu_items[index] = SubmitNewPageMenuItem(workflow, order=item.order)


@hooks.register("register_admin_urls")
def register_editorial_urls() -> list[Any]:
    from cms.editorial_views import schedule_page, submit_translation

    return [
        path("pages/<int:page_id>/schedule/", schedule_page, name="cms_schedule_page"),
        path(
            "cms/translations/<int:translation_id>/submit/",
            submit_translation,
            name="cms_submit_translation",
        ),
    ]


def _schedule_button(page: Page, user: Any, priority: int) -> Button | None:
    if not can_schedule_page(user, page):
        return None
    return Button(
        _("Schedule publication"),
        reverse("cms_schedule_page", args=[page.pk]),
        icon_name="calendar-alt",
        priority=priority,
    )


@hooks.register("register_page_header_buttons")
def schedule_publication_header_button(
    page: Page, user: Any, view_name: str, next_url: str | None = None
) -> Iterator[Button]:
    if button := _schedule_button(page, user, priority=62):
        yield button


@hooks.register("register_page_listing_more_buttons")
def schedule_publication_listing_button(
    page: Page, user: Any, next_url: str | None = None
) -> Iterator[Button]:
    if button := _schedule_button(page, user, priority=42):
        yield button
