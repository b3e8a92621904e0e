import datetime

import factory

from outreach.grants.models import Programme


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Study programme {n}")
    code = factory.Sequence(lambda n: f"prog-{n}")
    description = "Places at Kazakh universities with a monthly stipend."
    currency = Programme.Currency.KZT
    starts_on = datetime.date(2024, 9, 1)
    ends_on = datetime.date(2029, 6, 30)

    class Params:
        closed = factory.Trait(is_active=False, ends_on=datetime.date(2025, 6, 30))
