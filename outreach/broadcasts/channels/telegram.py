"""Posts to Telegram channels and groups through the Bot API (https://core.telegram.org/bots/api):
one post per broadcast to each active ChannelTarget of the channel, in the target's language. The
bot must be an administrator of the channel; a target's address is its chat id ("-100…") or its
public name ("@name").

The bot token is part of every request's URL, so it is never logged and never part of an error:
the exceptions of `requests` quote the URL, hence every `raise … from None` below."""

import contextlib
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ..rendering import PREFERENCES_MARK, UNSUBSCRIBE_MARK
from . import Channel, Outgoing, PermanentFailure, ProviderThrottled, Session, TemporaryFailure

logger = logging.getLogger(__name__)

# sendMessage takes 1–4096 characters of text; Telegram counts them in UTF-16 code units.
TEXT_LIMIT = 4096
ELLIPSIS = "…"
URL = re.compile(r"https?://\S+")
# Answers that mean the bot itself is not set up (a wrong or revoked token): fixing the settings
# fixes every post, so they are retried like a missing token rather than failed for good.
CONFIGURATION_STATUSES = {401, 404}


class TokenRedactingFilter(logging.Filter):
    """urllib3 logs every request's URL at DEBUG level, and a Bot API URL holds the bot token: the
    token is replaced before any handler sees the record, whatever the logging settings."""

    TOKEN = re.compile(r"/bot\d+:[\w-]+")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/bot" in message:
            record.msg, record.args = self.TOKEN.sub("/bot<token>", message), None
        return True


def _redact_urllib3_logs() -> None:
    urllib3_logger = logging.getLogger("urllib3.connectionpool")
    if not any(isinstance(existing, TokenRedactingFilter) for existing in urllib3_logger.filters):
        urllib3_logger.addFilter(TokenRedactingFilter())


_redact_urllib3_logs()


def _length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _cut(line: str, room: int) -> str:
    """`line` shortened to at most `room` characters (UTF-16) with its ellipsis, at a word boundary
    unless that would lose more than half of it; "" when there is no room."""
    room -= len(ELLIPSIS)
    if room <= 0:
        return ""
    # Slicing the UTF-16 form and dropping a half surrogate pair never splits a character.
    cut = line.encode("utf-16-le")[: room * 2].decode("utf-16-le", errors="ignore")
    if len(cut) < len(line) and not line[len(cut)].isspace():
        space = cut.rfind(" ")
        if space > len(cut) // 2:
            cut = cut[:space]
    return cut.rstrip(" ,;:.-\u2013\u2014") + ELLIPSIS


def post_text(text: str, *, limit: int = TEXT_LIMIT) -> str:
    """The text of a channel post made from a broadcast's plain text: without the subscription
    footer (a channel's readers have no subscription to change), and when too long for one post,
    cut after the last whole line that fits with an ellipsis while every line with a link is kept."""
    lines = [line for line in text.strip().splitlines() if UNSUBSCRIBE_MARK not in line]
    lines = [line for line in lines if PREFERENCES_MARK not in line]
    # Without the footer, the "--" line that introduced it would end the post.
    while lines and lines[-1].strip() in {"", "--"}:
        lines.pop()
    text = "\n".join(lines)
    if _length(text) <= limit:
        return text
    links = {index for index, line in enumerate(lines) if URL.search(line)}
    reserved = sum(_length(lines[index]) + 1 for index in links)
    if reserved > limit // 2:
        # Mostly links: keeping them all would leave no room for the text they belong to.
        links, reserved = set(), 0
    room = limit - reserved
    kept: list[str] = []
    full = False
    for index, line in enumerate(lines):
        if index in links:
            kept.append(line)
            continue
        if full:
            continue
        cost = _length(line) + 1
        if cost <= room - len(ELLIPSIS) - 1:
            kept.append(line)
            room -= cost
            continue
        # Each whole line kept left room for this one: at least an ellipsis and its newline.
        full = True
        kept.append(_cut(line, room - 1) or ELLIPSIS)
    result = "\n".join(kept).strip()
    if _length(result) > limit:  # a safety net for pathological input (one enormous link line)
        result = _cut(result, limit)
    return result


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


class TelegramSession(Session):
    def __init__(self, http: requests.Session, url: str) -> None:
        self.http = http
        self.url = url

    def send(self, outgoing: Outgoing) -> str:
        if not self.url:
            # Temporary, not permanent: a missing token is this platform's setting, not the target's
            # fault, and takes a minute to fix. The post is retried with the usual growing back-off
            # and recorded as failed ("telegram-no-token") only once its attempts are used up.
            raise TemporaryFailure("telegram-no-token")
        payload = {
            "chat_id": outgoing.address,
            "text": post_text(outgoing.text),
            # A post lists several links; a preview would show only the first as if it were the post.
            "link_preview_options": {"is_disabled": True},
        }
        try:
            response = self.http.post(self.url, json=payload, timeout=settings.TELEGRAM_TIMEOUT_SECONDS)
        except requests.Timeout:
            raise TemporaryFailure("telegram-timeout") from None
        except requests.RequestException:
            raise TemporaryFailure("telegram-connection") from None
        status = response.status_code
        body = _json(response)
        if 200 <= status < 300 and body.get("ok"):
            result = body.get("result")
            message_id = result.get("message_id") if isinstance(result, dict) else None
            # Posted even without an id to show for it: sending again would post twice.
            return "" if message_id is None else str(message_id)
        if status == 429:
            parameters = body.get("parameters")
            retry_after = parameters.get("retry_after") if isinstance(parameters, dict) else None
            if not isinstance(retry_after, int | float) or retry_after <= 0:
                retry_after = settings.OUTREACH_THROTTLE_BACKOFF_SECONDS
            raise ProviderThrottled("telegram-429", retry_after=float(retry_after))
        if status in CONFIGURATION_STATUSES:
            raise TemporaryFailure(f"telegram-{status}")
        if 400 <= status < 500:
            # Chat not found, bot not a member or not allowed to post, text refused: the same post to
            # the same target would be refused again.
            raise PermanentFailure(f"telegram-{status}")
        raise TemporaryFailure(f"telegram-{status}")


class TelegramChannel(Channel):
    key = "telegram"
    label = _("Telegram channel")
    per_subscriber = False

    @contextmanager
    def session(self) -> Iterator[Session]:
        token = settings.TELEGRAM_BOT_TOKEN
        url = f"{settings.TELEGRAM_BOT_API_URL.rstrip('/')}/bot{token}/sendMessage" if token else ""
        if not token:
            logger.warning("Telegram posts wait: TELEGRAM_BOT_TOKEN is not set.")
        http = requests.Session()
        try:
            yield TelegramSession(http, url)
        finally:
            with contextlib.suppress(Exception):  # closing pooled connections never matters to a send
                http.close()
