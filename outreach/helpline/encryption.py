"""Encryption at rest for help requests (outreach.core.encryption) under HELPLINE_ENCRYPTION_KEYS.
See docs/decisions/0003-encryption-of-help-requests.md."""

from cryptography.fernet import MultiFernet

from outreach.core.encryption import DecryptionError, keyring_for
from outreach.core.encryption import EncryptedTextField as BaseEncryptedTextField

__all__ = ["DecryptionError", "EncryptedTextField", "decrypt", "encrypt", "keyring"]

KEYS_SETTING = "HELPLINE_ENCRYPTION_KEYS"


def keyring() -> MultiFernet:
    """The MultiFernet for the configured keys; ImproperlyConfigured when there is none or one is bad."""
    return keyring_for(KEYS_SETTING)


def encrypt(plaintext: str) -> str:
    return EncryptedTextField().get_prep_value(plaintext)


def decrypt(token: str) -> str:
    return EncryptedTextField().from_db_value(token, None, None)


class EncryptedTextField(BaseEncryptedTextField):
    """A help request's text, encrypted under HELPLINE_ENCRYPTION_KEYS."""

    keys_setting = KEYS_SETTING
    what = "A help request"
