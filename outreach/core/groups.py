"""Role groups created by migrations, each holding exactly the permissions its work needs."""

from collections.abc import Sequence

from django.db import migrations

# (app_label, model, codename, name)
PermissionSpec = tuple[str, str, str, str]
ADMIN_ACCESS: PermissionSpec = ("wagtailadmin", "admin", "access_admin", "Can access Wagtail admin")

# Migrations that create a group run after these: they give every group with admin access the right
# to choose images and documents, and running later keeps a new group at exactly its own list.
GROUP_MIGRATION_DEPENDENCIES = [
    ("auth", "0012_alter_user_first_name_max_length"),
    ("contenttypes", "0002_remove_content_type_name"),
    ("wagtailadmin", "0001_create_admin_access_permissions"),
    ("wagtaildocs", "0011_add_choose_permissions"),
    ("wagtailimages", "0023_add_choose_permissions"),
]


def permission_ensure(apps, spec: PermissionSpec):  # type: ignore[no-untyped-def]
    """The permission `spec` names, from a migration's `apps`. Django creates model permissions only
    after all migrations ran (post_migrate), so a fresh database does not have them yet: create them
    the way post_migrate would."""
    app_label, model, codename, label = spec
    content_type, _ = apps.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label=app_label, model=model
    )
    permission, _ = apps.get_model("auth", "Permission").objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": label}
    )
    return permission


def group_ensure_operation(name: str, permissions: Sequence[PermissionSpec]) -> migrations.RunPython:
    """A migration operation that creates the group `name` holding exactly `permissions` (and
    removes the group when the migration is reversed)."""

    def create(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
        held = [permission_ensure(apps, spec) for spec in permissions]
        group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=name)
        group.permissions.set(held)

    def remove(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
        apps.get_model("auth", "Group").objects.filter(name=name).delete()

    return migrations.RunPython(create, remove)
