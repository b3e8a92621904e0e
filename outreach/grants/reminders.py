"""Reminders of grant programmes, run each day by Celery beat (tasks.py):

- semester reports missing: to each officer of the programme, the awards (active or on probation)
  whose semester ended more than the programme's report_grace_days ago without a submitted report;
- residence documents expiring: to each officer, the passports, visas, permits, registrations and
  insurances of grantees with a current award that expire within the programme's visa_warning_days;
- alumni follow-ups: the OutcomeRecord of every survey wave (6 months, 1, 3 and 5 years after the
  award ended) that has come, and the survey mailed to the alumnus for the latest one (survey.py).

A grantee under the emergency lock, or erased, is in no mail and gets none. An officer reads each
grantee by grantee_display_name: their code unless that officer may see names.

Once a week per item and officer: every item a reminder lists is recorded in Wagtail's audit log
on that item (action REPORT_REMINDER_ACTION / DOCUMENT_REMINDER_ACTION, data: the day and the
officer's user id, nothing personal), and a run leaves out what the same officer was sent in the
last REMIND_EVERY_DAYS days. So a daily run tells an officer of a new item the day it falls due and
repeats it weekly while it stays due; the log is where the admin already shows an item's history,
and it survives a cache flush or a deploy. Alumni surveys are sent once per wave: OutcomeRecord's
surveyed_on is the record, claimed by a conditional update."""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max, Model, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from wagtail.log_actions import log
from wagtail.log_actions import registry as log_registry
from wagtail.models import ModelLogEntry

from outreach.core.emails import message_send, multipart_message

from .models import Award, OutcomeRecord, Programme, ProgrammeOfficer, ProgressReport, ResidenceDocument
from .permissions import can_view_grantee
from .services import grantee_display_name
from .survey import outcome_survey_send

REPORT_REMINDER_ACTION = "grants.report_reminder"
DOCUMENT_REMINDER_ACTION = "grants.document_reminder"
REMIND_EVERY_DAYS = 7

REPORT_SUBJECT = _("Semester reports missing")
DOCUMENT_SUBJECT = _("Residence documents expiring soon")

# Awards whose grantee still needs valid papers in the host country.
CURRENT = (
    Award.Status.SELECTED,
    Award.Status.ENROLLED,
    Award.Status.ACTIVE,
    Award.Status.PROBATION,
    Award.Status.SUSPENDED,
)
# The follow-up waves and how long after the award's end each falls due.
WAVES = (
    (OutcomeRecord.Wave.MONTHS_6, relativedelta(months=6)),
    (OutcomeRecord.Wave.YEAR_1, relativedelta(years=1)),
    (OutcomeRecord.Wave.YEARS_3, relativedelta(years=3)),
    (OutcomeRecord.Wave.YEARS_5, relativedelta(years=5)),
)


def register_reminder_log_actions(actions: Any) -> None:
    """The audit log labels of the reminders' entries (a register_log_actions hook)."""
    actions.register_action(
        REPORT_REMINDER_ACTION, _("Semester report reminder"), _("Reminded an officer of the missing report")
    )
    actions.register_action(
        DOCUMENT_REMINDER_ACTION,
        _("Document expiry reminder"),
        _("Reminded an officer of the document's expiry"),
    )


def _log_actions_ensure(action: str) -> None:
    # Wagtail refuses an entry whose action has no label. The admin registers them through the
    # register_log_actions hook (log_actions.py); a worker that has not loaded the admin's hooks
    # registers them here, once.
    if not log_registry.action_exists(action):
        register_reminder_log_actions(log_registry)


def _officers_by_programme(programme_ids: Iterable[int]) -> dict[int, list[Any]]:
    """Active officers with an address of each programme, with their profile (their language)."""
    officers: dict[int, list[Any]] = defaultdict(list)
    assignments = (
        ProgrammeOfficer.objects.filter(programme_id__in=set(programme_ids), user__is_active=True)
        .exclude(user__email="")
        .select_related("user", "user__wagtail_userprofile")
        .order_by("user_id")
    )
    for assignment in assignments:
        officers[assignment.programme_id].append(assignment.user)
    return officers


def _language_of(user: Any) -> str:
    profile = getattr(user, "wagtail_userprofile", None)
    return (profile.preferred_language if profile else "") or settings.LANGUAGE_CODE


def _window(today: datetime.date) -> list[str]:
    return [(today - datetime.timedelta(days=days)).isoformat() for days in range(REMIND_EVERY_DAYS)]


