from typing import Any

from django import template
from django.conf import settings
from django.utils.translation import get_language
from wagtail.models import Page

from cms.i18n import content_languages, language_prefix, live_translation_urls, path_without_language

register = template.Library()


@register.simple_tag(takes_context=True)
def page_languages(context: dict[str, Any], page: Any = None) -> dict[str, Any]:
    """For the switcher and hreflang: each content language, named in its own script, linking to the
    page's live translation. A language the page lacks links to the same path under that language,
    which answers with the "not available in this language" page listing where it exists."""
    request = context.get("request")
    current = get_language()
    translations = live_translation_urls(page, request) if isinstance(page, Page) and page.pk else {}
    _code, remainder = path_without_language(request.path if request else "/")
    root = request.build_absolute_uri("/").rstrip("/") if request else ""
    links = [
        {
            "code": language.code,
            "hreflang": language.hreflang,
            "lang": language.lang_attribute,
            "name": language.name_local,
            "dir": "rtl" if language.is_rtl else "ltr",
            "url": translations.get(language.code, language_prefix(language.code) + remainder),
            "is_current": language.code == current,
            "has_translation": language.code in translations,
        }
        for language in content_languages()
    ]
    alternates = [
        {"hreflang": link["hreflang"], "href": root + link["url"]}
        for link in links
        if link["has_translation"]
    ]
    default = translations.get(settings.LANGUAGE_CODE)
    return {"links": links, "alternates": alternates, "x_default": root + default if default else None}
