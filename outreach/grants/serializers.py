"""What the read API (/api/v1/grants/) shows of grant programmes, cohorts, awards and a programme's
aggregates.

Read-only. A grantee is their pseudonymous code; their names come only to a reader who may see
personal data (permissions.can_view_grantee_personal_data), and never their contacts, papers, date of
birth, nationality or the "cannot return safely" flag: the API has no door for those at all."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import Award, Cohort, Institution, OutcomeRecord, Programme
from .permissions import can_view_grantee_personal_data


class GrantProgrammeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Programme
        fields = [
            "id",
            "name",
            "code",
            "description",
            "currency",
            "starts_on",
            "ends_on",
            "is_active",
            "gpa_threshold",
            "attendance_threshold",
            "visa_warning_days",
            "report_grace_days",
        ]
        read_only_fields = fields


class CohortSerializer(serializers.ModelSerializer):
    class Meta:
        model = Cohort
        fields = ["id", "programme", "name", "intake_year", "starts_on"]
        read_only_fields = fields


class InstitutionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Institution
        fields = ["id", "name", "city", "country"]
        read_only_fields = fields


class GranteeSerializer(serializers.Serializer):
    """The grantee as this reader may see them: the code always, names only with the permission."""

    code = serializers.CharField(read_only=True)
    name_latin = serializers.SerializerMethodField(
        help_text="The name in Latin letters; null unless you may see grantees' personal data."
    )
    name_original = serializers.SerializerMethodField(
        help_text="The name in the original script; null unless you may see grantees' personal data."
    )

    def _may_see_names(self, grantee: Any) -> bool:
        request = self.context.get("request")
        return request is not None and can_view_grantee_personal_data(request.user, grantee)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_name_latin(self, grantee: Any) -> str | None:
        return grantee.name_latin if self._may_see_names(grantee) else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_name_original(self, grantee: Any) -> str | None:
        return grantee.name_original if self._may_see_names(grantee) else None


class AwardSerializer(serializers.ModelSerializer):
    programme = serializers.IntegerField(source="cohort.programme_id", read_only=True)
    grantee = GranteeSerializer(read_only=True)
    institution = InstitutionSerializer(read_only=True)

    class Meta:
        model = Award
        fields = [
            "id",
            "programme",
            "cohort",
            "grantee",
            "institution",
            "degree_level",
            "field_of_study",
            "starts_on",
            "expected_end_on",
            "ended_on",
            "status",
            "status_changed_at",
            "stipend_amount",
            "stipend_frequency",
            "tuition_amount",
            "housing_amount",
        ]
        read_only_fields = fields


# --- Aggregates (selectors.programme_dashboard, the admin dashboard's own figures) ------------------
# A partner user reads counts of people from 10 on: a smaller count is null, and so is a rate over
# fewer than 10 people (selectors.SMALL_GROUP).

STATUS_FIELDS = [status for status, _label in Award.Status.choices]

# How many awards are in each status: one field per status, so the schema lists them all.
StatusCountsSerializer = type(
    "StatusCountsSerializer",
    (serializers.Serializer,),
    {status: serializers.IntegerField(read_only=True, allow_null=True) for status in STATUS_FIELDS},
)


def _rate(help_text: str) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=5, decimal_places=4, read_only=True, allow_null=True, help_text=help_text
    )


def _people(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(read_only=True, allow_null=True, help_text=help_text)


def _money() -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)


class CohortFiguresSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="cohort_id", read_only=True)
    name = serializers.CharField(read_only=True)
    intake_year = serializers.IntegerField(read_only=True)
    by_status = StatusCountsSerializer(source="counts", read_only=True)
    total = _people("Awards in the cohort, in any status.")
    started = _people("Awards past selection that have started.")
    retention_rate = _rate("Share (0–1) of the started awards not withdrawn; null before any started.")
    past_expected_end = _people("Awards past their expected end.")
    graduation_rate = _rate(
        "Share (0–1) of the awards past their expected end that graduated; null before any is past it."
    )


class MonthFiguresSerializer(serializers.Serializer):
    month = serializers.DateField(read_only=True, help_text="The first day of the month.")
    paid = _money()
    budget = _money()
    paid_cumulative = _money()
    budget_cumulative = _money()


class WaveFiguresSerializer(serializers.Serializer):
    wave = serializers.ChoiceField(choices=OutcomeRecord.Wave.choices, read_only=True)
    due = _people("Alumni whose follow-up at this wave has come.")
    responded = _people("Of those, how many answered.")
    response_rate = _rate("Answered / due (0–1).")


class GrantProgrammeAggregatesSerializer(serializers.Serializer):
    """A programme in figures only: no field names a person (the dashboard's at-risk list is left
    out, only its count is here)."""

    programme = serializers.IntegerField(source="programme.pk", read_only=True)
    code = serializers.CharField(source="programme.code", read_only=True)
    today = serializers.DateField(read_only=True, help_text="The day the figures are as of.")
    year = serializers.IntegerField(read_only=True, help_text="The year of the payments against budget.")
    by_status = StatusCountsSerializer(source="totals", read_only=True)
    cohorts = CohortFiguresSerializer(many=True, read_only=True)
    at_risk_count = _people("Awards carrying at least one risk.")
    budget_total = _money()
    paid_total = _money()
    months = MonthFiguresSerializer(many=True, read_only=True)
    alumni_responded = _people("Alumni who answered a survey.")
    alumni_in_leadership = _people(
        "Of those, how many said in their latest answer that they hold a leadership role.",
    )
    waves = WaveFiguresSerializer(many=True, read_only=True)
