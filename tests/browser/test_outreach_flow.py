"""Outreach as a manager meets it in real Chromium: the audience's live count follows the rule as it is
ticked, never showing a small group exactly; a broadcast's progress page follows the workers without
a reload and pauses on a click; the emergency stop puts a banner on every admin page."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from outreach.broadcasts.models import Broadcast, Delivery
from outreach.core.roles import OUTREACH_MANAGER
from tests.browser.test_editorial_flow import PASSWORD, data_migrations_replay, sign_in
from tests.factories.audiences import SubscriberFactory
from tests.factories.broadcasts import BroadcastFactory
from tests.factories.users import UserFactory, in_english

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    """Twelve Russian readers and three Kazakh ones, and an outreach manager."""
    data_migrations_replay(
        "cms.migrations.0004_role_groups",
        "outreach.audiences.migrations.0002_outreach_manager_group",
        "outreach.broadcasts.migrations.0002_outreach_manager_permissions",
    )
    russian = SubscriberFactory.create_batch(12, active=True, language="ru", region="kz-ala")
    SubscriberFactory.create_batch(3, active=True, language="kk", region="kz-shy")
    manager = in_english(UserFactory(username="outreach", groups=[OUTREACH_MANAGER]))
    manager.set_password(PASSWORD)
    manager.save()
    return {"russian": russian, "manager": manager}


def test_the_audience_count_follows_the_rule_as_it_is_ticked(live_server, browser, world):
    # given the manager on a new audience's form
    tab = sign_in(browser, live_server, "outreach")
    tab.goto(f"{live_server.url}/admin/outreach/audiences/new/")
    count = tab.locator("[data-audience-count-value]")

    # when they tick Russian, then Kazakh as well, then untick Russian
    tab.get_by_label("Russian", exact=True).check()
    # (expect, not wait_for_function: the admin's Content-Security-Policy forbids the eval the latter uses)
    expect(count).to_have_text("12")
    tab.get_by_label("Kazakh", exact=True).check()
    expect(count).to_have_text("15")
    tab.get_by_label("Russian", exact=True).uncheck()

    # then three Kazakh readers are never shown as three
    expect(count).to_have_text("fewer than 10")
    assert count.text_content().strip() == "fewer than 10"


def test_the_progress_page_follows_the_workers_and_pauses_on_a_click(live_server, browser, world):
    # given a broadcast under way to the twelve Russian readers
    broadcast = BroadcastFactory(
        name="Friday reading", status=Broadcast.Status.SENDING, started_at=timezone.now()
    )
    now = timezone.now()
    Delivery.objects.bulk_create(
        Delivery(broadcast=broadcast, subscriber=reader, channel="email", language="ru", not_before=now)
        for reader in world["russian"]
    )
    tab = sign_in(browser, live_server, "outreach")
    tab.goto(f"{live_server.url}/admin/outreach/broadcasts/inspect/{broadcast.pk}/")
    assert tab.locator('[data-field="remaining"]').text_content().strip() == "12"

    # when workers send five of them, without the page being reloaded
    first_five = list(broadcast.deliveries.order_by("pk").values_list("pk", flat=True)[:5])
    Delivery.objects.filter(pk__in=first_five).update(status=Delivery.Status.SENT, sent_at=timezone.now())

    # then the page shows it within its refresh
    expect(tab.locator('[data-field="sent"]')).to_have_text("5", timeout=30_000)
    assert tab.locator('[data-field="remaining"]').text_content().strip() == "7"

    # when the manager pauses it
    tab.get_by_role("button", name="Pause").click()

    # then it is paused, by staff, and the rest waits
    tab.get_by_text("The broadcast is paused.").wait_for()
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.pause_reason) == ("paused", "manual")
    assert broadcast.deliveries.filter(status=Delivery.Status.QUEUED).count() == 7


def test_the_emergency_stop_shows_on_every_admin_page_until_it_is_lifted(live_server, browser, world):
    # given the manager on the emergency stop page
    tab = sign_in(browser, live_server, "outreach")
    tab.goto(f"{live_server.url}/admin/outreach/emergency-stop/")

    # when they stop all outreach, saying why
    tab.get_by_label("Why").fill("Attack in Almaty this morning; every message is reviewed first.")
    tab.get_by_role("button", name="Stop all outreach now").click()

    # then the page says so (in its own words: the banner, drawn once the page's script has asked
    # for the status, says the same and more), and another admin page carries the banner
    tab.get_by_text("Outreach is stopped: nothing is sent on any channel.", exact=True).wait_for()
    tab.goto(f"{live_server.url}/admin/outreach/broadcasts/")
    banner = tab.locator(".outreach-stop-banner")
    banner.wait_for()
    assert "stopped" in banner.text_content().lower()

    # when they resume it, the banner is gone from the next page
    tab.goto(f"{live_server.url}/admin/outreach/emergency-stop/")
    tab.get_by_role("button", name="Resume all outreach").click()
    tab.get_by_text("Outreach is running: broadcasts are sent as scheduled.", exact=True).wait_for()
    tab.goto(f"{live_server.url}/admin/outreach/broadcasts/")
    tab.wait_for_load_state("networkidle")
    assert tab.locator(".outreach-stop-banner").count() == 0
