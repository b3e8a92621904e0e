"""The review workflows as data (docs/decisions/0007-review-workflows.md): which approval tasks, in
which order, moderated by which role group. Migration 0005 creates them; an Administrator may change
them afterwards in the admin (Settings > Workflows and Settings > Editorial workflow). Also what
happens when a workflow is approved (`workflow_publish_approved`, WAGTAIL_FINISH_WORKFLOW_ACTION).

No model is imported here: `review_workflows_ensure` takes an app registry, so the migration runs it
with historical models and the tests with the live ones after a database flush; and Wagtail imports
the finish action while its own models are still loading."""

from typing import Any

from outreach.core.roles import ADMINISTRATOR, PUBLISHER, THEOLOGICAL_REVIEWER

THEOLOGICAL_REVIEW = "Theological review"
PUBLISHING = "Publishing"

# Each approval task and the group whose members act on it (Wagtail's GroupApprovalTask).
TASK_GROUPS = {
    THEOLOGICAL_REVIEW: THEOLOGICAL_REVIEWER,
    PUBLISHING: PUBLISHER,
}
# Each workflow and its tasks in order. Articles, scholars' answers and testimonies go through the
# theological one (the editorial setting names it); every other page through the one on the tree root.
WORKFLOW_TASKS = {
    THEOLOGICAL_REVIEW: [THEOLOGICAL_REVIEW, PUBLISHING],
    PUBLISHING: [PUBLISHING],
}
ROOT_WORKFLOW = PUBLISHING
THEOLOGICAL_WORKFLOW = THEOLOGICAL_REVIEW
# Wagtail's own migrations give the tree root this workflow (wagtailcore 0048).
WAGTAIL_DEFAULT_WORKFLOW = "Moderators approval"
# Who may choose the theological material's workflow in Settings > Editorial workflow.
SETTINGS_PERMISSION = (
    "cms",
    "editorialsettings",
    "change_editorialsettings",
    "Can change editorial workflow",
)


def workflow_publish_approved(workflow_state: Any, user: Any = None) -> None:
    """Publish the latest revision of the object whose workflow was just approved, or schedule it
    when it has a go-live time, as Wagtail's default finish action does, but without asking whether
    the last approver may publish directly: the workflow's tasks already decided who may approve, and
    theological material, which no one but a superuser may publish directly, has no other way."""
    revision = workflow_state.content_object.get_latest_revision()
    revision.publish(user=user, skip_permission_checks=True)


def review_workflows_ensure(apps: Any) -> dict[str, Any]:
    """Create whatever is missing of the review tasks, the two workflows, the tree root's workflow
    (replacing Wagtail's default, never an Administrator's choice), the editorial setting naming the
    theological workflow and the Administrator's right to change it. Returns the workflows by name."""
    group_model = apps.get_model("auth", "Group")
    task_model = apps.get_model("wagtailcore", "GroupApprovalTask")
    workflow_model = apps.get_model("wagtailcore", "Workflow")
    workflow_task_model = apps.get_model("wagtailcore", "WorkflowTask")
    workflow_page_model = apps.get_model("wagtailcore", "WorkflowPage")
    content_types = apps.get_model("contenttypes", "ContentType").objects

    # Historical models do not run Wagtail's __init__, which records which kind of task a row is.
    task_type, _ = content_types.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    tasks = {}
    for task_name, group_name in TASK_GROUPS.items():
        task = task_model.objects.filter(name=task_name).first()
        if task is None:
            task = task_model.objects.create(name=task_name, content_type=task_type, active=True)
            group, _ = group_model.objects.get_or_create(name=group_name)
            task.groups.set([group])
        tasks[task_name] = task

    workflows = {}
    for workflow_name, task_names in WORKFLOW_TASKS.items():
        workflow = workflow_model.objects.filter(name=workflow_name).first()
        if workflow is None:
            workflow = workflow_model.objects.create(name=workflow_name, active=True)
            for order, task_name in enumerate(task_names):
                workflow_task_model.objects.create(workflow=workflow, task=tasks[task_name], sort_order=order)
        workflows[workflow_name] = workflow

    root = apps.get_model("wagtailcore", "Page").objects.filter(depth=1).first()
    if root is not None:
        assigned = workflow_page_model.objects.filter(page=root).select_related("workflow").first()
        if assigned is None:
            workflow_page_model.objects.create(page=root, workflow=workflows[ROOT_WORKFLOW])
        elif assigned.workflow.name == WAGTAIL_DEFAULT_WORKFLOW:
            default_workflow = assigned.workflow
            assigned.workflow = workflows[ROOT_WORKFLOW]
            assigned.save()
            _retire_if_unused(apps, default_workflow)

    settings_model = apps.get_model("cms", "EditorialSettings")
    if not settings_model.objects.exists():
        settings_model.objects.create(theological_review_workflow=workflows[THEOLOGICAL_WORKFLOW])

    app_label, model, codename, name = SETTINGS_PERMISSION
    # Django creates model permissions after all migrations ran (post_migrate): create it as it would.
    settings_type, _ = content_types.get_or_create(app_label=app_label, model=model)
    permission, _ = apps.get_model("auth", "Permission").objects.get_or_create(
        content_type=settings_type, codename=codename, defaults={"name": name}
    )
    administrator, _ = group_model.objects.get_or_create(name=ADMINISTRATOR)
    administrator.permissions.add(permission)
    return workflows


def _retire_if_unused(apps: Any, workflow: Any) -> None:
    # Left active, Wagtail's default would sit in the workflow list looking as if it applied somewhere.
    in_use = (
        apps.get_model("wagtailcore", "WorkflowPage").objects.filter(workflow=workflow).exists()
        or apps.get_model("wagtailcore", "WorkflowContentType").objects.filter(workflow=workflow).exists()
        or apps.get_model("wagtailcore", "WorkflowState")
        .objects.filter(workflow=workflow, status__in=("in_progress", "needs_changes"))
        .exists()
    )
    if not in_use:
        workflow.active = False
        workflow.save(update_fields=["active"])


def review_workflows_release(apps: Any) -> None:
    """Undo the tree root's assignment: the root goes back to Wagtail's default workflow. The review
    workflows stay, with the moderation history that refers to them."""
    workflow_model = apps.get_model("wagtailcore", "Workflow")
    default_workflow = workflow_model.objects.filter(name=WAGTAIL_DEFAULT_WORKFLOW).first()
    root = apps.get_model("wagtailcore", "Page").objects.filter(depth=1).first()
    if default_workflow is None or root is None:
        return
    default_workflow.active = True
    default_workflow.save(update_fields=["active"])
    apps.get_model("wagtailcore", "WorkflowPage").objects.update_or_create(
        page=root, defaults={"workflow": default_workflow}
    )
