"""Fixtures for the subscription tests: English messages and an empty throttle."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def english_admin(settings):
    # Messages are asserted in the source language whatever the site's default is.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def empty_cache():
    # The throttles count in the cache; each test starts with nothing counted.
    cache.clear()
    yield
    cache.clear()
