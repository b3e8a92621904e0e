from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import reports as cms_reports
from cms import subscription
from cms import views as cms_views
from outreach.core import views as core_views
from outreach.grants import survey_views as grants_survey_views

urlpatterns = [
    path("django-admin/", admin.site.urls),
    # Ahead of Wagtail's admin: its site history, open to administrators only (cms.reports).
    *cms_reports.audit_log_urls,
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v1/", include("outreach.api_urls")),
    path("health/live/", core_views.liveness, name="health-live"),
    # Database, caches and broker answer: for load balancers and orchestrators (docs/operations.md).
    path("health/ready/", core_views.readiness, name="health-ready"),
    # Bounce and complaint events from mail providers (django-anymail) and plain mail servers.
    path("webhooks/", include("outreach.broadcasts.urls")),
    path("sitemap.xml", cms_views.sitemap, name="sitemap"),
]

if settings.SERVE_MEDIA:
    # Uploaded images and documents, from Django itself only where no web server does it (make run,
    # the test suite); production's nginx serves them.
    from django.views.static import serve

    urlpatterns.append(re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}))

# Every language is prefixed, the default included, so a shared link always names its language.
urlpatterns += i18n_patterns(
    path("search/", cms_views.search, name="search"),
    path("help-request/", cms_views.help_request_post, name="help-request"),
    path("subscribe/", subscription.subscribe, name="subscribe"),
    path("subscription/confirm/<str:token>/", subscription.confirm, name="subscription-confirm"),
    path("subscription/preferences/<str:token>/", subscription.preferences, name="subscription-preferences"),
    path("subscription/unsubscribe/<str:token>/", subscription.unsubscribe, name="subscription-unsubscribe"),
    # The alumni survey a follow-up mail links to (outreach.grants.survey): signed, sessionless.
    path("alumni-survey/<str:token>/", grants_survey_views.alumni_survey, name="alumni-survey"),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

handler404 = "cms.views.page_not_found"
handler500 = "outreach.core.views.server_error"
