"""Who may do what with grant programmes and the people in them: used by the admin, the API, the
exports and the selectors alike, so one rule guards every door.

- An officer sees only the programmes they are assigned to (ProgrammeOfficer); holders of
  grants.view_all_programmes (and superusers) see every programme.
- Names, papers and contacts need grants.view_grantee_personal_data on top; without it a grantee is
  their pseudonymous code.
- The "cannot return safely" flag: senior officers of the grantee's programme, or holders of
  grants.view_cannot_return_flag.
- A grantee under the emergency lock is hidden from everyone but holders of grants.lock_grantee
  (administrators), whatever else they hold.
- Partner users see aggregates only (programme dashboards, donor reports, the API's aggregates) of
  the programmes a funder of which is their organisation (Funder.partner): never a grantee, whatever
  other groups they are in."""

from typing import Any

from outreach.core.permissions import is_active_user

AGGREGATES = "grants.view_programme_aggregates"


def aggregates_only(user: Any) -> bool:
    """A partner user holding the aggregates permission (the Partner group): they read figures of the
    programmes their organisation funds and nothing else of grant programmes. Only the Partner group
    holds the permission, so staff are told apart without a query."""
    if not is_active_user(user) or user.is_superuser or not user.has_perm(AGGREGATES):
        return False
    from outreach.campaigns.permissions import is_partner_user

    return is_partner_user(user)


def _has(user: Any, permission: str) -> bool:
    """The model permission, refused to aggregates-only partner users (but for the aggregates'
    own). Answered once per user object and permission, as Django caches the permissions themselves
    on the user: a page that checks each of its hundreds of rows asks the backends once."""
    if not is_active_user(user):
        return False
    answers = getattr(user, "_grants_has", None)
    if answers is None:
        answers = user._grants_has = {}
    if permission not in answers:
        answers[permission] = user.has_perm(permission) and (
            permission == AGGREGATES or not aggregates_only(user)
        )
    return answers[permission]


def funded_programmes(user: Any) -> frozenset[int]:
    """Ids of the programmes a funder of which is the partner user's organisation; read in one query
    and cached on the user. Empty for anyone who is not an aggregates-only partner user."""
    if not aggregates_only(user):
        return frozenset()
    if not hasattr(user, "_grants_funded"):
        from outreach.campaigns.permissions import partner_id_of

        from .models import Funder

        partner_id = partner_id_of(user)
        user._grants_funded = frozenset(
            Funder.objects.filter(partner_id=partner_id).values_list("programme_id", flat=True)
            if partner_id
            else ()
        )
    return user._grants_funded


def assigned_programmes(user: Any) -> tuple[frozenset[int] | None, frozenset[int]]:
    """(ids of the programmes the user may see, or None for every programme; ids of those where
    they are a senior officer), read in one query and cached on the user."""
    if not is_active_user(user):
        return frozenset(), frozenset()
    if not hasattr(user, "_grants_scope"):
        from .models import ProgrammeOfficer

        rows = list(ProgrammeOfficer.objects.filter(user_id=user.pk).values_list("programme_id", "is_senior"))
        seniors = frozenset(programme_id for programme_id, is_senior in rows if is_senior)
        every = user.is_superuser or user.has_perm("grants.view_all_programmes")
        user._grants_scope = (None if every else frozenset(programme_id for programme_id, _ in rows), seniors)
    return user._grants_scope


def may_see_programme_id(user: Any, programme_id: int | None) -> bool:
    visible, _seniors = assigned_programmes(user)
    return visible is None or programme_id in visible


def _programme_id(obj: Any) -> int | None:
    """The programme of a grants row: a programme, grantee, cohort, award or anything under one."""
    from .models import Programme

    if obj is None:
        return None
    if isinstance(obj, Programme):
        return obj.pk
    for path in ("programme_id", "cohort.programme_id", "award.cohort.programme_id", "grantee.programme_id"):
        value: Any = obj
        try:
            for part in path.split("."):
                value = getattr(value, part)
        except AttributeError:
            continue
        return value
    return None


# Rows every programme shares (a university, a day's exchange rate): no programme scopes them.
SHARED_MODELS = frozenset({"institution", "exchangerate"})


def _in_scope(user: Any, obj: Any) -> bool:
    if obj is None or obj._meta.model_name in SHARED_MODELS:
        return True
    return may_see_programme_id(user, _programme_id(obj))


def can_see_locked(user: Any) -> bool:
    return _has(user, "grants.lock_grantee")


