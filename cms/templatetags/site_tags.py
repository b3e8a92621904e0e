from typing import Any

from django import template
from django.conf import settings
from django.utils.translation import get_language, get_language_info
from wagtail.models import Page

register = template.Library()


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context: dict[str, Any], page: Any = None) -> dict[str, Any]:
    """Each content language named in its own script, linking to this page's live translation, or to
    that language's front page when there is none."""
    request = context.get("request")
    current = get_language()
    translations: dict[str, str] = {}
    if isinstance(page, Page) and page.pk:
        for translation in page.get_translations(inclusive=True).live().select_related("locale"):
            url = translation.get_url(request)
            if url:
                translations[translation.locale.language_code] = url
    links = []
    for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": translations.get(code, f"/{code}/"),
                "is_current": code == current,
                "has_translation": code in translations,
            }
        )
    return {"links": links}
