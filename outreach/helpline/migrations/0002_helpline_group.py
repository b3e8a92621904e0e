"""The "Helpline" group with exactly what helpline staff need: read and change help requests (status
and assignee; the admin allows nothing else) and open the Wagtail admin. Nothing to add or delete
requests, and no page, grant or campaign permission."""

from django.db import migrations

from outreach.core.groups import ADMIN_ACCESS, GROUP_MIGRATION_DEPENDENCIES, group_ensure_operation

PERMISSIONS = [
    ("helpline", "helprequest", "view_helprequest", "Can view help request"),
    ("helpline", "helprequest", "change_helprequest", "Can change help request"),
    ADMIN_ACCESS,
]


class Migration(migrations.Migration):
    dependencies = [("helpline", "0001_initial"), *GROUP_MIGRATION_DEPENDENCIES]

    operations = [group_ensure_operation("Helpline", PERMISSIONS)]
