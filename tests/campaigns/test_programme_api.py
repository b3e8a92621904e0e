"""GET /api/v1/programmes/, /indicators/ and /results/: what each role reads with a token or a session,
how filters answer bad values, the schema, and query budgets that stay flat as rows grow."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation
from knox.models import AuthToken
from rest_framework.fields import DateTimeField
from rest_framework.test import APIClient

from outreach.campaigns.models import Indicator, Partner, ProgrammePartner
from outreach.core.roles import CAMPAIGN_MANAGER, EDITOR, PROGRAM_OFFICER
from tests.campaigns.test_partner_api import token_for
from tests.factories.campaigns import (
    IndicatorFactory,
    IndicatorTargetFactory,
    JointProgrammeFactory,
    PartnerFactory,
    ProgrammePartnerFactory,
    ResultFactory,
    ResultStatementFactory,
    partner_user,
)
from tests.factories.users import UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_messages():
    """Messages are asserted in English; the platform's default language is Kazakh."""
    with translation.override("en"):
        yield


OBJECTIVES = (
    "Young people in Central Asia meet credible answers to extremist recruitment in their own language."
)


@pytest.fixture
def world():
    """Programme A (the EU leads, a youth network implements) and programme B (SAMK alone), each with
    periods, an indicator with targets and results, and a user for every role."""
    eu = PartnerFactory(eu=True)
    network = PartnerFactory(name="Youth Peace Network", short_name="YPN")
    samk = PartnerFactory(
        name="Spiritual Administration of Muslims of Kazakhstan",
        short_name="SAMK",
        kind=Partner.Kind.NATIONAL_AGENCY,
    )
    programme_a = JointProgrammeFactory(name="Resilient youth", code="eu-pve-2026", with_periods=True)
    ProgrammePartnerFactory(
        programme=programme_a, partner=eu, role=ProgrammePartner.Role.LEAD, funding_share=Decimal("80")
    )
    ProgrammePartnerFactory(
        programme=programme_a,
        partner=network,
        role=ProgrammePartner.Role.IMPLEMENTING,
        funding_share=Decimal("20"),
    )
    programme_b = JointProgrammeFactory(name="Imams online", code="samk-2026", with_periods=True)
    ProgrammePartnerFactory(
        programme=programme_b, partner=samk, role=ProgrammePartner.Role.LEAD, funding_share=Decimal("100")
    )
    periods_a = list(programme_a.periods.order_by("starts_on"))
    periods_b = list(programme_b.periods.order_by("starts_on"))
    outcome_a = ResultStatementFactory(
        programme=programme_a, code="OC1", statement="Young people question extremist narratives."
    )
    indicator_a = IndicatorFactory(programme=programme_a, statement=outcome_a, code="A1")
    IndicatorTargetFactory(indicator=indicator_a, period=periods_a[0], value=Decimal("1000"))
    IndicatorTargetFactory(indicator=indicator_a, period=periods_a[1], value=Decimal("2500"))
    indicator_b = IndicatorFactory(
        programme=programme_b, code="B1", partner_code="SAMK-7", disaggregation=[], name="Imams trained"
    )
    manager = member([CAMPAIGN_MANAGER], "campaign.manager")
    result_a = ResultFactory(
        indicator=indicator_a, period=periods_a[0], value=Decimal("640"), entered_by=manager
    )
    result_a_ru = ResultFactory(
        indicator=indicator_a,
        period=periods_a[0],
        dimension=Indicator.Dimension.LANGUAGE,
        category="ru",
        value=Decimal("400"),
        entered_by=manager,
    )
    result_b = ResultFactory(indicator=indicator_b, period=periods_b[0], value=Decimal("12"))
    return {
        "eu": eu,
        "network": network,
        "samk": samk,
        "programme_a": programme_a,
        "programme_b": programme_b,
        "periods_a": periods_a,
        "periods_b": periods_b,
        "indicator_a": indicator_a,
        "indicator_b": indicator_b,
        "result_a": result_a,
        "result_a_ru": result_a_ru,
        "result_b": result_b,
        "partner_a": partner_user(eu, "eu.reader"),
        "partner_b": partner_user(samk, "samk.reader"),
        "manager": manager,
        "officer": member([PROGRAM_OFFICER], "program.officer"),
        "editor": member([EDITOR], "editor"),
    }


