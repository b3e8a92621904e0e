"""The campaign calendar (outreach/campaigns/admin_views.CampaignCalendarView): a month of campaigns by
their dates, its filters, its month links, and who may see which campaign."""

from datetime import date

import pytest
from django.urls import reverse
from wagtail.test.utils import WagtailTestUtils

from outreach.core.roles import CAMPAIGN_MANAGER, EDITOR, PROGRAM_OFFICER
from tests.factories.campaigns import (
    CampaignFactory,
    JointProgrammeFactory,
    PartnerFactory,
    ProgrammePartnerFactory,
    partner_user,
)
from tests.factories.users import UserFactory, in_english, member, signed_in

pytestmark = pytest.mark.django_db

URL = reverse("campaign_calendar:index")


@pytest.fixture(autouse=True)
def english_admin(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def world() -> dict:
    """The EU's programme with a spring campaign for parents, and another partner's programme with a
    summer campaign in Kazakh (Latin script)."""
    eu = PartnerFactory(eu=True)
    samk = PartnerFactory(name="Spiritual Administration of Muslims of Kazakhstan", short_name="SAMK")
    own = JointProgrammeFactory(name="Prevention with the EU", code="eu-pve")
    ProgrammePartnerFactory(programme=own, partner=eu)
    foreign = JointProgrammeFactory(name="Imams against recruitment", code="samk-imams")
    ProgrammePartnerFactory(programme=foreign, partner=samk)
    return {
        "eu": eu,
        "samk": samk,
        "own": own,
        "foreign": foreign,
        "parents": CampaignFactory(
            programme=own,
            name="Parents who notice",
            starts_on=date(2026, 3, 1),
            ends_on=date(2026, 5, 31),
            languages=["kk", "ru"],
            status="active",
        ),
        "imams": CampaignFactory(
            programme=foreign,
            name="Friday sermons",
            starts_on=date(2026, 5, 20),
            ends_on=date(2026, 7, 10),
            languages=["kk-latn"],
            status="planned",
        ),
        "manager": member([CAMPAIGN_MANAGER], "manager"),
        "eu_user": partner_user(eu, "eu.officer"),
        "samk_user": partner_user(samk, "samk.officer"),
    }


def names(response) -> list[str]:
    return [entry["campaign"].name for entry in response.context["entries"]]


def bars(response) -> list[tuple[str, int, int, int]]:
    """Each week's bars as (campaign, cells before, cells spanned, cells after)."""
    return [
        (bar["campaign"].name, bar["before"], bar["span"], bar["after"])
        for week in response.context["weeks"]
        for bar in week["bars"]
    ]


def test_a_campaign_shows_in_each_month_it_runs_and_not_outside(world):
    # given
    client = signed_in(world["manager"])
    # when
    february = client.get(URL, {"month": "2026-02"})
    march = client.get(URL, {"month": "2026-03"})
    may = client.get(URL, {"month": "2026-05"})
    august = client.get(URL, {"month": "2026-08"})
    # then
    assert names(february) == []
    assert names(march) == ["Parents who notice"]
    assert names(may) == ["Parents who notice", "Friday sermons"]
    assert names(august) == []
    assert "No campaigns run in this month with these filters." in august.content.decode()


def test_the_month_is_a_grid_of_weeks_with_each_campaign_a_bar_from_start_to_end(world):
    # given an editor reading in English, whose weeks start on Sunday (FIRST_DAY_OF_WEEK)
    client = signed_in(world["manager"])
    # when
    response = client.get(URL, {"month": "2026-03", "programme": world["own"].pk})
    # then: 1 March 2026 is a Sunday, so the first week is 1-7 March and the month takes five weeks
    weeks = response.context["weeks"]
    assert [week["days"][0]["date"] for week in weeks] == [
        date(2026, 3, 1),
        date(2026, 3, 8),
        date(2026, 3, 15),
        date(2026, 3, 22),
        date(2026, 3, 29),
    ]
    assert weeks[-1]["days"][-1] == {"date": date(2026, 4, 4), "in_month": False}
    assert bars(response) == [("Parents who notice", 0, 7, 0)] * 5
    first, last = weeks[0]["bars"][0], weeks[-1]["bars"][0]
    assert (first["continues_before"], first["continues_after"]) == (False, True)
    assert (last["continues_before"], last["continues_after"]) == (True, True)


def test_a_bar_starts_and_ends_on_its_days(world):
    # given
    client = signed_in(world["manager"])
    # when
    response = client.get(URL, {"month": "2026-07", "programme": world["foreign"].pk})
    # then: 1 July 2026 is a Wednesday; the campaign ends on Friday 10 July
    assert bars(response) == [("Friday sermons", 0, 7, 0), ("Friday sermons", 0, 6, 1)]
    assert response.context["weeks"][0]["bars"][0]["continues_before"] is True
    assert response.context["weeks"][1]["bars"][0]["continues_after"] is False


def test_status_is_written_out_and_each_campaign_links_to_its_page(world):
    # given
    manager, eu_user = signed_in(world["manager"]), signed_in(world["eu_user"])
    parents = world["parents"]
    # when
    as_manager = manager.get(URL, {"month": "2026-05"}).content.decode()
    as_partner = eu_user.get(URL, {"month": "2026-05"}).content.decode()
    # then a manager is sent to the edit form, a partner user to the read-only page
    assert reverse("campaigns:edit", args=[parents.pk]) in as_manager
    assert reverse("campaigns:inspect", args=[parents.pk]) not in as_manager
    assert reverse("campaigns:inspect", args=[parents.pk]) in as_partner
    assert reverse("campaigns:edit", args=[parents.pk]) not in as_partner
    soup = WagtailTestUtils.get_soup(as_manager)
    statuses = [tag.get_text(strip=True) for tag in soup.select(".campaign-calendar__status")]
    assert set(statuses) == {"Active", "Planned"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Parents who notice", "Friday sermons"]),
        ({"language": "kk"}, ["Parents who notice"]),
        ({"language": "kk-latn"}, ["Friday sermons"]),
        ({"language": "en"}, []),
        ({"status": "planned"}, ["Friday sermons"]),
        ({"status": "active", "language": "ru"}, ["Parents who notice"]),
        ({"partner": "samk"}, ["Friday sermons"]),
        ({"programme": "own"}, ["Parents who notice"]),
    ],
)
def test_filters_narrow_the_month(world, params, expected):
    # given
    client = signed_in(world["manager"])
    params = {
        key: world[value].pk if key in ("partner", "programme") else value for key, value in params.items()
    }
    # when
    response = client.get(URL, {"month": "2026-05", **params})
    # then
    assert names(response) == expected
    assert response.context["form"].errors == {}


