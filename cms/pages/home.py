from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import BodyStreamBlock

LATEST_MATERIAL_COUNT = 6


class HomePage(Page):
    """The front page of one language's site."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.ArticlePage"]
    template = "cms/home_page.html"

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from cms.pages.article import ArticlePage

        context = super().get_context(request, *args, **kwargs)
        context["latest_articles"] = list(
            ArticlePage.objects.live()
            .public()
            .child_of(self)
            .filter(locale_id=self.locale_id)
            .select_related("locale")
            .order_by("-first_published_at")[:LATEST_MATERIAL_COUNT]
        )
        return context
