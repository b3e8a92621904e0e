"""A partner user sees their own organisation's programmes and nothing else, and changes nothing:
the rules and selectors every door uses (outreach/campaigns/permissions.py, selectors.py)."""

import pytest
from django.contrib.auth.models import Group

from outreach.campaigns import permissions, selectors
from outreach.core.roles import CAMPAIGN_MANAGER, EDITOR, PARTNER, PROGRAM_OFFICER
from tests.factories.campaigns import (
    CampaignFactory,
    IndicatorFactory,
    JointProgrammeFactory,
    PartnerFactory,
    ProgrammePartnerFactory,
    ReportingPeriodFactory,
    ResultFactory,
    partner_user,
)
from tests.factories.users import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_programmes():
    """The EU's programme and an embassy's programme, each with a period, an indicator, a result and
    a campaign."""
    eu, embassy = PartnerFactory(eu=True), PartnerFactory(name="Embassy of Japan", short_name="Japan")
    world = {"eu": eu, "embassy": embassy}
    for key, partner in (("eu", eu), ("embassy", embassy)):
        programme = JointProgrammeFactory(name=f"{partner} programme")
        ProgrammePartnerFactory(programme=programme, partner=partner)
        indicator = IndicatorFactory(programme=programme)
        period = ReportingPeriodFactory(programme=programme)
        world[key + "_objects"] = {
            "programme": programme,
            "period": period,
            "indicator": indicator,
            "result": ResultFactory(indicator=indicator, period=period),
            "campaign": CampaignFactory(programme=programme),
        }
    return world


SELECTORS = {
    "programme": selectors.programmes_visible_to,
    "period": selectors.periods_visible_to,
    "indicator": selectors.indicators_visible_to,
    "result": selectors.results_visible_to,
    "campaign": selectors.campaigns_visible_to,
}
VIEW_RULES = {
    "programme": permissions.can_view_programme,
    "period": permissions.can_view_programme,
    "indicator": permissions.can_view_indicator,
    "result": permissions.can_view_result,
    "campaign": permissions.can_view_campaign,
}
CHANGE_RULES = {
    "programme": permissions.can_change_programme,
    "indicator": permissions.can_change_indicator,
    "result": permissions.can_change_result,
    "campaign": permissions.can_change_campaign,
}


def test_a_partner_user_sees_only_their_organisations_programme(two_programmes):
    # given a user of the EU Delegation
    user = partner_user(two_programmes["eu"], "eu-user")
    eu, embassy = two_programmes["eu_objects"], two_programmes["embassy_objects"]

    for kind, selector in SELECTORS.items():
        # when they list each kind of thing
        visible = list(selector(user=user))
        # then they get the EU programme's and not the embassy's
        assert visible == [eu[kind]], kind
        # and the rule every door asks agrees, object by object
        assert VIEW_RULES[kind](user, eu[kind]) is True, kind
        assert VIEW_RULES[kind](user, embassy[kind]) is False, kind
    assert list(selectors.partners_visible_to(user=user)) == [two_programmes["eu"]]
    assert permissions.can_view_partner(user, two_programmes["embassy"]) is False
    assert permissions.can_view_report(user, eu["programme"]) is True
    assert permissions.can_view_report(user, embassy["programme"]) is False


def test_a_partner_user_changes_nothing_even_in_their_own_programme(two_programmes):
    # given a partner user who, by mistake, was also put in the Campaign manager group
    user = partner_user(two_programmes["eu"], "eu-user")
    user.groups.add(Group.objects.get(name=CAMPAIGN_MANAGER))
    eu = two_programmes["eu_objects"]

    # then every write is still refused
    for kind, rule in CHANGE_RULES.items():
        assert rule(user, eu[kind]) is False, kind
    assert permissions.can_add_result(user) is False
    assert permissions.can_add_campaign(user) is False
    assert permissions.can_delete_programme(user, eu["programme"]) is False
    assert permissions.can_manage_partner_users(user) is False


def test_a_partner_group_member_linked_to_no_organisation_sees_nothing(two_programmes):
    # given someone put in the Partner group whose link to an organisation was forgotten
    user = member([PARTNER], "unlinked")

    # then they see no programme, partner or result at all
    for kind, selector in SELECTORS.items():
        assert list(selector(user=user)) == [], kind
        assert VIEW_RULES[kind](user, two_programmes["eu_objects"][kind]) is False, kind
    assert list(selectors.partners_visible_to(user=user)) == []


def test_a_campaign_manager_sees_and_changes_every_programme(two_programmes):
    user = member([CAMPAIGN_MANAGER], "manager")

    for kind, selector in SELECTORS.items():
        assert len(selector(user=user)) == 2, kind
    for kind, rule in CHANGE_RULES.items():
        assert rule(user, two_programmes["embassy_objects"][kind]) is True, kind
    assert permissions.can_manage_partner_users(user) is True


@pytest.mark.parametrize("groups", [[PROGRAM_OFFICER], [EDITOR], []])
def test_other_roles_see_no_programme(two_programmes, groups):
    user = member(groups, "someone")

    for kind, selector in SELECTORS.items():
        assert list(selector(user=user)) == [], kind
    assert permissions.can_view_report(user, two_programmes["eu_objects"]["programme"]) is False


def test_figures_the_platform_counts_are_not_changed_by_hand(two_programmes):
    manager = member([CAMPAIGN_MANAGER], "manager")
    result = two_programmes["eu_objects"]["result"]
    result.is_automatic = True

    assert permissions.can_change_result(manager, result) is False
