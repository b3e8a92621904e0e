"""The "Most read" report and its CSV: reads summed from the daily aggregates (page, language, day,
number) over a period, filtered by language, page type, topic and audience; who may open them; and a
fixed number of queries however many pages and days it sums."""

import csv
import io
from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from cms.analytics import PageViewCount, tally
from cms.report_forms import years_before
from cms.wagtail_hooks import register_reading_report_menu_item
from outreach.core.roles import EDITOR, GROUP_PERMISSIONS, HELPLINE, PUBLISHER, TRANSLATOR_GROUPS
from tests.factories.cms import (
    AudienceFactory,
    HelpPageFactory,
    TopicFactory,
    VideoPageFactory,
    article_add,
    translation_add,
)
from tests.factories.users import UserFactory, in_english
from tests.queries import assert_queries_constant

pytestmark = pytest.mark.django_db

REPORT = "cms_reading_report"
CSV = "cms_reading_report_csv"


@pytest.fixture
def editor():
    return in_english(UserFactory(username="editor", groups=[EDITOR]))


@pytest.fixture
def signed_in_editor(client, editor):
    client.force_login(editor)
    return client


def today() -> date:
    return timezone.localdate()


def reads(page, language: str, views: int, days_ago: int = 0) -> None:
    PageViewCount.objects.create(
        page=page, language=language, day=today() - timedelta(days=days_ago), views=views
    )


def table(html: str, element_id: str) -> list[list[str]]:
    found = BeautifulSoup(html, "html.parser").find(id=element_id)
    if found is None:
        return []
    return [
        [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
        for row in found.find_all("tr")
    ]


def report(client, **params: str) -> tuple[list[list[str]], list[list[str]], str]:
    """The totals table, the rows table (without their headings) and the page's HTML."""
    response = client.get(reverse(REPORT), params)
    assert response.status_code == 200
    html = response.content.decode()
    return table(html, "reading-totals")[1:], table(html, "reading-rows")[1:], html


def errors(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [item.get_text(" ", strip=True) for item in soup.select(".messages .error, .error-message")]


def csv_lines(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response).decode("utf-8-sig"))))


@pytest.fixture
def reading(homes):
    """A Russian article read 6 times this month (and 100 times 40 days ago), its English
    translation read 2 times, a Russian video read 3 times, the Russian help page read once."""
    topic = TopicFactory(name="Online recruitment", slug="online")
    parents = AudienceFactory(name="Parents", slug="parents")
    article = article_add(home=homes["ru"], title="Почему вербовщики лгут", slug="why")
    article.topics.add(topic)
    article.audiences.add(parents)
    article.save()
    english = translation_add(source=article, home=homes["en"], title="Why recruiters lie")
    video = article_add(home=homes["ru"], factory_class=VideoPageFactory, title="Рассказ матери")
    help_page = HelpPageFactory(parent=homes["ru"], locale=homes["ru"].locale, title="Помощь")
    reads(article, "ru", 4)
    reads(article, "ru", 2, days_ago=29)
    reads(article, "ru", 100, days_ago=40)
    reads(english, "en", 2, days_ago=3)
    reads(video, "ru", 3, days_ago=10)
    reads(help_page, "ru", 1, days_ago=1)
    return {
        "article": article,
        "english": english,
        "video": video,
        "help": help_page,
        "topic": topic,
        "parents": parents,
    }


DEFAULT_TOTALS = [["Russian", "10"], ["English", "2"], ["All languages", "12"]]
DEFAULT_ROWS = [
    ["Почему вербовщики лгут", "Article", "Russian", "6", "60.0%"],
    ["Рассказ матери", "Video", "Russian", "3", "30.0%"],
    ["Why recruiters lie", "Article", "English", "2", "100.0%"],
    ["Помощь", "Help page", "Russian", "1", "10.0%"],
]


# --- The report and its filters ----------------------------------------------------------------------


