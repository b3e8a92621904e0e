"""The Celery application. Beat entries are defined here, in code, each with why it runs."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outreach.settings.local")

app = Celery("outreach")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def setup_beat_schedule(sender: Celery, **kwargs: object) -> None:
    from django.conf import settings

    sender.conf.beat_schedule = {
        # Operators and the readiness check see from this row that beat and a worker are alive.
        "core-heartbeat": {
            "task": "outreach.core.tasks.heartbeat_record",
            "schedule": settings.HEARTBEAT_INTERVAL_SECONDS,
            "kwargs": {"name": "beat"},
        },
    }
