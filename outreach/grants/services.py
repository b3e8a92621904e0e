"""Writes of grant programmes: award status moves, a month's payments and their funders' split,
progress reports, consent, and the privacy duties towards one grantee (audit of every view, the
emergency lock, export and erasure).

Every service checks its permission rule (permissions.py) first, validates everything before it
writes anything, and records an audit log entry (labels in log_actions.py) that never carries
personal data: a grantee is named there by their pseudonymous code only."""

import calendar
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from outreach.core.exceptions import ApplicationError

from .models import (
    Award,
    AwardTransition,
    Consent,
    Disbursement,
    DisbursementShare,
    ExchangeRate,
    Funder,
    Grantee,
    OutcomeRecord,
    Programme,
    ProgressReport,
    ResidenceDocument,
)
from .permissions import (
    can_erase_grantee,
    can_export_grantee_data,
    can_lock_grantee,
    can_manage_disbursements,
    can_transition_award,
    can_view_cannot_return_flag,
    can_view_grantee_personal_data,
    rules_for,
)

Status = Award.Status

# Audit log actions (labels registered in log_actions.py).
LOG_AWARD_TRANSITION = "grants.award_transition"
LOG_GENERATE = "grants.generate_disbursements"
LOG_MARK_PAID = "grants.mark_paid"
LOG_HOLD = "grants.hold_disbursement"
LOG_RELEASE = "grants.release_disbursement"
LOG_REPORT = "grants.record_progress_report"
LOG_CONSENT = "grants.record_consent"
LOG_VIEW = "grants.view_grantee"
LOG_LOCK = "grants.lock"
LOG_EXPORT = "grants.export_grantee"
LOG_ERASE = "grants.erase_grantee"

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
# How far back a payment may look for its day's exchange rate (weekends and bank holidays publish none).
RATE_LOOKBACK_DAYS = 7
# An award may be enrolled at most this long before its studies start.
ENROLMENT_WINDOW_DAYS = 90

# The award's state machine: to_status: the statuses it may be reached from. With the guards below:
#
#   to          from                                          guard / effect
#   enrolled    selected                                      starts_on <= today + 90 days
#   active      enrolled, probation, suspended                from enrolled: starts_on <= today
#   probation   active                                        -
#   suspended   active, probation                             -
#   withdrawn   selected, enrolled, active, probation,        sets ended_on to today
#               suspended
#   graduated   active, probation                             at least one progress report;
#                                                             sets ended_on to today if empty
#   alumni      graduated                                     sets ended_on to today if empty
#
# Every move needs a reason (kept in AwardTransition, never in the audit log) and
# permissions.can_transition_award.
AWARD_TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.ENROLLED: (Status.SELECTED,),
    Status.ACTIVE: (Status.ENROLLED, Status.PROBATION, Status.SUSPENDED),
    Status.PROBATION: (Status.ACTIVE,),
    Status.SUSPENDED: (Status.ACTIVE, Status.PROBATION),
    Status.WITHDRAWN: (Status.SELECTED, Status.ENROLLED, Status.ACTIVE, Status.PROBATION, Status.SUSPENDED),
    Status.GRADUATED: (Status.ACTIVE, Status.PROBATION),
    Status.ALUMNI: (Status.GRADUATED,),
}
# Statuses that close an award: moving into one sets ended_on (today) when it is empty.
ENDING_STATUSES = (Status.WITHDRAWN, Status.GRADUATED, Status.ALUMNI)


def _guard_enrolled(award: Award, today: date) -> str | None:
    if award.starts_on > today + timedelta(days=ENROLMENT_WINDOW_DAYS):
        return _(
            "The award starts on %(day)s: it can be enrolled from %(earliest)s, %(days)s days before."
        ) % {
            "day": award.starts_on.isoformat(),
            "days": ENROLMENT_WINDOW_DAYS,
            "earliest": (award.starts_on - timedelta(days=ENROLMENT_WINDOW_DAYS)).isoformat(),
        }
    return None


def _guard_active(award: Award, today: date) -> str | None:
    if award.status == Status.ENROLLED and award.starts_on > today:
        return _("The award starts on %(day)s: it cannot be active before then.") % {
            "day": award.starts_on.isoformat()
        }
    return None


