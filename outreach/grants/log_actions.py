"""Labels of the audit log entries the grants services write (services.LOG_*)."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .services import (
    LOG_AWARD_TRANSITION,
    LOG_CONSENT,
    LOG_ERASE,
    LOG_EXPORT,
    LOG_GENERATE,
    LOG_HOLD,
    LOG_LOCK,
    LOG_MARK_PAID,
    LOG_RELEASE,
    LOG_REPORT,
    LOG_VIEW,
)


@hooks.register("register_log_actions")
def register_grants_log_actions(actions: Any) -> None:
    actions.register_action(LOG_AWARD_TRANSITION, _("Change award status"), _("Changed the award's status"))
    actions.register_action(LOG_GENERATE, _("Generate payments"), _("Generated a month's payments"))
    actions.register_action(LOG_MARK_PAID, _("Mark payments paid"), _("Marked payments paid"))
    actions.register_action(LOG_HOLD, _("Hold payment"), _("Held a payment"))
    actions.register_action(LOG_RELEASE, _("Release payment"), _("Released a held payment"))
    actions.register_action(LOG_REPORT, _("Record progress report"), _("Recorded a progress report"))
    actions.register_action(LOG_CONSENT, _("Record consent"), _("Recorded a consent"))
    actions.register_action(LOG_VIEW, _("View grantee"), _("Viewed the grantee's personal page"))
    actions.register_action(LOG_LOCK, _("Emergency lock"), _("Locked or unlocked the grantee's record"))
    actions.register_action(
        LOG_EXPORT, _("Export grantee data"), _("Exported everything held about the grantee")
    )
    actions.register_action(LOG_ERASE, _("Erase grantee data"), _("Erased the grantee's personal data"))


# The reminders' own entries (which officer was told of which item, and when).
from .reminders import register_reminder_log_actions  # noqa: E402

hooks.register("register_log_actions", register_reminder_log_actions)
