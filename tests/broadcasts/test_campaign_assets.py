"""A partner campaign's page lists its outreach sends: each broadcast with its state, day and what it
delivered (a small number never exactly), linked only for those who may open broadcasts."""

import datetime

import pytest
from django.urls import reverse

from outreach.broadcasts.models import Broadcast, Delivery
from outreach.core.roles import CAMPAIGN_MANAGER, OUTREACH_MANAGER
from tests.factories.audiences import SubscriberFactory
from tests.factories.broadcasts import BroadcastFactory
from tests.factories.campaigns import CampaignFactory, PartnerFactory, ProgrammePartnerFactory, partner_user
from tests.factories.users import member, signed_in

pytestmark = pytest.mark.django_db

SENT_ON = datetime.datetime(2026, 5, 4, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def campaign():
    """A campaign whose first broadcast delivered 12 messages and whose second delivered 3."""
    campaign = CampaignFactory(name="Talk before they do")
    for name, sent in (("Parents, first week", 12), ("Parents, reminder", 3)):
        broadcast = BroadcastFactory(
            name=name, campaign=campaign, status=Broadcast.Status.FINISHED, send_at=SENT_ON
        )
        Delivery.objects.bulk_create(
            Delivery(
                broadcast=broadcast,
                subscriber=reader,
                channel="email",
                language="ru",
                not_before=SENT_ON,
                status="sent",
                sent_at=SENT_ON,
            )
            for reader in SubscriberFactory.create_batch(sent, active=True)
        )
    BroadcastFactory(name="Another campaign's send", campaign=CampaignFactory())
    return campaign


def outreach_line(client, campaign) -> str:
    html = client.get(reverse("campaigns:inspect", args=[campaign.pk])).content.decode()
    start = html.index("Outreach sends")
    return html[start : start + 1500]


def test_a_campaign_lists_its_sends_linked_for_who_may_open_them(campaign):
    # given a campaign manager who also runs outreach
    both = member([CAMPAIGN_MANAGER, OUTREACH_MANAGER], "both")
    # when they open the campaign
    listed = outreach_line(signed_in(both), campaign)
    # then both sends are listed with their state, day and deliveries, newest first, and linked
    first, reminder = Broadcast.objects.filter(campaign=campaign).order_by("pk")
    assert (
        f'<a href="{reverse("outreach_broadcasts:inspect", args=[first.pk])}">Parents, first week</a>'
        in listed
    )
    assert "Finished · May 4, 2026 · 12 delivered" in listed
    assert "Finished · May 4, 2026 · fewer than 10 delivered" in listed
    assert "Another campaign" not in listed


def test_a_partner_sees_the_sends_of_their_programme_without_links(campaign):
    # given the partner user of the campaign's programme
    partner = PartnerFactory(name="EU Delegation")
    ProgrammePartnerFactory(programme=campaign.programme, partner=partner)
    user = partner_user(partner, "eu")
    # when
    listed = outreach_line(signed_in(user), campaign)
    # then the sends are there, but nothing opens the outreach admin
    assert "Parents, first week · Finished · May 4, 2026 · 12 delivered" in listed
    assert "outreach/broadcasts" not in listed


def test_a_campaign_without_sends_says_so():
    # given
    campaign = CampaignFactory()
    manager = member([CAMPAIGN_MANAGER], "manager")
    # when
    listed = outreach_line(signed_in(manager), campaign)
    # then
    assert "—" in listed[:300]
