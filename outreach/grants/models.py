"""Educational grant programmes: who funds them, their intakes, the grantees and their awards, what
is paid to whom and when, how each grantee is doing, and what alumni became.

Grantees are people at risk: their identity papers and contacts are encrypted at rest
(GranteeEncryptedField, under GRANTS_ENCRYPTION_KEYS), only officers assigned to their programme
see them (permissions.py), every view of a grantee's record is audited, and a record under the
emergency lock is hidden from everyone but administrators. str() and repr() name a grantee by
their pseudonymous code only."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from outreach.core.encryption import EncryptedTextField
from outreach.core.models import TimeStampedModel, staff_reference

MONEY = {"max_digits": 14, "decimal_places": 2}
PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class GranteeEncryptedField(EncryptedTextField):
    """A grantee's identity paper number or contact, encrypted under GRANTS_ENCRYPTION_KEYS."""

    keys_setting = "GRANTS_ENCRYPTION_KEYS"
    what = "A grantee's record"


class Currency(models.TextChoices):
    KZT = "KZT", _("Kazakhstani tenge")
    EUR = "EUR", _("Euro")
    USD = "USD", _("US dollar")


class Programme(TimeStampedModel):
    """An educational grant programme, e.g. study places in Kazakhstan for students from Afghanistan.
    Stipends are paid in the programme's currency; each funder may report in its own."""

    Currency = Currency

    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(
        _("code"), max_length=40, unique=True, help_text=_("Short reference, e.g. AFG-EDU.")
    )
    description = models.TextField(_("description"), blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.KZT)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    is_active = models.BooleanField(_("is active"), default=True)
    # The risk rules' thresholds, visible to officers on every at-risk flag (selectors.award_risks).
    gpa_threshold = models.DecimalField(
        _("lowest acceptable GPA"), max_digits=4, decimal_places=2, default=Decimal("2.00")
    )
    attendance_threshold = models.DecimalField(
        _("lowest acceptable attendance (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("75"),
        validators=PERCENT,
    )
    visa_warning_days = models.PositiveSmallIntegerField(
        _("warn of visas expiring within (days)"), default=60
    )
    report_grace_days = models.PositiveSmallIntegerField(
        _("a semester report is missing this many days after its term"), default=30
    )

    class Meta:
        verbose_name = _("grant programme")
        verbose_name_plural = _("grant programmes")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="grants_programme_ends_after_start",
            )
        ]
        permissions = [
            ("view_all_programmes", _("Can see every grant programme, assigned or not")),
            ("view_grantee_personal_data", _("Can see grantees' names, papers and contacts")),
            ("view_cannot_return_flag", _("Can see whether a grantee cannot return safely")),
            ("lock_grantee", _("Can put a grantee's record under the emergency lock")),
            ("view_programme_aggregates", _("Can see the figures of programmes their organisation funds")),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A programme cannot end before it starts.")})


class ProgrammeOfficer(models.Model):
    """An officer assigned to a programme: they see its grantees (and only those). A senior officer
    also sees the confidential "cannot return safely" flag."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="officers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.CASCADE,
        related_name="grant_assignments",
    )
    is_senior = models.BooleanField(_("senior officer"), default=False)

    class Meta:
        verbose_name = _("programme officer")
        verbose_name_plural = _("programme officers")
        constraints = [models.UniqueConstraint(fields=["programme", "user"], name="grants_officer_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.programme.code}"


class Funder(models.Model):
    """A funder of a programme and its share of every payment; it may report in its own currency."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="funders"
    )
    name = models.CharField(_("name"), max_length=200)
    share_percent = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2, validators=PERCENT)
    reporting_currency = models.CharField(
        _("reporting currency"), max_length=3, choices=Currency.choices, default=Currency.KZT
    )
    # The partner organisation behind the funder, if it has partner users: they then see this
    # programme's aggregates (dashboard, donor report, API aggregates), never a grantee.
    partner = models.ForeignKey(
        "campaigns.Partner",
        verbose_name=_("partner organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grant_fundings",
        help_text=_("Its partner users may read this programme's aggregates, never a grantee."),
    )

    class Meta:
        verbose_name = _("funder")
        verbose_name_plural = _("funders")
        ordering = ["programme", "-share_percent", "name"]
        constraints = [models.UniqueConstraint(fields=["programme", "name"], name="grants_funder_unique")]

    def __str__(self) -> str:
        return self.name


class BudgetLine(models.Model):
    """What a programme may spend on one kind of cost in one year, in the programme's currency."""

    class Category(models.TextChoices):
        STIPEND = "stipend", _("Stipends")
        TUITION = "tuition", _("Tuition")
        HOUSING = "housing", _("Housing")
        OTHER = "other", _("Other costs")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="budget_lines"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    amount = models.DecimalField(_("amount"), **MONEY, validators=[MinValueValidator(Decimal("0"))])

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["programme", "year", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "year", "category"], name="grants_budget_line_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} {self.year} {self.get_category_display()}"


class ExchangeRate(models.Model):
    """How many units of `currency` one unit of `base` bought on a day (e.g. 1 EUR = 520.35 KZT is
    base EUR, currency KZT, rate 520.35). A payment keeps the rate of its payment day."""

    base = models.CharField(_("base currency"), max_length=3, choices=Currency.choices)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    on = models.DateField(_("day"))
    rate = models.DecimalField(
        _("rate"), max_digits=18, decimal_places=6, validators=[MinValueValidator(Decimal("0.000001"))]
    )
    source = models.CharField(
        _("source"), max_length=200, blank=True, help_text=_("E.g. National Bank of Kazakhstan.")
    )

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["-on", "base", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["base", "currency", "on"], name="grants_exchange_rate_unique"),
            models.CheckConstraint(
                condition=~Q(base=F("currency")), name="grants_exchange_rate_two_currencies"
            ),
        ]

    def __str__(self) -> str:
        return f"1 {self.base} = {self.rate} {self.currency} ({self.on})"


