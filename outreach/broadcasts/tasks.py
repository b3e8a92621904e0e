from celery import shared_task

from outreach.core.exceptions import TemporaryError


@shared_task(ignore_result=True)
def broadcasts_tick() -> None:
    """Start due broadcasts and digests, reap expired claims, finish, pause or restart broadcasts."""
    from outreach.broadcasts.pipeline import broadcasts_tick as service

    service()


# No acks_late: a lost task loses no delivery (the claims are rows, returned by the reaper), and
# a task redelivered by the broker would only find nothing left to claim.
@shared_task(ignore_result=True, autoretry_for=(TemporaryError,), retry_backoff=True, max_retries=5)
def broadcast_work(broadcast_id: int) -> None:
    """Send the broadcast's due deliveries for one time slice; hand over to a fresh task if work is left."""
    from outreach.broadcasts.pipeline import broadcast_work as service
    from outreach.broadcasts.pipeline import workers_enqueue

    if service(broadcast_id=broadcast_id):
        workers_enqueue(broadcast_id=broadcast_id, count=1)
