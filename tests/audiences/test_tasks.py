"""The scheduled purge: a thin task on a daily beat entry."""

import datetime

import pytest
from celery.schedules import crontab
from django.utils import timezone

from outreach.audiences import tasks
from outreach.audiences.models import Subscriber
from tests.factories.audiences import SubscriberFactory

pytestmark = pytest.mark.django_db


def test_the_purge_runs_daily_from_beat():
    from outreach.celery import app, setup_beat_schedule

    setup_beat_schedule(app)
    entry = app.conf.beat_schedule["audiences-purge-unconfirmed"]
    assert entry["task"] == "outreach.audiences.tasks.subscriptions_purge_unconfirmed"
    assert entry["schedule"] == crontab(hour=2, minute=30)
    assert entry["task"] == tasks.subscriptions_purge_unconfirmed.name


def test_the_task_purges_with_the_configured_age(settings):
    # given
    settings.SUBSCRIPTION_UNCONFIRMED_PURGE_DAYS = 3
    now = timezone.now()
    SubscriberFactory(requested_at=now - datetime.timedelta(days=4))
    kept = SubscriberFactory(requested_at=now - datetime.timedelta(days=2))
    # when
    purged = tasks.subscriptions_purge_unconfirmed.delay().get()
    # then
    assert purged == 1
    assert list(Subscriber.objects.values_list("pk", flat=True)) == [kept.pk]
