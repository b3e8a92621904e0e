"""Who may do what with help requests: used by the admin, the services and the selectors."""

from typing import Any

from outreach.core.permissions import is_active_user

# The group the data migration creates with exactly the permissions helpline staff need.
HELPLINE_GROUP = "Helpline"


def can_view_help_request(user: Any, help_request: Any = None) -> bool:
    """Reading a request, its message and contact included: helpline staff (and superusers)."""
    return is_active_user(user) and user.has_perm("helpline.view_helprequest")


def can_change_help_request(user: Any, help_request: Any = None) -> bool:
    """Moving a request through its statuses and assigning it; only someone who may also read it."""
    return can_view_help_request(user, help_request) and user.has_perm("helpline.change_helprequest")


def can_add_help_request(user: Any, help_request: Any = None) -> bool:
    """Nobody adds requests in the admin: they come only from the public form (help_request_submit)."""
    return False


def can_delete_help_request(user: Any, help_request: Any = None) -> bool:
    """Only a superuser may delete a request (e.g. an erasure demand); staff close requests instead."""
    return is_active_user(user) and user.is_superuser


RULES = {
    "view": can_view_help_request,
    "add": can_add_help_request,
    "change": can_change_help_request,
    "delete": can_delete_help_request,
}