def test_a_partner_user_of_another_partner_does_not_see_the_campaign(world):
    # given
    samk_user = signed_in(world["samk_user"])
    # when
    response = samk_user.get(URL, {"month": "2026-05"})
    asking_for_it = samk_user.get(URL, {"month": "2026-05", "programme": world["own"].pk})
    # then
    assert names(response) == ["Friday sermons"]
    assert "Parents who notice" not in response.content.decode()
    # the other programme is no choice of theirs: the filter is refused and shows nothing of it
    assert names(asking_for_it) == ["Friday sermons"]
    assert asking_for_it.context["form"].errors == {
        "programme": ["Select a valid choice. That choice is not one of the available choices."]
    }
    assert "Parents who notice" not in asking_for_it.content.decode()
    assert list(response.context["form"].fields["programme"].queryset) == [world["foreign"]]


def test_the_month_links_keep_the_filters(world):
    # given
    client = signed_in(world["manager"])
    # when
    response = client.get(URL, {"month": "2026-01", "status": "active"})
    # then
    assert response.context["previous_url"] == f"{URL}?month=2025-12&status=active"
    assert response.context["next_url"] == f"{URL}?month=2026-02&status=active"
    html = response.content.decode()
    assert f'href="{URL}?month=2025-12&amp;status=active"' in html
    assert f'href="{URL}?month=2026-02&amp;status=active"' in html
    assert "January 2026" in html


def test_a_malformed_month_is_reported_and_the_current_month_shown(world, settings):
    # given
    client = signed_in(world["manager"])
    # when
    response = client.get(URL, {"month": "2026-13"})
    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {"month": ["Give the month as YYYY-MM, e.g. 2026-03."]}
    assert response.context["month"].day == 1


@pytest.mark.parametrize("groups", [[PROGRAM_OFFICER], [EDITOR]])
def test_roles_without_campaigns_are_refused(world, groups):
    # given
    client = signed_in(member(groups, "someone"))
    # when
    response = client.get(URL)
    # then
    assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home"))


def test_the_calendar_reaches_no_other_site(world):
    # given
    client = signed_in(in_english(UserFactory(superuser=True, username="root")))
    # when
    html = client.get(URL, {"month": "2026-05"}).content.decode()
    # then the page's own markup loads nothing from elsewhere (the admin's furniture is Wagtail's)
    soup = WagtailTestUtils.get_soup(html)
    table = soup.select_one("table.campaign-calendar")
    assert table is not None
    for tag in table.find_all(["img", "script", "link", "iframe"]):
        pytest.fail(f"unexpected {tag}")
    assert not [a["href"] for a in table.find_all("a") if a["href"].startswith(("http:", "https:", "//"))]


def test_the_calendar_queries_do_not_grow(world, django_assert_num_queries):
    # given
    client = signed_in(world["manager"])
    client.get(URL, {"month": "2026-05"})
    with django_assert_num_queries(13):
        client.get(URL, {"month": "2026-05"})
    # when twenty more campaigns run that month
    CampaignFactory.create_batch(
        20, programme=world["own"], starts_on=date(2026, 5, 4), ends_on=date(2026, 5, 8)
    )
    # then
    with django_assert_num_queries(13):
        response = client.get(URL, {"month": "2026-05"})
    assert len(names(response)) == 22
