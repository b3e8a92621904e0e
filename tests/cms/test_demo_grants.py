"""The demo grant programme that `manage.py load_demo` fills in: its people and their history, that a
second load adds nothing, the demo officer's dashboard with an award at risk of every kind, the EU
partner reading the figures and never a grantee, and a story that holds on whatever day it is loaded."""

import datetime
import io
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from cms import demo_content
from cms.demo_campaigns import PARTNER_USERNAME
from cms.demo_grants import OFFICER_USERNAME, PROGRAMME_CODE, demo_grants_load, demo_officer_ensure
from outreach.campaigns.models import Partner
from outreach.grants.models import (
    Award,
    AwardTransition,
    BudgetLine,
    Cohort,
    Consent,
    Disbursement,
    DisbursementShare,
    ExchangeRate,
    Funder,
    Grantee,
    Institution,
    Milestone,
    OutcomeRecord,
    Programme,
    ProgrammeOfficer,
    ProgressReport,
    ResidenceDocument,
)
from outreach.grants.permissions import (
    can_view_cannot_return_flag,
    can_view_grantee,
    can_view_programme_aggregates,
)
from outreach.grants.selectors import grantees_visible_to, programme_dashboard

pytestmark = pytest.mark.django_db

STATUSES = {
    "selected": 1,
    "enrolled": 1,
    "active": 10,
    "probation": 2,
    "suspended": 1,
    "withdrawn": 2,
    "graduated": 2,
    "alumni": 5,
}
# Who is at risk on the day of loading, and why.
AT_RISK = {
    "AFG-EDU-0407": ("low_gpa",),
    "AFG-EDU-0415": ("missing_report",),
    "AFG-EDU-0416": ("low_attendance",),
    "AFG-EDU-0420": ("payment_held",),
    "AFG-EDU-0421": ("visa_expiring",),
}
GRANT_MODELS = [
    Programme,
    ProgrammeOfficer,
    Funder,
    BudgetLine,
    ExchangeRate,
    Institution,
    Cohort,
    Grantee,
    ResidenceDocument,
    Consent,
    Award,
    AwardTransition,
    ProgressReport,
    Milestone,
    Disbursement,
    DisbursementShare,
    OutcomeRecord,
]


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in GRANT_MODELS} | {
        "users": get_user_model().objects.count()
    }


def at_risk_by_code(programme: Programme, user, today: datetime.date) -> dict[str, tuple[str, ...]]:
    dashboard = programme_dashboard(programme=programme, user=user, today=today)
    codes = dict(Award.objects.values_list("pk", "grantee__code"))
    return {codes[entry.award_id]: entry.codes for entry in dashboard.at_risk}


@pytest.fixture(scope="class")
def loaded(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[dict[str, Any]]:
    """The whole demo site loaded by the command once for the class below (a load takes seconds),
    inside a transaction rolled back afterwards; each test's own transaction nests in it as a
    savepoint. Passwords and media go to folders of their own."""
    var = tmp_path_factory.mktemp("demo-var")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("demo-media")), VAR_DIR=str(var)),
        transaction.atomic(),
    ):
        out = io.StringIO()
        call_command("load_demo", stdout=out)
        yield {"output": out.getvalue(), "var": var, "today": timezone.localdate()}
        transaction.set_rollback(True)
    # The site's root paths are cached; the next test must not see these home pages.
    cache.clear()


