"""Gives the Campaign manager and Partner groups what they need for joint programmes, results and
campaigns (outreach/core/roles.py). The groups exist since cms 0004; this sets each to exactly its
list again, so a database migrated before these models existed ends up as a fresh one does."""

from django.db import migrations

from outreach.core.groups import GROUP_MIGRATION_DEPENDENCIES, group_ensure_operation, permission_ensure
from outreach.core.roles import CAMPAIGN_MANAGER, COLLECTION_PERMISSIONS, GROUP_PERMISSIONS, PARTNER


def evidence_documents_grant(apps, schema_editor):  # type: ignore[no-untyped-def]
    root_collection = apps.get_model("wagtailcore", "Collection").objects.filter(depth=1).first()
    group = apps.get_model("auth", "Group").objects.get(name=CAMPAIGN_MANAGER)
    if root_collection is None:
        return
    for spec in COLLECTION_PERMISSIONS[CAMPAIGN_MANAGER]:
        apps.get_model("wagtailcore", "GroupCollectionPermission").objects.get_or_create(
            group=group, collection=root_collection, permission=permission_ensure(apps, spec)
        )


class Migration(migrations.Migration):
    dependencies = [
        *GROUP_MIGRATION_DEPENDENCIES,
        ("campaigns", "0002_joint_programmes"),
        ("cms", "0004_role_groups"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    # Reversing leaves the groups in place: cms 0004 owns them.
    operations = [
        migrations.RunPython(group_ensure_operation(name, GROUP_PERMISSIONS[name]).code, migrations.RunPython.noop)
        for name in (CAMPAIGN_MANAGER, PARTNER)
    ] + [
        migrations.RunPython(evidence_documents_grant, migrations.RunPython.noop),
    ]
