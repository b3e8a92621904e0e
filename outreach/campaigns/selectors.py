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
    partner_of,
)


def _programme_ids_of_partner(partner: Partner) -> QuerySet:
    return ProgrammePartner.objects.filter(partner_id=partner.pk).values("programme_id")


def partners_visible_to(*, user: Any) -> QuerySet[Partner]:
    """Partner organisations the user may see, by name: a partner user sees only their own."""
    if not can_view_partner(user):
        return Partner.objects.none()
    partner = partner_of(user)
    queryset = Partner.objects.order_by("name")
    return queryset.filter(pk=partner.pk) if partner else queryset


def programmes_visible_to(*, user: Any) -> QuerySet[JointProgramme]:
    """Joint programmes the user may see, newest first, with their partners' roles."""
    if not can_view_programme(user):
        return JointProgramme.objects.none()
    queryset = JointProgramme.objects.prefetch_related(
        Prefetch("partner_roles", queryset=ProgrammePartner.objects.select_related("partner"))
    ).order_by("-starts_on", "name")
    partner = partner_of(user)
    return queryset.filter(pk__in=_programme_ids_of_partner(partner)) if partner else queryset


def periods_visible_to(*, user: Any) -> QuerySet[ReportingPeriod]:
    """Reporting periods of the programmes the user may see."""
    if not can_view_programme(user):
        return ReportingPeriod.objects.none()
    queryset = ReportingPeriod.objects.select_related("programme").order_by("programme_id", "starts_on")
    partner = partner_of(user)
    return queryset.filter(programme_id__in=_programme_ids_of_partner(partner)) if partner else queryset


def indicators_visible_to(*, user: Any) -> QuerySet[Indicator]:
    """Indicators of the programmes the user may see, with their statement and targets."""
    if not can_view_indicator(user):
        return Indicator.objects.none()
    queryset = (
        Indicator.objects.select_related("programme", "statement", "statement__parent")
        .prefetch_related(Prefetch("targets", queryset=IndicatorTarget.objects.select_related("period")))
        .order_by("programme_id", "code")
    )
    partner = partner_of(user)
    return queryset.filter(programme_id__in=_programme_ids_of_partner(partner)) if partner else queryset


def results_visible_to(*, user: Any) -> QuerySet[Result]:
    """Results of the programmes the user may see, by indicator and period."""
    if not can_view_result(user):
        return Result.objects.none()
    queryset = Result.objects.select_related(
        "indicator", "indicator__programme", "period", "entered_by", "evidence"
    ).order_by("indicator__programme_id", "indicator__code", "period__starts_on", "dimension", "category")
    partner = partner_of(user)
    return (
        queryset.filter(indicator__programme_id__in=_programme_ids_of_partner(partner))
        if partner
        else queryset
    )


def campaigns_visible_to(*, user: Any) -> QuerySet[Campaign]:
    """Campaigns of the programmes the user may see, newest first, with their programme."""
    if not can_view_campaign(user):
        return Campaign.objects.none()
    queryset = Campaign.objects.select_related("programme").order_by("-starts_on", "name")
    partner = partner_of(user)
    return queryset.filter(programme_id__in=_programme_ids_of_partner(partner)) if partner else queryset