def _guard_graduated(award: Award, today: date) -> str | None:
    if not award.reports.exists():
        return _(
            "An award without a single progress report cannot be graduated; record the last report first."
        )
    return None


# to_status: a check returning why the move is refused (None when it may go ahead).
AWARD_TRANSITION_GUARDS: dict[str, Callable[[Award, date], str | None]] = {
    Status.ENROLLED: _guard_enrolled,
    Status.ACTIVE: _guard_active,
    Status.GRADUATED: _guard_graduated,
}


def _message(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(message for messages in error.message_dict.values() for message in messages)
    return " ".join(error.messages)


def _clean(instance: Any, **kwargs: Any) -> None:
    try:
        instance.full_clean(**kwargs)
    except ValidationError as error:
        raise ApplicationError(
            _message(error), extra={"fields": getattr(error, "message_dict", {})}
        ) from None


def _status_label(status: str) -> str:
    return str(Status(status).label)


# --- Awards --------------------------------------------------------------------------------------------


@transaction.atomic
def award_transition(
    *, award: Award, to_status: str, reason: str, actor: Any, today: date | None = None
) -> Award:
    """Move the award to `to_status` under its row lock and record the move with its reason.
    ApplicationError, and nothing written, when the actor may not, the move is not in
    AWARD_TRANSITIONS, the reason is empty, or the move's guard refuses it."""
    today = today or timezone.localdate()
    if not can_transition_award(actor, award):
        raise ApplicationError(_("You may not change the status of this award."))
    if to_status not in Status.values:
        raise ApplicationError(_("“%(status)s” is not an award status.") % {"status": to_status})
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("Say why the award's status changes."), extra={"fields": {"reason": [_("Say why.")]}}
        )
    locked = Award.objects.select_for_update().get(pk=award.pk)
    previous = locked.status
    if previous not in AWARD_TRANSITIONS.get(to_status, ()):
        raise ApplicationError(
            _("An award that is “%(from)s” cannot become “%(to)s”.")
            % {"from": _status_label(previous), "to": _status_label(to_status)},
            extra={"status": previous},
        )
    guard = AWARD_TRANSITION_GUARDS.get(to_status)
    refusal = guard(locked, today) if guard else None
    if refusal:
        raise ApplicationError(refusal, extra={"status": previous})
    now = timezone.now()
    fields = ["status", "status_changed_at", "updated_at"]
    locked.status, locked.status_changed_at = to_status, now
    if to_status == Status.WITHDRAWN or (to_status in ENDING_STATUSES and locked.ended_on is None):
        locked.ended_on = today
        fields.append("ended_on")
    locked.save(update_fields=fields)
    AwardTransition.objects.create(
        award=locked, from_status=previous, to_status=to_status, reason=reason, at=now, actor=actor
    )
    log(instance=locked, action=LOG_AWARD_TRANSITION, user=actor, data={"from": previous, "to": to_status})
    # The caller's object follows, so a view rendering it afterwards shows the new status.
    award.status, award.status_changed_at, award.ended_on = locked.status, now, locked.ended_on
    return locked


# --- Disbursements -------------------------------------------------------------------------------------


def _month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


# Quarterly stipends are paid for three months at once, in these months.
QUARTER_MONTHS = (1, 4, 7, 10)


@transaction.atomic
def disbursements_generate(*, programme: Programme, month: date, actor: Any) -> int:
    """Create the month's stipend (and housing) payments, due, for every award of the programme that
    is active or on probation during the month; returns how many were created. Running it again
    creates nothing new (the award+month+kind constraint); the query count does not grow with awards."""
    if not can_manage_disbursements(actor, programme):
        raise ApplicationError(_("You may not manage this programme's payments."))
    first, last = _month_bounds(month)
    # Serialises generation per programme, so the count of created rows below is exact.
    Programme.objects.select_for_update().filter(pk=programme.pk).values_list("pk", flat=True).get()
    awards = Award.objects.filter(
        cohort__programme=programme,
        status__in=(Status.ACTIVE, Status.PROBATION),
        starts_on__lte=last,
        expected_end_on__gte=first,
    ).values_list("pk", "stipend_amount", "stipend_frequency", "housing_amount")
    rows = []
    for award_id, stipend, frequency, housing in awards:
        if frequency == Award.Frequency.MONTHLY:
            rows.append(
                Disbursement(award_id=award_id, month=first, kind=Disbursement.Kind.STIPEND, amount=stipend)
            )
        elif first.month in QUARTER_MONTHS:
            rows.append(
                Disbursement(
                    award_id=award_id, month=first, kind=Disbursement.Kind.STIPEND, amount=stipend * 3
                )
            )
        if housing > 0:
            rows.append(
                Disbursement(award_id=award_id, month=first, kind=Disbursement.Kind.HOUSING, amount=housing)
            )
    existing = Disbursement.objects.filter(award__cohort__programme=programme, month=first)
    before = existing.count()
    Disbursement.objects.bulk_create(rows, ignore_conflicts=True)
    created = existing.count() - before
    log(
        instance=programme,
        action=LOG_GENERATE,
        user=actor,
        data={"month": first.isoformat(), "created": created},
    )
    return created