class Institution(TimeStampedModel):
    """A university or college that hosts grantees."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=100, default="Kazakhstan")
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Cohort(TimeStampedModel):
    """One intake of a programme, e.g. "2025 intake"."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="cohorts"
    )
    name = models.CharField(_("name"), max_length=100)
    intake_year = models.PositiveSmallIntegerField(_("intake year"))
    starts_on = models.DateField(_("starts on"))

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["programme", "-intake_year", "name"]
        constraints = [models.UniqueConstraint(fields=["programme", "name"], name="grants_cohort_unique")]

    def __str__(self) -> str:
        return f"{self.programme.code} {self.name}"


class Grantee(TimeStampedModel):
    """A person holding (or who held) an award. Named in exports and notifications by `code` unless
    the reader may see names; papers and contacts encrypted at rest."""

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        UNSTATED = "unstated", _("Not stated")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="grantees"
    )
    # Pseudonymous and stable, e.g. "AFG-EDU-0042": what everyone without the personal-data
    # permission sees, and what imports match on.
    code = models.CharField(_("code"), max_length=40, unique=True)
    name_original = models.CharField(_("name in the original script"), max_length=200, blank=True)
    name_latin = models.CharField(_("name in Latin letters"), max_length=200, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=16, choices=Gender.choices, default=Gender.UNSTATED)
    nationality = models.CharField(_("nationality"), max_length=100, blank=True)
    province_of_origin = models.CharField(_("province of origin"), max_length=100, blank=True)
    email = GranteeEncryptedField(_("email address"), blank=True, default="")
    phone = GranteeEncryptedField(_("phone"), blank=True, default="")
    messenger = GranteeEncryptedField(_("messenger handle"), blank=True, default="")
    # Only senior officers of the programme see it (permissions.can_view_cannot_return_flag).
    cannot_return_safely = models.BooleanField(_("cannot return safely"), default=False)
    # The emergency lock: hidden from everyone but administrators at once.
    is_locked = models.BooleanField(_("under emergency lock"), default=False)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    locked_by = staff_reference(_("locked by"))
    # Why the lock was put on; it may name the danger the person is in, so it is encrypted and
    # shown only to those who may see locked records.
    locked_reason = GranteeEncryptedField(_("reason for the lock"), blank=True, default="")
    # The language mails and the alumni survey reach them in (one of LANGUAGES).
    language = models.CharField(
        _("language for messages"),
        max_length=10,
        blank=True,
        default="",
        choices=settings.LANGUAGES,
        help_text=_("Survey and mails go out in this language; empty means the programme's default."),
    )
    # Set by erasure: the personal fields are emptied, the aggregates (awards, payments) stay.
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)

    class Meta:
        verbose_name = _("grantee")
        verbose_name_plural = _("grantees")
        ordering = ["code"]
        indexes = [models.Index(fields=["programme", "is_locked"], name="grants_grantee_programme")]

    def __str__(self) -> str:
        return self.code

    def __repr__(self) -> str:
        return f"<Grantee id={self.pk} code={self.code}>"


