from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    label = "cms"
    verbose_name = _("Public site")

    def ready(self) -> None:
        from cms import audit, signals, upkeep_tasks  # noqa: F401  (upkeep_tasks: Celery finds only `tasks`)

        signals.connect()
        audit.connect()
        # In every process, workers and shells included, not only where the admin's URLs load.
        from cms.workflow_hooks import workflow_notifications_defer

        workflow_notifications_defer()
        # The campaign figures only the site can count, for outreach.campaigns.sources (which never
        # imports the CMS); here, so beat's worker counts them too.
        from cms.campaign_sources import sources_register

        sources_register()
        # What digests say: the site's new material, for outreach.broadcasts.digests.
        from cms.digest_content import provider_register

        provider_register()
