"""Helpers that let one permission function guard the admin, the API and the selectors alike."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from rest_framework.permissions import BasePermission
from wagtail.permission_policies.base import ModelPermissionPolicy

Rule = Callable[[Any, Any], bool]


def is_active_user(user: Any) -> bool:
    return bool(user and not isinstance(user, AnonymousUser) and user.is_active)


class RulePermissionPolicy(ModelPermissionPolicy):
    """A Wagtail permission policy whose answers come from the app's `can_<action>_<entity>` rules.

    `rules` maps a Wagtail action ("add", "change", "delete", "view") to a rule taking (user, obj);
    an action without a rule is refused.
    """

    def __init__(self, model: type, rules: dict[str, Rule], **kwargs: Any) -> None:
        super().__init__(model, **kwargs)
        self.rules = rules

    def user_has_permission(self, user: Any, action: str) -> bool:
        rule = self.rules.get(action)
        return bool(rule and rule(user, None))

    def user_has_permission_for_instance(self, user: Any, action: str, instance: Any) -> bool:
        rule = self.rules.get(action)
        return bool(rule and rule(user, instance))


class RulePermission(BasePermission):
    """A DRF permission that asks the view's `permission_rule(user, obj)`."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(view.permission_rule(request.user, None))

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        return bool(view.permission_rule(request.user, obj))