def _rates_on(pairs: set[tuple[str, str]], paid_on: date) -> dict[tuple[str, str], Decimal]:
    """The latest rate of each (base, currency) pair within RATE_LOOKBACK_DAYS up to the payment day."""
    if not pairs:
        return {}
    condition = Q()
    for base, currency in pairs:
        condition |= Q(base=base, currency=currency)
    rates: dict[tuple[str, str], Decimal] = {}
    rows = (
        ExchangeRate.objects.filter(
            condition, on__lte=paid_on, on__gte=paid_on - timedelta(days=RATE_LOOKBACK_DAYS)
        )
        .order_by("-on")
        .values_list("base", "currency", "rate")
    )
    for base, currency, rate in rows:
        rates.setdefault((base, currency), rate)
    return rates


def _split(amount: Decimal, funders: list[Funder]) -> list[Decimal]:
    """`amount` split by the funders' shares in cents; the rounding remainder goes to the largest
    share, so the parts add up to the amount exactly."""
    parts = [
        (amount * funder.share_percent / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP) for funder in funders
    ]
    largest = max(range(len(funders)), key=lambda index: (funders[index].share_percent, -index))
    parts[largest] += amount - sum(parts)
    return parts


@transaction.atomic
def disbursements_mark_paid(*, disbursements: Iterable[Disbursement], paid_on: date, actor: Any) -> int:
    """Mark the due disbursements among `disbursements` paid on `paid_on` and split each across its
    programme's funders at the payment day's exchange rates; returns how many were marked. Paid ones
    are skipped. ApplicationError, and nothing written, when any is held, the actor may not manage a
    programme's payments, the day has not come yet, the funders' shares do not add up to 100% or a
    rate is missing."""
    ids = [disbursement.pk for disbursement in disbursements]
    if not ids:
        return 0
    if paid_on > timezone.localdate():
        raise ApplicationError(_("A payment cannot be marked paid on a day that has not come yet."))
    rows = list(
        Disbursement.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("award__cohort__programme")
        .order_by("pk")
    )
    programmes = {row.award.cohort.programme_id: row.award.cohort.programme for row in rows}
    for programme in programmes.values():
        if not can_manage_disbursements(actor, programme):
            raise ApplicationError(
                _("You may not manage the payments of %(programme)s.") % {"programme": programme}
            )
    held = sum(1 for row in rows if row.status == Disbursement.Status.HELD)
    if held:
        raise ApplicationError(
            _("%(count)s of the chosen payments are held: release them or leave them out.") % {"count": held},
            extra={"held": held},
        )
    due = [row for row in rows if row.status == Disbursement.Status.DUE]
    if not due:
        return 0
    funders_of: dict[int, list[Funder]] = defaultdict(list)
    for funder in Funder.objects.filter(programme_id__in=programmes).order_by(
        "programme_id", "-share_percent", "pk"
    ):
        funders_of[funder.programme_id].append(funder)
    for programme_id, programme in programmes.items():
        total = sum((funder.share_percent for funder in funders_of[programme_id]), Decimal("0"))
        if total != HUNDRED:
            raise ApplicationError(
                _("The funders' shares of %(programme)s add up to %(total)s%%, not 100%%.")
                % {"programme": programme, "total": _plain(total)},
                extra={"total": str(total)},
            )
    pairs = {
        (funder.reporting_currency, programme.currency)
        for programme_id, programme in programmes.items()
        for funder in funders_of[programme_id]
        if funder.reporting_currency != programme.currency
    }
    rates = _rates_on(pairs, paid_on)
    missing = sorted(pairs - set(rates))
    if missing:
        base, currency = missing[0]
        raise ApplicationError(
            _(
                "There is no %(base)s to %(currency)s exchange rate for %(day)s or the %(days)s days before it; "
                "enter it first."
            )
            % {"base": base, "currency": currency, "day": paid_on.isoformat(), "days": RATE_LOOKBACK_DAYS},
            extra={"base": base, "currency": currency, "day": paid_on.isoformat()},
        )
    shares = []
    for row in due:
        programme = programmes[row.award.cohort.programme_id]
        funders = funders_of[programme.pk]
        for funder, part in zip(funders, _split(row.amount, funders), strict=True):
            rate = (
                Decimal("1")
                if funder.reporting_currency == programme.currency
                else rates[(funder.reporting_currency, programme.currency)]
            )
            shares.append(
                DisbursementShare(
                    disbursement=row,
                    funder=funder,
                    share_percent=funder.share_percent,
                    amount=part,
                    reporting_currency=funder.reporting_currency,
                    exchange_rate=rate,
                    reporting_amount=(part / rate).quantize(CENT, rounding=ROUND_HALF_UP),
                )
            )
    Disbursement.objects.filter(pk__in=[row.pk for row in due]).update(
        status=Disbursement.Status.PAID, paid_on=paid_on, paid_by=actor, updated_at=timezone.now()
    )
    DisbursementShare.objects.bulk_create(shares)
    counts: dict[int, int] = defaultdict(int)
    for row in due:
        counts[row.award.cohort.programme_id] += 1
    for programme_id, count in counts.items():
        log(
            instance=programmes[programme_id],
            action=LOG_MARK_PAID,
            user=actor,
            data={"paid_on": paid_on.isoformat(), "count": count},
        )
    return len(due)


