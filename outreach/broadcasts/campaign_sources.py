"""The outreach figures of joint programmes' automatic indicators, registered with
outreach.campaigns.sources when this app loads (BroadcastsConfig.ready imports this module):

- "outreach_deliveries": messages delivered by the broadcasts of a campaign, each recipient and
  channel once (an email to a subscriber, a post to a channel), per language;
- "outreach_unsubscribes": subscribers who left within UNSUBSCRIBE_WINDOW after receiving one.

A campaign counts only over the days it ran within the period (campaign_days), by the day a message
was sent on the platform's clock (settings.TIME_ZONE). Counts only: nothing about any subscriber
leaves these queries.

It also lists a campaign's broadcasts among the campaign's assets (outreach.campaigns.assets)."""

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from outreach.audiences.models import Subscriber
from outreach.campaigns.assets import Asset, campaign_assets_register
from outreach.campaigns.models import Campaign, Indicator, ReportingPeriod
from outreach.campaigns.sources import (
    Figure,
    campaign_days,
    campaigns_phrase,
    figures_by_language,
    source_register,
)

from .models import Broadcast, Delivery
from .permissions import can_view_broadcast

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
    return figures_by_language(
        total,
        languages,
        value="count",
        detail=lambda row, codes: _deliveries_detail(
            count=row["count"],
            subscribers=row["subscribers"],
            posts=row["posts"],
            languages=codes,
            campaigns=named,
            dates=dates,
        ),
    )


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


def campaign_sends(campaign: Campaign, user: Any) -> list[Asset]:
    """The campaign's broadcasts, newest first, each with its state and how many messages it
    delivered (fewer than OUTREACH_MIN_GROUP_SIZE shown as such); linked for those who may open it."""
    broadcasts = list(
        Broadcast.objects.filter(campaign=campaign)
        .annotate(sent=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.SENT)))
        .order_by("-send_at", "-pk")
    )
    may_open = can_view_broadcast(user)
    minimum = settings.OUTREACH_MIN_GROUP_SIZE
    assets = []
    for broadcast in broadcasts:
        if broadcast.sent and broadcast.sent < minimum:
            sent = _("fewer than %(minimum)s delivered") % {"minimum": minimum}
        else:
            sent = ngettext("%(count)s delivered", "%(count)s delivered", broadcast.sent) % {
                "count": f"{broadcast.sent:,}"
            }
        when = date_format(timezone.localtime(broadcast.send_at), "DATE_FORMAT") if broadcast.send_at else "—"
        assets.append(
            Asset(
                kind="broadcast",
                title=broadcast.name,
                detail=f"{broadcast.get_status_display()} · {when} · {sent}",
                url=reverse("outreach_broadcasts:inspect", args=[broadcast.pk]) if may_open else "",
            )
        )
    return assets


campaign_assets_register(campaign_sends)
