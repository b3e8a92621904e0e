"""The hourly count of automatic indicators runs in a real Celery worker, against the test database."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cms.analytics import PageViewCount
from outreach.campaigns.models import Indicator, Result
from outreach.campaigns.tasks import automatic_results_refresh_all
from outreach.celery import app
from tests.factories.campaigns import (
    CampaignFactory,
    IndicatorFactory,
    JointProgrammeFactory,
    ReportingPeriodFactory,
)
from tests.factories.cms import CampaignLandingPageFactory, article_add


def test_beat_runs_the_count_every_hour():
    entry = app.conf.beat_schedule["campaigns-automatic-results-refresh"]
    assert entry["task"] == automatic_results_refresh_all.name
    assert (entry["schedule"].minute, entry["schedule"].hour) == ({10}, set(range(24)))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_beat_task_counts_active_programmes_in_a_real_worker(celery_worker, homes):
    # given an active and an inactive programme, each with a campaign running now whose landing page
    # was read today, and an indicator counting outreach deliveries (the campaign sent none)
    today = timezone.localdate()
    indicators = {}
    for code, is_active in (("active", True), ("inactive", False)):
        programme = JointProgrammeFactory(
            code=code,
            is_active=is_active,
            starts_on=today - timedelta(days=60),
            ends_on=today + timedelta(days=60),
        )
        ReportingPeriodFactory(
            programme=programme,
            name="Now",
            starts_on=today - timedelta(days=7),
            ends_on=today + timedelta(days=7),
        )
        campaign = CampaignFactory(programme=programme, name="Parents first", starts_on=today, ends_on=today)
        landing = article_add(
            home=homes["ru"],
            factory_class=CampaignLandingPageFactory,
            slug=f"{code}-landing",
            campaign=campaign,
        )
        PageViewCount.objects.create(page=landing, language="ru", day=today, views=12)
        indicators[code] = IndicatorFactory(programme=programme, page_views=True, code="OP1.1")
    deliveries = IndicatorFactory(
        programme=indicators["active"].programme,
        code="OP2.1",
        source=Indicator.Source.OUTREACH_DELIVERIES,
        unit=Indicator.Unit.COUNT,
    )

    # when beat's task runs in the worker
    automatic_results_refresh_all.delay()
    celery_worker.wait_for(
        lambda: Result.objects.filter(indicator__in=[indicators["active"], deliveries]).count() == 3,
        timeout=60,
        what="the active programme's figures",
    )

    # then the active programme's figures are stored with what was counted, nothing else is
    rows = list(
        Result.objects.filter(indicator=indicators["active"]).values_list(
            "dimension", "category", "value", "is_automatic"
        )
    )
    assert rows == [("", "", Decimal("12"), True), ("language", "ru", Decimal("12"), True)]
    detail = Result.objects.get(indicator=indicators["active"], dimension="").source_detail
    assert detail.startswith(
        f"12 reads of 1 page of campaign “Parents first” in ru between {today} and {today}, counted "
    )
    assert detail.endswith(" (Asia/Almaty)")
    assert Result.objects.filter(indicator=indicators["inactive"]).count() == 0
    # the worker counts outreach too (outreach.broadcasts registers its sources where workers load)
    assert list(Result.objects.filter(indicator=deliveries).values_list("dimension", "value")) == [
        ("", Decimal("0"))
    ]
    celery_worker.wait_for(
        lambda: re.search(r"automatic_results_refresh_all\[[^\]]+\] succeeded in", celery_worker.log()),
        timeout=30,
        what="the task to finish",
    )
    assert "not available yet" not in celery_worker.log()
