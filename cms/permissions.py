"""Who may open the editorial reports and the audit log, schedule a page's publication and submit a
translation for review: used by the admin views, the menu, the buttons and the services alike (roles
in outreach.core.roles)."""

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from wagtail.models import Page
from wagtail.permissions import page_permission_policy

from cms.editorial_settings import TheologicalReviewMixin
from outreach.core.permissions import is_active_user
from outreach.core.roles import TRANSLATOR_GROUPS

# The audit log goes with managing the admin's accounts, which the Administrator role alone holds
# (outreach.core.roles). A permission rather than the group's name: the admin menu asks on every
# page, and the request's permissions are already loaded, where a group lookup costs a query.
AUDIT_LOG_PERMISSION = "auth.change_user"

# Whoever may write or publish pages anywhere in the tree does editorial work.
EDITORIAL_PAGE_PERMISSIONS = ["add", "change", "publish"]


def can_view_editorial_reports(user: Any, obj: Any = None) -> bool:
    """Translation coverage, pages due for review and reading figures: editors, translators and
    publishers (anyone who may write or publish a page), and superusers."""
    return is_active_user(user) and page_permission_policy.user_has_any_permission(
        user, EDITORIAL_PAGE_PERMISSIONS
    )


def can_view_audit_log(user: Any, obj: Any = None) -> bool:
    """The whole audit log (who changed, published, translated or opened what), its exports
    included: administrators and superusers only, since it names who looked at help requests."""
    return is_active_user(user) and user.has_perm(AUDIT_LOG_PERMISSION)


def translator_language_codes(user: Any) -> list[str]:
    """The languages `user` translates into, from their translator groups, in the settings' order."""
    if not is_active_user(user):
        return []
    names = set(user.groups.filter(name__in=TRANSLATOR_GROUPS.values()).values_list("name", flat=True))
    return [code for code, name in TRANSLATOR_GROUPS.items() if name in names]


def can_schedule_page(user: Any, page: Any) -> bool:
    """Whether `user` may open "Schedule publication" for `page`: superusers, and whoever holds the
    publish permission where the page is (Publishers), articles and other theological material
    included. Whether the page can be scheduled now (not while it waits for theological review) is
    cms.scheduling's to say, with a reason. Costs no query: the listing asks it on every row."""
    if not is_active_user(user) or page.is_root():
        return False
    return page_permission_policy.user_has_permission_for_instance(user, "publish", page)


def can_submit_translation(user: Any, translation: Any) -> bool:
    """Whether `user` may write `translation` (wagtail-localize) into a draft of its target page and
    send that into review: whoever may edit the target page but not publish it directly (its
    language's translator, an editor), or anyone who may edit it when its kind must be reviewed."""
    if not is_active_user(user) or not translation.enabled:
        return False
    target = translation_target_page(translation)
    if target is None:
        return False
    permissions = target.permissions_for_user(user)
    if not permissions.can_edit():
        return False
    return isinstance(target, TheologicalReviewMixin) or not permissions.can_publish()


def translation_target_page(translation: Any) -> Page | None:
    """The page `translation` writes into, or None when it has none yet or translates a snippet."""
    try:
        target = translation.get_target_instance()
    except ObjectDoesNotExist:
        return None
    return target if isinstance(target, Page) else None
