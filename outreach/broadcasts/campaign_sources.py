"""The outreach figures of joint programmes' automatic indicators, registered with
outreach.campaigns.sources when this app loads (BroadcastsConfig.ready imports this module):

- "outreach_deliveries": messages delivered by the broadcasts of a campaign, each recipient and
  channel once (an email to a subscriber, a post to a channel), per language;
- "outreach_unsubscribes": subscribers who left within UNSUBSCRIBE_WINDOW after receiving one.

A campaign counts only over the days it ran within the period (campaign_days), by the day a message
was sent on the platform's clock (settings.TIME_ZONE). Counts only: nothing about any subscriber
leaves these queries."""

from collections.abc import Sequence
from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from outreach.audiences.models import Subscriber
from outreach.campaigns.models import Campaign, Indicator, ReportingPeriod
from outreach.campaigns.sources import Figure, campaign_days, campaigns_phrase, source_register

from .models import Delivery

# How soon after a message leaving counts as leaving because of it.
UNSUBSCRIBE_WINDOW = timedelta(days=7)


def _sent_during_campaigns(campaigns: Sequence[Campaign], period: ReportingPeriod, prefix: str = "") -> Q:
    """Sent deliveries of a campaign's broadcasts on the days it ran in the period."""
    condition = Q(pk__in=[])
    for campaign in campaigns:
        condition |= Q(
            **{
                f"{prefix}broadcast__campaign": campaign,
                f"{prefix}sent_at__date__range": campaign_days(campaign, period),
            }
        )
    return Q(**{f"{prefix}status": Delivery.Status.SENT}) & condition


def _deliveries_detail(
    *, count: int, subscribers: int, posts: int, languages: list[str], campaigns: str, dates: str
) -> str:
    parts = [
        ngettext("%(count)s message delivered", "%(count)s messages delivered", count)
        % {"count": f"{count:,}"},
        "("
        + ngettext("%(count)s to a subscriber", "%(count)s to subscribers", subscribers)
        % {"count": f"{subscribers:,}"}
        + ", "
        + ngettext("%(count)s channel post", "%(count)s channel posts", posts) % {"count": f"{posts:,}"}
        + ")",
        _("by the broadcasts of %(campaigns)s") % {"campaigns": campaigns},
    ]
    if languages:
        parts.append(_("in %(languages)s") % {"languages": ", ".join(languages)})
    if dates:
        parts.append(dates)
    return " ".join(parts)


def deliveries_count(campaigns: Sequence[Campaign], period: ReportingPeriod) -> list[Figure]:
    """Messages the campaigns' broadcasts delivered on their days in the period: the total and one line
    per language they were delivered in, most first."""
    rows = Delivery.objects.filter(_sent_during_campaigns(campaigns, period))
    counts = {
        "count": Count("pk"),
        "subscribers": Count("pk", filter=Q(subscriber_id__isnull=False)),
        "posts": Count("pk", filter=Q(target_id__isnull=False)),
    }
    total = rows.aggregate(**counts)
    languages = list(rows.values("language").annotate(**counts).order_by("-count", "language"))
    named, dates = campaigns_phrase(campaigns, period)
    figures = [
        Figure(
            dimension="",
            category="",
            value=total["count"],
            detail=_deliveries_detail(
                count=total["count"],
                subscribers=total["subscribers"],
                posts=total["posts"],
                languages=[row["language"] for row in languages],
                campaigns=named,
                dates=dates,
            ),
        )
    ]
    figures.extend(
        Figure(
            dimension=Indicator.Dimension.LANGUAGE,
            category=row["language"],
            value=row["count"],
            detail=_deliveries_detail(
                count=row["count"],
                subscribers=row["subscribers"],
                posts=row["posts"],
                languages=[row["language"]],
                campaigns=named,
                dates=dates,
            ),
        )
        for row in languages
    )
    return figures


def unsubscribes_count(campaigns: Sequence[Campaign], period: ReportingPeriod) -> list[Figure]:
    """Subscribers who unsubscribed within UNSUBSCRIBE_WINDOW after a message of the campaigns'
    broadcasts reached them on the campaigns' days in the period, each once: the total only. Few
    people leave, so a breakdown could point at one of them."""
    received_just_before = Delivery.objects.filter(
        _sent_during_campaigns(campaigns, period),
        subscriber_id=OuterRef("pk"),
        sent_at__lte=OuterRef("unsubscribed_at"),
        sent_at__gte=OuterRef("unsubscribed_at") - UNSUBSCRIBE_WINDOW,
    )
    left = (
        Subscriber.objects.filter(unsubscribed_at__isnull=False).filter(Exists(received_just_before)).count()
    )
    named, dates = campaigns_phrase(campaigns, period)
    days = UNSUBSCRIBE_WINDOW.days
    parts = [
        ngettext("%(count)s subscriber unsubscribed", "%(count)s subscribers unsubscribed", left)
        % {"count": f"{left:,}"},
        ngettext(
            "within %(days)s day of receiving a message from the broadcasts of %(campaigns)s",
            "within %(days)s days of receiving a message from the broadcasts of %(campaigns)s",
            days,
        )
        % {"days": days, "campaigns": named},
    ]
    if dates:
        parts.append(_("sent %(dates)s") % {"dates": dates})
    return [Figure(dimension="", category="", value=left, detail=" ".join(parts))]


source_register(Indicator.Source.OUTREACH_DELIVERIES, deliveries_count)
source_register(Indicator.Source.OUTREACH_UNSUBSCRIBES, unsubscribes_count)
