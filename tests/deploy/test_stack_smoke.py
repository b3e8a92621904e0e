"""The production stack of deploy/ on loopback, driven over HTTP through nginx: gunicorn, a Celery
worker and the one beat started with the commands of deploy/systemd/*.service and the production
settings, nginx with deploy/nginx/site.conf rendered without TLS, the test database (PostgreSQL) and
the suite's broker (Redis in CI). A public page, static files and uploads, the admin sign-in and a
scheduled send that reaches a loopback SMTP server."""

import gzip
import json
import os
import re
import subprocess
import sys

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from outreach.broadcasts.models import Broadcast, Delivery
from outreach.core.roles import ADMINISTRATOR, EDITOR
from tests.browser.test_editorial_flow import data_migrations_replay
from tests.conftest import ROOT
from tests.deploy.stack import nginx_binary
from tests.factories.audiences import SubscriberFactory
from tests.factories.broadcasts import BroadcastFactory
from tests.factories.users import UserFactory, in_english
from tests.smtp import Inbox, free_port

pytestmark = [
    pytest.mark.worker,
    # Processes outside this one read the rows, so they are committed; the role groups migrations
    # create are made again where a test needs them (production_user), as an earlier transactional
    # test emptied the tables.
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        nginx_binary() is None,
        reason="nginx is not installed: `make nginx` installs Debian's package (as root), or apt-get install nginx",
    ),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3",
        reason="the production stack runs on PostgreSQL: set DATABASE_URL=postgres://... (and CELERY_BROKER_URL)",
    ),
]

PASSWORD = "correct horse battery staple"  # noqa: S105 (UserFactory's password)
HASHED_NAME = re.compile(r"\.[0-9a-f]{12}\.")


def title_of(html: str) -> str:
    found = re.search(r"<title>(.*?)</title>", html, re.DOTALL)
    assert found, html[:500]
    return " ".join(found.group(1).split())


def production_user(username: str, groups: list[str]):
    """A user reading the admin in English whose password production can check: the suite's fast
    hasher is not among the production settings' hashers."""
    # An earlier transactional test may have flushed the groups the migrations made.
    data_migrations_replay("cms.migrations.0004_role_groups")
    user = in_english(UserFactory(username=username, groups=groups))
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save(update_fields=["password"])
    return user


def csrf_token_in(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


def sign_in(browser, username: str, form):
    """Post the admin's sign-in form as a browser does: its CSRF token, Origin and Referer."""
    fields = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf_token_in(form.text)}
    return browser.post("/admin/login/", {**fields, "next": "/admin/"}, referer="/admin/login/")


def test_nginx_serves_the_public_site_its_static_files_and_uploads(production_stack, homes):
    # given the site's home pages, and uploads: an image, an export, a document's file and a private
    # import file
    media = production_stack.media_root
    for folder, name, content in (
        ("original_images", "steppe.png", b"\x89PNG\r\n\x1a\n"),
        ("documents", "annual-report.pdf", b"%PDF-1.7\n"),
        ("private/grants-imports", "upload.bin", b"encrypted"),
        ("exports", "figures.csv", b"region,count\n"),
    ):
        (media / folder).mkdir(parents=True)
        (media / folder / name).write_bytes(content)
    production_stack.start_web()
    browser = production_stack.browser()

    # when
    page = browser.get("/en/", Accept_Language="en")
    ready = browser.get("/health/ready/")
    stylesheet_path = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page.text)
    stylesheet = browser.get(stylesheet_path.group(1), Accept_Encoding="gzip") if stylesheet_path else None
    unhashed = browser.get("/static/css/site.css")
    image = browser.get("/media/original_images/steppe.png")
    export = browser.get("/media/exports/figures.csv")
    document_file = browser.get("/media/documents/annual-report.pdf")
    private_file = browser.get("/media/private/grants-imports/upload.bin")
    # the container's health check, pointed at this gunicorn
    health = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "deploy" / "healthcheck.py")],
        env={
            "PATH": os.environ["PATH"],
            "HEALTHCHECK_ADDRESS": f"127.0.0.1:{production_stack.gunicorn_port}",
            "ALLOWED_HOSTS": production_stack.env_file["ALLOWED_HOSTS"],
        },
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip

    # then the page comes from Django through nginx, in the production settings' shape
    assert page.status == 200
    assert title_of(page.text) == f"{homes['en'].title} · Clear Path"
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert page.headers["Server"] == "nginx"
    # the stylesheet the page links is its hashed, compressed copy, served by nginx for a year
    assert stylesheet is not None, page.text[:1000]
    assert stylesheet.status == 200
    assert stylesheet.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert stylesheet.headers["X-Content-Type-Options"] == "nosniff"
    assert stylesheet.headers["Content-Encoding"] == "gzip"
    collected = production_stack.static_root / stylesheet_path.group(1).removeprefix("/static/")
    assert gzip.decompress(stylesheet.body) == collected.read_bytes()
    assert unhashed.status == 200
    assert unhashed.headers["Cache-Control"] == "public, max-age=3600"
    manifest = json.loads((production_stack.static_root / "staticfiles.json").read_text())
    assert HASHED_NAME.search(manifest["paths"]["css/site.css"])
    # and no static file reached gunicorn
    access_log = production_stack.log("gunicorn-access.log")
    assert "GET /en/ " in access_log
    assert "/static/" not in access_log
    # uploads: images inline, anything else a download, never sniffed; documents only through
    # Wagtail's view and private files never
    assert image.status == 200
    assert image.body == b"\x89PNG\r\n\x1a\n"
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    assert image.headers["Content-Disposition"] is None
    assert export.status == 200
    assert export.headers["Content-Disposition"] == "attachment"
    assert export.headers["X-Content-Type-Options"] == "nosniff"
    assert export.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert document_file.status == 404
    assert private_file.status == 404
    assert health.returncode == 0, health.stderr
    # and the production environment reaches the database, both caches and the broker
    assert ready.status == 200, ready.text
    assert json.loads(ready.body) == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "page_cache": "ok", "broker": "ok"},
    }


