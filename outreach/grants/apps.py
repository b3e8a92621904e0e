from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "outreach.grants"
    label = "grants"
    verbose_name = _("Grant programmes")

    def ready(self) -> None:
        from outreach.core.encryption import keyring_for

        # Refuse to start without usable keys rather than fail on the first grantee an officer
        # saves: raises ImproperlyConfigured when GRANTS_ENCRYPTION_KEYS is empty or malformed.
        keyring_for("GRANTS_ENCRYPTION_KEYS")
        # The labels of the grants services' audit entries.
        from . import log_actions  # noqa: F401
