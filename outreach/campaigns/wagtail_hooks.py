"""The partner campaigns back office in the Wagtail admin: one "Partner campaigns" menu holding
partners, partner users, joint programmes, their results frameworks, results, narratives and
campaigns, the campaign calendar and the entry of a period's results.

Each viewset answers to the rules of outreach/campaigns/permissions.py and reads through a scoped
selector (admin_views.ScopedObjectMixin), so a partner user reads their own organisation's
programmes and nothing else, and changes nothing."""

# The programme dashboard and partner report hooks (report_hooks) and the API token hooks
# (token_hooks) register by being imported: see the end of this module.
from typing import Any

from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup

from outreach.core.admin_views import ScopedModelViewSet
from outreach.core.permissions import RulePermissionPolicy

from .admin_views import (
    CampaignCalendarView,
    CampaignFilterSet,
    CampaignInspectView,
    IndicatorFilterSet,
    IndicatorInspectView,
    NarrativeFilterSet,
    PeriodResultsEntryView,
    ProgrammeFilterSet,
    ProgrammeInspectView,
    ResultCreateView,
    ResultEditView,
    ResultFilterSet,
    ResultInspectView,
    StatementFilterSet,
)
from .forms import (
    CampaignForm,
    ChildFormInlinePanel,
    IndicatorForm,
    IndicatorTargetForm,
    JointProgrammeForm,
    PartnerMembershipForm,
    PeriodNarrativeForm,
    ResultCreateForm,
    ResultEditForm,
    ResultStatementForm,
)
from .models import (
    Campaign,
    Indicator,
    JointProgramme,
    Partner,
    PartnerMembership,
    PeriodNarrative,
    Result,
    ResultStatement,
)
from .permissions import (
    CAMPAIGN_RULES,
    INDICATOR_RULES,
    NARRATIVE_RULES,
    PARTNER_RULES,
    PARTNER_USER_RULES,
    PROGRAMME_RULES,
    RESULT_RULES,
    STATEMENT_RULES,
    can_add_result,
    can_view_campaign,
)
from .selectors import (
    campaigns_visible_to,
    indicators_visible_to,
    narratives_visible_to,
    partner_memberships_visible_to,
    partners_visible_to,
    programmes_visible_to,
    results_visible_to,
    statements_visible_to,
)


class PartnerViewSet(ScopedModelViewSet):
    model = Partner
    scope = staticmethod(partners_visible_to)
    permission_policy = RulePermissionPolicy(Partner, PARTNER_RULES)
    icon = "group"
    menu_label = _("Partners")
    list_display = ["name", "short_name", "kind", "country", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name"]
    inspect_view_fields = ["name", "short_name", "kind", "country", "website", "is_active"]
    panels = [
        FieldPanel("name"),
        FieldPanel("short_name"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("country")]),
        FieldPanel("website"),
        FieldPanel("is_active"),
        InlinePanel(
            "contacts",
            label=_("contact"),
            heading=_("Contacts"),
            panels=[FieldPanel("name"), FieldPanel("position"), FieldPanel("email"), FieldPanel("phone")],
        ),
    ]


class PartnerUserViewSet(ScopedModelViewSet):
    model = PartnerMembership
    scope = staticmethod(partner_memberships_visible_to)
    permission_policy = RulePermissionPolicy(PartnerMembership, PARTNER_USER_RULES)
    icon = "user"
    menu_label = _("Partner users")
    list_display = ["user", "partner"]
    list_filter = ["partner"]
    search_fields = ["user__username", "user__email", "partner__name"]
    inspect_view_fields = ["user", "partner"]
    edit_handler = ObjectList(
        [FieldPanel("user"), FieldPanel("partner")], base_form_class=PartnerMembershipForm
    )


def _partner_names(programme: JointProgramme) -> str:
    return ", ".join(str(role.partner) for role in programme.partner_roles.all())


class JointProgrammeViewSet(ScopedModelViewSet):
    model = JointProgramme
    scope = staticmethod(programmes_visible_to)
    permission_policy = RulePermissionPolicy(JointProgramme, PROGRAMME_RULES)
    inspect_view_class = ProgrammeInspectView
    icon = "folder-open-inverse"
    menu_label = _("Joint programmes")
    list_display = [
        "name",
        "code",
        "starts_on",
        "ends_on",
        Column("partners", label=_("Partners"), accessor=_partner_names),
        "is_active",
    ]
    filterset_class = ProgrammeFilterSet
    search_fields = ["name", "code"]
    inspect_view_fields = [
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
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("code"),
            FieldPanel("objectives"),
            FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
            FieldRowPanel([FieldPanel("currency"), FieldPanel("budget")]),
            FieldPanel("is_active"),
            InlinePanel(
                "partner_roles",
                label=_("partner"),
                heading=_("Partners and funding shares"),
                help_text=_("The partners' funding shares may add up to at most 100%."),
                panels=[FieldPanel("partner"), FieldPanel("role"), FieldPanel("funding_share")],
            ),
            InlinePanel(
                "periods",
                label=_("reporting period"),
                heading=_("Reporting periods"),
                help_text=_("A period with results cannot be deleted."),
                panels=[FieldPanel("name"), FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")])],
            ),
        ],
        base_form_class=JointProgrammeForm,
    )


