"""A private collection for results' evidence: attendance lists, survey sheets and the like may name
people, so only signed-in campaign managers and partner users can open what is in it (Wagtail checks
a collection's view restriction before serving a document). Result.clean refuses evidence kept
anywhere else."""

from django.db import migrations

from outreach.core.groups import GROUP_MIGRATION_DEPENDENCIES
from outreach.core.roles import CAMPAIGN_MANAGER, PARTNER

EVIDENCE_COLLECTION = "Programme evidence"
# Treebeard's materialised path: four base-36 digits per level.
STEP_LENGTH = 4
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _step(number: int) -> str:
    digits = ""
    while number:
        number, remainder = divmod(number, 36)
        digits = ALPHABET[remainder] + digits
    return digits.rjust(STEP_LENGTH, "0")


def evidence_collection_create(apps, schema_editor):  # type: ignore[no-untyped-def]
    collections = apps.get_model("wagtailcore", "Collection").objects
    root = collections.filter(depth=1).first()
    if root is None or collections.filter(depth=2, name=EVIDENCE_COLLECTION).exists():
        return
    last = collections.filter(depth=2, path__startswith=root.path).order_by("-path").first()
    number = int(last.path[-STEP_LENGTH:], 36) + 1 if last else 1
    collection = collections.create(
        name=EVIDENCE_COLLECTION, depth=2, path=root.path + _step(number), numchild=0
    )
    collections.filter(pk=root.pk).update(numchild=collections.filter(depth=2).count())
    restriction = apps.get_model("wagtailcore", "CollectionViewRestriction").objects.create(
        collection=collection, restriction_type="groups", password=""
    )
    restriction.groups.set(apps.get_model("auth", "Group").objects.filter(name__in=[CAMPAIGN_MANAGER, PARTNER]))


class Migration(migrations.Migration):
    dependencies = [
        *GROUP_MIGRATION_DEPENDENCIES,
        ("campaigns", "0003_role_permissions"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [migrations.RunPython(evidence_collection_create, migrations.RunPython.noop)]
