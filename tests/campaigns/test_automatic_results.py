"""Indicators the platform fills in itself: reads of a campaign's pages per language and help requests
sent from its landing pages, counted over each campaign's days in each begun period, stored as results
that say exactly what was counted; a source not available yet leaves its indicators untouched."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from wagtail_localize.fields import SynchronizedField, get_translatable_fields
from wagtail_localize.models import TranslationSource

from cms.analytics import PageViewCount
from cms.pages.kinds import CampaignLandingPage
from outreach.campaigns.models import Indicator, Result
from outreach.campaigns.sources import automatic_results_refresh, source_register
from outreach.helpline.models import HelpRequest
from tests.factories.campaigns import (
    CampaignFactory,
    IndicatorFactory,
    JointProgrammeFactory,
    ReportingPeriodFactory,
    ResultFactory,
)
from tests.factories.cms import CampaignLandingPageFactory, HelpPageFactory, article_add, translation_add
from tests.factories.users import UserFactory
from tests.queries import assert_queries_constant

pytestmark = pytest.mark.django_db

# 09:00 in Almaty (UTC+5), the site's time zone, in which the detail states when it counted.
NOW = datetime(2026, 11, 26, 4, 0, tzinfo=UTC)
COUNTED = "counted 2026-11-26 09:00 (Asia/Almaty)"


def reads(page, language: str, day: date, views: int) -> None:
    """A day's reading figure for a page in a language, as the site's counter writes it."""
    PageViewCount.objects.create(page=page, language=language, day=day, views=views)


def rows(indicator: Indicator) -> list[tuple]:
    return [
        (result.period.name, result.dimension, result.category, result.value, result.source_detail)
        for result in Result.objects.filter(indicator=indicator).select_related("period")
    ]


def landing_add(home, campaign, **kwargs):
    return article_add(home=home, factory_class=CampaignLandingPageFactory, campaign=campaign, **kwargs)


@pytest.fixture
def programme(db):
    return JointProgrammeFactory(with_periods=True, name="Safe online")


@pytest.fixture
def parents_first(homes, programme):
    """“Parents first” (March to May 2026): a Russian landing page, its Kazakh translation and a
    Russian material."""
    campaign = CampaignFactory(
        programme=programme, name="Parents first", starts_on=date(2026, 3, 1), ends_on=date(2026, 5, 31)
    )
    landing = landing_add(homes["ru"], campaign, slug="parents-first")
    # Found through its translation key: a translation counts even before it carries the campaign.
    landing_kk = translation_add(source=landing, home=homes["kk"])
    material = article_add(home=homes["ru"], slug="first-signs")
    campaign.materials.add(material)
    return {"campaign": campaign, "landing": landing, "landing_kk": landing_kk, "material": material}


def test_reads_of_a_landing_page_its_translation_and_a_material_are_counted_per_language(
    homes, programme, parents_first
):
    # given reads of the campaign's pages within its days, before and after them, and of other pages
    landing, landing_kk, material = (parents_first[key] for key in ("landing", "landing_kk", "material"))
    reads(landing, "ru", date(2026, 3, 1), 100)
    reads(landing, "ru", date(2026, 5, 31), 20)
    reads(landing, "ru", date(2026, 2, 28), 999)  # the day before the campaign
    reads(landing, "ru", date(2026, 6, 1), 999)  # after the campaign, still in the period
    reads(landing_kk, "kk", date(2026, 4, 10), 30)
    reads(landing_kk, "kk-latn", date(2026, 4, 10), 5)
    reads(material, "ru", date(2026, 4, 1), 7)
    reads(material, "ru", date(2026, 7, 5), 50)  # the next period, when no campaign ran
    reads(article_add(home=homes["ru"], slug="unrelated"), "ru", date(2026, 4, 1), 1000)
    by_language = IndicatorFactory(programme=programme, page_views=True, code="OP1.1")
    overall = IndicatorFactory(programme=programme, page_views=True, code="OP1.2", disaggregation=[])

    # when the platform counts on 26 November 2026
    report = automatic_results_refresh(programme=programme, now=NOW)

    # then each begun period has its figure, per language where the indicator asks for it
    of = "of campaign “Parents first”"
    dates = "between 2026-03-01 and 2026-05-31"
    nothing = f"No campaign of the programme ran between 2026-07-01 and 2026-12-31, {COUNTED}"
    assert rows(by_language) == [
        ("2026 H1", "", "", Decimal("162"), f"162 reads of 3 pages {of} in ru, kk, kk-latn {dates}, {COUNTED}"),
        ("2026 H1", "language", "kk", Decimal("30"), f"30 reads of 1 page {of} in kk {dates}, {COUNTED}"),
        ("2026 H1", "language", "kk-latn", Decimal("5"), f"5 reads of 1 page {of} in kk-latn {dates}, {COUNTED}"),
        ("2026 H1", "language", "ru", Decimal("127"), f"127 reads of 2 pages {of} in ru {dates}, {COUNTED}"),
        ("2026 H2", "", "", Decimal("0"), nothing),
    ]  # fmt: skip
    assert rows(overall) == [
        ("2026 H1", "", "", Decimal("162"), f"162 reads of 3 pages {of} in ru, kk, kk-latn {dates}, {COUNTED}"),
        ("2026 H2", "", "", Decimal("0"), nothing),
    ]  # fmt: skip
    assert Result.objects.filter(indicator=by_language).exclude(is_automatic=True).count() == 0
    assert [(line.indicator.code, line.periods, line.note) for line in report] == [
        ("OP1.1", ("2026 H1", "2026 H2"), ""),
        ("OP1.2", ("2026 H1", "2026 H2"), ""),
    ]


def test_each_campaign_counts_over_its_own_days_and_a_shared_material_once(homes, programme):
    # given two campaigns over different days sharing a material
    parents = CampaignFactory(
        programme=programme, name="Parents first", starts_on=date(2026, 3, 1), ends_on=date(2026, 5, 31)
    )
    scholar = CampaignFactory(
        programme=programme, name="Ask a scholar", starts_on=date(2026, 1, 15), ends_on=date(2026, 8, 31)
    )
    parents_landing = landing_add(homes["ru"], parents, slug="parents-first")
    scholar_landing = landing_add(homes["kk"], scholar, slug="ask-a-scholar")
    shared = article_add(home=homes["ru"], slug="first-signs")
    parents.materials.add(shared)
    scholar.materials.add(shared)
    reads(shared, "ru", date(2026, 2, 1), 1200)  # only “Ask a scholar” ran
    reads(shared, "ru", date(2026, 4, 1), 7)  # both ran: counted once
    reads(parents_landing, "ru", date(2026, 4, 2), 3)
    reads(scholar_landing, "kk", date(2026, 1, 14), 50)  # before “Ask a scholar”
    reads(scholar_landing, "kk", date(2026, 7, 20), 40)
    reads(scholar_landing, "kk", date(2026, 9, 1), 60)  # after it
    indicator = IndicatorFactory(programme=programme, page_views=True, code="OP1.1")

    # when the platform counts
    automatic_results_refresh(programme=programme, now=NOW)

    # then the first half-year names each campaign with its own days, the second only the one running
    first = (
        "of campaigns “Ask a scholar” (2026-01-15 – 2026-06-30), “Parents first” (2026-03-01 – 2026-05-31)"
    )
    second = "of campaign “Ask a scholar” in kk between 2026-07-01 and 2026-08-31"
    assert rows(indicator) == [
        ("2026 H1", "", "", Decimal("1210"), f"1,210 reads of 2 pages {first} in ru, {COUNTED}"),
        ("2026 H1", "language", "ru", Decimal("1210"), f"1,210 reads of 2 pages {first} in ru, {COUNTED}"),
        ("2026 H2", "", "", Decimal("40"), f"40 reads of 1 page {second}, {COUNTED}"),
        ("2026 H2", "language", "kk", Decimal("40"), f"40 reads of 1 page {second}, {COUNTED}"),
    ]  # fmt: skip


def test_counting_again_leaves_the_same_rows(programme, parents_first):
    # given figures counted once
    reads(parents_first["landing"], "ru", date(2026, 3, 1), 100)
    reads(parents_first["landing_kk"], "kk", date(2026, 4, 10), 30)
    indicator = IndicatorFactory(programme=programme, page_views=True)
    automatic_results_refresh(programme=programme, now=NOW)
    first = list(Result.objects.filter(indicator=indicator).values_list("pk", "value", "source_detail"))

    # when the platform counts again with nothing new
    automatic_results_refresh(programme=programme, now=NOW)

    # then the same rows hold the same figures
    assert (
        list(Result.objects.filter(indicator=indicator).values_list("pk", "value", "source_detail")) == first
    )
    assert len(first) == 4


def test_a_language_no_longer_counted_loses_its_line(programme, parents_first):
    # given a count with Kazakh reads, which later turn out to be outside what is counted
    reads(parents_first["landing"], "ru", date(2026, 3, 1), 100)
    reads(parents_first["landing_kk"], "kk", date(2026, 4, 10), 30)
    indicator = IndicatorFactory(programme=programme, page_views=True)
    automatic_results_refresh(programme=programme, now=NOW)
    assert ("2026 H1", "language", "kk") in [row[:3] for row in rows(indicator)]
    parents_first["landing_kk"].delete()

    # when the platform counts again
    automatic_results_refresh(programme=programme, now=NOW)

    # then the Kazakh line is gone and the total follows
    assert [row[:4] for row in rows(indicator)] == [
        ("2026 H1", "", "", Decimal("100")),
        ("2026 H1", "language", "ru", Decimal("100")),
        ("2026 H2", "", "", Decimal("0")),
    ]


def test_periods_that_have_not_begun_are_not_counted(programme, parents_first):
    indicator = IndicatorFactory(programme=programme, page_views=True, disaggregation=[])
    automatic_results_refresh(programme=programme, now=datetime(2026, 6, 30, 18, 59, tzinfo=UTC))
    # 23:59 on 30 June in Almaty: the second half-year has not begun
    assert [row[:4] for row in rows(indicator)] == [("2026 H1", "", "", Decimal("0"))]


def test_indicators_entered_by_hand_are_untouched(programme, parents_first):
    # given a manual indicator with a result entered by a manager
    reads(parents_first["landing"], "ru", date(2026, 3, 1), 100)
    manual = IndicatorFactory(programme=programme, code="OC1.1")
    period = programme.periods.get(name="2026 H1")
    entered = ResultFactory(indicator=manual, period=period, value=Decimal("640"), entered_by=UserFactory())
    before = list(Result.objects.filter(indicator=manual).values())

    # when the platform counts
    report = automatic_results_refresh(programme=programme, now=NOW)

    # then the manual indicator is not in the report and its result is exactly as entered
    assert report == []
    assert list(Result.objects.filter(indicator=manual).values()) == before
    assert Result.objects.get(pk=entered.pk).value == Decimal("640")


def test_a_source_not_available_yet_is_reported_and_its_indicators_untouched(
    programme, parents_first, monkeypatch
):
    # given a platform where nothing counts outreach (its app not installed, so its sources are not
    # registered), indicators counting outreach deliveries and unsubscribes, one holding an earlier
    # figure, and one counting page reads
    from outreach.campaigns import sources

    for key in (Indicator.Source.OUTREACH_DELIVERIES, Indicator.Source.OUTREACH_UNSUBSCRIBES):
        monkeypatch.delitem(sources._sources, key)
    deliveries = IndicatorFactory(
        programme=programme, code="OP2.1", source=Indicator.Source.OUTREACH_DELIVERIES, unit="count"
    )
    unsubscribes = IndicatorFactory(
        programme=programme, code="OP2.2", source=Indicator.Source.OUTREACH_UNSUBSCRIBES, unit="count"
    )
    earlier = ResultFactory(
        indicator=deliveries,
        period=programme.periods.get(name="2026 H1"),
        value=Decimal("5"),
        is_automatic=True,
        source_detail="counted before",
        evidence_note="",
    )
    before = list(Result.objects.filter(indicator__in=[deliveries, unsubscribes]).values())
    IndicatorFactory(programme=programme, code="OP1.1", page_views=True)

    # when the platform counts
    report = automatic_results_refresh(programme=programme, now=NOW)

    # then those two are reported not available yet and left as they were
    assert [(line.indicator.code, line.periods, line.note) for line in report] == [
        ("OP1.1", ("2026 H1", "2026 H2"), ""),
        ("OP2.1", (), "not available yet"),
        ("OP2.2", (), "not available yet"),
    ]
    assert list(Result.objects.filter(indicator__in=[deliveries, unsubscribes]).values()) == before
    assert Result.objects.get(pk=earlier.pk).value == Decimal("5")


def test_only_sources_the_platform_counts_can_be_registered():
    for key in ("manual", "tweets"):
        with pytest.raises(ValueError, match=f"'{key}' is not a source of figures the platform counts"):
            source_register(key, lambda campaigns, period: [])


def help_request_through_the_site(client, landing_path: str) -> None:
    """Read a landing page, follow its call to action and send the help form, as a browser without
    JavaScript does: the link and the form's own fields carry everything."""
    landing = BeautifulSoup(client.get(landing_path).content, "html.parser")
    help_path = landing.select_one("a.button")["href"]
    form = BeautifulSoup(client.get(help_path).content, "html.parser").select_one(".help-form form")
    data = {field["name"]: field.get("value", "") for field in form.select("input[type=hidden]")}
    data.update({"who": "family", "message": "Мой сын перестал разговаривать с нами.", "contact": ""})
    response = client.post(form["action"], data)
    assert response.status_code == 200
    assert BeautifulSoup(response.content, "html.parser").select_one(".notice-success") is not None


