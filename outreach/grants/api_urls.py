"""Routes of the grants read API, included under /api/v1/grants/ by outreach/api_urls.py."""

from django.urls import path

from .apis import (
    AwardDetailApi,
    AwardListApi,
    CohortDetailApi,
    CohortListApi,
    GrantProgrammeAggregatesApi,
    GrantProgrammeDetailApi,
    GrantProgrammeListApi,
)

app_name = "grants"

urlpatterns = [
    path("programmes/", GrantProgrammeListApi.as_view(), name="programme-list"),
    path("programmes/<int:pk>/", GrantProgrammeDetailApi.as_view(), name="programme-detail"),
    path(
        "programmes/<int:pk>/aggregates/", GrantProgrammeAggregatesApi.as_view(), name="programme-aggregates"
    ),
    path("cohorts/", CohortListApi.as_view(), name="cohort-list"),
    path("cohorts/<int:pk>/", CohortDetailApi.as_view(), name="cohort-detail"),
    path("awards/", AwardListApi.as_view(), name="award-list"),
    path("awards/<int:pk>/", AwardDetailApi.as_view(), name="award-detail"),
]
