"""A grantee's page in the admin: the whole story on one screen, personal data and the cannot-return
flag only for whoever may see them, an audit entry on every opening, and its actions (moving an
award, the emergency lock, export, erasure, consent), refused ones changing nothing."""

import datetime
import html
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import ModelLogEntry

from outreach.grants.models import Award, AwardTransition, Consent, Grantee, ProgrammeOfficer
from outreach.grants.services import LOG_VIEW
from tests.factories.grants import (
    AwardFactory,
    DisbursementFactory,
    ProgressReportFactory,
    ResidenceDocumentFactory,
)
from tests.factories.users import admin_user_with, in_english
from tests.grants.test_grants_roles import OFFICER_A, SENIOR_A, SUPERUSER, build_world, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_admin(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def world():
    return build_world()


def inspect(client, grantee):
    return client.get(reverse("grantees:inspect", args=[grantee.pk]))


def messages_of(response) -> list[str]:
    """The messages shown on the page after a redirect, as the reader reads them."""
    return [html.unescape(str(message)).strip() for message in response.context["messages"]]


def test_the_page_tells_the_whole_story(world):
    # given the officer of A and A's grantee with an award, a payment, a report and a visa
    a = world["a"]

    # when they open the grantee's page
    response = inspect(client_for(world["users"][OFFICER_A]), a["grantee"])

    # then it shows the award, its payment, report and papers, and the actions they may take
    page = response.content.decode()
    assert response.status_code == 200
    for text in (
        "A-0001",
        "Maryam Ahmadi A",
        "maryam.a@example.org",
        "VISA-A-123",
        "University A",
        "2026-03",
        "150000.00",
        "2025-autumn-A",
        "Status history",
        reverse("grantees:history", args=[a["grantee"].pk]),
        reverse("grant_awards:transition", args=[a["award"].pk]),
        reverse("grantees:export", args=[a["grantee"].pk]),
    ):
        assert text in page, text
    # neither the lock nor erasure is theirs
    assert reverse("grantees:lock", args=[a["grantee"].pk]) not in page
    assert reverse("grantees:erase", args=[a["grantee"].pk]) not in page


def test_without_the_personal_data_permission_the_grantee_is_their_code(world):
    # given a user who may see A's grantees but not their personal data
    a = world["a"]
    viewer = in_english(admin_user_with("grants.view_grantee", "grants.view_programme", username="viewer"))
    ProgrammeOfficer.objects.create(programme=a["programme"], user=viewer)

    # when they open the grantee's page
    response = inspect(client_for(viewer), a["grantee"])

    # then they see the code, the award and the visa's expiry, never the name, contacts or numbers
    page = response.content.decode()
    assert response.status_code == 200
    assert "A-0001" in page
    assert "University A" in page
    assert "Maryam" not in page
    assert "maryam.a@example.org" not in page
    assert "VISA-A-123" not in page
    assert "Cannot return safely" not in page


def test_the_cannot_return_flag_shows_only_for_the_senior_officer_and_the_superuser(world):
    # given A's grantee, who cannot return safely
    grantee = world["a"]["grantee"]
    seen = {}

    # when the officer, the senior officer and the superuser open the page
    for role in (OFFICER_A, SENIOR_A, SUPERUSER):
        seen[role] = (
            "Cannot return safely" in inspect(client_for(world["users"][role]), grantee).content.decode()
        )

    # then only the senior officer and the superuser see the flag
    assert seen == {OFFICER_A: False, SENIOR_A: True, SUPERUSER: True}


def test_the_officer_cannot_clear_the_flag_they_may_not_see(world):
    # given A's grantee, who cannot return safely, and the officer (not senior) of A
    grantee = world["a"]["grantee"]
    client = client_for(world["users"][OFFICER_A])
    url = reverse("grantees:edit", args=[grantee.pk])
    assert "cannot_return_safely" not in client.get(url).content.decode()

    # when they save the grantee's form
    response = client.post(
        url,
        {
            "programme": str(grantee.programme_id),
            "code": "A-0001",
            "name_latin": "Maryam Ahmadi",
            "name_original": "",
            "date_of_birth": "2004-05-17",
            "gender": "female",
            "nationality": "Afghan",
            "province_of_origin": "Balkh",
            "email": "maryam.a@example.org",
            "phone": "",
            "messenger": "",
        },
    )

    # then the change is saved and the flag stays as it was
    assert response.status_code == 302
    grantee.refresh_from_db()
    assert (grantee.name_latin, grantee.cannot_return_safely) == ("Maryam Ahmadi", True)


def test_every_opening_is_audited_without_personal_data(world):
    # given A's grantee
    grantee = world["a"]["grantee"]
    officer = world["users"][OFFICER_A]
    client = client_for(officer)

    # when the officer opens the page twice
    inspect(client, grantee)
    inspect(client, grantee)

    # then two audit entries name the officer and the code, nothing more
    entries = ModelLogEntry.objects.filter(action=LOG_VIEW, object_id=str(grantee.pk)).order_by("pk")
    assert [(entry.user_id, entry.data) for entry in entries] == [
        (officer.pk, {"grantee": "A-0001"}),
        (officer.pk, {"grantee": "A-0001"}),
    ]


def test_a_refused_opening_is_not_audited(world):
    # given A's grantee and the officer of B
    grantee = world["a"]["grantee"]

    # when the officer of B tries A's grantee's page
    response = inspect(client_for(world["users"]["officer of B only"]), grantee)

    # then it is not found and nothing is recorded as viewed
    assert response.status_code == 404
    assert ModelLogEntry.objects.filter(action=LOG_VIEW).count() == 0


def test_the_page_keeps_the_same_number_of_queries_as_the_story_grows(world, django_assert_num_queries):
    # given A's grantee and the officer of A
    a = world["a"]
    client = client_for(world["users"][OFFICER_A])
    inspect(client, a["grantee"])
    with CaptureQueriesContext(connection) as first:
        inspect(client, a["grantee"])

    # when the grantee gains awards, payments, reports, papers and consents
    for month in range(4, 10):
        DisbursementFactory(award=a["award"], month=datetime.date(2026, month, 1))
    second = AwardFactory(grantee=a["grantee"], cohort=a["cohort"], institution=a["institution"])
    ProgressReportFactory.create_batch(3, award=second)
    DisbursementFactory.create_batch(1, award=second)
    ResidenceDocumentFactory.create_batch(2, grantee=a["grantee"])
    for purpose in ("story", "recontact"):
        Consent.objects.create(
            grantee=a["grantee"],
            purpose=purpose,
            is_given=True,
            at=datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC),
        )

    # then the page costs the same number of queries
    with django_assert_num_queries(len(first.captured_queries)):
        response = inspect(client, a["grantee"])
    assert response.status_code == 200


