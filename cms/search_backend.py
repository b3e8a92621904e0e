"""Wagtail's PostgreSQL search backend, with each page indexed and searched in its own language's
text search configuration, so Russian, English and Arabic get PostgreSQL's stemming and the rest
(which PostgreSQL has no stemmer for) are matched word for word and by trigram similarity."""

import copy
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from modelsearch.backends.database.postgres.postgres import PostgresIndex, PostgresSearchBackend

# https://www.postgresql.org/docs/15/textsearch-configuration.html (\dF lists what a server has)
SEARCH_CONFIG_BY_LANGUAGE = {"ru": "russian", "en": "english", "ar": "arabic"}
FALLBACK_CONFIG = "simple"


def search_config_for(language_code: str | None) -> str:
    return SEARCH_CONFIG_BY_LANGUAGE.get(language_code or "", FALLBACK_CONFIG)


def _language_of(obj: Any) -> str | None:
    locale = getattr(obj, "locale", None) if getattr(obj, "locale_id", None) else None
    return locale.language_code if locale is not None else None


class LocaleAwareIndex(PostgresIndex):
    def add_items(self, model: type, objs: Iterable[Any]) -> None:
        groups: dict[str, list[Any]] = defaultdict(list)
        for obj in objs:
            groups[search_config_for(_language_of(obj))].append(obj)
        shared_backend = self.backend
        try:
            for config, group in groups.items():
                self.backend = self.backend_for(config, shared_backend)
                super().add_items(model, group)
        finally:
            self.backend = shared_backend

    @staticmethod
    def backend_for(config: str, backend: PostgresSearchBackend) -> PostgresSearchBackend:
        localized = copy.copy(backend)
        localized.config = config
        return localized


class LocaleAwareSearchBackend(PostgresSearchBackend):
    index_class = LocaleAwareIndex

    def for_language(self, language_code: str | None) -> "LocaleAwareSearchBackend":
        """This backend, searching with the configuration the language's pages were indexed with."""
        return LocaleAwareIndex.backend_for(search_config_for(language_code), self)


SearchBackend = LocaleAwareSearchBackend
