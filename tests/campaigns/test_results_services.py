"""Recording results: every bad entry is refused with a message that says why, and nothing is saved."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from outreach.campaigns.models import Result
from outreach.campaigns.services import ResultEntry, result_record, results_record_for_period
from outreach.core.exceptions import ApplicationError
from tests.factories.campaigns import IndicatorFactory, JointProgrammeFactory, ReportingPeriodFactory
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_messages():
    """Messages are asserted in English; the platform's default language is Kazakh."""
    with translation.override("en"):
        yield


def test_a_result_is_recorded_with_who_entered_it():
    # given an indicator counting people and a period of its programme
    indicator = IndicatorFactory()
    period = ReportingPeriodFactory(programme=indicator.programme)
    officer = UserFactory()

    # when a manager records 640 people
    result = result_record(indicator=indicator, period=period, value="640", unit="people", actor=officer)

    # then it is stored as entered, by them
    result.refresh_from_db()
    assert (result.value, result.entered_by, result.is_automatic) == (Decimal("640.00"), officer, False)


@pytest.mark.parametrize(
    ("value", "unit", "message"),
    [
        ("640", "percent", "IND-A is measured in people; the value was given in “percent”."),
        ("12.5", None, "This indicator counts whole people; 12.5 is not a whole number."),
        ("-3", None, "A result cannot be negative."),
        ("many", None, "“many” is not a number."),
    ],
)
def test_a_value_that_does_not_fit_the_unit_is_refused(value, unit, message):
    # given an indicator counting people
    indicator = IndicatorFactory(code="IND-A")
    period = ReportingPeriodFactory(programme=indicator.programme)

    # when a value in another unit, or not a count, is entered
    with pytest.raises(ApplicationError) as refused:
        result_record(indicator=indicator, period=period, value=value, unit=unit, actor=None)

    # then it is refused with its reason and nothing is written
    assert refused.value.message == message
    assert Result.objects.count() == 0


def test_a_percentage_above_100_is_refused():
    indicator = IndicatorFactory(percent=True)
    period = ReportingPeriodFactory(programme=indicator.programme)

    with pytest.raises(ApplicationError) as refused:
        result_record(indicator=indicator, period=period, value="101", actor=None)

    assert refused.value.message == "A percentage lies between 0 and 100."
    assert Result.objects.count() == 0


def test_a_period_of_another_programme_is_refused():
    # given an indicator, and a period that belongs to another programme
    indicator = IndicatorFactory(code="IND-B")
    elsewhere = ReportingPeriodFactory(
        programme=JointProgrammeFactory(name="Other programme"), name="2026 H1"
    )

    # when a result is entered for that period
    with pytest.raises(ApplicationError) as refused:
        result_record(indicator=indicator, period=elsewhere, value="10", actor=None)

    # then
    assert refused.value.message == f"2026 H1 is not a period of {indicator.programme.name}."
    assert Result.objects.count() == 0


def test_a_period_outside_the_programme_dates_is_refused():
    # given a period that once fitted, and a programme since shortened to end before it
    indicator = IndicatorFactory(code="IND-C")
    period = ReportingPeriodFactory(
        programme=indicator.programme, name="2027 H2", starts_on=date(2027, 7, 1), ends_on=date(2027, 12, 31)
    )
    type(indicator.programme).objects.filter(pk=indicator.programme.pk).update(ends_on=date(2027, 6, 30))
    indicator.refresh_from_db()

    with pytest.raises(ApplicationError) as refused:
        result_record(indicator=indicator, period=period, value="10", actor=None)

    assert refused.value.message == "2027 H2 lies outside the programme (2026-01-01 to 2027-06-30)."
    assert Result.objects.count() == 0


def test_a_second_result_for_the_same_indicator_and_period_is_refused():
    # given a result already entered
    indicator = IndicatorFactory(code="IND-D")
    period = ReportingPeriodFactory(programme=indicator.programme, name="2026 H1")
    first = result_record(indicator=indicator, period=period, value="100", actor=None)

    # when the same indicator and period are entered again
    with pytest.raises(ApplicationError) as refused:
        result_record(indicator=indicator, period=period, value="200", actor=None)

    # then the second is refused and the first is unchanged
    assert (
        refused.value.message
        == "A result for IND-D in 2026 H1 has already been entered; change that one instead."
    )
    assert list(Result.objects.values_list("pk", "value")) == [(first.pk, Decimal("100.00"))]


def test_a_period_form_with_one_bad_line_saves_nothing():
    # given two indicators of one programme
    programme = JointProgrammeFactory()
    people = IndicatorFactory(programme=programme, code="P1")
    share = IndicatorFactory(programme=programme, code="P2", percent=True)
    period = ReportingPeriodFactory(programme=programme)

    # when a period's results are entered with one good and one bad line
    with pytest.raises(ApplicationError) as refused:
        results_record_for_period(
            period=period,
            entries=[ResultEntry(indicator=people, value="500"), ResultEntry(indicator=share, value="140")],
            actor=None,
        )

    # then the bad line is named and not even the good one is saved
    assert refused.value.extra["lines"] == ["P2: A percentage lies between 0 and 100."]
    assert Result.objects.count() == 0


def test_figures_the_platform_counts_cannot_be_entered_by_hand():
    indicator = IndicatorFactory(page_views=True, code="AUTO1")
    period = ReportingPeriodFactory(programme=indicator.programme)

    with pytest.raises(ApplicationError) as refused:
        result_record(indicator=indicator, period=period, value="10", actor=None)

    assert refused.value.message == (
        "AUTO1 is counted by the platform (views of the campaigns' pages); its results cannot be entered by hand."
    )
    assert Result.objects.count() == 0
