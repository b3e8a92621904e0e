"""Every answer carries the security headers: a strict Content-Security-Policy on the public site, a
looser one of its own in the admins, and the same Referrer-, Permissions- and opener policies
everywhere (docs/decisions/0012-security-headers.md)."""

import importlib
import re
import sys
from pathlib import Path

import pytest
import wagtail_factories
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.test import Client

from cms.templatetags.cms_tags import embed_url
from outreach.helpline.models import HelpRequest
from tests.factories.cms import HelpPageFactory, article_add

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
PUBLIC_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
ADMIN_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "frame-src": ["'self'", "https://www.youtube-nocookie.com", "https://player.vimeo.com"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'self'"],
}
DENIED_FEATURES = [
    "browsing-topics",
    "camera",
    "geolocation",
    "interest-cohort",
    "microphone",
    "payment",
    "usb",
]


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    directives = (part.split() for part in response["Content-Security-Policy"].split(";"))
    return {name: sources for name, *sources in directives}


def permissions(response) -> dict[str, str]:
    """The Permissions-Policy header as {feature: allowlist}."""
    return dict(item.split("=", 1) for item in response["Permissions-Policy"].split(", "))


def assert_common_headers(response, referrer_policy: str = "same-origin") -> None:
    assert response["Referrer-Policy"] == referrer_policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    denied = permissions(response)
    assert {feature: denied[feature] for feature in DENIED_FEATURES} == dict.fromkeys(DENIED_FEATURES, "()")


def assert_public_headers(response, referrer_policy: str = "same-origin") -> None:
    assert policy(response) == PUBLIC_POLICY
    assert_common_headers(response, referrer_policy)


def test_a_public_page_and_its_cached_copy_carry_the_public_policy(client, homes):
    # given a published article
    article_add(home=homes["en"], slug="story")
    # when two anonymous readers open it, the second from the page cache
    first = client.get("/en/story/")
    second = client.get("/en/story/")
    # then both answers carry the same strict policy and the other headers
    assert (first.status_code, second.status_code) == (200, 200)
    assert (first["X-Wagtail-Cache"], second["X-Wagtail-Cache"]) == ("miss", "hit")
    assert_public_headers(first)
    assert_public_headers(second)
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert second["Permissions-Policy"] == first["Permissions-Policy"]


def test_the_public_policy_allows_no_inline_code_no_eval_and_no_other_host(client, homes):
    # when a reader opens the home page
    response = client.get("/en/")
    # then no directive lets inline code, eval or any host but ours and the two video players in
    header = response["Content-Security-Policy"]
    assert "unsafe" not in header
    assert "nonce-" not in header
    assert "*" not in header
    sources = {source for sources in policy(response).values() for source in sources}
    assert {source for source in sources if source.startswith("https://")} == set(PUBLIC_POLICY["frame-src"])


def test_the_frame_sources_are_exactly_the_video_players_the_site_embeds():
    # given the embed addresses the video placeholder builds for YouTube and Vimeo links
    players = {
        embed_url("https://youtu.be/abcdefghijk"),
        embed_url("https://www.youtube.com/watch?v=abcdefghijk"),
        embed_url("https://vimeo.com/123456"),
    }
    # then their origins are what the public policy lets a page frame, and nothing more
    origins = {re.match(r"https://[^/]+", url).group(0) for url in players}
    assert origins == set(PUBLIC_POLICY["frame-src"])
    # and a link to another host gets no player at all, so nothing else would ever be framed
    assert embed_url("https://example.org/video/1") is None


@pytest.mark.parametrize(
    ("path", "status", "referrer_policy"),
    [
        ("/en/search/?q=steppe", 200, "same-origin"),
        # The subscription pages send no Referer at all: their addresses may carry a token.
        ("/en/subscribe/", 200, "no-referrer"),
        ("/en/no-such-page/", 404, "same-origin"),
        ("/kk-latn/", 200, "same-origin"),
    ],
    ids=["search", "subscribe", "not-found", "script-variant"],
)
def test_every_public_answer_carries_the_public_policy(client, homes, path, status, referrer_policy):
    # when a reader opens a search, a form, a missing page or a respelled page
    response = client.get(path)
    # then it carries the public headers, whatever its status
    assert response.status_code == status
    assert_public_headers(response, referrer_policy)


def test_a_refused_help_request_carries_the_public_policy(client, homes):
    # given the help page
    help_page = HelpPageFactory(parent=homes["en"], locale=homes["en"].locale, slug="help")
    # when a help request is sent without a message
    response = client.post("/en/help-request/", {"page": help_page.pk, "message": ""})
    # then the page that says what is missing carries the headers too, and nothing is stored
    assert response.status_code == 400
    assert_public_headers(response)
    assert HelpRequest.objects.count() == 0