def test_an_editor_signs_in_through_nginx_and_reaches_the_dashboard(production_stack, homes):
    # given an editor, and an administrator, whose role must use a second factor
    production_user("smoke-editor", [EDITOR])
    production_user("smoke-administrator", [ADMINISTRATOR])
    production_stack.start_web()
    editor, administrator = production_stack.browser(), production_stack.browser()

    # when each opens the sign-in form and posts it with its CSRF token
    form = editor.get("/admin/login/")
    signed_in = sign_in(editor, "smoke-editor", form)
    dashboard = editor.get("/admin/")
    sign_in(administrator, "smoke-administrator", administrator.get("/admin/login/"))
    administrator_dashboard = administrator.get("/admin/")

    # then the editor is sent on to the dashboard and sees it
    assert form.status == 200
    assert signed_in.status == 302, signed_in.text[:2000]
    assert signed_in.headers["Location"] == "/admin/"
    assert editor.cookie("sessionid") is not None
    assert dashboard.status == 200
    assert title_of(dashboard.text).startswith("Dashboard")
    # and the administrator is first asked to set up a second factor, as production requires
    assert administrator_dashboard.status == 302
    assert administrator_dashboard.headers["Location"].startswith("/admin/2fa/devices/new")


def test_a_scheduled_broadcast_is_sent_by_the_worker_on_beats_tick(production_stack):
    # given three confirmed subscribers, a broadcast to them due now and a mail server on loopback
    addresses = ["first@example.org", "second@example.org", "third@example.org"]
    for address in addresses:
        SubscriberFactory(active=True, email=address)
    SubscriberFactory(email="unconfirmed@example.org")
    broadcast = BroadcastFactory(scheduled=True)
    subject = broadcast.message.variants.get().subject
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        # when a worker and the beat start with the mail server as EMAIL_URL
        production_stack.start_celery(EMAIL_URL=f"smtp://127.0.0.1:{controller.port}")
        production_stack.stack.wait_for(
            lambda: (
                len(inbox.mails) >= len(addresses)
                and not Delivery.objects.filter(broadcast=broadcast)
                .exclude(status=Delivery.Status.SENT)
                .exists()
            ),
            timeout=60,
            what="the broadcast's mails",
        )
    finally:
        controller.stop()

    # then each confirmed subscriber got the message once, and nobody else got anything
    assert sorted(address for mail in inbox.mails for address in mail.rcpt_tos) == sorted(addresses)
    assert {str(mail.message["Subject"]) for mail in inbox.mails} == {subject}
    assert dict(Delivery.objects.filter(broadcast=broadcast).values_list("subscriber__email", "status")) == {
        address: Delivery.Status.SENT for address in addresses
    }
    assert Broadcast.objects.get(pk=broadcast.pk).status in {
        Broadcast.Status.SENDING,
        Broadcast.Status.FINISHED,
    }
