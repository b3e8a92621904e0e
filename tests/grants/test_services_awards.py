"""An award's status moves only along AWARD_TRANSITIONS, each move guarded, recorded with its reason
and audited without it; a refused move writes nothing."""

import datetime

import pytest
from django.utils import translation
from wagtail.models import ModelLogEntry

from outreach.core.exceptions import ApplicationError
from outreach.grants import log_actions  # noqa: F401 - the audit actions' labels
from outreach.grants.models import Award, AwardTransition
from outreach.grants.services import AWARD_TRANSITIONS, award_transition
from tests.factories.grants import AwardFactory, ProgrammeFactory, ProgressReportFactory, officer_of
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db

Status = Award.Status
TODAY = datetime.date(2026, 3, 10)
REASON = "Enrolment confirmed by the registrar's letter."
MOVES = [(source, target) for source in Status.values for target in Status.values if source != target]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def award_in(status: str, **kwargs) -> Award:
    """An award in `status` whose guards all pass: started, with one progress report."""
    award = AwardFactory(status=status, **kwargs)
    ProgressReportFactory(award=award, term="2025-autumn")
    return award


def unchanged(award: Award, status: str) -> None:
    award.refresh_from_db()
    assert award.status == status
    assert award.status_changed_at is None
    assert award.ended_on is None
    assert not AwardTransition.objects.exists()
    assert not ModelLogEntry.objects.filter(action="grants.award_transition").exists()


@pytest.mark.parametrize(("source", "target"), MOVES)
def test_every_move_is_allowed_or_refused_as_the_table_says(source, target):
    # given
    award = award_in(source)
    officer = officer_of(award.cohort.programme, "officer")
    allowed = source in AWARD_TRANSITIONS.get(target, ())
    # when / then
    if allowed:
        moved = award_transition(award=award, to_status=target, reason=REASON, actor=officer, today=TODAY)
        assert moved.status == target
        assert Award.objects.get(pk=award.pk).status == target
        move = AwardTransition.objects.get()
        assert (move.from_status, move.to_status, move.reason, move.actor) == (
            source,
            target,
            REASON,
            officer,
        )
        entry = ModelLogEntry.objects.get(action="grants.award_transition")
        assert entry.data == {"from": source, "to": target}
        assert entry.object_id == str(award.pk) and entry.user_id == officer.pk
        assert REASON not in str(entry.data) and REASON not in entry.label
    else:
        with pytest.raises(ApplicationError) as refused:
            award_transition(award=award, to_status=target, reason=REASON, actor=officer, today=TODAY)
        assert refused.value.message == (
            f"An award that is “{Status(source).label}” cannot become “{Status(target).label}”."
        )
        unchanged(award, source)


def test_the_table_is_the_one_the_issue_describes():
    assert AWARD_TRANSITIONS == {
        "enrolled": ("selected",),
        "active": ("enrolled", "probation", "suspended"),
        "probation": ("active",),
        "suspended": ("active", "probation"),
        "withdrawn": ("selected", "enrolled", "active", "probation", "suspended"),
        "graduated": ("active", "probation"),
        "alumni": ("graduated",),
    }


@pytest.mark.parametrize(
    ("source", "target", "ended_on"),
    [
        ("active", "withdrawn", TODAY),
        ("selected", "withdrawn", TODAY),
        ("probation", "graduated", TODAY),
        ("active", "probation", None),
        ("suspended", "active", None),
    ],
)
def test_ending_moves_set_the_end_day(source, target, ended_on):
    # given
    award = award_in(source)
    officer = officer_of(award.cohort.programme, "officer")
    # when
    award_transition(award=award, to_status=target, reason=REASON, actor=officer, today=TODAY)
    # then
    award.refresh_from_db()
    assert award.ended_on == ended_on
    assert award.status_changed_at is not None


def test_alumni_keeps_the_graduation_day():
    # given: graduated last summer
    award = award_in(Status.GRADUATED, ended_on=datetime.date(2025, 6, 30))
    officer = officer_of(award.cohort.programme, "officer")
    # when
    award_transition(
        award=award, to_status=Status.ALUMNI, reason="Certificate received.", actor=officer, today=TODAY
    )
    # then
    award.refresh_from_db()
    assert (award.status, award.ended_on) == (Status.ALUMNI, datetime.date(2025, 6, 30))


def test_alumni_without_an_end_day_gets_today():
    award = award_in(Status.GRADUATED)
    officer = officer_of(award.cohort.programme, "officer")
    award_transition(
        award=award, to_status=Status.ALUMNI, reason="Certificate received.", actor=officer, today=TODAY
    )
    award.refresh_from_db()
    assert award.ended_on == TODAY


