import datetime

import factory
from django.contrib.auth.models import Group

from outreach.core.roles import EDITOR
from outreach.helpline.models import HelpRequest
from outreach.helpline.permissions import HELPLINE_GROUP
from tests.factories.users import UserFactory


class HelpRequestFactory(factory.django.DjangoModelFactory):
    """A help request as the public form stores it (written directly, not through the service)."""

    class Meta:
        model = HelpRequest

    who = HelpRequest.Who.FAMILY
    message = factory.Sequence(lambda n: f"My son stopped talking to us and watches sermons all night ({n}).")
    contact = factory.Sequence(lambda n: f"+7 701 555 {n:04d}")
    language = "ru"
    source_page_id = None

    class Params:
        anonymous = factory.Trait(contact="")
        in_progress = factory.Trait(
            status=HelpRequest.Status.IN_PROGRESS,
            assigned_to=factory.LazyFunction(lambda: helpline_member()),
        )
        answered = factory.Trait(
            status=HelpRequest.Status.ANSWERED,
            answered_at=datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC),
        )
        closed = factory.Trait(status=HelpRequest.Status.CLOSED)


def helpline_member(**kwargs: object):
    """A member of the "Helpline" group created by the app's migration, and of nothing else."""
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=HELPLINE_GROUP))
    return user


def editor(**kwargs: object):
    """A member of the "Editor" role group: admin access, page, image and topic permissions only."""
    return UserFactory(groups=[EDITOR], **kwargs)
