"""A second factor (TOTP, wagtail-2fa): anyone may enrol and is then always asked for a code; members
of a group holding "Enable 2FA" must enrol before any other admin page opens; others are not asked.
Production asks; the embedded default does not."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.db.models import F
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from outreach.core.roles import (
    ADMINISTRATOR,
    CAMPAIGN_MANAGER,
    EDITOR,
    HELPLINE,
    PROGRAM_OFFICER,
    PUBLISHER,
    THEOLOGICAL_REVIEWER,
    TRANSLATOR_GROUPS,
)
from tests.core.test_settings import PRODUCTION_ENV, manage
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # noqa: S105 (UserFactory's password)
DASHBOARD = "/admin/"
ENROL = "/admin/2fa/devices/new"
VERIFY = "/admin/2fa/auth"


@pytest.fixture(autouse=True)
def second_factor_on(settings):
    # The suite runs with it off (test.py); here it works as in production.
    settings.WAGTAIL_2FA_REQUIRED = True


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or `steps_ahead` 30-second steps from now)."""
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return f"{value:0{device.digits}d}"


def device_for(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


def sign_in(client, user) -> None:
    response = client.post(reverse("wagtailadmin_login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def test_a_user_enrols_a_device_by_scanning_and_confirming_a_code(client):
    # given an editor who chooses to use a second factor
    user = UserFactory(groups=[EDITOR])
    sign_in(client, user)
    form = client.get(ENROL)
    qr_code = client.get("/admin/2fa/devices/qr-code")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    # when they confirm the code their app shows
    response = client.post(ENROL, {"name": "Phone", "otp_token": code_for(device), "password": PASSWORD})
    # then
    assert form.status_code == 200
    assert qr_code.status_code == 200
    assert qr_code["Content-Type"] == "image/svg+xml"
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtail_2fa_device_list", kwargs={"user_id": user.pk})
    assert list(TOTPDevice.objects.filter(user=user).values_list("name", "confirmed")) == [("Phone", True)]
    assert client.get(DASHBOARD).status_code == 200


def test_a_wrong_confirmation_code_enrols_nothing(client):
    # given
    user = UserFactory(groups=[EDITOR])
    sign_in(client, user)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=user)
    # when
    response = client.post(ENROL, {"name": "Phone", "otp_token": "000000", "password": PASSWORD})
    # then
    assert response.status_code == 200
    assert "Invalid token" in response.content.decode()
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 0
    assert TOTPDevice.objects.get(user=user).pk == device.pk


def test_an_enrolled_user_is_asked_for_the_code_and_only_the_right_one_lets_them_in(client):
    # given an editor with a device (nobody requires it of editors: they enrolled themselves)
    user = UserFactory(groups=[EDITOR])
    device = device_for(user)
    # when they sign in with their password
    sign_in(client, user)
    asked = client.get(DASHBOARD)
    # then they are asked for the code before anything else opens
    assert asked.status_code == 302
    assert asked["Location"] == f"{VERIFY}?next={DASHBOARD}"
    assert client.get(reverse("wagtailadmin_explore_root")).status_code == 302

    # when they type a wrong code
    wrong = client.post(VERIFY, {"otp_token": "123456", "next": DASHBOARD})
    # then it is refused and they are still kept out
    assert wrong.status_code == 200
    assert client.get(DASHBOARD).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 1

    # when the throttle's delay after the wrong code has passed and they type the right one
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=F("throttling_failure_timestamp") - datetime.timedelta(seconds=5)
    )
    right = client.post(VERIFY, {"otp_token": code_for(device), "next": DASHBOARD})
    # then they are in
    assert right.status_code == 302
    assert right["Location"] == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200


def test_a_code_cannot_be_used_twice(client):
    # given a user who signed in with a code
    user = UserFactory(groups=[EDITOR])
    device = device_for(user)
    code = code_for(device)
    sign_in(client, user)
    assert client.post(VERIFY, {"otp_token": code, "next": DASHBOARD}).status_code == 302
    # when someone who saw the code replays it in another session
    client.logout()
    sign_in(client, user)
    replay = client.post(VERIFY, {"otp_token": code, "next": DASHBOARD})
    # then
    assert replay.status_code == 200
    assert client.get(DASHBOARD).status_code == 302


@pytest.mark.parametrize("group", [ADMINISTRATOR, HELPLINE, PROGRAM_OFFICER])
def test_a_member_of_a_group_that_requires_it_must_enrol_before_anything_else(client, group):
    # given a member of a group that holds personal data, without a device
    user = UserFactory(groups=[group])
    sign_in(client, user)
    # when / then every admin page sends them to enrol
    for url in (DASHBOARD, reverse("wagtailusers_users:index"), reverse("help_requests:index")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{ENROL}?next={url}"
    # and the enrolment page itself opens
    assert client.get(ENROL).status_code == 200


@pytest.mark.parametrize(
    "group", [EDITOR, THEOLOGICAL_REVIEWER, PUBLISHER, CAMPAIGN_MANAGER, TRANSLATOR_GROUPS["fa-af"]]
)
def test_a_member_of_a_group_that_does_not_require_it_is_not_asked(client, group):
    # given
    user = UserFactory(groups=[group])
    # when
    sign_in(client, user)
    # then
    assert client.get(DASHBOARD).status_code == 200


def test_the_groups_that_require_it_are_those_that_reach_personal_data():
    requiring = Group.objects.filter(
        permissions__content_type__app_label="wagtailadmin", permissions__codename="enable_2fa"
    )
    assert sorted(requiring.values_list("name", flat=True)) == [ADMINISTRATOR, HELPLINE, PROGRAM_OFFICER]


def test_an_administrator_can_require_it_of_another_group(client):
    # given an enrolled, verified administrator
    administrator = UserFactory(groups=[ADMINISTRATOR])
    device = device_for(administrator)
    sign_in(client, administrator)
    client.post(VERIFY, {"otp_token": code_for(device), "next": DASHBOARD})
    editor_group = Group.objects.get(name=EDITOR)
    # when they open the editors' group, the permission is offered
    form = client.get(reverse("wagtailusers_groups:edit", args=[editor_group.pk]))
    enable = Permission.objects.get(content_type__app_label="wagtailadmin", codename="enable_2fa")
    assert form.status_code == 200
    assert f'value="{enable.pk}"' in form.content.decode()
    # and once it is held, an editor without a device must enrol
    editor_group.permissions.add(enable)
    client.logout()
    editor = UserFactory(groups=[EDITOR])
    sign_in(client, editor)
    assert client.get(DASHBOARD)["Location"] == f"{ENROL}?next={DASHBOARD}"


def test_production_asks_for_the_second_factor_and_the_embedded_default_does_not():
    show = "from django.conf import settings; print(settings.WAGTAIL_2FA_REQUIRED)"
    production = manage("shell", "-c", show, env=PRODUCTION_ENV)
    local = manage("shell", "-c", show, env={"DJANGO_SETTINGS_MODULE": "outreach.settings.local"})
    assert production.stdout.strip().splitlines()[-1] == "True", production.stderr
    assert local.stdout.strip().splitlines()[-1] == "False", local.stderr


def test_a_user_with_two_devices_picks_the_one_whose_code_they_type(client):
    # given an editor with a phone and a spare token
    user = UserFactory(groups=[EDITOR])
    device_for(user)
    spare = TOTPDevice.objects.create(user=user, name="Spare", confirmed=True)
    sign_in(client, user)
    # when
    form = client.get(VERIFY)
    response = client.post(
        VERIFY, {"otp_token": code_for(spare), "otp_device": spare.persistent_id, "next": DASHBOARD}
    )
    # then the code form asks which device, and the spare's code lets them in
    assert 'name="otp_device"' in form.content.decode()
    assert response.status_code == 302
    assert client.get(DASHBOARD).status_code == 200
