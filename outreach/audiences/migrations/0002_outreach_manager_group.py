"""The "Outreach manager" group: sees subscribers (status, language, frequency, dates) and their
consent history, and opens the Wagtail admin. Not their addresses or topics
(audiences.view_subscriber_personal_data), not the export or erasure, nothing to add, change or
delete, and no page, grant, campaign or helpline permission."""

from django.db import migrations

GROUP = "Outreach manager"
PERMISSIONS = [
    # (app_label, model, codename, name)
    ("audiences", "subscriber", "view_subscriber", "Can view subscriber"),
    ("audiences", "consentrecord", "view_consentrecord", "Can view consent record"),
    ("wagtailadmin", "admin", "access_admin", "Can access Wagtail admin"),
]


def create_outreach_manager_group(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    permissions = []
    for app_label, model, codename, name in PERMISSIONS:
        # Django creates model permissions only after all migrations ran (post_migrate), so a fresh
        # database does not have them yet: create them the way post_migrate would.
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        permissions.append(permission)
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.set(permissions)


def remove_outreach_manager_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("audiences", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        # These give every group with admin access the right to choose images and documents; run
        # after them, so that on a fresh database the group still holds exactly the list above.
        ("wagtaildocs", "0011_add_choose_permissions"),
        ("wagtailimages", "0023_add_choose_permissions"),
    ]

    operations = [
        migrations.RunPython(create_outreach_manager_group, remove_outreach_manager_group),
    ]
