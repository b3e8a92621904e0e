"""Encryption at rest: Fernet tokens under a rotating list of keys, one list per kind of data.

Each kind names the setting that holds its keys (e.g. HELPLINE_ENCRYPTION_KEYS for help requests,
GRANTS_ENCRYPTION_KEYS for grantees' identity papers and contacts): the first key encrypts, all of
them decrypt (cryptography's MultiFernet), so a key is rotated by putting a new one first,
re-encrypting, then dropping the old one. See docs/decisions/0003-encryption-of-help-requests.md."""

from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


class DecryptionError(Exception):
    """A stored value could not be decrypted with any configured key (a key was dropped too early)."""


@lru_cache(maxsize=16)
def _keyring_for(setting: str, keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(
            f"Set the {setting} environment variable to one or more Fernet keys, comma-separated "
            "(see docs/decisions/0003-encryption-of-help-requests.md)."
        )
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key))
        except (ValueError, TypeError):
            # Never echo the key itself: this message reaches logs and terminals.
            raise ImproperlyConfigured(
                f"{setting}: key {position} of {len(keys)} is not a Fernet key "
                "(32 url-safe base64-encoded bytes)."
            ) from None
    return MultiFernet(fernets)


def keyring_for(setting: str) -> MultiFernet:
    """The MultiFernet for the keys in settings.<setting>; ImproperlyConfigured when there is none
    or one is bad."""
    keys = getattr(settings, setting, None) or []
    return _keyring_for(setting, tuple(key.strip() for key in keys if key and key.strip()))


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token under the keys of `keys_setting`; Python code only ever sees
    the plaintext.

    Encryption happens on the way to the database (so SQL logs carry only tokens) and decryption on
    the way back; a token no key opens raises DecryptionError instead of showing ciphertext. A
    ciphertext cannot be compared, so every lookup but `isnull` is refused. `dumpdata` writes the
    plaintext: back up the database, never a fixture dump."""

    keys_setting = "HELPLINE_ENCRYPTION_KEYS"
    # What a failed decryption names, e.g. "A help request".
    what = "A value"

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return keyring_for(self.keys_setting).encrypt(value.encode("utf-8")).decode("ascii")

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        try:
            return keyring_for(self.keys_setting).decrypt(value.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeEncodeError):
            raise DecryptionError(
                f"{self.what} could not be decrypted with {self.keys_setting}: was a key removed before "
                "the re-encryption command ran?"
            ) from None

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)

    def get_transform(self, name: str) -> Any:
        return None