class ResidenceDocument(TimeStampedModel):
    """A grantee's passport, visa, residence permit, migration registration or insurance: its number
    encrypted, its expiry watched by the reminders."""

    class Kind(models.TextChoices):
        PASSPORT = "passport", _("Passport")
        VISA = "visa", _("Visa")
        RESIDENCE_PERMIT = "residence_permit", _("Residence permit")
        MIGRATION_REGISTRATION = "migration_registration", _("Migration registration")
        INSURANCE = "insurance", _("Health insurance")

    grantee = models.ForeignKey(
        Grantee, verbose_name=_("grantee"), on_delete=models.CASCADE, related_name="residence_documents"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    number = GranteeEncryptedField(_("number"), blank=True, default="")
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    # A scan, kept in the private "Grantee documents" collection.
    file = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("scan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("residence document")
        verbose_name_plural = _("residence documents")
        ordering = ["grantee", "kind", "-expires_on"]
        indexes = [models.Index(fields=["kind", "expires_on"], name="grants_document_expiry")]

    def __str__(self) -> str:
        return f"{self.grantee} {self.get_kind_display()}"


class Consent(models.Model):
    """A grantee's consent for one purpose, given or withdrawn: each change is a new row."""

    class Purpose(models.TextChoices):
        STORY = "story", _("Publication of their story")
        RECONTACT = "recontact", _("Re-contact as alumni")
        FUNDER_SHARING = "funder_sharing", _("Sharing their data with a funder")

    grantee = models.ForeignKey(
        Grantee, verbose_name=_("grantee"), on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField(_("purpose"), max_length=32, choices=Purpose.choices)
    is_given = models.BooleanField(_("given"))
    at = models.DateTimeField(_("at"))
    recorded_by = staff_reference(_("recorded by"))
    note = models.CharField(_("how it was given"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["grantee", "purpose", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.grantee} {self.get_purpose_display()}"


class Award(TimeStampedModel):
    """One grantee's place at one institution: the degree, the dates, and what is paid for it.
    Its status moves only through services.award_transition (STATUS_TRANSITIONS there)."""

    class Status(models.TextChoices):
        SELECTED = "selected", pgettext_lazy("award", "Selected")
        ENROLLED = "enrolled", pgettext_lazy("award", "Enrolled")
        ACTIVE = "active", pgettext_lazy("award", "Active")
        PROBATION = "probation", pgettext_lazy("award", "On probation")
        SUSPENDED = "suspended", pgettext_lazy("award", "Suspended")
        WITHDRAWN = "withdrawn", pgettext_lazy("award", "Withdrawn")
        GRADUATED = "graduated", pgettext_lazy("award", "Graduated")
        ALUMNI = "alumni", pgettext_lazy("award", "Alumni")

    class DegreeLevel(models.TextChoices):
        FOUNDATION = "foundation", _("Foundation year")
        BACHELOR = "bachelor", _("Bachelor")
        MASTER = "master", _("Master")
        DOCTORATE = "doctorate", _("Doctorate")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")

    grantee = models.ForeignKey(
        Grantee, verbose_name=_("grantee"), on_delete=models.PROTECT, related_name="awards"
    )
    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.PROTECT, related_name="awards"
    )
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="awards"
    )
    degree_level = models.CharField(_("degree level"), max_length=16, choices=DegreeLevel.choices)
    field_of_study = models.CharField(_("field of study"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    expected_end_on = models.DateField(_("expected end"))
    stipend_amount = models.DecimalField(_("stipend"), **MONEY, validators=[MinValueValidator(Decimal("0"))])
    stipend_frequency = models.CharField(
        _("stipend paid"), max_length=16, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    tuition_amount = models.DecimalField(
        _("tuition per year"), **MONEY, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))]
    )
    housing_amount = models.DecimalField(
        _("housing per month"), **MONEY, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))]
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SELECTED)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["cohort", "grantee__code", "starts_on"]
        indexes = [models.Index(fields=["status", "cohort"], name="grants_award_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expected_end_on__gte=F("starts_on")),
                name="grants_award_ends_after_start",
                violation_error_message=_("An award cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grantee} · {self.get_degree_level_display()} · {self.institution}"


class AwardTransition(models.Model):
    """One move of an award's status, with who made it and why: the award's history."""

    award = models.ForeignKey(
        Award, verbose_name=_("award"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("from"), max_length=16, choices=Award.Status.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=Award.Status.choices)
    reason = models.TextField(_("reason"))
    at = models.DateTimeField(_("at"))
    actor = staff_reference(_("by"))

    class Meta:
        verbose_name = _("award status change")
        verbose_name_plural = _("award status changes")
        ordering = ["award", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.award_id}: {self.from_status} → {self.to_status}"


class Disbursement(TimeStampedModel):
    """One payment due under an award for one month (a stipend, tuition or housing), in the
    programme's currency. Once paid it keeps the exchange rates of its payment day and its split
    across the programme's funders (DisbursementShare), so a funder's report never changes later."""

    class Kind(models.TextChoices):
        STIPEND = "stipend", _("Stipend")
        TUITION = "tuition", _("Tuition")
        HOUSING = "housing", _("Housing")

    class Status(models.TextChoices):
        DUE = "due", pgettext_lazy("payment", "Due")
        PAID = "paid", pgettext_lazy("payment", "Paid")
        HELD = "held", pgettext_lazy("payment", "Held")

    award = models.ForeignKey(
        Award, verbose_name=_("award"), on_delete=models.PROTECT, related_name="disbursements"
    )
    # The first day of the month the payment belongs to.
    month = models.DateField(_("month"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.STIPEND)
    amount = models.DecimalField(_("amount"), **MONEY, validators=[MinValueValidator(Decimal("0"))])
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DUE)
    held_reason = models.CharField(_("why it is held"), max_length=300, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_by = staff_reference(_("marked paid by"))

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        ordering = ["-month", "award"]
        constraints = [
            # What makes generating a month twice create nothing new.
            models.UniqueConstraint(fields=["award", "month", "kind"], name="grants_disbursement_unique"),
            models.CheckConstraint(
                condition=~Q(status="held") | ~Q(held_reason=""),
                name="grants_disbursement_held_has_reason",
                violation_error_message=_("Say why the payment is held."),
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_on__isnull=False),
                name="grants_disbursement_paid_has_date",
                violation_error_message=_("A paid payment needs its payment day."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "month"], name="grants_disbursement_status"),
            # The payment list shows the latest month first: read in month order instead of sorting
            # a programme's every payment.
            models.Index(fields=["month"], name="grants_disbursement_month"),
        ]

    def __str__(self) -> str:
        return f"{self.award.grantee} {self.month:%Y-%m} {self.get_kind_display()}"


class DisbursementShare(models.Model):
    """A funder's part of a paid disbursement, in the programme's currency and in the funder's
    reporting currency at the payment day's rate (kept with it)."""

    disbursement = models.ForeignKey(
        Disbursement, verbose_name=_("disbursement"), on_delete=models.CASCADE, related_name="shares"
    )
    funder = models.ForeignKey(
        Funder, verbose_name=_("funder"), on_delete=models.PROTECT, related_name="shares"
    )
    share_percent = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2)
    amount = models.DecimalField(_("amount"), **MONEY)
    reporting_currency = models.CharField(_("reporting currency"), max_length=3, choices=Currency.choices)
    # Units of the programme's currency per unit of the reporting currency on the payment day.
    exchange_rate = models.DecimalField(_("exchange rate"), max_digits=18, decimal_places=6)
    reporting_amount = models.DecimalField(_("amount in reporting currency"), **MONEY)

    class Meta:
        verbose_name = _("funder's share")
        verbose_name_plural = _("funders' shares")
        constraints = [
            models.UniqueConstraint(fields=["disbursement", "funder"], name="grants_share_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.disbursement} · {self.funder}"


class ProgressReport(TimeStampedModel):
    """A grantee's semester: grades, credits, attendance and the officer's reading of it."""

    class AcademicStatus(models.TextChoices):
        GOOD = "good", _("In good standing")
        WARNING = "warning", _("Academic warning")
        PROBATION = "probation", _("Academic probation")
        FAILING = "failing", _("Failing")

    award = models.ForeignKey(
        Award, verbose_name=_("award"), on_delete=models.CASCADE, related_name="reports"
    )
    # E.g. "2026-spring"; with `ends_on`, the day the semester ended (a report is due after it).
    term = models.CharField(_("semester"), max_length=20)
    ends_on = models.DateField(_("semester ended on"))
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    gpa = models.DecimalField(
        _("GPA"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("5"))],
    )
    credits = models.PositiveSmallIntegerField(_("credits"), null=True, blank=True)
    attendance_percent = models.DecimalField(
        _("attendance (%)"), max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT
    )
    academic_status = models.CharField(
        _("academic status"), max_length=16, choices=AcademicStatus.choices, default=AcademicStatus.GOOD
    )
    officer_comment = models.TextField(_("officer's comment"), blank=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["award", "-ends_on"]
        constraints = [models.UniqueConstraint(fields=["award", "term"], name="grants_report_unique")]
        # Each award's latest report, for the risk rules: one index probe rather than a sort of the
        # award's reports.
        indexes = [models.Index(fields=["award", "-ends_on", "-id"], name="grants_report_latest")]

    def __str__(self) -> str:
        return f"{self.award.grantee} {self.term}"


class Milestone(models.Model):
    """Something an award is expected to reach by a day: a language certificate, a thesis defence."""

    award = models.ForeignKey(
        Award, verbose_name=_("award"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due on"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["award", "due_on"]

    def __str__(self) -> str:
        return self.title


class GranteeDocument(TimeStampedModel):
    """Any other document about a grantee or an award (a transcript, a contract, a letter)."""

    grantee = models.ForeignKey(
        Grantee, verbose_name=_("grantee"), on_delete=models.CASCADE, related_name="documents"
    )
    award = models.ForeignKey(
        Award,
        verbose_name=_("award"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("file"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("grantee document")
        verbose_name_plural = _("grantee documents")
        ordering = ["grantee", "-created_at"]

    def __str__(self) -> str:
        return self.title


class OutcomeRecord(TimeStampedModel):
    """What an alumnus was doing at one survey wave after their award ended. A wave's row exists
    from the day it falls due (the follow-up); `responded_on` says whether they answered, which
    gives each wave's response rate."""

    class Wave(models.TextChoices):
        MONTHS_6 = "6m", _("6 months")
        YEAR_1 = "1y", _("1 year")
        YEARS_3 = "3y", _("3 years")
        YEARS_5 = "5y", _("5 years")

    class Residence(models.TextChoices):
        RETURNED = "returned", _("Returned home")
        THIRD_COUNTRY = "third_country", _("In a third country")
        STAYED = "stayed", _("Stayed in the host country")

    class Sector(models.TextChoices):
        GOVERNMENT = "government", _("Government")
        EDUCATION = "education", _("Education")
        RELIGIOUS = "religious", _("Religious institution")
        CIVIL_SOCIETY = "civil_society", _("Civil society")
        PRIVATE = "private", _("Private sector")
        INTERNATIONAL = "international", _("International organisation")
        FURTHER_STUDY = "further_study", _("Further study")
        NOT_WORKING = "not_working", _("Not working")

    class Verification(models.TextChoices):
        SELF_REPORTED = "self_reported", _("Self-reported")
        EMPLOYER = "employer", _("Confirmed by the employer")
        PUBLIC_RECORD = "public_record", _("Public record")
        OFFICER = "officer", _("Verified by an officer")

    award = models.ForeignKey(
        Award, verbose_name=_("award"), on_delete=models.CASCADE, related_name="outcomes"
    )
    wave = models.CharField(_("wave"), max_length=4, choices=Wave.choices)
    due_on = models.DateField(_("due on"))
    surveyed_on = models.DateField(_("survey sent on"), null=True, blank=True)
    responded_on = models.DateField(_("answered on"), null=True, blank=True)
    residence = models.CharField(_("where they live"), max_length=16, choices=Residence.choices, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    employer_sector = models.CharField(
        _("employer sector"), max_length=16, choices=Sector.choices, blank=True
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    is_leadership = models.BooleanField(_("leadership role"), default=False)
    verification = models.CharField(
        _("how it was verified"), max_length=16, choices=Verification.choices, blank=True
    )

    class Meta:
        verbose_name = _("alumni outcome")
        verbose_name_plural = _("alumni outcomes")
        ordering = ["award", "due_on"]
        constraints = [models.UniqueConstraint(fields=["award", "wave"], name="grants_outcome_unique")]

    def __str__(self) -> str:
        return f"{self.award.grantee} {self.get_wave_display()}"
