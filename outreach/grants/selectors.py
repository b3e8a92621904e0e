"""Reads of grant programmes, already narrowed to what the user may see (permissions.py): the
programmes they are assigned to, and never a grantee under the emergency lock unless they are an
administrator."""

from typing import Any

from django.db.models import QuerySet

from .models import Award, Cohort, Grantee, Programme
from .permissions import assigned_programmes, can_see_locked, can_view_grantee, can_view_programme, rules_for


def _scoped(queryset: QuerySet, user: Any, programme_path: str) -> QuerySet:
    visible, _seniors = assigned_programmes(user)
    if visible is None:
        return queryset
    return queryset.filter(**{f"{programme_path}__in": visible})


def programmes_visible_to(*, user: Any) -> QuerySet[Programme]:
    """Programmes the user may see, newest first; none for a user without the view rule."""
    if not can_view_programme(user):
        return Programme.objects.none()
    return _scoped(Programme.objects.order_by("-starts_on", "name"), user, "pk")


def cohorts_visible_to(*, user: Any) -> QuerySet[Cohort]:
    if not rules_for("cohort")["view"](user):
        return Cohort.objects.none()
    return _scoped(Cohort.objects.select_related("programme"), user, "programme_id")


def grantees_visible_to(*, user: Any) -> QuerySet[Grantee]:
    """Grantees of the user's programmes, by code; without the locked ones unless they may see them."""
    if not can_view_grantee(user):
        return Grantee.objects.none()
    queryset = _scoped(Grantee.objects.select_related("programme"), user, "programme_id")
    if not can_see_locked(user):
        queryset = queryset.filter(is_locked=False)
    return queryset.order_by("code")


def awards_visible_to(*, user: Any) -> QuerySet[Award]:
    """Awards of the user's programmes with their grantee, cohort and institution."""
    if not rules_for("award")["view"](user):
        return Award.objects.none()
    queryset = _scoped(
        Award.objects.select_related("grantee", "cohort__programme", "institution"),
        user,
        "cohort__programme_id",
    )
    if not can_see_locked(user):
        queryset = queryset.filter(grantee__is_locked=False)
    return queryset
