from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from outreach.campaigns.apis import PartnerDetailApi, PartnerListApi
from outreach.core.views import not_found

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("partners/", PartnerListApi.as_view(), name="partner-list"),
    path("partners/<int:pk>/", PartnerDetailApi.as_view(), name="partner-detail"),
]

# Anything else under /api/v1/ is a JSON 404, not a redirect to a language-prefixed HTML page.
urlpatterns.append(re_path(r"^.*$", not_found))