def _remind_officers(
    *,
    items: list[Any],
    programme_of: Callable[[Any], int],
    grantee_of: Callable[[Any], Any],
    action: str,
    send: Callable[[Any, list[Any]], None],
    today: datetime.date,
) -> int:
    """Each officer of the items' programmes gets one mail of the items they may see and were not
    sent in the last REMIND_EVERY_DAYS days; returns how many mails went out."""
    by_programme: dict[int, list[Any]] = defaultdict(list)
    for item in items:
        by_programme[programme_of(item)].append(item)
    per_officer: dict[int, tuple[Any, list[Any]]] = {}
    for programme_id, officers in _officers_by_programme(by_programme).items():
        for officer in officers:
            _user, listed = per_officer.setdefault(officer.pk, (officer, []))
            listed.extend(
                item for item in by_programme[programme_id] if can_view_grantee(officer, grantee_of(item))
            )
    sent = 0
    for officer, listed in per_officer.values():
        if listed and _officer_remind(officer=officer, items=listed, action=action, send=send, today=today):
            sent += 1
    return sent


@transaction.atomic
def _officer_remind(
    *,
    officer: Any,
    items: list[Any],
    action: str,
    send: Callable[[Any, list[Any]], None],
    today: datetime.date,
) -> bool:
    # Two runs at once wait for each other on the officer's row, then the second finds the records.
    get_user_model().objects.select_for_update().filter(pk=officer.pk).first()
    content_type = ContentType.objects.get_for_model(type(items[0]))
    already = set(
        ModelLogEntry.objects.filter(
            content_type=content_type,
            action=action,
            object_id__in=[str(item.pk) for item in items],
            data__recipient=officer.pk,
            data__on__in=_window(today),
        ).values_list("object_id", flat=True)
    )
    fresh = [item for item in items if str(item.pk) not in already]
    if not fresh:
        return False
    _log_actions_ensure(action)
    for item in fresh:
        log(instance=item, action=action, data={"on": today.isoformat(), "recipient": officer.pk})
    # Sent inside the transaction: when the mail server cannot be reached the records roll back and
    # the retried task (or tomorrow's run) tries again; officers mailed before stay recorded.
    send(officer, fresh)
    return True


def _officer_message(*, officer: Any, template: str, subject: Any, items: list[dict[str, Any]]) -> Any:
    return multipart_message(
        template=template,
        subject=subject,
        context={"officer": officer, "items": items},
        language=_language_of(officer),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=officer.email,
    )


# --- Semester reports ------------------------------------------------------------------------------


def reports_missing(*, today: datetime.date) -> list[ProgressReport]:
    """Semester reports not submitted more than their programme's report_grace_days after the term
    ended, of active and probation awards whose grantee is neither locked nor erased."""
    candidates = (
        ProgressReport.objects.filter(
            submitted_on__isnull=True,
            ends_on__lt=today,
            award__status__in=(Award.Status.ACTIVE, Award.Status.PROBATION),
            award__grantee__is_locked=False,
            award__grantee__erased_at__isnull=True,
        )
        .select_related("award__grantee", "award__cohort__programme")
        .order_by("award__grantee__code", "ends_on", "pk")
    )
    return [
        report
        for report in candidates
        if (today - report.ends_on).days > report.award.cohort.programme.report_grace_days
    ]


def _send_report_reminder(officer: Any, reports: list[ProgressReport]) -> None:
    items = [
        {
            "grantee": grantee_display_name(grantee=report.award.grantee, user=officer),
            "programme": report.award.cohort.programme.code,
            "term": report.term,
            "ended_on": report.ends_on,
        }
        for report in reports
    ]
    message = _officer_message(
        officer=officer, template="grants/emails/report_reminder", subject=REPORT_SUBJECT, items=items
    )
    message_send(message, description=f"a semester report reminder to user {officer.pk}")


def report_reminders_send(*, today: datetime.date | None = None) -> int:
    """Mail each programme officer the semester reports missing in their programmes that they were
    not told of in the last week; returns how many mails went out. TemporaryError when the mail
    server cannot be reached (officers mailed before stay recorded)."""
    today = today or timezone.localdate()
    return _remind_officers(
        items=reports_missing(today=today),
        programme_of=lambda report: report.award.cohort.programme_id,
        grantee_of=lambda report: report.award.grantee,
        action=REPORT_REMINDER_ACTION,
        send=_send_report_reminder,
        today=today,
    )


# --- Residence documents ---------------------------------------------------------------------------