def with_token(user, language: str = "en", **kwargs) -> APIClient:
    """A client sending `user`'s token; its messages come in `language` (Accept-Language)."""
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user, **kwargs)}", HTTP_ACCEPT_LANGUAGE=language)
    return api


def with_session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def period_json(period) -> dict:
    return {
        "id": period.pk,
        "name": period.name,
        "starts_on": period.starts_on.isoformat(),
        "ends_on": period.ends_on.isoformat(),
    }


def codes(response) -> list[str]:
    return [row["code"] for row in response.json()["results"]]


# --- Who reads what ----------------------------------------------------------------------------


def urls(world) -> dict[str, str]:
    return {
        "programmes": "/api/v1/programmes/",
        "programme A": f"/api/v1/programmes/{world['programme_a'].pk}/",
        "programme B": f"/api/v1/programmes/{world['programme_b'].pk}/",
        "indicators": "/api/v1/indicators/",
        "indicator A": f"/api/v1/indicators/{world['indicator_a'].pk}/",
        "indicator B": f"/api/v1/indicators/{world['indicator_b'].pk}/",
        "results": "/api/v1/results/",
    }


def test_every_role_against_every_endpoint(world):
    # given a client for each role: API tokens for partner users, sessions for staff
    revoked = with_token(world["partner_a"])
    AuthToken.objects.filter(user=world["partner_a"]).delete()
    expired = with_token(world["partner_a"], expiry=timedelta(seconds=-1))
    inactive_user = partner_user(world["eu"], "former.eu.reader")
    inactive = with_token(inactive_user)
    inactive_user.is_active = False
    inactive_user.save()
    everything = {name: 200 for name in urls(world)}
    refused = dict.fromkeys(urls(world), 403)
    unauthenticated = dict.fromkeys(urls(world), 401)
    roles = {
        "anonymous": (APIClient(), unauthenticated),
        "partner A token": (
            with_token(world["partner_a"]),
            {**everything, "programme B": 404, "indicator B": 404},
        ),
        "partner B token": (
            with_token(world["partner_b"]),
            {**everything, "programme A": 404, "indicator A": 404},
        ),
        "campaign manager session": (with_session(world["manager"]), everything),
        "superuser session": (with_session(UserFactory(superuser=True)), everything),
        "program officer session": (with_session(world["officer"]), refused),
        "program officer token": (with_token(world["officer"]), refused),
        "editor session": (with_session(world["editor"]), refused),
        "editor token": (with_token(world["editor"]), refused),
        "expired token": (expired, unauthenticated),
        "revoked token": (revoked, unauthenticated),
        "inactive user's token": (inactive, unauthenticated),
    }
    for role, (client, expected) in roles.items():
        for name, url in urls(world).items():
            # when
            response = client.get(url)
            # then
            assert response.status_code == expected[name], f"{role} {name}"
            assert response["Content-Type"].startswith("application/json"), f"{role} {name}"
            if expected[name] == 401:
                assert response["WWW-Authenticate"] == "Token"


def test_a_partner_token_lists_only_its_organisations_programme(world):
    # given
    api_a, api_b = with_token(world["partner_a"]), with_token(world["partner_b"])
    # when / then
    assert codes(api_a.get("/api/v1/programmes/")) == ["eu-pve-2026"]
    assert codes(api_b.get("/api/v1/programmes/")) == ["samk-2026"]
    assert codes(api_a.get("/api/v1/indicators/")) == ["A1"]
    assert codes(api_b.get("/api/v1/indicators/")) == ["B1"]
    assert [row["id"] for row in api_a.get("/api/v1/results/").json()["results"]] == [
        world["result_a"].pk,
        world["result_a_ru"].pk,
    ]
    assert [row["id"] for row in api_b.get("/api/v1/results/").json()["results"]] == [world["result_b"].pk]


def test_a_campaign_manager_lists_every_programme(world):
    # given
    client = with_session(world["manager"])
    # when
    body = client.get("/api/v1/programmes/").json()
    # then: same start, so by name
    assert body["count"] == 2
    assert [row["code"] for row in body["results"]] == ["samk-2026", "eu-pve-2026"]
    assert codes(client.get("/api/v1/indicators/")) == ["A1", "B1"]
    assert client.get("/api/v1/results/").json()["count"] == 3