def test_help_requests_sent_from_a_campaigns_landing_pages_are_counted(client, homes):
    # given a campaign running now, with a landing page in Russian and its Kazakh translation whose
    # call to action leads to the help page
    today = timezone.localdate()
    programme = JointProgrammeFactory(
        starts_on=today - timedelta(days=100), ends_on=today + timedelta(days=300)
    )
    period = ReportingPeriodFactory(
        programme=programme,
        name="Now",
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=30),
    )
    campaign = CampaignFactory(
        programme=programme,
        name="Ask a scholar",
        starts_on=today - timedelta(days=5),
        ends_on=today + timedelta(days=5),
    )
    help_page = HelpPageFactory(parent=homes["ru"], locale=homes["ru"].locale)
    cta = {"call_to_action": "Write to us", "call_to_action_page": help_page}
    landing = landing_add(homes["ru"], campaign, slug="ask-a-scholar", **cta)
    translation_add(source=landing, home=homes["kk"], campaign=campaign, **cta)
    other_programme = CampaignFactory(name="Elsewhere", starts_on=today, ends_on=today)
    landing_add(homes["ru"], other_programme, slug="elsewhere", **cta)
    indicator = IndicatorFactory(programme=programme, help_requests=True, code="OC2.1")

    # when people write after reading either landing page, one after another campaign's page, and
    # one straight from the help page
    help_request_through_the_site(client, "/ru/ask-a-scholar/")
    help_request_through_the_site(client, "/kk/ask-a-scholar/")
    help_request_through_the_site(client, "/ru/elsewhere/")
    client.post(
        "/ru/help-request/", {"who": "self", "message": "Как выйти?", "contact": "", "page": help_page.pk}
    )
    assert HelpRequest.objects.count() == 4
    now = timezone.now()
    automatic_results_refresh(programme=programme, now=now)

    # then the two from this campaign's pages are its figure for the period
    start, end = (today - timedelta(days=5)).isoformat(), (today + timedelta(days=5)).isoformat()
    counted = f"counted {timezone.localtime(now):%Y-%m-%d %H:%M} (Asia/Almaty)"
    assert rows(indicator) == [
        (
            period.name,
            "",
            "",
            Decimal("2"),
            "2 help requests sent from the landing pages of campaign “Ask a scholar” "
            f"between {start} and {end}, {counted}",
        )
    ]


