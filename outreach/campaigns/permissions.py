"""Who may do what with partners, joint programmes, their results and campaigns: one set of rules for
the admin, the API, the reports and the selectors.

Campaign managers hold Django's model permissions and reach every programme. A partner user (a user
with a PartnerMembership) reaches only the programmes their organisation takes part in, and only to
read: whatever permissions their groups hold, the rules below refuse them every change."""

from typing import Any

from outreach.core.permissions import is_active_user


def partner_of(user: Any) -> Any:
    """The partner organisation the user acts for, or None for staff. Cached on the user object."""
    if not is_active_user(user) or user.is_superuser:
        return None
    if not hasattr(user, "_campaigns_partner"):
        membership = getattr(user, "partner_membership", None) if user.pk else None
        user._campaigns_partner = membership.partner if membership else None
    return user._campaigns_partner


def is_partner_user(user: Any) -> bool:
    return partner_of(user) is not None


def _programme_id(obj: Any) -> int | None:
    """The joint programme an object belongs to, for the partner scope."""
    if obj is None:
        return None
    from .models import JointProgramme, Partner

    if isinstance(obj, JointProgramme):
        return obj.pk
    if isinstance(obj, Partner):
        return None
    if hasattr(obj, "programme_id"):
        return obj.programme_id
    if hasattr(obj, "indicator"):
        return obj.indicator.programme_id
    if hasattr(obj, "period"):
        return obj.period.programme_id
    return None


def _in_partner_scope(user: Any, obj: Any) -> bool:
    """A partner user reaches an object only through a programme their organisation takes part in."""
    partner = partner_of(user)
    if partner is None or obj is None:
        return True
    from .models import Partner, ProgrammePartner

    if isinstance(obj, Partner):
        return obj.pk == partner.pk
    programme_id = _programme_id(obj)
    return (
        programme_id is not None
        and ProgrammePartner.objects.filter(programme_id=programme_id, partner_id=partner.pk).exists()
    )


def _may_read(user: Any, codename: str, obj: Any) -> bool:
    return is_active_user(user) and user.has_perm(f"campaigns.{codename}") and _in_partner_scope(user, obj)


def _may_write(user: Any, codename: str) -> bool:
    return is_active_user(user) and not is_partner_user(user) and user.has_perm(f"campaigns.{codename}")


def can_view_partner(user: Any, partner: Any = None) -> bool:
    return _may_read(user, "view_partner", partner)


def can_add_partner(user: Any, partner: Any = None) -> bool:
    return _may_write(user, "add_partner")


def can_change_partner(user: Any, partner: Any = None) -> bool:
    return _may_write(user, "change_partner")


def can_delete_partner(user: Any, partner: Any = None) -> bool:
    return _may_write(user, "delete_partner")


def can_view_programme(user: Any, programme: Any = None) -> bool:
    return _may_read(user, "view_jointprogramme", programme)


def can_add_programme(user: Any, programme: Any = None) -> bool:
    return _may_write(user, "add_jointprogramme")


def can_change_programme(user: Any, programme: Any = None) -> bool:
    return _may_write(user, "change_jointprogramme")


def can_delete_programme(user: Any, programme: Any = None) -> bool:
    return _may_write(user, "delete_jointprogramme")


def can_view_indicator(user: Any, indicator: Any = None) -> bool:
    return _may_read(user, "view_indicator", indicator)


def can_add_indicator(user: Any, indicator: Any = None) -> bool:
    return _may_write(user, "add_indicator")


def can_change_indicator(user: Any, indicator: Any = None) -> bool:
    return _may_write(user, "change_indicator")


def can_delete_indicator(user: Any, indicator: Any = None) -> bool:
    return _may_write(user, "delete_indicator")


def can_view_result(user: Any, result: Any = None) -> bool:
    return _may_read(user, "view_result", result)


def can_add_result(user: Any, result: Any = None) -> bool:
    return _may_write(user, "add_result")


def can_change_result(user: Any, result: Any = None) -> bool:
    # Figures the platform counts are refreshed from their source, never edited by hand.
    return _may_write(user, "change_result") and not (result is not None and result.is_automatic)


def can_delete_result(user: Any, result: Any = None) -> bool:
    return _may_write(user, "delete_result")


def can_view_campaign(user: Any, campaign: Any = None) -> bool:
    return _may_read(user, "view_campaign", campaign)


def can_add_campaign(user: Any, campaign: Any = None) -> bool:
    return _may_write(user, "add_campaign")


def can_change_campaign(user: Any, campaign: Any = None) -> bool:
    return _may_write(user, "change_campaign")


def can_delete_campaign(user: Any, campaign: Any = None) -> bool:
    return _may_write(user, "delete_campaign")


def can_view_report(user: Any, programme: Any = None) -> bool:
    """The programme dashboard and the partner report: what a partner user comes for."""
    return can_view_programme(user, programme) and can_view_result(user, programme)


def can_manage_partner_users(user: Any, membership: Any = None) -> bool:
    """Linking admin users to partner organisations, and issuing their API tokens."""
    return _may_write(user, "change_partnermembership")


def _rules(view, add, change, delete) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return {"view": view, "add": add, "change": change, "delete": delete}


RULES = _rules(can_view_partner, can_add_partner, can_change_partner, can_delete_partner)
PARTNER_RULES = RULES
PROGRAMME_RULES = _rules(can_view_programme, can_add_programme, can_change_programme, can_delete_programme)
INDICATOR_RULES = _rules(can_view_indicator, can_add_indicator, can_change_indicator, can_delete_indicator)
RESULT_RULES = _rules(can_view_result, can_add_result, can_change_result, can_delete_result)
CAMPAIGN_RULES = _rules(can_view_campaign, can_add_campaign, can_change_campaign, can_delete_campaign)
PARTNER_USER_RULES = _rules(
    can_manage_partner_users, can_manage_partner_users, can_manage_partner_users, can_manage_partner_users
)