def test_enrolment_more_than_90_days_before_the_start_is_refused():
    # given: studies start on 2026-06-09, 91 days after TODAY
    award = AwardFactory(
        status=Status.SELECTED,
        starts_on=datetime.date(2026, 6, 9),
        expected_end_on=datetime.date(2030, 6, 30),
    )
    officer = officer_of(award.cohort.programme, "officer")
    # when
    with pytest.raises(ApplicationError) as refused:
        award_transition(award=award, to_status=Status.ENROLLED, reason=REASON, actor=officer, today=TODAY)
    # then
    assert refused.value.message == (
        "The award starts on 2026-06-09: it can be enrolled from 2026-03-11, 90 days before."
    )
    unchanged(award, Status.SELECTED)
    # and the day after, it may
    award_transition(
        award=award,
        to_status=Status.ENROLLED,
        reason=REASON,
        actor=officer,
        today=TODAY + datetime.timedelta(1),
    )
    assert Award.objects.get(pk=award.pk).status == Status.ENROLLED


def test_an_award_cannot_be_active_before_it_starts():
    award = AwardFactory(
        status=Status.ENROLLED,
        starts_on=datetime.date(2026, 4, 1),
        expected_end_on=datetime.date(2030, 6, 30),
    )
    officer = officer_of(award.cohort.programme, "officer")
    with pytest.raises(ApplicationError) as refused:
        award_transition(award=award, to_status=Status.ACTIVE, reason=REASON, actor=officer, today=TODAY)
    assert refused.value.message == "The award starts on 2026-04-01: it cannot be active before then."
    unchanged(award, Status.ENROLLED)


def test_graduation_needs_a_progress_report():
    award = AwardFactory(status=Status.ACTIVE)
    officer = officer_of(award.cohort.programme, "officer")
    with pytest.raises(ApplicationError) as refused:
        award_transition(award=award, to_status=Status.GRADUATED, reason=REASON, actor=officer, today=TODAY)
    assert refused.value.message == (
        "An award without a single progress report cannot be graduated; record the last report first."
    )
    unchanged(award, Status.ACTIVE)


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_move_needs_a_reason(reason):
    award = award_in(Status.ACTIVE)
    officer = officer_of(award.cohort.programme, "officer")
    with pytest.raises(ApplicationError) as refused:
        award_transition(award=award, to_status=Status.PROBATION, reason=reason, actor=officer, today=TODAY)
    assert refused.value.message == "Say why the award's status changes."
    unchanged(award, Status.ACTIVE)


def test_an_unknown_status_is_refused():
    award = award_in(Status.ACTIVE)
    officer = officer_of(award.cohort.programme, "officer")
    with pytest.raises(ApplicationError) as refused:
        award_transition(award=award, to_status="expelled", reason=REASON, actor=officer, today=TODAY)
    assert refused.value.message == "“expelled” is not an award status."
    unchanged(award, Status.ACTIVE)


def actors(award: Award) -> dict[str, tuple[object, bool]]:
    other = ProgrammeFactory()
    return {
        "anonymous": (None, False),
        "plain staff": (UserFactory(is_staff=True), False),
        "officer of another programme": (officer_of(other, "stranger"), False),
        "partner": (UserFactory(groups=["Partner"]), False),
        "outreach manager": (UserFactory(groups=["Outreach manager"]), False),
        "editor": (UserFactory(groups=["Editor"]), False),
        "officer of the programme": (officer_of(award.cohort.programme, "officer"), True),
        "superuser": (UserFactory(superuser=True), True),
    }


def test_who_may_move_an_award():
    from django.contrib.auth.models import AnonymousUser

    award = award_in(Status.ACTIVE)
    for role, (user, may) in actors(award).items():
        user = user or AnonymousUser()
        Award.objects.filter(pk=award.pk).update(status=Status.ACTIVE)
        award.refresh_from_db()
        if may:
            award_transition(award=award, to_status=Status.PROBATION, reason=REASON, actor=user, today=TODAY)
            assert Award.objects.get(pk=award.pk).status == Status.PROBATION, role
        else:
            count = AwardTransition.objects.count()
            with pytest.raises(ApplicationError) as refused:
                award_transition(
                    award=award, to_status=Status.PROBATION, reason=REASON, actor=user, today=TODAY
                )
            assert refused.value.message == "You may not change the status of this award.", role
            assert Award.objects.get(pk=award.pk).status == Status.ACTIVE, role
            assert AwardTransition.objects.count() == count, role


def test_a_locked_grantees_award_cannot_be_moved_by_their_officer():
    # given
    award = award_in(Status.ACTIVE)
    officer = officer_of(award.cohort.programme, "officer")
    award.grantee.is_locked = True
    award.grantee.save()
    # when
    with pytest.raises(ApplicationError) as refused:
        award_transition(award=award, to_status=Status.PROBATION, reason=REASON, actor=officer, today=TODAY)
    # then
    assert refused.value.message == "You may not change the status of this award."
    unchanged(award, Status.ACTIVE)