# --- What each endpoint returns ----------------------------------------------------------------


def test_a_programme_with_its_partners_and_periods(world):
    # given
    programme, api = world["programme_a"], with_token(world["partner_a"])
    # when
    response = api.get(f"/api/v1/programmes/{programme.pk}/")
    # then
    assert response.status_code == 200
    assert response.json() == {
        "id": programme.pk,
        "name": "Resilient youth",
        "code": "eu-pve-2026",
        "objectives": OBJECTIVES,
        "starts_on": "2026-01-01",
        "ends_on": "2027-12-31",
        "currency": "EUR",
        "budget": "1200000.00",
        "is_active": True,
        "partners": [
            {
                "id": world["eu"].pk,
                "name": "Delegation of the European Union to Kazakhstan",
                "short_name": "EU Delegation",
                "role": "lead",
                "funding_share": "80.00",
            },
            {
                "id": world["network"].pk,
                "name": "Youth Peace Network",
                "short_name": "YPN",
                "role": "implementing",
                "funding_share": "20.00",
            },
        ],
        "periods": [period_json(period) for period in world["periods_a"]],
    }
    assert [period["name"] for period in response.json()["periods"]] == [
        "2026 H1",
        "2026 H2",
        "2027 H1",
        "2027 H2",
    ]


def test_an_indicator_with_its_statement_and_targets(world):
    # given
    indicator, api = world["indicator_a"], with_token(world["partner_a"])
    # when
    response = api.get(f"/api/v1/indicators/{indicator.pk}/")
    # then
    assert response.status_code == 200
    assert response.json() == {
        "id": indicator.pk,
        "programme": world["programme_a"].pk,
        "code": "A1",
        "partner_code": "EU RF 2.27",
        "name": "Young people reached by counter-narrative material",
        "unit": "people",
        "baseline": "0.00",
        "baseline_date": None,
        "means_of_verification": "Platform reading figures and workshop attendance lists.",
        "disaggregation": ["language", "sex"],
        "statement": {
            "code": "OC1",
            "level": "outcome",
            "statement": "Young people question extremist narratives.",
        },
        "source": "manual",
        "targets": [
            {"period": period_json(world["periods_a"][0]), "value": "1000.00"},
            {"period": period_json(world["periods_a"][1]), "value": "2500.00"},
        ],
    }


def test_results_say_what_was_counted_but_never_who_entered_it(world):
    # given: the manager entered both results of indicator A
    result, api = world["result_a_ru"], with_token(world["partner_a"])
    # when
    rows = api.get("/api/v1/results/").json()["results"]
    # then
    assert rows[1] == {
        "id": result.pk,
        "indicator": {
            "id": world["indicator_a"].pk,
            "programme": world["programme_a"].pk,
            "code": "A1",
            "partner_code": "EU RF 2.27",
        },
        "period": period_json(world["periods_a"][0]),
        "dimension": "language",
        "category": "ru",
        "value": "400.00",
        "is_automatic": False,
        "source_detail": "",
        "evidence_note": "Attendance lists of 12 school workshops, scanned.",
        "updated_at": DateTimeField().to_representation(result.updated_at),
    }
    text = api.get("/api/v1/results/").content.decode()
    assert "campaign.manager" not in text
    assert "entered_by" not in text


def test_the_api_is_read_only(world):
    # given
    client = with_session(world["manager"])
    programme = world["programme_a"]
    # when
    responses = [
        client.post("/api/v1/programmes/", {"name": "New"}),
        client.patch(
            f"/api/v1/programmes/{programme.pk}/", {"name": "Renamed"}, content_type="application/json"
        ),
        client.delete(f"/api/v1/indicators/{world['indicator_a'].pk}/"),
        client.post("/api/v1/results/", {"value": "1"}),
    ]
    # then
    assert [response.status_code for response in responses] == [405, 405, 405, 405]
    programme.refresh_from_db()
    assert programme.name == "Resilient youth"
    assert Indicator.objects.count() == 2


# --- Filters -----------------------------------------------------------------------------------


