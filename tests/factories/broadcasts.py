import datetime

import factory
from django.utils import timezone

from outreach.audiences.models import Audience, Suppression
from outreach.broadcasts.models import Broadcast, ChannelTarget, Message, MessageVariant


class AudienceFactory(factory.django.DjangoModelFactory):
    """Every active subscriber unless languages, topics, regions or dates narrow it."""

    class Meta:
        model = Audience
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Audience {n}")


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    name = factory.Sequence(lambda n: f"Message {n}")
    required_languages = factory.LazyFunction(list)


class MessageVariantFactory(factory.django.DjangoModelFactory):
    """A language's version of a message: a draft unless `approved=True`."""

    class Meta:
        model = MessageVariant

    message = factory.SubFactory(MessageFactory)
    language = "ru"
    subject = factory.LazyAttribute(lambda o: f"Новое на этой неделе ({o.language})")
    body = factory.LazyFunction(
        lambda: [
            ("heading", "Ответы, которые стоит прочитать"),
            ("paragraph", "<p>Мы собрали материалы недели: короткие ответы богословов и истории людей.</p>"),
        ]
    )

    class Params:
        approved = factory.Trait(
            status=MessageVariant.Status.APPROVED,
            approved_at=factory.LazyFunction(timezone.now),
        )


class BroadcastFactory(factory.django.DjangoModelFactory):
    """A draft broadcast of a message with an approved Russian variant to every active subscriber by
    email; `scheduled=True` makes it due now."""

    class Meta:
        model = Broadcast

    name = factory.Sequence(lambda n: f"Broadcast {n}")
    message = factory.LazyFunction(lambda: MessageVariantFactory(approved=True).message)
    audience = factory.SubFactory(AudienceFactory)
    channels = factory.LazyFunction(lambda: ["email"])

    class Params:
        scheduled = factory.Trait(
            status=Broadcast.Status.SCHEDULED,
            send_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(seconds=1)),
        )


class ChannelTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChannelTarget

    channel = "telegram"
    name = factory.Sequence(lambda n: f"Channel {n}")
    address = factory.Sequence(lambda n: f"@voices_{n}")
    language = "ru"


class SuppressionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Suppression

    email = factory.Sequence(lambda n: f"bounced{n}@example.org")
    reason = Suppression.Reason.BOUNCE