class ResultStatementViewSet(ScopedModelViewSet):
    model = ResultStatement
    scope = staticmethod(statements_visible_to)
    # Statements and indicators make up the results framework and are kept by the same people.
    permission_policy = RulePermissionPolicy(ResultStatement, STATEMENT_RULES)
    icon = "list-ul"
    menu_label = _("Outcomes and outputs")
    list_display = ["code", "statement", "level", "programme", "parent"]
    filterset_class = StatementFilterSet
    search_fields = ["code", "statement"]
    inspect_view_fields = ["programme", "level", "code", "statement", "parent"]
    edit_handler = ObjectList(
        [
            FieldPanel("programme"),
            FieldRowPanel([FieldPanel("level"), FieldPanel("code")]),
            FieldPanel("statement"),
            FieldPanel("parent"),
        ],
        base_form_class=ResultStatementForm,
    )


class IndicatorViewSet(ScopedModelViewSet):
    model = Indicator
    scope = staticmethod(indicators_visible_to)
    permission_policy = RulePermissionPolicy(Indicator, INDICATOR_RULES)
    inspect_view_class = IndicatorInspectView
    icon = "crosshairs"
    menu_label = _("Indicators")
    list_display = ["code", "name", "programme", "unit", "source"]
    filterset_class = IndicatorFilterSet
    search_fields = ["code", "name", "partner_code"]
    inspect_view_fields = [
        "programme",
        "statement",
        "code",
        "name",
        "unit",
        "baseline",
        "baseline_date",
        "means_of_verification",
        "disaggregation",
        "partner_code",
        "source",
        "targets",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("programme"),
            FieldPanel("statement"),
            FieldRowPanel([FieldPanel("code"), FieldPanel("partner_code")]),
            FieldPanel("name"),
            FieldRowPanel([FieldPanel("unit"), FieldPanel("source")]),
            FieldRowPanel([FieldPanel("baseline"), FieldPanel("baseline_date")]),
            FieldPanel("means_of_verification"),
            FieldPanel("disaggregation"),
            ChildFormInlinePanel(
                "targets",
                form_class=IndicatorTargetForm,
                label=_("target"),
                heading=_("Targets per period"),
                panels=[FieldRowPanel([FieldPanel("period"), FieldPanel("value")])],
            ),
        ],
        base_form_class=IndicatorForm,
    )


def _breakdown(result: Result) -> str:
    return f"{result.get_dimension_display()}: {result.category}" if result.dimension else str(_("Total"))


class ResultViewSet(ScopedModelViewSet):
    model = Result
    scope = staticmethod(results_visible_to)
    permission_policy = RulePermissionPolicy(Result, RESULT_RULES)
    add_view_class = ResultCreateView
    edit_view_class = ResultEditView
    inspect_view_class = ResultInspectView
    icon = "table"
    menu_label = _("Results")
    list_display = [
        "indicator",
        "indicator__programme",
        "period",
        Column("breakdown", label=_("Breakdown"), accessor=_breakdown),
        "value",
        "is_automatic",
    ]
    filterset_class = ResultFilterSet
    inspect_view_fields = [
        "indicator",
        "period",
        "dimension",
        "category",
        "value",
        "evidence",
        "evidence_note",
        "is_automatic",
        "source_detail",
        "entered_by",
        "created_at",
        "updated_at",
    ]
    # The edit form: what a result is about is fixed once entered; only the figure and its evidence change.
    edit_handler = ObjectList(
        [
            FieldPanel("indicator", read_only=True),
            FieldPanel("period", read_only=True),
            FieldRowPanel([FieldPanel("dimension", read_only=True), FieldPanel("category", read_only=True)]),
            FieldPanel("value"),
            FieldPanel("evidence"),
            FieldPanel("evidence_note"),
        ],
        base_form_class=ResultEditForm,
    )
    create_handler = ObjectList(
        [
            FieldPanel("indicator"),
            FieldPanel("period"),
            MultiFieldPanel(
                [FieldRowPanel([FieldPanel("dimension"), FieldPanel("category")])],
                heading=_("Broken down by (leave empty for the total)"),
            ),
            FieldPanel("value"),
            FieldPanel("evidence"),
            FieldPanel("evidence_note"),
        ],
        base_form_class=ResultCreateForm,
    )

    @cached_property
    def _create_handler(self) -> ObjectList:
        return self.create_handler.bind_to_model(Result)

    def get_add_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_add_view_kwargs(
            panel=self._create_handler, form_class=self._create_handler.get_form_class(), **kwargs
        )


