"""Content review dates: a weekly reminder mails each owner the list of their live material past its
review date (once per ISO week, whatever the number of runs), and the "Due for review" report lists
what is overdue or due within 30 days."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry
from wagtail.users.models import UserProfile

from cms.upkeep import REVIEW_REMINDER_ACTION, review_reminders_send
from outreach.core.roles import EDITOR, PARTNER, PROGRAM_OFFICER
from tests.factories.cms import ScholarAnswerPageFactory, article_add
from tests.factories.users import UserFactory, in_english
from tests.queries import assert_queries_constant

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)
BASE_URL = "https://cms.example.org"


@pytest.fixture(autouse=True)
def admin_base_url(settings):
    settings.WAGTAILADMIN_BASE_URL = BASE_URL


def edit_url(page) -> str:
    return BASE_URL + reverse("wagtailadmin_pages:edit", args=[page.pk])


@pytest.fixture
def pages(homes):
    """Dana's two overdue pages (Kazakh and Russian), her page not yet due and her overdue draft;
    Timur's overdue page; an overdue page nobody owns. Dana reads the admin in English, Timur has
    no preference."""
    dana = in_english(UserFactory(username="dana", first_name="Dana", last_name="Nurlanova"))
    timur = UserFactory(username="timur")
    return {
        "dana": dana,
        "timur": timur,
        "dana_kk": article_add(
            home=homes["kk"],
            title="Жалдаушылар не уәде етеді",
            owner=dana,
            review_by=MONDAY - timedelta(days=40),
        ),
        "dana_ru": article_add(
            home=homes["ru"], title="Что обещают вербовщики", owner=dana, review_by=MONDAY - timedelta(days=1)
        ),
        "dana_not_due": article_add(home=homes["en"], owner=dana, review_by=MONDAY),
        "dana_draft": article_add(
            home=homes["en"], owner=dana, review_by=MONDAY - timedelta(days=3), live=False
        ),
        "timur_en": article_add(
            home=homes["en"],
            title="What recruiters promise",
            owner=timur,
            review_by=MONDAY - timedelta(days=7),
        ),
        "nobody": article_add(home=homes["en"], owner=None, review_by=MONDAY - timedelta(days=7)),
    }


def test_each_owner_receives_exactly_the_list_of_their_own_overdue_pages(smtp_server, pages):
    # when
    sent = review_reminders_send(today=MONDAY)
    # then one mail per owner, each listing only their live overdue pages, longest overdue first
    assert sent == 2
    [dana_mail] = smtp_server.to("dana@example.org")
    [timur_mail] = smtp_server.to("timur@example.org")
    assert len(smtp_server.mails) == 2
    assert dana_mail.message["Subject"] == "Pages past their review date"
    text = dana_mail.part("text/plain")
    assert text.splitlines()[0] == "Hello Dana Nurlanova,"
    listed = [line for line in text.splitlines() if line.startswith("- ") or line.startswith("  http")]
    assert listed == [
        "- Жалдаушылар не уәде етеді (Kazakh), review by Jan. 21, 2026",
        f"  {edit_url(pages['dana_kk'])}",
        "- Что обещают вербовщики (Russian), review by March 1, 2026",
        f"  {edit_url(pages['dana_ru'])}",
    ]
    html = dana_mail.part("text/html")
    assert f'href="{edit_url(pages["dana_kk"])}"' in html and f'href="{edit_url(pages["dana_ru"])}"' in html
    assert pages["dana_not_due"].title not in text and pages["dana_draft"].title not in text
    # Timur, without a preferred language, is written to in the site's default language
    assert timur_mail.part("text/plain").count("\n- ") == 1
    assert timur_mail.message["Content-Language"] == "kk"
    assert "What recruiters promise (Ағылшынша)" in timur_mail.part("text/plain")


def test_each_reminded_page_records_the_reminder_in_its_history(smtp_server, pages):
    review_reminders_send(today=MONDAY)
    entries = PageLogEntry.objects.filter(action=REVIEW_REMINDER_ACTION)
    assert sorted(
        (entry.page_id, entry.data["recipient"], entry.data["week"]) for entry in entries
    ) == sorted(
        [
            (pages["dana_kk"].pk, pages["dana"].pk, "2026-W10"),
            (pages["dana_ru"].pk, pages["dana"].pk, "2026-W10"),
            (pages["timur_en"].pk, pages["timur"].pk, "2026-W10"),
        ]
    )


def test_running_twice_in_the_same_week_sends_nothing_new(smtp_server, pages):
    # given the reminders went out on Monday
    review_reminders_send(today=MONDAY)
    # when the task runs again on Thursday, after another of Dana's pages fell due
    article_add(home=pages["dana_kk"].get_parent(), owner=pages["dana"], review_by=MONDAY + timedelta(days=1))
    sent = review_reminders_send(today=MONDAY + timedelta(days=3))
    # then nothing more is sent or recorded
    assert sent == 0
    assert len(smtp_server.mails) == 2
    assert PageLogEntry.objects.filter(action=REVIEW_REMINDER_ACTION).count() == 3
    # when next week comes
    sent = review_reminders_send(today=MONDAY + timedelta(days=7))
    # then each owner is reminded again, Dana of her four pages (one more fell due on Monday itself)
    assert sent == 2
    assert smtp_server.to("dana@example.org")[-1].part("text/plain").count("\n- ") == 4


def test_the_reminder_is_in_the_owners_admin_language(smtp_server, pages):
    # given Timur reads the admin in Russian
    profile = UserProfile.get_for_user(pages["timur"])
    profile.preferred_language = "ru"
    profile.save()
    # when
    review_reminders_send(today=MONDAY)
    # then his mail is written in Russian (language names and dates)
    [mail] = smtp_server.to("timur@example.org")
    assert mail.message["Content-Language"] == "ru"
    assert "What recruiters promise (Английский), " in mail.part("text/plain")
    assert "23 февраля 2026" in mail.part("text/plain")


def test_inactive_owners_and_owners_without_an_address_are_not_mailed(smtp_server, pages):
    pages["timur"].is_active = False
    pages["timur"].save()
    pages["dana"].email = ""
    pages["dana"].save()
    assert review_reminders_send(today=MONDAY) == 0
    assert smtp_server.mails == []
    assert not PageLogEntry.objects.filter(action=REVIEW_REMINDER_ACTION).exists()


def test_the_weekly_task_is_scheduled_on_monday_morning_in_almaty():
    from celery.schedules import crontab

    from outreach.celery import app

    app.finalize()
    entry = app.conf.beat_schedule["cms-review-reminders"]
    assert entry["task"] == "cms.upkeep_tasks.review_reminders_send"
    assert entry["schedule"] == crontab(day_of_week=1, hour=1, minute=0)
    assert "cms.upkeep_tasks.review_reminders_send" in app.tasks


def test_the_task_sends_the_reminders(smtp_server, homes):
    from cms.upkeep_tasks import review_reminders_send as task

    owner = UserFactory(username="aliya")
    article_add(home=homes["kk"], owner=owner, review_by=timezone.localdate() - timedelta(days=1))
    assert task.delay().get() == 1
    assert len(smtp_server.to("aliya@example.org")) == 1


# --- The "Due for review" report ------------------------------------------------------------------


@pytest.fixture
def english_editor():
    return in_english(UserFactory(username="editor", groups=[EDITOR]))


def test_the_report_lists_overdue_and_soon_due_live_material(client, homes, english_editor):
    # given
    today = timezone.localdate()
    owner = UserFactory(username="owner")
    overdue = article_add(home=homes["ru"], owner=owner, review_by=today - timedelta(days=2))
    soon = ScholarAnswerPageFactory(
        parent=homes["kk"], locale=homes["kk"].locale, review_by=today + timedelta(days=30)
    )
    article_add(home=homes["kk"], review_by=today + timedelta(days=31))
    article_add(home=homes["kk"], review_by=today - timedelta(days=2), live=False)
    article_add(home=homes["kk"], review_by=None)
    client.force_login(english_editor)
    url = reverse("cms_due_for_review")
    # when
    everything = client.get(url)
    past_due = client.get(url, {"due": "overdue"})
    owned = client.get(url, {"owner": owner.pk})
    in_kazakh = client.get(url, {"locale": "kk"})
    # then
    assert everything.status_code == 200
    assert [page.pk for page in everything.context["object_list"]] == [overdue.pk, soon.pk]
    assert [page.pk for page in past_due.context["object_list"]] == [overdue.pk]
    assert [page.pk for page in owned.context["object_list"]] == [overdue.pk]
    assert [page.pk for page in in_kazakh.context["object_list"]] == [soon.pk]
    assert "Past due" in past_due.content.decode()


def test_the_report_exports_its_rows(client, homes, english_editor):
    today = timezone.localdate()
    owner = UserFactory(username="owner")
    article_add(
        home=homes["en"], title="Talking to your son", owner=owner, review_by=today - timedelta(days=2)
    )
    client.force_login(english_editor)
    response = client.get(reverse("cms_due_for_review"), {"export": "csv"})
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines == [
        "Page,Language,Owner,Review by",
        f"Talking to your son,English,owner,{today - timedelta(days=2)}",
    ]


@pytest.mark.parametrize("group", [PROGRAM_OFFICER, PARTNER])
def test_people_who_do_not_write_pages_are_refused_the_report(client, homes, group):
    client.force_login(UserFactory(groups=[group]))
    response = client.get(reverse("cms_due_for_review"))
    assert (response.status_code, response.url) == (302, reverse("wagtailadmin_home"))


def test_the_report_queries_do_not_grow_with_the_pages(client, homes, english_editor):
    today = timezone.localdate()
    client.force_login(english_editor)
    url = reverse("cms_due_for_review")

    def add(count):
        for index in range(count):
            owner = UserFactory()
            article_add(home=homes["kk"], owner=owner, review_by=today - timedelta(days=index))

    add(2)
    client.get(url)  # the locale names are cached by Wagtail after the first listing
    assert_queries_constant(lambda: client.get(url), lambda: add(10))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_knows_and_runs_the_reminder_task(celery_worker, homes):
    # given an overdue page (the worker's mail goes to its own in-memory outbox)
    from cms.upkeep_tasks import review_reminders_send as task

    owner = UserFactory(username="aliya")
    page = article_add(home=homes["kk"], owner=owner, review_by=timezone.localdate() - timedelta(days=1))
    # when the task is sent through the broker
    result = task.delay()
    # then the worker, which found the task through CmsConfig.ready(), records the reminder
    celery_worker.wait_for(
        lambda: PageLogEntry.objects.filter(action=REVIEW_REMINDER_ACTION, page=page).exists(),
        timeout=60,
        what="the reminder's record",
    )
    assert f"{result.id}] succeeded" in celery_worker.log()
