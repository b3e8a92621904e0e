"""Scheduled upkeep of the editorial side. Imported by CmsConfig.ready(): Celery's autodiscovery only
finds modules named `tasks`."""

from celery import shared_task

from outreach.core.exceptions import TemporaryError


@shared_task(ignore_result=True, autoretry_for=(TemporaryError,), retry_backoff=True, max_retries=5)
def review_reminders_send() -> int:
    """Remind owners of their material past its review date (cms.upkeep.review_reminders_send)."""
    from cms.upkeep import review_reminders_send as service

    return service()
