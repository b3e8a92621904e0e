import datetime
import uuid

import factory
from django.contrib.auth.models import Group

from outreach.audiences.models import ConsentRecord, Subscriber
from outreach.audiences.permissions import OUTREACH_MANAGER_GROUP
from tests.factories.users import admin_user_with

WORDING = "2026-11-digest-v1"
CONFIRMED_AT = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)
UNSUBSCRIBED_AT = datetime.datetime(2026, 5, 1, 9, 0, tzinfo=datetime.UTC)


class ConsentRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsentRecord

    subscriber = factory.SubFactory("tests.factories.audiences.SubscriberFactory", active=True, consent=None)
    action = ConsentRecord.Action.GIVEN
    at = CONFIRMED_AT
    source = "subscribe-form"
    wording_version = WORDING
    language = factory.LazyAttribute(lambda o: o.subscriber.language if o.subscriber else "ru")


class SubscriberFactory(factory.django.DjangoModelFactory):
    """A subscriber as the services store one (written directly); pending unless a trait says."""

    class Meta:
        model = Subscriber
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"reader{n}@example.org")
    language = "ru"
    topics = factory.LazyFunction(lambda: [str(uuid.uuid4())])
    frequency = Subscriber.Frequency.WEEKLY
    request_source = "subscribe-form"
    request_wording_version = WORDING

    class Params:
        # Confirmed, with the consent that confirmation recorded.
        active = factory.Trait(
            status=Subscriber.Status.ACTIVE,
            confirmed_at=CONFIRMED_AT,
            consent=factory.RelatedFactory(ConsentRecordFactory, "subscriber", at=CONFIRMED_AT),
        )
        # Confirmed once, then left: consent given and withdrawn.
        unsubscribed = factory.Trait(
            status=Subscriber.Status.UNSUBSCRIBED,
            confirmed_at=CONFIRMED_AT,
            unsubscribed_at=UNSUBSCRIBED_AT,
            consent=factory.RelatedFactory(ConsentRecordFactory, "subscriber", at=CONFIRMED_AT),
            withdrawal=factory.RelatedFactory(
                ConsentRecordFactory,
                "subscriber",
                action=ConsentRecord.Action.WITHDRAWN,
                at=UNSUBSCRIBED_AT,
                source="unsubscribe-link",
            ),
        )


def outreach_manager(**kwargs: object):
    """A member of the "Outreach manager" group created by the app's migration, and of nothing else."""
    from tests.factories.users import UserFactory

    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=OUTREACH_MANAGER_GROUP))
    return user


def personal_data_officer(**kwargs: object):
    """Someone who answers subscribers' data requests: sees addresses and topics, exports, erases."""
    return admin_user_with(
        "audiences.view_subscriber",
        "audiences.view_subscriber_personal_data",
        "audiences.delete_subscriber",
        "audiences.view_consentrecord",
        **kwargs,
    )
