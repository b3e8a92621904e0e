"""How long the grantee import takes for a large file: preview and commit of --rows new rows, then the
same file again (every row unchanged), then with every stipend changed (every row updated).

Generates an XLSX of --rows rows (one programme, one cohort, 20 institutions of which 10 are new),
times import_parse, import_validate (the preview) and import_commit, and counts the queries. Everything
it creates is rolled back. Prints figures; never fails on them. Uses whatever DATABASE_URL the
environment gives (SQLite when unset).

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/grants_import.py --rows 5000
"""

import argparse
import io
import os
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADINGS = [
    "Code", "Name (original script)", "Name (Latin)", "Date of birth", "Gender", "Nationality", "Province",
    "Email", "Phone", "Programme", "Cohort", "Institution", "Institution city", "Degree level",
    "Field of study", "Starts on", "Expected end", "Stipend", "Stipend frequency", "Tuition", "Housing",
]  # fmt: skip


def workbook_bytes(rows: int, *, stipend: int) -> bytes:
    """An import file of `rows` grantees of the benchmark programme."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Grantees")
    sheet.append(HEADINGS)
    for number in range(rows):
        sheet.append(
            [
                f"BENCH-{number:05d}",
                "مریم احمدی",
                f"Benchmark Person {number}",
                date(2000 + number % 6, 1 + number % 12, 1 + number % 28),
                ("female", "male")[number % 2],
                "Afghan",
                ("Balkh", "Herat", "Kabul")[number % 3],
                f"person{number}@example.org",
                f"+7 700 {number:07d}",
                "benchmark-import",
                "Benchmark intake",
                f"Benchmark University {number % 20}",
                "Almaty",
                ("bachelor", "master")[number % 2],
                "Public administration",
                date(2025, 9, 1),
                date(2029, 6, 30),
                stipend,
                "monthly",
                1200000,
                40000,
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outreach.settings.local")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    # The audit log's action names register with the admin hooks.
    from wagtail import hooks

    hooks.search_for_hooks()
    import outreach.grants.import_hooks  # noqa: F401 - until wagtail_hooks.py imports it
    from outreach.grants.imports import import_commit, import_parse, import_validate
    from outreach.grants.models import Cohort, Institution, Programme

    call_command("migrate", interactive=False, verbosity=0)
    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"database: {database}  rows: {args.rows}")
    print(
        "| run | parse s | preview s | commit s | preview + commit s | commit queries | created/updated/unchanged |"
    )
    print("|---|---|---|---|---|---|---|")
    with transaction.atomic():
        user = get_user_model().objects.create(username="benchmark-grants-import", is_superuser=True)
        programme = Programme.objects.create(
            name="Benchmark import", code="benchmark-import", starts_on=date(2024, 9, 1)
        )
        Cohort.objects.create(
            programme=programme, name="Benchmark intake", intake_year=2025, starts_on=date(2025, 9, 1)
        )
        Institution.objects.bulk_create(
            [Institution(name=f"Benchmark University {number}", city="Almaty") for number in range(10)]
        )
        for run, stipend in (
            ("new rows", 150000),
            ("same file again", 150000),
            ("every stipend changed", 160000),
        ):
            content = workbook_bytes(args.rows, stipend=stipend)
            started = time.perf_counter()
            parsed = import_parse(file_bytes=content, filename="benchmark.xlsx")
            parsed_at = time.perf_counter()
            preview = import_validate(parsed=parsed, user=user)
            previewed_at = time.perf_counter()
            assert not preview.errors, preview.errors[:5]
            with CaptureQueriesContext(connection) as queries:
                # The commit checks the file again, as it does after a preview page.
                result = import_commit(parsed=parsed, user=user)
            committed_at = time.perf_counter()
            print(
                f"| {run} | {parsed_at - started:.2f} | {previewed_at - parsed_at:.2f} "
                f"| {committed_at - previewed_at:.2f} | {committed_at - started:.2f} | {len(queries)} "
                f"| {result.created}/{result.updated}/{result.unchanged} |"
            )
        assert Institution.objects.filter(name__startswith="Benchmark University").count() == 20
        assert Decimal(160000) == programme.grantees.first().awards.first().stipend_amount
        # Leave nothing behind: everything the benchmark created is rolled back.
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
