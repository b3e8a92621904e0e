"""GET /api/v1/partners/: who may read it, what it returns, and how bad requests are answered."""

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from outreach.campaigns.models import Partner
from tests.factories.campaigns import PartnerFactory
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def token_for(user, **kwargs) -> str:
    """The key of a new API token of `user` (django-rest-knox keeps only its hash)."""
    return AuthToken.objects.create(user, **kwargs)[1]


def test_a_token_holder_with_the_view_rule_lists_partners(api):
    PartnerFactory(eu=True)
    PartnerFactory(name="Spiritual Administration of Muslims of Kazakhstan", short_name="SAMK")
    user = UserFactory(permissions=["campaigns.view_partner"])
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    response = api.get("/api/v1/partners/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [row["short_name"] for row in body["results"]] == ["EU Delegation", "SAMK"]
    assert set(body["results"][0]) == {"id", "name", "short_name", "kind", "country", "website", "is_active"}


def test_every_role_against_the_partner_endpoints(api):
    partner = PartnerFactory()
    roles = {
        "anonymous": (None, 401),
        "no rights": (UserFactory(), 403),
        "inactive with rights": (UserFactory(permissions=["campaigns.view_partner"], inactive=True), 401),
        "viewer": (UserFactory(permissions=["campaigns.view_partner"]), 200),
        "superuser": (UserFactory(superuser=True), 200),
    }
    for role, (user, expected) in roles.items():
        api.credentials()
        if user is not None:
            api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
        for url in ("/api/v1/partners/", f"/api/v1/partners/{partner.pk}/"):
            response = api.get(url)
            assert response.status_code == expected, f"{role} {url}"
            assert response["Content-Type"].startswith("application/json")


def test_the_api_is_read_only(api):
    api.force_authenticate(UserFactory(superuser=True))
    response = api.post("/api/v1/partners/", {"name": "New", "kind": "ngo"}, format="json")
    assert response.status_code == 405
    assert "detail" in response.json()
    assert Partner.objects.count() == 0


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/partners/?kind=militia", 400),
        ("/api/v1/partners/?is_active=perhaps", 400),
        ("/api/v1/partners/?page=abc", 404),
        ("/api/v1/partners/?page=999", 404),
        ("/api/v1/partners/999999/", 404),
        ("/api/v1/partners/not-a-number/", 404),
        ("/api/v1/no-such-endpoint/", 404),
    ],
)
def test_malformed_requests_get_a_json_4xx_never_a_500(api, path, status):
    PartnerFactory()
    api.force_authenticate(UserFactory(superuser=True))
    response = api.get(path)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert response.json()


def test_the_openapi_schema_is_served_and_describes_the_endpoints(client):
    response = client.get("/api/v1/schema/", headers={"accept": "application/vnd.oai.openapi+json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/partners/", "/api/v1/partners/{id}/"} <= set(schema["paths"])
    parameters = {p["name"] for p in schema["paths"]["/api/v1/partners/"]["get"]["parameters"]}
    assert {"kind", "is_active", "page"} <= parameters
    assert "knoxApiToken" in schema["components"]["securitySchemes"]


def test_partner_list_queries_do_not_grow(api, django_assert_num_queries):
    api.force_authenticate(UserFactory(superuser=True))
    PartnerFactory.create_batch(2)
    # 1 count, 2 page of partners
    with django_assert_num_queries(2):
        api.get("/api/v1/partners/")
    PartnerFactory.create_batch(20)
    with django_assert_num_queries(2):
        api.get("/api/v1/partners/")
