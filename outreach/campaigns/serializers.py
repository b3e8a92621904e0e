"""What the read API (/api/v1/) shows of partners, joint programmes, indicators and results.

Read-only: every field is output only. Results leave out who entered them: the people behind the
figures are not the partner's business."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import (
    Indicator,
    IndicatorTarget,
    JointProgramme,
    Partner,
    ProgrammePartner,
    ReportingPeriod,
    Result,
    ResultStatement,
)


@extend_schema_field({"type": "string", "anyOf": [{"format": "uri"}, {"maxLength": 0}]})
class OptionalUrlField(serializers.CharField):
    """A URL, or empty when none is recorded: an optional URLField (blank=True) holds "", which is
    no URI, so the schema allows both."""


class PartnerSerializer(serializers.ModelSerializer):
    website = OptionalUrlField(
        read_only=True, help_text=_("The partner's website; empty if none is recorded.")
    )

    class Meta:
        model = Partner
        fields = ["id", "name", "short_name", "kind", "country", "website", "is_active"]
        read_only_fields = fields


class ReportingPeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportingPeriod
        fields = ["id", "name", "starts_on", "ends_on"]
        read_only_fields = fields


class ProgrammePartnerSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="partner.id", read_only=True)
    name = serializers.CharField(source="partner.name", read_only=True)
    short_name = serializers.CharField(source="partner.short_name", read_only=True)

    class Meta:
        model = ProgrammePartner
        fields = ["id", "name", "short_name", "role", "funding_share"]
        read_only_fields = fields


class ProgrammeSerializer(serializers.ModelSerializer):
    partners = ProgrammePartnerSerializer(source="partner_roles", many=True, read_only=True)
    periods = ReportingPeriodSerializer(many=True, read_only=True)

    class Meta:
        model = JointProgramme
        fields = [
            "id",
            "name",
            "code",
            "objectives",
            "starts_on",
            "ends_on",
            "currency",
            "budget",
            "is_active",
            "partners",
            "periods",
        ]
        read_only_fields = fields


class StatementSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResultStatement
        fields = ["code", "level", "statement"]
        read_only_fields = fields


class IndicatorTargetSerializer(serializers.ModelSerializer):
    period = ReportingPeriodSerializer(read_only=True)

    class Meta:
        model = IndicatorTarget
        fields = ["period", "value"]
        read_only_fields = fields


class IndicatorSerializer(serializers.ModelSerializer):
    statement = StatementSerializer(read_only=True)
    targets = IndicatorTargetSerializer(many=True, read_only=True)
    disaggregation = serializers.ListField(
        child=serializers.ChoiceField(choices=Indicator.Dimension.choices), read_only=True
    )

    class Meta:
        model = Indicator
        fields = [
            "id",
            "programme",
            "code",
            "partner_code",
            "name",
            "unit",
            "baseline",
            "baseline_date",
            "means_of_verification",
            "disaggregation",
            "statement",
            "source",
            "targets",
        ]
        read_only_fields = fields


class ResultIndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["id", "programme", "code", "partner_code"]
        read_only_fields = fields


class ResultSerializer(serializers.ModelSerializer):
    indicator = ResultIndicatorSerializer(read_only=True)
    period = ReportingPeriodSerializer(read_only=True)
    # Declared here because a read-only model field loses allow_blank: the overall figure has none.
    dimension = serializers.ChoiceField(
        choices=Indicator.Dimension.choices,
        allow_blank=True,
        read_only=True,
        help_text=_("The dimension this figure is broken down by; empty for the overall figure."),
    )

    class Meta:
        model = Result
        fields = [
            "id",
            "indicator",
            "period",
            "dimension",
            "category",
            "value",
            "is_automatic",
            "source_detail",
            "evidence_note",
            "updated_at",
        ]
        read_only_fields = fields
