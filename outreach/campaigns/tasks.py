import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def automatic_results_refresh_all() -> None:
    """Count the figures of every active joint programme's automatic indicators again
    (outreach.campaigns.sources.automatic_results_refresh); beat runs it hourly, and a missed or
    failed run is made up by the next, which counts everything afresh."""
    from outreach.campaigns.models import JointProgramme
    from outreach.campaigns.sources import automatic_results_refresh

    for programme in JointProgramme.objects.filter(is_active=True).order_by("pk"):
        # One programme's failure must not keep the others' figures from being counted.
        try:
            report = automatic_results_refresh(programme=programme)
        except Exception:
            logger.exception("Could not count the figures of programme %s", programme.pk)
            continue
        for line in report:
            if line.note:
                logger.info("Programme %s, indicator %s: %s", programme.pk, line.indicator.code, line.note)
