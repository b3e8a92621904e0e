"""Writes of results and programme partners. Each validates fully and saves all or nothing."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from knox.models import AuthToken
from wagtail.log_actions import log

from outreach.core.exceptions import ApplicationError

from .models import Indicator, JointProgramme, ProgrammePartner, ReportingPeriod, Result


def _message(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return " ".join(message for messages in error.message_dict.values() for message in messages)
    return " ".join(error.messages)


def _decimal(value: Any) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ApplicationError(_("“%(value)s” is not a number.") % {"value": value}) from None
    if not number.is_finite():
        raise ApplicationError(_("“%(value)s” is not a number.") % {"value": value})
    return number


def _check_unit(indicator: Indicator, unit: str | None) -> None:
    if unit is not None and unit != indicator.unit:
        raise ApplicationError(
            _("%(code)s is measured in %(unit)s; the value was given in “%(given)s”.")
            % {"code": indicator.code, "unit": indicator.get_unit_display(), "given": unit},
            extra={"field": "unit"},
        )


def _check_period(indicator: Indicator, period: ReportingPeriod) -> None:
    programme = indicator.programme
    if period.programme_id != programme.pk:
        raise ApplicationError(
            _("%(period)s is not a period of %(programme)s.") % {"period": period, "programme": programme},
            extra={"field": "period"},
        )
    if period.starts_on < programme.starts_on or period.ends_on > programme.ends_on:
        raise ApplicationError(
            _("%(period)s lies outside the programme (%(start)s to %(end)s).")
            % {
                "period": period,
                "start": programme.starts_on.isoformat(),
                "end": programme.ends_on.isoformat(),
            },
            extra={"field": "period"},
        )


def _duplicate(
    indicator: Indicator, period: ReportingPeriod, dimension: str, category: str
) -> ApplicationError:
    return ApplicationError(
        _("A result for %(code)s in %(period)s has already been entered; change that one instead.")
        % {"code": indicator.code, "period": period},
        extra={"field": "period"},
    )


@transaction.atomic
def result_record(
    *,
    indicator: Indicator,
    period: ReportingPeriod,
    value: Any,
    actor: Any,
    unit: str | None = None,
    dimension: str = "",
    category: str = "",
    evidence: Any = None,
    evidence_note: str = "",
) -> Result:
    """Record the actual value of a hand-entered indicator for a period. Raises ApplicationError for a
    period outside the programme, a value in another unit or out of its range, a duplicate, or an
    indicator whose figures the platform counts."""
    if indicator.is_automatic:
        raise ApplicationError(
            _("%(code)s is counted by the platform (%(source)s); its results cannot be entered by hand.")
            % {"code": indicator.code, "source": indicator.get_source_display()},
            extra={"field": "indicator"},
        )
    _check_unit(indicator, unit)
    _check_period(indicator, period)
    if Result.objects.filter(
        indicator=indicator, period=period, dimension=dimension, category=category
    ).exists():
        raise _duplicate(indicator, period, dimension, category)
    result = Result(
        indicator=indicator,
        period=period,
        value=_decimal(value),
        dimension=dimension,
        category=category.strip(),
        evidence=evidence,
        evidence_note=evidence_note,
        entered_by=actor,
    )
    try:
        result.full_clean(validate_unique=False)
    except ValidationError as error:
        raise ApplicationError(
            _message(error), extra={"errors": getattr(error, "message_dict", {})}
        ) from None
    try:
        # A savepoint, so that losing a race to another entry leaves the caller's transaction usable.
        with transaction.atomic():
            result.save()
    except IntegrityError:
        raise _duplicate(indicator, period, dimension, category) from None
    return result


@dataclass(frozen=True)
class ResultEntry:
    """One line of a period's results form."""

    indicator: Indicator
    value: Any
    evidence_note: str = ""


@transaction.atomic
def results_record_for_period(
    *, period: ReportingPeriod, entries: list[ResultEntry], actor: Any
) -> list[Result]:
    """Record several indicators' totals for one period at once: every line is saved, or, if any is
    refused, none. Raises ApplicationError naming each refused line."""
    recorded, problems = [], []
    for entry in entries:
        try:
            recorded.append(
                result_record(
                    indicator=entry.indicator,
                    period=period,
                    value=entry.value,
                    evidence_note=entry.evidence_note,
                    actor=actor,
                )
            )
        except ApplicationError as error:
            problems.append(f"{entry.indicator.code}: {error.message}")
    if problems:
        transaction.set_rollback(True)
        raise ApplicationError(" ".join(problems), extra={"lines": problems})
    return recorded


