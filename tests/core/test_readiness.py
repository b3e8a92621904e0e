"""The readiness endpoint (/health/ready/): 200 when the database, the caches and the Celery broker
answer, 503 naming the failing check (and no host, port or password) when one does not; liveness
answers 200 either way."""

import socket

import pytest

from outreach.settings.base import filesystem_broker_options

pytestmark = pytest.mark.django_db

LOCMEM = "django.core.cache.backends.locmem.LocMemCache"
REDIS = "django.core.cache.backends.redis.RedisCache"


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_ready_when_database_caches_and_broker_answer(client, settings, django_assert_num_queries):
    # given this run's real broker and, when it is Redis (CI, PostgreSQL run), both caches on Redis too
    if settings.CELERY_BROKER_URL.startswith("redis://"):
        settings.CACHES = {
            "default": {"BACKEND": REDIS, "LOCATION": settings.CELERY_BROKER_URL, "KEY_PREFIX": "ready-test"},
            "pagecache": {
                "BACKEND": REDIS,
                "LOCATION": settings.CELERY_BROKER_URL,
                "KEY_PREFIX": "ready-pages",
            },
        }
    # when a load balancer asks; one trivial query is all the database sees
    with django_assert_num_queries(1):
        response = client.get("/health/ready/")
    # then
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "page_cache": "ok", "broker": "ok"},
    }
    assert "no-store" in response["Cache-Control"]
    assert not response.has_header("Location")


def test_the_page_cache_is_checked_once_when_it_is_the_default_cache(client, settings):
    # given one cache configuration for both aliases
    settings.CACHES = {"default": {"BACKEND": LOCMEM}, "pagecache": {"BACKEND": LOCMEM}}
    # when
    response = client.get("/health/ready/")
    # then
    assert response.status_code == 200
    assert set(response.json()["checks"]) == {"database", "cache", "broker"}


def test_not_ready_when_the_broker_does_not_answer(client, settings):
    # given a Redis broker on a closed loopback port
    port = closed_port()
    settings.CELERY_BROKER_URL = f"redis://:broker-password@127.0.0.1:{port}/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    # when
    response = client.get("/health/ready/")
    # then the broker is named as failing, and nothing about where it is or how to log in to it
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "cache": "ok", "page_cache": "ok", "broker": "failed"},
    }
    body = response.content.decode()
    assert str(port) not in body and "127.0.0.1" not in body and "broker-password" not in body
    assert "no-store" in response["Cache-Control"]
    # and the process itself is alive
    assert client.get("/health/live/").status_code == 200


def test_not_ready_when_the_cache_does_not_answer(client, settings):
    # given the default cache on a Redis at a closed loopback port
    port = closed_port()
    settings.CACHES = {
        "default": {"BACKEND": REDIS, "LOCATION": f"redis://127.0.0.1:{port}/9"},
        "pagecache": {"BACKEND": LOCMEM, "LOCATION": "pages"},
    }
    # when
    response = client.get("/health/ready/")
    # then
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["cache"] == "failed"
    assert (checks["database"], checks["page_cache"]) == ("ok", "ok")
    assert str(port) not in response.content.decode()
    assert client.get("/health/live/").status_code == 200


def test_the_filesystem_broker_is_ready_only_with_its_folders(client, settings, tmp_path):
    # given the embedded default's filesystem transport in a folder of its own
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker_options(tmp_path / "celery")
    assert client.get("/health/ready/").json()["checks"]["broker"] == "ok"
    # when its queue folder is gone
    (tmp_path / "celery" / "queue").rmdir()
    response = client.get("/health/ready/")
    # then
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "failed"
    assert str(tmp_path) not in response.content.decode()


def test_readiness_is_outside_the_language_prefixes(client):
    # a language prefix is never added, and the answer is JSON whatever the reader's language
    response = client.get("/health/ready/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert client.get("/health/ready/missing/").status_code == 404
