"""Gives the Program officer group what grant programmes need (within their assigned programmes,
outreach/grants/permissions.py) and the Administrator group the emergency lock of a grantee's record
(outreach/core/roles.py). The groups exist since cms 0004; this sets each to exactly its list again."""

from django.db import migrations

from outreach.core.groups import GROUP_MIGRATION_DEPENDENCIES, group_ensure_operation
from outreach.core.roles import ADMINISTRATOR, GROUP_PERMISSIONS, PROGRAM_OFFICER


class Migration(migrations.Migration):
    dependencies = [
        *GROUP_MIGRATION_DEPENDENCIES,
        ("grants", "0002_grantees"),
        ("cms", "0004_role_groups"),
        ("broadcasts", "0002_outreach_manager_permissions"),
    ]

    # Reversing leaves the groups in place: cms 0004 owns them.
    operations = [
        migrations.RunPython(group_ensure_operation(name, GROUP_PERMISSIONS[name]).code, migrations.RunPython.noop)
        for name in (PROGRAM_OFFICER, ADMINISTRATOR)
    ]
