from django.db import models
from django.utils.translation import gettext_lazy as _

from outreach.core.models import TimeStampedModel


class Partner(TimeStampedModel):
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
