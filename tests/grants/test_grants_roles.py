"""The grant programmes back office walked by every role: each listing, inspect, add and edit door,
the dashboard, the payment actions, transitions, the lock, export and erasure, allowed and refused.
An officer of programme B gets nothing of programme A, and a locked grantee is gone for everyone
but holders of the lock.

`build_world` is shared with the other tests/grants/test_admin_*.py files."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from outreach.core.roles import ADMINISTRATOR
from outreach.grants.models import Award, AwardTransition, Disbursement, Grantee, Programme
from tests.factories.campaigns import PartnerFactory, partner_user
from tests.factories.grants import (
    AwardFactory,
    CohortFactory,
    DisbursementFactory,
    ExchangeRateFactory,
    FunderFactory,
    GranteeFactory,
    InstitutionFactory,
    OutcomeRecordFactory,
    ProgrammeFactory,
    ProgressReportFactory,
    ResidenceDocumentFactory,
    officer_of,
)
from tests.factories.users import UserFactory, admin_user_with, in_english, member

pytestmark = pytest.mark.django_db

ANONYMOUS = "anonymous"
STAFF = "plain staff"
OFFICER_A = "officer of A"
OFFICER_B = "officer of B only"
SENIOR_A = "senior officer of A"
PARTNER = "partner"
ADMINISTRATOR_ROLE = "administrator"
SUPERUSER = "superuser"
ROLES = [ANONYMOUS, STAFF, OFFICER_A, OFFICER_B, SENIOR_A, PARTNER, ADMINISTRATOR_ROLE, SUPERUSER]

# Who may open a door on programme A's rows, and who may open a door that is not about one row.
# Administrators see every programme and grantee by code, and only to put a record under the
# emergency lock and lift it (outreach/core/roles.py): they edit nothing.
A_READERS = {OFFICER_A, SENIOR_A, SUPERUSER}
GRANT_STAFF = {OFFICER_A, OFFICER_B, SENIOR_A, SUPERUSER}
LOCKERS = {ADMINISTRATOR_ROLE, SUPERUSER}
NOBODY: set[str] = set()


@pytest.fixture(autouse=True)
def english_admin(settings):
    # Messages are asserted in the source language whatever the site's default is.
    settings.LANGUAGE_CODE = "en"


def programme_with_parts(letter: str, funder_partner=None) -> dict:
    """A programme with one of everything: a cohort, an institution, a grantee (who cannot return
    safely) with an active award, a due payment, a report, an alumni outcome and a visa; its funder
    is `funder_partner`'s organisation when given."""
    programme = ProgrammeFactory(code=f"afg-{letter.lower()}", name=f"Programme {letter}")
    FunderFactory(
        programme=programme, name=f"Ministry {letter}", share_percent=Decimal("100"), partner=funder_partner
    )
    cohort = CohortFactory(programme=programme, name=f"2025 intake {letter}")
    institution = InstitutionFactory(name=f"University {letter}")
    grantee = GranteeFactory(
        programme=programme,
        code=f"{letter}-0001",
        name_latin=f"Maryam Ahmadi {letter}",
        email=f"maryam.{letter.lower()}@example.org",
        cannot_return_safely=True,
    )
    award = AwardFactory(grantee=grantee, cohort=cohort, institution=institution)
    return {
        "programme": programme,
        "cohort": cohort,
        "institution": institution,
        "grantee": grantee,
        "award": award,
        "payment": DisbursementFactory(award=award, month=datetime.date(2026, 3, 1)),
        "report": ProgressReportFactory(award=award, term=f"2025-autumn-{letter}"),
        "outcome": OutcomeRecordFactory(award=award),
        "visa": ResidenceDocumentFactory(grantee=grantee, number=f"VISA-{letter}-123"),
    }


