"""The demo outreach `manage.py load_demo` adds after the campaigns: audiences, an approved message in
four languages, a weekly digest, the platform's Telegram channels and a finished broadcast of a
campaign with its deliveries; loading it again creates nothing."""

import io
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from outreach.audiences.models import Audience, Subscriber
from outreach.broadcasts.models import (
    Broadcast,
    BroadcastContent,
    ChannelTarget,
    Delivery,
    Digest,
    Message,
    MessageVariant,
)

pytestmark = pytest.mark.django_db

MODELS = (
    Audience,
    Message,
    MessageVariant,
    Digest,
    ChannelTarget,
    Subscriber,
    Broadcast,
    BroadcastContent,
    Delivery,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[str]:
    """The demo loaded once for the module through the command (a load takes seconds), inside a
    transaction rolled back afterwards; each test's own transaction nests in it as a savepoint."""
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("demo-media"))),
        transaction.atomic(),
    ):
        output = io.StringIO()
        call_command("load_demo", "--no-admin", stdout=output)
        yield output.getvalue()
        transaction.set_rollback(True)
    # The site's root paths are cached; the next module must not see this module's home pages.
    cache.clear()


def test_the_demo_outreach_is_loaded_once_and_a_second_load_adds_nothing(loaded):
    # given the demo loaded once
    first = counts()

    # when it is loaded again
    output = io.StringIO()
    call_command("load_demo", "--no-admin", stdout=output)

    # then nothing new exists and the command says so
    assert counts() == first
    assert (
        output.getvalue().splitlines()[0] == "Demo content is already loaded; nothing was added or changed."
    )
    assert (
        "1 messages, 1 digests, 4 channel targets, 7 demo subscribers, 1 broadcasts, 9 deliveries" in loaded
    )
    assert first == {
        "Audience": 3,
        "Message": 1,
        "MessageVariant": 4,
        "Digest": 1,
        "ChannelTarget": 4,
        "Subscriber": 7,
        "Broadcast": 1,
        "BroadcastContent": 4,
        "Delivery": 9,
    }


def test_the_demo_message_is_approved_in_four_languages_and_features_a_demo_page(loaded):
    # when the demo message is read
    message = Message.objects.get(name="Talking with teenagers about online recruiters")

    # then each of its four variants is approved and links the parents' article
    variants = list(message.variants.order_by("language"))
    assert [(variant.language, variant.status) for variant in variants] == [
        ("en", MessageVariant.Status.APPROVED),
        ("fa-af", MessageVariant.Status.APPROVED),
        ("kk", MessageVariant.Status.APPROVED),
        ("ru", MessageVariant.Status.APPROVED),
    ]
    for variant in variants:
        featured = [block.value["page"] for block in variant.body if block.block_type == "featured_page"]
        assert [page.slug for page in featured] == ["talking-with-your-teenager"]
    # and the Dari mail links the Dari translation of the page
    dari = BroadcastContent.objects.get(language="fa-af")
    assert "/fa-af/talking-with-your-teenager/" in dari.text


def test_the_demo_digest_runs_on_friday_at_nine_in_almaty_to_weekly_readers_by_email(loaded):
    # when the demo digest is read
    digest = Digest.objects.select_related("schedule", "audience").get()

    # then it is the Friday reading for weekly readers, next due on a Friday at 04:00 UTC
    assert (digest.name, digest.audience.name, digest.channels, digest.is_active) == (
        "Weekly reading",
        "Weekly readers",
        ["email"],
        True,
    )
    schedule = digest.schedule
    assert (schedule.minute, schedule.hour, schedule.day_of_week, str(schedule.timezone)) == (
        "0",
        "9",
        "5",
        "Asia/Almaty",
    )
    assert digest.next_run_at > timezone.now()
    assert (digest.next_run_at.weekday(), digest.next_run_at.astimezone(UTC).hour) == (4, 4)


def test_the_demo_broadcast_is_finished_for_a_voices_of_reason_campaign_with_its_deliveries(loaded):
    # when the demo broadcast is read
    broadcast = Broadcast.objects.select_related("campaign__programme", "audience").get()

    # then it belongs to a campaign of the programme and reached the Kazakh and Russian readers
    assert broadcast.status == Broadcast.Status.FINISHED
    assert broadcast.campaign.name == "Talk before they do"
    assert broadcast.campaign.programme.code == "eu-voices-of-reason"
    assert broadcast.audience.name == "Parents and teachers in Kazakhstan"
    assert broadcast.send_at == datetime(2026, 11, 13, 4, 0, tzinfo=UTC)
    emails = Delivery.objects.filter(broadcast=broadcast, channel="email")
    assert sorted(emails.values_list("subscriber__email", "language")) == [
        ("parent.almaty@example.org", "kk"),
        ("parent.kostanay@example.org", "ru"),
        ("parent.shymkent@example.org", "ru"),
        ("teacher.astana@example.org", "ru"),
        ("teacher.karaganda@example.org", "kk"),
    ]
    posts = Delivery.objects.filter(broadcast=broadcast, channel="telegram")
    assert sorted(posts.values_list("target__address", flat=True)) == [
        "@clearpath_platform_dari",
        "@clearpath_platform_en",
        "@clearpath_platform_kk",
        "@clearpath_platform_ru",
    ]
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}
    assert Subscriber.objects.exclude(email__endswith="@example.org").count() == 0
