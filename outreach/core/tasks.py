from celery import shared_task


@shared_task(ignore_result=True)
def heartbeat_record(name: str) -> None:
    """Record that `name` ran on a worker now (see outreach.core.services.heartbeat_record)."""
    from outreach.core.services import heartbeat_record as service

    service(name=name)
