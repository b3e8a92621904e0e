"""The review workflows (docs/decisions/0007-review-workflows.md): "Theological review" (the
Theological reviewer group, then the Publisher group) for articles, scholars' answers and
testimonies, named in the new editorial setting; "Publishing" (the Publisher group) on the tree root
for every other page, in place of Wagtail's default "Moderators approval". Groups are looked up by
name and created if missing, so this runs whichever migration made them."""

import django.db.models.deletion
from django.db import migrations, models

from cms.workflows import review_workflows_ensure, review_workflows_release


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    review_workflows_ensure(apps)


def release(apps, schema_editor):  # type: ignore[no-untyped-def]
    review_workflows_release(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0004_role_groups"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="EditorialSettings",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "theological_review_workflow",
                    models.ForeignKey(
                        blank=True,
                        help_text="Articles, scholars' answers and testimonies go through this workflow wherever they are in the page tree. If empty, they go through the workflow of their place in the tree, like every other page.",
                        limit_choices_to={"active": True},
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="wagtailcore.workflow",
                        verbose_name="workflow for theological material",
                    ),
                ),
            ],
            options={
                "verbose_name": "editorial workflow",
                "verbose_name_plural": "editorial workflow",
            },
        ),
        migrations.RunPython(create, release),
    ]
