from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import override
from django.views.decorators.cache import cache_control
from wagtail.models import Page

from cms.i18n import (
    SCRIPT_VARIANTS,
    content_languages,
    live_translation_urls,
    path_without_language,
    with_script_variants,
)
from cms.pages.home import HomePage
from outreach.core import views as core_views


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A 404 that helps: when the path names material that exists in other languages, say so in the
    visitor's language and offer those versions; never pass the source text off as a translation."""
    language, remainder = path_without_language(request.path)
    if language is None or not remainder or request.path.startswith("/api/"):
        return core_views.not_found(request, exception)
    homes = HomePage.objects.filter(depth=2).only("url_path")
    candidate = Page.objects.live().filter(url_path__in=[home.url_path + remainder for home in homes]).first()
    urls = live_translation_urls(candidate, request) if candidate else {}
    urls.pop(language, None)
    if not urls:
        return core_views.not_found(request, exception)
    titles = {
        translation.locale.language_code: translation.title
        for translation in candidate.get_translations(inclusive=True).live().select_related("locale")
    }
    available = [
        {
            "url": urls[lang.code],
            "hreflang": lang.hreflang,
            "dir": "rtl" if lang.is_rtl else "ltr",
            "name": lang.name_local,
            "title": titles.get(lang.code) or titles.get("kk", candidate.title),
        }
        for lang in content_languages()
        if lang.code in urls
    ]
    with override(language):
        body = render_to_string("cms/not_available.html", {"available": available}, request)
    return HttpResponse(body, status=404)


@cache_control(max_age=3600, public=True)
def sitemap(request: HttpRequest) -> HttpResponse:
    """Every live page once per language, each with hreflang alternates to its translations and an
    x-default (Wagtail's own sitemap lists one language only)."""
    root = request.build_absolute_uri("/").rstrip("/")
    languages = {lang.code: lang for lang in content_languages()}
    pages = Page.objects.live().public().filter(depth__gte=2).select_related("locale").order_by("path")
    groups: dict[str, dict[str, Page]] = {}
    for page in pages:
        groups.setdefault(str(page.translation_key), {})[page.locale.language_code] = page
    entries = []
    for group in groups.values():
        urls = {code: root + url for code, page in group.items() if (url := page.get_url(request))}
        urls = with_script_variants(urls)
        alternates = [
            {"hreflang": languages[code].hreflang, "href": href}
            for code, href in urls.items()
            if code in languages
        ]
        x_default = urls.get(settings.LANGUAGE_CODE) or next(iter(urls.values()), None)
        for code, href in urls.items():
            page = group.get(code) or group[SCRIPT_VARIANTS[code]]
            entries.append(
                {
                    "loc": href,
                    "lastmod": page.last_published_at,
                    "alternates": alternates,
                    "x_default": x_default,
                }
            )
    body = render_to_string("cms/sitemap.xml", {"entries": entries})
    return HttpResponse(body, content_type="application/xml; charset=utf-8")
