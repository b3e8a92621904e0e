"""The grant programmes back office in the Wagtail admin: one "Grant programmes" menu holding the
programmes (with their funders, budget lines and officers), institutions, cohorts, grantees, awards,
payments, progress reports, exchange rates, alumni outcomes and the programme dashboards.

Each viewset answers to the rules of outreach/grants/permissions.py and reads through a scope
(admin_views), so an officer sees only the programmes they are assigned to and a grantee under the
emergency lock is gone for everyone but administrators. Names, papers and contacts are on the forms
of holders of the personal-data permission only."""

from typing import Any

from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup

from outreach.core.admin_views import ScopedModelViewSet
from outreach.core.permissions import RulePermissionPolicy

from .admin_views import (
    BULK_ACTIONS,
    AwardFilterSet,
    AwardIndexView,
    AwardTransitionView,
    CohortFilterSet,
    ConsentRecordView,
    DisbursementFilterSet,
    DisbursementGenerateView,
    DisbursementIndexView,
    GrantDashboardsView,
    GrantDashboardView,
    GranteeEraseView,
    GranteeExportView,
    GranteeFilterSet,
    GranteeIndexView,
    GranteeInspectView,
    GranteeLockView,
    OutcomeFilterSet,
    ProgrammeCreateView,
    ProgrammeEditView,
    ProgrammeInspectView,
    ProgressReportFilterSet,
    UnderAwardIndexView,
    disbursements_in_scope,
    exchange_rates_in_scope,
    institutions_in_scope,
    outcomes_in_scope,
    progress_reports_in_scope,
    shared_rules,
)
from .forms import AwardForm, GranteeForm, ProgrammeForm, ScopedChoicesForm
from .models import (
    Award,
    Cohort,
    Disbursement,
    ExchangeRate,
    Grantee,
    Institution,
    OutcomeRecord,
    Programme,
    ProgressReport,
)
from .permissions import GRANTEE_RULES, PROGRAMME_RULES, can_view_programme_aggregates, rules_for
from .selectors import awards_visible_to, cohorts_visible_to, grantees_visible_to, programmes_visible_to

PERSONAL = "grants.view_grantee_personal_data"


class ProgrammeViewSet(ScopedModelViewSet):
    model = Programme
    scope = staticmethod(programmes_visible_to)
    permission_policy = RulePermissionPolicy(Programme, PROGRAMME_RULES)
    add_view_class = ProgrammeCreateView
    edit_view_class = ProgrammeEditView
    inspect_view_class = ProgrammeInspectView
    icon = "folder-open-inverse"
    menu_label = _("Programmes")
    list_display = ["name", "code", "currency", "starts_on", "ends_on", "is_active"]
    list_filter = ["currency", "is_active"]
    search_fields = ["name", "code"]
    inspect_view_fields = [
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
        "funders",
        "budget_lines",
        "officers",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("code"),
            FieldPanel("description"),
            FieldRowPanel([FieldPanel("currency"), FieldPanel("starts_on"), FieldPanel("ends_on")]),
            FieldPanel("is_active"),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("gpa_threshold"), FieldPanel("attendance_threshold")]),
                    FieldRowPanel([FieldPanel("visa_warning_days"), FieldPanel("report_grace_days")]),
                ],
                heading=_("Risk rules"),
                help_text=_("Officers see these thresholds with every at-risk flag."),
            ),
        ],
        base_form_class=ProgrammeForm,
    )


class InstitutionViewSet(ScopedModelViewSet):
    model = Institution
    scope = staticmethod(institutions_in_scope)
    permission_policy = RulePermissionPolicy(Institution, shared_rules("institution"))
    icon = "home"
    menu_label = _("Institutions")
    list_display = ["name", "city", "country", "contact_name"]
    list_filter = ["city", "country"]
    search_fields = ["name", "city"]
    inspect_view_fields = ["name", "city", "country", "contact_name", "contact_email", "contact_phone"]
    form_fields = ["name", "city", "country", "contact_name", "contact_email", "contact_phone"]


