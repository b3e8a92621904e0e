"""The campaign figures only the public site can count, registered with outreach.campaigns.sources
(a domain app never imports the CMS, so the CMS brings its counters to it):

- "page_views": reads of a campaign's landing pages and materials, in every translation, per
  language, from the privacy-preserving daily counts (cms.analytics.PageViewCount);
- "help_requests": help requests sent from a campaign's landing pages (HelpRequest.referring_page).

A campaign counts only over the days it ran within the period (outreach.campaigns.sources.campaign_days)."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from uuid import UUID

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import Page

from cms.analytics import PageViewCount
from cms.pages.kinds import CampaignLandingPage
from outreach.campaigns.models import Campaign, Indicator, ReportingPeriod
from outreach.campaigns.sources import (
    Figure,
    campaign_days,
    campaigns_phrase,
    figures_by_language,
    source_register,
)
from outreach.helpline.models import HelpRequest


def sources_register() -> None:
    """Register the CMS's counters (called from CmsConfig.ready, so workers have them too)."""
    source_register(Indicator.Source.PAGE_VIEWS, page_views_count)
    source_register(Indicator.Source.HELP_REQUESTS, help_requests_count)


def _pages_by_campaign(campaigns: Sequence[Campaign], *, with_materials: bool) -> dict[int, set[int]]:
    """Campaign id → ids of its landing pages (and materials), with every translation of each."""
    keys: dict[int, set[UUID]] = defaultdict(set)
    landing_pages = CampaignLandingPage.objects.filter(campaign__in=campaigns)
    for campaign_id, key in landing_pages.values_list("campaign_id", "translation_key"):
        keys[campaign_id].add(key)
    if with_materials:
        materials = Campaign.materials.through.objects.filter(campaign__in=campaigns)
        for campaign_id, key in materials.values_list("campaign_id", "page__translation_key"):
            keys[campaign_id].add(key)
    pages_by_key: dict[UUID, set[int]] = defaultdict(set)
    all_keys = {key for campaign_keys in keys.values() for key in campaign_keys}
    for page_id, key in Page.objects.filter(translation_key__in=all_keys).values_list(
        "pk", "translation_key"
    ):
        pages_by_key[key].add(page_id)
    return {
        campaign.pk: {page_id for key in keys[campaign.pk] for page_id in pages_by_key[key]}
        for campaign in campaigns
    }


def _during_campaigns(
    campaigns: Sequence[Campaign],
    period: ReportingPeriod,
    pages: dict[int, set[int]],
    *,
    page_field: str,
    day_field: str,
) -> Q:
    """Rows about a campaign's pages on the days it ran in the period; a row two campaigns share
    matches once."""
    condition = Q(pk__in=[])
    for campaign in campaigns:
        if pages[campaign.pk]:
            condition |= Q(
                **{
                    f"{page_field}__in": pages[campaign.pk],
                    f"{day_field}__range": campaign_days(campaign, period),
                }
            )
    return condition


def _reads_detail(*, reads: int, pages: int, languages: Iterable[str], campaigns: str, dates: str) -> str:
    parts = [ngettext("%(count)s read", "%(count)s reads", reads) % {"count": f"{reads:,}"}]
    if pages:
        parts.append(ngettext("of %(count)s page", "of %(count)s pages", pages) % {"count": f"{pages:,}"})
        parts.append(_("of %(campaigns)s") % {"campaigns": campaigns})
    else:
        parts.append(_("of the pages of %(campaigns)s") % {"campaigns": campaigns})
    languages = list(languages)
    if languages:
        parts.append(_("in %(languages)s") % {"languages": ", ".join(languages)})
    if dates:
        parts.append(dates)
    return " ".join(parts)


def page_views_count(campaigns: Sequence[Campaign], period: ReportingPeriod) -> list[Figure]:
    """Reads of the campaigns' landing pages and materials, all their translations: the total and
    one line per language read in, most read first."""
    pages = _pages_by_campaign(campaigns, with_materials=True)
    rows = PageViewCount.objects.filter(
        _during_campaigns(campaigns, period, pages, page_field="page_id", day_field="day")
    )
    languages = list(
        rows.values("language")
        .annotate(reads=Sum("views"), pages=Count("page_id", distinct=True))
        .order_by("-reads", "language")
    )
    total = rows.aggregate(reads=Sum("views"), pages=Count("page_id", distinct=True))
    named, dates = campaigns_phrase(campaigns, period)
    return figures_by_language(
        total,
        languages,
        value="reads",
        detail=lambda row, codes: _reads_detail(
            reads=row["reads"] or 0, pages=row["pages"], languages=codes, campaigns=named, dates=dates
        ),
    )


def help_requests_count(campaigns: Sequence[Campaign], period: ReportingPeriod) -> list[Figure]:
    """Help requests sent after following a campaign landing page's call to action (any translation of
    the page): the total only. Help requests are confidential and few, so no breakdown is offered
    that could point at one person."""
    pages = _pages_by_campaign(campaigns, with_materials=False)
    # A count and nothing else leaves the table: no field of any request is read.
    requests = HelpRequest.objects.filter(
        _during_campaigns(
            campaigns, period, pages, page_field="referring_page_id", day_field="created_at__date"
        )
    ).count()
    named, dates = campaigns_phrase(campaigns, period)
    parts = [
        ngettext("%(count)s help request", "%(count)s help requests", requests) % {"count": f"{requests:,}"},
        _("sent from the landing pages of %(campaigns)s") % {"campaigns": named},
    ]
    if dates:
        parts.append(dates)
    return [Figure(dimension="", category="", value=requests, detail=" ".join(parts))]
