"""A campaign's assets that other apps hold: outreach sends (outreach.broadcasts) today. Each app
registers a provider here, as the automatic figures' sources do (sources.py), so this app never
imports the apps that build on it."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .models import Campaign


@dataclass(frozen=True)
class Asset:
    """One asset as a campaign's page lists it: what it is, a line about it, and where to open it
    ("" when the user may not)."""

    kind: str
    title: str
    detail: str
    url: str


AssetProvider = Callable[[Campaign, Any], list[Asset]]

_providers: list[AssetProvider] = []


def campaign_assets_register(provider: AssetProvider) -> None:
    """Add `provider(campaign, user)` to what a campaign's page lists; registering again adds nothing."""
    if provider not in _providers:
        _providers.append(provider)


def campaign_assets(*, campaign: Campaign, user: Any) -> list[Asset]:
    """Every registered provider's assets of the campaign, as `user` may see them."""
    return [asset for provider in _providers for asset in provider(campaign, user)]
