import csv
import io
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import get_language, gettext_lazy, ngettext, override
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView, View
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Page

from cms.i18n import (
    SCRIPT_VARIANTS,
    content_languages,
    live_translation_urls,
    path_without_language,
    with_script_variants,
)
from cms.pages.home import HomePage
from cms.pages.topics import PAGE_SIZE
from cms.permissions import can_view_editorial_reports
from cms.report_forms import ReadingReportForm, language_name, page_type_label
from cms.selectors import ReadingFilters, ReadingReport
from cms.selectors import reading_report as reading_report_select
from cms.snippets import Audience, Topic
from outreach.core import views as core_views
from outreach.core.authentication import client_address
from outreach.core.exceptions import ApplicationError
from outreach.helpline.services import (
    help_request_client_key,
    help_request_submit,
    help_request_throttle_check,
)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A 404 that helps: when the path names material that exists in other languages, say so in the
    visitor's language and offer those versions; never pass the source text off as a translation."""
    language, remainder = path_without_language(request.path)
    if language is None or not remainder or request.path.startswith("/api/"):
        return core_views.not_found(request, exception)
    homes = HomePage.objects.filter(depth=2).only("url_path")
    candidate = Page.objects.live().filter(url_path__in=[home.url_path + remainder for home in homes]).first()
    urls = live_translation_urls(candidate, request) if candidate else {}
    urls.pop(language, None)
    if not urls:
        return core_views.not_found(request, exception)
    titles = {
        translation.locale.language_code: translation.title
        for translation in candidate.get_translations(inclusive=True).live().select_related("locale")
    }
    available = [
        {
            "url": urls[lang.code],
            "hreflang": lang.hreflang,
            "dir": "rtl" if lang.is_rtl else "ltr",
            "name": lang.name_local,
            "title": titles.get(lang.code) or titles.get("kk", candidate.title),
        }
        for lang in content_languages()
        if lang.code in urls
    ]
    with override(language):
        body = render_to_string("cms/not_available.html", {"available": available}, request)
    return HttpResponse(body, status=404)


@cache_control(max_age=3600, public=True)
def sitemap(request: HttpRequest) -> HttpResponse:
    """Every live page once per language, each with hreflang alternates to its translations and an
    x-default (Wagtail's own sitemap lists one language only)."""
    root = request.build_absolute_uri("/").rstrip("/")
    languages = {lang.code: lang for lang in content_languages()}
    pages = Page.objects.live().public().filter(depth__gte=2).select_related("locale").order_by("path")
    groups: dict[str, dict[str, Page]] = {}
    for page in pages:
        groups.setdefault(str(page.translation_key), {})[page.locale.language_code] = page
    entries = []
    for group in groups.values():
        urls = {code: root + url for code, page in group.items() if (url := page.get_url(request))}
        urls = with_script_variants(urls)
        alternates = [
            {"hreflang": languages[code].hreflang, "href": href}
            for code, href in urls.items()
            if code in languages
        ]
        x_default = urls.get(settings.LANGUAGE_CODE) or next(iter(urls.values()), None)
        for code, href in urls.items():
            page = group.get(code) or group[SCRIPT_VARIANTS[code]]
            entries.append(
                {
                    "loc": href,
                    "lastmod": page.last_published_at,
                    "alternates": alternates,
                    "x_default": x_default,
                }
            )
    body = render_to_string("cms/sitemap.xml", {"entries": entries})
    return HttpResponse(body, content_type="application/xml; charset=utf-8")


def search(request: HttpRequest) -> HttpResponse:
    """The search page: a GET form that works without JavaScript, results in the reader's language."""
    from cms.search import MAX_QUERY_LENGTH, content_locale, site_search

    language = get_language()
    locale = content_locale(language)
    query = request.GET.get("q", "")
    topics = Topic.objects.filter(locale=locale).order_by("name") if locale else Topic.objects.none()
    audiences = Audience.objects.filter(locale=locale).order_by("name") if locale else Audience.objects.none()
    problems = []
    if len(query) > MAX_QUERY_LENGTH:
        problems.append(
            _("Your search was shortened to its first %(count)d characters.") % {"count": MAX_QUERY_LENGTH}
        )
    topic = _choice(
        topics, request.GET.get("topic"), problems, _("There is no such topic; showing all topics.")
    )
    audience = _choice(
        audiences,
        request.GET.get("audience"),
        problems,
        _("There is no such audience; showing material for everyone."),
    )
    outcome = site_search(query=query, language_code=language, topic=topic, audience=audience)
    page_of_results = Paginator(outcome.results, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "outcome": outcome,
        "results": page_of_results,
        "topics": topics,
        "audiences": audiences,
        "selected_topic": topic,
        "selected_audience": audience,
        "problems": problems,
    }
    response = TemplateResponse(request, "cms/search.html", context)
    # Queries may be sensitive: never stored by a shared cache or kept in the browser's cache.
    response["Cache-Control"] = "private, no-store"
    return response


def _choice(options: Any, slug: str | None, problems: list[str], message: str) -> Any:
    if not slug:
        return None
    chosen = next((option for option in options if option.slug == slug), None)
    if chosen is None:
        problems.append(message)
    return chosen


