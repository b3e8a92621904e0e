from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    """Trigram similarity lets search forgive misspellings on PostgreSQL (skipped on SQLite)."""

    dependencies = [("cms", "0001_initial")]

    operations = [TrigramExtension()]
