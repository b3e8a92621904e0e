import pytest
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import path

from outreach.core.models import Heartbeat
from outreach.core.services import heartbeat_record, model_update
from outreach.grants.models import Programme
from tests.factories.grants import ProgrammeFactory

pytestmark = pytest.mark.django_db


def test_liveness_answers_without_touching_anything(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/live/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def explode(request):
    raise RuntimeError("boom")


urlpatterns = [path("api/v1/explode/", explode), path("explode/", explode)]
handler500 = "outreach.core.views.server_error"


@override_settings(ROOT_URLCONF=__name__)
def test_a_server_error_under_the_api_is_json_and_elsewhere_a_plain_page():
    client = Client(raise_request_exception=False)
    api = client.get("/api/v1/explode/", headers={"accept-language": "en"})
    assert api.status_code == 500
    assert api.json() == {"detail": "Server error."}
    page = client.get("/explode/")
    assert page.status_code == 500
    assert "Something went wrong on our side" in page.content.decode()


def test_heartbeat_record_creates_then_counts():
    first = heartbeat_record(name="beat")
    second = heartbeat_record(name="beat")
    assert (first.count, second.count) == (1, 2)
    assert second.beat_at >= first.beat_at
    assert Heartbeat.objects.count() == 1


def test_model_update_saves_only_changed_fields_and_validates():
    programme = ProgrammeFactory(name="Old name")
    programme, changed = model_update(instance=programme, fields=["name"], data={"name": "New name"})
    assert changed is True
    assert Programme.objects.get(pk=programme.pk).name == "New name"
    programme, changed = model_update(instance=programme, fields=["name"], data={"name": "New name"})
    assert changed is False


def test_model_update_refuses_invalid_data_and_writes_nothing():
    programme = ProgrammeFactory()
    original_end = programme.ends_on
    with pytest.raises(ValidationError) as refused:
        model_update(
            instance=programme, fields=["ends_on"], data={"ends_on": programme.starts_on.replace(year=2000)}
        )
    assert list(refused.value.message_dict) == ["ends_on"]
    assert Programme.objects.get(pk=programme.pk).ends_on == original_end
