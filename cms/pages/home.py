from typing import Any

from django.db import models
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Locale, Page
from wagtail.search import index

from cms.admin_forms import ContentDirectionPageForm
from cms.blocks import BodyStreamBlock
from cms.i18n import SCRIPT_VARIANTS
from cms.pages.counting import CountedPageMixin

LATEST_MATERIAL_COUNT = 6
MATERIAL_TYPES = [
    "cms.ArticlePage",
    "cms.TestimonyPage",
    "cms.ScholarAnswerPage",
    "cms.VideoPage",
    "cms.ResourcePage",
    "cms.CampaignLandingPage",
]


class HomePage(CountedPageMixin, Page):
    """The front page of one language's site."""

    base_form_class = ContentDirectionPageForm

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [*MATERIAL_TYPES, "cms.TopicIndexPage", "cms.HelpPage"]
    template = "cms/home_page.html"

    class Meta:
        verbose_name = _("home page")

    def route(self, request: HttpRequest, path_components: list[str]) -> Any:
        """A script variant's home (written by hand) routes what it lacks through its base language's
        tree, where the page is then respelled (cms.middleware.ScriptVariantMiddleware)."""
        try:
            return super().route(request, path_components)
        except Http404:
            base = SCRIPT_VARIANTS.get(self.locale.language_code)
            source = self.get_translation_or_none(Locale.objects.get(language_code=base)) if base else None
            if source is None or not path_components:
                raise
            return source.specific.route(request, path_components)

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from cms.selectors import latest_material

        context = super().get_context(request, *args, **kwargs)
        context["latest_material"] = latest_material(home=self, count=LATEST_MATERIAL_COUNT)
        return context