# --- Moving an award -------------------------------------------------------------------------------


def test_the_transition_form_offers_only_the_moves_allowed_from_the_current_status(world):
    # given A's active award
    response = inspect(client_for(world["users"][OFFICER_A]), world["a"]["grantee"])

    # when the page is read, then the form offers the moves from "active"
    form = response.context["stories"][0]["transition_form"]
    assert [value for value, _label in form.fields["to_status"].choices] == [
        "probation",
        "suspended",
        "withdrawn",
        "graduated",
    ]


def test_an_officer_moves_an_award_with_a_reason_and_it_enters_the_history(world):
    # given A's active award
    award = world["a"]["award"]
    officer = world["users"][OFFICER_A]

    # when the officer puts it on probation with a reason
    response = client_for(officer).post(
        reverse("grant_awards:transition", args=[award.pk]),
        {"to_status": "probation", "reason": "GPA 1.8 in the autumn semester."},
        follow=True,
    )

    # then the award is on probation, the move is in its history and the page says so
    award.refresh_from_db()
    assert award.status == "probation"
    assert list(AwardTransition.objects.values_list("from_status", "to_status", "reason", "actor")) == [
        ("active", "probation", "GPA 1.8 in the autumn semester.", officer.pk)
    ]
    assert "The award moved from “Active” to “On probation”." in messages_of(response)
    assert "GPA 1.8 in the autumn semester." in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"to_status": "probation", "reason": ""}, "Say why the award's status changes."),
        (
            {"to_status": "enrolled", "reason": "Back to the start."},
            "The award cannot move to that status from where it is.",
        ),
    ],
)
def test_a_move_without_a_reason_or_not_allowed_is_refused_and_nothing_changes(world, data, message):
    # given A's active award
    award = world["a"]["award"]

    # when the officer sends a move without a reason, or one the state machine does not allow
    response = client_for(world["users"][OFFICER_A]).post(
        reverse("grant_awards:transition", args=[award.pk]), data, follow=True
    )

    # then the page says why and the award is as it was
    assert message in messages_of(response)
    award.refresh_from_db()
    assert award.status == "active"
    assert AwardTransition.objects.count() == 0


def test_a_move_the_service_refuses_shows_its_reason_and_changes_nothing(world):
    # given an active award of A without a single progress report
    a = world["a"]
    award = AwardFactory(grantee=a["grantee"], cohort=a["cohort"], institution=a["institution"])

    # when the officer graduates it
    response = client_for(world["users"][OFFICER_A]).post(
        reverse("grant_awards:transition", args=[award.pk]),
        {"to_status": "graduated", "reason": "Defended the thesis."},
        follow=True,
    )

    # then the service's refusal is shown and nothing changed
    assert (
        "An award without a single progress report cannot be graduated; record the last report first."
        in messages_of(response)
    )
    award.refresh_from_db()
    assert (award.status, award.ended_on) == ("active", None)
    assert AwardTransition.objects.count() == 0