def _plain(number: Decimal) -> str:
    """A decimal without trailing zeros: 100.00 → "100", 72.50 → "72.5"."""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _locked_disbursement(disbursement: Disbursement, actor: Any) -> Disbursement:
    locked = (
        Disbursement.objects.select_for_update(of=("self",))
        .select_related("award__cohort__programme")
        .get(pk=disbursement.pk)
    )
    if not can_manage_disbursements(actor, locked.award.cohort.programme):
        raise ApplicationError(_("You may not manage this programme's payments."))
    return locked


@transaction.atomic
def disbursement_hold(*, disbursement: Disbursement, reason: str, actor: Any) -> Disbursement:
    """Hold a due payment with a reason (shown to officers as a risk). ApplicationError, nothing
    changed, when the actor may not, the payment is not due or the reason is empty."""
    locked = _locked_disbursement(disbursement, actor)
    if locked.status != Disbursement.Status.DUE:
        raise ApplicationError(
            _("Only a due payment can be held; this one is “%(status)s”.")
            % {"status": locked.get_status_display()}
        )
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("Say why the payment is held."), extra={"fields": {"held_reason": [_("Say why.")]}}
        )
    locked.status, locked.held_reason = Disbursement.Status.HELD, reason
    _clean(locked, validate_unique=False, validate_constraints=False)
    locked.save(update_fields=["status", "held_reason", "updated_at"])
    log(
        instance=locked,
        action=LOG_HOLD,
        user=actor,
        data={"month": locked.month.isoformat(), "kind": locked.kind},
    )
    disbursement.status, disbursement.held_reason = locked.status, locked.held_reason
    return locked


@transaction.atomic
def disbursement_release(*, disbursement: Disbursement, actor: Any) -> Disbursement:
    """Make a held payment due again. ApplicationError, nothing changed, unless it is held and the
    actor may manage the programme's payments."""
    locked = _locked_disbursement(disbursement, actor)
    if locked.status != Disbursement.Status.HELD:
        raise ApplicationError(_("This payment is not held."))
    locked.status, locked.held_reason = Disbursement.Status.DUE, ""
    locked.save(update_fields=["status", "held_reason", "updated_at"])
    log(
        instance=locked,
        action=LOG_RELEASE,
        user=actor,
        data={"month": locked.month.isoformat(), "kind": locked.kind},
    )
    disbursement.status, disbursement.held_reason = locked.status, locked.held_reason
    return locked


# --- Progress and consent --------------------------------------------------------------------------------


