"""Writes for the public site's structure: locales, one home page per language, the default Site."""

from django.conf import settings
from django.db import transaction
from wagtail.models import Collection, Locale, Page, Site

from cms.i18n import SCRIPT_VARIANTS
from cms.pages.home import HomePage
from cms.roles import roles_page_permissions_ensure

# The site's name in each language; the same words as the "Clear Path" interface string.
SITE_TITLES = {
    "kk": "Ақ жол",
    "ru": "Светлый путь",
    "en": "Clear Path",
    "ky": "Ак жол",
    "uz": "Yorugʻ yoʻl",
    "tg": "Роҳи равшан",
    "fa-af": "راه روشن",
    "ps": "روښانه لاره",
    "ar": "الطريق الواضح",
}


@transaction.atomic
def site_ensure() -> HomePage:
    """Make sure every content locale exists, each has a live home page translating the default one,
    the default Site points at it, and each role group holds its page permissions there. Safe to run
    again: it creates only what is missing."""
    for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        Locale.objects.get_or_create(language_code=code)
    default_locale = Locale.get_default()
    root = Page.get_first_root_node()
    if root is None:
        # Wagtail's migrations create the page tree's and the collections' roots; a flushed or
        # hand-emptied database has neither.
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=default_locale))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")

    home = HomePage.objects.filter(depth=2, locale=default_locale).first()
    if home is None:
        # Wagtail's installer leaves a plain "Welcome" page; it would take the home page's slug.
        Page.objects.filter(depth=2, content_type__model="page", numchild=0).delete()
        root.refresh_from_db()
        home = HomePage(
            title=SITE_TITLES.get(default_locale.language_code, "Clear Path"),
            slug="home",
            locale=default_locale,
        )
        root.add_child(instance=home)
        home.save_revision().publish()

    # Script variants (Kazakh in Latin) are served from their base language unless written by hand.
    for locale in Locale.objects.exclude(pk=default_locale.pk).exclude(language_code__in=SCRIPT_VARIANTS):
        if home.get_translation_or_none(locale) is None:
            translation = HomePage(
                title=SITE_TITLES.get(locale.language_code, home.title),
                # Siblings under the root need distinct slugs; a home page's slug never shows in its URL.
                slug=f"home-{locale.language_code}",
                locale=locale,
                translation_key=home.translation_key,
            )
            root.refresh_from_db()
            root.add_child(instance=translation)
            translation.save_revision().publish()

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save(update_fields=["root_page"])
    # Translators' page permissions hang on the home pages made above.
    roles_page_permissions_ensure()
    return home