def documents_expiring(*, today: datetime.date) -> list[ResidenceDocument]:
    """Residence documents expiring between today and the programme's visa_warning_days from now, of
    grantees with a current award who are neither locked nor erased, soonest first."""
    longest = Programme.objects.aggregate(longest=Max("visa_warning_days"))["longest"] or 0
    candidates = (
        ResidenceDocument.objects.filter(
            expires_on__gte=today,
            expires_on__lte=today + datetime.timedelta(days=longest),
            grantee__is_locked=False,
            grantee__erased_at__isnull=True,
            grantee__awards__status__in=CURRENT,
        )
        .distinct()
        .select_related("grantee__programme")
        .order_by("expires_on", "grantee__code", "pk")
    )
    return [
        document
        for document in candidates
        if (document.expires_on - today).days <= document.grantee.programme.visa_warning_days
    ]


def _send_document_reminder(officer: Any, documents: list[ResidenceDocument]) -> None:
    with override(_language_of(officer)):
        items = [
            {
                "grantee": grantee_display_name(grantee=document.grantee, user=officer),
                "programme": document.grantee.programme.code,
                "kind": str(document.get_kind_display()),
                "expires_on": document.expires_on,
            }
            for document in documents
        ]
    message = _officer_message(
        officer=officer, template="grants/emails/document_reminder", subject=DOCUMENT_SUBJECT, items=items
    )
    message_send(message, description=f"a residence document reminder to user {officer.pk}")


def document_reminders_send(*, today: datetime.date | None = None) -> int:
    """Mail each programme officer the residence documents of their grantees expiring within the
    programme's warning period that they were not told of in the last week; returns how many mails
    went out. TemporaryError when the mail server cannot be reached."""
    today = today or timezone.localdate()
    return _remind_officers(
        items=documents_expiring(today=today),
        programme_of=lambda document: document.grantee.programme_id,
        grantee_of=lambda document: document.grantee,
        action=DOCUMENT_REMINDER_ACTION,
        send=_send_document_reminder,
        today=today,
    )


# --- Alumni follow-ups -----------------------------------------------------------------------------


def follow_up_base(award: Award) -> datetime.date | None:
    """The day the follow-up waves count from: when the award ended, else its expected end."""
    return award.ended_on or award.expected_end_on


def alumni_followups_send(*, today: datetime.date | None = None) -> int:
    """Create the OutcomeRecord of every follow-up wave that has come for graduated and alumni awards
    (idempotent: one row per award and wave), and mail the survey of each award's latest such wave
    to the alumnus when it was not sent yet and they may be re-contacted; returns how many surveys
    went out. TemporaryError when the mail server cannot be reached (surveys sent before stay
    recorded)."""
    today = today or timezone.localdate()
    earliest = today - WAVES[0][1]
    awards = (
        Award.objects.filter(status__in=(Award.Status.GRADUATED, Award.Status.ALUMNI))
        .filter(Q(ended_on__lte=earliest) | Q(ended_on__isnull=True, expected_end_on__lte=earliest))
        .only("pk", "ended_on", "expected_end_on")
        .order_by("pk")
    )
    latest_wave: dict[int, str] = {}
    due: list[OutcomeRecord] = []
    for award in awards:
        base = follow_up_base(award)
        for wave, after in WAVES:
            if base is not None and base + after <= today:
                due.append(OutcomeRecord(award_id=award.pk, wave=wave, due_on=base + after))
                latest_wave[award.pk] = wave
    # The unique (award, wave) constraint makes a second run, or two at once, create nothing new.
    OutcomeRecord.objects.bulk_create(due, ignore_conflicts=True)
    unsent = (
        OutcomeRecord.objects.filter(
            award_id__in=list(latest_wave),
            surveyed_on__isnull=True,
            responded_on__isnull=True,
            award__grantee__is_locked=False,
            award__grantee__erased_at__isnull=True,
        )
        .select_related("award__grantee")
        .order_by("award_id", "due_on")
    )
    sent = 0
    for outcome in unsent:
        if latest_wave.get(outcome.award_id) == outcome.wave and outcome_survey_send(
            outcome=outcome, today=today
        ):
            sent += 1
    return sent


def items_reminded(*, item: Model, action: str) -> list[dict[str, Any]]:
    """What the audit log holds of the reminders that listed `item`: the day and the officer's id."""
    return [
        entry.data
        for entry in ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(type(item)), object_id=str(item.pk), action=action
        ).order_by("timestamp", "pk")
    ]