def _duplicate_report(term: str) -> ApplicationError:
    return ApplicationError(
        _("A report for %(term)s has already been recorded for this award; change that one instead.")
        % {"term": term},
        extra={"fields": {"term": [_("Already recorded.")]}},
    )


@transaction.atomic
def progress_report_record(
    *,
    award: Award,
    term: str,
    ends_on: date,
    gpa: Decimal | None,
    credits: int | None,
    attendance_percent: Decimal | None,
    academic_status: str,
    officer_comment: str,
    submitted_on: date | None,
    actor: Any,
) -> ProgressReport:
    """Record one semester's report of an award. ApplicationError, nothing written, when the actor
    may not, a value is out of range or the award already has a report for the term."""
    if not rules_for("progressreport")["add"](actor, award):
        raise ApplicationError(_("You may not record progress reports for this award."))
    term = (term or "").strip()
    report = ProgressReport(
        award=award,
        term=term,
        ends_on=ends_on,
        gpa=gpa,
        credits=credits,
        attendance_percent=attendance_percent,
        academic_status=academic_status,
        officer_comment=officer_comment or "",
        submitted_on=submitted_on,
    )
    if ProgressReport.objects.filter(award=award, term=term).exists():
        raise _duplicate_report(term)
    _clean(report, validate_unique=False, validate_constraints=False)
    try:
        # A savepoint: losing a race to the same term leaves the caller's transaction usable.
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise _duplicate_report(term) from None
    log(instance=award, action=LOG_REPORT, user=actor, data={"term": term})
    return report


@transaction.atomic
def consent_record(*, grantee: Grantee, purpose: str, is_given: bool, note: str, actor: Any) -> Consent:
    """Record that the grantee gave or withdrew consent for one purpose (a new row each time)."""
    if not rules_for("consent")["add"](actor, grantee):
        raise ApplicationError(_("You may not record this grantee's consent."))
    consent = Consent(
        grantee=grantee,
        purpose=purpose,
        is_given=is_given,
        at=timezone.now(),
        recorded_by=actor,
        note=(note or "").strip(),
    )
    _clean(consent)
    consent.save()
    log(instance=grantee, action=LOG_CONSENT, user=actor, data={"purpose": purpose, "is_given": is_given})
    return consent


def consent_current(*, grantee: Grantee) -> dict[str, bool]:
    """Each purpose with whether consent stands now: the latest record, False where there is none."""
    current = {purpose: False for purpose in Consent.Purpose.values}
    for purpose, is_given in grantee.consents.order_by("at", "pk").values_list("purpose", "is_given"):
        current[purpose] = is_given
    return current


# --- Privacy of one grantee ------------------------------------------------------------------------------


def grantee_viewed(*, grantee: Grantee, actor: Any) -> None:
    """Record in the audit log that `actor` opened the grantee's personal page."""
    log(instance=grantee, action=LOG_VIEW, user=actor, data={"grantee": grantee.code})


