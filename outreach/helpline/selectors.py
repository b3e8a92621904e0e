from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from .models import HelpRequest
from .permissions import can_view_help_request

CHANGE_PERMISSION = {"codename": "change_helprequest", "content_type__app_label": "helpline"}


def help_requests_visible_to(*, user: Any) -> QuerySet[HelpRequest]:
    """Help requests the user may see, newest first, with the encrypted message and contact left
    unloaded (decrypted only where shown); none for a user without the view rule."""
    if not can_view_help_request(user):
        return HelpRequest.objects.none()
    return HelpRequest.objects.defer("message", "contact").order_by("-created_at", "-pk")


def help_request_assignees() -> QuerySet[Any]:
    """Active users a help request may be assigned to: superusers and holders of the change
    permission, directly or through a group (the service checks the full rule again)."""
    user_model = get_user_model()
    group_permission = Q(**{f"groups__permissions__{key}": value for key, value in CHANGE_PERMISSION.items()})
    own_permission = Q(**{f"user_permissions__{key}": value for key, value in CHANGE_PERMISSION.items()})
    return (
        user_model.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | group_permission | own_permission)
        .distinct()
        .order_by(user_model.USERNAME_FIELD)
    )
