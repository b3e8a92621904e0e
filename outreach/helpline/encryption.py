"""Encryption at rest for help requests: Fernet tokens under a rotating list of keys.

The keys come from settings.HELPLINE_ENCRYPTION_KEYS: the first encrypts, all of them decrypt
(cryptography's MultiFernet). See docs/decisions/0003-encryption-of-help-requests.md.
"""

from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

MISSING_KEYS = (
    "Set the HELPLINE_ENCRYPTION_KEYS environment variable to one or more Fernet keys, comma-separated "
    "(see docs/decisions/0003-encryption-of-help-requests.md)."
)


class DecryptionError(Exception):
    """A stored value could not be decrypted with any configured key (a key was dropped too early)."""


@lru_cache(maxsize=8)
def _keyring_for(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(MISSING_KEYS)
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key))
        except (ValueError, TypeError):
            # Never echo the key itself: this message reaches logs and terminals.
            raise ImproperlyConfigured(
                f"HELPLINE_ENCRYPTION_KEYS: key {position} of {len(keys)} is not a Fernet key "
                "(32 url-safe base64-encoded bytes)."
            ) from None
    return MultiFernet(fernets)


def keyring() -> MultiFernet:
    """The MultiFernet for the configured keys; ImproperlyConfigured when there is none or one is bad."""
    keys = getattr(settings, "HELPLINE_ENCRYPTION_KEYS", None) or []
    return _keyring_for(tuple(key.strip() for key in keys if key and key.strip()))


def encrypt(plaintext: str) -> str:
    return keyring().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return keyring().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeEncodeError):
        raise DecryptionError(
            "A help request could not be decrypted with HELPLINE_ENCRYPTION_KEYS: "
            "was a key removed before `manage.py helpline_reencrypt` ran?"
        ) from None


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token; Python code only ever sees the plaintext.

    Encryption happens on the way to the database (so SQL logs carry only tokens) and decryption on
    the way back; a token no key opens raises DecryptionError instead of showing ciphertext. A
    ciphertext cannot be compared, so every lookup but `isnull` is refused. `dumpdata` writes the
    plaintext: back up the database, never a fixture dump.
    """

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return encrypt(value)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        return decrypt(value)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)

    def get_transform(self, name: str) -> Any:
        return None
