"""The "Outreach manager" group: sees subscribers (status, language, frequency, dates) and their
consent history, and opens the Wagtail admin. Not their addresses or topics
(audiences.view_subscriber_personal_data), not the export or erasure, nothing to add, change or
delete, and no page, grant, campaign or helpline permission."""

from django.db import migrations

from outreach.core.groups import ADMIN_ACCESS, GROUP_MIGRATION_DEPENDENCIES, group_ensure_operation

PERMISSIONS = [
    ("audiences", "subscriber", "view_subscriber", "Can view subscriber"),
    ("audiences", "consentrecord", "view_consentrecord", "Can view consent record"),
    ADMIN_ACCESS,
]


class Migration(migrations.Migration):
    dependencies = [("audiences", "0001_initial"), *GROUP_MIGRATION_DEPENDENCIES]

    operations = [group_ensure_operation("Outreach manager", PERMISSIONS)]
