"""Scheduled work of grant programmes: thin tasks over the idempotent services in reminders.py,
run once a day by Celery beat (outreach/celery.py). Each holds only its retry policy: a mail server
that cannot be reached is tried again with a back-off, and what was sent before stays recorded."""

from celery import shared_task

from outreach.core.exceptions import TemporaryError


@shared_task(autoretry_for=(TemporaryError,), retry_backoff=True, max_retries=5)
def report_reminders_send() -> int:
    """Mail officers the semester reports missing in their programmes (once a week per report)."""
    from .reminders import report_reminders_send as service

    return service()


@shared_task(autoretry_for=(TemporaryError,), retry_backoff=True, max_retries=5)
def document_reminders_send() -> int:
    """Mail officers the residence documents expiring soon (once a week per document)."""
    from .reminders import document_reminders_send as service

    return service()


@shared_task(autoretry_for=(TemporaryError,), retry_backoff=True, max_retries=5)
def alumni_followups_send() -> int:
    """Create the alumni follow-up waves that have come and mail each alumnus their survey once."""
    from .reminders import alumni_followups_send as service

    return service()