# An anonymous form without a session: there is no identity a forged request could borrow, and a CSRF
# cookie would be the only cookie a reader gets. Abuse is handled by the throttle and a trap field.
@csrf_exempt
@require_POST
def help_request_post(request: HttpRequest) -> HttpResponse:
    """Receive the confidential help form and answer with the help page, thanked or with the errors."""
    from cms.forms import HelpRequestForm
    from cms.pages.help import HelpPage
    from cms.pages.kinds import CampaignLandingPage

    form = HelpRequestForm(request.POST)
    page_id = form.data.get("page", "")
    page = HelpPage.objects.live().filter(pk=int(page_id) if page_id.isdigit() else 0).first()
    if page is None:
        raise Http404
    status = 200
    if form.is_valid() and form.is_automated:
        return _help_page(request, page, HelpRequestForm(initial={"page": page.pk}), sent=True)
    if form.is_valid():
        try:
            help_request_throttle_check(
                client_key=help_request_client_key(remote_address=client_address(request))
            )
            help_request_submit(
                who=form.cleaned_data["who"],
                message=form.cleaned_data["message"],
                contact=form.cleaned_data["contact"],
                language=get_language(),
                source_page_id=page.pk,
                referring_page=CampaignLandingPage.referrer_from(form.cleaned_data["referring_page"]),
            )
        except ApplicationError as error:
            for field_name, messages in error.extra.get("fields", {"__all__": [error.message]}).items():
                for message in messages:
                    form.add_error(None if field_name not in form.fields else field_name, message)
            status = 429 if "retry_after" in error.extra else 400
        else:
            return _help_page(request, page, HelpRequestForm(initial={"page": page.pk}), sent=True)
    else:
        status = 400
    return _help_page(request, page, form, sent=False, status=status)


def _help_page(request: HttpRequest, page: Any, form: Any, *, sent: bool, status: int = 200) -> HttpResponse:
    context = page.get_context(request)
    context.update({"form": form, "sent": sent})
    response = TemplateResponse(request, page.get_template(request), context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


# --- The "Most read" report ------------------------------------------------------------------------

READING_REPORT_PAGE_SIZE = 50
READING_REPORT_TITLE = gettext_lazy("Most read")


class ReadingReportPaginator(WagtailPaginator):
    @cached_property
    def items_count_label(self) -> str:
        return ngettext("%(count)d row", "%(count)d rows", self.count) % {"count": self.count}


class ReadingReportAccessMixin:
    """The report and its CSV: for whoever may see the editorial reports
    (cms.permissions.can_view_editorial_reports). Each answer first writes the counts this process
    still holds, so the figures include the last few seconds."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from cms.analytics import tally

        if not can_view_editorial_reports(request.user):
            raise PermissionDenied
        tally.flush()
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def report(self, request: HttpRequest) -> tuple[ReadingReportForm, ReadingFilters, ReadingReport]:
        """The filter form bound to the query string, the filters in force and the report they select."""
        form = ReadingReportForm(request.GET or None)
        filters = form.filters()
        return form, filters, reading_report_select(filters=filters)


def _reading_row(row: dict[str, Any], totals: dict[str, int]) -> dict[str, Any]:
    total = totals.get(row["language"]) or 0
    return {
        "page_id": row["page_id"],
        "title": row["page__title"],
        "page_type": page_type_label(row["page__content_type__app_label"], row["page__content_type__model"]),
        "language": row["language"],
        "language_name": language_name(row["language"]),
        "views": row["views"],
        # Of the language's reads that match the same filters, as the totals above the rows show them.
        "share": round(100 * row["views"] / total, 1) if total else 0.0,
    }


class ReadingReportView(ReadingReportAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    """For editors: the most read pages per reading language over a period, filtered by language, kind
    of page, topic and audience, from the daily aggregate counts only."""

    template_name = "cms/admin/reading_report.html"
    page_title = READING_REPORT_TITLE
    header_icon = "view"

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form, filters, report = self.report(self.request)
        paginator = ReadingReportPaginator(report.rows, READING_REPORT_PAGE_SIZE)
        page = paginator.get_page(self.request.GET.get("p"))
        context.update(
            {
                "form": form,
                "start": filters.start,
                "end": filters.end,
                "totals": [
                    {"language": code, "name": language_name(code), "views": views}
                    for code, views in report.totals.items()
                ],
                "total_views": sum(report.totals.values()),
                "rows": [_reading_row(row, report.totals) for row in page.object_list],
                "page_obj": page,
                "elided_page_range": paginator.get_elided_page_range(page.number),
                "csv_url": f"{reverse('cms_reading_report_csv')}?{urlencode(form.query())}",
            }
        )
        return context


class ReadingReportCsvView(ReadingReportAccessMixin, View):
    """The filtered report as CSV, every row (page, type, language, views, share): aggregates only."""

    def get(self, request: HttpRequest) -> HttpResponse:
        _form, filters, report = self.report(request)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(
            [
                _("Page ID"),
                _("Page"),
                _("Page type"),
                _("Language code"),
                _("Language"),
                _("Views"),
                _("Share of the language's views (%)"),
            ]
        )
        for row in report.rows.iterator():
            line = _reading_row(row, report.totals)
            writer.writerow(
                [
                    line["page_id"],
                    _csv_text(line["title"]),
                    line["page_type"],
                    line["language"],
                    line["language_name"],
                    line["views"],
                    line["share"],
                ]
            )
        # With a BOM, so Excel opens titles in their script.
        response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
        filename = f"most-read-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


def _csv_text(value: str) -> str:
    # A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
    return f"'{value}" if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value
