"""Payments in the admin: generating a month (twice creates nothing new), marking the ticked payments
paid and holding them with a reason; a refused action shows why and changes nothing."""

import datetime
import html
from decimal import Decimal

import pytest
from django.urls import reverse

from outreach.grants.models import Disbursement, DisbursementShare
from tests.factories.grants import DisbursementFactory
from tests.grants.test_grants_roles import OFFICER_A, OFFICER_B, build_world, bulk_url, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_admin(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def world():
    return build_world()


def messages_of(response) -> list[str]:
    return [html.unescape(str(message)).strip() for message in response.context["messages"]]


def statuses() -> list[tuple[str, str]]:
    return list(Disbursement.objects.order_by("pk").values_list("award__grantee__code", "status"))


def test_an_officer_generates_a_month_and_running_it_again_creates_nothing_new(world):
    # given A's active awards paid monthly (one of them of the locked grantee: the lock hides a
    # record, it does not stop the stipend)
    a = world["a"]
    client = client_for(world["users"][OFFICER_A])
    data = {"programme": str(a["programme"].pk), "month": "2026-04"}

    # when the officer generates April twice
    first = client.post(reverse("grant_disbursements:generate"), data, follow=True)
    second = client.post(reverse("grant_disbursements:generate"), data, follow=True)

    # then a stipend of each is due for April, and the second run says it created none
    assert list(
        Disbursement.objects.filter(month=datetime.date(2026, 4, 1))
        .order_by("award__grantee__code")
        .values_list("award__grantee__code", "kind", "amount", "status")
    ) == [
        ("A-0001", "stipend", Decimal("150000.00"), "due"),
        ("A-LOCKED", "stipend", Decimal("150000.00"), "due"),
    ]
    assert messages_of(first) == ["2 payments generated for Programme A, 2026-04."]
    assert messages_of(second) == ["0 payments generated for Programme A, 2026-04."]


def test_generating_for_a_programme_of_another_officer_is_refused_and_creates_nothing(world):
    # given the officer of B
    a = world["a"]

    # when they send programme A in the form
    response = client_for(world["users"][OFFICER_B]).post(
        reverse("grant_disbursements:generate"), {"programme": str(a["programme"].pk), "month": "2026-04"}
    )

    # then the form refuses the choice and nothing is created
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "programme": ["Choose one of the programmes whose payments you manage."]
    }
    assert Disbursement.objects.filter(month=datetime.date(2026, 4, 1)).count() == 0


def test_a_badly_typed_month_is_refused(world):
    # given the officer of A
    a = world["a"]

    # when the month is not YYYY-MM
    response = client_for(world["users"][OFFICER_A]).post(
        reverse("grant_disbursements:generate"), {"programme": str(a["programme"].pk), "month": "April"}
    )

    # then the form says how to write it and nothing is created
    assert response.context["form"].errors == {"month": ["Enter the month as YYYY-MM."]}
    assert Disbursement.objects.count() == 2


def test_the_ticked_payments_are_marked_paid_and_split_across_the_funders(world):
    # given two due payments of A
    a = world["a"]
    second = DisbursementFactory(award=a["award"], month=datetime.date(2026, 4, 1))

    # when the officer marks both paid on 10 April
    response = client_for(world["users"][OFFICER_A]).post(
        bulk_url("mark_paid", a["payment"], second), {"paid_on": "2026-04-10"}, follow=True
    )

    # then both are paid on that day, each with its funder's share
    assert messages_of(response) == ["Payments marked paid: 2."]
    paid = Disbursement.objects.filter(pk__in=[a["payment"].pk, second.pk])
    assert set(paid.values_list("status", "paid_on")) == {("paid", datetime.date(2026, 4, 10))}
    assert DisbursementShare.objects.filter(disbursement__in=paid).count() == 2


