"""Who may do what with grant programmes: used by the admin, the API and the selectors."""

from typing import Any

from outreach.core.permissions import is_active_user


def can_view_programme(user: Any, programme: Any = None) -> bool:
    return is_active_user(user) and user.has_perm("grants.view_programme")


def can_add_programme(user: Any, programme: Any = None) -> bool:
    return is_active_user(user) and user.has_perm("grants.add_programme")


def can_change_programme(user: Any, programme: Any = None) -> bool:
    return is_active_user(user) and user.has_perm("grants.change_programme")


def can_delete_programme(user: Any, programme: Any = None) -> bool:
    return is_active_user(user) and user.has_perm("grants.delete_programme")


RULES = {
    "view": can_view_programme,
    "add": can_add_programme,
    "change": can_change_programme,
    "delete": can_delete_programme,
}
