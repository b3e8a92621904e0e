"""Every role against every door of the Outreach admin: listings, add, edit, inspect and progress
pages, the JSON count and progress endpoints, approving, broadcast transitions, the emergency stop
and the audience export. Allowed doors answer 200; refused ones redirect (Wagtail's generic views)
or answer 403, and a refused POST changes nothing."""

import pytest
from django.urls import reverse
from django_celery_beat.models import CrontabSchedule

from outreach.audiences.models import Audience
from outreach.broadcasts.models import (
    Broadcast,
    ChannelTarget,
    Digest,
    Message,
    MessageVariant,
    OutreachControl,
)
from outreach.core import roles
from tests.factories.broadcasts import (
    AudienceFactory,
    BroadcastFactory,
    ChannelTargetFactory,
    MessageVariantFactory,
    SuppressionFactory,
)
from tests.factories.users import UserFactory, admin_user_with

pytestmark = pytest.mark.django_db

# What each role may do: view (listings, inspect, progress, counts), write (add, edit, delete),
# approve variants, send (schedule, pause, resume, cancel), stop (the emergency stop), export.
NOTHING = {"view": False, "write": False, "approve": False, "send": False, "stop": False, "export": False}
MANAGER = {"view": True, "write": True, "approve": True, "send": True, "stop": True, "export": False}
EVERYTHING = {"view": True, "write": True, "approve": True, "send": True, "stop": True, "export": True}


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def roles_and_rights():
    return {
        "anonymous": (None, NOTHING),
        "plain staff": (admin_user_with(), NOTHING),
        "outreach manager": (UserFactory(groups=[roles.OUTREACH_MANAGER]), MANAGER),
        "editor": (UserFactory(groups=[roles.EDITOR]), NOTHING),
        "helpline": (UserFactory(groups=[roles.HELPLINE]), NOTHING),
        "campaign manager": (UserFactory(groups=[roles.CAMPAIGN_MANAGER]), NOTHING),
        "partner": (UserFactory(groups=[roles.PARTNER]), NOTHING),
        "administrator": (UserFactory(groups=[roles.ADMINISTRATOR]), {**NOTHING, "stop": True}),
        "superuser": (UserFactory(superuser=True), EVERYTHING),
    }


@pytest.fixture
def world():
    variant = MessageVariantFactory(approved=True)
    draft_variant = MessageVariantFactory(message=variant.message, language="kk")
    audience = AudienceFactory(name="Readers in Russian", languages=["ru"])
    broadcast = BroadcastFactory(message=variant.message, audience=audience)
    schedule = CrontabSchedule.objects.create(minute="0", hour="9", day_of_week="1")
    digest = Digest.objects.create(
        name="Weekly digest", audience=audience, schedule=schedule, channels=["email"]
    )
    target = ChannelTargetFactory()
    SuppressionFactory(email="bounced@example.org")
    return {
        "message": variant.message,
        "draft_variant": draft_variant,
        "audience": audience,
        "broadcast": broadcast,
        "digest": digest,
        "target": target,
    }


def get_doors(world) -> dict[str, list[str]]:
    message, audience, broadcast = world["message"], world["audience"], world["broadcast"]
    return {
        "view": [
            reverse("outreach_messages:index"),
            reverse("outreach_messages:inspect", args=[message.pk]),
            reverse("outreach_messages:preview", args=[world["draft_variant"].pk]),
            reverse("outreach_broadcasts:index"),
            reverse("outreach_broadcasts:inspect", args=[broadcast.pk]),
            reverse("outreach_broadcasts:progress", args=[broadcast.pk]),
            reverse("outreach_digests:index"),
            reverse("outreach_audiences:index"),
            reverse("outreach_audiences:inspect", args=[audience.pk]),
            reverse("outreach_audiences:count") + "?languages=ru",
            reverse("outreach_channel_targets:index"),
            reverse("outreach_suppressions:index"),
        ],
        "write": [
            reverse("outreach_messages:add"),
            reverse("outreach_messages:edit", args=[message.pk]),
            reverse("outreach_broadcasts:add"),
            reverse("outreach_broadcasts:edit", args=[broadcast.pk]),
            reverse("outreach_digests:add"),
            reverse("outreach_digests:edit", args=[world["digest"].pk]),
            reverse("outreach_audiences:add"),
            reverse("outreach_audiences:edit", args=[audience.pk]),
            reverse("outreach_channel_targets:add"),
            reverse("outreach_channel_targets:edit", args=[world["target"].pk]),
        ],
        "stop": [reverse("outreach_emergency_stop:index")],
    }


