"""Every counter-narrative material shares one base: summary, body from the shared block library,
topics, audiences, related material and a review date. Listings query this one table."""

from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.admin_forms import ContentDirectionPageForm
from cms.blocks import BodyStreamBlock
from cms.pages.counting import CountedPageMixin
from cms.panels import ReadingFiguresPanel, TranslationStatusPanel

RELATED_MATERIAL_COUNT = 4


class MaterialPage(CountedPageMixin, Page):
    base_form_class = ContentDirectionPageForm
    summary = models.TextField(
        _("summary"), max_length=400, help_text=_("One or two sentences shown in listings and link previews.")
    )
    body = StreamField(BodyStreamBlock(), verbose_name=_("body"))
    topics = ParentalManyToManyField(
        "cms.Topic", blank=True, related_name="materials", verbose_name=_("topics")
    )
    audiences = ParentalManyToManyField(
        "cms.Audience", blank=True, related_name="materials", verbose_name=_("audiences")
    )
    listing_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("listing image"),
    )
    review_by = models.DateField(
        _("review by"),
        null=True,
        blank=True,
        help_text=_("When an editor should check this is still accurate."),
    )

    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("body")]
    promote_panels = [
        *Page.promote_panels,
        MultiFieldPanel(
            [FieldPanel("topics"), FieldPanel("audiences"), FieldPanel("listing_image")],
            heading=_("Taxonomy"),
        ),
        InlinePanel("related_links", label=_("Related material"), max_num=RELATED_MATERIAL_COUNT),
    ]

    @classmethod
    def panels_with(cls, *own: Any) -> list[Any]:
        """The editing panels of a kind of material: the title, the kind's own fields, summary, body."""
        return [*Page.content_panels, *own, *cls.content_panels[len(Page.content_panels) :]]

    # Read-only: how often the page is read, and where its translations stand (cms.panels).
    settings_panels = [
        *Page.settings_panels,
        FieldPanel("review_by"),
        ReadingFiguresPanel(),
        TranslationStatusPanel(),
    ]

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("latin_text"),
        index.FilterField("locale_id"),
        index.RelatedFields("topics", [index.SearchField("name"), index.FilterField("translation_key")]),
        index.RelatedFields("audiences", [index.FilterField("translation_key")]),
    ]

    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    # Only the concrete kinds below are created; this table is what listings and search read.
    is_creatable = False

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from cms.selectors import related_material

        context = super().get_context(request, *args, **kwargs)
        context["related_material"] = related_material(page=self)
        return context

    def latin_text(self) -> str:
        """Kazakh material respelled in Latin script, indexed so a query typed in either script finds it."""
        if self.locale.language_code != "kk":
            return ""
        from cms.transliteration import kazakh_to_latin

        return kazakh_to_latin(f"{self.title}\n{self.summary}")

    @property
    def kind_label(self) -> str:
        return str(self.specific_class._meta.verbose_name) if self.specific_class else ""


class RelatedLink(Orderable):
    """Material an editor placed beside another; shared topics fill the remaining places."""

    page = ParentalKey(MaterialPage, on_delete=models.CASCADE, related_name="related_links")
    target = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+", verbose_name=_("material")
    )

    panels = [FieldPanel("target", heading=_("Material"))]

    class Meta(Orderable.Meta):
        verbose_name = _("related material")
