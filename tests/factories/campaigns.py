from datetime import date
from decimal import Decimal

import factory

from outreach.campaigns.models import (
    Campaign,
    Currency,
    Indicator,
    IndicatorTarget,
    JointProgramme,
    Partner,
    PartnerContact,
    PartnerMembership,
    ProgrammePartner,
    ReportingPeriod,
    Result,
    ResultStatement,
)
from outreach.core.roles import PARTNER


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


class JointProgrammeFactory(factory.django.DjangoModelFactory):
    """A two-year joint programme reported on in half-years (see `with_periods`)."""

    class Meta:
        model = JointProgramme
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Joint programme {n}")
    code = factory.Sequence(lambda n: f"jp-{n}")
    objectives = (
        "Young people in Central Asia meet credible answers to extremist recruitment in their own language."
    )
    starts_on = date(2026, 1, 1)
    ends_on = date(2027, 12, 31)
    currency = Currency.EUR
    budget = Decimal("1200000.00")

    @factory.post_generation
    def with_periods(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """`with_periods=True`: four half-year periods, 2026 H1 to 2027 H2."""
        if create and extracted:
            for year in (2026, 2027):
                ReportingPeriodFactory(
                    programme=self, name=f"{year} H1", starts_on=date(year, 1, 1), ends_on=date(year, 6, 30)
                )
                ReportingPeriodFactory(
                    programme=self, name=f"{year} H2", starts_on=date(year, 7, 1), ends_on=date(year, 12, 31)
                )


class ProgrammePartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammePartner

    programme = factory.SubFactory(JointProgrammeFactory)
    partner = factory.SubFactory(PartnerFactory)
    role = ProgrammePartner.Role.LEAD
    funding_share = Decimal("80.00")


class PartnerContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerContact

    partner = factory.SubFactory(PartnerFactory)
    name = factory.Sequence(lambda n: f"Programme manager {n}")
    position = "Programme manager"
    email = factory.Sequence(lambda n: f"contact{n}@partner.example.org")


class ReportingPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingPeriod

    programme = factory.SubFactory(JointProgrammeFactory)
    name = "2026 H1"
    starts_on = date(2026, 1, 1)
    ends_on = date(2026, 6, 30)


class ResultStatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResultStatement

    programme = factory.SubFactory(JointProgrammeFactory)
    level = ResultStatement.Level.OUTCOME
    code = factory.Sequence(lambda n: f"OC{n}")
    statement = "Young people at risk question extremist narratives and know where to turn for help."


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    programme = factory.SubFactory(JointProgrammeFactory)
    statement = factory.SubFactory(ResultStatementFactory, programme=factory.SelfAttribute("..programme"))
    code = factory.Sequence(lambda n: f"IND{n}")
    name = "Young people reached by counter-narrative material"
    unit = Indicator.Unit.PEOPLE
    baseline = Decimal("0")
    means_of_verification = "Platform reading figures and workshop attendance lists."
    disaggregation = factory.LazyFunction(lambda: ["language", "sex"])
    partner_code = "EU RF 2.27"
    source = Indicator.Source.MANUAL

    class Params:
        percent = factory.Trait(
            unit=Indicator.Unit.PERCENT, name="Share of teachers who feel able to respond", disaggregation=[]
        )
        page_views = factory.Trait(
            source=Indicator.Source.PAGE_VIEWS,
            unit=Indicator.Unit.COUNT,
            name="Reads of campaign material",
            disaggregation=["language"],
        )
        help_requests = factory.Trait(
            source=Indicator.Source.HELP_REQUESTS,
            unit=Indicator.Unit.COUNT,
            name="Help requests from campaign pages",
            disaggregation=[],
        )


class IndicatorTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorTarget

    indicator = factory.SubFactory(IndicatorFactory)
    period = factory.SubFactory(
        ReportingPeriodFactory, programme=factory.SelfAttribute("..indicator.programme")
    )
    value = Decimal("1000")


class ResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Result

    indicator = factory.SubFactory(IndicatorFactory)
    period = factory.SubFactory(
        ReportingPeriodFactory, programme=factory.SelfAttribute("..indicator.programme")
    )
    value = Decimal("640")
    evidence_note = "Attendance lists of 12 school workshops, scanned."


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    programme = factory.SubFactory(JointProgrammeFactory)
    name = factory.Sequence(lambda n: f"Campaign {n}")
    objective = "Parents recognise the first signs of online recruitment and know whom to call."
    audiences = factory.LazyFunction(lambda: ["parents", "teachers"])
    languages = factory.LazyFunction(lambda: ["kk", "ru"])
    channels = factory.LazyFunction(lambda: ["website", "email"])
    starts_on = date(2026, 3, 1)
    ends_on = date(2026, 5, 31)
    budget = Decimal("45000.00")
    spend = Decimal("12500.00")
    status = Campaign.Status.ACTIVE


def partner_user(partner: Partner, username: str):
    """A member of the Partner group acting for `partner`, reading the admin in English."""
    from tests.factories.users import member

    user = member([PARTNER], username)
    PartnerMembership.objects.create(user=user, partner=partner)
    return user
