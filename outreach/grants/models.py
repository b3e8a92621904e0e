from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from outreach.core.models import TimeStampedModel


class Programme(TimeStampedModel):
    """An educational grant programme, e.g. study places in Kazakhstan for students from Afghanistan."""

    class Currency(models.TextChoices):
        KZT = "KZT", _("Kazakhstani tenge")
        EUR = "EUR", _("Euro")
        USD = "USD", _("US dollar")

    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(
        _("code"), max_length=40, unique=True, help_text=_("Short reference, e.g. AFG-EDU.")
    )
    description = models.TextField(_("description"), blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.KZT)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    is_active = models.BooleanField(_("is active"), default=True)

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

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A programme cannot end before it starts.")})
