"""The message and the contact are encrypted at rest: the raw column holds no plaintext, a rotated
key set still decrypts, re-encryption lets the old key go, and a bad key set fails loudly."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from outreach.helpline.encryption import DecryptionError, keyring
from outreach.helpline.models import HelpRequest
from outreach.helpline.services import help_request_submit
from tests.factories.helpline import HelpRequestFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
MESSAGE = "Мой сын говорит, что уедет воевать. Помогите."
CONTACT = "+7 777 123 45 67"


def raw_columns(pk: int) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT message, contact FROM helpline_helprequest WHERE id = %s", [pk])
        return cursor.fetchone()


def submit() -> HelpRequest:
    return help_request_submit(
        who="family", message=MESSAGE, contact=CONTACT, language="ru", source_page_id=None
    )


def test_the_raw_columns_hold_no_plaintext():
    # when
    help_request = submit()
    # then
    message, contact = raw_columns(help_request.pk)
    assert MESSAGE not in message and "уедет" not in message
    assert CONTACT not in contact and "777" not in contact
    assert keyring().decrypt(message.encode()).decode() == MESSAGE
    assert HelpRequest.objects.get().message == MESSAGE


def test_an_empty_contact_is_encrypted_too():
    # given: whether a person left a way to reach them is itself not readable from the table
    help_request = help_request_submit(
        who="self", message=MESSAGE, contact="", language="kk", source_page_id=None
    )
    # then
    _message, contact = raw_columns(help_request.pk)
    assert contact != ""
    assert HelpRequest.objects.get().contact == ""


def test_a_rotated_key_set_still_decrypts_and_encrypts_with_the_new_key(settings):
    # given: a request stored under the old key
    settings.HELPLINE_ENCRYPTION_KEYS = [OLD_KEY]
    old = submit()
    # when: the new key goes first, the old one stays to decrypt
    settings.HELPLINE_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    new = submit()
    # then
    assert HelpRequest.objects.get(pk=old.pk).message == MESSAGE
    assert HelpRequest.objects.get(pk=new.pk).contact == CONTACT
    assert Fernet(OLD_KEY).decrypt(raw_columns(old.pk)[0].encode()).decode() == MESSAGE
    assert Fernet(NEW_KEY).decrypt(raw_columns(new.pk)[0].encode()).decode() == MESSAGE


def test_reencryption_lets_the_old_key_be_removed(settings):
    # given
    settings.HELPLINE_ENCRYPTION_KEYS = [OLD_KEY]
    help_requests = [submit() for _ in range(3)]
    settings.HELPLINE_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    # when
    call_command("helpline_reencrypt", "--batch-size", "2")
    # then: the new key alone reads everything, the old key alone reads nothing
    settings.HELPLINE_ENCRYPTION_KEYS = [NEW_KEY]
    assert [r.message for r in HelpRequest.objects.order_by("pk")] == [MESSAGE] * 3
    assert [r.contact for r in HelpRequest.objects.order_by("pk")] == [CONTACT] * 3
    settings.HELPLINE_ENCRYPTION_KEYS = [OLD_KEY]
    with pytest.raises(DecryptionError):
        HelpRequest.objects.get(pk=help_requests[0].pk)


def test_a_request_no_key_opens_fails_loudly_instead_of_showing_ciphertext(settings):
    # given
    settings.HELPLINE_ENCRYPTION_KEYS = [OLD_KEY]
    help_request = submit()
    settings.HELPLINE_ENCRYPTION_KEYS = [NEW_KEY]
    # when / then
    with pytest.raises(DecryptionError) as raised:
        HelpRequest.objects.get(pk=help_request.pk)
    assert OLD_KEY not in str(raised.value) and NEW_KEY not in str(raised.value)


def test_lookups_on_ciphertext_are_refused():
    HelpRequestFactory(message=MESSAGE)
    with pytest.raises(FieldError):
        list(HelpRequest.objects.filter(message__icontains="сын"))
    with pytest.raises(FieldError):
        list(HelpRequest.objects.filter(contact=CONTACT))
    assert HelpRequest.objects.filter(contact__isnull=False).count() == 1


@pytest.mark.parametrize("keys", [[], [""], ["not-a-fernet-key"], [Fernet.generate_key().decode(), "short"]])
def test_a_missing_or_malformed_key_set_is_refused_without_echoing_it(settings, keys):
    settings.HELPLINE_ENCRYPTION_KEYS = keys
    with pytest.raises(ImproperlyConfigured) as raised:
        keyring()
    assert "HELPLINE_ENCRYPTION_KEYS" in str(raised.value)
    assert all(not key or key not in str(raised.value) for key in keys)


def manage_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE", "HELPLINE_ENCRYPTION_KEYS"}
    }
    production = {
        "DJANGO_SETTINGS_MODULE": "outreach.settings.production",
        "SECRET_KEY": "a-long-random-production-secret-" + "x7Qp2LmZ9vR4tY8wK3nB6cD1fG5hJ0sA",
        "ALLOWED_HOSTS": "outreach.example.org",
        "DATABASE_URL": "sqlite:////tmp/outreach-check.sqlite3",
        "ANYMAIL_WEBHOOK_SECRET": "provider:a-long-random-webhook-password",
        "GRANTS_ENCRYPTION_KEYS": "cHJvZHVjdGlvbi1jaGVjay1ncmFudHMta2V5LW5vdCE=",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env={**clean, **production, **env},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_production_refuses_to_start_without_encryption_keys():
    result = manage_check({})
    assert result.returncode != 0
    assert "Set the HELPLINE_ENCRYPTION_KEYS environment variable" in result.stderr


def test_production_starts_with_encryption_keys_from_the_environment():
    result = manage_check({"HELPLINE_ENCRYPTION_KEYS": f"{NEW_KEY},{OLD_KEY}"})
    assert result.returncode == 0, result.stderr
