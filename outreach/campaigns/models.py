"""Partner organisations, the joint programmes we run with them, their results frameworks and the
campaigns that serve them.

A joint programme holds reporting periods; its results framework is a tree of outcome and output
statements, each with indicators that carry a baseline and a target per period; results are the
actual values entered (or computed from the platform's own figures) per indicator and period."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from outreach.core.models import TimeStampedModel


class Currency(models.TextChoices):
    EUR = "EUR", _("Euro")
    KZT = "KZT", _("Kazakhstani tenge")
    USD = "USD", _("US dollar")


def ends_after_start(name: str) -> models.CheckConstraint:
    """The database's own guard that a dated row (programme, period, campaign) does not end before
    it starts; each model's clean() says so in words first."""
    return models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name=name)


class Partner(TimeStampedModel, ClusterableModel):
    """A partner organisation that runs joint programmes with us (e.g. the EU Delegation)."""

    class Kind(models.TextChoices):
        INTERNATIONAL = "international", _("International organisation")
        EMBASSY = "embassy", _("Embassy")
        NATIONAL_AGENCY = "national_agency", _("National agency")
        NGO = "ngo", _("Non-governmental organisation")
        UNIVERSITY = "university", _("University")

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166 code, e.g. KZ."))
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("is active"), default=True)

    class Meta:
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name


class PartnerContact(models.Model):
    """Someone at a partner organisation we work with."""

    partner = ParentalKey(
        Partner, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("partner")
    )
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("partner contact")
        verbose_name_plural = _("partner contacts")
        ordering = ["partner", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.partner})"


