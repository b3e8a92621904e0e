from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from wagtail.models import Page

from cms.analytics import READING_DAYS
from cms.i18n import (
    SCRIPT_VARIANTS,
    content_languages,
    live_translation_urls,
    path_without_language,
    with_script_variants,
)
from cms.pages.home import HomePage
from cms.pages.topics import PAGE_SIZE
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


def reading_report(request: HttpRequest) -> HttpResponse:
    """For editors: the most read material per language over the last 30 days, from aggregate counts."""
    from cms.analytics import tally
    from cms.selectors import most_read

    tally.flush()
    rows = most_read(days=READING_DAYS, per_language=10)
    return TemplateResponse(request, "cms/admin/reading_report.html", {"rows": rows, "days": READING_DAYS})
