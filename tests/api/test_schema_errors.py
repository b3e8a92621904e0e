"""The /api/v1/ schema documents, for every operation, the 4xx answers it can give and their
bodies (outreach.core.api.schema_error_responses), and the fields that may be empty or null."""

import pytest
from django.utils import translation
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema() -> dict:
    with translation.override("en"):
        response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_every_operation_lists_the_errors_it_can_give(schema):
    # given the schema served by the application
    # when each operation's answers are read
    answers = {path: set(item["get"]["responses"]) for path, item in schema["paths"].items() if "get" in item}
    # then every operation may refuse credentials (401, 403) and answer 404 for an id or a page;
    # only those with filters answer 400
    assert answers["/api/v1/programmes/"] == {"200", "401", "403", "404"}
    assert answers["/api/v1/partners/"] == {"200", "400", "401", "403", "404"}
    assert answers["/api/v1/grants/programmes/{id}/aggregates/"] == {"200", "401", "403", "404"}
    assert answers["/api/v1/grants/awards/"] == {"200", "400", "401", "403", "404"}
    assert all({"401", "403", "404"} <= codes for codes in answers.values())


def test_error_bodies_are_described(schema):
    # given the schema served by the application
    components = schema["components"]["schemas"]
    responses = schema["paths"]["/api/v1/results/"]["get"]["responses"]
    # then a refusal carries one `detail` message, a bad filter its messages by name, and a 401 says
    # how to authenticate
    assert components["Error"]["required"] == ["detail"]
    assert components["FilterErrors"]["additionalProperties"] == {
        "type": "array",
        "items": {"type": "string"},
    }
    assert responses["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/FilterErrors"
    }
    assert responses["403"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert "WWW-Authenticate" in responses["401"]["headers"]


def test_fields_that_may_be_empty_say_so(schema):
    # given the schema served by the application
    components = schema["components"]["schemas"]
    # then a partner without a website, the overall result (no dimension) and the partners' boolean
    # filter are described as they are sent
    assert {"maxLength": 0} in components["Partner"]["properties"]["website"]["anyOf"]
    assert {"$ref": "#/components/schemas/BlankEnum"} in components["Result"]["properties"]["dimension"][
        "oneOf"
    ]
    is_active = next(
        p for p in schema["paths"]["/api/v1/partners/"]["get"]["parameters"] if p["name"] == "is_active"
    )
    assert is_active["schema"] == {"type": "boolean"}