class PartnerMembership(models.Model):
    """Makes an admin user a partner user: they see their organisation's programmes and nothing else."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="partner_membership",
        verbose_name=_("user"),
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("partner")
    )

    class Meta:
        verbose_name = _("partner user")
        verbose_name_plural = _("partner users")

    def __str__(self) -> str:
        return f"{self.user} @ {self.partner}"


class JointProgramme(TimeStampedModel, ClusterableModel):
    """A programme run with one or more partners, with its budget, period and objectives."""

    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(
        _("code"), max_length=40, unique=True, help_text=_("Short reference, e.g. EU-PVE-2026.")
    )
    objectives = models.TextField(_("objectives"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.EUR)
    budget = models.DecimalField(
        _("budget"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    partners = models.ManyToManyField(
        Partner, through="ProgrammePartner", related_name="programmes", verbose_name=_("partners")
    )
    is_active = models.BooleanField(_("is active"), default=True)

    class Meta:
        verbose_name = _("joint programme")
        verbose_name_plural = _("joint programmes")
        ordering = ["-starts_on", "name"]
        constraints = [ends_after_start("campaigns_programme_ends_after_start")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A programme cannot end before it starts.")})


class ProgrammePartner(models.Model):
    """A partner's part in a joint programme: its role and its share of the funding."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead partner")
        CO_FUNDER = "co_funder", _("Co-funder")
        IMPLEMENTING = "implementing", _("Implementing partner")
        ASSOCIATE = "associate", _("Associate")

    programme = ParentalKey(
        JointProgramme, on_delete=models.CASCADE, related_name="partner_roles", verbose_name=_("programme")
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="programme_roles", verbose_name=_("partner")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    funding_share = models.DecimalField(
        _("funding share (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        verbose_name = _("programme partner")
        verbose_name_plural = _("programme partners")
        ordering = ["programme", "-funding_share"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "partner"], name="campaigns_programme_partner_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner}: {self.get_role_display()}"


class ReportingPeriod(models.Model):
    """A period the programme reports on, e.g. a quarter or a year; targets and results belong to one."""

    programme = ParentalKey(
        JointProgramme, on_delete=models.CASCADE, related_name="periods", verbose_name=_("programme")
    )
    name = models.CharField(_("name"), max_length=60, help_text=_("e.g. 2026 Q1"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["programme", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="campaigns_period_name_unique"),
            ends_after_start("campaigns_period_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not (self.starts_on and self.ends_on and self.programme_id):
            return
        if self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A period cannot end before it starts.")})
        programme = self.programme
        if self.starts_on < programme.starts_on or self.ends_on > programme.ends_on:
            raise ValidationError(
                _("The period must lie within the programme (%(start)s to %(end)s).")
                % {"start": programme.starts_on.isoformat(), "end": programme.ends_on.isoformat()}
            )
        overlapping = (
            ReportingPeriod.objects.filter(
                programme_id=self.programme_id, starts_on__lte=self.ends_on, ends_on__gte=self.starts_on
            )
            .exclude(pk=self.pk)
            .first()
        )
        if overlapping:
            raise ValidationError(_("The period overlaps %(name)s.") % {"name": overlapping.name})


class PeriodNarrative(models.Model):
    """What the partner report says in words for one period, in one of the report languages."""

    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        RUSSIAN = "ru", "Русский"

    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, related_name="narratives", verbose_name=_("period")
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    summary = models.TextField(_("summary"))
    achievements = models.TextField(_("achievements"), blank=True)
    challenges = models.TextField(_("challenges"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)

    class Meta:
        verbose_name = _("period narrative")
        verbose_name_plural = _("period narratives")
        constraints = [
            models.UniqueConstraint(fields=["period", "language"], name="campaigns_narrative_unique")
        ]

    def __str__(self) -> str:
        return f"{self.period} ({self.language})"


class ResultStatement(models.Model):
    """An outcome or an output of a programme's results framework; outputs sit under an outcome."""

    class Level(models.TextChoices):
        OUTCOME = "outcome", _("Outcome")
        OUTPUT = "output", _("Output")

    programme = models.ForeignKey(
        JointProgramme, on_delete=models.CASCADE, related_name="statements", verbose_name=_("programme")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outputs",
        verbose_name=_("contributes to"),
        limit_choices_to={"level": "outcome"},
    )
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    code = models.CharField(_("code"), max_length=20, help_text=_("e.g. OC1 or OP1.2"))
    statement = models.TextField(_("statement"))

    class Meta:
        verbose_name = _("outcome or output")
        verbose_name_plural = _("outcomes and outputs")
        ordering = ["programme", "code"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="campaigns_statement_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.statement[:60]}"

    def clean(self) -> None:
        if self.level == self.Level.OUTCOME and self.parent_id:
            raise ValidationError({"parent": _("An outcome does not sit under another statement.")})
        if self.level == self.Level.OUTPUT:
            if not self.parent_id:
                raise ValidationError({"parent": _("Choose the outcome this output contributes to.")})
            if self.parent.programme_id != self.programme_id or self.parent.level != self.Level.OUTCOME:
                raise ValidationError({"parent": _("Choose an outcome of the same programme.")})


class Indicator(TimeStampedModel, ClusterableModel):
    """What a programme measures, with its unit, baseline, targets and where its figures come from."""

    class Unit(models.TextChoices):
        COUNT = "count", _("count")
        PEOPLE = "people", _("people")
        PERCENT = "percent", _("percent")

    class Dimension(models.TextChoices):
        LANGUAGE = "language", _("language")
        REGION = "region", _("region")
        SEX = "sex", _("sex")
        AGE_BAND = "age_band", _("age band")

    class Source(models.TextChoices):
        MANUAL = "manual", _("entered by hand")
        OUTREACH_DELIVERIES = "outreach_deliveries", _("outreach messages delivered")
        OUTREACH_UNSUBSCRIBES = "outreach_unsubscribes", _("unsubscribes from outreach")
        PAGE_VIEWS = "page_views", _("views of the campaigns' pages")
        HELP_REQUESTS = "help_requests", _("help requests from the campaigns' landing pages")

    programme = models.ForeignKey(
        JointProgramme, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("programme")
    )
    statement = models.ForeignKey(
        ResultStatement,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("outcome or output"),
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=300)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, default=Decimal("0"))
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    means_of_verification = models.TextField(_("means of verification"))
    disaggregation = models.JSONField(
        _("disaggregated by"),
        default=list,
        blank=True,
        help_text=_("Dimensions results are broken down by: language, region, sex, age band."),
    )
    partner_code = models.CharField(
        _("partner's indicator code"),
        max_length=40,
        blank=True,
        help_text=_(
            "The code of this indicator in the partner's own catalogue, e.g. the EU results framework."
        ),
    )
    source = models.CharField(
        _("figures come from"), max_length=24, choices=Source.choices, default=Source.MANUAL
    )

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["programme", "code"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="campaigns_indicator_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_automatic(self) -> bool:
        return self.source != self.Source.MANUAL

    def clean(self) -> None:
        if self.statement_id and self.programme_id and self.statement.programme_id != self.programme_id:
            raise ValidationError({"statement": _("Choose an outcome or output of the same programme.")})
        dimensions = self.disaggregation
        if not isinstance(dimensions, list) or any(item not in self.Dimension.values for item in dimensions):
            raise ValidationError(
                {
                    "disaggregation": _("Choose dimensions from: %(choices)s.")
                    % {"choices": ", ".join(self.Dimension.values)}
                }
            )
        if self.unit == self.Unit.PERCENT and not (Decimal("0") <= self.baseline <= Decimal("100")):
            raise ValidationError({"baseline": _("A percentage lies between 0 and 100.")})
        if self.is_automatic and self.unit == self.Unit.PERCENT:
            raise ValidationError({"source": _("Figures the platform counts are counts, not percentages.")})
        if self.is_automatic and self.pk and self.results.filter(is_automatic=False).exists():
            # The platform's count would silently replace what someone entered and evidenced.
            raise ValidationError(
                {
                    "source": _(
                        "Results of this indicator were entered by hand; delete them before the platform counts it."
                    )
                }
            )


def value_errors(unit: str, value: Decimal) -> list[str]:
    """Why `value` cannot be a figure in `unit`; empty when it can."""
    if value < 0:
        return [str(_("A result cannot be negative."))]
    if unit == Indicator.Unit.PERCENT and value > 100:
        return [str(_("A percentage lies between 0 and 100."))]
    if unit in (Indicator.Unit.COUNT, Indicator.Unit.PEOPLE) and value != value.to_integral_value():
        return [
            str(
                _("This indicator counts whole %(unit)s; %(value)s is not a whole number.")
                % {"unit": Indicator.Unit(unit).label, "value": value}
            )
        ]
    return []


# The private collection evidence is kept in (campaigns migration 0004): attendance lists and survey
# sheets may name people.
EVIDENCE_COLLECTION = "Programme evidence"


def evidence_is_private(document: Any) -> bool:
    """Whether `document` is kept in the evidence collection, or a collection under it."""
    collection = document.collection
    return any(
        ancestor.name == EVIDENCE_COLLECTION and ancestor.depth == 2
        for ancestor in [*collection.get_ancestors(), collection]
    )


class IndicatorTarget(models.Model):
    """The value an indicator should reach by the end of a period."""

    indicator = ParentalKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicator")
    )
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, related_name="targets", verbose_name=_("period")
    )
    value = models.DecimalField(_("target"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        ordering = ["indicator", "period__starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="campaigns_target_unique")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period}: {self.value}"

    def clean(self) -> None:
        if self.indicator_id and self.period_id and self.indicator.programme_id != self.period.programme_id:
            raise ValidationError({"period": _("Choose a period of the indicator's programme.")})
        if self.indicator_id and self.value is not None:
            errors = value_errors(self.indicator.unit, self.value)
            if errors:
                raise ValidationError({"value": errors})


class Result(TimeStampedModel):
    """The actual value of an indicator in a period, overall or for one category of a dimension."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="results", verbose_name=_("indicator")
    )
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="results", verbose_name=_("period")
    )
    dimension = models.CharField(
        _("broken down by"), max_length=10, choices=Indicator.Dimension.choices, blank=True, default=""
    )
    category = models.CharField(
        _("category"),
        max_length=40,
        blank=True,
        default="",
        help_text=_("e.g. ru, Almaty region, female, 15-24"),
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    evidence = models.ForeignKey(
        "wagtaildocs.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("evidence"),
    )
    evidence_note = models.TextField(_("evidence note"), blank=True)
    source_detail = models.TextField(
        _("where the figure came from"), blank=True, help_text=_("Filled in for figures the platform counts.")
    )
    is_automatic = models.BooleanField(_("counted by the platform"), default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["indicator", "period__starts_on", "dimension", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "dimension", "category"], name="campaigns_result_unique"
            ),
            models.CheckConstraint(
                condition=(models.Q(dimension="") & models.Q(category=""))
                | (~models.Q(dimension="") & ~models.Q(category="")),
                name="campaigns_result_category_with_dimension",
            ),
        ]

    def __str__(self) -> str:
        label = f" [{self.dimension}={self.category}]" if self.dimension else ""
        return f"{self.indicator.code} {self.period}{label}: {self.value}"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.indicator_id and self.period_id and self.indicator.programme_id != self.period.programme_id:
            errors["period"] = [str(_("This period is not part of the indicator's programme."))]
        if self.indicator_id and self.value is not None:
            problems = value_errors(self.indicator.unit, self.value)
            if problems:
                errors["value"] = problems
        if self.evidence_id and not evidence_is_private(self.evidence):
            errors["evidence"] = [
                str(
                    _(
                        "Keep evidence in the “%(collection)s” collection, which only campaign staff and "
                        "partner users can open; anyone with its address can download a document kept in "
                        "“%(current)s”."
                    )
                    % {"collection": EVIDENCE_COLLECTION, "current": self.evidence.collection.name}
                )
            ]
        if bool(self.dimension) != bool(self.category):
            errors["category"] = [str(_("Give both the dimension and its category, or neither."))]
        elif self.dimension and self.indicator_id and self.dimension not in self.indicator.disaggregation:
            errors["dimension"] = [
                str(
                    _("This indicator is not broken down by %(dimension)s.")
                    % {"dimension": Indicator.Dimension(self.dimension).label}
                )
            ]
        if errors:
            raise ValidationError(errors)


class Campaign(TimeStampedModel):
    """A campaign within a joint programme: who it speaks to, in which languages and channels, when,
    and what it may spend."""

    class Status(models.TextChoices):
        # With a context: Wagtail's own "Active" and "Cancelled" are translated for other nouns.
        PLANNED = "planned", pgettext_lazy("campaign status", "Planned")
        ACTIVE = "active", pgettext_lazy("campaign status", "Active")
        PAUSED = "paused", pgettext_lazy("campaign status", "Paused")
        COMPLETED = "completed", pgettext_lazy("campaign status", "Completed")
        CANCELLED = "cancelled", pgettext_lazy("campaign status", "Cancelled")

    class Audience(models.TextChoices):
        YOUTH = "youth", _("Young people")
        PARENTS = "parents", _("Parents")
        TEACHERS = "teachers", _("Teachers")
        RELIGIOUS_LEADERS = "religious_leaders", _("Religious leaders")
        RETURNEES_FAMILIES = "returnees_families", _("Returnees' families")

    class Channel(models.TextChoices):
        WEBSITE = "website", _("Website")
        EMAIL = "email", _("Email digest")
        MESSENGER = "messenger", _("Messenger channels")
        SOCIAL = "social", _("Social media")
        EVENTS = "events", _("Events and workshops")
        RADIO = "radio", _("Radio and television")

    programme = models.ForeignKey(
        JointProgramme, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("programme")
    )
    name = models.CharField(_("name"), max_length=200)
    objective = models.TextField(_("objective"))
    audiences = models.JSONField(_("target audiences"), default=list)
    languages = models.JSONField(_("languages"), default=list)
    channels = models.JSONField(_("channels"), default=list)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    budget = models.DecimalField(
        _("budget"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    spend = models.DecimalField(
        _("spent so far"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    materials = models.ManyToManyField(
        "wagtailcore.Page", blank=True, related_name="+", verbose_name=_("materials")
    )

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "name"]
        constraints = [ends_after_start("campaigns_campaign_ends_after_start")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        for field, choices in (
            ("audiences", self.Audience.values),
            ("languages", [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]),
            ("channels", self.Channel.values),
        ):
            value = getattr(self, field)
            if not isinstance(value, list) or not value:
                errors[field] = [str(_("Choose at least one."))]
            elif any(item not in choices for item in value):
                errors[field] = [str(_("Choose from: %(choices)s.") % {"choices": ", ".join(choices)})]
        if self.starts_on and self.ends_on:
            if self.ends_on < self.starts_on:
                errors["ends_on"] = [str(_("A campaign cannot end before it starts."))]
            elif self.programme_id and (
                self.starts_on < self.programme.starts_on or self.ends_on > self.programme.ends_on
            ):
                errors["starts_on"] = [
                    str(
                        _("The campaign must run within its programme (%(start)s to %(end)s).")
                        % {
                            "start": self.programme.starts_on.isoformat(),
                            "end": self.programme.ends_on.isoformat(),
                        }
                    )
                ]
        if errors:
            raise ValidationError(errors)
