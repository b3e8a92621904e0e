"""Where in the page tree each role group may work (outreach.core.roles; docs/decisions/0008-roles.md)."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import GroupPagePermission, Page

from outreach.core.roles import PAGE_PERMISSIONS_ON_ROOT, TRANSLATOR_GROUPS, TRANSLATOR_PAGE_PERMISSIONS


@transaction.atomic
def roles_page_permissions_ensure() -> None:
    """Give each role group its page permissions: editors, publishers and administrators on the tree
    root, each translator group on its own language's home page. Creates only what is missing; a
    group or home page that does not exist is left out (groups come from cms migration 0004)."""
    permissions = {
        permission.codename: permission
        for permission in Permission.objects.filter(
            content_type__app_label="wagtailcore", content_type__model="page"
        )
    }
    groups = {
        group.name: group
        for group in Group.objects.filter(name__in=[*PAGE_PERMISSIONS_ON_ROOT, *TRANSLATOR_GROUPS.values()])
    }
    wanted: list[tuple[Group, Page, str]] = []
    root = Page.get_first_root_node()
    if root is not None:
        for name, codenames in PAGE_PERMISSIONS_ON_ROOT.items():
            if name in groups:
                wanted += [(groups[name], root, codename) for codename in codenames]
    # A language's home page is the depth-2 page in its locale (cms.services.site_ensure).
    homes = Page.objects.filter(depth=2, locale__language_code__in=TRANSLATOR_GROUPS).select_related("locale")
    for home in homes:
        name = TRANSLATOR_GROUPS[home.locale.language_code]
        if name in groups:
            wanted += [(groups[name], home, codename) for codename in TRANSLATOR_PAGE_PERMISSIONS]
    held = set(
        GroupPagePermission.objects.filter(group__in=groups.values()).values_list(
            "group_id", "page_id", "permission__codename"
        )
    )
    GroupPagePermission.objects.bulk_create(
        [
            GroupPagePermission(group=group, page=page, permission=permissions[codename])
            for group, page, codename in wanted
            if (group.pk, page.pk, codename) not in held
        ]
    )