@transaction.atomic
def result_update(
    *, result: Result, value: Any, actor: Any, evidence: Any = None, evidence_note: str | None = None
) -> Result:
    """Change a hand-entered result's value (and evidence). Figures the platform counts are refreshed
    from their source instead."""
    if result.is_automatic:
        raise ApplicationError(_("This figure is counted by the platform and cannot be changed by hand."))
    result.value = _decimal(value)
    if evidence is not None:
        result.evidence = evidence
    if evidence_note is not None:
        result.evidence_note = evidence_note
    result.entered_by = actor
    try:
        result.full_clean(validate_unique=False)
    except ValidationError as error:
        raise ApplicationError(_message(error)) from None
    result.save()
    return result


@transaction.atomic
def result_automatic_store(
    *,
    indicator: Indicator,
    period: ReportingPeriod,
    value: int,
    source_detail: str,
    dimension: str = "",
    category: str = "",
) -> Result:
    """Write a figure the platform counted, replacing the last count for the same line. Idempotent:
    the same count stored twice leaves one row."""
    _check_period(indicator, period)
    result, _created = Result.objects.update_or_create(
        indicator=indicator,
        period=period,
        dimension=dimension,
        category=category,
        defaults={
            "value": Decimal(value),
            "source_detail": source_detail,
            "is_automatic": True,
            "entered_by": None,
        },
    )
    return result


def programme_partner_shares_check(*, programme: JointProgramme, shares: list[Decimal]) -> None:
    """Refuse funding shares that add up to more than the whole."""
    total = sum(shares, Decimal("0"))
    if total > Decimal("100"):
        raise ApplicationError(
            _("The partners' funding shares add up to %(total)s%%; they cannot exceed 100%%.")
            % {"total": total}
        )


def programme_funding_by_partner(*, programme: JointProgramme) -> list[tuple[ProgrammePartner, Decimal]]:
    """Each partner's role and the part of the budget its share stands for."""
    return [
        (role, (programme.budget * role.funding_share / Decimal("100")).quantize(Decimal("0.01")))
        # A query of its own: chained on a prefetched modelcluster relation, select_related loses
        # the programme filter and would list every programme's partners.
        for role in ProgrammePartner.objects.filter(programme_id=programme.pk).select_related("partner")
    ]


# --- API tokens (django-rest-knox) ----------------------------------------------------------

User = get_user_model()

ISSUE_ACTION = "campaigns.api_token.issue"
REVOKE_ACTION = "campaigns.api_token.revoke"
ISSUE_LABEL = gettext_lazy("Issue API token")
REVOKE_LABEL = gettext_lazy("Revoke API token")

# Days a token lives; a partner's system asks for a new one before the old one runs out.
LIFETIME_CHOICES = [
    (30, gettext_lazy("30 days")),
    (90, gettext_lazy("90 days")),
    (180, gettext_lazy("180 days")),
    (365, gettext_lazy("365 days")),
]
DEFAULT_LIFETIME_DAYS = 365
# Enough for a production and a test system each changing its key; more means forgotten keys.
MAX_LIVE_TOKENS_PER_USER = 5

TOO_MANY_TOKENS = gettext_lazy(
    "%(user)s already holds %(count)s tokens that have not expired; revoke one first."
)
NOT_A_LIFETIME = gettext_lazy("Choose how long the token lives: 30, 90, 180 or 365 days.")
NOT_A_HOLDER = gettext_lazy("Choose a partner user you may issue tokens for.")


@transaction.atomic
def api_token_issue(*, holder: Any, actor: Any, lifetime_days: int) -> tuple[AuthToken, str]:
    """Issue a token for `holder` that expires in `lifetime_days`; returns it with its key, which is
    stored nowhere. Raises ApplicationError for a lifetime not on offer or too many live tokens."""
    if lifetime_days not in dict(LIFETIME_CHOICES):
        raise ApplicationError(str(NOT_A_LIFETIME), extra={"lifetime_days": lifetime_days})
    # Lock the holder so two requests at once cannot both slip under the limit.
    User.objects.select_for_update().filter(pk=holder.pk).first()
    live = AuthToken.objects.filter(user_id=holder.pk).filter(
        Q(expiry__isnull=True) | Q(expiry__gt=timezone.now())
    )
    count = live.count()
    if count >= MAX_LIVE_TOKENS_PER_USER:
        raise ApplicationError(
            str(TOO_MANY_TOKENS % {"user": holder.get_username(), "count": count}),
            extra={"count": count},
        )
    token, key = AuthToken.objects.create(user=holder, expiry=timedelta(days=lifetime_days))
    log(
        instance=holder,
        action=ISSUE_ACTION,
        user=actor,
        data={"token": token.token_key[:8], "expiry": token.expiry.isoformat()},
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, token: AuthToken, actor: Any) -> None:
    """Delete the token: the next request that sends its key is refused."""
    holder = token.user
    prefix = token.token_key[:8]
    token.delete()
    log(instance=holder, action=REVOKE_ACTION, user=actor, data={"token": prefix})
