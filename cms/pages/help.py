from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.admin_forms import ContentDirectionPageForm
from cms.blocks import BodyStreamBlock
from cms.pages.counting import CountedPageMixin


class HelpPage(CountedPageMixin, Page):
    """Where someone worried, or someone who wants out, finds help and can write in confidence."""

    base_form_class = ContentDirectionPageForm

    intro = models.TextField(_("introduction"))
    body = StreamField(BodyStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    template = "cms/help_page.html"
    show_quick_exit = True

    class Meta:
        verbose_name = _("help page")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from cms.forms import HelpRequestForm

        context = super().get_context(request, *args, **kwargs)
        # The landing page a campaign reader came from travels with the form, without a cookie.
        referring_page = request.GET.get("from", "")
        if not (referring_page.isascii() and referring_page.isdigit() and len(referring_page) <= 10):
            referring_page = ""
        context.setdefault(
            "form", HelpRequestForm(initial={"page": self.pk, "referring_page": referring_page})
        )
        return context