class CohortViewSet(ScopedModelViewSet):
    model = Cohort
    scope = staticmethod(cohorts_visible_to)
    permission_policy = RulePermissionPolicy(Cohort, rules_for("cohort"))
    icon = "group"
    menu_label = _("Cohorts")
    list_display = ["name", "programme", "intake_year", "starts_on"]
    filterset_class = CohortFilterSet
    search_fields = ["name"]
    inspect_view_fields = ["programme", "name", "intake_year", "starts_on"]
    edit_handler = ObjectList(
        [
            FieldPanel("programme"),
            FieldPanel("name"),
            FieldRowPanel([FieldPanel("intake_year"), FieldPanel("starts_on")]),
        ],
        base_form_class=ScopedChoicesForm,
    )


class GranteeViewSet(ScopedModelViewSet):
    model = Grantee
    scope = staticmethod(grantees_visible_to)
    # Deleting a grantee would take their payments' history with it: erasure is the way out.
    permission_policy = RulePermissionPolicy(
        Grantee, {action: rule for action, rule in GRANTEE_RULES.items() if action != "delete"}
    )
    index_view_class = GranteeIndexView
    inspect_view_class = GranteeInspectView
    icon = "user"
    menu_label = _("Grantees")
    # The code only: a listing never shows names (a shoulder-surfer sees codes).
    list_display = ["code", "programme", "gender", "created_at"]
    filterset_class = GranteeFilterSet
    search_fields = ["code"]
    edit_handler = ObjectList(
        [
            FieldPanel("programme"),
            FieldPanel("code"),
            MultiFieldPanel(
                [
                    FieldRowPanel(
                        [
                            FieldPanel("name_latin", permission=PERSONAL),
                            FieldPanel("name_original", permission=PERSONAL),
                        ]
                    ),
                    FieldRowPanel(
                        [
                            FieldPanel("date_of_birth", permission=PERSONAL),
                            FieldPanel("gender", permission=PERSONAL),
                        ]
                    ),
                    FieldRowPanel(
                        [
                            FieldPanel("nationality", permission=PERSONAL),
                            FieldPanel("province_of_origin", permission=PERSONAL),
                        ]
                    ),
                ],
                heading=_("Person"),
                permission=PERSONAL,
            ),
            MultiFieldPanel(
                [
                    FieldPanel("email", permission=PERSONAL),
                    FieldRowPanel(
                        [
                            FieldPanel("phone", permission=PERSONAL),
                            FieldPanel("messenger", permission=PERSONAL),
                        ]
                    ),
                    FieldPanel("language", permission=PERSONAL),
                ],
                heading=_("Contacts"),
                permission=PERSONAL,
            ),
            # GranteeForm leaves it out for anyone who may not see it.
            FieldPanel("cannot_return_safely"),
        ],
        base_form_class=GranteeForm,
    )

    def get_urlpatterns(self) -> list[Any]:
        return [
            *super().get_urlpatterns(),
            path("lock/<int:pk>/", GranteeLockView.as_view(), name="lock"),
            path("export/<int:pk>/", GranteeExportView.as_view(), name="export"),
            path("erase/<int:pk>/", GranteeEraseView.as_view(), name="erase"),
            path("consent/<int:pk>/", ConsentRecordView.as_view(), name="consent"),
        ]


def _risks(award: Award) -> str:
    # Set by AwardIndexView for the page's awards in one pass of the risk rules.
    return getattr(award, "risk_summary", "—")