def test_indicators_by_programme(world):
    # given
    client = with_session(world["manager"])
    # when / then
    assert codes(client.get("/api/v1/indicators/", {"programme": world["programme_b"].pk})) == ["B1"]
    assert codes(client.get("/api/v1/indicators/", {"programme": world["programme_a"].pk})) == ["A1"]


def test_results_by_programme_period_indicator_and_partner_code(world):
    # given
    client = with_session(world["manager"])
    a, a_ru, b = world["result_a"].pk, world["result_a_ru"].pk, world["result_b"].pk

    def ids(**params) -> list[int]:
        response = client.get("/api/v1/results/", params)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    # when / then
    assert ids() == [a, a_ru, b]
    assert ids(programme=world["programme_b"].pk) == [b]
    assert ids(period=world["periods_a"][0].pk) == [a, a_ru]
    assert ids(period=world["periods_a"][1].pk) == []
    assert ids(indicator=world["indicator_b"].pk) == [b]
    assert ids(partner_code="EU RF 2.27") == [a, a_ru]
    assert ids(partner_code="EU RF 9.99") == []
    assert ids(programme=world["programme_a"].pk, period=world["periods_b"][0].pk) == []


def filter_cases(world) -> list[tuple[str, dict, dict]]:
    programme_b, period_b, indicator_b = world["programme_b"], world["periods_b"][0], world["indicator_b"]
    return [
        (
            "/api/v1/indicators/",
            {"programme": "abc"},
            {"programme": ["“abc” is not the id of a programme you may see."]},
        ),
        (
            "/api/v1/indicators/",
            {"programme": "999999"},
            {"programme": ["“999999” is not the id of a programme you may see."]},
        ),
        # Another partner's programme is answered exactly like one that does not exist.
        (
            "/api/v1/indicators/",
            {"programme": programme_b.pk},
            {"programme": [f"“{programme_b.pk}” is not the id of a programme you may see."]},
        ),
        (
            "/api/v1/results/",
            {"programme": programme_b.pk},
            {"programme": [f"“{programme_b.pk}” is not the id of a programme you may see."]},
        ),
        (
            "/api/v1/results/",
            {"period": period_b.pk},
            {"period": [f"“{period_b.pk}” is not the id of a reporting period you may see."]},
        ),
        (
            "/api/v1/results/",
            {"period": "2026 H1"},
            {"period": ["“2026 H1” is not the id of a reporting period you may see."]},
        ),
        (
            "/api/v1/results/",
            {"indicator": indicator_b.pk},
            {"indicator": [f"“{indicator_b.pk}” is not the id of an indicator you may see."]},
        ),
        (
            "/api/v1/results/",
            {"indicator": "-1"},
            {"indicator": ["“-1” is not the id of an indicator you may see."]},
        ),
        (
            "/api/v1/results/",
            {"partner_code": "x" * 41},
            {"partner_code": ["Ensure this value has at most 40 characters (it has 41)."]},
        ),
    ]


def test_bad_filter_values_get_a_400_that_says_what_is_wrong(world):
    # given a partner user of programme A
    api = with_token(world["partner_a"])
    for url, params, message in filter_cases(world):
        # when
        response = api.get(url, params)
        # then
        assert response.status_code == 400, (url, params)
        assert response["Content-Type"].startswith("application/json")
        assert response.json() == message


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/programmes/?page=abc", 404),
        ("/api/v1/programmes/?page=999", 404),
        ("/api/v1/programmes/999999/", 404),
        ("/api/v1/programmes/not-a-number/", 404),
        ("/api/v1/indicators/999999/", 404),
        ("/api/v1/results/1/", 404),
    ],
)
def test_malformed_requests_get_a_json_4xx_never_a_500(world, path, status):
    # given
    client = with_session(world["manager"])
    # when
    response = client.get(path)
    # then
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


# --- Schema ------------------------------------------------------------------------------------


