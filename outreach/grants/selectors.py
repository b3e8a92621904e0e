from typing import Any

from django.db.models import QuerySet

from .models import Programme
from .permissions import can_view_programme


def programmes_visible_to(*, user: Any) -> QuerySet[Programme]:
    """Programmes the user may see, newest first; none for a user without the view rule."""
    if not can_view_programme(user):
        return Programme.objects.none()
    return Programme.objects.order_by("-starts_on", "name")