class TestTheLoadedDemo:
    """What one run of `load_demo` leaves in the grants, as the officer and the EU partner see it."""

    @pytest.fixture
    def programme(self, loaded) -> Programme:
        return Programme.objects.get(code=PROGRAMME_CODE)

    def test_the_first_load_fills_in_the_programme_with_its_people(self, loaded, programme):
        # then (the `loaded` fixture ran the command once)
        assert (
            "1 grant programme filled in, 1 programme officer assigned, 2 funders, 8 budget lines"
            in loaded["output"]
        )
        today = loaded["today"]
        year = today.year if today.month >= 9 else today.year - 1
        assert [(cohort.name, cohort.starts_on) for cohort in programme.cohorts.order_by("intake_year")] == [
            (f"{intake} intake", datetime.date(intake, 9, 1)) for intake in (year - 3, year - 2, year - 1)
        ]
        assert list(
            programme.funders.values_list(
                "name", "share_percent", "reporting_currency", "partner__short_name"
            )
        ) == [
            (
                "Ministry of Science and Higher Education of the Republic of Kazakhstan",
                Decimal("70"),
                "KZT",
                None,
            ),
            ("European Union", Decimal("30"), "EUR", "EU Delegation"),
        ]
        assert Counter(programme.budget_lines.values_list("year", flat=True)) == {
            today.year: 4,
            today.year - 1: 4,
        }
        assert (programme.gpa_threshold, programme.attendance_threshold, programme.visa_warning_days) == (
            Decimal("2.33"),
            Decimal("80"),
            60,
        )
        assert set(
            Institution.objects.filter(awards__cohort__programme=programme).values_list("name", "city")
        ) == {
            ("Al-Farabi Kazakh National University", "Almaty"),
            ("L.N. Gumilyov Eurasian National University", "Astana"),
            ("Satbayev University", "Almaty"),
            ("KIMEP University", "Almaty"),
            ("Karaganda Buketov University", "Karaganda"),
            ("Kazakh National Agrarian Research University", "Almaty"),
        }
        grantees = Grantee.objects.filter(programme=programme)
        assert grantees.count() == 24
        assert Counter(Award.objects.filter(grantee__in=grantees).values_list("cohort__name", flat=True)) == {
            f"{intake} intake": 8 for intake in (year - 3, year - 2, year - 1)
        }
        assert Counter(grantees.values_list("gender", flat=True)) == {"female": 12, "male": 12}
        assert set(grantees.values_list("language", flat=True)) == {"fa-af", "ps", "en"}
        assert len(set(grantees.values_list("province_of_origin", flat=True))) >= 20
        assert list(grantees.filter(cannot_return_safely=True).values_list("code", flat=True)) == [
            "AFG-EDU-0412"
        ]
        assert not grantees.filter(is_locked=True).exists()
        assert all(grantee.name_original and grantee.name_latin for grantee in grantees)
        # Contacts are encrypted at rest and read back in clear.
        noori = grantees.get(code="AFG-EDU-0401")
        assert noori.email == "abdul.rahim.noori@example.org"
        with connection.cursor() as cursor:
            cursor.execute("SELECT email FROM grants_grantee WHERE code = %s", ["AFG-EDU-0401"])
            (stored,) = cursor.fetchone()
        assert "noori" not in stored and "@" not in stored

    def test_every_status_of_the_state_machine_has_its_history(self, loaded, programme):
        # then (the `loaded` fixture ran the command once)
        awards = Award.objects.filter(cohort__programme=programme)
        assert Counter(awards.values_list("status", flat=True)) == STATUSES
        officer = get_user_model().objects.get(username=OFFICER_USERNAME)
        moves = AwardTransition.objects.filter(award__in=awards)
        # Every award but the one still selected has moved, each move by the officer with a reason,
        # on the day it happened, never later than today.
        assert set(moves.values_list("award__status", flat=True)) == set(STATUSES) - {"selected"}
        assert set(moves.values_list("actor", flat=True)) == {officer.pk}
        assert all(move.reason.strip() for move in moves)
        assert max(move.at for move in moves).date() <= loaded["today"]
        assert len({move.at.date() for move in moves}) > 10
        alumnus = awards.get(grantee__code="AFG-EDU-0401")
        assert [(move.from_status, move.to_status) for move in alumnus.transitions.all()] == [
            ("selected", "enrolled"),
            ("enrolled", "active"),
            ("active", "graduated"),
            ("graduated", "alumni"),
        ]
        assert alumnus.ended_on == alumnus.transitions.get(to_status="graduated").at.date()
        for award in awards.filter(status__in=("withdrawn", "graduated", "alumni")):
            assert award.ended_on is not None, award.grantee.code
        upcoming = awards.get(status="enrolled")
        assert loaded["today"] < upcoming.starts_on <= loaded["today"] + datetime.timedelta(days=90)
        assert awards.get(status="selected").starts_on > loaded["today"]

    def test_stipends_are_paid_split_at_the_days_rate_and_one_is_held(self, loaded, programme):
        # then (the `loaded` fixture ran the command once)
        payments = Disbursement.objects.filter(award__cohort__programme=programme)
        paid = payments.filter(status="paid")
        assert set(paid.values_list("kind", flat=True)) == {"stipend", "housing", "tuition"}
        assert len(set(paid.values_list("month", flat=True))) >= 6
        for payment in paid.prefetch_related("shares__funder"):
            shares = {share.funder.reporting_currency: share for share in payment.shares.all()}
            assert sum(share.amount for share in shares.values()) == payment.amount
            rate = ExchangeRate.objects.get(base="EUR", currency="KZT", on=payment.paid_on).rate
            assert shares["EUR"].exchange_rate == rate
            assert shares["EUR"].reporting_amount == (shares["EUR"].amount / rate).quantize(Decimal("0.01"))
        (held,) = payments.filter(status="held")
        assert held.award.grantee.code == "AFG-EDU-0420"
        assert held.held_reason.startswith("Her bank card was stolen")

    def test_reports_milestones_consents_and_outcomes_tell_the_story(self, loaded, programme):
        # then (the `loaded` fixture ran the command once)
        reports = ProgressReport.objects.filter(award__cohort__programme=programme)
        assert reports.filter(gpa__lt=programme.gpa_threshold).exists()
        assert reports.filter(attendance_percent__lt=programme.attendance_threshold).exists()
        assert reports.filter(submitted_on__isnull=True).count() == 1
        assert all(report.officer_comment for report in reports)
        milestones = Milestone.objects.filter(award__cohort__programme=programme)
        assert milestones.filter(completed_on__isnull=False).exists()
        assert milestones.filter(completed_on__isnull=True, due_on__lt=loaded["today"]).count() == 1
        consents = Consent.objects.filter(grantee__programme=programme)
        assert set(consents.values_list("purpose", flat=True)) == {"recontact", "funder_sharing", "story"}
        assert consents.filter(purpose="recontact", is_given=True).count() == 24
        assert consents.filter(is_given=False).count() == 2
        outcomes = OutcomeRecord.objects.filter(
            award__cohort__programme=programme, responded_on__isnull=False
        )
        assert set(outcomes.values_list("residence", flat=True)) == {"returned", "third_country", "stayed"}
        assert sorted(outcomes.filter(is_leadership=True).values_list("verification", flat=True)) == [
            "employer",
            "officer",
        ]
        assert OutcomeRecord.objects.filter(
            award__cohort__programme=programme, responded_on__isnull=True, surveyed_on__isnull=False
        ).exists()
        visa = ResidenceDocument.objects.get(grantee__code="AFG-EDU-0421", kind="visa")
        assert visa.expires_on == loaded["today"] + datetime.timedelta(days=38)

    def test_a_second_load_adds_and_changes_nothing(self, loaded):
        # given
        before = row_counts()
        # when
        out = io.StringIO()
        call_command("load_demo", stdout=out)
        # then
        assert (
            out.getvalue().splitlines()[0] == "Demo content is already loaded; nothing was added or changed."
        )
        assert row_counts() == before

    def test_a_deleted_demo_officer_comes_back_assigned_and_nothing_else_does(
        self, loaded, programme, settings, tmp_path
    ):
        # given the demo officer's account deleted
        settings.VAR_DIR = tmp_path
        get_user_model().objects.filter(username=OFFICER_USERNAME).delete()
        before = row_counts()
        # when
        again = demo_grants_load()
        # then only the officer and their assignment are made again, with no password until the
        # command shows the logins (a load writes nothing to var/)
        assert {kind: count for kind, count in again.items() if count} == {"programme_officers": 1}
        assert row_counts() == before | {"users": before["users"] + 1, "ProgrammeOfficer": 1}
        assert ProgrammeOfficer.objects.get(programme=programme).is_senior
        assert not get_user_model().objects.get(username=OFFICER_USERNAME).has_usable_password()
        assert not list(tmp_path.iterdir())

    def test_the_demo_officer_sees_an_award_at_risk_of_every_kind(self, loaded, programme):
        # given the demo officer
        officer = get_user_model().objects.get(username=OFFICER_USERNAME)
        # when they read the programme's dashboard
        at_risk = at_risk_by_code(programme, officer, loaded["today"])
        # then each rule flags one award, and as senior officer they see who cannot return safely
        assert at_risk == AT_RISK
        assert can_view_cannot_return_flag(officer, Grantee.objects.get(code="AFG-EDU-0412"))
        client = Client()
        client.force_login(officer)
        page = client.get(reverse("grant_dashboards:programme", args=[programme.pk])).content.decode()
        assert "Mursal Azizi" in page and "Hadia Osmani" in page

    def test_the_eu_partner_reads_the_figures_and_never_a_grantee(self, loaded, programme):
        # given the demo partner user of the EU Delegation
        partner = get_user_model().objects.get(username=PARTNER_USERNAME)
        # when they read the programme's figures
        dashboard = programme_dashboard(programme=programme, user=partner, today=loaded["today"])
        # then they may, with no one at risk named, and no grantee is theirs to see
        assert can_view_programme_aggregates(partner, programme)
        assert dashboard.at_risk == []
        assert dashboard.paid_total > 0
        assert not [grantee.code for grantee in Grantee.objects.all() if can_view_grantee(partner, grantee)]
        assert not grantees_visible_to(user=partner).exists()
        client = Client()
        client.force_login(partner)
        response = client.get(reverse("grant_dashboards:programme", args=[programme.pk]))
        assert response.status_code == 200
        page = response.content.decode()
        assert not [grantee.code for grantee in Grantee.objects.all() if grantee.code in page]
        assert "Mursal" not in page

    def test_the_command_prints_the_officers_login_which_works(self, loaded):
        # given the password kept in var/
        password = (Path(loaded["var"]) / "officer-password.txt").read_text().strip()
        # then the command printed it, and it opens the admin
        assert (
            f"Program officer login (senior officer of the Afghan students' programme): {OFFICER_USERNAME} / "
            f"{password}"
        ) in loaded["output"]
        assert Client().login(username=OFFICER_USERNAME, password=password)
        assert demo_officer_ensure() == (OFFICER_USERNAME, password)


