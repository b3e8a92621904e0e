"""Gives the Outreach manager group what scheduled outreach needs, and the Administrator group the
emergency stop (outreach/core/roles.py). The groups exist since audiences 0002 and cms 0004; this
sets each to exactly its list again, so an older database ends up as a fresh one does."""

from django.db import migrations

from outreach.core.groups import GROUP_MIGRATION_DEPENDENCIES, group_ensure_operation
from outreach.core.roles import ADMINISTRATOR, GROUP_PERMISSIONS, OUTREACH_MANAGER


class Migration(migrations.Migration):
    dependencies = [
        *GROUP_MIGRATION_DEPENDENCIES,
        ("broadcasts", "0001_initial"),
        ("audiences", "0003_outreach"),
        ("cms", "0004_role_groups"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    # Reversing leaves the groups in place: earlier migrations own them.
    operations = [
        migrations.RunPython(group_ensure_operation(name, GROUP_PERMISSIONS[name]).code, migrations.RunPython.noop)
        for name in (OUTREACH_MANAGER, ADMINISTRATOR)
    ]