@pytest.mark.parametrize("path", ["/api/v1/partners/", "/api/v1/no-such-thing/", "/health/live/"])
def test_the_api_and_the_health_check_carry_the_headers(client, path):
    # when a program without a token asks the API, or the load balancer asks the health check
    response = client.get(path)
    # then even a JSON answer, refused or missing, carries them
    assert response.status_code in (200, 401, 404)
    assert_public_headers(response)


@pytest.mark.parametrize("path", ["/admin/login/", "/django-admin/login/"])
def test_the_admins_get_their_own_policy(client, path):
    # when a member of staff opens a sign-in page
    response = client.get(path)
    # then it carries the admin policy: inline code Wagtail needs, framing by itself for previews
    assert response.status_code == 200
    assert policy(response) == ADMIN_POLICY
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert_common_headers(response)


def test_a_signed_in_editor_gets_the_admin_policy_in_the_admin_and_the_public_one_on_the_site(
    client, admin_user, homes
):
    # given a signed-in administrator
    article_add(home=homes["en"], slug="story")
    client.force_login(admin_user)
    # when they open the dashboard and then a public page
    dashboard = client.get("/admin/")
    public = client.get("/en/story/")
    # then each carries its own policy
    assert (dashboard.status_code, public.status_code) == (200, 200)
    assert policy(dashboard) == ADMIN_POLICY
    assert policy(public) == PUBLIC_POLICY


def test_a_page_preview_gets_the_public_policy_framed_only_by_the_editor(client, admin_user, homes):
    # given a signed-in administrator and a draft change to an article
    article = article_add(home=homes["en"], slug="story")
    article.title = "A draft title"
    article.save_revision()
    client.force_login(admin_user)
    # when they view the draft (Wagtail renders it under the page's public path)
    response = client.get(f"/admin/pages/{article.pk}/view_draft/")
    # then it is held to the public policy, except that the editor's own pages may frame it
    assert response.status_code == 200
    assert "A draft title" in response.content.decode()
    assert policy(response) == {**PUBLIC_POLICY, "frame-ancestors": ["'self'"]}


def test_a_static_file_through_whitenoise_carries_the_headers(settings):
    # given WhiteNoise reading the source folders, as it does under runserver
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    # when a browser fetches the site's stylesheet (a fresh client, so WhiteNoise starts anew)
    response = Client().get("/static/css/site.css")
    # then WhiteNoise answers it, with the headers
    assert response.status_code == 200
    assert response.__class__.__module__.startswith("whitenoise")
    assert_public_headers(response)


def test_a_served_document_keeps_wagtails_own_stricter_policy(client):
    # given an uploaded document
    document = wagtail_factories.DocumentFactory(
        title="Leaflet", file=ContentFile(b"plain words\n", name="leaflet.txt")
    )
    # when a reader downloads it
    response = client.get(document.url)
    # then Wagtail's policy (nothing may load or run) is kept, not replaced by the page policy
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert_common_headers(response)


def test_hsts_is_sent_over_https_with_the_production_settings(client, settings, monkeypatch):
    # given the production settings module, loaded with the environment it demands
    for name, value in {
        "SECRET_KEY": "a-long-random-production-secret-for-this-test-only-x7Qp2LmZ9vR4",
        "ALLOWED_HOSTS": "testserver",
        "ANYMAIL_WEBHOOK_SECRET": "provider:a-long-random-webhook-password",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delitem(sys.modules, "outreach.settings.production", raising=False)
    production = importlib.import_module("outreach.settings.production")
    for name in ("SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD"):
        setattr(settings, name, getattr(production, name))
    # when a reader opens the site over HTTPS
    response = client.get("/health/live/", secure=True)
    # then the browser is told to use HTTPS for a year, subdomains included, preload-ready
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_hsts_is_never_sent_outside_production(client):
    # given the shared settings, which leave HSTS to production
    assert django_settings.SECURE_HSTS_SECONDS == 0
    # when a page is fetched over HTTPS
    response = client.get("/health/live/", secure=True)
    # then no HSTS header pins the host
    assert "Strict-Transport-Security" not in response


INLINE_CODE = re.compile(r"<style|\sstyle=|<script(?![^>]*\ssrc=)|\son[a-z]+=|javascript:", re.IGNORECASE)
PUBLIC_TEMPLATES = [
    *(ROOT / "templates").glob("*.html"),
    *(ROOT / "templates" / "includes").glob("*.html"),
    *(ROOT / "templates" / "cms").glob("*.html"),
    *(ROOT / "templates" / "cms" / "blocks").glob("*.html"),
    *(ROOT / "templates" / "cms" / "subscription").glob("*.html"),
]


def test_no_public_template_carries_inline_code_the_policy_would_block():
    # given every template of the public site
    assert len(PUBLIC_TEMPLATES) > 20
    # then none has an inline script, style block, style attribute or event handler
    offenders = {
        str(path.relative_to(ROOT)): INLINE_CODE.findall(path.read_text())
        for path in PUBLIC_TEMPLATES
        if INLINE_CODE.search(path.read_text())
    }
    assert offenders == {}
