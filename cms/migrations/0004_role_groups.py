"""The role groups, each with exactly the permissions its work needs (docs/decisions/0008-roles.md):
Editor, Theological reviewer, Publisher, one translator group per language with its own page tree,
Program officer, Campaign manager, Partner and Administrator. Also makes a second factor compulsory
for the Helpline group, which reads the requests of people at risk, and removes Wagtail's own
starter groups "Editors" and "Moderators" while nobody is in them: their broad permissions (the
moderators publish) and names one letter off ours would invite putting someone in the wrong one.

Page permissions on the tree root and image and document permissions on the root collection are
granted here; a translator's page permissions need their language's home page, which
cms.services.site_ensure creates, so cms.roles.roles_page_permissions_ensure grants those."""

from django.db import migrations

from outreach.core.groups import GROUP_MIGRATION_DEPENDENCIES, group_ensure_operation, permission_ensure
from outreach.core.roles import (
    COLLECTION_PERMISSIONS,
    ENABLE_TWO_FACTOR,
    GROUP_PERMISSIONS,
    HELPLINE,
    PAGE_PERMISSIONS_ON_ROOT,
    TRANSLATOR_COLLECTION_PERMISSIONS,
    TRANSLATOR_GROUPS,
    TRANSLATOR_PERMISSIONS,
)

WAGTAIL_STARTER_GROUPS = ["Editors", "Moderators"]

PAGE_PERMISSION_NAMES = {
    "add_page": "Can add page",
    "change_page": "Can change page",
    "publish_page": "Can publish page",
    "lock_page": "Can lock page",
    "unlock_page": "Can unlock page",
}


def tree_permissions_grant(apps, schema_editor):  # type: ignore[no-untyped-def]
    groups = apps.get_model("auth", "Group").objects
    root_page = apps.get_model("wagtailcore", "Page").objects.filter(depth=1).first()
    root_collection = apps.get_model("wagtailcore", "Collection").objects.filter(depth=1).first()
    if root_page is not None:
        for name, codenames in PAGE_PERMISSIONS_ON_ROOT.items():
            group = groups.get(name=name)
            for codename in codenames:
                permission = permission_ensure(apps, ("wagtailcore", "page", codename, PAGE_PERMISSION_NAMES[codename]))
                apps.get_model("wagtailcore", "GroupPagePermission").objects.get_or_create(
                    group=group, page=root_page, permission=permission
                )
    if root_collection is not None:
        held = dict(COLLECTION_PERMISSIONS)
        held.update({name: TRANSLATOR_COLLECTION_PERMISSIONS for name in TRANSLATOR_GROUPS.values()})
        for name, specs in held.items():
            group = groups.get(name=name)
            for spec in specs:
                apps.get_model("wagtailcore", "GroupCollectionPermission").objects.get_or_create(
                    group=group, collection=root_collection, permission=permission_ensure(apps, spec)
                )


def helpline_two_factor_require(apps, schema_editor):  # type: ignore[no-untyped-def]
    group = apps.get_model("auth", "Group").objects.filter(name=HELPLINE).first()
    if group is not None:
        group.permissions.add(permission_ensure(apps, ENABLE_TWO_FACTOR))


def helpline_two_factor_release(apps, schema_editor):  # type: ignore[no-untyped-def]
    group = apps.get_model("auth", "Group").objects.filter(name=HELPLINE).first()
    if group is not None:
        group.permissions.remove(permission_ensure(apps, ENABLE_TWO_FACTOR))


def wagtail_starter_groups_remove(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("auth", "Group").objects.filter(
        name__in=WAGTAIL_STARTER_GROUPS, user__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0003_page_view_counts"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
        ("wagtailsearchpromotions", "0008_query_verbose_name"),
        ("wagtail_localize", "0016_rename_page_revision_translationlog_revision"),
        ("wagtail_2fa", "0001_initial"),
        ("grants", "0001_initial"),
        ("campaigns", "0001_initial"),
        ("helpline", "0002_helpline_group"),
        *GROUP_MIGRATION_DEPENDENCIES,
    ]

    operations = [
        *(group_ensure_operation(name, permissions) for name, permissions in GROUP_PERMISSIONS.items()),
        *(group_ensure_operation(name, TRANSLATOR_PERMISSIONS) for name in TRANSLATOR_GROUPS.values()),
        migrations.RunPython(tree_permissions_grant, migrations.RunPython.noop),
        migrations.RunPython(helpline_two_factor_require, helpline_two_factor_release),
        migrations.RunPython(wagtail_starter_groups_remove, migrations.RunPython.noop),
    ]
