"""Recurring digests: a digest's schedule in its own time zone, the tick making exactly one broadcast per
run, and a run's content: what the site published since the previous run, in each reader's language,
keeping only the topics each reader chose."""

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone, translation
from django_celery_beat.models import CrontabSchedule
from wagtail.models import Locale

from cms.digest_content import digest_material
from cms.pages.material import MaterialPage
from outreach.broadcasts import pipeline
from outreach.broadcasts.digests import (
    SUBJECT,
    digest_contents,
    digest_save,
    digests_due_run,
    schedule_next_run,
)
from outreach.broadcasts.models import Broadcast, Delivery, Digest
from outreach.core.exceptions import ApplicationError
from tests.factories.audiences import SubscriberFactory
from tests.factories.broadcasts import AudienceFactory
from tests.factories.cms import TopicFactory, article_add
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db

# Thursday 26 November 2026, 11:58 in Almaty (UTC+5).
NOW = datetime(2026, 11, 26, 6, 58, tzinfo=UTC)
FRIDAY_NINE = {
    "minute": "0",
    "hour": "9",
    "day_of_week": "5",
    "day_of_month": "*",
    "month_of_year": "*",
    "timezone": "Asia/Almaty",
}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def new_digest(**fields) -> Digest:
    return Digest(
        **{
            "name": "Weekly reading",
            "audience": AudienceFactory(name="Everyone"),
            "channels": ["email"],
            **fields,
        }
    )


def saved_digest(manager, crontab=None, **fields) -> Digest:
    return digest_save(digest=new_digest(**fields), crontab=crontab or FRIDAY_NINE, actor=manager, now=NOW)


# --- Saving a digest and its schedule ---------------------------------------------------------------


def test_friday_at_nine_in_almaty_runs_at_four_utc(manager):
    # given a weekly digest for Fridays at 09:00 on Almaty's clock
    digest = new_digest()

    # when a manager saves it on a Thursday
    saved = digest_save(digest=digest, crontab=FRIDAY_NINE, actor=manager, now=NOW)

    # then its first run is the next day at 04:00 UTC, on a schedule row of its own
    saved.refresh_from_db()
    assert saved.next_run_at == datetime(2026, 11, 27, 4, 0, tzinfo=UTC)
    assert saved.last_run_at is None
    assert saved.created_by == manager
    schedule = saved.schedule
    assert (schedule.minute, schedule.hour, schedule.day_of_week, schedule.day_of_month) == (
        "0",
        "9",
        "5",
        "*",
    )
    assert str(schedule.timezone) == "Asia/Almaty"


def test_the_run_after_a_run_is_a_week_later_and_a_time_the_clock_skips_is_not_lost():
    # given the Friday schedule, and one at 02:30 in Berlin, a time the clock skips on 29 March 2026
    friday = CrontabSchedule(minute="0", hour="9", day_of_week="5", timezone=ZoneInfo("Asia/Almaty"))
    berlin = CrontabSchedule(minute="30", hour="2", timezone=ZoneInfo("Europe/Berlin"))

    # when the next runs are computed from the very moment of a run, and before the clock change
    after_run = schedule_next_run(schedule=friday, after=datetime(2026, 11, 27, 4, 0, tzinfo=UTC))
    over_the_change = schedule_next_run(schedule=berlin, after=datetime(2026, 3, 28, 2, 0, tzinfo=UTC))

    # then a run is never repeated, and the skipped 02:30 runs when the clock shows 03:30
    assert after_run == datetime(2026, 12, 4, 4, 0, tzinfo=UTC)
    assert over_the_change == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("crontab", "field", "message"),
    [
        (
            {**FRIDAY_NINE, "minute": "61"},
            "minute",
            "Minutes run from 0 to 59: give a number, a list such as 0,30, a range such as 0-15, a step "
            "such as */15, or * for every minute.",
        ),
        (
            {**FRIDAY_NINE, "timezone": "Asia/Atlantis"},
            "timezone",
            "Give the time zone by its IANA name, such as Asia/Almaty or Asia/Kabul.",
        ),
        (
            {**FRIDAY_NINE, "day_of_week": "*", "day_of_month": "30", "month_of_year": "2"},
            "day_of_month",
            "This schedule never comes round: check that its days of the month exist in its months.",
        ),
    ],
    ids=["minute-61", "unknown-time-zone", "30-february"],
)
def test_a_bad_schedule_is_refused_with_a_clear_message_and_nothing_is_written(
    manager, crontab, field, message
):
    # given a new digest and a schedule with one thing wrong
    digest = new_digest()
    schedules = CrontabSchedule.objects.count()

    # when a manager saves it
    with pytest.raises(ApplicationError) as refused:
        digest_save(digest=digest, crontab=crontab, actor=manager, now=NOW)

    # then the message says what is allowed, for that field, and nothing is written
    assert refused.value.message == message
    assert refused.value.extra == {"fields": {field: [message]}}
    assert Digest.objects.count() == 0
    assert CrontabSchedule.objects.count() == schedules


