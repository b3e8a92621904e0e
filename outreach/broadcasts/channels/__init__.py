"""The channels a broadcast can use, behind one interface. The pipeline knows only `Channel`: adding
a channel is a class here (or anywhere) named in settings.OUTREACH_CHANNELS, never a change to the
pipeline.

A channel either reaches each subscriber (email) or posts once per broadcast to each of its
ChannelTargets in the target's language (a Telegram channel)."""

from abc import ABC, abstractmethod
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Outgoing:
    """One message ready for a channel: addressed, in its language, with the recipient's own links
    filled in. `message_id` is the same on every attempt of the same delivery."""

    delivery_id: int
    address: str
    language: str
    subject: str
    text: str
    html: str
    message_id: str
    unsubscribe_url: str = ""
    headers: dict[str, str] = field(default_factory=dict)


class DeliveryError(Exception):
    """A channel could not deliver. `code` is short and never quotes the address (e.g. "smtp-550")."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class PermanentFailure(DeliveryError):
    """The provider refused this recipient for good: recorded as failed, never retried. With
    `address_invalid`, the address itself does not exist (e.g. SMTP 550 5.1.1): it is suppressed,
    as a bounce reported later by webhook would be."""

    def __init__(self, code: str, *, address_invalid: bool = False) -> None:
        super().__init__(code)
        self.address_invalid = address_invalid


class TemporaryFailure(DeliveryError):
    """The provider could not take it now: the delivery is queued again with a back-off."""


class ProviderThrottled(TemporaryFailure):
    """The provider asked us to slow down: the whole channel holds off for `retry_after` seconds."""

    def __init__(self, code: str, retry_after: float) -> None:
        super().__init__(code)
        self.retry_after = retry_after


class Session(ABC):
    """An open connection to the provider for one chunk of deliveries."""

    @abstractmethod
    def send(self, outgoing: Outgoing) -> str:
        """Deliver one message; the provider's id for it (or ""). Raises a DeliveryError."""


class Channel(ABC):
    key: str = ""
    label: Any = ""
    # True: one delivery per subscriber; False: one per active ChannelTarget of the channel.
    per_subscriber: bool = True

    def rate_per_second(self) -> float:
        """The most deliveries per second across all workers (settings.OUTREACH_CHANNEL_RATES)."""
        return float(settings.OUTREACH_CHANNEL_RATES.get(self.key, settings.OUTREACH_DEFAULT_CHANNEL_RATE))

    @abstractmethod
    def session(self) -> AbstractContextManager[Session]:
        """A session for one chunk, closed when the chunk is done (a @contextmanager)."""


@cache
def _channels() -> dict[str, Channel]:
    channels: dict[str, Channel] = {}
    for path in settings.OUTREACH_CHANNELS:
        channel = import_string(path)()
        channels[channel.key] = channel
    return channels


def channel_keys() -> list[str]:
    return list(_channels())


def channel_get(key: str) -> Channel:
    """The channel named `key`; KeyError for a channel this platform does not have."""
    return _channels()[key]


def channel_choices() -> list[tuple[str, Any]]:
    return [(key, channel.label) for key, channel in _channels().items()]


def channels_clear() -> None:
    """Forget the loaded channels (tests that change settings.OUTREACH_CHANNELS)."""
    _channels.cache_clear()
