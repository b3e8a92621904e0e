"""Admin views of the partner campaigns back office.

Every object door (listing, inspect, edit, delete, history, usage) reads through the scoped selectors,
so a partner user's listings, inspect pages and edit URLs never reach another organisation's
programme: an object outside the user's reach answers 404, an action their role lacks answers
"permission denied" (Wagtail sends them back to the dashboard). Results are written through the
services only. Also here: the campaign calendar and the entry of a period's results."""

import calendar
from datetime import date, timedelta
from typing import Any

import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, get_format, number_format
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.models import CreateView
from wagtail.log_actions import log

from outreach.core.admin_views import (
    ScopedEditView,
    ScopedInspectView,
)
from outreach.core.exceptions import ApplicationError

from .assets import campaign_assets
from .forms import (
    CalendarFilterForm,
    IndicatorChoiceField,
    PeriodChoiceField,
    PeriodChoiceForm,
    PeriodResultsForm,
    content_language_choices,
)
from .models import (
    Campaign,
    Indicator,
    JointProgramme,
    PeriodNarrative,
    ReportingPeriod,
    Result,
    ResultStatement,
)
from .permissions import (
    can_add_result,
    can_change_campaign,
    can_change_result,
    can_view_campaign,
)
from .selectors import (
    campaigns_visible_to,
    indicators_visible_to,
    partners_visible_to,
    periods_visible_to,
    programmes_visible_to,
    results_visible_to,
)
from .services import result_record, result_update, results_record_for_period


def campaigns_in_language(queryset: QuerySet[Campaign], language: str) -> QuerySet[Campaign]:
    """Campaigns whose languages include `language`. Matched on the JSON text with the quotes, so that
    "kk" does not match "kk-latn"; this works alike on PostgreSQL and SQLite, where JSON containment
    (`languages__contains`) does not."""
    return queryset.filter(languages__icontains=f'"{language}"')


# --- Inspect pages -------------------------------------------------------------------------------


def _labels(values: list[str], choices: Any) -> str:
    names = dict(choices)
    return ", ".join(str(names.get(value, value)) for value in values) or "—"


def _money(amount: Any, currency: str) -> str:
    return f"{number_format(amount, 2, use_l10n=True, force_grouping=True)} {currency}"


class ProgrammeInspectView(ScopedInspectView):
    extra_field_labels = {"partners": _("partners and funding shares"), "periods": _("reporting periods")}

    def get_partners_display_value(self) -> str:
        roles = self.object.partner_roles.all()
        return (
            "; ".join(
                _("%(partner)s — %(role)s, %(share)s%%")
                % {"partner": role.partner, "role": role.get_role_display(), "share": role.funding_share}
                for role in roles
            )
            or "—"
        )

    def get_periods_display_value(self) -> str:
        return (
            "; ".join(
                f"{period.name} ({date_format(period.starts_on)} – {date_format(period.ends_on)})"
                for period in self.object.periods.all()
            )
            or "—"
        )

    def get_budget_display_value(self) -> str:
        return _money(self.object.budget, self.object.currency)


class IndicatorInspectView(ScopedInspectView):
    extra_field_labels = {"targets": _("targets")}

    def get_disaggregation_display_value(self) -> str:
        return _labels(self.object.disaggregation, Indicator.Dimension.choices)

    def get_targets_display_value(self) -> str:
        return (
            "; ".join(f"{target.period.name}: {target.value}" for target in self.object.targets.all()) or "—"
        )


class ResultInspectView(ScopedInspectView):
    def get_fields(self) -> list[str]:
        fields = list(super().get_fields())
        # Who keyed a figure in is staff business, not the partner's.
        if not can_add_result(self.request.user):
            fields = [field for field in fields if field != "entered_by"]
        return fields

    def get_source_detail_display_value(self) -> str:
        return self.object.source_detail or "—"