@pytest.mark.parametrize(
    ("channels", "message"),
    [([], "Choose at least one channel."), (["pigeon"], "Choose channels from the list.")],
)
def test_a_digest_without_a_known_channel_is_refused(manager, channels, message):
    # given a digest with no channel, or one the platform does not have
    digest = new_digest(channels=channels)

    # when a manager saves it
    with pytest.raises(ApplicationError) as refused:
        digest_save(digest=digest, crontab=FRIDAY_NINE, actor=manager, now=NOW)

    # then it is refused and nothing is written
    assert refused.value.extra == {"fields": {"channels": [message]}}
    assert Digest.objects.count() == 0


def test_someone_who_may_not_change_digests_is_refused(manager):
    # given a digest and a member of staff without the digest permissions
    digest = saved_digest(manager)
    editor = UserFactory(groups=["Editor"])

    # when they try to move it to Monday
    with pytest.raises(ApplicationError) as refused:
        digest_save(digest=digest, crontab={**FRIDAY_NINE, "day_of_week": "1"}, actor=editor, now=NOW)

    # then it is refused and the schedule stays
    assert refused.value.message == "You may not create or change digests."
    digest.refresh_from_db()
    assert digest.schedule.day_of_week == "5"
    assert digest.next_run_at == datetime(2026, 11, 27, 4, 0, tzinfo=UTC)


def test_editing_a_digest_that_shares_its_schedule_row_never_moves_the_other(manager):
    # given two digests on one schedule row (as a hand-made row could be)
    first = saved_digest(manager)
    second = Digest.objects.create(
        name="Monthly reading", audience=first.audience, schedule=first.schedule, channels=["email"]
    )

    # when the first is moved to 18:00
    digest_save(digest=first, crontab={**FRIDAY_NINE, "hour": "18"}, actor=manager, now=NOW)

    # then the first has a row of its own and the second still runs at 09:00
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.schedule_id != second.schedule_id
    assert (first.schedule.hour, second.schedule.hour) == ("18", "9")
    assert first.next_run_at == datetime(2026, 11, 27, 13, 0, tzinfo=UTC)


def test_editing_a_digest_with_its_own_schedule_changes_that_row(manager):
    # given a digest with its own schedule row
    digest = saved_digest(manager)
    row = digest.schedule_id

    # when it is moved to Kabul's clock
    digest_save(digest=digest, crontab={**FRIDAY_NINE, "timezone": "Asia/Kabul"}, actor=manager, now=NOW)

    # then the same row changes and the next run follows (Kabul is UTC+4:30)
    digest.refresh_from_db()
    assert digest.schedule_id == row
    assert CrontabSchedule.objects.filter(pk=row).values_list("timezone", flat=True).get() == ZoneInfo(
        "Asia/Kabul"
    )
    assert digest.next_run_at == datetime(2026, 11, 27, 4, 30, tzinfo=UTC)


# --- The tick -----------------------------------------------------------------------------------------


def test_two_ticks_at_the_same_moment_make_one_broadcast(manager):
    # given a digest whose run (Friday 04:00 UTC) has come
    digest = saved_digest(manager)
    run = datetime(2026, 11, 27, 4, 0, 3, tzinfo=UTC)

    # when the tick runs twice at that moment
    first = digests_due_run(now=run)
    second = digests_due_run(now=run)

    # then one broadcast is scheduled for the run, and the digest moves on a week
    assert (first, second) == (1, 0)
    broadcast = Broadcast.objects.get()
    assert (broadcast.name, broadcast.digest, broadcast.message, broadcast.audience) == (
        "Weekly reading 2026-11-27",
        digest,
        None,
        digest.audience,
    )
    assert (broadcast.status, broadcast.send_at, broadcast.channels) == (
        Broadcast.Status.SCHEDULED,
        datetime(2026, 11, 27, 4, 0, tzinfo=UTC),
        ["email"],
    )
    digest.refresh_from_db()
    assert digest.last_run_at == datetime(2026, 11, 27, 4, 0, tzinfo=UTC)
    assert digest.next_run_at == datetime(2026, 12, 4, 4, 0, tzinfo=UTC)


