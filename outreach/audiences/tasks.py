from celery import shared_task
from django.conf import settings

from outreach.core.exceptions import TemporaryError


@shared_task(ignore_result=True, autoretry_for=(TemporaryError,), retry_backoff=True, max_retries=5)
def subscription_mail_send(subscriber_id: int, kind: str, language: str) -> None:
    """Send one subscription mail (see outreach.audiences.services.subscription_mail_send)."""
    from outreach.audiences.services import subscription_mail_send as service

    service(subscriber_id=subscriber_id, kind=kind, language=language)


@shared_task(ignore_result=True)
def subscriptions_purge_unconfirmed() -> int:
    """Forget requests nobody confirmed in time (outreach.audiences.services, same name)."""
    from outreach.audiences.services import subscriptions_purge_unconfirmed as service

    return service(older_than_days=settings.SUBSCRIPTION_UNCONFIRMED_PURGE_DAYS)
