"""Which languages a page exists in, and where: the one source for the language switcher, hreflang
alternates, the sitemap and the "not available in this language" page."""

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language_info
from wagtail.models import Page

# A script variant is served from its base language's page, transliterated, unless an editor wrote
# the variant by hand.
SCRIPT_VARIANTS = {"kk-latn": "kk"}


@dataclass(frozen=True)
class Language:
    code: str
    name_local: str
    is_rtl: bool

    @property
    def lang_attribute(self) -> str:
        """For lang="": a base language that has script variants is marked with its own script, so
        respelling a page into the variant leaves the language's own name alone."""
        if self.code in SCRIPT_VARIANTS.values():
            return f"{self.code}-Cyrl"
        return self.hreflang

    @property
    def hreflang(self) -> str:
        """BCP 47 casing: kk-Latn, fa-AF."""
        language, _sep, rest = self.code.partition("-")
        if not rest:
            return language
        return f"{language}-{rest.title() if len(rest) == 4 else rest.upper()}"


def content_languages() -> list[Language]:
    languages = []
    for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        info = get_language_info(code)
        languages.append(Language(code=code, name_local=info["name_local"], is_rtl=info["bidi"]))
    return languages


def language_prefix(code: str) -> str:
    return f"/{code}/"


def path_without_language(path: str) -> tuple[str | None, str]:
    """Split '/ru/some/page/' into ('ru', 'some/page/'); (None, path) when there is no known prefix."""
    first, _sep, rest = path.lstrip("/").partition("/")
    codes = {code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES}
    if first.lower() in codes:
        return first.lower(), rest
    return None, path.lstrip("/")


def live_translation_urls(page: Page, request: HttpRequest | None) -> dict[str, str]:
    """Language code → relative URL of each live translation of `page` (its own language included),
    with script variants that have no hand-written page served from their base language."""
    urls: dict[str, str] = {}
    for translation in page.get_translations(inclusive=True).live().select_related("locale"):
        url = translation.get_url(request)
        if url:
            urls[translation.locale.language_code] = url
    return with_script_variants(urls)


def with_script_variants(urls: dict[str, str]) -> dict[str, str]:
    """Add the URL of each script variant that has no hand-written page: its base page's path under
    the variant's prefix. Works on relative URLs ('/kk/x/') and absolute ones ('https://h/kk/x/')."""
    for variant, base in SCRIPT_VARIANTS.items():
        if variant not in urls and base in urls:
            head, found, tail = urls[base].partition(language_prefix(base))
            if found:
                urls[variant] = head + language_prefix(variant) + tail
    return urls
