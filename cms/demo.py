"""Load the demo site: home pages, articles in three languages, a programme, partners, an admin."""

import datetime
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from wagtail.models import Locale

from cms import demo_content
from cms.pages.home import HomePage
from cms.pages.kinds import ArticlePage
from cms.services import site_ensure
from outreach.campaigns.models import Partner
from outreach.grants.models import Programme

ADMIN_USERNAME = "admin"


def _stream(blocks: list[tuple[str, str]]) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = []
    for kind, text in blocks:
        if kind == "heading":
            data.append({"type": "heading", "value": {"text": text, "level": "h2"}})
        elif kind == "quote":
            quote, _sep, attribution = text.partition("|")
            data.append({"type": "quote", "value": {"quote": quote, "attribution": attribution}})
        else:
            data.append({"type": "paragraph", "value": text})
    return data


@transaction.atomic
def demo_load() -> dict[str, int]:
    """Create the demo content that is missing; never touches what an editor already changed."""
    home = site_ensure()
    created = {"pages": 0, "programmes": 0, "partners": 0}
    homes = {h.locale.language_code: h for h in HomePage.objects.filter(depth=2).select_related("locale")}
    for code, intro in demo_content.HOME_INTROS.items():
        page = homes.get(code)
        if page is not None and not page.intro:
            page.intro = intro
            page.save_revision().publish()

    default_code = home.locale.language_code
    for article in demo_content.ARTICLES:
        source = ArticlePage.objects.filter(slug=article["slug"], locale=home.locale).first()
        if source is None:
            source = _article_add(parent=home, slug=article["slug"], text=article[default_code])
            created["pages"] += 1
        for code, text in article.items():
            if code in ("slug", default_code) or code not in homes:
                continue
            locale = Locale.objects.get(language_code=code)
            if source.get_translation_or_none(locale) is None:
                _article_add(
                    parent=homes[code],
                    slug=article["slug"],
                    text=text,
                    translation_key=source.translation_key,
                )
                created["pages"] += 1

    for row in demo_content.PROGRAMMES:
        _obj, was_created = Programme.objects.get_or_create(
            code=row["code"], defaults={**row, "starts_on": datetime.date.fromisoformat(row["starts_on"])}
        )
        created["programmes"] += was_created
    for row in demo_content.PARTNERS:
        _obj, was_created = Partner.objects.get_or_create(name=row["name"], defaults=row)
        created["partners"] += was_created
    return created


def _article_add(
    *, parent: HomePage, slug: str, text: dict[str, Any], translation_key: Any = None
) -> ArticlePage:
    page = ArticlePage(
        title=text["title"],
        slug=slug,
        summary=text["summary"],
        body=_stream(text["body"]),
        locale=parent.locale,
    )
    if translation_key is not None:
        page.translation_key = translation_key
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def demo_admin_ensure() -> tuple[str, str | None]:
    """Create the demo superuser once, with a random password kept in var/ so later runs can show it."""
    password_file = Path(settings.VAR_DIR) / "admin-password.txt"
    user_model = get_user_model()
    if user_model.objects.filter(username=ADMIN_USERNAME).exists():
        password = password_file.read_text().strip() if password_file.exists() else None
        return ADMIN_USERNAME, password
    password = secrets.token_urlsafe(12)
    user_model.objects.create_superuser(ADMIN_USERNAME, "admin@localhost", password)
    password_file.parent.mkdir(parents=True, exist_ok=True)
    password_file.write_text(password + "\n")
    password_file.chmod(0o600)
    return ADMIN_USERNAME, password