class CampaignInspectView(ScopedInspectView):
    # The campaign's outreach sends and other assets other apps hold (assets.py), after its fields.
    ASSETS = "outreach_assets"

    def get_fields(self) -> list[str]:
        return [*super().get_fields(), self.ASSETS]

    def get_field_label(self, field_name: str, field: Any) -> str:
        if field_name == self.ASSETS:
            return str(_("Outreach sends"))
        return super().get_field_label(field_name, field)

    def get_outreach_assets_display_value(self) -> str:
        assets = campaign_assets(campaign=self.object, user=self.request.user)
        if not assets:
            return "—"
        return format_html_join(
            mark_safe("<br>"),  # noqa: S308  # nosec B308  # a constant
            "{}",
            (
                (
                    format_html('<a href="{}">{}</a> · {}', asset.url, asset.title, asset.detail)
                    if asset.url
                    else format_html("{} · {}", asset.title, asset.detail),
                )
                for asset in assets
            ),
        )

    def get_audiences_display_value(self) -> str:
        return _labels(self.object.audiences, Campaign.Audience.choices)

    def get_languages_display_value(self) -> str:
        return _labels(self.object.languages, content_language_choices())

    def get_channels_display_value(self) -> str:
        return _labels(self.object.channels, Campaign.Channel.choices)

    def get_budget_display_value(self) -> str:
        return _money(self.object.budget, self.object.programme.currency)

    def get_spend_display_value(self) -> str:
        return _money(self.object.spend, self.object.programme.currency)


# --- Results: written through the services only --------------------------------------------------


class ServiceFormMixin:
    """Shows a service's refusal (ApplicationError) as a form error; its transaction is rolled back."""

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            return super().form_valid(form)
        except ApplicationError as error:
            form.add_application_error(error)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class ResultCreateView(ServiceFormMixin, CreateView):
    def save_instance(self) -> Result:
        data = self.form.cleaned_data
        result = result_record(
            indicator=data["indicator"],
            period=data["period"],
            value=data["value"],
            actor=self.request.user,
            dimension=data.get("dimension") or "",
            category=data.get("category") or "",
            evidence=data.get("evidence"),
            evidence_note=data.get("evidence_note") or "",
        )
        log(instance=result, action="wagtail.create", content_changed=True)
        return result


class ResultEditView(ServiceFormMixin, ScopedEditView):
    def save_instance(self) -> Result:
        data = self.form.cleaned_data
        result = self.object
        if data.get("evidence") is None and result.evidence_id:
            # result_update keeps the evidence when given none; clearing the chooser means removing it.
            result.evidence = None
        result = result_update(
            result=result,
            value=data["value"],
            actor=self.request.user,
            evidence=data.get("evidence"),
            evidence_note=data.get("evidence_note") or "",
        )
        log(instance=result, action="wagtail.edit", content_changed=self.form.has_changed())
        return result


# --- Listing filters -----------------------------------------------------------------------------


def _visible_programmes(request: HttpRequest) -> QuerySet[JointProgramme]:
    return programmes_visible_to(user=request.user).prefetch_related(None)


def _visible_partners(request: HttpRequest) -> QuerySet:
    return partners_visible_to(user=request.user)


def _visible_periods(request: HttpRequest) -> QuerySet[ReportingPeriod]:
    return periods_visible_to(user=request.user)


def _visible_indicators(request: HttpRequest) -> QuerySet[Indicator]:
    return indicators_visible_to(user=request.user).prefetch_related(None)


