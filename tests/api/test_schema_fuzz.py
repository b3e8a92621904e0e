"""The whole /api/v1/ OpenAPI schema, fuzzed with schemathesis against the project's own WSGI
application: every operation, as a partner user, a program officer and anonymous, with generated
ids, filters and pages (valid and not valid). No answer may be a server error, and every answer must
be one the schema documents: its status code, its content type and its body.

The schema is read from the app once, when the module is collected; each request then goes through
the full middleware stack in-process, inside the test's transaction (as Django's test client does,
the connection is not closed at the end of each request)."""

import datetime
from decimal import Decimal

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings

from outreach.campaigns.models import Indicator, ProgrammePartner
from outreach.grants.models import Award, OutcomeRecord
from tests.campaigns.test_partner_api import token_for
from tests.factories.campaigns import (
    IndicatorFactory,
    IndicatorTargetFactory,
    JointProgrammeFactory,
    PartnerFactory,
    ProgrammePartnerFactory,
    ResultFactory,
    partner_user,
)
from tests.factories.grants import (
    AwardFactory,
    BudgetLineFactory,
    CohortFactory,
    DisbursementFactory,
    FunderFactory,
    GranteeFactory,
    InstitutionFactory,
    OutcomeRecordFactory,
    ProgrammeFactory,
    officer_of,
)

pytestmark = pytest.mark.django_db

ROLES = ("partner", "officer", "anonymous")

