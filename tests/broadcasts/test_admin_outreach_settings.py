"""Digests (their crontab schedule saved through digest_save), channel targets and the emergency
stop in the admin, and the banner every admin page shows while outreach is stopped."""

import pytest
from django.urls import reverse
from django_celery_beat.models import CrontabSchedule
from wagtail.models import ModelLogEntry

from outreach.broadcasts.models import ChannelTarget, Digest, OutreachControl
from outreach.core import roles
from tests.factories.broadcasts import AudienceFactory, ChannelTargetFactory
from tests.factories.users import UserFactory
from tests.queries import assert_queries_constant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def digest_data(audience, **change) -> dict:
    return {
        "name": "Monday digest",
        "audience": audience.pk,
        "channels": ["email"],
        "is_active": "on",
        "minute": "0",
        "hour": "9",
        "day_of_week": "1",
        "day_of_month": "*",
        "month_of_year": "*",
        "timezone": "Asia/Almaty",
        **change,
    }


def test_a_manager_creates_a_digest_with_its_schedule_and_sees_its_next_run(client, manager):
    # given
    audience = AudienceFactory()
    client.force_login(manager)
    # when
    response = client.post(reverse("outreach_digests:add"), digest_data(audience))
    # then
    assert response.status_code == 302
    digest = Digest.objects.select_related("schedule").get()
    schedule = digest.schedule
    assert (schedule.minute, schedule.hour, schedule.day_of_week, str(schedule.timezone)) == (
        "0",
        "9",
        "1",
        "Asia/Almaty",
    )
    assert digest.next_run_at is not None
    assert digest.next_run_at.astimezone(schedule.timezone).strftime("%a %H:%M") == "Mon 09:00"
    assert digest.created_by == manager
    listing = client.get(reverse("outreach_digests:index")).content.decode()
    assert "0 9 * * 1 (Asia/Almaty)" in listing
    edit = client.get(reverse("outreach_digests:edit", args=[digest.pk])).content.decode()
    assert 'value="9"' in edit


def test_a_bad_schedule_is_explained_on_its_field_and_nothing_is_saved(client, manager):
    # given
    audience = AudienceFactory()
    client.force_login(manager)
    schedules = CrontabSchedule.objects.count()
    # when
    response = client.post(reverse("outreach_digests:add"), digest_data(audience, hour="25"))
    # then
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["hour"]
    assert not Digest.objects.exists()
    assert CrontabSchedule.objects.count() == schedules


def test_a_digest_schedule_is_changed_on_edit(client, manager):
    # given
    audience = AudienceFactory()
    client.force_login(manager)
    client.post(reverse("outreach_digests:add"), digest_data(audience))
    digest = Digest.objects.get()
    # when
    response = client.post(
        reverse("outreach_digests:edit", args=[digest.pk]), digest_data(audience, hour="18", day_of_week="5")
    )
    # then
    assert response.status_code == 302
    digest.refresh_from_db()
    assert (digest.schedule.hour, digest.schedule.day_of_week) == ("18", "5")
    assert digest.next_run_at.astimezone(digest.schedule.timezone).strftime("%a %H:%M") == "Fri 18:00"


def test_channel_targets_are_kept_in_the_admin(client, manager):
    # given
    client.force_login(manager)
    data = {"channel": "telegram", "name": "Kazakh channel", "address": "@voices_kk", "language": "kk"}
    # when
    created = client.post(reverse("outreach_channel_targets:add"), {**data, "is_active": "on"})
    unknown = client.post(
        reverse("outreach_channel_targets:add"), {**data, "channel": "fax", "address": "@x"}
    )
    # then
    assert created.status_code == 302
    assert list(ChannelTarget.objects.values_list("channel", "name", "address", "language", "is_active")) == [
        ("telegram", "Kazakh channel", "@voices_kk", "kk", True)
    ]
    assert unknown.status_code == 200
    assert "Select a valid choice." in unknown.content.decode()


def test_the_digest_and_channel_target_listings_queries_do_not_grow(client, manager):
    # given
    audience = AudienceFactory()
    client.force_login(manager)
    client.post(reverse("outreach_digests:add"), digest_data(audience))
    ChannelTargetFactory()
    counter = iter(range(100))

    def grow():
        for _ in range(5):
            client.post(
                reverse("outreach_digests:add"), digest_data(audience, name=f"Digest {next(counter)}")
            )
        ChannelTargetFactory.create_batch(5)

    # when / then
    # 1 session, 2 user, 3 second-factor devices, 4-5 user and group permissions, 6 admin profile,
    # 7 count, 8 locales, 9-10 page and collection permissions (admin menu), 11 the page of rows
    for url in (reverse("outreach_digests:index"), reverse("outreach_channel_targets:index")):
        assert_queries_constant(lambda url=url: client.get(url), grow, expected=11)


def test_stopping_and_resuming_all_outreach(client, manager):
    # given
    client.force_login(manager)
    url = reverse("outreach_emergency_stop:index")
    status_url = reverse("outreach_emergency_stop:status")
    assert client.get(status_url).json() == {"stopped": False}
    # when
    stopped = client.post(
        url, {"action": "stop", "reason": "A provider sends to the wrong list"}, follow=True
    )
    # then
    control = OutreachControl.objects.get(pk=1)
    assert (control.emergency_stop, control.reason, control.changed_by) == (
        True,
        "A provider sends to the wrong list",
        manager,
    )
    html = stopped.content.decode()
    assert "Outreach is stopped: nothing is sent on any channel." in html
    assert "A provider sends to the wrong list" in html
    state = client.get(status_url).json()
    assert state["stopped"] is True
    assert "Why: A provider sends to the wrong list (" in state["message"]
    assert state["url"] == url
    # when
    client.post(url, {"action": "resume"})
    # then
    control.refresh_from_db()
    assert (control.emergency_stop, control.reason) == (False, "")
    assert list(
        ModelLogEntry.objects.filter(action="broadcasts.emergency_stop")
        .order_by("pk")
        .values_list("data", flat=True)
    ) == [
        {"stop": True},
        {"stop": False},
    ]


def test_stopping_without_a_reason_is_refused_and_nothing_changes(client, manager):
    # given
    client.force_login(manager)
    # when
    response = client.post(reverse("outreach_emergency_stop:index"), {"action": "stop", "reason": "  "})
    # then
    assert response.status_code == 200
    assert "Say why everything is stopped; the team will read it." in response.content.decode()
    assert not OutreachControl.objects.filter(emergency_stop=True).exists()


def test_the_emergency_stop_refuses_others_with_403(client):
    # given
    OutreachControl.objects.create(pk=1, emergency_stop=True, reason="Checking")
    editor = UserFactory(groups=[roles.EDITOR])
    client.force_login(editor)
    # when
    page = client.get(reverse("outreach_emergency_stop:index"))
    post = client.post(reverse("outreach_emergency_stop:index"), {"action": "resume"})
    status = client.get(reverse("outreach_emergency_stop:status"))
    # then
    assert (page.status_code, post.status_code, status.status_code) == (403, 403, 403)
    assert OutreachControl.objects.get(pk=1).emergency_stop is True


def test_every_admin_page_asks_for_the_banner_without_a_query_of_its_own(client, manager):
    # given
    OutreachControl.objects.create(pk=1, emergency_stop=True, reason="Checking")
    client.force_login(manager)
    # when
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    # then
    assert reverse("outreach_emergency_stop:status") in html
    assert "outreach-stop-banner" in html
    assert "Checking" not in html