class VisibleChoiceFilter(django_filters.ModelChoiceFilter):
    """A filter over rows the user may see (its queryset takes the request), "All" when unset."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("empty_label", _("All"))
        super().__init__(*args, **kwargs)


class PeriodFilter(VisibleChoiceFilter):
    field_class = PeriodChoiceField


class IndicatorFilter(VisibleChoiceFilter):
    field_class = IndicatorChoiceField


class ProgrammeFilterSet(WagtailFilterSet):
    partner = VisibleChoiceFilter(
        field_name="partners", queryset=_visible_partners, label=capfirst(_("partner"))
    )

    class Meta:
        model = JointProgramme
        fields = ["currency", "is_active"]


class StatementFilterSet(WagtailFilterSet):
    programme = VisibleChoiceFilter(queryset=_visible_programmes, label=capfirst(_("programme")))

    class Meta:
        model = ResultStatement
        fields = ["level"]


class IndicatorFilterSet(WagtailFilterSet):
    programme = VisibleChoiceFilter(queryset=_visible_programmes, label=capfirst(_("programme")))

    class Meta:
        model = Indicator
        fields = ["unit", "source"]


class ResultFilterSet(WagtailFilterSet):
    programme = VisibleChoiceFilter(
        field_name="indicator__programme", queryset=_visible_programmes, label=capfirst(_("programme"))
    )
    period = PeriodFilter(queryset=_visible_periods, label=capfirst(_("period")))
    indicator = IndicatorFilter(queryset=_visible_indicators, label=capfirst(_("indicator")))

    class Meta:
        model = Result
        fields = ["is_automatic"]


class NarrativeFilterSet(WagtailFilterSet):
    programme = VisibleChoiceFilter(
        field_name="period__programme", queryset=_visible_programmes, label=capfirst(_("programme"))
    )

    class Meta:
        model = PeriodNarrative
        fields = ["language"]


class CampaignFilterSet(WagtailFilterSet):
    programme = VisibleChoiceFilter(queryset=_visible_programmes, label=capfirst(_("programme")))
    partner = VisibleChoiceFilter(
        field_name="programme__partners", queryset=_visible_partners, label=capfirst(_("partner"))
    )
    language = django_filters.ChoiceFilter(
        choices=content_language_choices, method="filter_language", label=capfirst(_("language"))
    )
    status = django_filters.ChoiceFilter(choices=Campaign.Status.choices, label=capfirst(_("status")))

    class Meta:
        model = Campaign
        fields: list[str] = []

    def filter_language(self, queryset: QuerySet[Campaign], name: str, value: str) -> QuerySet[Campaign]:
        return campaigns_in_language(queryset, value) if value else queryset


# --- The campaign calendar -----------------------------------------------------------------------


def _month_start(value: str | None) -> date:
    if value:
        year, month = value.split("-")
        return date(int(year), int(month), 1)
    return timezone.localdate().replace(day=1)


def _month_end(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


class CampaignCalendarView(WagtailAdminTemplateMixin, TemplateView):
    """A month of campaigns: one row of days per week, each campaign a bar from its start to its end."""

    template_name = "campaigns/admin/calendar.html"
    page_title = _("Campaign calendar")
    header_icon = "date"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_view_campaign(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    @cached_property
    def form(self) -> CalendarFilterForm:
        form = CalendarFilterForm(self.request.GET or None, user=self.request.user)
        # An invalid filter is reported and left out; the valid ones still apply.
        form.is_valid()
        return form

    def filters(self) -> dict[str, Any]:
        return getattr(self.form, "cleaned_data", {})

    def campaigns(self, first: date, last: date) -> list[Campaign]:
        filters = self.filters()
        queryset = campaigns_visible_to(user=self.request.user).filter(
            starts_on__lte=last, ends_on__gte=first
        )
        if filters.get("programme"):
            queryset = queryset.filter(programme=filters["programme"])
        if filters.get("partner"):
            queryset = queryset.filter(programme__partners=filters["partner"])
        if filters.get("language"):
            queryset = campaigns_in_language(queryset, filters["language"])
        if filters.get("status"):
            queryset = queryset.filter(status=filters["status"])
        return list(queryset.order_by("starts_on", "name"))

    def campaign_url(self, campaign: Campaign) -> str:
        name = "campaigns:edit" if can_change_campaign(self.request.user, campaign) else "campaigns:inspect"
        return reverse(name, args=[campaign.pk])

    def month_url(self, month: date) -> str:
        params = self.request.GET.copy()
        params["month"] = month.strftime("%Y-%m")
        return f"{self.request.path}?{params.urlencode()}"

    def weeks(self, first: date, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        # Django numbers weekdays from Sunday (0), the calendar module from Monday (0).
        first_weekday = (int(get_format("FIRST_DAY_OF_WEEK")) - 1) % 7
        weeks = []
        for days in calendar.Calendar(first_weekday).monthdatescalendar(first.year, first.month):
            week_start, week_end = days[0], days[-1]
            bars = []
            for entry in entries:
                campaign = entry["campaign"]
                if campaign.starts_on > week_end or campaign.ends_on < week_start:
                    continue
                start, end = max(campaign.starts_on, week_start), min(campaign.ends_on, week_end)
                offset, span = (start - week_start).days, (end - start).days + 1
                bars.append(
                    {
                        **entry,
                        "before": offset,
                        "span": span,
                        "after": 7 - offset - span,
                        "continues_before": campaign.starts_on < week_start,
                        "continues_after": campaign.ends_on > week_end,
                    }
                )
            weeks.append(
                {
                    "days": [{"date": day, "in_month": day.month == first.month} for day in days],
                    "bars": bars,
                }
            )
        return weeks

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        first = _month_start(self.filters().get("month"))
        last = _month_end(first)
        entries = [
            {"campaign": campaign, "url": self.campaign_url(campaign)}
            for campaign in self.campaigns(first, last)
        ]
        weeks = self.weeks(first, entries)
        context.update(
            {
                "form": self.form,
                "month": first,
                "weekdays": [day["date"] for day in weeks[0]["days"]],
                "weeks": weeks,
                "entries": entries,
                "previous_url": self.month_url((first - timedelta(days=1)).replace(day=1)),
                "next_url": self.month_url(last + timedelta(days=1)),
                "today_url": self.month_url(timezone.localdate().replace(day=1)),
            }
        )
        return context


# --- Entering a period's results -----------------------------------------------------------------


class PeriodResultsEntryView(WagtailAdminTemplateMixin, TemplateView):
    """Pick a programme's period, then enter a value and evidence note for each hand-entered indicator;
    every line is saved, or none."""

    template_name = "campaigns/admin/results_entry.html"
    page_title = _("Enter results for a period")
    header_icon = "form"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_add_result(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def lines(self, period: ReportingPeriod) -> tuple[list[Indicator], dict[int, Result]]:
        """The programme's hand-entered indicators, and their results (totals) already entered."""
        user = self.request.user
        indicators = list(
            indicators_visible_to(user=user).filter(
                programme_id=period.programme_id, source=Indicator.Source.MANUAL
            )
        )
        existing = {
            result.indicator_id: result
            for result in results_visible_to(user=user).filter(period=period, dimension="", category="")
        }
        return indicators, existing

    def rows(
        self,
        period: ReportingPeriod,
        indicators: list[Indicator],
        existing: dict[int, Result],
        form: PeriodResultsForm,
        line_errors: dict[int, str],
    ) -> list[dict[str, Any]]:
        rows = []
        for indicator in indicators:
            target = next((t.value for t in indicator.targets.all() if t.period_id == period.pk), None)
            result = existing.get(indicator.pk)
            row: dict[str, Any] = {
                "indicator": indicator,
                "target": target,
                "result": result,
                "error": line_errors.get(indicator.pk),
            }
            if result is not None:
                if can_change_result(self.request.user, result):
                    row["edit_url"] = reverse("results:edit", args=[result.pk])
            else:
                row["value"] = form[f"value_{indicator.pk}"]
                row["note"] = form[f"note_{indicator.pk}"]
            rows.append(row)
        return rows

    def render_page(
        self,
        chooser: PeriodChoiceForm,
        period: ReportingPeriod | None = None,
        line_errors: dict[int, str] | None = None,
        form: PeriodResultsForm | None = None,
    ) -> HttpResponse:
        context = self.get_context_data(chooser=chooser, period=period)
        if period is not None:
            indicators, existing = self.lines(period)
            form = form or PeriodResultsForm(indicators=indicators)
            context.update(
                {
                    "form": form,
                    "rows": self.rows(period, indicators, existing, form, line_errors or {}),
                    "open_count": len(indicators) - len(existing),
                }
            )
        return self.render_to_response(context)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        chooser = PeriodChoiceForm(request.GET or None, user=request.user)
        period = chooser.chosen_period() if chooser.is_bound and chooser.is_valid() else None
        return self.render_page(chooser, period)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        chooser = PeriodChoiceForm(request.POST, user=request.user)
        if not chooser.is_valid():
            return self.render_page(chooser)
        period = chooser.chosen_period()
        # Every hand-entered line, those already entered included: a value sent for a line someone
        # else has entered meanwhile is refused by the service, not silently dropped.
        indicators, _existing = self.lines(period)
        form = PeriodResultsForm(request.POST, indicators=indicators)
        if not form.is_valid():
            return self.render_page(chooser, period, form=form)
        try:
            recorded = results_record_for_period(period=period, entries=form.entries(), actor=request.user)
        except ApplicationError as error:
            line_errors, other = form.line_errors(error)
            for message in other:
                form.add_error(None, message)
            messages.error(
                request, _("Nothing was saved. Correct the lines marked below and send them again.")
            )
            return self.render_page(chooser, period, form=form, line_errors=line_errors)
        for result in recorded:
            log(instance=result, action="wagtail.create", content_changed=True)
        messages.success(
            request,
            ngettext(
                "%(count)s result recorded for %(period)s.",
                "%(count)s results recorded for %(period)s.",
                len(recorded),
            )
            % {"count": len(recorded), "period": period.name},
        )
        return HttpResponseRedirect(f"{request.path}?{urlencode({'period': period.pk})}")
