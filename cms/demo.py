"""Load the demo site: topics and audiences, a help page, a topic index and material of every kind in
Kazakh, Russian, English and Dari, home-page introductions in every language, illustrations and
downloadable guides, a grant programme, partners, a joint programme with the EU Delegation and its
campaigns, an admin and a partner user.

Loading is idempotent and never overwrites an editor's work: a page is matched by its translation key
or by its slug in its language, a topic or audience likewise, an image or a document by its title,
and anything that already exists is left exactly as it is."""

import datetime
import hashlib
from collections import Counter
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import models, transaction
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

from cms import demo_content
from cms.demo_campaigns import joint_programme_ensure
from cms.demo_content.blocks import Block
from cms.demo_images import illustration_render
from cms.demo_logins import demo_login_ensure
from cms.pages.help import HelpPage
from cms.pages.home import HomePage
from cms.pages.kinds import (
    ArticlePage,
    CampaignLandingPage,
    ResourcePage,
    ScholarAnswerPage,
    TestimonyPage,
    VideoPage,
)
from cms.pages.material import MaterialPage, RelatedLink
from cms.pages.topics import TopicIndexPage
from cms.services import site_ensure
from cms.snippets import Audience, Topic
from outreach.campaigns.models import Partner
from outreach.grants.models import Programme

ADMIN_USERNAME = "admin"

PAGE_MODELS: dict[str, type[Page]] = {
    "topic_index": TopicIndexPage,
    "help": HelpPage,
    "article": ArticlePage,
    "testimony": TestimonyPage,
    "scholar_answer": ScholarAnswerPage,
    "video": VideoPage,
    "resource": ResourcePage,
    "campaign": CampaignLandingPage,
}
# What demo_load() counts, in the order the load_demo command reports it.
COUNTED = (
    "pages",
    "topics",
    "audiences",
    "images",
    "documents",
    "home_pages",
    "programmes",
    "partners",
    "joint_programmes",
    "campaigns",
    "promotions",
)
# Queries recruiters' material targets, each answered first by the scholars' answer on hijra (shown
# in the reader's language wherever a translation is live).
PROMOTED_QUERIES = {
    "hijra-to-a-war-zone": ["hijra to syria", "хиджра в сирию", "сирияға хижра", "هجرت به سوریه", "hijra"],
}
# A demo page asks an editor to check it again a year after it was loaded.
REVIEW_AFTER = datetime.timedelta(days=365)


@transaction.atomic
def demo_load() -> dict[str, int]:
    """Create the demo content that is missing and return how many of each kind were created; never
    touches what already exists, so an editor's changes survive any number of runs."""
    site_ensure()
    created = _DemoLoader().load()
    return {kind: created[kind] for kind in COUNTED}


