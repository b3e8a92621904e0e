"""The read API for partners' systems and internal tools (/api/v1/): partners, joint programmes,
indicators and results.

Every endpoint asks a `can_view_*` rule (outreach/campaigns/permissions.py) and reads through a
`*_visible_to` selector, so a partner user's token reaches only their organisation's programmes:
anything else is a 404, exactly as if it did not exist."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics

from outreach.core.api import ScopedReadApi

from .models import Indicator, JointProgramme, Partner, ReportingPeriod, Result
from .permissions import can_view_indicator, can_view_partner, can_view_programme, can_view_result
from .selectors import (
    indicators_visible_to,
    partners_visible_to,
    periods_visible_to,
    programmes_visible_to,
    results_visible_to,
)
from .serializers import IndicatorSerializer, PartnerSerializer, ProgrammeSerializer, ResultSerializer

# A filter that names a row the caller may not see gets the same answer as one naming no row at all,
# so the API never confirms that another partner's programme exists.
PROGRAMME_NOT_VISIBLE = _("“%(value)s” is not the id of a programme you may see.")
PERIOD_NOT_VISIBLE = _("“%(value)s” is not the id of a reporting period you may see.")
INDICATOR_NOT_VISIBLE = _("“%(value)s” is not the id of an indicator you may see.")


# Filter choices are checked with one plain lookup: the selectors' joins and prefetches serve
# listings, not a check that an id is in scope.
def _programmes_for_filter(request: HttpRequest) -> QuerySet[JointProgramme]:
    return programmes_visible_to(user=request.user).prefetch_related(None)


def _periods_for_filter(request: HttpRequest) -> QuerySet[ReportingPeriod]:
    return periods_visible_to(user=request.user).select_related(None)


def _indicators_for_filter(request: HttpRequest) -> QuerySet[Indicator]:
    return indicators_visible_to(user=request.user).select_related(None).prefetch_related(None)


class PartnerFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=Partner.Kind.choices)
    # A typed choice, not BooleanFilter: that one quietly ignores `?is_active=perhaps`.
    is_active = filters.TypedChoiceFilter(
        choices=[("true", "true"), ("false", "false")], coerce=lambda value: value == "true"
    )

    class Meta:
        model = Partner
        fields = ["kind", "is_active"]


class PartnerApi(ScopedReadApi):
    serializer_class = PartnerSerializer
    rule = staticmethod(can_view_partner)
    selector = staticmethod(partners_visible_to)


# The choices "true" and "false" are a boolean on the wire: declared as one, not as a boolean
# restricted to two strings, which no value satisfies.
@extend_schema(
    parameters=[
        OpenApiParameter(
            "is_active",
            OpenApiTypes.BOOL,
            description=_("true: active partners only; false: inactive ones only."),
        )
    ]
)
class PartnerListApi(PartnerApi, generics.ListAPIView):
    """Partner organisations, by name. Filter by `kind` and `is_active`."""

    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = PartnerFilter


class PartnerDetailApi(PartnerApi, generics.RetrieveAPIView):
    """One partner organisation."""


def _programmes_with_periods(*, user: Any) -> QuerySet[JointProgramme]:
    return programmes_visible_to(user=user).prefetch_related("periods")


class ProgrammeApi(ScopedReadApi):
    serializer_class = ProgrammeSerializer
    rule = staticmethod(can_view_programme)
    selector = staticmethod(_programmes_with_periods)


class ProgrammeListApi(ProgrammeApi, generics.ListAPIView):
    """Joint programmes, newest first, with their partners' roles and funding shares and their
    reporting periods."""


class ProgrammeDetailApi(ProgrammeApi, generics.RetrieveAPIView):
    """One joint programme."""


class IndicatorFilter(filters.FilterSet):
    programme = filters.ModelChoiceFilter(
        queryset=_programmes_for_filter,
        help_text=_("Id of a joint programme: its indicators only."),
        error_messages={"invalid_choice": PROGRAMME_NOT_VISIBLE},
    )

    class Meta:
        model = Indicator
        fields = ["programme"]


class IndicatorApi(ScopedReadApi):
    serializer_class = IndicatorSerializer
    rule = staticmethod(can_view_indicator)
    selector = staticmethod(indicators_visible_to)


class IndicatorListApi(IndicatorApi, generics.ListAPIView):
    """Indicators by programme and code, with their outcome or output and their targets per period.
    Filter by `programme`."""

    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = IndicatorFilter


class IndicatorDetailApi(IndicatorApi, generics.RetrieveAPIView):
    """One indicator."""


class ResultFilter(filters.FilterSet):
    programme = filters.ModelChoiceFilter(
        field_name="indicator__programme",
        queryset=_programmes_for_filter,
        help_text=_("Id of a joint programme: results of its indicators only."),
        error_messages={"invalid_choice": PROGRAMME_NOT_VISIBLE},
    )
    period = filters.ModelChoiceFilter(
        queryset=_periods_for_filter,
        help_text=_("Id of a reporting period."),
        error_messages={"invalid_choice": PERIOD_NOT_VISIBLE},
    )
    indicator = filters.ModelChoiceFilter(
        queryset=_indicators_for_filter,
        help_text=_("Id of an indicator."),
        error_messages={"invalid_choice": INDICATOR_NOT_VISIBLE},
    )
    partner_code = filters.CharFilter(
        field_name="indicator__partner_code",
        max_length=Indicator._meta.get_field("partner_code").max_length,
        help_text=_("The partner's own code of the indicator, exactly as recorded, e.g. EU RF 2.27."),
    )

    class Meta:
        model = Result
        fields = ["programme", "period", "indicator", "partner_code"]


class ResultListApi(ScopedReadApi, generics.ListAPIView):
    """Results by programme, indicator code and period: the overall figure and its breakdowns.
    Filter by `programme`, `period`, `indicator` and `partner_code`."""

    serializer_class = ResultSerializer
    rule = staticmethod(can_view_result)
    selector = staticmethod(results_visible_to)
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = ResultFilter