class AwardViewSet(ScopedModelViewSet):
    model = Award
    scope = staticmethod(awards_visible_to)
    permission_policy = RulePermissionPolicy(Award, rules_for("award"))
    index_view_class = AwardIndexView
    icon = "pick"
    menu_label = _("Awards")
    list_display = [
        "grantee",
        "cohort",
        "institution",
        "degree_level",
        "status",
        "expected_end_on",
        Column("risks", label=_("Risks"), accessor=_risks),
    ]
    filterset_class = AwardFilterSet
    # AwardIndexView adds the grantee's names for holders of the personal-data permission.
    search_fields = ["grantee__code", "field_of_study"]
    inspect_view_fields = [
        "grantee",
        "cohort",
        "institution",
        "degree_level",
        "field_of_study",
        "starts_on",
        "expected_end_on",
        "stipend_amount",
        "stipend_frequency",
        "tuition_amount",
        "housing_amount",
        "status",
        "status_changed_at",
        "ended_on",
    ]
    # The status moves only through the transition form on the grantee's page.
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("grantee"), FieldPanel("cohort")]),
            FieldPanel("institution"),
            FieldRowPanel([FieldPanel("degree_level"), FieldPanel("field_of_study")]),
            FieldRowPanel([FieldPanel("starts_on"), FieldPanel("expected_end_on")]),
            FieldRowPanel([FieldPanel("stipend_amount"), FieldPanel("stipend_frequency")]),
            FieldRowPanel([FieldPanel("tuition_amount"), FieldPanel("housing_amount")]),
        ],
        base_form_class=AwardForm,
    )

    def get_urlpatterns(self) -> list[Any]:
        return [
            *super().get_urlpatterns(),
            path("transition/<int:pk>/", AwardTransitionView.as_view(), name="transition"),
        ]


class DisbursementViewSet(ScopedModelViewSet):
    model = Disbursement
    scope = staticmethod(disbursements_in_scope)
    # Payments are created by generating a month and change only through the bulk actions (the
    # services): no add, edit or delete door, whoever asks.
    permission_policy = RulePermissionPolicy(Disbursement, {"view": rules_for("disbursement")["view"]})
    index_view_class = DisbursementIndexView
    icon = "success"
    menu_label = _("Payments")
    list_display = ["award", "month", "kind", "amount", "status", "held_reason", "paid_on"]
    filterset_class = DisbursementFilterSet
    search_fields = ["award__grantee__code"]
    inspect_view_fields = ["award", "month", "kind", "amount", "status", "held_reason", "paid_on", "paid_by"]
    # Required by ModelViewSet; the policy above refuses the add and edit doors that would use it.
    form_fields = ["award", "month", "kind", "amount"]

    def get_urlpatterns(self) -> list[Any]:
        return [
            *super().get_urlpatterns(),
            path("generate/", DisbursementGenerateView.as_view(), name="generate"),
        ]


class ProgressReportViewSet(ScopedModelViewSet):
    model = ProgressReport
    scope = staticmethod(progress_reports_in_scope)
    permission_policy = RulePermissionPolicy(ProgressReport, rules_for("progressreport"))
    index_view_class = UnderAwardIndexView
    icon = "doc-full"
    menu_label = _("Progress reports")
    list_display = ["award", "term", "submitted_on", "gpa", "attendance_percent", "academic_status"]
    filterset_class = ProgressReportFilterSet
    search_fields = ["award__grantee__code"]
    inspect_view_fields = [
        "award",
        "term",
        "ends_on",
        "submitted_on",
        "gpa",
        "credits",
        "attendance_percent",
        "academic_status",
        "officer_comment",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("award"),
            FieldRowPanel([FieldPanel("term"), FieldPanel("ends_on"), FieldPanel("submitted_on")]),
            FieldRowPanel([FieldPanel("gpa"), FieldPanel("credits"), FieldPanel("attendance_percent")]),
            FieldPanel("academic_status"),
            FieldPanel("officer_comment"),
        ],
        base_form_class=ScopedChoicesForm,
    )


