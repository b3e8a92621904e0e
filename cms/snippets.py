"""Taxonomy shared by every material: topics and audiences, translated per locale."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import TranslatableMixin
from wagtail.search import index


class Topic(TranslatableMixin, index.Indexed, models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, allow_unicode=True)
    description = models.TextField(_("description"), blank=True)

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("locale_id"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "locale"], name="cms_topic_slug_per_locale"),
        ]

    def __str__(self) -> str:
        return self.name


class Audience(TranslatableMixin, models.Model):
    """Who a material is for: youth, parents, teachers, religious leaders, returnees' families."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, allow_unicode=True)
    description = models.TextField(_("description"), blank=True)

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "locale"], name="cms_audience_slug_per_locale"),
        ]

    def __str__(self) -> str:
        return self.name
