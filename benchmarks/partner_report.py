"""How long building the partner report takes, and how much memory, for a large joint programme.

Builds a programme of --indicators indicators over --periods reporting periods (each with a target,
a total and two disaggregated results per period, and a narrative), then times the PDF and the XLSX
in English and Russian for the last period and measures peak memory with tracemalloc. Everything it
creates is rolled back. Prints figures; never fails on them. Uses whatever DATABASE_URL the
environment gives (SQLite when unset).

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/partner_report.py --indicators 40 --periods 8
"""

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def programme_create(*, indicators: int, periods: int):  # type: ignore[no-untyped-def]
    """A programme of `periods` quarters from 2026 on, with `indicators` indicators under one outcome,
    each with a target, a total and a female and male figure in every period."""
    from outreach.campaigns.models import (
        Indicator,
        IndicatorTarget,
        JointProgramme,
        Partner,
        PeriodNarrative,
        ProgrammePartner,
        ReportingPeriod,
        Result,
        ResultStatement,
    )

    years = (periods + 3) // 4
    programme = JointProgramme.objects.create(
        name="Benchmark programme",
        code="benchmark-partner-report",
        objectives="Measure how long the partner report takes to build.",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026 + years - 1, 12, 31),
        budget=Decimal("1200000"),
    )
    partner = Partner.objects.create(name="Benchmark partner", kind=Partner.Kind.INTERNATIONAL)
    ProgrammePartner.objects.create(
        programme=programme, partner=partner, role=ProgrammePartner.Role.LEAD, funding_share=Decimal("100")
    )
    quarters = []
    for index in range(periods):
        year, quarter = 2026 + index // 4, index % 4
        starts_on = date(year, 3 * quarter + 1, 1)
        ends_on = date(year, 3 * quarter + 3, 30 if quarter in (1, 2) else 31)
        quarters.append(
            ReportingPeriod.objects.create(
                programme=programme, name=f"{year} Q{quarter + 1}", starts_on=starts_on, ends_on=ends_on
            )
        )
    outcome = ResultStatement.objects.create(
        programme=programme,
        level=ResultStatement.Level.OUTCOME,
        code="OC1",
        statement="Young people question extremist narratives.",
    )
    created = Indicator.objects.bulk_create(
        Indicator(
            programme=programme,
            statement=outcome,
            code=f"1.{number + 1}",
            name=f"People reached by activity {number + 1}",
            unit=Indicator.Unit.PEOPLE,
            baseline=Decimal("100"),
            means_of_verification="Attendance lists and platform figures.",
            disaggregation=["sex"],
            partner_code=f"EU RF 2.{number + 1}",
        )
        for number in range(indicators)
    )
    IndicatorTarget.objects.bulk_create(
        IndicatorTarget(indicator=indicator, period=period, value=Decimal(1000 * (index + 1)))
        for indicator in created
        for index, period in enumerate(quarters)
    )
    Result.objects.bulk_create(
        Result(
            indicator=indicator,
            period=period,
            dimension=dimension,
            category=category,
            value=Decimal(value),
            evidence_note="Attendance lists, scanned." if not dimension else "",
        )
        for indicator in created
        for period in quarters
        for dimension, category, value in (("", "", 900), ("sex", "female", 500), ("sex", "male", 400))
    )
    for period in quarters:
        PeriodNarrative.objects.create(
            period=period, language="en", summary="Workshops went ahead as planned. " * 20
        )
    return programme, quarters[-1]


def measure(build, repeat: int) -> tuple[float, float, int]:  # type: ignore[no-untyped-def]
    """Median seconds, peak MiB traced by tracemalloc (one extra run), and the size of the file."""
    timings = []
    for _run in range(repeat):
        started = time.perf_counter()
        content = build()
        timings.append(time.perf_counter() - started)
    tracemalloc.start()
    build()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(timings), peak / 2**20, len(content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--indicators", type=int, default=40)
    parser.add_argument("--periods", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outreach.settings.local")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from outreach.campaigns.reports import partner_report, partner_report_pdf, partner_report_xlsx
    from outreach.campaigns.selectors import programmes_visible_to

    call_command("migrate", interactive=False, verbosity=0)
    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(
        f"database: {database}  indicators: {args.indicators}  periods: {args.periods}  runs: {args.repeat}"
    )
    print("| report | seconds (median) | peak MiB (tracemalloc) | bytes |")
    print("|---|---|---|---|")
    with transaction.atomic():
        user = get_user_model().objects.create(username="benchmark-partner-report", is_superuser=True)
        programme, period = programme_create(indicators=args.indicators, periods=args.periods)
        programme = programmes_visible_to(user=user).get(pk=programme.pk)
        for language in ("en", "ru"):
            with CaptureQueriesContext(connection) as queries:
                report = partner_report(user=user, programme=programme, period=period, language=language)
            for name, build in (
                ("PDF", lambda report=report: partner_report_pdf(report)),
                ("XLSX", lambda report=report: partner_report_xlsx(report)),
            ):
                seconds, peak, size = measure(build, args.repeat)
                print(f"| {name} {language} | {seconds:.2f} | {peak:.1f} | {size} |")
        print(f"queries to gather one report's figures: {len(queries)}")
        # Leave nothing behind: everything the benchmark created is rolled back.
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