def test_the_report_shows_the_last_30_days_by_default_with_totals_and_shares(signed_in_editor, reading):
    # given the reads above
    # when the editor opens the report without filters
    totals, rows, html = report(signed_in_editor)
    # then the last 30 days are summed (the old 100 reads left out), most read first, each row's share
    # of its language's views
    assert totals == DEFAULT_TOTALS
    assert rows == DEFAULT_ROWS
    soup = BeautifulSoup(html, "html.parser")
    link = soup.find(id="reading-rows").find("a")
    assert link["href"] == reverse("wagtailadmin_pages:edit", args=[reading["article"].pk])
    with translation.override("en"):
        start, end = date_format(today() - timedelta(days=29)), date_format(today())
    assert soup.find(id="reading-period").get_text(" ", strip=True) == f"Reads from {start} to {end}"
    assert errors(html) == []


def test_reads_not_yet_written_are_in_the_report(client, homes, editor):
    # given an English article read twice by anonymous readers, the counts still held in the process
    tally.flush()
    article_add(home=homes["en"], title="What recruiters promise", slug="story")
    client.get("/en/story/")
    client.get("/en/story/")
    # when an editor opens the report
    client.force_login(editor)
    totals, rows, _html = report(client)
    # then the report writes them first and shows them
    assert totals == [["English", "2"], ["All languages", "2"]]
    assert rows == [["What recruiters promise", "Article", "English", "2", "100.0%"]]


def test_filtering_by_language_shows_that_language_only(signed_in_editor, reading):
    # when
    totals, rows, _html = report(signed_in_editor, language="en")
    # then
    assert totals == [["English", "2"], ["All languages", "2"]]
    assert rows == [["Why recruiters lie", "Article", "English", "2", "100.0%"]]


def test_filtering_by_page_type(signed_in_editor, reading):
    # when the editor asks for videos, then for help pages
    video_totals, video_rows, _html = report(signed_in_editor, page_type="cms.videopage")
    _totals, help_rows, _html = report(signed_in_editor, page_type="cms.helppage")
    # then each shows its kind only, and the shares are of the filtered total
    assert video_totals == [["Russian", "3"], ["All languages", "3"]]
    assert video_rows == [["Рассказ матери", "Video", "Russian", "3", "100.0%"]]
    assert help_rows == [["Помощь", "Help page", "Russian", "1", "100.0%"]]


def test_filtering_by_topic_counts_every_language_version_of_it(signed_in_editor, reading, homes):
    # given the English translation tagged with the English version of the topic only
    english_topic = TopicFactory(
        name="Online recruitment (en)",
        slug="online",
        locale=homes["en"].locale,
        translation_key=reading["topic"].translation_key,
    )
    english = reading["english"]
    english.topics.set([english_topic])
    english.save()
    # when the editor filters by the topic
    totals, rows, html = report(signed_in_editor, topic=str(reading["topic"].translation_key))
    # then both tagged pages count, the video and help page do not, and the topic is offered once
    assert totals == [["Russian", "6"], ["English", "2"], ["All languages", "8"]]
    assert rows == [
        ["Почему вербовщики лгут", "Article", "Russian", "6", "100.0%"],
        ["Why recruiters lie", "Article", "English", "2", "100.0%"],
    ]
    options = BeautifulSoup(html, "html.parser").select("select[name=topic] option")
    assert [option.get_text() for option in options] == ["All topics", "Online recruitment (en)"]


def test_filtering_by_audience(signed_in_editor, reading):
    # when
    totals, rows, _html = report(signed_in_editor, audience=str(reading["parents"].translation_key))
    # then only the material tagged for parents, in the language it was tagged in
    assert totals == [["Russian", "6"], ["All languages", "6"]]
    assert rows == [["Почему вербовщики лгут", "Article", "Russian", "6", "100.0%"]]