class _DemoLoader:
    def __init__(self) -> None:
        self.created: Counter[str] = Counter()
        self.homes = {
            home.locale.language_code: home
            for home in HomePage.objects.filter(depth=2).select_related("locale")
        }
        self.languages = {
            code: module for code, module in demo_content.LANGUAGES.items() if code in self.homes
        }
        self.locales = {code: self.homes[code].locale for code in self.languages}
        # (slug, language) → id of the demo pages that exist, whether loaded now or earlier.
        self.page_ids: dict[tuple[str, str], int] = {}
        self.taxonomy: dict[tuple[type[models.Model], str, str], models.Model] = {}
        self.images: dict[str, Any] = {}
        self.documents: dict[tuple[str, str], Any] = {}

    def load(self) -> Counter[str]:
        for model, slugs, attribute in (
            (Topic, demo_content.TOPIC_SLUGS, "TOPICS"),
            (Audience, demo_content.AUDIENCE_SLUGS, "AUDIENCES"),
        ):
            for slug in slugs:
                self._snippet_ensure(model, slug, attribute)
        self._pages_ensure()
        self._home_pages_fill()
        self._programmes_and_partners_ensure()
        joint_programme_ensure(page_ids=self.page_ids, created=self.created)
        self._promotions_ensure()
        return self.created

    def _promotions_ensure(self) -> None:
        from wagtail.contrib.search_promotions.models import Query, SearchPromotion

        default = next(iter(self.languages))
        for slug, queries in PROMOTED_QUERIES.items():
            page_id = self.page_ids.get((slug, default))
            if page_id is None:
                continue
            for text in queries:
                query = Query.get(text)
                if not SearchPromotion.objects.filter(query=query).exists():
                    SearchPromotion.objects.create(
                        query=query, page_id=page_id, sort_order=0, description="The scholars' answer"
                    )
                    self.created["promotions"] += 1

    # --- Topics and audiences ---------------------------------------------------------------------

    def _snippet_ensure(self, model: type[Topic] | type[Audience], slug: str, attribute: str) -> None:
        """One topic or audience in every demo language, the translations sharing the source's key."""
        counter = "topics" if model is Topic else "audiences"
        existing = list(
            model.objects.filter(slug=slug, locale__in=self.locales.values()).select_related("locale")
        )
        key = next(
            (
                item.translation_key
                for code in self.languages
                for item in existing
                if item.locale.language_code == code
            ),
            None,
        )
        for code, module in self.languages.items():
            locale = self.locales[code]
            lookup = models.Q(slug=slug) | models.Q(translation_key=key) if key else models.Q(slug=slug)
            item = model.objects.filter(lookup, locale=locale).first()
            if item is None:
                name, description = getattr(module, attribute)[slug]
                item = model(locale=locale, slug=slug, name=name, description=description)
                if key is not None:
                    item.translation_key = key
                item.full_clean()
                item.save()
                self.created[counter] += 1
            key = key or item.translation_key
            self.taxonomy[(model, slug, code)] = item

    # --- Pages ------------------------------------------------------------------------------------

    def _pages_ensure(self) -> None:
        """Every demo page in every language it is written in, under that language's home page.

        New pages are added unpublished and published once all exist, so that each gets a single
        revision that already links to related material loaded after it."""
        existing = list(
            Page.objects.filter(depth=3, locale__in=self.locales.values()).values_list(
                "pk", "slug", "translation_key", "locale__language_code"
            )
        )
        by_slug = {(slug, code): (pk, key) for pk, slug, key, code in existing}
        by_key = {(key, code): pk for pk, _slug, key, code in existing}
        new_pages: list[tuple[Page, demo_content.PageSpec, str]] = []
        for spec in demo_content.PAGES:
            # The key of the page in the first language that has it, the source language first.
            key = next(
                (by_slug[(spec.slug, code)][1] for code in self.languages if (spec.slug, code) in by_slug),
                None,
            )
            for code, module in self.languages.items():
                pk = by_key.get((key, code)) or by_slug.get((spec.slug, code), (None, None))[0]
                if pk is not None:
                    self.page_ids[(spec.slug, code)] = pk
                    continue
                text = module.PAGES.get(spec.slug)
                if text is None:
                    continue
                page = self._page_add(spec=spec, code=code, text=text, translation_key=key)
                key = page.translation_key
                self.page_ids[(spec.slug, code)] = page.pk
                new_pages.append((page, spec, code))
        for page, spec, code in new_pages:
            if isinstance(page, MaterialPage):
                page.related_links = [
                    RelatedLink(target_id=self.page_ids[(slug, code)], sort_order=order)
                    for order, slug in enumerate(spec.related)
                    if (slug, code) in self.page_ids
                ]
            page.save_revision().publish()
            self.created["pages"] += 1

    def _page_add(
        self, *, spec: demo_content.PageSpec, code: str, text: dict[str, Any], translation_key: Any
    ) -> Page:
        model = PAGE_MODELS[spec.page_type]
        fields: dict[str, Any] = {
            **spec.fields,
            "slug": spec.slug,
            "locale": self.locales[code],
            "live": False,
        }
        fields.update({name: value for name, value in text.items() if name != "body"})
        if "body" in text:
            fields["body"] = self._stream(text["body"], code)
        if issubclass(model, MaterialPage):
            fields["review_by"] = timezone.localdate() + REVIEW_AFTER
            if spec.listing_image:
                fields["listing_image"] = self._image(spec.listing_image)
        if spec.call_to_action_page:
            fields["call_to_action_page_id"] = self.page_ids.get((spec.call_to_action_page, code))
        page = model(**fields)
        if translation_key is not None:
            page.translation_key = translation_key
        if isinstance(page, MaterialPage):
            page.topics = [self.taxonomy[(Topic, slug, code)] for slug in spec.topics]
            page.audiences = [self.taxonomy[(Audience, slug, code)] for slug in spec.audiences]
        home = self.homes[code]
        home.refresh_from_db()  # add_child needs the home page's current number of children
        home.add_child(instance=page)
        return page

    def _stream(self, blocks: list[Block], code: str) -> list[dict[str, Any]]:
        """Body blocks as stored by a StreamField, with images, documents and the help page resolved
        in the language of the page."""
        data: list[dict[str, Any]] = []
        for kind, value in blocks:
            if kind == "image":
                value = {**value, "image": self._image(value["image"]).pk}
            elif kind == "document":
                value = {**value, "document": self._document(value["document"], code).pk}
            elif kind == "help_callout":
                help_page_id = self.page_ids.get(("help", code))
                if help_page_id is None:
                    continue
                value = {**value, "page": help_page_id}
            data.append({"type": kind, "value": value})
        return data

    # --- Media ------------------------------------------------------------------------------------

    def _image(self, key: str) -> Any:
        """The illustration `key`, drawn and added to the image library the first time it is needed."""
        if key not in self.images:
            image_model = get_image_model()
            title = demo_content.IMAGES[key]
            image = image_model.objects.filter(title=title).first()
            if image is None:
                data = illustration_render(key)
                image = image_model(title=title, file=ImageFile(ContentFile(data), name=f"{key}.jpg"))
                image.file_size = len(data)
                # Wagtail's own duplicate check, not a security use.
                image.file_hash = hashlib.sha1(data, usedforsecurity=False).hexdigest()
                image.save()
                self.created["images"] += 1
            self.images[key] = image
        return self.images[key]

    def _document(self, key: str, code: str) -> Any:
        """The language's version of the guide `key`, a UTF-8 text file any phone opens and prints.

        Plain text rather than a PDF drawn with Pillow: such a PDF is a picture of text, which screen
        readers cannot read and search cannot find, it is several times larger, and drawing Cyrillic
        and Arabic script needs fonts a server may not have."""
        if (key, code) not in self.documents:
            document_model = get_document_model()
            spec = self.languages[code].DOCUMENTS[key]
            document = document_model.objects.filter(title=spec["title"]).first()
            if document is None:
                data = spec["text"].encode("utf-8")
                document = document_model(title=spec["title"], file=ContentFile(data, name=spec["filename"]))
                document.file_size = len(data)
                # Wagtail's own duplicate check, not a security use.
                document.file_hash = hashlib.sha1(data, usedforsecurity=False).hexdigest()
                document.save()
                self.created["documents"] += 1
            self.documents[(key, code)] = document
        return self.documents[(key, code)]

    # --- Home pages, programmes, partners ---------------------------------------------------------

    def _home_pages_fill(self) -> None:
        """An introduction on every home page (and a call-out to help where the language has a help
        page), unless a person has already edited that home page."""
        for code, intro in demo_content.HOME_INTROS.items():
            home = self.homes.get(code)
            if home is None or home.revisions.filter(user__isnull=False).exists():
                continue
            home.refresh_from_db()
            changed = False
            if not home.intro:
                home.intro = intro
                changed = True
            module = self.languages.get(code)
            if module is not None and not home.body and ("help", code) in self.page_ids:
                home.body = self._stream(module.HOME_BODY, code)
                changed = True
            if changed:
                home.save_revision().publish()
                self.created["home_pages"] += 1

    def _programmes_and_partners_ensure(self) -> None:
        for row in demo_content.PROGRAMMES:
            _obj, was_created = Programme.objects.get_or_create(
                code=row["code"], defaults={**row, "starts_on": datetime.date.fromisoformat(row["starts_on"])}
            )
            self.created["programmes"] += was_created
        for row in demo_content.PARTNERS:
            _obj, was_created = Partner.objects.get_or_create(name=row["name"], defaults=row)
            self.created["partners"] += was_created


def demo_admin_ensure() -> tuple[str, str | None]:
    """Create the demo superuser once, with a random password kept in var/ so later runs can show it."""
    _user, password = demo_login_ensure(
        username=ADMIN_USERNAME,
        login_file="admin-password.txt",
        create=lambda: get_user_model().objects.create_superuser(ADMIN_USERNAME, "admin@localhost", None),
    )
    return ADMIN_USERNAME, password