def test_marking_paid_with_a_held_payment_among_them_is_refused_and_changes_nothing(world):
    # given a due and a held payment of A
    a = world["a"]
    held = DisbursementFactory(
        award=a["award"],
        month=datetime.date(2026, 4, 1),
        status="held",
        held_reason="Bank details being checked.",
    )
    before = statuses()

    # when the officer marks both paid
    response = client_for(world["users"][OFFICER_A]).post(
        bulk_url("mark_paid", a["payment"], held), {"paid_on": "2026-04-10"}, follow=True
    )

    # then the service's refusal is shown and neither changed
    assert messages_of(response) == ["1 of the chosen payments are held: release them or leave them out."]
    assert statuses() == before
    assert DisbursementShare.objects.count() == 0


def test_marking_paid_without_a_day_is_refused(world):
    # given a due payment of A
    a = world["a"]

    # when the officer sends no payment day
    response = client_for(world["users"][OFFICER_A]).post(
        bulk_url("mark_paid", a["payment"]), {"paid_on": ""}
    )

    # then the form asks for it and nothing changed
    assert response.status_code == 200
    assert response.context["form"].errors == {"paid_on": ["Say on which day the payments were made."]}
    assert statuses() == [("A-0001", "due"), ("B-0001", "due")]


def test_holding_needs_a_reason_and_then_holds(world):
    # given a due payment of A
    a = world["a"]
    client = client_for(world["users"][OFFICER_A])

    # when the officer holds it without a reason, then with one
    refused = client.post(bulk_url("hold", a["payment"]), {"reason": ""})
    assert refused.context["form"].errors == {"reason": ["Say why the payments are held."]}
    assert statuses() == [("A-0001", "due"), ("B-0001", "due")]
    response = client.post(
        bulk_url("hold", a["payment"]), {"reason": "Bank details being checked."}, follow=True
    )

    # then it is held with the reason
    assert messages_of(response) == ["Payments held: 1."]
    assert list(Disbursement.objects.filter(pk=a["payment"].pk).values_list("status", "held_reason")) == [
        ("held", "Bank details being checked.")
    ]


def test_an_officer_of_b_cannot_act_on_payments_of_a(world):
    # given the due payments of A and B
    a, b = world["a"], world["b"]
    client = client_for(world["users"][OFFICER_B])

    # when the officer of B ticks A's payment alone, then A's with their own
    alone = client.post(bulk_url("mark_paid", a["payment"]), {"paid_on": "2026-04-10"})
    mixed = client.post(bulk_url("hold", a["payment"], b["payment"]), {"reason": "Checking."}, follow=True)

    # then A's payment is not found: alone it answers 404, with B's only B's is held
    assert alone.status_code == 404
    assert messages_of(mixed) == ["Payments held: 1."]
    assert statuses() == [("A-0001", "due"), ("B-0001", "held")]


def test_the_listing_offers_the_bulk_actions_and_the_generate_button_to_officers_only(world):
    # given the officer of A and a plain viewer of payments
    from outreach.grants.models import ProgrammeOfficer
    from tests.factories.users import admin_user_with, in_english

    viewer = in_english(
        admin_user_with("grants.view_disbursement", "grants.view_programme", username="viewer")
    )
    ProgrammeOfficer.objects.create(programme=world["a"]["programme"], user=viewer)

    # when each opens the payments listing
    officer_page = (
        client_for(world["users"][OFFICER_A]).get(reverse("grant_disbursements:index")).content.decode()
    )
    viewer_page = client_for(viewer).get(reverse("grant_disbursements:index")).content.decode()

    # then only the officer gets the checkboxes, the actions and the button
    for text in ("data-bulk-action-checkbox", "Mark paid", reverse("grant_disbursements:generate")):
        assert text in officer_page, text
        assert text not in viewer_page, text
    assert "A-0001" in viewer_page


def test_the_payments_listing_keeps_the_same_number_of_queries_as_payments_grow(
    world, django_assert_num_queries
):
    # given the officer of A and A's payments
    a = world["a"]
    client = client_for(world["users"][OFFICER_A])
    url = reverse("grant_disbursements:index")
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get(url)

    # when A gains twenty more payments
    for month in range(1, 21):
        DisbursementFactory(award=a["award"], month=datetime.date(2027 + month // 12, month % 12 + 1, 1))

    # then the listing costs the same number of queries
    with django_assert_num_queries(len(first.captured_queries)):
        assert client.get(url).status_code == 200
