"""Which workflow theological material goes through, chosen by an Administrator in Settings >
Editorial workflow (docs/decisions/0007-review-workflows.md).

Wagtail assigns workflows to places in the page tree, not to page types. Articles, scholars' answers
and testimonies sit beside videos and resources under each language's home page, yet only they need
a scholar's review; so their workflow is named here and their `get_workflow()` returns it. Nobody but
a superuser publishes them directly either: they go live only when their workflow is approved."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import PagePermissionTester, Workflow


@register_setting(icon="tasks")
class EditorialSettings(BaseGenericSetting):
    theological_review_workflow = models.ForeignKey(
        "wagtailcore.Workflow",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"active": True},
        verbose_name=_("workflow for theological material"),
        help_text=_(
            "Articles, scholars' answers and testimonies go through this workflow wherever they are "
            "in the page tree. If empty, they go through the workflow of their place in the tree, "
            "like every other page."
        ),
    )

    panels = [FieldPanel("theological_review_workflow")]
    select_related = ["theological_review_workflow"]

    class Meta:
        verbose_name = _("editorial workflow")
        verbose_name_plural = _("editorial workflow")


def theological_review_workflow() -> Workflow | None:
    """The active workflow chosen for theological material, or None when none is chosen."""
    workflow = EditorialSettings.load().theological_review_workflow
    return workflow if workflow is not None and workflow.active else None


class TheologicalReviewMixin:
    """For page kinds whose theology a scholar checks: the workflow chosen in the editorial settings
    wins over the one assigned to the page's place in the tree. Every Wagtail door (submitting from
    the create and edit views, restarting, the action menu, the permission tester) asks
    `get_workflow()` or `has_workflow`, so overriding both is enough. Their permission tester
    refuses direct publishing to all but superusers, so the workflow is the only way to the public."""

    def get_workflow(self) -> Workflow | None:
        if getattr(settings, "WAGTAIL_WORKFLOW_ENABLED", True):
            chosen = theological_review_workflow()
            if chosen is not None:
                return chosen
        return super().get_workflow()  # type: ignore[misc]

    @property
    def has_workflow(self) -> bool:
        # Wagtail's own answer only looks up the tree and would miss the chosen workflow.
        return self.get_workflow() is not None

    def permissions_for_user(self, user: Any) -> PagePermissionTester:
        # Wagtail asks this at every door that publishes a page (the edit view's Publish, bulk
        # publish, wagtail-localize's "Publish in <language>" and sync, Revision.publish itself).
        return TheologicalPagePermissionTester(user, self)


class TheologicalPagePermissionTester(PagePermissionTester):
    """What a user may do to a page whose theology a scholar checks: what Wagtail allows, except
    publishing it directly, which only a superuser may do. Everyone else publishes it by approving
    its workflow's last task (cms.workflows.workflow_publish_approved publishes it then).
    Unpublishing and cancelling a scheduled publication stay with whoever holds the publish
    permission: taking a page down, or keeping it from going up, must not wait for a review."""

    def holds_publish_permission(self) -> bool:
        """Wagtail's own answer: superuser, or the publish permission where the page is."""
        return super().can_publish()

    def can_publish(self) -> bool:
        return self.user.is_superuser and super().can_publish()

    def can_unschedule(self) -> bool:
        return self.holds_publish_permission()

    def can_set_view_restrictions(self) -> bool:
        # Restricting who may read a page publishes no text; Wagtail ties it to publishing.
        return self.holds_publish_permission()
