"""What Wagtail's audit log does not record by itself: a translation written into a page by
wagtail-localize. Wagtail logs the publication that may follow, but neither who translated nor from
which language; wagtail-localize keeps that in its own TranslationLog table, which the site history
does not read. Each new TranslationLog row is therefore copied into the page's audit log."""

from typing import Any

from django.conf import settings
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.models import Page
from wagtail_localize.models import TranslationLog

TRANSLATE_ACTION = "cms.translate"
TRANSLATE_LABEL = _("Translate")


def language_name(code: str) -> str:
    return str(dict(settings.WAGTAIL_CONTENT_LANGUAGES).get(code, code))


def page_translation_record(*, translation_log: TranslationLog) -> None:
    """Record in the translated page's audit log that wagtail-localize wrote a translation into it:
    by whom (the author of the revision it created), from which language into which."""
    source = translation_log.source
    page = Page.objects.filter(translation_key=source.object_id, locale_id=translation_log.locale_id).first()
    if page is None:
        return
    revision = translation_log.revision
    log(
        instance=page.specific_deferred,
        action=TRANSLATE_ACTION,
        user=revision.user if revision is not None else None,
        revision=revision,
        data={"source_locale": source.locale.language_code, "locale": page.locale.language_code},
    )


def _translation_logged(sender: Any, instance: TranslationLog, created: bool, **kwargs: Any) -> None:
    # wagtail-localize has no hook of its own; its TranslationLog row is written once per translation.
    if created:
        page_translation_record(translation_log=instance)


def connect() -> None:
    post_save.connect(_translation_logged, sender=TranslationLog, dispatch_uid="cms-audit-translation")
