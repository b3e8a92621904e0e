from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BroadcastsConfig(AppConfig):
    name = "outreach.broadcasts"
    verbose_name = _("Broadcasts")

    def ready(self) -> None:
        # The outreach figures of joint programmes, and the labels of the services' audit entries.
        from . import campaign_sources, log_actions  # noqa: F401
        from .webhooks import webhooks_connect

        webhooks_connect()
