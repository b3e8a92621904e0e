from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelplineConfig(AppConfig):
    name = "outreach.helpline"
    label = "helpline"
    verbose_name = _("Helpline")

    def ready(self) -> None:
        from .encryption import keyring

        # Refuse to start without usable keys rather than fail on the first help request a person
        # sends: raises ImproperlyConfigured when HELPLINE_ENCRYPTION_KEYS is empty or malformed.
        keyring()
