"""Reads of partners, joint programmes, results frameworks and campaigns, already narrowed to what the
user may see (outreach/campaigns/permissions.py) and already joined for the pages that list them."""

from typing import Any

from django.db.models import Prefetch, QuerySet

from .models import (
    Campaign,
    Indicator,
    IndicatorTarget,
    JointProgramme,
    Partner,
    ProgrammePartner,
    ReportingPeriod,
    Result,
)
from .permissions import (
    can_view_campaign,
    can_view_indicator,
    can_view_partner,
    can_view_programme,
    can_view_result,
    is_partner_user,
    partner_id_of,
)


def _scoped(queryset: QuerySet, user: Any, programme_field: str) -> QuerySet:
    """`queryset` narrowed to the programmes of a partner user's organisation (nothing for a partner
    user linked to none); unchanged for staff."""
    if not is_partner_user(user):
        return queryset
    partner_id = partner_id_of(user)
    if partner_id is None:
        return queryset.none()
    programme_ids = ProgrammePartner.objects.filter(partner_id=partner_id).values("programme_id")
    return queryset.filter(**{f"{programme_field}__in": programme_ids})


def partners_visible_to(*, user: Any) -> QuerySet[Partner]:
    """Partner organisations the user may see, by name: a partner user sees only their own."""
    if not can_view_partner(user):
        return Partner.objects.none()
    queryset = Partner.objects.order_by("name")
    if not is_partner_user(user):
        return queryset
    return queryset.filter(pk=partner_id_of(user)) if partner_id_of(user) else queryset.none()


def programmes_visible_to(*, user: Any) -> QuerySet[JointProgramme]:
    """Joint programmes the user may see, newest first, with their partners' roles."""
    if not can_view_programme(user):
        return JointProgramme.objects.none()
    queryset = JointProgramme.objects.prefetch_related(
        Prefetch("partner_roles", queryset=ProgrammePartner.objects.select_related("partner"))
    ).order_by("-starts_on", "name")
    return _scoped(queryset, user, "pk")


def periods_visible_to(*, user: Any) -> QuerySet[ReportingPeriod]:
    """Reporting periods of the programmes the user may see."""
    if not can_view_programme(user):
        return ReportingPeriod.objects.none()
    queryset = ReportingPeriod.objects.select_related("programme").order_by("programme_id", "starts_on")
    return _scoped(queryset, user, "programme_id")


def indicators_visible_to(*, user: Any) -> QuerySet[Indicator]:
    """Indicators of the programmes the user may see, with their statement and targets."""
    if not can_view_indicator(user):
        return Indicator.objects.none()
    queryset = (
        Indicator.objects.select_related("programme", "statement", "statement__parent")
        .prefetch_related(Prefetch("targets", queryset=IndicatorTarget.objects.select_related("period")))
        .order_by("programme_id", "code")
    )
    return _scoped(queryset, user, "programme_id")


def results_visible_to(*, user: Any) -> QuerySet[Result]:
    """Results of the programmes the user may see, by indicator and period."""
    if not can_view_result(user):
        return Result.objects.none()
    queryset = Result.objects.select_related(
        "indicator", "indicator__programme", "period", "entered_by", "evidence"
    ).order_by("indicator__programme_id", "indicator__code", "period__starts_on", "dimension", "category")
    return _scoped(queryset, user, "indicator__programme_id")


def campaigns_visible_to(*, user: Any) -> QuerySet[Campaign]:
    """Campaigns of the programmes the user may see, newest first, with their programme."""
    if not can_view_campaign(user):
        return Campaign.objects.none()
    queryset = Campaign.objects.select_related("programme").order_by("-starts_on", "name")
    return _scoped(queryset, user, "programme_id")
