"""Entering a period's results in the admin (outreach/campaigns/admin_views.PeriodResultsEntryView): one
line per hand-entered indicator, every line saved or none, errors per line, and who may do it."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from outreach.campaigns.models import Result
from outreach.core.roles import CAMPAIGN_MANAGER, EDITOR, PROGRAM_OFFICER
from tests.factories.campaigns import (
    IndicatorFactory,
    IndicatorTargetFactory,
    JointProgrammeFactory,
    PartnerFactory,
    ProgrammePartnerFactory,
    ResultFactory,
    partner_user,
)
from tests.factories.users import UserFactory, in_english, member, signed_in

pytestmark = pytest.mark.django_db

URL = reverse("results_entry:index")


@pytest.fixture(autouse=True)
def english_admin(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def world() -> dict:
    """The EU programme's 2026 H2 with two hand-entered indicators (people, percent), one counted by
    the platform, and one hand-entered indicator whose result is already in."""
    eu = PartnerFactory(eu=True)
    programme = JointProgrammeFactory(name="Prevention with the EU", code="eu-pve", with_periods=True)
    ProgrammePartnerFactory(programme=programme, partner=eu)
    period = programme.periods.get(name="2026 H2")
    reached = IndicatorFactory(programme=programme, code="OC1.1", name="Young people reached")
    confident = IndicatorFactory(programme=programme, statement=reached.statement, code="OC1.2", percent=True)
    entered = IndicatorFactory(
        programme=programme, statement=reached.statement, code="OP1.1", name="Workshops held", unit="count"
    )
    counted = IndicatorFactory(
        programme=programme, statement=reached.statement, code="OP1.2", page_views=True
    )
    IndicatorTargetFactory(indicator=reached, period=period, value=Decimal("1000"))
    existing = ResultFactory(indicator=entered, period=period, value=Decimal("12"), evidence_note="Agendas.")
    return {
        "eu": eu,
        "programme": programme,
        "period": period,
        "reached": reached,
        "confident": confident,
        "entered": entered,
        "counted": counted,
        "existing": existing,
        "manager": member([CAMPAIGN_MANAGER], "manager"),
    }


def lines(world: dict, **values: tuple[str, str]) -> dict:
    """The form as sent: `OC1_1=("640", "note")` fills the line of indicator OC1.1."""
    data = {"period": str(world["period"].pk)}
    for indicator in (world["reached"], world["confident"]):
        value, note = values.get(indicator.code.replace(".", "_"), ("", ""))
        data[f"value_{indicator.pk}"] = value
        data[f"note_{indicator.pk}"] = note
    return data


def test_the_form_has_a_line_per_hand_entered_indicator_with_its_target(world):
    # given
    client = signed_in(world["manager"])
    # when
    response = client.get(URL, {"period": world["period"].pk})
    # then
    rows = response.context["rows"]
    assert [(row["indicator"].code, row["target"]) for row in rows] == [
        ("OC1.1", Decimal("1000.00")),
        ("OC1.2", None),
        ("OP1.1", None),
    ]
    assert [row["indicator"].get_unit_display() for row in rows] == ["people", "percent", "count"]
    html = response.content.decode()
    assert f'name="value_{world["reached"].pk}"' in html
    assert f'name="value_{world["confident"].pk}"' in html
    # the line already entered is shown, not editable here, with a link to its own form
    assert f'name="value_{world["entered"].pk}"' not in html
    assert rows[2]["result"] == world["existing"]
    assert rows[2]["edit_url"] == reverse("results:edit", args=[world["existing"].pk])
    assert rows[2]["edit_url"] in html
    # the indicator the platform counts has no line
    assert world["counted"].code not in html


def test_the_period_is_chosen_among_visible_programmes_periods(world):
    # given
    client = signed_in(world["manager"])
    # when
    response = client.get(URL)
    # then
    choices = response.context["chooser"].fields["period"].choices
    assert choices[1] == (
        "Prevention with the EU (eu-pve)",
        [(period.pk, period.name) for period in world["programme"].periods.order_by("starts_on")],
    )
    assert "rows" not in response.context


def test_a_good_submission_saves_every_line(world):
    # given
    client = signed_in(world["manager"])
    data = lines(world, OC1_1=("640", "Attendance lists."), OC1_2=("72.5", "Survey of 80 teachers."))
    # when
    response = client.post(URL, data)
    # then
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?period={world['period'].pk}"
    saved = Result.objects.filter(period=world["period"]).order_by("indicator__code")
    assert [(r.indicator.code, r.value, r.evidence_note, r.entered_by) for r in saved] == [
        ("OC1.1", Decimal("640.00"), "Attendance lists.", world["manager"]),
        ("OC1.2", Decimal("72.50"), "Survey of 80 teachers.", world["manager"]),
        ("OP1.1", Decimal("12.00"), "Agendas.", None),
    ]
    shown = client.get(response["Location"])
    assert [str(message).strip() for message in shown.context["messages"]] == [
        "2 results recorded for 2026 H2."
    ]


def test_an_empty_line_is_left_for_later(world):
    # given
    client = signed_in(world["manager"])
    # when
    response = client.post(URL, lines(world, OC1_1=("640", "")))
    # then
    assert response.status_code == 302
    assert list(Result.objects.filter(period=world["period"]).values_list("indicator__code", flat=True)) == [
        "OC1.1",
        "OP1.1",
    ]


def test_one_bad_line_saves_nothing_and_shows_its_message_on_its_line(world):
    # given a good first line and a percentage above 100
    client = signed_in(world["manager"])
    data = lines(world, OC1_1=("640", "Attendance lists."), OC1_2=("130", "Survey."))
    # when
    response = client.post(URL, data)
    # then
    assert response.status_code == 200
    assert Result.objects.filter(period=world["period"]).count() == 1
    rows = {row["indicator"].code: row for row in response.context["rows"]}
    assert rows["OC1.1"]["error"] is None
    assert rows["OC1.2"]["error"] == "A percentage lies between 0 and 100."
    html = response.content.decode()
    assert "A percentage lies between 0 and 100." in html
    assert "Nothing was saved. Correct the lines marked below and send them again." in html
    # what was typed is kept, so it can be corrected
    assert rows["OC1.1"]["value"].value() == "640"
    assert rows["OC1.2"]["value"].value() == "130"


def test_several_bad_lines_each_show_their_own_message(world):
    # given
    client = signed_in(world["manager"])
    data = lines(world, OC1_1=("12.5", ""), OC1_2=("lots", ""))
    # when
    response = client.post(URL, data)
    # then
    rows = {row["indicator"].code: row for row in response.context["rows"]}
    assert rows["OC1.1"]["error"] == "This indicator counts whole people; 12.5 is not a whole number."
    assert rows["OC1.2"]["error"] == "“lots” is not a number."
    assert escape("“lots” is not a number.") in response.content.decode()
    assert Result.objects.filter(period=world["period"]).count() == 1


def test_a_submission_without_any_value_is_refused(world):
    # given
    client = signed_in(world["manager"])
    # when
    response = client.post(URL, lines(world))
    # then
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Enter at least one value."]
    assert Result.objects.filter(period=world["period"]).count() == 1


def test_a_line_entered_meanwhile_elsewhere_is_refused_and_nothing_is_saved(world):
    # given the form was opened, then someone else entered OC1.2 for the period
    client = signed_in(world["manager"])
    data = lines(world, OC1_1=("640", ""), OC1_2=("60", ""))
    ResultFactory(indicator=world["confident"], period=world["period"], value=Decimal("55"))
    # when
    response = client.post(URL, data)
    # then
    assert response.status_code == 200
    rows = {row["indicator"].code: row for row in response.context["rows"]}
    assert rows["OC1.2"]["error"] == (
        "A result for OC1.2 in 2026 H2 has already been entered; change that one instead."
    )
    assert rows["OC1.2"]["result"].value == Decimal("55")
    assert escape(rows["OC1.2"]["error"]) in response.content.decode()
    assert Result.objects.get(indicator=world["confident"], period=world["period"]).value == Decimal("55")
    assert not Result.objects.filter(indicator=world["reached"], period=world["period"]).exists()


def test_an_unknown_period_is_refused_and_nothing_is_saved(world):
    # given
    client = signed_in(world["manager"])
    data = {**lines(world, OC1_1=("640", "")), "period": "999999"}
    # when
    response = client.post(URL, data)
    # then
    assert response.status_code == 200
    assert response.context["chooser"].errors == {
        "period": ["Select a valid choice. 999999 is not one of the available choices."]
    }
    assert Result.objects.filter(period=world["period"]).count() == 1


@pytest.mark.parametrize("who", ["partner of the programme", "partner elsewhere", "officer", "editor"])
def test_only_those_who_may_add_results_open_or_post_it(world, who):
    # given
    user = {
        "partner of the programme": lambda: partner_user(world["eu"], "eu.officer"),
        "partner elsewhere": lambda: partner_user(PartnerFactory(), "samk.officer"),
        "officer": lambda: member([PROGRAM_OFFICER], "officer"),
        "editor": lambda: member([EDITOR], "editor"),
    }[who]()
    client = signed_in(user)
    # when
    opened = client.get(URL, {"period": world["period"].pk})
    posted = client.post(URL, lines(world, OC1_1=("640", "")))
    # then
    for response in (opened, posted):
        assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home"))
    assert Result.objects.filter(period=world["period"]).count() == 1


def test_a_superuser_enters_results_too(world):
    # given
    client = signed_in(in_english(UserFactory(superuser=True, username="root")))
    # when
    response = client.post(URL, lines(world, OC1_2=("40", "")))
    # then
    assert response.status_code == 302
    assert Result.objects.get(indicator=world["confident"], period=world["period"]).value == Decimal("40")


def test_the_entry_queries_do_not_grow_with_indicators(world, django_assert_num_queries):
    # given
    client = signed_in(world["manager"])
    params = {"period": world["period"].pk}
    client.get(URL, params)
    with django_assert_num_queries(14):
        client.get(URL, params)
    # when ten more indicators with targets exist
    for indicator in IndicatorFactory.create_batch(
        10, programme=world["programme"], statement=world["reached"].statement
    ):
        IndicatorTargetFactory(indicator=indicator, period=world["period"])
    # then
    with django_assert_num_queries(14):
        response = client.get(URL, params)
    assert len(response.context["rows"]) == 13