def build_world() -> dict:
    """Programmes A and B with their parts, a grantee of A under the emergency lock, and a user for
    each role; the partner user's organisation funds A."""
    funder = PartnerFactory(name="EU Delegation")
    a, b = programme_with_parts("A", funder_partner=funder), programme_with_parts("B")
    locked = GranteeFactory(programme=a["programme"], code="A-LOCKED", is_locked=True)
    AwardFactory(grantee=locked, cohort=a["cohort"], institution=a["institution"])
    return {
        "a": a,
        "b": b,
        "locked": locked,
        "rate": ExchangeRateFactory(),
        "users": {
            ANONYMOUS: None,
            STAFF: in_english(admin_user_with(username="staff")),
            OFFICER_A: officer_of(a["programme"], "officer.a"),
            OFFICER_B: officer_of(b["programme"], "officer.b"),
            SENIOR_A: officer_of(a["programme"], "senior.a", senior=True),
            PARTNER: partner_user(funder, "partner"),
            ADMINISTRATOR_ROLE: member([ADMINISTRATOR], "administrator"),
            SUPERUSER: in_english(UserFactory(username="root", superuser=True)),
        },
    }


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def bulk_url(action: str, *payments: Disbursement) -> str:
    ids = "&".join(f"id={payment.pk}" for payment in payments)
    return f"{reverse('wagtail_bulk_action', args=['grants', 'disbursement', action])}?{ids}&next=/admin/"


def get_doors(world: dict) -> dict[str, tuple[str, set[str]]]:
    """Every GET door of the back office on programme A's rows, with who may open it."""
    a, rate = world["a"], world["rate"]

    def row(viewset: str, obj, readers=A_READERS, edit=A_READERS) -> dict:
        return {
            f"{viewset} inspect": (reverse(f"{viewset}:inspect", args=[obj.pk]), readers),
            f"{viewset} edit": (reverse(f"{viewset}:edit", args=[obj.pk]), edit),
        }

    doors = {
        **{
            f"{viewset} listing": (reverse(f"{viewset}:index"), GRANT_STAFF | LOCKERS)
            for viewset in ("programmes", "grantees")
        },
        # Partner users read the figures of the programmes their organisation funds, nothing else.
        "grant_dashboards listing": (reverse("grant_dashboards:index"), GRANT_STAFF | LOCKERS | {PARTNER}),
        **{
            f"{viewset} listing": (reverse(f"{viewset}:index"), GRANT_STAFF)
            for viewset in (
                "grant_awards",
                "grant_disbursements",
                "grant_progress_reports",
                "grant_alumni_outcomes",
                "grant_cohorts",
                "grant_institutions",
                "grant_exchange_rates",
            )
        },
        **{
            f"{viewset} add": (reverse(f"{viewset}:add"), GRANT_STAFF)
            for viewset in (
                "programmes",
                "grantees",
                "grant_awards",
                "grant_progress_reports",
                "grant_alumni_outcomes",
                "grant_cohorts",
                "grant_institutions",
                "grant_exchange_rates",
            )
        },
        # Payments are made by generating a month and change only through the bulk actions.
        "grant_disbursements add": (reverse("grant_disbursements:add"), NOBODY),
        **row("programmes", a["programme"], readers=A_READERS | LOCKERS),
        **row("grantees", a["grantee"], readers=A_READERS | LOCKERS),
        **row("grant_awards", a["award"]),
        **row("grant_disbursements", a["payment"], edit=NOBODY),
        **row("grant_progress_reports", a["report"]),
        **row("grant_alumni_outcomes", a["outcome"]),
        **row("grant_cohorts", a["cohort"]),
        # Institutions and exchange rates are shared by every programme.
        **row("grant_institutions", a["institution"], readers=GRANT_STAFF, edit=GRANT_STAFF),
        **row("grant_exchange_rates", rate, readers=GRANT_STAFF, edit=GRANT_STAFF),
        "grantee history": (reverse("grantees:history", args=[a["grantee"].pk]), A_READERS),
        "locked grantee inspect": (reverse("grantees:inspect", args=[world["locked"].pk]), LOCKERS),
        "grantee erase page": (reverse("grantees:erase", args=[a["grantee"].pk]), {SUPERUSER}),
        "programme delete": (reverse("programmes:delete", args=[a["programme"].pk]), {SUPERUSER}),
        "dashboard of A": (
            reverse("grant_dashboards:programme", args=[a["programme"].pk]),
            A_READERS | LOCKERS | {PARTNER},
        ),
        "dashboard of B": (
            reverse("grant_dashboards:programme", args=[world["b"]["programme"].pk]),
            (GRANT_STAFF - {OFFICER_A, SENIOR_A}) | LOCKERS,
        ),
        "generate a month": (reverse("grant_disbursements:generate"), GRANT_STAFF),
        "mark paid (confirm)": (bulk_url("mark_paid", a["payment"]), A_READERS),
        "hold (confirm)": (bulk_url("hold", a["payment"]), A_READERS),
    }
    return doors