def test_a_translation_keeps_its_landing_pages_campaign(homes, programme):
    # given a Russian landing page of a campaign
    campaign = CampaignFactory(programme=programme, name="Parents first")
    landing = landing_add(homes["ru"], campaign, slug="parents-first")

    # when it is translated into Kazakh through wagtail-localize, and later moved to another campaign
    source, _created = TranslationSource.get_or_create_from_instance(landing)
    source.create_or_update_translation(homes["kk"].locale, fallback=True)
    kazakh = CampaignLandingPage.objects.get(
        translation_key=landing.translation_key, locale=homes["kk"].locale
    )
    kept = kazakh.campaign
    other = CampaignFactory(programme=programme, name="Ask a scholar")
    landing.campaign = other
    landing.save_revision().publish()
    source.update_from_db()
    source.create_or_update_translation(homes["kk"].locale, fallback=True)

    # then the translation follows its source's campaign, which translators cannot override
    assert kept == campaign
    assert CampaignLandingPage.objects.get(pk=kazakh.pk).campaign == other
    campaign_field = next(
        field for field in get_translatable_fields(CampaignLandingPage) if field.field_name == "campaign"
    )
    assert isinstance(campaign_field, SynchronizedField)
    assert campaign_field.is_overridable(landing) is False


def test_the_landing_page_editor_offers_the_campaign():
    form_class = CampaignLandingPage.get_edit_handler().get_form_class()
    assert "campaign" in form_class.base_fields