@transaction.atomic
def grantee_lock(*, grantee: Grantee, actor: Any, locked: bool, reason: str = "") -> Grantee:
    """Put the grantee's record under the emergency lock (hidden at once from everyone but
    administrators) or lift it. Administrators only; locking needs a reason.

    The reason is stored encrypted on the record (it may name the danger the person is in) and is
    kept out of the audit log, which records only who locked or unlocked and when."""
    if not can_lock_grantee(actor, grantee):
        raise ApplicationError(_("You may not lock or unlock a grantee's record."))
    reason = reason.strip()
    if locked and not reason:
        raise ApplicationError(_("Say why the record is locked."))
    row = Grantee.objects.select_for_update().get(pk=grantee.pk)
    if row.is_locked == locked:
        return row
    row.is_locked = locked
    row.locked_at = timezone.now() if locked else None
    row.locked_by = actor if locked else None
    row.locked_reason = reason if locked else ""
    row.save(update_fields=["is_locked", "locked_at", "locked_by", "locked_reason", "updated_at"])
    log(instance=row, action=LOG_LOCK, user=actor, data={"grantee": row.code, "locked": locked})
    grantee.is_locked, grantee.locked_at, grantee.locked_by = row.is_locked, row.locked_at, row.locked_by
    grantee.locked_reason = row.locked_reason
    return row


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def grantee_export(*, grantee: Grantee, actor: Any) -> dict[str, Any]:
    """Everything held about one grantee, JSON-ready, for their access request; audited. The
    "cannot return safely" flag is included only for those who may see it."""
    if not can_export_grantee_data(actor, grantee):
        raise ApplicationError(_("You may not export this grantee's data."))
    grantee = (
        Grantee.objects.select_related("programme")
        .prefetch_related(
            "residence_documents__file",
            "consents",
            "documents__file",
            "awards__cohort",
            "awards__institution",
            "awards__transitions",
            "awards__disbursements",
            "awards__reports",
            "awards__milestones",
            "awards__outcomes",
        )
        .get(pk=grantee.pk)
    )
    person: dict[str, Any] = {
        "code": grantee.code,
        "programme": grantee.programme.code,
        "name_original": grantee.name_original,
        "name_latin": grantee.name_latin,
        "date_of_birth": _day(grantee.date_of_birth),
        "gender": grantee.gender,
        "nationality": grantee.nationality,
        "province_of_origin": grantee.province_of_origin,
        "email": grantee.email,
        "phone": grantee.phone,
        "messenger": grantee.messenger,
        "language": grantee.language,
        "erased_at": grantee.erased_at.isoformat() if grantee.erased_at else None,
    }
    if can_view_cannot_return_flag(actor, grantee):
        person["cannot_return_safely"] = grantee.cannot_return_safely
    data = {
        "grantee": person,
        "residence_documents": [
            {
                "kind": document.kind,
                "number": document.number,
                "issued_on": _day(document.issued_on),
                "expires_on": _day(document.expires_on),
                "file": document.file.filename if document.file else None,
            }
            for document in grantee.residence_documents.all()
        ],
        "consents": [
            {
                "purpose": consent.purpose,
                "is_given": consent.is_given,
                "at": consent.at.isoformat(),
                "note": consent.note,
            }
            for consent in grantee.consents.all()
        ],
        "documents": [
            {"title": document.title, "award": document.award_id, "file": document.file.filename}
            for document in grantee.documents.all()
        ],
        "awards": [_award_export(award) for award in grantee.awards.all()],
    }
    log(instance=grantee, action=LOG_EXPORT, user=actor, data={"grantee": grantee.code})
    return data


def _award_export(award: Award) -> dict[str, Any]:
    return {
        "id": award.pk,
        "cohort": award.cohort.name,
        "institution": award.institution.name,
        "degree_level": award.degree_level,
        "field_of_study": award.field_of_study,
        "starts_on": _day(award.starts_on),
        "expected_end_on": _day(award.expected_end_on),
        "ended_on": _day(award.ended_on),
        "status": award.status,
        "stipend_amount": _money(award.stipend_amount),
        "stipend_frequency": award.stipend_frequency,
        "tuition_amount": _money(award.tuition_amount),
        "housing_amount": _money(award.housing_amount),
        "status_history": [
            {"from": move.from_status, "to": move.to_status, "reason": move.reason, "at": move.at.isoformat()}
            for move in award.transitions.all()
        ],
        "disbursements": [
            {
                "month": _day(payment.month),
                "kind": payment.kind,
                "amount": _money(payment.amount),
                "status": payment.status,
                "held_reason": payment.held_reason,
                "paid_on": _day(payment.paid_on),
            }
            for payment in award.disbursements.all()
        ],
        "progress_reports": [
            {
                "term": report.term,
                "ends_on": _day(report.ends_on),
                "submitted_on": _day(report.submitted_on),
                "gpa": _money(report.gpa),
                "credits": report.credits,
                "attendance_percent": _money(report.attendance_percent),
                "academic_status": report.academic_status,
                "officer_comment": report.officer_comment,
            }
            for report in award.reports.all()
        ],
        "milestones": [
            {
                "title": milestone.title,
                "due_on": _day(milestone.due_on),
                "completed_on": _day(milestone.completed_on),
            }
            for milestone in award.milestones.all()
        ],
        "outcomes": [
            {
                "wave": outcome.wave,
                "due_on": _day(outcome.due_on),
                "surveyed_on": _day(outcome.surveyed_on),
                "responded_on": _day(outcome.responded_on),
                "residence": outcome.residence,
                "country": outcome.country,
                "employer_sector": outcome.employer_sector,
                "position": outcome.position,
                "is_leadership": outcome.is_leadership,
                "verification": outcome.verification,
            }
            for outcome in award.outcomes.all()
        ],
    }


