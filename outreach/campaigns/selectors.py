"""Reads of partners, joint programmes, results frameworks and campaigns, already narrowed to what the
user may see (outreach/campaigns/permissions.py) and already joined for the pages that list them."""

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet
from knox.models import AuthToken

from .models import (
    Campaign,
    Indicator,
    IndicatorTarget,
    JointProgramme,
    Partner,
    PartnerMembership,
    PeriodNarrative,
    ProgrammePartner,
    ReportingPeriod,
    Result,
    ResultStatement,
)
from .permissions import (
    acts_for_a_partner,
    can_manage_partner_users,
    can_view_campaign,
    can_view_indicator,
    can_view_narrative,
    can_view_partner,
    can_view_programme,
    can_view_result,
    can_view_statement,
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
    partner_id = partner_id_of(user)
    return queryset.filter(pk=partner_id) if partner_id else queryset.none()


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


def statements_visible_to(*, user: Any) -> QuerySet[ResultStatement]:
    """Outcomes and outputs of the programmes the user may see, with their programme and outcome."""
    if not can_view_statement(user):
        return ResultStatement.objects.none()
    return ResultStatement.objects.filter(programme__in=programmes_visible_to(user=user)).select_related(
        "programme", "parent"
    )


def narratives_visible_to(*, user: Any) -> QuerySet[PeriodNarrative]:
    """Narratives of the periods of the programmes the user may see, by programme, period, language."""
    if not can_view_narrative(user):
        return PeriodNarrative.objects.none()
    return (
        PeriodNarrative.objects.filter(period__in=periods_visible_to(user=user))
        .select_related("period", "period__programme")
        .order_by("period__programme__name", "period__starts_on", "language")
    )


def partner_memberships_visible_to(*, user: Any) -> QuerySet[PartnerMembership]:
    """Partner users, for those who manage them."""
    if not can_manage_partner_users(user):
        return PartnerMembership.objects.none()
    return PartnerMembership.objects.select_related("user", "partner").order_by(
        "partner__name", "user__username"
    )


User = get_user_model()


def api_tokens_visible_to(*, user: Any) -> QuerySet[AuthToken]:
    """Tokens the user may see and revoke, by holder and newest first, with holder and partner."""
    queryset = AuthToken.objects.select_related("user", "user__partner_membership__partner").order_by(
        "user__username", "-created"
    )
    if acts_for_a_partner(user):
        return queryset.filter(user_id=user.pk)
    if can_manage_partner_users(user):
        return queryset.filter(user__partner_membership__isnull=False)
    return queryset.none()


def token_holders_for(*, actor: Any) -> QuerySet:
    """Active users the actor may issue tokens for, by username: themselves, or every partner user
    for a campaign manager."""
    queryset = User.objects.filter(is_active=True).select_related("partner_membership__partner")
    if acts_for_a_partner(actor):
        return queryset.filter(pk=actor.pk)
    if can_manage_partner_users(actor):
        return queryset.filter(partner_membership__isnull=False).order_by("username")
    return queryset.none()