def _grantee_of(obj: Any) -> Any:
    from .models import Grantee

    if obj is None or isinstance(obj, Grantee):
        return obj
    if hasattr(obj, "grantee"):
        return obj.grantee
    if hasattr(obj, "award"):
        return obj.award.grantee
    return None


def _not_locked_for(user: Any, obj: Any) -> bool:
    grantee = _grantee_of(obj)
    return grantee is None or not grantee.is_locked or can_see_locked(user)


# --- Programmes and their parts -------------------------------------------------------------------


def can_view_programme(user: Any, programme: Any = None) -> bool:
    return _has(user, "grants.view_programme") and _in_scope(user, programme)


def can_add_programme(user: Any, programme: Any = None) -> bool:
    return _has(user, "grants.add_programme")


def can_change_programme(user: Any, programme: Any = None) -> bool:
    return _has(user, "grants.change_programme") and _in_scope(user, programme)


def can_delete_programme(user: Any, programme: Any = None) -> bool:
    return _has(user, "grants.delete_programme") and _in_scope(user, programme)


def _model_rule(action: str, model: str):  # noqa: ANN202 - a rule (user, obj) -> bool
    def rule(user: Any, obj: Any = None) -> bool:
        return _has(user, f"grants.{action}_{model}") and _in_scope(user, obj) and _not_locked_for(user, obj)

    rule.__name__ = f"can_{action}_{model}"
    rule.__doc__ = f"{action.capitalize()} a {model}: the model permission, within the user's programmes."
    return rule


def rules_for(model: str) -> dict[str, Any]:
    """The view/add/change/delete rules of a grants model, scoped to the user's programmes and
    refusing rows of a locked grantee to everyone but administrators."""
    return {action: _model_rule(action, model) for action in ("view", "add", "change", "delete")}


# --- Grantees -------------------------------------------------------------------------------------


def can_view_grantee(user: Any, grantee: Any = None) -> bool:
    return _has(user, "grants.view_grantee") and _in_scope(user, grantee) and _not_locked_for(user, grantee)


def can_view_grantee_personal_data(user: Any, grantee: Any = None) -> bool:
    """Names, date of birth, papers and contacts: without it a grantee is their code."""
    return can_view_grantee(user, grantee) and _has(user, "grants.view_grantee_personal_data")


def can_view_cannot_return_flag(user: Any, grantee: Any = None) -> bool:
    if not can_view_grantee(user, grantee):
        return False
    if _has(user, "grants.view_cannot_return_flag"):
        return True
    _visible, seniors = assigned_programmes(user)
    programme_id = _programme_id(grantee)
    return programme_id is not None and programme_id in seniors if grantee is not None else bool(seniors)


def can_lock_grantee(user: Any, grantee: Any = None) -> bool:
    """The emergency lock, on and off: administrators."""
    return can_see_locked(user)


def can_export_grantee_data(user: Any, grantee: Any = None) -> bool:
    """Everything held about one grantee, for their access request."""
    return can_view_grantee_personal_data(user, grantee)


def can_erase_grantee(user: Any, grantee: Any = None) -> bool:
    """Erasure keeps the aggregates (awards, payments) and empties everything that names the person."""
    return can_view_grantee_personal_data(user, grantee) and _has(user, "grants.delete_grantee")


# --- Awards, payments ------------------------------------------------------------------------------


def can_transition_award(user: Any, award: Any = None) -> bool:
    """Move an award's status (services.award_transition checks which moves are allowed)."""
    return _has(user, "grants.change_award") and _in_scope(user, award) and _not_locked_for(user, award)


def can_manage_disbursements(user: Any, programme: Any = None) -> bool:
    """Generate a month's payments, mark them paid, hold them."""
    return _has(user, "grants.change_disbursement") and _in_scope(user, programme)


def can_view_programme_aggregates(user: Any, programme: Any = None) -> bool:
    """The programme dashboard, the donor report and the API's aggregates, without personal data:
    those who may see the programme (its officers, administrators), and partner users whose
    organisation funds it. Without a programme: whether there is any such programme for them."""
    if can_view_programme(user, programme):
        return True
    if not _has(user, AGGREGATES):
        return False
    funded = funded_programmes(user)
    return bool(funded) if programme is None else programme.pk in funded


PROGRAMME_RULES = {
    "view": can_view_programme,
    "add": can_add_programme,
    "change": can_change_programme,
    "delete": can_delete_programme,
}
GRANTEE_RULES = {
    **rules_for("grantee"),
    "view": can_view_grantee,
    "export": can_export_grantee_data,
    "erase": can_erase_grantee,
    "lock": can_lock_grantee,
}
# Kept for the programme viewset registered before the grantee model existed.
RULES = PROGRAMME_RULES