@pytest.mark.parametrize(
    "day",
    [
        # The day before the autumn semester's reports count as in: spring's are the latest.
        datetime.date(2026, 1, 9),
        # The next semester starts within 30 days: the one selected from the reserve list starts after it.
        datetime.date(2025, 12, 26),
        # A week after the spring semester's end.
        datetime.date(2026, 6, 20),
        # The first day of an academic year: no stipend paid yet this month.
        datetime.date(2026, 9, 1),
    ],
)
def test_the_story_holds_whatever_day_the_demo_is_loaded(day):
    # Days gone by: a payment cannot be marked paid on a day that has not come yet.
    # given the partners the demo site adds
    for row in demo_content.PARTNERS:
        Partner.objects.get_or_create(name=row["name"], defaults=row)
    # when the grants demo is loaded on that day
    demo_grants_load(today=day)
    # then every status is there and the same five awards are at risk, each for its reason
    programme = Programme.objects.get(code=PROGRAMME_CODE)
    officer = get_user_model().objects.get(username=OFFICER_USERNAME)
    assert Counter(Award.objects.values_list("status", flat=True)) == STATUSES
    assert at_risk_by_code(programme, officer, day) == AT_RISK
    assert max(AwardTransition.objects.values_list("at", flat=True)).date() <= day
