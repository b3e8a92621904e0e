from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page

from cms.admin_forms import ContentDirectionPageForm
from cms.pages.counting import CountedPageMixin
from cms.snippets import Audience, Topic

PAGE_SIZE = 12


class TopicIndexPage(CountedPageMixin, RoutablePageMixin, Page):
    """Lists the topics and audiences of its language, and the material under each, page by page."""

    base_form_class = ContentDirectionPageForm

    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    template = "cms/topic_index_page.html"
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("topic index")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["topics"] = Topic.objects.filter(locale_id=self.locale_id).order_by("name")
        context["audiences"] = Audience.objects.filter(locale_id=self.locale_id).order_by("name")
        return context

    @path("")
    def index(self, request: HttpRequest) -> HttpResponse:
        return self.render(request)

    @path("<str:slug>/", name="topic")
    def topic(self, request: HttpRequest, slug: str) -> HttpResponse:
        topic = Topic.objects.filter(locale_id=self.locale_id, slug=slug).first()
        if topic is None:
            raise Http404
        return self._listing(request, heading=topic.name, description=topic.description, topic=topic)

    @path("for/<str:slug>/", name="audience")
    def audience(self, request: HttpRequest, slug: str) -> HttpResponse:
        audience = Audience.objects.filter(locale_id=self.locale_id, slug=slug).first()
        if audience is None:
            raise Http404
        return self._listing(
            request, heading=audience.name, description=audience.description, audience=audience
        )

    def _listing(
        self, request: HttpRequest, *, heading: str, description: str, **taxonomy: Any
    ) -> HttpResponse:
        from cms.selectors import materials_tagged

        materials = materials_tagged(locale_id=self.locale_id, **taxonomy)
        page_of_materials = Paginator(materials, PAGE_SIZE).get_page(request.GET.get("page"))
        context = self.get_context(request)
        context.update({"heading": heading, "description": description, "materials": page_of_materials})
        return TemplateResponse(request, "cms/topic_listing_page.html", context)