def test_every_role_against_every_get_door():
    # given programmes A and B and a user of each role
    world = build_world()
    doors = get_doors(world)
    failures = []
    for role in ROLES:
        client = client_for(world["users"][role])
        for door, (url, allowed) in doors.items():
            # when they open the door
            status = client.get(url, HTTP_ACCEPT_LANGUAGE="en").status_code
            # then it opens exactly for the roles allowed, and is refused (to the login page or
            # the dashboard, 403, or not found outside their programmes) for everyone else
            if role in allowed and status != 200:
                failures.append(f"{role} should open {door}: {status}")
            if role not in allowed and status not in (302, 403, 404):
                failures.append(f"{role} should be refused {door}: {status}")
    assert failures == []


def test_an_officer_of_b_finds_nothing_of_a_in_any_listing():
    # given programmes A and B
    world = build_world()
    client = client_for(world["users"][OFFICER_B])
    a, b = world["a"], world["b"]
    expectations = {
        "programmes": ("Programme B", "Programme A"),
        "grantees": ("B-0001", "A-0001"),
        "grant_awards": ("B-0001", "A-0001"),
        "grant_disbursements": ("B-0001", "A-0001"),
        "grant_progress_reports": ("B-0001", "A-0001"),
        "grant_alumni_outcomes": ("B-0001", "A-0001"),
        "grant_cohorts": ("2025 intake B", "2025 intake A"),
        "grant_dashboards": ("Programme B", "Programme A"),
    }
    for viewset, (own, other) in expectations.items():
        # when the officer of B opens each listing
        page = client.get(reverse(f"{viewset}:index")).content.decode()
        # then it holds B's rows and none of A's
        assert own in page, viewset
        assert other not in page, viewset
    # and filtering by A's programme or cohort (not among the choices, so left out) finds none of A's
    for query in (f"programme={a['programme'].pk}", f"cohort={a['cohort'].pk}"):
        page = client.get(f"{reverse('grantees:index')}?{query}").content.decode()
        assert "A-0001" not in page
        assert b["grantee"].code in page


def test_a_locked_grantee_disappears_from_the_officers_listing_and_inspect_but_not_the_superusers():
    # given a grantee of A under the emergency lock
    world = build_world()
    locked = world["locked"]
    officer, root = client_for(world["users"][OFFICER_A]), client_for(world["users"][SUPERUSER])

    # when the officer of A and a superuser look for it
    officer_listing = officer.get(reverse("grantees:index")).content.decode()
    officer_inspect = officer.get(reverse("grantees:inspect", args=[locked.pk]))
    officer_awards = officer.get(reverse("grant_awards:index")).content.decode()
    root_listing = root.get(reverse("grantees:index")).content.decode()

    # then the officer sees the other grantees only, and the superuser sees it
    assert "A-0001" in officer_listing
    assert "A-LOCKED" not in officer_listing
    assert "A-LOCKED" not in officer_awards
    assert officer_inspect.status_code == 404
    assert "A-LOCKED" in root_listing


# --- The doors that change something, per role ----------------------------------------------------


