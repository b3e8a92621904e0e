"""Signed links for subscribers: confirm, preferences and unsubscribe.

A link carries only the subscriber's random key, signed with SECRET_KEY and a salt per purpose (a
confirmation link cannot be used to unsubscribe, nor the other way round) and stamped with the time
it was made, so that it expires: never the address, the topics or a row id."""

import datetime
import uuid

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from outreach.core.exceptions import ApplicationError

from .models import Subscriber

CONFIRM = "confirm"
PREFERENCES = "preferences"
UNSUBSCRIBE = "unsubscribe"
PURPOSES = (CONFIRM, PREFERENCES, UNSUBSCRIBE)

# The URL paths the CMS routes (inside i18n_patterns, so each starts with the language).
PATHS = {
    CONFIRM: "/{language}/subscription/confirm/{token}/",
    PREFERENCES: "/{language}/subscription/preferences/{token}/",
    UNSUBSCRIBE: "/{language}/subscription/unsubscribe/{token}/",
}

EXPIRED = {
    CONFIRM: _(
        "This confirmation link has expired. Please fill in the subscription form again and we will "
        "send you a new one."
    ),
    PREFERENCES: _(
        "This link to your subscription settings has expired. Fill in the subscription form again "
        "with the same address and we will send you a new one."
    ),
    UNSUBSCRIBE: _("This unsubscribe link has expired. Please use the link in a more recent email."),
}
INVALID = _("This link is not valid. Please check that you copied all of it from the email.")
UNKNOWN = _("This link is no longer valid. Please fill in the subscription form again.")


def _signer(purpose: str) -> signing.TimestampSigner:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    return signing.TimestampSigner(salt=f"outreach.audiences.{purpose}")


def _max_age(purpose: str) -> datetime.timedelta | None:
    days = {
        CONFIRM: settings.SUBSCRIPTION_CONFIRM_MAX_AGE_DAYS,
        PREFERENCES: settings.SUBSCRIPTION_PREFERENCES_MAX_AGE_DAYS,
        UNSUBSCRIBE: settings.SUBSCRIPTION_UNSUBSCRIBE_MAX_AGE_DAYS,
    }[purpose]
    return None if days is None else datetime.timedelta(days=days)


def subscriber_token_make(*, subscriber: Subscriber, purpose: str) -> str:
    """A signed, expiring token for `purpose` naming only the subscriber's random key."""
    return _signer(purpose).sign(subscriber.key.hex)


def subscriber_key_from_token(*, token: str, purpose: str) -> uuid.UUID:
    """The subscriber key a token names; ApplicationError (extra["reason"] "expired" or "invalid")
    when it has expired, was tampered with or was made for another purpose."""
    try:
        value = _signer(purpose).unsign(str(token or ""), max_age=_max_age(purpose))
        return uuid.UUID(hex=value)
    except signing.SignatureExpired:
        raise ApplicationError(EXPIRED[purpose], extra={"reason": "expired"}) from None
    except (signing.BadSignature, ValueError):
        raise ApplicationError(INVALID, extra={"reason": "invalid"}) from None


def subscription_links(*, subscriber: Subscriber, language: str) -> dict[str, str]:
    """Absolute confirm, preferences and unsubscribe links for the subscriber, on the public site
    (PUBLIC_BASE_URL) in `language` (the subscriber's own when it is not a site language)."""
    if language not in dict(settings.LANGUAGES):
        language = subscriber.language
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    return {
        purpose: base
        + PATHS[purpose].format(
            language=language, token=subscriber_token_make(subscriber=subscriber, purpose=purpose)
        )
        for purpose in PURPOSES
    }