@transaction.atomic
def grantee_erase(*, grantee: Grantee, actor: Any) -> None:
    """Erase what names the person: names, date of birth, contacts, their papers' numbers and scans,
    other documents, consent notes, and the free texts written about them (status reasons, officers'
    comments, alumni positions). Awards, payments, report figures and outcomes stay for the
    aggregates; the code stays as the only handle. ApplicationError, nothing changed, unless the
    actor may erase or when the record is already erased."""
    if not can_erase_grantee(actor, grantee):
        raise ApplicationError(_("You may not erase this grantee's data."))
    row = Grantee.objects.select_for_update().get(pk=grantee.pk)
    if row.erased_at is not None:
        raise ApplicationError(
            _("This grantee's data was already erased on %(day)s.")
            % {"day": row.erased_at.date().isoformat()}
        )
    from wagtail.documents import get_document_model

    scans = list(row.residence_documents.exclude(file=None).values_list("file_id", flat=True))
    files = list(row.documents.values_list("file_id", flat=True))
    row.residence_documents.update(number="", file=None, updated_at=timezone.now())
    # GranteeDocument.file is protected: the rows go first, then their files (Wagtail deletes the
    # stored file with its Document).
    row.documents.all().delete()
    get_document_model().objects.filter(pk__in=[*scans, *files]).delete()
    row.consents.update(note="")
    awards = Award.objects.filter(grantee=row)
    AwardTransition.objects.filter(award__in=awards).update(reason="")
    ProgressReport.objects.filter(award__in=awards).update(officer_comment="")
    OutcomeRecord.objects.filter(award__in=awards).update(position="")
    Disbursement.objects.filter(award__in=awards, status=Disbursement.Status.HELD).update(
        held_reason=_("Held before the grantee's data was erased.")
    )
    row.name_original = row.name_latin = ""
    row.date_of_birth = None
    row.email = row.phone = row.messenger = ""
    row.erased_at = timezone.now()
    row.save(
        update_fields=[
            "name_original",
            "name_latin",
            "date_of_birth",
            "email",
            "phone",
            "messenger",
            "erased_at",
            "updated_at",
        ]
    )
    log(instance=row, action=LOG_ERASE, user=actor, data={"grantee": row.code})
    grantee.name_original, grantee.name_latin, grantee.date_of_birth = "", "", None
    grantee.email = grantee.phone = grantee.messenger = ""
    grantee.erased_at = row.erased_at


def grantee_display_name(*, grantee: Grantee, user: Any, may_see_names: bool | None = None) -> str:
    """How `user` may see the grantee named: "Latin name (original)" for holders of the
    personal-data permission, else (or once erased) the pseudonymous code. `may_see_names`, when the
    caller has asked can_view_grantee_personal_data once for many grantees of one programme, is its
    answer."""
    if grantee.erased_at is not None or not grantee.name_latin:
        return grantee.code
    if may_see_names is None:
        may_see_names = can_view_grantee_personal_data(user, grantee)
    if not may_see_names:
        return grantee.code
    if grantee.name_original:
        return f"{grantee.name_latin} ({grantee.name_original})"
    return grantee.name_latin


# --- Key rotation ---------------------------------------------------------------------------------------

# The encrypted columns of each model (GranteeEncryptedField).
ENCRYPTED_FIELDS: dict[type, tuple[str, ...]] = {
    Grantee: ("email", "phone", "messenger", "locked_reason"),
    ResidenceDocument: ("number",),
}


def grantees_reencrypt(*, batch_size: int = 500) -> dict[str, int]:
    """Re-encrypt every grantee's contacts and papers' numbers with the first key of
    GRANTS_ENCRYPTION_KEYS, so that older keys can be removed; returns rows rewritten per model."""
    counts = {}
    for model, fields in ENCRYPTED_FIELDS.items():
        ids = list(model.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), batch_size):
            with transaction.atomic():
                batch = list(
                    model.objects.select_for_update()
                    .filter(pk__in=ids[start : start + batch_size])
                    .only("pk", *fields)
                )
                # Loading decrypts with any key; saving encrypts with the first.
                model.objects.bulk_update(batch, list(fields))
        counts[model._meta.model_name] = len(ids)
    return counts
