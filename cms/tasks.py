from celery import shared_task


@shared_task(ignore_result=True)
def pages_publish_scheduled() -> None:
    """Publish and unpublish what is due (see cms.editorial.pages_publish_scheduled); beat runs it
    every minute and a missed run is simply caught up by the next."""
    from cms.editorial import pages_publish_scheduled as service

    service()


@shared_task(ignore_result=True)
def workflow_notification_send(
    event: str, state_id: int, user_id: int | None, task_state_id: int | None = None
) -> None:
    """Send the moderation mails of one committed workflow event (cms.editorial, same name)."""
    from cms.editorial import workflow_notification_send as service

    service(event=event, state_id=state_id, user_id=user_id, task_state_id=task_state_id)
