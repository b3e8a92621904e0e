from typing import Any

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from rest_framework import generics

from outreach.core.permissions import RulePermission

from .models import Partner
from .permissions import can_view_partner
from .selectors import partners_visible_to
from .serializers import PartnerSerializer


class PartnerFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=Partner.Kind.choices)
    # A typed choice, not BooleanFilter: that one quietly ignores `?is_active=perhaps`.
    is_active = filters.TypedChoiceFilter(
        choices=[("true", "true"), ("false", "false")], coerce=lambda value: value == "true"
    )

    class Meta:
        model = Partner
        fields = ["kind", "is_active"]


class PartnerListApi(generics.ListAPIView):
    """Partner organisations, by name. Filter by `kind` and `is_active`."""

    serializer_class = PartnerSerializer
    permission_classes = [RulePermission]
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = PartnerFilter

    @staticmethod
    def permission_rule(user: Any, obj: Any) -> bool:
        return can_view_partner(user, obj)

    def get_queryset(self) -> QuerySet[Partner]:
        return partners_visible_to(user=self.request.user)


class PartnerDetailApi(generics.RetrieveAPIView):
    """One partner organisation."""

    serializer_class = PartnerSerializer
    permission_classes = [RulePermission]

    @staticmethod
    def permission_rule(user: Any, obj: Any) -> bool:
        return can_view_partner(user, obj)

    def get_queryset(self) -> QuerySet[Partner]:
        return partners_visible_to(user=self.request.user)
