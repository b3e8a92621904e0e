from typing import Any

from django.db.models import QuerySet

from .models import Partner
from .permissions import can_view_partner


def partners_visible_to(*, user: Any) -> QuerySet[Partner]:
    """Partner organisations the user may see, by name; none without the view rule."""
    if not can_view_partner(user):
        return Partner.objects.none()
    return Partner.objects.order_by("name")
