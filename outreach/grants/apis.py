"""The read API of grant programmes (/api/v1/grants/): programmes, cohorts, awards and a programme's
aggregates, with the admin's rules (permissions.py) through the admin's selectors (selectors.py).

- An officer reads only the programmes they are assigned to: another programme's id answers 404,
  exactly as if it did not exist, and a filter naming it answers 400 with the same words as an id
  that exists nowhere.
- A grantee under the emergency lock is in no list and no figure, except for administrators.
- Awards name a grantee by code; names only for a reader with the personal-data permission.
- Programmes and their aggregates serve anyone who may see the programme's aggregates
  (can_view_programme_aggregates): a partner user reads the programmes their organisation funds and
  their figures, with counts of fewer than 10 people as null; cohorts and awards are refused to
  them whatever groups they are in."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from outreach.core.api import ScopedReadApi

from .models import Award, Cohort, Programme
from .permissions import can_view_programme_aggregates, rules_for
from .selectors import (
    awards_visible_to,
    cohorts_visible_to,
    programme_dashboard,
    programmes_visible_to,
    programmes_with_figures_for,
)
from .serializers import (
    AwardSerializer,
    CohortSerializer,
    GrantProgrammeAggregatesSerializer,
    GrantProgrammeSerializer,
)

PROGRAMME_NOT_VISIBLE = _("“%(value)s” is not the id of a grant programme you may see.")
COHORT_NOT_VISIBLE = _("“%(value)s” is not the id of a cohort you may see.")


# Filter choices are checked with one plain lookup, without the selectors' joins.
def _programmes_for_filter(request: HttpRequest) -> QuerySet[Programme]:
    return programmes_visible_to(user=request.user)


def _cohorts_for_filter(request: HttpRequest) -> QuerySet[Cohort]:
    return cohorts_visible_to(user=request.user).select_related(None)


# --- Programmes ------------------------------------------------------------------------------------


class ProgrammeApi(ScopedReadApi):
    serializer_class = GrantProgrammeSerializer
    # A programme's own row holds no personal data: partner users list those their organisation
    # funds, to find the aggregates.
    rule = staticmethod(can_view_programme_aggregates)
    selector = staticmethod(programmes_with_figures_for)


class GrantProgrammeListApi(ProgrammeApi, generics.ListAPIView):
    """Grant programmes you may see, newest first, with their risk thresholds."""


class GrantProgrammeDetailApi(ProgrammeApi, generics.RetrieveAPIView):
    """One grant programme."""


class GrantProgrammeAggregatesApi(ScopedReadApi, generics.GenericAPIView):
    """A programme in figures only, the admin dashboard's: awards by status, overall and per
    cohort, retention and graduation rates, how many are at risk, payments against budget by month,
    and each alumni survey wave's response rate. No figure names a person."""

    serializer_class = GrantProgrammeAggregatesSerializer
    rule = staticmethod(can_view_programme_aggregates)
    selector = staticmethod(programmes_with_figures_for)

    @extend_schema(responses=GrantProgrammeAggregatesSerializer)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        dashboard = programme_dashboard(
            programme=self.get_object(), user=request.user, today=timezone.localdate()
        )
        return Response(self.get_serializer(dashboard).data)


# --- Cohorts ---------------------------------------------------------------------------------------


class CohortFilter(filters.FilterSet):
    programme = filters.ModelChoiceFilter(
        queryset=_programmes_for_filter,
        help_text=_("Id of a grant programme: its cohorts only."),
        error_messages={"invalid_choice": PROGRAMME_NOT_VISIBLE},
    )

    class Meta:
        model = Cohort
        fields = ["programme"]


class CohortApi(ScopedReadApi):
    serializer_class = CohortSerializer
    rule = staticmethod(rules_for("cohort")["view"])
    selector = staticmethod(cohorts_visible_to)


class CohortListApi(CohortApi, generics.ListAPIView):
    """Cohorts (intakes) of the programmes you may see. Filter by `programme`."""

    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = CohortFilter


class CohortDetailApi(CohortApi, generics.RetrieveAPIView):
    """One cohort."""


# --- Awards ----------------------------------------------------------------------------------------


class AwardFilter(filters.FilterSet):
    programme = filters.ModelChoiceFilter(
        field_name="cohort__programme",
        queryset=_programmes_for_filter,
        help_text=_("Id of a grant programme: its awards only."),
        error_messages={"invalid_choice": PROGRAMME_NOT_VISIBLE},
    )
    cohort = filters.ModelChoiceFilter(
        queryset=_cohorts_for_filter,
        help_text=_("Id of a cohort: its awards only."),
        error_messages={"invalid_choice": COHORT_NOT_VISIBLE},
    )
    status = filters.ChoiceFilter(choices=Award.Status.choices)

    class Meta:
        model = Award
        fields = ["programme", "cohort", "status"]


class AwardApi(ScopedReadApi):
    serializer_class = AwardSerializer
    rule = staticmethod(rules_for("award")["view"])

    @staticmethod
    def selector(*, user: Any) -> QuerySet[Award]:
        # By cohort, then code, then start: a stable order for pages.
        return awards_visible_to(user=user).order_by("cohort_id", "grantee__code", "starts_on", "pk")


class AwardListApi(AwardApi, generics.ListAPIView):
    """Awards of the programmes you may see: the grantee by code (names only if you may see
    grantees' personal data), institution, degree, dates, status and amounts. Filter by
    `programme`, `cohort` and `status`."""

    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = AwardFilter


class AwardDetailApi(AwardApi, generics.RetrieveAPIView):
    """One award."""
