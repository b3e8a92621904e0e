"""A month's payments: generated once per award and kind whatever the number of runs, marked paid
in bulk with each funder's share at the payment day's rate, held and released; refusals write
nothing and the query count does not grow with the payments."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from wagtail.models import ModelLogEntry

from outreach.core.exceptions import ApplicationError
from outreach.grants import log_actions  # noqa: F401 - the audit actions' labels
from outreach.grants.models import Award, Disbursement, DisbursementShare
from outreach.grants.services import (
    disbursement_hold,
    disbursement_release,
    disbursements_generate,
    disbursements_mark_paid,
)
from tests.factories.grants import (
    AwardFactory,
    CohortFactory,
    DisbursementFactory,
    ExchangeRateFactory,
    FunderFactory,
    GranteeFactory,
    ProgrammeFactory,
    officer_of,
)
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2026, 3, 1)
APRIL = datetime.date(2026, 4, 1)
PAID_ON = datetime.date(2026, 3, 6)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def award_of(programme, **kwargs) -> Award:
    cohort = kwargs.pop("cohort", None) or CohortFactory(programme=programme)
    return AwardFactory(grantee=GranteeFactory(programme=programme), cohort=cohort, **kwargs)


def rows() -> list[tuple]:
    return sorted(
        Disbursement.objects.values_list("award_id", "month", "kind", "amount", "status").order_by(
            "award_id", "kind"
        )
    )


# --- Generation -------------------------------------------------------------------------------------------


@pytest.fixture
def programme_with_awards():
    programme = ProgrammeFactory()
    cohort = CohortFactory(programme=programme)
    awards = {
        "monthly": award_of(
            programme, cohort=cohort, stipend_amount=Decimal("150000"), housing_amount=Decimal("40000")
        ),
        "probation": award_of(
            programme, cohort=cohort, status=Award.Status.PROBATION, stipend_amount=Decimal("120000")
        ),
        "quarterly": award_of(
            programme,
            cohort=cohort,
            stipend_amount=Decimal("90000"),
            stipend_frequency=Award.Frequency.QUARTERLY,
        ),
        "suspended": award_of(programme, cohort=cohort, status=Award.Status.SUSPENDED),
        "enrolled": award_of(programme, cohort=cohort, status=Award.Status.ENROLLED),
        "starts later": award_of(
            programme,
            cohort=cohort,
            starts_on=datetime.date(2026, 4, 1),
            expected_end_on=datetime.date(2030, 6, 30),
        ),
        "ended before": award_of(
            programme,
            cohort=cohort,
            starts_on=datetime.date(2022, 9, 1),
            expected_end_on=datetime.date(2026, 2, 28),
        ),
        "ends in the month": award_of(
            programme,
            cohort=cohort,
            starts_on=datetime.date(2022, 9, 1),
            expected_end_on=datetime.date(2026, 3, 1),
            stipend_amount=Decimal("100000"),
        ),
    }
    award_of(ProgrammeFactory())  # another programme's award is never paid from this one
    return programme, awards


def test_a_month_is_generated_for_active_and_probation_awards_running_in_it(programme_with_awards):
    # given
    programme, awards = programme_with_awards
    officer = officer_of(programme, "officer")
    # when: March is not a quarter's first month
    created = disbursements_generate(programme=programme, month=datetime.date(2026, 3, 17), actor=officer)
    # then
    assert created == 4
    assert rows() == sorted(
        [
            (awards["monthly"].pk, MARCH, "housing", Decimal("40000.00"), "due"),
            (awards["monthly"].pk, MARCH, "stipend", Decimal("150000.00"), "due"),
            (awards["probation"].pk, MARCH, "stipend", Decimal("120000.00"), "due"),
            (awards["ends in the month"].pk, MARCH, "stipend", Decimal("100000.00"), "due"),
        ]
    )
    entry = ModelLogEntry.objects.get(action="grants.generate_disbursements")
    assert entry.data == {"month": "2026-03-01", "created": 4}


def test_generating_twice_creates_nothing_new(programme_with_awards):
    # given
    programme, _awards = programme_with_awards
    officer = officer_of(programme, "officer")
    disbursements_generate(programme=programme, month=MARCH, actor=officer)
    before = rows()
    # when
    created = disbursements_generate(programme=programme, month=MARCH, actor=officer)
    # then
    assert created == 0
    assert rows() == before


def test_a_quarterly_stipend_is_paid_for_three_months_in_january_april_july_and_october(
    programme_with_awards,
):
    # given
    programme, awards = programme_with_awards
    officer = officer_of(programme, "officer")
    # when
    created = disbursements_generate(programme=programme, month=APRIL, actor=officer)
    # then: the award starting in April is paid too, the one that ended in March is not
    assert created == 5
    assert rows() == sorted(
        [
            (awards["monthly"].pk, APRIL, "housing", Decimal("40000.00"), "due"),
            (awards["monthly"].pk, APRIL, "stipend", Decimal("150000.00"), "due"),
            (awards["probation"].pk, APRIL, "stipend", Decimal("120000.00"), "due"),
            (awards["quarterly"].pk, APRIL, "stipend", Decimal("270000.00"), "due"),
            (awards["starts later"].pk, APRIL, "stipend", Decimal("150000.00"), "due"),
        ]
    )


def test_a_month_with_some_payments_already_there_adds_only_the_missing_ones(programme_with_awards):
    # given: one payment was entered by hand
    programme, awards = programme_with_awards
    DisbursementFactory(award=awards["monthly"], month=MARCH, amount=Decimal("149000"))
    officer = officer_of(programme, "officer")
    # when
    created = disbursements_generate(programme=programme, month=MARCH, actor=officer)
    # then: the hand-entered amount stays
    assert created == 3
    assert Disbursement.objects.get(award=awards["monthly"], kind="stipend").amount == Decimal("149000.00")


def test_only_officers_of_the_programme_may_generate(programme_with_awards):
    from django.contrib.auth.models import AnonymousUser

    programme, _awards = programme_with_awards
    for user in (
        AnonymousUser(),
        UserFactory(is_staff=True),
        officer_of(ProgrammeFactory(), "stranger"),
        UserFactory(groups=["Partner"]),
    ):
        with pytest.raises(ApplicationError) as refused:
            disbursements_generate(programme=programme, month=MARCH, actor=user)
        assert refused.value.message == "You may not manage this programme's payments."
    assert not Disbursement.objects.exists()
    assert not ModelLogEntry.objects.filter(action="grants.generate_disbursements").exists()


def test_generation_queries_do_not_grow_with_awards(django_assert_num_queries):
    # given
    programme = ProgrammeFactory()
    officer = officer_of(programme, "officer")
    for _ in range(2):
        award_of(programme, housing_amount=Decimal("30000"))
    disbursements_generate(programme=programme, month=datetime.date(2026, 1, 1), actor=officer)
    # 1 savepoint, 2 lock the programme, 3 awards, 4 count before, 5 insert, 6 count after,
    # 7-8 the log entry's content type and user exist (Wagtail validates it), 9 log entry, 10 release
    with django_assert_num_queries(10):
        assert (
            disbursements_generate(programme=programme, month=datetime.date(2026, 2, 1), actor=officer) == 4
        )
    for _ in range(20):
        award_of(programme, housing_amount=Decimal("30000"))
    with django_assert_num_queries(10):
        assert (
            disbursements_generate(programme=programme, month=datetime.date(2026, 3, 1), actor=officer) == 44
        )


# --- Marking paid -----------------------------------------------------------------------------------------


@pytest.fixture
def funded():
    """A tenge programme co-funded by a EUR-reporting funder (40%) and a KZT one (60%)."""
    programme = ProgrammeFactory(currency="KZT")
    FunderFactory(
        programme=programme, name="European donor", share_percent=Decimal("40"), reporting_currency="EUR"
    )
    FunderFactory(
        programme=programme, name="Kazakh foundation", share_percent=Decimal("60"), reporting_currency="KZT"
    )
    ExchangeRateFactory(base="EUR", currency="KZT", on=datetime.date(2026, 3, 5), rate=Decimal("520.35"))
    ExchangeRateFactory(base="EUR", currency="KZT", on=datetime.date(2026, 2, 20), rate=Decimal("499.99"))
    return programme


def shares_of(disbursement) -> list[tuple]:
    return list(
        DisbursementShare.objects.filter(disbursement=disbursement)
        .order_by("funder__name")
        .values_list(
            "funder__name",
            "share_percent",
            "amount",
            "reporting_currency",
            "exchange_rate",
            "reporting_amount",
        )
    )


def test_marking_paid_splits_each_payment_across_the_funders_at_the_days_rate(funded):
    # given
    award = award_of(funded)
    payment = DisbursementFactory(award=award, month=MARCH, amount=Decimal("150000"))
    officer = officer_of(funded, "officer")
    # when: paid the day after the latest rate
    marked = disbursements_mark_paid(disbursements=[payment], paid_on=PAID_ON, actor=officer)
    # then: 60,000 KZT / 520.35 = 115.307... EUR
    assert marked == 1
    payment.refresh_from_db()
    assert (payment.status, payment.paid_on, payment.paid_by) == ("paid", PAID_ON, officer)
    assert shares_of(payment) == [
        (
            "European donor",
            Decimal("40.00"),
            Decimal("60000.00"),
            "EUR",
            Decimal("520.350000"),
            Decimal("115.31"),
        ),
        (
            "Kazakh foundation",
            Decimal("60.00"),
            Decimal("90000.00"),
            "KZT",
            Decimal("1.000000"),
            Decimal("90000.00"),
        ),
    ]
    entry = ModelLogEntry.objects.get(action="grants.mark_paid")
    assert entry.data == {"paid_on": "2026-03-06", "count": 1}


def test_the_rounding_remainder_goes_to_the_largest_share():
    # given: thirds of 10.00 round to 3.33 each
    programme = ProgrammeFactory()
    FunderFactory(programme=programme, name="A", share_percent=Decimal("33.33"))
    FunderFactory(programme=programme, name="B", share_percent=Decimal("33.34"))
    FunderFactory(programme=programme, name="C", share_percent=Decimal("33.33"))
    payment = DisbursementFactory(award=award_of(programme), amount=Decimal("10.00"))
    # when
    disbursements_mark_paid(disbursements=[payment], paid_on=PAID_ON, actor=UserFactory(superuser=True))
    # then
    assert [(name, amount) for name, _p, amount, *_rest in shares_of(payment)] == [
        ("A", Decimal("3.33")),
        ("B", Decimal("3.34")),
        ("C", Decimal("3.33")),
    ]


def test_a_missing_rate_refuses_the_whole_batch(funded):
    # given: the latest rate is 8 days before the payment day
    payments = [DisbursementFactory(award=award_of(funded), month=MARCH) for _ in range(2)]
    officer = officer_of(funded, "officer")
    # when
    with pytest.raises(ApplicationError) as refused:
        disbursements_mark_paid(disbursements=payments, paid_on=datetime.date(2026, 3, 13), actor=officer)
    # then
    assert refused.value.message == (
        "There is no EUR to KZT exchange rate for 2026-03-13 or the 7 days before it; enter it first."
    )
    assert list(Disbursement.objects.values_list("status", "paid_on")) == [("due", None), ("due", None)]
    assert not DisbursementShare.objects.exists()
    assert not ModelLogEntry.objects.filter(action="grants.mark_paid").exists()


def test_a_rate_seven_days_old_is_still_used(funded):
    payment = DisbursementFactory(award=award_of(funded), month=MARCH)
    disbursements_mark_paid(
        disbursements=[payment], paid_on=datetime.date(2026, 3, 12), actor=UserFactory(superuser=True)
    )
    assert shares_of(payment)[0][4] == Decimal("520.350000")


def test_shares_not_adding_up_to_100_refuse(funded):
    # given
    funded.funders.filter(name="Kazakh foundation").update(share_percent=Decimal("50"))
    payment = DisbursementFactory(award=award_of(funded), month=MARCH)
    # when
    with pytest.raises(ApplicationError) as refused:
        disbursements_mark_paid(disbursements=[payment], paid_on=PAID_ON, actor=UserFactory(superuser=True))
    # then
    assert refused.value.message == f"The funders' shares of {funded} add up to 90%, not 100%."
    payment.refresh_from_db()
    assert payment.status == "due"
    assert not DisbursementShare.objects.exists()


def test_held_payments_refuse_the_batch_and_paid_ones_are_skipped(funded):
    # given
    officer = officer_of(funded, "officer")
    due = DisbursementFactory(award=award_of(funded), month=MARCH)
    held = [
        DisbursementFactory(award=award_of(funded), month=MARCH, status="held", held_reason="Visa check")
        for _ in range(2)
    ]
    paid = DisbursementFactory(
        award=award_of(funded), month=MARCH, status="paid", paid_on=datetime.date(2026, 3, 2)
    )
    # when
    with pytest.raises(ApplicationError) as refused:
        disbursements_mark_paid(disbursements=[due, *held, paid], paid_on=PAID_ON, actor=officer)
    # then
    assert refused.value.message == "2 of the chosen payments are held: release them or leave them out."
    assert Disbursement.objects.get(pk=due.pk).status == "due"
    assert not DisbursementShare.objects.exists()
    with pytest.raises(ApplicationError) as refused:
        disbursements_mark_paid(disbursements=[due, held[0]], paid_on=PAID_ON, actor=officer)
    assert refused.value.message == "1 of the chosen payments are held: release them or leave them out."
    # when: without the held ones
    marked = disbursements_mark_paid(disbursements=[due, paid], paid_on=PAID_ON, actor=officer)
    # then: the paid one keeps its day
    assert marked == 1
    assert Disbursement.objects.get(pk=paid.pk).paid_on == datetime.date(2026, 3, 2)
    assert DisbursementShare.objects.filter(disbursement=paid).count() == 0
    assert DisbursementShare.objects.filter(disbursement=due).count() == 2


def test_a_day_that_has_not_come_is_refused_and_nothing_is_paid(funded):
    # given a due payment and its programme's officer
    officer = officer_of(funded, "officer")
    payment = DisbursementFactory(award=award_of(funded), month=MARCH)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    # when they mark it paid tomorrow
    with pytest.raises(ApplicationError) as refused:
        disbursements_mark_paid(disbursements=[payment], paid_on=tomorrow, actor=officer)
    # then it is refused and the payment stays due, with no share
    assert refused.value.message == "A payment cannot be marked paid on a day that has not come yet."
    assert Disbursement.objects.get(pk=payment.pk).status == "due"
    assert not DisbursementShare.objects.exists()


def test_an_officer_of_another_programme_may_not_mark_paid(funded):
    payment = DisbursementFactory(award=award_of(funded), month=MARCH)
    stranger = officer_of(ProgrammeFactory(), "stranger")
    with pytest.raises(ApplicationError) as refused:
        disbursements_mark_paid(disbursements=[payment], paid_on=PAID_ON, actor=stranger)
    assert refused.value.message == f"You may not manage the payments of {funded}."
    assert Disbursement.objects.get(pk=payment.pk).status == "due"
    assert not DisbursementShare.objects.exists()


def test_mark_paid_queries_do_not_grow_with_payments(funded, django_assert_num_queries):
    # given
    officer = officer_of(funded, "officer")
    officer.has_perm("grants.change_disbursement")  # the permission cache is filled outside the budget
    few = [DisbursementFactory(award=award_of(funded), month=MARCH) for _ in range(2)]
    many = [DisbursementFactory(award=award_of(funded), month=APRIL) for _ in range(20)]
    # 1 savepoint, 2 lock the payments, 3 officer's programmes, 4 funders, 5 rates, 6 update,
    # 7 insert shares, 8-9 the log entry's content type and user exist, 10 log entry, 11 release
    with django_assert_num_queries(11):
        assert disbursements_mark_paid(disbursements=few, paid_on=PAID_ON, actor=officer) == 2
    del officer._grants_scope
    with django_assert_num_queries(11):
        assert disbursements_mark_paid(disbursements=many, paid_on=PAID_ON, actor=officer) == 20
    assert DisbursementShare.objects.count() == 44


# --- Hold and release ------------------------------------------------------------------------------------


def test_hold_and_release_a_payment(funded):
    # given
    officer = officer_of(funded, "officer")
    payment = DisbursementFactory(award=award_of(funded), month=MARCH)
    # when
    disbursement_hold(disbursement=payment, reason="  Enrolment letter missing ", actor=officer)
    # then
    payment.refresh_from_db()
    assert (payment.status, payment.held_reason) == ("held", "Enrolment letter missing")
    assert ModelLogEntry.objects.get(action="grants.hold_disbursement").data == {
        "month": "2026-03-01",
        "kind": "stipend",
    }
    # when
    disbursement_release(disbursement=payment, actor=officer)
    # then
    payment.refresh_from_db()
    assert (payment.status, payment.held_reason) == ("due", "")
    assert ModelLogEntry.objects.filter(action="grants.release_disbursement").count() == 1


@pytest.mark.parametrize(
    ("status", "reason", "message"),
    [
        ("due", " ", "Say why the payment is held."),
        ("paid", "Check", "Only a due payment can be held; this one is “Paid”."),
        ("held", "Check", "Only a due payment can be held; this one is “Held”."),
    ],
)
def test_a_hold_is_refused(funded, status, reason, message):
    payment = DisbursementFactory(
        award=award_of(funded),
        status=status,
        held_reason="Earlier" if status == "held" else "",
        paid_on=PAID_ON if status == "paid" else None,
    )
    with pytest.raises(ApplicationError) as refused:
        disbursement_hold(disbursement=payment, reason=reason, actor=officer_of(funded, "officer"))
    assert refused.value.message == message
    assert Disbursement.objects.filter(pk=payment.pk, status=status).exists()
    assert not ModelLogEntry.objects.filter(action="grants.hold_disbursement").exists()


def test_releasing_a_due_payment_or_by_a_stranger_is_refused(funded):
    payment = DisbursementFactory(award=award_of(funded))
    with pytest.raises(ApplicationError) as refused:
        disbursement_release(disbursement=payment, actor=officer_of(funded, "officer"))
    assert refused.value.message == "This payment is not held."
    with pytest.raises(ApplicationError) as refused:
        disbursement_hold(
            disbursement=payment, reason="Check", actor=officer_of(ProgrammeFactory(), "stranger")
        )
    assert refused.value.message == "You may not manage this programme's payments."
    assert Disbursement.objects.get(pk=payment.pk).status == "due"