class PeriodNarrativeViewSet(ScopedModelViewSet):
    model = PeriodNarrative
    scope = staticmethod(narratives_visible_to)
    permission_policy = RulePermissionPolicy(PeriodNarrative, NARRATIVE_RULES)
    icon = "doc-full"
    menu_label = _("Period narratives")
    list_display = ["period", "period__programme", "language"]
    filterset_class = NarrativeFilterSet
    search_fields = ["summary", "achievements", "challenges", "next_steps"]
    inspect_view_fields = ["period", "language", "summary", "achievements", "challenges", "next_steps"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("period"), FieldPanel("language")]),
            FieldPanel("summary"),
            FieldPanel("achievements"),
            FieldPanel("challenges"),
            FieldPanel("next_steps"),
        ],
        base_form_class=PeriodNarrativeForm,
    )


def _language_codes(campaign: Campaign) -> str:
    return ", ".join(campaign.languages)


class CampaignViewSet(ScopedModelViewSet):
    model = Campaign
    scope = staticmethod(campaigns_visible_to)
    permission_policy = RulePermissionPolicy(Campaign, CAMPAIGN_RULES)
    inspect_view_class = CampaignInspectView
    icon = "tasks"
    menu_label = _("Campaigns")
    list_display = [
        "name",
        "programme",
        "starts_on",
        "ends_on",
        Column("languages", label=_("Languages"), accessor=_language_codes),
        "status",
    ]
    filterset_class = CampaignFilterSet
    search_fields = ["name"]
    inspect_view_fields = [
        "programme",
        "name",
        "objective",
        "status",
        "starts_on",
        "ends_on",
        "audiences",
        "languages",
        "channels",
        "budget",
        "spend",
        "materials",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("programme"),
            FieldPanel("name"),
            FieldPanel("objective"),
            FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on"), FieldPanel("status")]),
            FieldRowPanel([FieldPanel("budget"), FieldPanel("spend")]),
            FieldPanel("audiences"),
            FieldPanel("languages"),
            FieldPanel("channels"),
            FieldPanel("materials"),
        ],
        base_form_class=CampaignForm,
    )


def _menu_item_class(name: str, rule: Any) -> type[MenuItem]:
    return type(name, (MenuItem,), {"is_shown": lambda item, request: rule(request.user)})


class CampaignCalendarViewSet(ViewSet):
    name = "campaign_calendar"
    icon = "date"
    menu_label = _("Campaign calendar")

    def get_urlpatterns(self) -> list[Any]:
        return [path("", CampaignCalendarView.as_view(), name="index")]

    @cached_property
    def menu_item_class(self) -> type[MenuItem]:
        return _menu_item_class("CampaignCalendarMenuItem", can_view_campaign)


class PeriodResultsEntryViewSet(ViewSet):
    name = "results_entry"
    icon = "form"
    menu_label = _("Enter results for a period")

    def get_urlpatterns(self) -> list[Any]:
        return [path("", PeriodResultsEntryView.as_view(), name="index")]

    @cached_property
    def menu_item_class(self) -> type[MenuItem]:
        return _menu_item_class("PeriodResultsEntryMenuItem", can_add_result)


class PartnerCampaignsGroup(ViewSetGroup):
    menu_label = _("Partner campaigns")
    menu_icon = "globe"
    menu_order = 310
    # URL names are the viewsets' names (e.g. "campaigns:index"); paths share one prefix.
    items = (
        JointProgrammeViewSet("joint_programmes", url_prefix="partner-campaigns/programmes"),
        CampaignViewSet("campaigns", url_prefix="partner-campaigns/campaigns"),
        CampaignCalendarViewSet(url_prefix="partner-campaigns/calendar"),
        ResultStatementViewSet("result_statements", url_prefix="partner-campaigns/outcomes-and-outputs"),
        IndicatorViewSet("indicators", url_prefix="partner-campaigns/indicators"),
        ResultViewSet("results", url_prefix="partner-campaigns/results"),
        PeriodResultsEntryViewSet(url_prefix="partner-campaigns/enter-results"),
        PeriodNarrativeViewSet("period_narratives", url_prefix="partner-campaigns/narratives"),
        PartnerViewSet("partners", url_prefix="partner-campaigns/partners"),
        PartnerUserViewSet("partner_users", url_prefix="partner-campaigns/partner-users"),
    )


@hooks.register("register_admin_viewset")
def register_partner_campaigns() -> PartnerCampaignsGroup:
    return PartnerCampaignsGroup()


from . import report_hooks  # noqa: E402, F401  # isort: skip
from . import token_hooks  # noqa: E402, F401  # isort: skip
from . import evidence_hooks  # noqa: E402, F401  # isort: skip