def post_doors(world: dict) -> dict:
    """Each door that writes, with who may go through it, what it sends, and how to tell it did."""
    a = world["a"]
    award, grantee, payment = a["award"], a["grantee"], a["payment"]
    return {
        "transition": (
            A_READERS,
            reverse("grant_awards:transition", args=[award.pk]),
            {"to_status": "probation", "reason": "GPA 1.8 in the autumn semester."},
            lambda: (
                Award.objects.get(pk=award.pk).status == "probation"
                and AwardTransition.objects.filter(award=award).count() == 1
            ),
        ),
        "lock": (
            LOCKERS,
            reverse("grantees:lock", args=[grantee.pk]),
            {"locked": "1", "reason": "Threats reported by the family"},
            lambda: Grantee.objects.get(pk=grantee.pk).is_locked,
        ),
        "erase": (
            {SUPERUSER},
            reverse("grantees:erase", args=[grantee.pk]),
            {},
            lambda: Grantee.objects.get(pk=grantee.pk).erased_at is not None,
        ),
        "mark paid": (
            A_READERS,
            bulk_url("mark_paid", payment),
            {"paid_on": "2026-03-10"},
            lambda: Disbursement.objects.get(pk=payment.pk).status == "paid",
        ),
        "hold": (
            A_READERS,
            bulk_url("hold", payment),
            {"reason": "Bank details being checked."},
            lambda: Disbursement.objects.get(pk=payment.pk).status == "held",
        ),
        "generate": (
            A_READERS,
            reverse("grant_disbursements:generate"),
            {"programme": str(a["programme"].pk), "month": "2026-04"},
            lambda: Disbursement.objects.filter(award=award, month=datetime.date(2026, 4, 1)).exists(),
        ),
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("door", ["transition", "lock", "erase", "mark paid", "hold", "generate"])
def test_every_role_against_every_door_that_writes(role, door):
    # given programmes A and B
    world = build_world()
    allowed, url, data, done = post_doors(world)[door]

    # when the role goes through the door on programme A's rows
    response = client_for(world["users"][role]).post(url, data, HTTP_ACCEPT_LANGUAGE="en")

    # then it acts for the roles allowed only; for everyone else nothing changed
    assert done() is (role in allowed), f"{role} {door}: {response.status_code}"
    if role not in allowed:
        assert response.status_code in (200, 302, 403, 404)
        assert Award.objects.get(pk=world["a"]["award"].pk).status == "active"
        assert AwardTransition.objects.count() == 0
        assert list(Disbursement.objects.values_list("status", flat=True)) == ["due", "due"]
        assert Grantee.objects.filter(is_locked=True).count() == 1
        assert Grantee.objects.filter(erased_at__isnull=False).count() == 0


@pytest.mark.parametrize("role", ROLES)
def test_every_role_against_the_export(role):
    # given programmes A and B
    world = build_world()
    grantee = world["a"]["grantee"]

    # when the role asks for A's grantee's data
    response = client_for(world["users"][role]).post(reverse("grantees:export", args=[grantee.pk]))

    # then the holders of the personal-data permission within A get the JSON file, nobody else
    if role in A_READERS:
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert response["Content-Disposition"] == 'attachment; filename="grantee-A-0001.json"'
        assert b"Maryam Ahmadi A" in response.content
    else:
        assert response.status_code in (302, 403, 404)
        assert b"Maryam" not in response.content


def test_the_export_door_does_not_answer_a_get():
    # given the officer of A
    world = build_world()
    grantee = world["a"]["grantee"]

    # when they follow a link to the export
    response = client_for(world["users"][OFFICER_A]).get(reverse("grantees:export", args=[grantee.pk]))

    # then nothing is exported: only a POST exports
    assert response.status_code == 405


def test_programme_names_stay_out_of_reach_of_an_officer_of_another_programme_in_the_generate_form():
    # given programmes A and B
    world = build_world()

    # when the officer of B opens the form to generate a month
    page = client_for(world["users"][OFFICER_B]).get(reverse("grant_disbursements:generate")).content.decode()

    # then only programme B is offered
    assert "Programme B" in page
    assert "Programme A" not in page
    assert Programme.objects.count() == 2