def test_every_role_against_every_page_and_endpoint(client, world):
    for role, (user, rights) in roles_and_rights().items():
        if user is not None:
            client.force_login(user)
        for right, urls in get_doors(world).items():
            for url in urls:
                # when
                status = client.get(url).status_code
                # then
                assert (status == 200) is rights[right], f"{role} {right} {url}: {status}"
                if not rights[right]:
                    assert status in (302, 403), f"{role} {right} {url}: {status}"
        # the emergency state for the banner: whoever works with broadcasts or the stop
        status = client.get(reverse("outreach_emergency_stop:status")).status_code
        assert (status == 200) is (rights["view"] or rights["stop"]), f"{role} status: {status}"
        client.logout()


def test_nobody_edits_a_broadcast_once_it_is_scheduled_and_nobody_adds_suppressions(client, world):
    # given
    broadcast = BroadcastFactory(status=Broadcast.Status.SCHEDULED)
    client.force_login(UserFactory(superuser=True))
    # when
    edit = client.get(reverse("outreach_broadcasts:edit", args=[broadcast.pk]))
    delete = client.post(reverse("outreach_broadcasts:delete", args=[broadcast.pk]))
    # then
    assert edit.status_code == 302
    assert delete.status_code == 302
    assert Broadcast.objects.filter(pk=broadcast.pk, status=Broadcast.Status.SCHEDULED).exists()
    assert client.get("/admin/outreach/suppressed-addresses/new/").status_code == 302


def stored():
    """Everything the Outreach doors could write."""
    return (
        list(Message.objects.order_by("pk").values()),
        list(MessageVariant.objects.order_by("pk").values("pk", "status", "version", "subject")),
        list(Broadcast.objects.order_by("pk").values()),
        list(Digest.objects.order_by("pk").values()),
        list(Audience.objects.order_by("pk").values()),
        list(ChannelTarget.objects.order_by("pk").values()),
        list(OutreachControl.objects.values()),
    )


def test_refused_posts_change_nothing(client, world):
    # given
    before = stored()
    message, broadcast, variant = world["message"], world["broadcast"], world["draft_variant"]
    for role, (user, rights) in roles_and_rights().items():
        if user is not None:
            client.force_login(user)
        posts = [
            ("write", reverse("outreach_messages:add"), {"name": "New", "variants-TOTAL_FORMS": "0"}),
            ("write", reverse("outreach_broadcasts:delete", args=[broadcast.pk]), {}),
            ("write", reverse("outreach_audiences:edit", args=[world["audience"].pk]), {"name": "Renamed"}),
            ("write", reverse("outreach_channel_targets:delete", args=[world["target"].pk]), {}),
            ("write", reverse("outreach_digests:delete", args=[world["digest"].pk]), {}),
            ("approve", reverse("outreach_messages:approve", args=[variant.pk]), {"version": "1"}),
            ("send", reverse("outreach_broadcasts:transition", args=[broadcast.pk, "cancel"]), {}),
            ("stop", reverse("outreach_emergency_stop:index"), {"action": "stop", "reason": "A test"}),
            ("export", reverse("outreach_audiences:export", args=[world["audience"].pk]), {}),
        ]
        for right, url, data in posts:
            if rights[right]:
                continue
            # when
            response = client.post(url, data)
            # then
            assert response.status_code in (302, 403), f"{role} {url}: {response.status_code}"
            assert b"@example.org" not in response.content
        assert stored() == before, role
        client.logout()
    assert message.variants.get(pk=variant.pk).status == MessageVariant.Status.DRAFT


def test_allowed_posts_do_what_they_say(client, world):
    # given
    variant, broadcast = world["draft_variant"], world["broadcast"]
    client.force_login(UserFactory(groups=[roles.OUTREACH_MANAGER]))
    # when
    approve = client.post(reverse("outreach_messages:approve", args=[variant.pk]), {"version": "1"})
    cancel = client.post(reverse("outreach_broadcasts:transition", args=[broadcast.pk, "cancel"]))
    # then
    assert approve.status_code == 302
    assert cancel.status_code == 302
    variant.refresh_from_db()
    broadcast.refresh_from_db()
    assert variant.status == MessageVariant.Status.APPROVED
    assert broadcast.status == Broadcast.Status.CANCELLED


def test_the_menu_shows_the_outreach_group_only_to_those_it_serves(client, world):
    for role, (user, rights) in roles_and_rights().items():
        if user is None:
            continue
        client.force_login(user)
        # when
        html = client.get(reverse("wagtailadmin_home")).content.decode()
        # then
        assert ('"Messages"' in html) is rights["view"], role
        assert ('"Emergency stop"' in html) is rights["stop"], role
        client.logout()