class ExchangeRateViewSet(ScopedModelViewSet):
    model = ExchangeRate
    scope = staticmethod(exchange_rates_in_scope)
    permission_policy = RulePermissionPolicy(ExchangeRate, shared_rules("exchangerate"))
    icon = "redirect"
    menu_label = _("Exchange rates")
    list_display = ["on", "base", "currency", "rate", "source"]
    list_filter = ["base", "currency"]
    inspect_view_fields = ["on", "base", "currency", "rate", "source"]
    form_fields = ["base", "currency", "on", "rate", "source"]


class OutcomeViewSet(ScopedModelViewSet):
    model = OutcomeRecord
    scope = staticmethod(outcomes_in_scope)
    permission_policy = RulePermissionPolicy(OutcomeRecord, rules_for("outcomerecord"))
    index_view_class = UnderAwardIndexView
    icon = "date"
    menu_label = _("Alumni outcomes")
    list_display = [
        "award",
        "wave",
        "due_on",
        "responded_on",
        "residence",
        "employer_sector",
        "is_leadership",
    ]
    filterset_class = OutcomeFilterSet
    search_fields = ["award__grantee__code"]
    inspect_view_fields = [
        "award",
        "wave",
        "due_on",
        "surveyed_on",
        "responded_on",
        "residence",
        "country",
        "employer_sector",
        "position",
        "is_leadership",
        "verification",
    ]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("award"), FieldPanel("wave")]),
            FieldRowPanel([FieldPanel("due_on"), FieldPanel("surveyed_on"), FieldPanel("responded_on")]),
            FieldRowPanel([FieldPanel("residence"), FieldPanel("country")]),
            FieldRowPanel([FieldPanel("employer_sector"), FieldPanel("position")]),
            FieldRowPanel([FieldPanel("is_leadership"), FieldPanel("verification")]),
        ],
        base_form_class=ScopedChoicesForm,
    )


class GrantDashboardsViewSet(ViewSet):
    name = "grant_dashboards"
    icon = "view"
    menu_label = _("Dashboards")

    def get_urlpatterns(self) -> list[Any]:
        return [
            path("", GrantDashboardsView.as_view(), name="index"),
            path("<int:pk>/", GrantDashboardView.as_view(), name="programme"),
        ]

    @cached_property
    def menu_item_class(self) -> type[MenuItem]:
        return type(
            "GrantDashboardsMenuItem",
            (MenuItem,),
            {"is_shown": lambda item, request: can_view_programme_aggregates(request.user)},
        )


class GrantProgrammesGroup(ViewSetGroup):
    menu_label = _("Grant programmes")
    menu_icon = "folder-open-inverse"
    menu_order = 300
    # The programmes' URL names ("programmes:index") stay what they were before the group existed.
    items = (
        GrantDashboardsViewSet(url_prefix="grants/dashboards"),
        ProgrammeViewSet("programmes", url_prefix="grants/programmes"),
        GranteeViewSet("grantees", url_prefix="grants/grantees"),
        AwardViewSet("grant_awards", url_prefix="grants/awards"),
        DisbursementViewSet("grant_disbursements", url_prefix="grants/payments"),
        ProgressReportViewSet("grant_progress_reports", url_prefix="grants/progress-reports"),
        OutcomeViewSet("grant_alumni_outcomes", url_prefix="grants/alumni-outcomes"),
        CohortViewSet("grant_cohorts", url_prefix="grants/cohorts"),
        InstitutionViewSet("grant_institutions", url_prefix="grants/institutions"),
        ExchangeRateViewSet("grant_exchange_rates", url_prefix="grants/exchange-rates"),
    )


@hooks.register("register_admin_viewset")
def register_grant_programmes() -> GrantProgrammesGroup:
    return GrantProgrammesGroup()


for bulk_action in BULK_ACTIONS:
    hooks.register("register_bulk_action", bulk_action)


# The import, export and donor report screens (import_hooks.py) register by being imported; the
# services' audit log labels are imported by GrantsConfig.ready().
from . import import_hooks  # noqa: E402, F401  # isort: skip