@pytest.mark.parametrize(
    ("period", "article_views", "russian_total"),
    [("7", "4", "5"), ("30", "6", "10"), ("90", "106", "110"), ("365", "106", "110")],
)
def test_filtering_by_period(signed_in_editor, reading, period, article_views, russian_total):
    # when
    _totals, rows, _html = report(signed_in_editor, period=period, language="ru", page_type="cms.articlepage")
    totals, _rows, _html = report(signed_in_editor, period=period, language="ru")
    # then the article's reads of the last 7, 30, 90 or 365 days (read today, 29 and 40 days ago), and
    # all Russian reads (the video 10 days ago, the help page yesterday)
    assert rows == [["Почему вербовщики лгут", "Article", "Russian", article_views, "100.0%"]]
    assert totals == [["Russian", russian_total], ["All languages", russian_total]]


def test_filtering_by_a_date_range_counts_both_ends(signed_in_editor, reading):
    # when the editor asks for the days 40 to 29 days ago
    start, end = today() - timedelta(days=40), today() - timedelta(days=29)
    totals, rows, html = report(
        signed_in_editor, period="range", date_from=start.isoformat(), date_to=end.isoformat()
    )
    # then the reads of both end days count, and nothing after
    assert errors(html) == []
    assert totals == [["Russian", "102"], ["All languages", "102"]]
    assert rows == [["Почему вербовщики лгут", "Article", "Russian", "102", "100.0%"]]


def test_dates_given_without_a_period_are_a_range_and_a_fixed_period_ignores_dates(signed_in_editor, reading):
    day = (today() - timedelta(days=3)).isoformat()
    # when dates come without a period, they are the range
    _totals, rows, _html = report(signed_in_editor, date_from=day, date_to=day)
    assert rows == [["Why recruiters lie", "Article", "English", "2", "100.0%"]]
    # when a fixed period is chosen, dates left over from an earlier range are not used
    _totals, rows, _html = report(signed_in_editor, period="30", date_from=day, date_to=day)
    assert rows == DEFAULT_ROWS


def test_a_two_year_range_is_allowed(signed_in_editor, reading):
    end = today()
    start = years_before(end, 2)
    totals, _rows, html = report(
        signed_in_editor, period="range", date_from=start.isoformat(), date_to=end.isoformat()
    )
    assert errors(html) == []
    assert totals == [["Russian", "110"], ["English", "2"], ["All languages", "112"]]


@pytest.mark.parametrize(
    ("date_from", "date_to", "message"),
    [
        (10, 20, "The first day comes after the last day; showing the last 30 days."),
        (3, -1, "The range cannot end in the future; showing the last 30 days."),
        (365 * 2 + 2, 0, "A range can cover at most two years; showing the last 30 days."),
        (10, None, "Give both the first and the last day of the range; showing the last 30 days."),
    ],
)
def test_a_bad_date_range_is_explained_and_the_default_report_shown(
    signed_in_editor, reading, date_from, date_to, message
):
    # given
    stored = list(PageViewCount.objects.order_by("pk").values_list("page_id", "language", "day", "views"))
    params = {"period": "range", "date_from": (today() - timedelta(days=date_from)).isoformat()}
    if date_to is not None:
        params["date_to"] = (today() - timedelta(days=date_to)).isoformat()
    # when
    totals, rows, html = report(signed_in_editor, **params)
    # then the message says what is wrong and the last 30 days are shown; nothing was changed
    assert errors(html) == [message]
    assert (totals, rows) == (DEFAULT_TOTALS, DEFAULT_ROWS)
    assert (
        list(PageViewCount.objects.order_by("pk").values_list("page_id", "language", "day", "views"))
        == stored
    )
    # and the CSV link gives the report shown, not the refused range
    csv_href = BeautifulSoup(html, "html.parser").find(id="reading-csv")
    assert "date_from" not in csv_href["href"] and "period=30" in csv_href["href"]


def test_a_date_that_is_not_one_is_explained(signed_in_editor, reading):
    totals, rows, html = report(signed_in_editor, period="range", date_from="yesterday", date_to="2026-13-40")
    assert errors(html) == [
        "Give the date as YYYY-MM-DD, e.g. 2026-03-01.",
        "Give the date as YYYY-MM-DD, e.g. 2026-03-31.",
    ]
    assert (totals, rows) == (DEFAULT_TOTALS, DEFAULT_ROWS)


