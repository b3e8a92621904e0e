"""Who may do what with partners, joint programmes, their results and campaigns: one set of rules for
the admin, the API, the reports and the selectors.

Campaign managers hold Django's model permissions and reach every programme. A partner user (a user
with a PartnerMembership) reaches only the programmes their organisation takes part in, and only to
read: whatever permissions their groups hold, the rules below refuse them every change."""

from typing import Any

from outreach.core.permissions import is_active_user


def _partner_scope(user: Any) -> tuple[bool, int | None]:
    """(is a partner user, their organisation's id), read in one query and cached on the user.

    A member of the Partner group without a PartnerMembership is a partner user of no organisation:
    they see nothing, rather than everything a forgotten link would otherwise open."""
    if not is_active_user(user) or user.is_superuser:
        return (False, None)
    if not hasattr(user, "_campaigns_scope"):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.db.models import Exists, OuterRef

        from outreach.core.roles import PARTNER

        row = (
            get_user_model()
            .objects.filter(pk=user.pk)
            .annotate(in_group=Exists(Group.objects.filter(user=OuterRef("pk"), name=PARTNER)))
            .values_list("partner_membership__partner_id", "in_group")
            .first()
        )
        partner_id, in_group = row if row else (None, False)
        user._campaigns_scope = (bool(partner_id) or bool(in_group), partner_id)
    return user._campaigns_scope


def is_partner_user(user: Any) -> bool:
    return _partner_scope(user)[0]


def partner_id_of(user: Any) -> int | None:
    """The id of the partner organisation a partner user acts for; None for staff and for a partner
    user not linked to any organisation."""
    return _partner_scope(user)[1]


def partner_of(user: Any) -> Any:
    """The partner organisation a partner user acts for, or None."""
    from .models import Partner

    partner_id = partner_id_of(user)
    return Partner.objects.filter(pk=partner_id).first() if partner_id else None


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
    if obj is None:
        return True
    is_partner, partner_id = _partner_scope(user)
    if not is_partner:
        return True
    if partner_id is None:
        return False
    from .models import Partner, ProgrammePartner

    if isinstance(obj, Partner):
        return obj.pk == partner_id
    programme_id = _programme_id(obj)
    return (
        programme_id is not None
        and ProgrammePartner.objects.filter(programme_id=programme_id, partner_id=partner_id).exists()
    )


def _may_read(user: Any, codename: str, obj: Any) -> bool:
    return is_active_user(user) and user.has_perm(f"campaigns.{codename}") and _in_partner_scope(user, obj)


def _may_write(user: Any, codename: str) -> bool:
    # The permission first: it comes from Django's per-request cache, so users outside campaigns
    # never pay the query that finds a partner user's organisation.
    return is_active_user(user) and user.has_perm(f"campaigns.{codename}") and not is_partner_user(user)


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


def can_view_statement(user: Any, statement: Any = None) -> bool:
    return _may_read(user, "view_resultstatement", statement)


def can_add_statement(user: Any, statement: Any = None) -> bool:
    return _may_write(user, "add_resultstatement")


def can_change_statement(user: Any, statement: Any = None) -> bool:
    return _may_write(user, "change_resultstatement")


def can_delete_statement(user: Any, statement: Any = None) -> bool:
    return _may_write(user, "delete_resultstatement")


def can_view_narrative(user: Any, narrative: Any = None) -> bool:
    return _may_read(user, "view_periodnarrative", narrative)


def can_add_narrative(user: Any, narrative: Any = None) -> bool:
    return _may_write(user, "add_periodnarrative")


def can_change_narrative(user: Any, narrative: Any = None) -> bool:
    return _may_write(user, "change_periodnarrative")


def can_delete_narrative(user: Any, narrative: Any = None) -> bool:
    return _may_write(user, "delete_periodnarrative")


def can_view_report(user: Any, programme: Any = None) -> bool:
    """The programme dashboard and the partner report: what a partner user comes for."""
    return can_view_programme(user, programme) and can_view_result(user, programme)


def can_manage_partner_users(user: Any, membership: Any = None) -> bool:
    """Linking admin users to partner organisations, and issuing their API tokens."""
    return _may_write(user, "change_partnermembership")


def acts_for_a_partner(user: Any) -> bool:
    # A Partner group member linked to no organisation reads nothing, so a token would serve nothing.
    # The permission first, so users outside campaigns never pay the partner lookup's query.
    return (
        is_active_user(user)
        and user.has_perm("campaigns.view_jointprogramme")
        and partner_id_of(user) is not None
    )


def can_use_api_tokens(user: Any) -> bool:
    """The page is open to partner users (their own tokens) and to campaign managers."""
    return acts_for_a_partner(user) or can_manage_partner_users(user)


def can_issue_api_token(actor: Any, holder: Any) -> bool:
    """Tokens are for active partner users: issued by themselves or by a campaign manager."""
    if not acts_for_a_partner(holder):
        return False
    return (acts_for_a_partner(actor) and actor.pk == holder.pk) or can_manage_partner_users(actor)


def can_revoke_api_token(actor: Any, token: Any) -> bool:
    """A partner user revokes their own tokens; a campaign manager revokes any partner user's."""
    if not is_active_user(actor):
        return False
    if is_partner_user(actor):
        return token.user_id == actor.pk
    return can_manage_partner_users(actor) and partner_id_of(token.user) is not None


def _rules(view, add, change, delete) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return {"view": view, "add": add, "change": change, "delete": delete}


RULES = _rules(can_view_partner, can_add_partner, can_change_partner, can_delete_partner)
PARTNER_RULES = RULES
PROGRAMME_RULES = _rules(can_view_programme, can_add_programme, can_change_programme, can_delete_programme)
INDICATOR_RULES = _rules(can_view_indicator, can_add_indicator, can_change_indicator, can_delete_indicator)
RESULT_RULES = _rules(can_view_result, can_add_result, can_change_result, can_delete_result)
CAMPAIGN_RULES = _rules(can_view_campaign, can_add_campaign, can_change_campaign, can_delete_campaign)
STATEMENT_RULES = _rules(can_view_statement, can_add_statement, can_change_statement, can_delete_statement)
NARRATIVE_RULES = _rules(can_view_narrative, can_add_narrative, can_change_narrative, can_delete_narrative)
PARTNER_USER_RULES = _rules(
    can_manage_partner_users, can_manage_partner_users, can_manage_partner_users, can_manage_partner_users
)
