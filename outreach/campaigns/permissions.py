"""Who may do what with partner organisations: used by the admin, the API and the selectors."""

from typing import Any

from outreach.core.permissions import is_active_user


def can_view_partner(user: Any, partner: Any = None) -> bool:
    return is_active_user(user) and user.has_perm("campaigns.view_partner")


def can_add_partner(user: Any, partner: Any = None) -> bool:
    return is_active_user(user) and user.has_perm("campaigns.add_partner")


def can_change_partner(user: Any, partner: Any = None) -> bool:
    return is_active_user(user) and user.has_perm("campaigns.change_partner")


def can_delete_partner(user: Any, partner: Any = None) -> bool:
    return is_active_user(user) and user.has_perm("campaigns.delete_partner")


RULES = {
    "view": can_view_partner,
    "add": can_add_partner,
    "change": can_change_partner,
    "delete": can_delete_partner,
}