def test_the_schema_lists_the_endpoints_their_filters_and_the_token_scheme(client):
    # when
    response = client.get("/api/v1/schema/", headers={"accept": "application/vnd.oai.openapi+json"})
    # then
    assert response.status_code == 200
    schema = response.json()
    assert {
        "/api/v1/programmes/",
        "/api/v1/programmes/{id}/",
        "/api/v1/indicators/",
        "/api/v1/indicators/{id}/",
        "/api/v1/results/",
    } <= set(schema["paths"])
    for path in schema["paths"].values():
        assert set(path) == {"get"}
        assert {"knoxApiToken": []} in path["get"]["security"]

    def parameters(path: str) -> set[str]:
        return {parameter["name"] for parameter in schema["paths"][path]["get"]["parameters"]}

    assert parameters("/api/v1/indicators/") == {"programme", "page"}
    assert parameters("/api/v1/results/") == {"programme", "period", "indicator", "partner_code", "page"}
    assert schema["components"]["securitySchemes"]["knoxApiToken"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": 'Token-based authentication with required prefix "Token"',
    }
    result_fields = set(schema["components"]["schemas"]["Result"]["properties"])
    assert result_fields == {
        "id",
        "indicator",
        "period",
        "dimension",
        "category",
        "value",
        "is_automatic",
        "source_detail",
        "evidence_note",
        "updated_at",
    }


# --- Query budgets -----------------------------------------------------------------------------


def grow(world) -> None:
    """Twenty more programmes of partner A, each with partners, periods, indicators, targets, results."""
    for number in range(20):
        programme = JointProgrammeFactory(with_periods=True)
        ProgrammePartnerFactory(programme=programme, partner=world["eu"])
        ProgrammePartnerFactory(programme=programme, partner=world["network"], funding_share=Decimal("20"))
        period = programme.periods.order_by("starts_on").first()
        indicator = IndicatorFactory(programme=programme, code=f"G{number}")
        IndicatorTargetFactory(indicator=indicator, period=period)
        ResultFactory(indicator=indicator, period=period)
        ResultFactory(indicator=indicator, period=period, dimension="sex", category="female")


# For a partner's token: 1 token by key with its user, 2 the user's other tokens (knox clears expired
# ones), 3-4 the user's and their groups' permissions, 5 their organisation (the partner scope).
TOKEN = 5


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        # count, page of programmes, their partners' roles with partners, their periods
        ("/api/v1/programmes/", TOKEN + 4),
        # count, page of indicators with programme and statement, their targets with periods
        ("/api/v1/indicators/", TOKEN + 3),
        # filter's programme, count, page of indicators, their targets
        ("/api/v1/indicators/?programme={programme}", TOKEN + 4),
        # count, page of results with indicator and period
        ("/api/v1/results/", TOKEN + 2),
        # the filter's programme, period and indicator, count, page of results
        ("/api/v1/results/?programme={programme}&period={period}&indicator={indicator}", TOKEN + 5),
    ],
)
def test_api_list_queries_do_not_grow(world, django_assert_num_queries, path, queries):
    # given
    api = with_token(world["partner_a"])
    path = path.format(
        programme=world["programme_a"].pk, period=world["periods_a"][0].pk, indicator=world["indicator_a"].pk
    )
    with django_assert_num_queries(queries):
        # when
        response = api.get(path)
    # then
    assert response.status_code == 200
    grow(world)
    with django_assert_num_queries(queries):
        assert api.get(path).status_code == 200


def test_detail_queries(world, django_assert_num_queries):
    # given
    api = with_token(world["partner_a"])
    # 1 programme, 2 partners' roles, 3 periods, 4 the partner takes part in it (object rule)
    with django_assert_num_queries(TOKEN + 4):
        # when / then
        assert api.get(f"/api/v1/programmes/{world['programme_a'].pk}/").status_code == 200
    # 1 indicator with programme and statement, 2 targets, 3 the partner takes part in its programme
    with django_assert_num_queries(TOKEN + 3):
        assert api.get(f"/api/v1/indicators/{world['indicator_a'].pk}/").status_code == 200


def test_messages_come_in_the_language_the_client_asks_for(world):
    # given a partner's system that reads Russian
    api = with_token(world["partner_a"], language="ru")

    # when it sends a filter that is not a programme id
    response = api.get("/api/v1/indicators/", {"programme": "abc"})

    # then the message is in Russian, and the response says so
    assert response.status_code == 400
    assert response["Content-Language"] == "ru"
    assert response.json()["programme"][0].startswith("«abc»")
