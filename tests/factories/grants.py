import datetime
from decimal import Decimal

import factory

from outreach.grants.models import (
    Award,
    BudgetLine,
    Cohort,
    Disbursement,
    ExchangeRate,
    Funder,
    Grantee,
    Institution,
    OutcomeRecord,
    Programme,
    ProgrammeOfficer,
    ProgressReport,
    ResidenceDocument,
)


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


class ProgrammeOfficerFactory(factory.django.DjangoModelFactory):
    """`user` assigned to `programme`; `is_senior=True` for a senior officer."""

    class Meta:
        model = ProgrammeOfficer

    programme = factory.SubFactory(ProgrammeFactory)
    user = factory.SubFactory("tests.factories.users.UserFactory", groups=["Program officer"])


def officer_of(programme: Programme, username: str, *, senior: bool = False):
    """A member of the Program officer group assigned to `programme`, reading the admin in English."""
    from tests.factories.users import member

    user = member(["Program officer"], username)
    ProgrammeOfficer.objects.create(programme=programme, user=user, is_senior=senior)
    return user


class FunderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Funder

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Funder {n}")
    share_percent = Decimal("100")
    reporting_currency = "KZT"


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    programme = factory.SubFactory(ProgrammeFactory)
    year = 2026
    category = BudgetLine.Category.STIPEND
    amount = Decimal("120000000")


class ExchangeRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExchangeRate

    base = "EUR"
    currency = "KZT"
    on = datetime.date(2026, 3, 5)
    rate = Decimal("520.350000")
    source = "National Bank of Kazakhstan"


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"University {n}")
    city = "Almaty"


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"{2024 + n % 3} intake {n}")
    intake_year = 2025
    starts_on = datetime.date(2025, 9, 1)


class GranteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grantee

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"AFG-{n:04d}")
    name_original = "مریم احمدی"
    name_latin = factory.Sequence(lambda n: f"Maryam Ahmadi {n}")
    date_of_birth = datetime.date(2004, 5, 17)
    gender = Grantee.Gender.FEMALE
    nationality = "Afghan"
    province_of_origin = "Balkh"
    email = factory.Sequence(lambda n: f"grantee{n}@example.org")
    phone = "+7 700 000 00 00"


class AwardFactory(factory.django.DjangoModelFactory):
    """An active bachelor's award in its grantee's programme; `cohort` follows the grantee's programme."""

    class Meta:
        model = Award

    grantee = factory.SubFactory(GranteeFactory)
    cohort = factory.LazyAttribute(lambda o: CohortFactory(programme=o.grantee.programme))
    institution = factory.SubFactory(InstitutionFactory)
    degree_level = Award.DegreeLevel.BACHELOR
    field_of_study = "Public administration"
    starts_on = datetime.date(2025, 9, 1)
    expected_end_on = datetime.date(2029, 6, 30)
    stipend_amount = Decimal("150000")
    status = Award.Status.ACTIVE


class DisbursementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Disbursement

    award = factory.SubFactory(AwardFactory)
    month = datetime.date(2026, 3, 1)
    kind = Disbursement.Kind.STIPEND
    amount = Decimal("150000")


class ProgressReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReport

    award = factory.SubFactory(AwardFactory)
    term = factory.Sequence(lambda n: f"{2025 + n // 2}-{'autumn' if n % 2 == 0 else 'spring'}")
    ends_on = datetime.date(2026, 1, 20)
    submitted_on = datetime.date(2026, 2, 1)
    gpa = Decimal("3.40")
    credits = 30
    attendance_percent = Decimal("92")


class ResidenceDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResidenceDocument

    grantee = factory.SubFactory(GranteeFactory)
    kind = ResidenceDocument.Kind.VISA
    number = factory.Sequence(lambda n: f"KZ{n:07d}")
    issued_on = datetime.date(2025, 8, 20)
    expires_on = datetime.date(2026, 8, 19)


class OutcomeRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutcomeRecord

    award = factory.SubFactory(AwardFactory, status=Award.Status.ALUMNI)
    wave = OutcomeRecord.Wave.MONTHS_6
    due_on = datetime.date(2026, 1, 1)
