from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from outreach.campaigns.apis import (
    IndicatorDetailApi,
    IndicatorListApi,
    PartnerDetailApi,
    PartnerListApi,
    ProgrammeDetailApi,
    ProgrammeListApi,
    ResultListApi,
)
from outreach.core.views import not_found

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("partners/", PartnerListApi.as_view(), name="partner-list"),
    path("partners/<int:pk>/", PartnerDetailApi.as_view(), name="partner-detail"),
    path("programmes/", ProgrammeListApi.as_view(), name="programme-list"),
    path("programmes/<int:pk>/", ProgrammeDetailApi.as_view(), name="programme-detail"),
    path("indicators/", IndicatorListApi.as_view(), name="indicator-list"),
    path("indicators/<int:pk>/", IndicatorDetailApi.as_view(), name="indicator-detail"),
    path("results/", ResultListApi.as_view(), name="result-list"),
    path("grants/", include("outreach.grants.api_urls")),
]

# Anything else under /api/v1/ is a JSON 404, not a redirect to a language-prefixed HTML page.
urlpatterns.append(re_path(r"^.*$", not_found))
