from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.models import Locale, Page
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet
from wagtailcache.cache import clear_cache

import cms.report_hooks  # noqa: F401  (editorial reports, audit log actions, dashboard; registers on import)
import cms.role_hooks  # noqa: F401  (which languages a translator may translate into; registers on import)
import cms.workflow_hooks  # noqa: F401  (moderation mails, comments and labels; registers on import)
from cms.i18n import SCRIPT_VARIANTS, path_without_language
from cms.snippets import Audience, Topic


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    menu_label = _("Topics")
    add_to_admin_menu = True
    menu_order = 200
    list_display = ["name", "slug", "locale"]
    search_fields = ["name"]


class AudienceViewSet(SnippetViewSet):
    model = Audience
    icon = "user"
    menu_label = _("Audiences")
    add_to_admin_menu = True
    menu_order = 210
    list_display = ["name", "slug", "locale"]


register_snippet(TopicViewSet)
register_snippet(AudienceViewSet)


@hooks.register("before_serve_page")
def serve_hand_written_script_variant(
    page: Page, request: HttpRequest, serve_args: Any, serve_kwargs: Any
) -> HttpResponse | None:
    """Under /kk-latn/, a page reached through the Cyrillic tree gives way to its Latin version when
    an editor wrote one; otherwise the Cyrillic page is served and respelled."""
    language = get_language()
    if language not in SCRIPT_VARIANTS or page.locale.language_code != SCRIPT_VARIANTS[language]:
        return None
    written = page.get_translation_or_none(Locale.objects.get(language_code=language))
    if written is None or not written.live:
        return None
    return written.specific.serve(request, *serve_args, **serve_kwargs)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
@hooks.register("after_delete_snippet")
def clear_page_cache_after_snippet_change(request: HttpRequest, instance: Any) -> None:
    # Topic and audience names appear on many pages; a rename must show at once.
    clear_cache()


@hooks.register("is_request_cacheable")
def cache_only_the_public_site(request: HttpRequest, is_cacheable: bool) -> bool:
    """Only the language-prefixed public site and its sitemap go into the page cache; never the API
    (its answers depend on the token), the admin, health checks or a form submission."""
    language, _rest = path_without_language(request.path_info)
    return is_cacheable and (language is not None or request.path_info == "/sitemap.xml")


@hooks.register("register_admin_urls")
def register_reading_report_url() -> list[Any]:
    from django.urls import path

    from cms.views import ReadingReportCsvView, ReadingReportView

    return [
        path("reports/most-read/", ReadingReportView.as_view(), name="cms_reading_report"),
        path("reports/most-read/csv/", ReadingReportCsvView.as_view(), name="cms_reading_report_csv"),
    ]


@hooks.register("register_reports_menu_item")
def register_reading_report_menu_item() -> Any:
    from django.urls import reverse

    from cms.reports import EditorialReportMenuItem

    # Shown to whoever the report lets in (cms.permissions.can_view_editorial_reports).
    return EditorialReportMenuItem(
        _("Most read"), reverse("cms_reading_report"), name="most-read", icon_name="view", order=700
    )


@hooks.register("insert_editor_js")
def content_direction_js() -> str:
    from django.templatetags.static import static
    from django.utils.html import format_html

    return format_html('<script src="{}" defer></script>', static("js/admin-content-direction.js"))
