"""Demo material for the embedded site, written for the platform's readers: a help page, a topic
index and material of every kind in Kazakh (the source), Russian, English and Dari, and a home-page
introduction in every content language.

structure.py says which pages exist and how they are tagged and linked; kk.py, ru.py, en.py and
fa_af.py hold each language's words, keyed by the same slugs; intros.py greets the readers of the
languages that have no material yet."""

from types import ModuleType

from cms.demo_content import en, fa_af, kk, ru
from cms.demo_content.intros import HOME_INTROS as OTHER_HOME_INTROS
from cms.demo_content.structure import (
    AUDIENCE_SLUGS,
    IMAGES,
    PAGES,
    PARTNERS,
    PROGRAMMES,
    TOPIC_SLUGS,
    PageSpec,
)

# The source language first: translations take its translation key.
LANGUAGES: dict[str, ModuleType] = {"kk": kk, "ru": ru, "en": en, "fa-af": fa_af}
SOURCE_LANGUAGE = "kk"

HOME_INTROS: dict[str, str] = {
    code: module.HOME_INTRO for code, module in LANGUAGES.items()
} | OTHER_HOME_INTROS

__all__ = [
    "AUDIENCE_SLUGS",
    "HOME_INTROS",
    "IMAGES",
    "LANGUAGES",
    "PAGES",
    "PARTNERS",
    "PROGRAMMES",
    "SOURCE_LANGUAGE",
    "TOPIC_SLUGS",
    "PageSpec",
]