# --- The emergency lock, export, erasure and consent -----------------------------------------------


def test_a_holder_of_the_lock_locks_a_record_and_it_is_gone_for_the_officers_at_once(world):
    # given an administrator holding the lock permission and A's grantee
    grantee = world["a"]["grantee"]
    holder = in_english(
        admin_user_with(
            "grants.lock_grantee",
            "grants.view_grantee",
            "grants.view_programme",
            "grants.view_all_programmes",
            username="lock.holder",
        )
    )
    holder_client = client_for(holder)
    assert "Lock this record now" in inspect(holder_client, grantee).content.decode()

    # when they try to lock the record without a reason
    response = holder_client.post(reverse("grantees:lock", args=[grantee.pk]), {"locked": "1"}, follow=True)
    # then they are told to give one and nothing changes
    assert "Say why the record is locked." in messages_of(response)
    grantee.refresh_from_db()
    assert grantee.is_locked is False

    # when they lock the record with a reason
    response = holder_client.post(
        reverse("grantees:lock", args=[grantee.pk]),
        {"locked": "1", "reason": "Family reports threats from a relative"},
        follow=True,
    )

    # then it is locked, the page shows why, the officer of A no longer finds it, and the holder can
    # lift the lock
    grantee.refresh_from_db()
    assert (grantee.is_locked, grantee.locked_by_id) == (True, holder.pk)
    assert "A-0001 is under the emergency lock." in messages_of(response)
    assert "Family reports threats from a relative" in inspect(holder_client, grantee).content.decode()
    assert inspect(client_for(world["users"][OFFICER_A]), grantee).status_code == 404
    holder_client.post(reverse("grantees:lock", args=[grantee.pk]), {"locked": "0"})
    grantee.refresh_from_db()
    assert grantee.is_locked is False
    assert inspect(client_for(world["users"][OFFICER_A]), grantee).status_code == 200


def test_the_superuser_erases_the_personal_data_and_the_awards_stay(world):
    # given A's grantee
    a = world["a"]
    client = client_for(world["users"][SUPERUSER])
    confirmation = client.get(reverse("grantees:erase", args=[a["grantee"].pk])).content.decode()
    assert "It cannot be undone." in confirmation

    # when the superuser confirms erasure
    response = client.post(reverse("grantees:erase", args=[a["grantee"].pk]), follow=True)

    # then the names and contacts are gone, the award and its payment stay
    grantee = Grantee.objects.get(pk=a["grantee"].pk)
    assert (grantee.name_latin, grantee.email, grantee.date_of_birth) == ("", "", None)
    assert grantee.erased_at is not None
    assert Award.objects.filter(grantee=grantee).count() == 1
    assert (
        "The personal data of A-0001 is erased; the awards and payments stay for the totals."
        in messages_of(response)
    )

    # and erasing again is refused with the service's reason
    again = client.post(reverse("grantees:erase", args=[a["grantee"].pk]), follow=True)
    assert any(
        message.startswith("This grantee's data was already erased on") for message in messages_of(again)
    )


def test_an_officer_records_a_consent(world):
    # given A's grantee
    grantee = world["a"]["grantee"]
    officer = world["users"][OFFICER_A]

    # when the officer records consent to publish their story
    response = client_for(officer).post(
        reverse("grantees:consent", args=[grantee.pk]),
        {"purpose": "story", "is_given": "1", "note": "Signed form, 5 March 2026."},
        follow=True,
    )

    # then it is kept and shown
    assert list(Consent.objects.values_list("purpose", "is_given", "note", "recorded_by")) == [
        ("story", True, "Signed form, 5 March 2026.", officer.pk)
    ]
    assert "Consent recorded." in messages_of(response)
    assert "Signed form, 5 March 2026." in response.content.decode()


def test_risks_are_stated_with_their_rule(world):
    # given A's award with a held payment
    payment = world["a"]["payment"]
    payment.status, payment.held_reason = "held", "Bank details being checked."
    payment.save()

    # when the officer opens the grantee's page
    response = inspect(client_for(world["users"][OFFICER_A]), world["a"]["grantee"])

    # then the risk is listed with its sentence (with the others today's date may bring)
    risks = response.context["stories"][0]["risks"]
    assert "payment_held" in [risk.code for risk in risks]
    page = html.unescape(response.content.decode())
    for risk in risks:
        assert risk.message in page
    assert "Bank details being checked." in page
    assert Decimal(payment.amount) == Decimal("150000")
