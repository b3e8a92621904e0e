"""Grantees' contacts and papers' numbers are encrypted at rest; grants_reencrypt moves them all to
the first key of GRANTS_ENCRYPTION_KEYS so that an old key can be dropped."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from outreach.core.encryption import DecryptionError
from outreach.grants.models import Grantee, ResidenceDocument
from tests.factories.grants import GranteeFactory, ResidenceDocumentFactory

pytestmark = pytest.mark.django_db

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
EMAIL = "maryam@example.org"
PASSPORT = "P01234567"


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - fixed names
        return cursor.fetchone()[0]


def test_reencryption_lets_the_old_key_be_removed(settings, capsys):
    # given: three grantees and their passports stored under the old key
    settings.GRANTS_ENCRYPTION_KEYS = [OLD_KEY]
    grantees = [GranteeFactory(email=EMAIL, phone="+7 700 111 22 33", messenger="@maryam") for _ in range(3)]
    passports = [
        ResidenceDocumentFactory(grantee=grantee, kind="passport", number=PASSPORT) for grantee in grantees
    ]
    assert EMAIL not in raw("grants_grantee", "email", grantees[0].pk)
    assert Fernet(OLD_KEY).decrypt(raw("grants_grantee", "email", grantees[0].pk).encode()).decode() == EMAIL
    # when: the new key goes first and the command runs in batches of two
    settings.GRANTS_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    call_command("grants_reencrypt", "--batch-size", "2")
    # then: it says what it did
    assert capsys.readouterr().out.strip() == (
        "Re-encrypted 3 grantees and 3 residence documents with the first key."
    )
    # and the new key alone reads everything
    settings.GRANTS_ENCRYPTION_KEYS = [NEW_KEY]
    assert [(g.email, g.phone, g.messenger) for g in Grantee.objects.order_by("pk")] == [
        (EMAIL, "+7 700 111 22 33", "@maryam")
    ] * 3
    assert [d.number for d in ResidenceDocument.objects.order_by("pk")] == [PASSPORT] * 3
    assert Fernet(NEW_KEY).decrypt(
        raw("grants_residencedocument", "number", passports[2].pk).encode()
    ).decode() == (PASSPORT)
    # and the old key alone reads nothing
    settings.GRANTS_ENCRYPTION_KEYS = [OLD_KEY]
    with pytest.raises(DecryptionError):
        Grantee.objects.get(pk=grantees[0].pk)
    with pytest.raises(DecryptionError):
        ResidenceDocument.objects.get(pk=passports[0].pk)
