"""The Celery application. Beat entries are defined here, in code, each with why it runs."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outreach.settings.local")

app = Celery("outreach")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def setup_beat_schedule(sender: Celery, **kwargs: object) -> None:
    from celery.schedules import crontab
    from django.conf import settings

    sender.conf.beat_schedule = {
        # Operators and the readiness check see from this row that beat and a worker are alive.
        "core-heartbeat": {
            "task": "outreach.core.tasks.heartbeat_record",
            "schedule": settings.HEARTBEAT_INTERVAL_SECONDS,
            "kwargs": {"name": "beat"},
        },
        # Once a day (02:30 UTC), forget requests to subscribe that nobody confirmed within a week:
        # an address someone typed into the form is not kept longer than the link mailed to it works.
        "audiences-purge-unconfirmed": {
            "task": "outreach.audiences.tasks.subscriptions_purge_unconfirmed",
            "schedule": crontab(hour=2, minute=30),
        },
        # Every minute, publish the pages whose go-live time has come and unpublish those past their
        # expiry time, as editors scheduled them in the admin. A missed run costs nothing: the next
        # one finds the same work due.
        "cms-pages-publish-scheduled": {
            "task": "cms.tasks.pages_publish_scheduled",
            "schedule": settings.PAGES_PUBLISH_SCHEDULED_INTERVAL_SECONDS,
        },
        # Mondays at 06:00 in Almaty (01:00 UTC: Kazakhstan keeps UTC+5 all year), before editors
        # start the week, email each owner the list of their material past its review date. A second
        # run in the same week sends nothing (cms.upkeep).
        "cms-review-reminders": {
            "task": "cms.upkeep_tasks.review_reminders_send",
            "schedule": crontab(day_of_week=1, hour=1, minute=0),
        },
        # Every hour (at ten past), count again the figures joint programmes' automatic indicators
        # take from the platform (page reads, help requests), so partners' results are at most an
        # hour old. Each run recounts everything, so a missed one costs nothing.
        "campaigns-automatic-results-refresh": {
            "task": "outreach.campaigns.tasks.automatic_results_refresh_all",
            "schedule": crontab(minute=10),
        },
        # Every day at 01:20 UTC (06:20 in Almaty), mail each programme officer the semester reports
        # missing past their programme's grace days. Each report reaches an officer at most once a
        # week (recorded in the audit log), so a missed or repeated run costs nothing.
        "grants-report-reminders": {
            "task": "outreach.grants.tasks.report_reminders_send",
            "schedule": crontab(hour=1, minute=20),
        },
        # Every day at 01:25 UTC, mail officers their grantees' passports, visas, permits,
        # registrations and insurances expiring within the programme's warning period, each at most
        # once a week.
        "grants-document-reminders": {
            "task": "outreach.grants.tasks.document_reminders_send",
            "schedule": crontab(hour=1, minute=25),
        },
        # Every day at 01:30 UTC, create the alumni follow-up waves (6 months, 1, 3, 5 years after an
        # award ended) that have come, and mail each alumnus who agreed to be re-contacted the survey
        # of their latest wave, once (OutcomeRecord.surveyed_on).
        "grants-alumni-followups": {
            "task": "outreach.grants.tasks.alumni_followups_send",
            "schedule": crontab(hour=1, minute=30),
        },
        # Every few seconds: start the broadcasts and digests whose time has come, hand deliveries
        # whose worker died to another, finish or expire broadcasts, pause those failing too often
        # and restart stalled ones. Times live in the database, so a missed tick only delays.
        "broadcasts-tick": {
            "task": "outreach.broadcasts.tasks.broadcasts_tick",
            "schedule": settings.OUTREACH_TICK_SECONDS,
        },
    }