def test_an_inactive_digest_and_one_not_due_make_nothing(manager):
    # given a digest switched off and one whose run is tomorrow
    saved_digest(manager, is_active=False)
    saved_digest(manager, name="Another reading")

    # when the tick runs on Thursday
    created = digests_due_run(now=NOW)

    # then nothing is made
    assert created == 0
    assert Broadcast.objects.count() == 0


def test_a_run_missed_by_more_than_a_day_is_skipped_not_sent_late(manager):
    # given a digest whose Friday run was missed (the tick did not run until Sunday)
    digest = saved_digest(manager)
    sunday = datetime(2026, 11, 29, 6, 0, tzinfo=UTC)

    # when the tick runs again
    created = digests_due_run(now=sunday)

    # then no broadcast is made, the next run is the next Friday, and the last run is still none
    assert created == 0
    assert Broadcast.objects.count() == 0
    digest.refresh_from_db()
    assert digest.next_run_at == datetime(2026, 12, 4, 4, 0, tzinfo=UTC)
    assert digest.last_run_at is None


@pytest.mark.django_db(transaction=True)
def test_two_ticks_running_in_parallel_make_one_broadcast():
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update with skip_locked) need PostgreSQL")
    # given a digest whose run has come, and two ticks about to start together
    digest = saved_digest(UserFactory(superuser=True))
    run = datetime(2026, 11, 27, 4, 0, 3, tzinfo=UTC)
    start = threading.Barrier(2)
    created: list[int] = []

    def tick() -> None:
        try:
            start.wait()
            created.append(digests_due_run(now=run))
        finally:
            connection.close()

    # when both run at once
    threads = [threading.Thread(target=tick) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then exactly one broadcast was made between them
    assert sorted(created) == [0, 1]
    assert Broadcast.objects.filter(digest=digest).count() == 1


# --- The content of a run -------------------------------------------------------------------------------


def material(home, *, title: str, slug: str, at: datetime, topics=()):
    """A live material under `home` with `topics`, first published at `at`."""
    page = article_add(home=home, title=title, slug=slug)
    if topics:
        page.topics.set(topics)
        page.save()
    MaterialPage.objects.filter(pk=page.pk).update(first_published_at=at)
    page.refresh_from_db()
    return page


def topic_pair(kk_name: str, ru_name: str, slug: str):
    """A topic in Kazakh and its Russian translation (the same translation key)."""
    kk = TopicFactory(name=kk_name, slug=slug)
    ru = TopicFactory(
        name=ru_name,
        slug=slug,
        locale=Locale.objects.get(language_code="ru"),
        translation_key=kk.translation_key,
    )
    return kk, ru


def test_the_material_of_a_window_is_grouped_by_topic_in_the_language(homes):
    # given Kazakh material published just inside, at the edges of and outside a window
    since, until = datetime(2026, 11, 20, 4, 0, tzinfo=UTC), datetime(2026, 11, 27, 4, 0, tzinfo=UTC)
    family, _family_ru = topic_pair("Отбасы", "Семья", "family")
    inside = material(homes["kk"], title="Балаңызбен сөйлесіңіз", slug="talk", at=until, topics=[family])
    untagged = material(homes["kk"], title="Жаңа нұсқаулық", slug="guide", at=since + timedelta(days=1))
    material(homes["kk"], title="Өткен апта", slug="old", at=since)
    material(homes["kk"], title="Келесі апта", slug="next", at=until + timedelta(seconds=1))
    material(homes["ru"], title="Поговорите с ребёнком", slug="talk", at=until)

    # when the digest asks for the Kazakh material of the window
    sections = digest_material(language="kk", since=since, until=until)

    # then the material after `since` up to `until` is listed, by topic, untagged material last
    assert sections == [
        {
            "topic_key": str(family.translation_key),
            "topic_name": "Отбасы",
            "items": [{"title": "Балаңызбен сөйлесіңіз", "url": inside.full_url, "summary": inside.summary}],
        },
        {
            "topic_key": None,
            "topic_name": "",
            "items": [{"title": "Жаңа нұсқаулық", "url": untagged.full_url, "summary": untagged.summary}],
        },
    ]


def test_a_digest_run_sends_each_reader_only_their_topics_in_their_language(
    homes, manager, smtp_server, settings, django_capture_on_commit_callbacks
):
    # given Kazakh and Russian topics, and material published this week under them
    settings.OUTREACH_CHANNEL_RATES = {"email": 1000, "telegram": 1000}
    family, family_ru = topic_pair("Отбасы", "Семья", "family")
    online, online_ru = topic_pair("Интернет", "Интернет", "online")
    returning, _returning_ru = topic_pair("Оралу", "Возвращение", "returning")
    week = timezone.now() - timedelta(days=2)
    talk = material(homes["kk"], title="Балаңызбен сөйлесіңіз", slug="talk", at=week, topics=[family])
    material(homes["kk"], title="Жалдаушылардың белгілері", slug="signs", at=week, topics=[online])
    signs_ru = material(homes["ru"], title="Признаки вербовки", slug="signs", at=week, topics=[online_ru])
    material(
        homes["kk"], title="Өткен айдың мақаласы", slug="old", at=week - timedelta(days=30), topics=[family]
    )
    # and readers: two with new material in their topics, two with nothing new in theirs
    parent = SubscriberFactory(
        active=True, email="parent@example.org", language="kk", topics=[str(family.translation_key)]
    )
    teacher = SubscriberFactory(
        active=True, email="teacher@example.org", language="ru", topics=[str(online.translation_key)]
    )
    ru_family = SubscriberFactory(
        active=True, email="family@example.org", language="ru", topics=[str(family.translation_key)]
    )
    kk_returning = SubscriberFactory(
        active=True, email="back@example.org", language="kk", topics=[str(returning.translation_key)]
    )
    # and a digest whose run came a minute ago
    digest = saved_digest(manager)
    Digest.objects.filter(pk=digest.pk).update(next_run_at=timezone.now() - timedelta(minutes=1))

    # when the tick makes the run's broadcast and starts it, and the workers (eager) send it
    assert digests_due_run(now=timezone.now()) == 1
    broadcast = Broadcast.objects.get(digest=digest)
    with django_capture_on_commit_callbacks(execute=True):
        assert pipeline.broadcast_start(broadcast_id=broadcast.pk)
    pipeline.broadcast_work(broadcast_id=broadcast.pk)

    # then the content was fixed in the two languages with new material
    assert sorted(broadcast.contents.values_list("language", flat=True)) == ["kk", "ru"]
    # and the Kazakh parent got the family material only, in Kazakh
    [mail] = smtp_server.to("parent@example.org")
    with translation.override("kk"):
        assert mail.message["Subject"] == str(SUBJECT)
    text, html = mail.part("text/plain"), mail.part("text/html")
    assert "Балаңызбен сөйлесіңіз" in text and talk.full_url in text and talk.full_url in html
    assert "Жалдаушылардың белгілері" not in text and "Өткен айдың мақаласы" not in text
    assert "[[" not in text and "[[" not in html
    # and the Russian teacher the online material only, in Russian
    [mail] = smtp_server.to("teacher@example.org")
    text = mail.part("text/plain")
    assert "Признаки вербовки" in text and signs_ru.full_url in text
    assert "Жалдаушылардың белгілері" not in text and "Балаңызбен" not in text
    # and the two with nothing new in their topics got nothing
    assert smtp_server.to("family@example.org") == [] and smtp_server.to("back@example.org") == []
    outcomes = dict(
        Delivery.objects.filter(broadcast=broadcast).values_list("subscriber_id", "status")
    )  # fmt: skip
    assert outcomes == {
        parent.pk: Delivery.Status.SENT,
        teacher.pk: Delivery.Status.SENT,
        ru_family.pk: Delivery.Status.SKIPPED,
        kk_returning.pk: Delivery.Status.SKIPPED,
    }
    assert set(
        Delivery.objects.filter(status=Delivery.Status.SKIPPED).values_list("skip_reason", flat=True)
    ) == {Delivery.SkipReason.NO_CONTENT}


def test_a_run_covers_the_material_since_the_previous_run(homes, manager):
    # given a digest whose previous run was Friday a week ago, and material from before and after it
    digest = saved_digest(manager)
    previous = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)
    Broadcast.objects.create(
        name="Weekly reading 2026-11-20",
        digest=digest,
        audience=digest.audience,
        channels=["email"],
        status=Broadcast.Status.FINISHED,
        send_at=previous,
    )
    material(homes["kk"], title="Бұрын жіберілген", slug="sent-before", at=previous)
    material(homes["kk"], title="Жаңа", slug="new", at=previous + timedelta(hours=1))
    broadcast = Broadcast.objects.create(
        name="Weekly reading 2026-11-27",
        digest=digest,
        audience=digest.audience,
        channels=["email"],
        status=Broadcast.Status.SCHEDULED,
        send_at=datetime(2026, 11, 27, 4, 0, tzinfo=UTC),
    )

    # when the run's content is made
    contents = digest_contents(broadcast=broadcast)

    # then only the material after the previous run is in it, in Kazakh only
    assert [content.language for content in contents] == ["kk"]
    assert "Жаңа" in contents[0].text
    assert "Бұрын жіберілген" not in contents[0].text
