"""The programme dashboard's figures on a small hand-made programme, what each reader sees of its
at-risk list, the at-risk selector's scope, and query budgets that do not grow with the rows."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from outreach.core.exceptions import ApplicationError
from outreach.grants.models import Award, Grantee
from outreach.grants.selectors import (
    AtRiskAward,
    CohortFigures,
    MonthFigures,
    Risk,
    WaveFigures,
    awards_at_risk,
    programme_dashboard,
    programmes_visible_to,
)
from tests.factories.grants import (
    AwardFactory,
    BudgetLineFactory,
    CohortFactory,
    DisbursementFactory,
    GranteeFactory,
    OutcomeRecordFactory,
    ProgrammeFactory,
    ProgressReportFactory,
    officer_of,
)
from tests.factories.users import admin_user_with

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 10)
S = Award.Status


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def award(programme, cohort, code, status, starts_on, expected_end_on, **kwargs) -> Award:
    grantee = GranteeFactory(programme=programme, code=code, name_latin=f"Name {code}", name_original="")
    return AwardFactory(
        grantee=grantee,
        cohort=cohort,
        status=status,
        starts_on=starts_on,
        expected_end_on=expected_end_on,
        **kwargs,
    )


def paid(award, month, amount):
    return DisbursementFactory(award=award, month=month, amount=amount, status="paid", paid_on=month)


@pytest.fixture
def programme():
    """Two cohorts: the 2022 intake has finished (one graduate, one alumnus, one withdrawn, one
    still active past their end); the 2025 intake has two at risk, one selected and one who
    withdrew before starting."""
    programme = ProgrammeFactory(code="afg-edu")
    old = CohortFactory(
        programme=programme, name="2022 intake", intake_year=2022, starts_on=datetime.date(2022, 9, 1)
    )
    new = CohortFactory(
        programme=programme, name="2025 intake", intake_year=2025, starts_on=datetime.date(2025, 9, 1)
    )
    began, ended = datetime.date(2022, 9, 1), datetime.date(2025, 6, 30)
    a1 = award(programme, old, "A-01", S.GRADUATED, began, ended, ended_on=ended)
    a2 = award(programme, old, "A-02", S.ALUMNI, began, ended, ended_on=ended)
    award(programme, old, "A-03", S.WITHDRAWN, began, ended)
    a4 = award(programme, old, "A-04", S.ACTIVE, began, datetime.date(2025, 12, 31))
    ProgressReportFactory(award=a4, term="2025-autumn", ends_on=datetime.date(2026, 1, 20))
    b1 = award(programme, new, "B-01", S.ACTIVE, datetime.date(2025, 9, 1), datetime.date(2029, 6, 30))
    ProgressReportFactory(
        award=b1, term="2025-autumn", ends_on=datetime.date(2026, 1, 20), gpa=Decimal("1.80")
    )
    b2 = award(programme, new, "B-02", S.PROBATION, datetime.date(2025, 9, 1), datetime.date(2029, 6, 30))
    DisbursementFactory(award=b2, month=datetime.date(2026, 3, 1), status="held", held_reason="Visa check")
    award(programme, new, "B-03", S.SELECTED, datetime.date(2026, 9, 1), datetime.date(2030, 6, 30))
    award(programme, new, "B-04", S.WITHDRAWN, datetime.date(2026, 9, 1), datetime.date(2030, 6, 30))
    # Money: 1,440,000 budgeted for 2026, i.e. 120,000 a month.
    BudgetLineFactory(programme=programme, year=2026, category="stipend", amount=Decimal("1200000"))
    BudgetLineFactory(programme=programme, year=2026, category="housing", amount=Decimal("240000"))
    BudgetLineFactory(programme=programme, year=2025, category="stipend", amount=Decimal("999999"))
    paid(b1, datetime.date(2025, 12, 1), Decimal("100000"))
    paid(b1, datetime.date(2026, 1, 1), Decimal("100000"))
    paid(b1, datetime.date(2026, 2, 1), Decimal("100000"))
    paid(b2, datetime.date(2026, 2, 1), Decimal("50000"))
    DisbursementFactory(award=b1, month=datetime.date(2026, 3, 1), amount=Decimal("100000"))
    # Alumni: A-01 answered both waves and now leads; A-02 answered the first, not in a leading role,
    # and not the second.
    OutcomeRecordFactory(
        award=a1, wave="6m", due_on=datetime.date(2025, 12, 31), responded_on=datetime.date(2026, 1, 5)
    )
    OutcomeRecordFactory(
        award=a1,
        wave="1y",
        due_on=datetime.date(2026, 3, 1),
        responded_on=datetime.date(2026, 3, 2),
        is_leadership=True,
    )
    OutcomeRecordFactory(award=a1, wave="3y", due_on=datetime.date(2028, 6, 30))
    OutcomeRecordFactory(
        award=a2, wave="6m", due_on=datetime.date(2025, 12, 31), responded_on=datetime.date(2026, 1, 9)
    )
    OutcomeRecordFactory(award=a2, wave="1y", due_on=datetime.date(2026, 3, 1))
    # Another programme's rows never count here.
    elsewhere = AwardFactory(status=S.ACTIVE)
    paid(elsewhere, datetime.date(2026, 1, 1), Decimal("777"))
    DisbursementFactory(award=elsewhere, month=datetime.date(2026, 2, 1), status="held", held_reason="Other")
    OutcomeRecordFactory(
        wave="6m", due_on=datetime.date(2025, 12, 31), responded_on=datetime.date(2026, 1, 1)
    )
    return programme


def counts(**given) -> dict[str, int]:
    return {status: given.get(status, 0) for status in S.values}


def test_the_dashboard_figures(programme):
    # given
    officer = officer_of(programme, "officer")
    # when
    dashboard = programme_dashboard(programme=programme, user=officer, today=TODAY)
    # then
    assert dashboard.year == 2026
    assert dashboard.totals == counts(selected=1, active=2, probation=1, withdrawn=2, graduated=1, alumni=1)
    new, old = dashboard.cohorts
    assert old == CohortFigures(
        cohort_id=old.cohort_id,
        name="2022 intake",
        intake_year=2022,
        counts=counts(active=1, withdrawn=1, graduated=1, alumni=1),
        total=4,
        started=4,
        retention_rate=Decimal("0.7500"),
        past_expected_end=4,
        graduation_rate=Decimal("0.5000"),
    )
    assert new == CohortFigures(
        cohort_id=new.cohort_id,
        name="2025 intake",
        intake_year=2025,
        counts=counts(selected=1, active=1, probation=1, withdrawn=1),
        total=4,
        started=2,
        retention_rate=Decimal("1.0000"),
        past_expected_end=0,
        graduation_rate=None,
    )
    assert dashboard.at_risk_count == 2
    assert [(entry.grantee, entry.codes, entry.risks) for entry in dashboard.at_risk] == [
        (
            "Name B-01",
            ("low_gpa",),
            (Risk("low_gpa", "GPA 1.80 in 2025-autumn is under the programme's 2.00"),),
        ),
        ("Name B-02", ("payment_held",), (Risk("payment_held", "A payment is held: Visa check"),)),
    ]
    assert (dashboard.budget_total, dashboard.paid_total) == (Decimal("1440000.00"), Decimal("250000.00"))
    assert dashboard.months[:3] == [
        MonthFigures(
            datetime.date(2026, 1, 1),
            Decimal("100000.00"),
            Decimal("120000.00"),
            Decimal("100000.00"),
            Decimal("120000.00"),
        ),
        MonthFigures(
            datetime.date(2026, 2, 1),
            Decimal("150000.00"),
            Decimal("120000.00"),
            Decimal("250000.00"),
            Decimal("240000.00"),
        ),
        MonthFigures(
            datetime.date(2026, 3, 1),
            Decimal("0.00"),
            Decimal("120000.00"),
            Decimal("250000.00"),
            Decimal("360000.00"),
        ),
    ]
    assert len(dashboard.months) == 12
    assert dashboard.months[-1].budget_cumulative == Decimal("1440000.00")
    assert (dashboard.alumni_responded, dashboard.alumni_in_leadership) == (2, 1)
    assert dashboard.waves == [
        WaveFigures("6m", "6 months", due=2, responded=2, response_rate=Decimal("1.0000")),
        WaveFigures("1y", "1 year", due=2, responded=1, response_rate=Decimal("0.5000")),
    ]


def test_what_each_reader_sees_of_the_at_risk_list(programme):
    readers = {
        # Names and the risks' sentences.
        "officer": officer_of(programme, "officer"),
        # Codes and risk codes, no sentences (a held payment's reason may name the person).
        "viewer without personal data": admin_user_with(
            "grants.view_programme", "grants.view_grantee", "grants.view_all_programmes"
        ),
        # Aggregates only: how many, never whom.
        "aggregates only": admin_user_with("grants.view_programme", "grants.view_all_programmes"),
    }
    seen = {
        role: programme_dashboard(programme=programme, user=user, today=TODAY)
        for role, user in readers.items()
    }
    assert [entry.grantee for entry in seen["officer"].at_risk] == ["Name B-01", "Name B-02"]
    assert [
        (entry.grantee, entry.codes, entry.risks) for entry in seen["viewer without personal data"].at_risk
    ] == [("B-01", ("low_gpa",), ()), ("B-02", ("payment_held",), ())]
    assert seen["aggregates only"].at_risk == []
    assert {dashboard.at_risk_count for dashboard in seen.values()} == {2}
    assert all(isinstance(entry, AtRiskAward) for entry in seen["officer"].at_risk)


def test_a_locked_grantee_is_left_out_of_the_at_risk_list_for_officers(programme):
    Grantee.objects.filter(code="B-01").update(is_locked=True)
    dashboard = programme_dashboard(programme=programme, user=officer_of(programme, "officer"), today=TODAY)
    assert [entry.grantee for entry in dashboard.at_risk] == ["Name B-02"]
    assert dashboard.at_risk_count == 1


@pytest.mark.parametrize("reader", ["anonymous", "officer of another programme", "no programme rights"])
def test_the_dashboard_is_refused_to_those_who_may_not_see_the_programme(programme, reader):
    user = {
        "anonymous": lambda: AnonymousUser(),
        "officer of another programme": lambda: officer_of(ProgrammeFactory(), "stranger"),
        "no programme rights": lambda: admin_user_with("grants.view_grantee"),
    }[reader]()
    with pytest.raises(ApplicationError) as refused:
        programme_dashboard(programme=programme, user=user, today=TODAY)
    assert refused.value.message == "You may not see this programme's figures."


def test_dashboard_queries_do_not_grow_with_rows(programme, django_assert_num_queries):
    # given
    officer = officer_of(programme, "officer")
    programmes_visible_to(user=officer)  # the officer's assignments are read once per request
    officer.has_perm("grants.view_programme")
    # 1 status counts, 2 cohorts, 3 the programme's day counts, 4 at-risk awards (found by the
    # database), 5 their latest reports, 6 held payments, 7 visas, 8 paid by month, 9 budget,
    # 10 leadership, 11 waves
    with django_assert_num_queries(11):
        programme_dashboard(programme=programme, user=officer, today=TODAY)
    cohort = programme.cohorts.get(name="2025 intake")
    for number in range(20):
        extra = award(
            programme,
            cohort,
            f"C-{number:02d}",
            S.ACTIVE,
            datetime.date(2025, 9, 1),
            datetime.date(2029, 6, 30),
        )
        ProgressReportFactory(
            award=extra, term="2025-autumn", ends_on=datetime.date(2026, 1, 20), gpa=Decimal("1.00")
        )
        paid(extra, datetime.date(2026, 1, 1), Decimal("1000"))
        OutcomeRecordFactory(
            award=extra, wave="6m", due_on=datetime.date(2026, 1, 1), responded_on=datetime.date(2026, 1, 2)
        )
    with django_assert_num_queries(11):
        dashboard = programme_dashboard(programme=programme, user=officer, today=TODAY)
    assert dashboard.at_risk_count == 22
    assert dashboard.months[0].paid == Decimal("120000.00")


def test_awards_at_risk_are_those_of_the_readers_programmes(programme):
    # given
    officer = officer_of(programme, "officer")
    # when
    found = awards_at_risk(user=officer, today=TODAY)
    # then
    assert [(item.grantee.code, [risk.code for risk in risks]) for item, risks in found] == [
        ("B-01", ["low_gpa"]),
        ("B-02", ["payment_held"]),
    ]
    assert awards_at_risk(user=officer_of(ProgrammeFactory(), "stranger"), today=TODAY) == []


def test_awards_at_risk_queries_do_not_grow_with_rows(programme, django_assert_num_queries):
    officer = officer_of(programme, "officer")
    programmes_visible_to(user=officer)
    officer.has_perm("grants.view_award")
    # 1 the programmes' day counts, 2 the awards at risk (found by the database) with grantee,
    # cohort, programme and institution, 3 their latest reports, 4 held, 5 visas
    with django_assert_num_queries(5):
        assert len(awards_at_risk(user=officer, today=TODAY)) == 2
    cohort = programme.cohorts.get(name="2025 intake")
    for number in range(20):
        extra = award(
            programme,
            cohort,
            f"C-{number:02d}",
            S.ACTIVE,
            datetime.date(2025, 9, 1),
            datetime.date(2029, 6, 30),
        )
        DisbursementFactory(award=extra, status="held", held_reason="Check")
    with django_assert_num_queries(5):
        assert len(awards_at_risk(user=officer, today=TODAY)) == 22