def test_an_unknown_filter_value_is_explained_and_left_out_while_the_others_apply(signed_in_editor, reading):
    # when
    totals, rows, html = report(signed_in_editor, language="xx", page_type="cms.videopage", topic="nope")
    # then
    assert errors(html) == [
        "There is no such language; showing every language.",
        "There is no such topic; showing every topic.",
    ]
    assert rows == [["Рассказ матери", "Video", "Russian", "3", "100.0%"]]
    assert totals == [["Russian", "3"], ["All languages", "3"]]


def test_nothing_read_says_so(signed_in_editor, homes):
    totals, rows, html = report(signed_in_editor)
    assert (totals, rows) == ([], [])
    assert "Nobody read a page that matches these filters in this period." in html


def test_the_report_shows_50_rows_a_page_and_keeps_the_filters(signed_in_editor, homes):
    # given 51 Russian pages read 1 to 51 times, and an English one
    for views in range(1, 52):
        reads(article_add(home=homes["ru"], title=f"Статья {views:02d}"), "ru", views)
    reads(article_add(home=homes["en"], title="Story"), "en", 5)
    # when
    _totals, first, html = report(signed_in_editor, language="ru")
    _totals, second, _html = report(signed_in_editor, language="ru", p="2")
    # then
    assert len(first) == 50
    assert first[0][:4] == ["Статья 51", "Article", "Russian", "51"]
    assert second == [["Статья 01", "Article", "Russian", "1", "0.1%"]]
    next_link = BeautifulSoup(html, "html.parser").select_one(".pagination li.next a")
    assert "language=ru" in next_link["href"] and "p=2" in next_link["href"]


# --- The CSV -------------------------------------------------------------------------------------------


def test_the_csv_holds_the_filtered_rows_and_names_the_period(signed_in_editor, reading):
    # given a page title a spreadsheet would read as a formula
    reading["video"].title = "=HYPERLINK(1)"
    reading["video"].save()
    # when the editor downloads the Russian report of the last 90 days
    response = signed_in_editor.get(reverse(CSV), {"period": "90", "language": "ru"})
    # then
    start = today() - timedelta(days=89)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="most-read-{start:%Y%m%d}-{today():%Y%m%d}.csv"'
    )
    assert csv_lines(response) == [
        [
            "Page ID",
            "Page",
            "Page type",
            "Language code",
            "Language",
            "Views",
            "Share of the language's views (%)",
        ],
        [str(reading["article"].pk), "Почему вербовщики лгут", "Article", "ru", "Russian", "106", "96.4"],
        [str(reading["video"].pk), "'=HYPERLINK(1)", "Video", "ru", "Russian", "3", "2.7"],
        [str(reading["help"].pk), "Помощь", "Help page", "ru", "Russian", "1", "0.9"],
    ]


def test_the_csv_link_of_the_report_gives_the_same_rows(signed_in_editor, reading):
    # given the report filtered by a date range
    day = (today() - timedelta(days=3)).isoformat()
    _totals, _rows, html = report(signed_in_editor, period="range", date_from=day, date_to=day)
    href = BeautifulSoup(html, "html.parser").find(id="reading-csv")["href"]
    # when
    response = signed_in_editor.get(href)
    # then
    assert csv_lines(response)[1:] == [
        [str(reading["english"].pk), "Why recruiters lie", "Article", "en", "English", "2", "100.0"]
    ]
    stamp = day.replace("-", "")
    assert response["Content-Disposition"] == f'attachment; filename="most-read-{stamp}-{stamp}.csv"'


