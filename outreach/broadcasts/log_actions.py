"""Labels of the audit log entries the broadcast services write (services.LOG_*)."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .services import LOG_APPROVE, LOG_EMERGENCY, LOG_TRANSITION


@hooks.register("register_log_actions")
def register_broadcast_log_actions(actions: Any) -> None:
    actions.register_action(LOG_TRANSITION, _("Change broadcast state"), _("Changed the broadcast's state"))
    actions.register_action(LOG_APPROVE, _("Approve message variant"), _("Approved a language version"))
    actions.register_action(LOG_EMERGENCY, _("Emergency stop"), _("Stopped or resumed all outreach"))
