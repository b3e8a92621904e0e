"""An audience's addresses as CSV: only for whoever may see personal data and holds the export
permission, recorded in the audit log with the audience and the row count and never an address."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from wagtail.models import ModelLogEntry

from outreach.audiences.exports import audience_export_csv
from outreach.core.exceptions import ApplicationError
from outreach.core.roles import GROUP_PERMISSIONS
from tests.factories.audiences import SubscriberFactory, outreach_manager
from tests.factories.broadcasts import AudienceFactory, SuppressionFactory
from tests.factories.users import UserFactory, admin_user_with

pytestmark = pytest.mark.django_db

EXPORTER_PERMISSIONS = (
    "audiences.view_subscriber",
    "audiences.view_subscriber_personal_data",
    "audiences.export_audience",
)
REFUSED = "You may not export an audience's addresses."


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def exporter():
    return admin_user_with(*EXPORTER_PERMISSIONS)


def export_log(audience) -> list[tuple]:
    return list(
        ModelLogEntry.objects.filter(action="audiences.export_audience", object_id=str(audience.pk))
        .order_by("pk")
        .values_list("user", "data")
    )


def test_an_exporter_gets_the_members_as_csv_and_the_export_is_audited():
    # given
    audience = AudienceFactory(languages=["kk", "ru"])
    SubscriberFactory(
        active=True, email="aliya@example.org", language="kk", region="almaty", frequency="weekly"
    )
    second = SubscriberFactory(active=True, email="boris@example.org", language="ru", frequency="monthly")
    second.confirmed_at = datetime.datetime(2026, 4, 2, 10, 30, tzinfo=datetime.UTC)
    second.save()
    SubscriberFactory(active=True, email="tajik@example.org", language="tg")  # not in the audience
    SubscriberFactory(email="pending@example.org", language="ru")  # never confirmed
    SubscriberFactory(unsubscribed=True, email="left@example.org", language="ru")
    SubscriberFactory(active=True, email="bounced@example.org", language="ru")
    SuppressionFactory(email="bounced@example.org")
    actor = exporter()
    # when
    exported = audience_export_csv(audience=audience, actor=actor)
    # then
    assert exported == (
        "email,language,region,frequency,confirmed_at\r\n"
        "aliya@example.org,kk,almaty,weekly,2026-03-01T09:00:00+00:00\r\n"
        "boris@example.org,ru,,monthly,2026-04-02T10:30:00+00:00\r\n"
    )
    assert export_log(audience) == [(actor.pk, {"audience": audience.pk, "rows": 2})]
    entry = ModelLogEntry.objects.get(action="audiences.export_audience")
    assert "example.org" not in f"{entry.data} {entry.label} {entry.object_id}"


def test_an_empty_audience_exports_the_header_and_is_audited_with_no_rows():
    # given
    audience = AudienceFactory(languages=["ar"])
    actor = exporter()
    # when
    exported = audience_export_csv(audience=audience, actor=actor)
    # then
    assert exported == "email,language,region,frequency,confirmed_at\r\n"
    assert export_log(audience) == [(actor.pk, {"audience": audience.pk, "rows": 0})]


def test_an_address_a_spreadsheet_would_run_as_a_formula_is_defused():
    # given
    audience = AudienceFactory()
    SubscriberFactory(active=True, email="=cmd@example.org", language="ru")
    # when
    exported = audience_export_csv(audience=audience, actor=exporter())
    # then
    assert exported.splitlines()[1] == "'=cmd@example.org,ru,,weekly,2026-03-01T09:00:00+00:00"


def test_an_outreach_manager_is_refused_and_nothing_is_logged():
    # given: they run the digest but may not see who receives it
    audience = AudienceFactory()
    SubscriberFactory(active=True, email="aliya@example.org")
    manager = outreach_manager()
    # when
    with pytest.raises(ApplicationError) as raised:
        audience_export_csv(audience=audience, actor=manager)
    # then
    assert raised.value.message == REFUSED
    assert export_log(audience) == []
    assert ModelLogEntry.objects.count() == 0


def people() -> dict[str, object]:
    """Every role group, plus anonymous, plain staff, superuser and the exact permission holders."""
    return {
        **{group: UserFactory(groups=[group]) for group in GROUP_PERMISSIONS},
        "anonymous": AnonymousUser(),
        "staff": UserFactory(is_staff=True),
        "superuser": UserFactory(superuser=True),
        "inactive superuser": UserFactory(superuser=True, inactive=True),
        "exporter": exporter(),
        "personal data without export": admin_user_with(*EXPORTER_PERMISSIONS[:2]),
        "export without personal data": admin_user_with(EXPORTER_PERMISSIONS[0], EXPORTER_PERMISSIONS[2]),
    }


def test_every_role_against_the_export():
    # given
    audience = AudienceFactory()
    SubscriberFactory(active=True, email="aliya@example.org")
    allowed, refused = [], []
    # when
    for name, person in people().items():
        try:
            audience_export_csv(audience=audience, actor=person)
        except ApplicationError as error:
            assert error.message == REFUSED
            refused.append(name)
        else:
            allowed.append(name)
    # then
    assert allowed == ["superuser", "exporter"]
    assert refused == [
        *GROUP_PERMISSIONS,
        "anonymous",
        "staff",
        "inactive superuser",
        "personal data without export",
        "export without personal data",
    ]
    assert [data for _user, data in export_log(audience)] == [{"audience": audience.pk, "rows": 1}] * 2


def test_the_queries_do_not_grow_with_the_audience():
    # given
    audience = AudienceFactory()
    actor = exporter()
    SubscriberFactory.create_batch(2, active=True)

    def count() -> int:
        actor_fresh = type(actor).objects.get(pk=actor.pk)
        with CaptureQueriesContext(connection) as queries:
            audience_export_csv(audience=audience, actor=actor_fresh)
        return len(queries)

    count()  # the audience's content type is cached from then on
    # when / then: savepoint, the user's and their groups' permissions, the members, the log entry's
    # checks of its content type and user, the log entry, release
    small = count()
    SubscriberFactory.create_batch(30, active=True)
    assert count() == small == 8