def test_the_csv_of_a_bad_range_is_the_default_report(signed_in_editor, reading):
    response = signed_in_editor.get(
        reverse(CSV), {"period": "range", "date_from": today().isoformat(), "date_to": "2000-01-01"}
    )
    start = today() - timedelta(days=29)
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="most-read-{start:%Y%m%d}-{today():%Y%m%d}.csv"'
    )
    assert [line[1] for line in csv_lines(response)[1:]] == [row[0] for row in DEFAULT_ROWS]


# --- Who may open it -----------------------------------------------------------------------------------

# Each role as the groups its user belongs to; None is a visitor who has not signed in.
ROLES: dict[str, list[str] | None] = {
    "anonymous": None,
    "no role": [],
    **{role: [role] for role in GROUP_PERMISSIONS},
    **{name: [name] for name in TRANSLATOR_GROUPS.values()},
    HELPLINE: [HELPLINE],
}
# Whoever may write or publish pages (cms.permissions.can_view_editorial_reports): editors,
# publishers and every translator; superusers too (below). Every other role, a role added to
# GROUP_PERMISSIONS later included, is refused.
ALLOWED = {EDITOR, PUBLISHER, *TRANSLATOR_GROUPS.values()}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_allowed_or_refused_the_report_and_its_csv(client, reading, role):
    # given
    groups = ROLES[role]
    user = None
    if groups is not None:
        user = UserFactory(groups=groups)
        client.force_login(user)
    for url in (reverse(REPORT), reverse(CSV)):
        # when
        response = client.get(url)
        # then
        if role in ALLOWED:
            assert response.status_code == 200, f"{role} at {url}"
        elif groups:
            # refused as Wagtail refuses: back to the dashboard with a "no permission" message
            assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home")), role
        else:
            assert response.status_code == 302, f"{role} at {url}"
            assert response["Location"].startswith(reverse("wagtailadmin_login")), f"{role} at {url}"
    # and the menu offers the report to exactly those it lets in
    if user is not None:
        request = RequestFactory().get("/admin/")
        request.user = user
        assert register_reading_report_menu_item().is_shown(request) is (role in ALLOWED), role


def test_a_superuser_may_open_the_report_and_its_csv(client, reading):
    client.force_login(UserFactory(superuser=True))
    assert client.get(reverse(REPORT)).status_code == 200
    assert client.get(reverse(CSV)).status_code == 200


# --- Query budget --------------------------------------------------------------------------------------


def grow_reads(homes):
    def grow():
        for index in range(12):
            language = ("ru", "en", "kk")[index % 3]
            page = article_add(home=homes[language])
            for days_ago in range(5):
                reads(page, language, index + 1, days_ago=days_ago)

    return grow


def test_the_report_costs_the_same_queries_however_many_pages_and_days_it_sums(
    signed_in_editor, reading, homes
):
    url = reverse(REPORT)
    signed_in_editor.get(url)
    # session, user, second factor, user's and groups' permissions, admin profile, page permissions;
    # topics and audiences (the form's choices), totals per language, count of rows, one page of rows;
    # the admin menu's locales, collection and page permissions
    assert_queries_constant(
        lambda: signed_in_editor.get(url, {"period": "90"}), grow_reads(homes), expected=15
    )


def test_the_report_with_every_filter_costs_the_same_queries(signed_in_editor, reading, homes):
    url = reverse(REPORT)
    params = {
        "period": "365",
        "language": "ru",
        "page_type": "cms.articlepage",
        "topic": str(reading["topic"].translation_key),
        "audience": str(reading["parents"].translation_key),
    }
    signed_in_editor.get(url, params)
    assert_queries_constant(lambda: signed_in_editor.get(url, params), grow_reads(homes), expected=15)


def test_the_csv_costs_the_same_queries_however_many_rows_it_holds(signed_in_editor, reading, homes):
    url = reverse(CSV)
    # session, user, second factor, user's and groups' permissions, admin profile, page permissions;
    # topics and audiences (the form's choices), totals per language, every row
    assert_queries_constant(lambda: b"".join(signed_in_editor.get(url)), grow_reads(homes), expected=11)
