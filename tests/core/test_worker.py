"""A real Celery worker process with beat, on the configured broker and the test database."""

import pytest

from outreach.core.models import Heartbeat
from outreach.core.tasks import heartbeat_record

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_task_sent_through_the_broker_runs_and_commits(celery_worker):
    # given a worker listening on the broker
    assert not Heartbeat.objects.filter(name="sent-by-test").exists()
    # when the test process sends a task through the broker (not eagerly)
    result = heartbeat_record.delay("sent-by-test")
    # then the worker runs it and its row is committed where this process can read it
    assert result.id
    celery_worker.wait_for(
        lambda: Heartbeat.objects.filter(name="sent-by-test").exists(), timeout=60, what="the task's row"
    )
    heartbeat = Heartbeat.objects.get(name="sent-by-test")
    assert heartbeat.count == 1
    assert f"{result.id}] succeeded" in celery_worker.log()


def test_the_beat_schedule_fires(celery_worker):
    # given beat running inside the worker with the heartbeat every second
    # when a few seconds pass
    celery_worker.wait_for(
        lambda: Heartbeat.objects.filter(name="beat", count__gte=2).exists(), timeout=60, what="two beats"
    )
    # then the scheduled entry ran repeatedly, each run committed
    assert Heartbeat.objects.get(name="beat").count >= 2
    assert "Scheduler: Sending due task core-heartbeat" in celery_worker.log()