def test_counting_costs_the_same_queries_as_pages_reads_and_requests_grow(homes, programme, parents_first):
    # given a programme counting reads per language and help requests
    IndicatorFactory(programme=programme, page_views=True, code="OP1.1")
    IndicatorFactory(programme=programme, help_requests=True, code="OC2.1")
    reads(parents_first["landing"], "ru", date(2026, 3, 1), 100)
    reads(parents_first["landing_kk"], "kk", date(2026, 4, 10), 30)
    automatic_results_refresh(programme=programme, now=NOW)

    def grow() -> None:
        for number in range(5):
            campaign = CampaignFactory(
                programme=programme, starts_on=date(2026, 3, 1), ends_on=date(2026, 5, 31)
            )
            page = landing_add(homes["ru"], campaign, slug=f"more-{number}")
            campaign.materials.add(article_add(home=homes["ru"], slug=f"material-{number}"))
            reads(page, "ru", date(2026, 3, 2), 3)
            HelpRequest.objects.create(who="family", message="…", language="ru", referring_page=page)

    # when it grows by campaigns, pages, reads and requests, counting costs the same queries:
    # 6: savepoint and its release, lock the programme, its indicators, periods and campaigns;
    # 3 to count requests in H1 (landing pages, their translations, the count) and 5 to count reads
    # (landing pages, materials, translations, per language, total); none for H2, where no campaign
    # ran; 6 per stored line (two savepoints and releases, lookup, update) for 6 lines (requests:
    # H1, H2; reads: H1 total, kk, ru, H2) and 1 stale-line check per indicator and period (4).
    # 6 + 3 + 5 + 36 + 4 = 54
    assert_queries_constant(
        lambda: automatic_results_refresh(programme=programme, now=NOW), grow, expected=54
    )
