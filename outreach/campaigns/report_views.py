"""Admin screens of a joint programme for campaign managers and the partner's own users: the list of
programmes with their dashboards, a programme's dashboard, and the partner report to download.

Every door finds the programme through programmes_visible_to, so a partner user asking for another
organisation's programme gets a 404, and checks can_view_report."""

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .charts import budget_chart, chart_svg, progress_chart
from .dashboard import ProgrammeDashboard, figure, programme_dashboard
from .models import JointProgramme
from .permissions import can_view_report
from .reports import (
    CONTENT_TYPES,
    REPORT_LANGUAGES,
    ReportFormat,
    partner_report,
    partner_report_pdf,
    partner_report_xlsx,
    report_filename,
)
from .selectors import periods_visible_to, programmes_visible_to

DASHBOARDS_TITLE = _("Programme dashboards")


class ProgrammeReportsMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return can_view_report(request.user)


class ProgrammeDashboardsView(WagtailAdminTemplateMixin, TemplateView):
    """The programmes the user may report on, each with its dashboard and its partner report."""

    template_name = "campaigns/dashboard/index.html"
    page_title = DASHBOARDS_TITLE
    header_icon = "doc-full"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_view_report(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": DASHBOARDS_TITLE}]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["programmes"] = programmes_visible_to(user=self.request.user)
        return context


class ProgrammeReportMixin:
    """Finds the programme among those the user may see (404 otherwise) and refuses users who may not
    read its dashboard and report."""

    request: HttpRequest
    programme: JointProgramme

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_view_report(request.user):
            raise PermissionDenied
        self.programme = get_object_or_404(programmes_visible_to(user=request.user), pk=kwargs["pk"])
        if not can_view_report(request.user, self.programme):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,  # type: ignore[attr-defined]
            {"url": reverse("campaigns_programme_dashboards"), "label": DASHBOARDS_TITLE},
            {
                "url": reverse("campaigns_programme_dashboard", args=[self.programme.pk]),
                "label": self.programme.name,
            },
            {"url": "", "label": self.get_page_title()},  # type: ignore[attr-defined]
        ]


def _indicator_panels(dashboard: ProgrammeDashboard) -> list[dict[str, Any]]:
    panels = []
    for progress in dashboard.indicators:
        indicator = progress.indicator
        panels.append(
            {
                "indicator": indicator,
                "adds_up": progress.adds_up,
                "baseline": figure(indicator.baseline),
                "chart": chart_svg(progress_chart(progress), element_id=f"indicator-{indicator.pk}-chart"),
                "has_counted_figures": any(line.is_automatic for line in progress.periods),
                "rows": [
                    {
                        "period": line.period,
                        "target": figure(line.target),
                        "actual": figure(line.actual),
                        "cumulative": figure(line.cumulative),
                        "source_detail": line.source_detail if line.is_automatic else "",
                    }
                    for line in progress.periods
                ],
            }
        )
    return panels


class ProgrammeDashboardView(ProgrammeReportMixin, WagtailAdminTemplateMixin, TemplateView):
    """Each indicator's progress against its targets, the budget against spending, and the campaigns
    by status."""

    template_name = "campaigns/dashboard/dashboard.html"
    header_icon = "doc-full"

    def get_page_title(self) -> str:
        return pgettext("programme", "Dashboard")

    def get_page_subtitle(self) -> str:
        return self.programme.name

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse("campaigns_programme_dashboards"), "label": DASHBOARDS_TITLE},
            {"url": "", "label": self.programme.name},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        dashboard = programme_dashboard(user=self.request.user, programme=self.programme)
        budget = dashboard.budget
        context.update(
            {
                "programme": self.programme,
                "dashboard": dashboard,
                "indicator_panels": _indicator_panels(dashboard),
                "budget_figures": [
                    (_("Programme budget"), figure(budget.programme_budget)),
                    (_("Given to campaigns"), figure(budget.allocated)),
                    (_("Spent by campaigns"), figure(budget.spent)),
                    (_("Not yet given to a campaign"), figure(budget.unallocated)),
                ],
                "budget_chart": chart_svg(budget_chart(budget), element_id="budget-chart")
                if budget.campaigns
                else "",
                "campaign_rows": [
                    {
                        "campaign": line.campaign,
                        "budget": figure(line.campaign.budget),
                        "spend": figure(line.campaign.spend),
                        "left": figure(line.left),
                    }
                    for line in budget.campaigns
                ],
                "funding_rows": [
                    {"role": role, "share": figure(role.funding_share), "amount": figure(amount)}
                    for role, amount in budget.funding
                ],
                "report_url": reverse("campaigns_programme_report", args=[self.programme.pk]),
            }
        )
        return context


class PartnerReportForm(forms.Form):
    """Which period, language and format of the partner report to download."""

    period = forms.ModelChoiceField(
        label=_("Reporting period"),
        queryset=None,
        empty_label=None,
        help_text=_("The report covers every period up to and including this one."),
        error_messages={
            "required": _("Choose a reporting period."),
            "invalid_choice": _("Choose one of this programme's reporting periods."),
        },
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=REPORT_LANGUAGES.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the report's language."),
            "invalid_choice": _("The report is written in English or Russian; choose one of them."),
        },
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[(ReportFormat.PDF, _("PDF document")), (ReportFormat.XLSX, _("Excel workbook (XLSX)"))],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a format."),
            "invalid_choice": _("The report comes as PDF or XLSX; choose one of them."),
        },
    )

    def __init__(self, *args: Any, user: Any, programme: JointProgramme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        periods = periods_visible_to(user=user).filter(programme_id=programme.pk)
        self.fields["period"].queryset = periods
        # Offered first: the last period that has ended, the one a partner usually asks about.
        self.fields["period"].initial = periods.filter(ends_on__lt=timezone.localdate()).last()


class PartnerReportView(ProgrammeReportMixin, WagtailAdminTemplateMixin, TemplateView):
    """A form to choose the period, language and format; with them in the query, the file itself."""

    template_name = "campaigns/dashboard/report_form.html"
    header_icon = "download"

    def get_page_title(self) -> str:
        return str(_("Partner report"))

    def get_page_subtitle(self) -> str:
        return self.programme.name

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        chosen = any(name in request.GET for name in ("period", "language", "format"))
        form = PartnerReportForm(
            request.GET if chosen else None,
            user=request.user,
            programme=self.programme,
            initial={
                "language": get_language() if get_language() in REPORT_LANGUAGES.values else "en",
                "format": ReportFormat.PDF,
            },
        )
        if not chosen or not form.is_valid():
            return self.render_to_response(
                self.get_context_data(form=form, programme=self.programme), status=400 if chosen else 200
            )
        data = form.cleaned_data
        report = partner_report(
            user=request.user, programme=self.programme, period=data["period"], language=data["language"]
        )
        file_format = ReportFormat(data["format"])
        content = (
            partner_report_pdf(report) if file_format == ReportFormat.PDF else partner_report_xlsx(report)
        )
        response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
        response["Content-Disposition"] = f'attachment; filename="{report_filename(report, file_format)}"'
        return response
