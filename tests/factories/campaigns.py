import factory

from outreach.campaigns.models import Partner


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner organisation {n}")
    short_name = factory.Sequence(lambda n: f"PO{n}")
    kind = Partner.Kind.NGO
    country = "KZ"

    class Params:
        eu = factory.Trait(
            name="Delegation of the European Union to Kazakhstan",
            short_name="EU Delegation",
            kind=Partner.Kind.INTERNATIONAL,
        )