# A filter naming a row the reader may not see (or no row at all) is well formed but answers 400, as
# the schema documents: the id exists nowhere for that reader. Everything else schema-valid must
# be accepted (or refused for the credentials, or not found).
CONFIG = schemathesis.Config.from_dict(
    {"checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "403", "404"]}}}
)
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", WSGIHandler(), config=CONFIG)


@pytest.fixture(autouse=True)
def requests_inside_the_test_transaction():
    """The WSGI handler closes the database connection after each request; inside a test that
    would end the test's transaction, so, as Django's test client does, it does not here."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world() -> dict:
    """A joint programme of the EU Delegation with periods, indicators, targets and results (overall
    and broken down), another partner's programme; a grant programme the EU funds with a cohort,
    awards in several states, payments, a budget and an alumni survey, and a closed one; a token
    for the EU's partner user and for the grant programme's officer."""
    eu = PartnerFactory(eu=True, website="https://www.eeas.europa.eu/delegations/kazakhstan_en")
    embassy = PartnerFactory(name="Embassy of Japan", kind="embassy", country="", website="")
    programme = JointProgrammeFactory(name="Voices of Reason", code="voices", with_periods=True)
    ProgrammePartnerFactory(programme=programme, partner=eu)
    ProgrammePartnerFactory(
        programme=programme,
        partner=embassy,
        role=ProgrammePartner.Role.CO_FUNDER,
        funding_share=Decimal("20"),
    )
    ProgrammePartnerFactory(programme=JointProgrammeFactory(code="embassy-schools"), partner=embassy)
    first_half, second_half = programme.periods.order_by("starts_on")[:2]
    reached = IndicatorFactory(
        programme=programme,
        code="OC1.1",
        baseline_date=datetime.date(2025, 12, 31),
        partner_code="EU RF 2.27",
    )
    share = IndicatorFactory(programme=programme, code="OC1.2", percent=True, partner_code="")
    for indicator in (reached, share):
        IndicatorTargetFactory(indicator=indicator, period=first_half)
        IndicatorTargetFactory(indicator=indicator, period=second_half, value=Decimal("2500"))
    ResultFactory(indicator=reached, period=first_half)
    ResultFactory(
        indicator=reached,
        period=first_half,
        dimension=Indicator.Dimension.LANGUAGE,
        category="ru",
        value=Decimal("410"),
    )
    ResultFactory(indicator=share, period=first_half, value=Decimal("37.50"), evidence_note="")

    grants = ProgrammeFactory(name="Education for Afghan students", code="afg-edu", ends_on=None)
    ProgrammeFactory(code="closed-programme", closed=True)
    FunderFactory(programme=grants, name="European Union", share_percent=Decimal("40"), partner=eu)
    BudgetLineFactory(programme=grants, year=timezone.localdate().year)
    cohort = CohortFactory(programme=grants, name="2025 intake")
    university = InstitutionFactory(name="Al-Farabi Kazakh National University")
    active = AwardFactory(grantee=GranteeFactory(programme=grants), cohort=cohort, institution=university)
    DisbursementFactory(award=active, month=timezone.localdate().replace(day=1))
    alumna = AwardFactory(
        grantee=GranteeFactory(programme=grants),
        cohort=cohort,
        institution=university,
        status=Award.Status.ALUMNI,
        starts_on=datetime.date(2021, 9, 1),
        expected_end_on=datetime.date(2025, 6, 30),
        ended_on=datetime.date(2025, 6, 20),
        status_changed_at=timezone.now(),
    )
    OutcomeRecordFactory(
        award=alumna, wave=OutcomeRecord.Wave.MONTHS_6, responded_on=datetime.date(2026, 1, 5)
    )
    AwardFactory(grantee=GranteeFactory(programme=grants, is_locked=True), cohort=cohort)

    return {
        "headers": {
            "partner": {"Authorization": f"Token {token_for(partner_user(eu, 'eu.reader'))}"},
            "officer": {"Authorization": f"Token {token_for(officer_of(grants, 'afg.officer'))}"},
            "anonymous": {},
        },
        "ids": {
            "partner": eu.pk,
            "programme": programme.pk,
            "indicator": reached.pk,
            "period": first_half.pk,
            "grant_programme": grants.pk,
            "cohort": cohort.pk,
            "award": alumna.pk,
        },
    }


@pytest.fixture(params=ROLES)
def role(request) -> str:
    return request.param


@pytest.mark.usefixtures("role")
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    # The world is built once per operation and role and only read (every operation is a GET), so
    # sharing the function-scoped fixtures between examples is what we want.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_generated_requests_get_documented_answers_and_never_a_server_error(case, role, world):
    # given the world's rows and the role's token (none for anonymous)
    # when schemathesis sends a generated request of this operation
    # then the answer is no server error, and its status, content type and body are the schema's
    case.call_and_validate(headers=world["headers"][role])


# Every operation with the ids and filters of real rows: what each role may read answers 200 with
# rows, the rest is refused; every answer is checked against the schema like a generated one.
REAL_REQUESTS = [
    ("/api/v1/partners/", {}, {"kind": "international", "is_active": "true"}),
    ("/api/v1/partners/{id}/", {"id": "partner"}, {}),
    ("/api/v1/programmes/", {}, {}),
    ("/api/v1/programmes/{id}/", {"id": "programme"}, {}),
    ("/api/v1/indicators/", {}, {"programme": "programme"}),
    ("/api/v1/indicators/{id}/", {"id": "indicator"}, {}),
    (
        "/api/v1/results/",
        {},
        {
            "programme": "programme",
            "indicator": "indicator",
            "period": "period",
            "partner_code": "EU RF 2.27",
        },
    ),
    ("/api/v1/grants/programmes/", {}, {}),
    ("/api/v1/grants/programmes/{id}/", {"id": "grant_programme"}, {}),
    ("/api/v1/grants/programmes/{id}/aggregates/", {"id": "grant_programme"}, {}),
    ("/api/v1/grants/cohorts/", {}, {"programme": "grant_programme"}),
    ("/api/v1/grants/cohorts/{id}/", {"id": "cohort"}, {}),
    ("/api/v1/grants/awards/", {}, {"programme": "grant_programme", "cohort": "cohort", "status": "alumni"}),
    ("/api/v1/grants/awards/{id}/", {"id": "award"}, {}),
]

# What each role gets at each door: the EU's partner user reads their organisation, its programme
# and the grant programme it funds, in figures only; the officer reads their grant programme only.
EXPECTED = {
    "partner": {
        "/api/v1/partners/": 200,
        "/api/v1/partners/{id}/": 200,
        "/api/v1/programmes/": 200,
        "/api/v1/programmes/{id}/": 200,
        "/api/v1/indicators/": 200,
        "/api/v1/indicators/{id}/": 200,
        "/api/v1/results/": 200,
        "/api/v1/grants/programmes/": 200,
        "/api/v1/grants/programmes/{id}/": 200,
        "/api/v1/grants/programmes/{id}/aggregates/": 200,
        "/api/v1/grants/cohorts/": 403,
        "/api/v1/grants/cohorts/{id}/": 403,
        "/api/v1/grants/awards/": 403,
        "/api/v1/grants/awards/{id}/": 403,
    },
    "officer": {
        "/api/v1/partners/": 403,
        "/api/v1/partners/{id}/": 403,
        "/api/v1/programmes/": 403,
        "/api/v1/programmes/{id}/": 403,
        "/api/v1/indicators/": 403,
        "/api/v1/indicators/{id}/": 403,
        "/api/v1/results/": 403,
        "/api/v1/grants/programmes/": 200,
        "/api/v1/grants/programmes/{id}/": 200,
        "/api/v1/grants/programmes/{id}/aggregates/": 200,
        "/api/v1/grants/cohorts/": 200,
        "/api/v1/grants/cohorts/{id}/": 200,
        "/api/v1/grants/awards/": 200,
        "/api/v1/grants/awards/{id}/": 200,
    },
    "anonymous": {path: 401 for path, _path_ids, _query_ids in REAL_REQUESTS},
}


def test_the_schema_covers_every_operation_and_the_walk_below_visits_each():
    # given the schema read from the application
    # when its operations are listed
    paths = {result.ok().path for result in schema.get_all_operations()}
    # then each is a GET walked with real rows below, the grants API included
    assert paths == {path for path, _path_ids, _query_ids in REAL_REQUESTS}
    assert {result.ok().method for result in schema.get_all_operations()} == {"get"}


@pytest.mark.parametrize(
    ("path", "path_ids", "query_ids"), REAL_REQUESTS, ids=[row[0] for row in REAL_REQUESTS]
)
def test_real_rows_answer_each_role_as_the_schema_says(world, path, path_ids, query_ids):
    ids = world["ids"]
    operation = schema[path]["GET"]
    case = operation.Case(
        path_parameters={name: ids[key] for name, key in path_ids.items()},
        # A filter value is the id of a world row where it names one, else the value itself.
        query={name: ids.get(value, value) for name, value in query_ids.items()},
    )
    for role in ROLES:
        # given the real ids and filter values of the world's rows
        # when the role asks for them
        response = case.call_and_validate(headers=world["headers"][role])
        # then the answer is the role's, and it is what the schema describes
        assert response.status_code == EXPECTED[role][path], role
        if response.status_code == 200 and "{id}" not in path:
            assert response.json()["count"] >= 1, role
