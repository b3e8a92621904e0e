"""Admin views of the grant programmes back office.

Every door reads through a scope narrowed to what the user may see (the selectors of selectors.py, or
`scoped_rows` below for the rows under an award): an officer's listings hold only their programmes,
a grantee under the emergency lock is gone for everyone but administrators, and the URL of another
programme's row answers 404. Writes beyond plain record keeping go through the services, whose
refusals (ApplicationError) are shown as messages with nothing changed. Here too: a grantee's whole
story on one page, the bulk actions on payments and the programme dashboards."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import django_filters
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, localize, number_format
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn
from wagtail.admin.views.bulk_action import BulkAction
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.models import CreateView
from wagtail.admin.widgets import HeaderButton

from outreach.campaigns.charts import ALLOCATED, GRID, SPEND, Box, Chart, Label, Line, chart_svg, nice_scale
from outreach.core.admin_views import ScopedEditView, ScopedIndexView, ScopedInspectView
from outreach.core.exceptions import ApplicationError

from .donor_report import fewer_than
from .forms import (
    BUDGET_LINE_FORMSET,
    FUNDER_FORMSET,
    OFFICER_FORMSET,
    AwardTransitionForm,
    ConsentForm,
    DisbursementGenerateForm,
    GranteeLockForm,
    HoldForm,
    MarkPaidForm,
)
from .models import (
    Award,
    AwardTransition,
    Cohort,
    Disbursement,
    DisbursementShare,
    ExchangeRate,
    Grantee,
    Institution,
    OutcomeRecord,
    Programme,
    ProgrammeOfficer,
    ProgressReport,
)
from .permissions import (
    aggregates_only,
    assigned_programmes,
    can_erase_grantee,
    can_export_grantee_data,
    can_lock_grantee,
    can_manage_disbursements,
    can_see_locked,
    can_transition_award,
    can_view_cannot_return_flag,
    can_view_grantee_personal_data,
    can_view_programme_aggregates,
    rules_for,
)
from .risk import (
    LOW_ATTENDANCE,
    LOW_GPA,
    MISSING_REPORT,
    PAYMENT_HELD,
    VISA_EXPIRING,
)
from .selectors import (
    ProgrammeDashboard,
    award_risks,
    awards_flagged_ids,
    awards_visible_to,
    cohorts_visible_to,
    grantees_visible_to,
    programme_dashboard,
    programmes_visible_to,
    programmes_with_figures_for,
)
from .services import (
    AWARD_TRANSITIONS,
    award_transition,
    consent_record,
    disbursement_hold,
    disbursement_release,
    disbursements_generate,
    disbursements_mark_paid,
    grantee_display_name,
    grantee_erase,
    grantee_export,
    grantee_lock,
    grantee_viewed,
)

# --- Scopes of the rows under an award -------------------------------------------------------------


def scoped_rows(queryset: QuerySet, *, user: Any, model_name: str, award_path: str = "award") -> QuerySet:
    """`queryset` narrowed like awards_visible_to: the user's programmes, no locked grantee unless
    they are an administrator; none without the model's view rule."""
    if not rules_for(model_name)["view"](user):
        return queryset.none()
    visible, _seniors = assigned_programmes(user)
    if visible is not None:
        queryset = queryset.filter(**{f"{award_path}__cohort__programme_id__in": visible})
    if not can_see_locked(user):
        queryset = queryset.filter(**{f"{award_path}__grantee__is_locked": False})
    return queryset


def disbursements_in_scope(*, user: Any) -> QuerySet[Disbursement]:
    return scoped_rows(
        Disbursement.objects.select_related(
            "award__grantee", "award__cohort__programme", "award__institution"
        ),
        user=user,
        model_name="disbursement",
    )


def progress_reports_in_scope(*, user: Any) -> QuerySet[ProgressReport]:
    return scoped_rows(
        ProgressReport.objects.select_related(
            "award__grantee", "award__cohort__programme", "award__institution"
        ),
        user=user,
        model_name="progressreport",
    )


def outcomes_in_scope(*, user: Any) -> QuerySet[OutcomeRecord]:
    return scoped_rows(
        OutcomeRecord.objects.select_related(
            "award__grantee", "award__cohort__programme", "award__institution"
        ),
        user=user,
        model_name="outcomerecord",
    )


def institutions_in_scope(*, user: Any) -> QuerySet[Institution]:
    # Institutions are shared by every programme: the model permission is the whole rule.
    if not rules_for("institution")["view"](user):
        return Institution.objects.none()
    return Institution.objects.all()


def exchange_rates_in_scope(*, user: Any) -> QuerySet[ExchangeRate]:
    if not rules_for("exchangerate")["view"](user):
        return ExchangeRate.objects.none()
    return ExchangeRate.objects.all()


def shared_rules(model_name: str) -> dict[str, Any]:
    """The rules of a model shared by every programme (institutions, exchange rates): they belong to
    no programme, so only the model permission counts, whatever the row."""
    rules = rules_for(model_name)
    return {action: (lambda user, obj=None, rule=rule: rule(user, None)) for action, rule in rules.items()}


# --- Listing filters -------------------------------------------------------------------------------

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class VisibleChoiceFilter(django_filters.ModelChoiceFilter):
    """A filter over rows the user may see (its queryset takes the request), "All" when unset."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("empty_label", _("All"))
        super().__init__(*args, **kwargs)


def _programmes(request: HttpRequest) -> QuerySet[Programme]:
    return programmes_visible_to(user=request.user) if request else Programme.objects.none()


def _cohorts(request: HttpRequest) -> QuerySet[Cohort]:
    return cohorts_visible_to(user=request.user) if request else Cohort.objects.none()


def _institutions(request: HttpRequest) -> QuerySet[Institution]:
    return Institution.objects.all() if request else Institution.objects.none()


def _at_risk_ids(request: HttpRequest) -> set[int]:
    """Ids of the user's awards that some risk rule flags today."""
    return awards_flagged_ids(user=request.user, today=timezone.localdate())


class AtRiskFilter(django_filters.ChoiceFilter):
    def __init__(self, *args: Any, award_field: str = "pk", **kwargs: Any) -> None:
        kwargs.setdefault("choices", YES_NO)
        kwargs.setdefault("label", _("At risk"))
        kwargs.setdefault("empty_label", _("All"))
        super().__init__(*args, **kwargs)
        self.award_field = award_field

    def filter(self, queryset: QuerySet, value: str) -> QuerySet:
        if value not in ("yes", "no"):
            return queryset
        ids = _at_risk_ids(self.parent.request)
        condition = {f"{self.award_field}__in": ids}
        narrowed = queryset.filter(**condition) if value == "yes" else queryset.exclude(**condition)
        return narrowed.distinct() if self.award_field != "pk" else narrowed


class GranteeFilterSet(WagtailFilterSet):
    programme = VisibleChoiceFilter(queryset=_programmes, label=capfirst(_("programme")))
    # Through the awards: a grantee with two awards in the cohort is listed once.
    cohort = VisibleChoiceFilter(
        field_name="awards__cohort", queryset=_cohorts, label=capfirst(_("cohort")), distinct=True
    )
    institution = VisibleChoiceFilter(
        field_name="awards__institution",
        queryset=_institutions,
        label=capfirst(_("institution")),
        distinct=True,
    )
    status = django_filters.ChoiceFilter(
        field_name="awards__status", choices=Award.Status.choices, label=_("Award status"), distinct=True
    )
    at_risk = AtRiskFilter(award_field="awards")

    class Meta:
        model = Grantee
        fields: list[str] = []


class AwardFilterSet(WagtailFilterSet):
    programme = VisibleChoiceFilter(
        field_name="cohort__programme", queryset=_programmes, label=capfirst(_("programme"))
    )
    cohort = VisibleChoiceFilter(queryset=_cohorts, label=capfirst(_("cohort")))
    institution = VisibleChoiceFilter(queryset=_institutions, label=capfirst(_("institution")))
    status = django_filters.ChoiceFilter(choices=Award.Status.choices, label=capfirst(_("status")))
    at_risk = AtRiskFilter()

    class Meta:
        model = Award
        fields = ["degree_level"]


class UnderAwardFilterSet(WagtailFilterSet):
    """Filters of the rows under an award: its programme, cohort and institution."""

    programme = VisibleChoiceFilter(
        field_name="award__cohort__programme", queryset=_programmes, label=capfirst(_("programme"))
    )
    cohort = VisibleChoiceFilter(field_name="award__cohort", queryset=_cohorts, label=capfirst(_("cohort")))
    institution = VisibleChoiceFilter(
        field_name="award__institution", queryset=_institutions, label=capfirst(_("institution"))
    )
    at_risk = AtRiskFilter(award_field="award")


class DisbursementFilterSet(UnderAwardFilterSet):
    class Meta:
        model = Disbursement
        fields = ["status", "kind", "month"]


class ProgressReportFilterSet(UnderAwardFilterSet):
    class Meta:
        model = ProgressReport
        fields = ["academic_status", "term"]


class OutcomeFilterSet(UnderAwardFilterSet):
    class Meta:
        model = OutcomeRecord
        fields = ["wave", "residence", "employer_sector", "is_leadership"]


class CohortFilterSet(WagtailFilterSet):
    programme = VisibleChoiceFilter(queryset=_programmes, label=capfirst(_("programme")))

    class Meta:
        model = Cohort
        fields = ["intake_year"]


# --- Listings --------------------------------------------------------------------------------------


def may_search_names(user: Any) -> bool:
    """Searching by name would reveal names: only holders of the personal-data permission may."""
    return can_view_grantee_personal_data(user)


class GranteeIndexView(ScopedIndexView):
    """Grantees by code; holders of the personal-data permission also find them by name."""

    def search_queryset(self, queryset: QuerySet[Grantee]) -> QuerySet[Grantee]:
        if not self.is_searching:
            return queryset
        fields = ["code"]
        if may_search_names(self.request.user):
            fields += ["name_latin", "name_original"]
        self.search_fields = fields
        return super().search_queryset(queryset)


class AwardIndexView(ScopedIndexView):
    """Awards with the rule sentences of their risks, found by the grantee's code (or name, for
    holders of the personal-data permission)."""

    def search_queryset(self, queryset: QuerySet[Award]) -> QuerySet[Award]:
        if not self.is_searching:
            return queryset
        fields = ["grantee__code", "field_of_study"]
        if may_search_names(self.request.user):
            fields += ["grantee__name_latin", "grantee__name_original"]
        self.search_fields = fields
        return super().search_queryset(queryset)

    def get_context_data(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(*args, **kwargs)
        awards = list(context["object_list"])
        # One pass of the risk rules over the page's awards: the query count stays the same per page.
        risks = award_risks(awards=awards, today=timezone.localdate()) if awards else {}
        for award in awards:
            found = risks.get(award.pk) or []
            award.risk_summary = "; ".join(str(risk.message) for risk in found) or "—"
        return context


class UnderAwardIndexView(ScopedIndexView):
    """Rows under an award (payments, reports, outcomes), found by the grantee's code."""

    def search_queryset(self, queryset: QuerySet) -> QuerySet:
        if not self.is_searching:
            return queryset
        self.search_fields = ["award__grantee__code"]
        return super().search_queryset(queryset)


class DisbursementIndexView(UnderAwardIndexView):
    """Payments with checkboxes for the bulk actions, and a button to generate a month."""

    template_name = "grants/admin/disbursement_index.html"

    @cached_property
    def columns(self) -> list[Any]:
        columns = list(super().columns)
        if can_manage_disbursements(self.request.user):
            columns.insert(0, BulkActionsCheckboxColumn("bulk_actions", obj_type="disbursement"))
        return columns

    def get_context_data(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(*args, **kwargs)
        context["may_manage_payments"] = can_manage_disbursements(self.request.user)
        return context

    @cached_property
    def header_buttons(self) -> list[Any]:
        buttons = list(super().header_buttons)
        if can_manage_disbursements(self.request.user):
            buttons.append(
                HeaderButton(
                    _("Generate a month"), url=reverse("grant_disbursements:generate"), icon_name="plus"
                )
            )
        return buttons


# --- Programmes: their funders, budget lines and officers on the same form -------------------------


class ProgrammePartsMixin:
    """Adds the programme's funders, budget lines and officers as formsets under the programme's own
    form; the programme and its parts are saved together or not at all. The officers' formset is
    offered to whoever may see the confidential flag of the programme (its senior officers,
    administrators), since assigning an officer opens the programme's grantees to them."""

    request: HttpRequest
    template_name = "grants/admin/programme_form.html"

    def officers_editable(self, programme: Programme | None) -> bool:
        return programme is None or can_view_cannot_return_flag(self.request.user, programme)

    @cached_property
    def formsets(self) -> dict[str, Any]:
        instance = getattr(self, "object", None) or Programme()
        data = self.request.POST if self.request.method == "POST" else None
        formsets = {
            "funders": FUNDER_FORMSET(data, instance=instance, prefix="funders", for_user=self.request.user),
            "budget_lines": BUDGET_LINE_FORMSET(
                data, instance=instance, prefix="budget_lines", for_user=self.request.user
            ),
        }
        if self.officers_editable(instance if instance.pk else None):
            formsets["officers"] = OFFICER_FORMSET(
                data, instance=instance, prefix="officers", for_user=self.request.user
            )
        return formsets

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["formsets"] = [
            (_("Funders and their shares"), self.formsets["funders"]),
            (_("Budget lines"), self.formsets["budget_lines"]),
        ]
        if "officers" in self.formsets:
            context["formsets"].append((_("Officers"), self.formsets["officers"]))
        return context

    def is_valid(self, form: Any) -> bool:
        # Every formset is validated, so each shows its errors, not just the first invalid one.
        parts_valid = all([formset.is_valid() for formset in self.formsets.values()])
        result = super().is_valid(form)  # type: ignore[misc]
        if result and not parts_valid:
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()  # type: ignore[attr-defined]
        return result and parts_valid

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            return super().form_valid(form)  # type: ignore[misc]

    def save_instance(self) -> Programme:
        instance = super().save_instance()  # type: ignore[misc]
        for formset in self.formsets.values():
            formset.instance = instance
            formset.save()
        return instance


class ProgrammeCreateView(ProgrammePartsMixin, CreateView):
    def save_instance(self) -> Programme:
        instance = super().save_instance()
        # Whoever creates a programme runs it: without an assignment an officer could not see the
        # programme they just made (permissions.assigned_programmes).
        ProgrammeOfficer.objects.get_or_create(
            programme=instance, user=self.request.user, defaults={"is_senior": True}
        )
        return instance


class ProgrammeEditView(ProgrammePartsMixin, ScopedEditView):
    """A programme with its funders, budget lines and (for its senior officers) officers, read
    through the user's scope."""


class ProgrammeInspectView(ScopedInspectView):
    """A programme's terms with its funders, budget lines and officers."""

    extra_field_labels = {
        "funders": _("funders and their shares"),
        "budget_lines": _("budget lines"),
        "officers": _("officers"),
    }

    def get_funders_display_value(self) -> str:
        return (
            "; ".join(
                f"{funder.name}: {funder.share_percent}% ({funder.reporting_currency})"
                for funder in self.object.funders.all()
            )
            or "—"
        )

    def get_budget_lines_display_value(self) -> str:
        return (
            "; ".join(
                f"{line.year} {line.get_category_display()}: {number_format(line.amount, 2, force_grouping=True)} "
                f"{self.object.currency}"
                for line in self.object.budget_lines.all()
            )
            or "—"
        )

    def get_officers_display_value(self) -> str:
        return (
            ", ".join(
                str(_("%(name)s (senior)") % {"name": officer.user})
                if officer.is_senior
                else str(officer.user)
                for officer in self.object.officers.select_related("user")
            )
            or "—"
        )


# --- The grantee's whole story ---------------------------------------------------------------------


def _story_awards(grantee: Grantee) -> list[Award]:
    """The grantee's awards with everything under them, in a fixed number of queries."""
    return list(
        Award.objects.filter(grantee=grantee)
        .select_related("grantee", "cohort__programme", "institution")
        .prefetch_related(
            Prefetch("transitions", AwardTransition.objects.select_related("actor").order_by("at", "pk")),
            Prefetch(
                "disbursements",
                Disbursement.objects.order_by("-month", "kind").prefetch_related(
                    Prefetch("shares", DisbursementShare.objects.select_related("funder"))
                ),
            ),
            Prefetch("reports", ProgressReport.objects.order_by("-ends_on")),
            "milestones",
        )
        .order_by("starts_on", "pk")
    )


@dataclass(frozen=True)
class PaymentRow:
    """One payment as the grantee's page lists it, every cell already text."""

    month: str
    kind: str
    amount: str
    status: str
    paid_on: str
    shares: str


def _share_text(share: DisbursementShare, currency: str) -> str:
    text = f"{share.funder.name} {localize(share.share_percent)}%: {localize(share.amount)} {currency}"
    if share.reporting_currency != currency:
        text += (
            f" ({localize(share.reporting_amount)} {share.reporting_currency} {gettext('at')}"
            f" {localize(share.exchange_rate)})"
        )
    return text


def _payment_rows(award: Award) -> list[PaymentRow]:
    """The award's payments (prefetched, with their shares), each cell formatted once here as the
    template would: a long story has hundreds of payments with a share per funder, and the template
    language would resolve and format them value by value at several times the cost."""
    currency = award.cohort.programme.currency
    return [
        PaymentRow(
            month=date_format(payment.month, "Y-m"),
            kind=str(payment.get_kind_display()),
            amount=f"{localize(payment.amount)} {currency}",
            status=(
                f"{payment.get_status_display()}: {payment.held_reason}"
                if payment.held_reason
                else str(payment.get_status_display())
            ),
            paid_on=date_format(payment.paid_on, "DATE_FORMAT") if payment.paid_on else "—",
            shares="; ".join(_share_text(share, currency) for share in payment.shares.all()) or "—",
        )
        for payment in award.disbursements.all()
    ]


class GranteeInspectView(ScopedInspectView):
    """A grantee's whole story on one screen: who they are (for holders of the personal-data
    permission), their awards with the status history, payments, reports and milestones, papers,
    documents, consents and risks, and the actions on them. Every opening is audited."""

    template_name = "grants/admin/grantee_inspect.html"

    def get_page_subtitle(self) -> str:
        return grantee_display_name(grantee=self.object, user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user, grantee = self.request.user, self.object
        grantee_viewed(grantee=grantee, actor=user)
        awards = _story_awards(grantee)
        risks = award_risks(awards=awards, today=timezone.localdate()) if awards else {}
        may_transition = {award.pk: can_transition_award(user, award) for award in awards}
        context.update(
            {
                "grantee": grantee,
                "display_name": grantee_display_name(grantee=grantee, user=user),
                "show_personal": can_view_grantee_personal_data(user, grantee),
                "show_flag": can_view_cannot_return_flag(user, grantee),
                "stories": [
                    {
                        "award": award,
                        "payments": _payment_rows(award),
                        "risks": risks.get(award.pk) or [],
                        "transition_form": AwardTransitionForm(award=award, transitions=AWARD_TRANSITIONS)
                        if may_transition[award.pk]
                        else None,
                        "transition_url": reverse("grant_awards:transition", args=[award.pk]),
                    }
                    for award in awards
                ],
                "residence_documents": list(grantee.residence_documents.order_by("kind", "-expires_on")),
                "documents": list(grantee.documents.select_related("award", "file").order_by("-created_at")),
                "consents": list(
                    grantee.consents.select_related("recorded_by").order_by("purpose", "at", "pk")
                ),
                "today": timezone.localdate(),
                "history_url": reverse("grantees:history", args=[quote(grantee.pk)]),
                "may_lock": can_lock_grantee(user, grantee),
                "lock_form": GranteeLockForm(),
                "lock_url": reverse("grantees:lock", args=[grantee.pk]),
                "may_export": can_export_grantee_data(user, grantee),
                "export_url": reverse("grantees:export", args=[grantee.pk]),
                "may_erase": can_erase_grantee(user, grantee) and grantee.erased_at is None,
                "erase_url": reverse("grantees:erase", args=[grantee.pk]),
                "may_record_consent": rules_for("consent")["add"](user, grantee),
                "consent_form": ConsentForm(),
                "consent_url": reverse("grantees:consent", args=[grantee.pk]),
            }
        )
        return context


class GranteeActionMixin:
    """Finds the grantee among those the user may see (404 otherwise), refuses a user the action's
    rule does not allow (403), and sends them back to the grantee's page."""

    request: HttpRequest
    grantee: Grantee
    rule: Any = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.grantee = get_object_or_404(grantees_visible_to(user=request.user), pk=kwargs["pk"])
        if not self.rule(request.user, self.grantee):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def back(self) -> HttpResponseRedirect:
        return redirect("grantees:inspect", quote(self.grantee.pk))


class GranteeLockView(GranteeActionMixin, FormView):
    """The emergency lock, on (`locked=1`) or off. Locking hides the record from everyone but
    administrators at once, so a locked grantee's page stays open only to them."""

    rule = staticmethod(can_lock_grantee)
    form_class = GranteeLockForm
    http_method_names = ["post"]

    def form_valid(self, form: GranteeLockForm) -> HttpResponse:
        locked = self.request.POST.get("locked") == "1"
        try:
            grantee_lock(
                grantee=self.grantee,
                actor=self.request.user,
                locked=locked,
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            messages.error(self.request, error.message)
            return self.back()
        if locked:
            messages.success(
                self.request, _("%(code)s is under the emergency lock.") % {"code": self.grantee.code}
            )
        else:
            messages.success(
                self.request, _("The emergency lock of %(code)s is lifted.") % {"code": self.grantee.code}
            )
        return self.back()

    def form_invalid(self, form: GranteeLockForm) -> HttpResponse:
        messages.error(self.request, " ".join(str(error) for error in form.errors.get("reason", [])))
        return self.back()


class GranteeExportView(GranteeActionMixin, TemplateView):
    """Everything held about the grantee as a JSON file, for their access request (POST only, so a
    link or a prefetch never exports)."""

    rule = staticmethod(can_export_grantee_data)
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            data = grantee_export(grantee=self.grantee, actor=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
            return self.back()
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2, default=str), content_type="application/json"
        )
        response["Content-Disposition"] = f'attachment; filename="grantee-{self.grantee.code}.json"'
        return response


class GranteeEraseView(GranteeActionMixin, WagtailAdminTemplateMixin, TemplateView):
    """A confirmation page saying what erasure removes and what it keeps; POST erases."""

    rule = staticmethod(can_erase_grantee)
    template_name = "grants/admin/grantee_erase.html"
    header_icon = "bin"
    page_title = _("Erase a grantee's personal data")

    def get_page_subtitle(self) -> str:
        return self.grantee.code

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse("grantees:index"), "label": capfirst(Grantee._meta.verbose_name_plural)},
            {"url": reverse("grantees:inspect", args=[quote(self.grantee.pk)]), "label": self.grantee.code},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(grantee=self.grantee, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            grantee_erase(grantee=self.grantee, actor=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
            return self.back()
        messages.success(
            request,
            _("The personal data of %(code)s is erased; the awards and payments stay for the totals.")
            % {"code": self.grantee.code},
        )
        return self.back()


class ConsentRecordView(GranteeActionMixin, FormView):
    """Records a consent given or withdrawn for one purpose."""

    rule = staticmethod(lambda user, grantee: rules_for("consent")["add"](user, grantee))
    form_class = ConsentForm
    http_method_names = ["post"]

    def form_valid(self, form: ConsentForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            consent_record(
                grantee=self.grantee,
                purpose=data["purpose"],
                is_given=data["is_given"],
                note=data["note"],
                actor=self.request.user,
            )
        except ApplicationError as error:
            messages.error(self.request, error.message)
            return self.back()
        messages.success(self.request, _("Consent recorded."))
        return self.back()

    def form_invalid(self, form: ConsentForm) -> HttpResponse:
        messages.error(self.request, _("Choose the purpose and whether consent is given or withdrawn."))
        return self.back()


class AwardTransitionView(FormView):
    """Moves an award to another status with a reason (services.award_transition); a refusal is shown
    on the grantee's page and nothing changes."""

    form_class = AwardTransitionForm
    http_method_names = ["post"]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.award = get_object_or_404(awards_visible_to(user=request.user), pk=kwargs["pk"])
        if not can_transition_award(request.user, self.award):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "award": self.award, "transitions": AWARD_TRANSITIONS}

    def back(self) -> HttpResponseRedirect:
        return redirect("grantees:inspect", quote(self.award.grantee_id))

    def form_valid(self, form: AwardTransitionForm) -> HttpResponse:
        previous = self.award.get_status_display()
        try:
            award_transition(
                award=self.award,
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"],
                actor=self.request.user,
            )
        except ApplicationError as error:
            messages.error(self.request, error.message)
            return self.back()
        messages.success(
            self.request,
            _("The award moved from “%(from)s” to “%(to)s”.")
            % {"from": previous, "to": self.award.get_status_display()},
        )
        return self.back()

    def form_invalid(self, form: AwardTransitionForm) -> HttpResponse:
        for errors in form.errors.values():
            for error in errors:
                messages.error(self.request, error)
        return self.back()


# --- Payments: generating a month, and the bulk actions --------------------------------------------


class DisbursementGenerateView(WagtailAdminTemplateMixin, FormView):
    """Creates a month's due payments for every active award of one programme; running it again for
    the same month creates nothing new."""

    template_name = "grants/admin/disbursement_generate.html"
    form_class = DisbursementGenerateForm
    page_title = _("Generate a month's payments")
    header_icon = "plus"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_manage_disbursements(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse("grant_disbursements:index"),
                "label": capfirst(Disbursement._meta.verbose_name_plural),
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form: DisbursementGenerateForm) -> HttpResponse:
        programme, month = form.cleaned_data["programme"], form.cleaned_data["month"]
        try:
            created = disbursements_generate(programme=programme, month=month, actor=self.request.user)
        except ApplicationError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            ngettext(
                "%(count)s payment generated for %(programme)s, %(month)s.",
                "%(count)s payments generated for %(programme)s, %(month)s.",
                created,
            )
            % {"count": created, "programme": programme.name, "month": month.strftime("%Y-%m")},
        )
        return redirect("grant_disbursements:index")


class DisbursementBulkAction(BulkAction):
    """A bulk action on payments the user may manage: the chosen payments are read through the
    user's scope (none of them found answers 404), a refused service call changes nothing."""

    models = [Disbursement]
    template_name = "grants/admin/disbursement_bulk_confirm.html"
    success_message: Any = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_manage_disbursements(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_actionable_objects(self) -> tuple[list[Disbursement], dict[str, Any]]:
        # "all" would be every payment in reach whatever the listing's filters: only ticked rows count.
        ids = [value for value in self.request.GET.getlist("id") if value.isdigit()]
        found = list(
            disbursements_in_scope(user=self.request.user).filter(pk__in=ids).order_by("-month", "pk")
        )
        if not found:
            raise Http404
        objects, refused = [], []
        for disbursement in found:
            (objects if can_manage_disbursements(self.request.user, disbursement) else refused).append(
                disbursement
            )
        return objects, {"items_with_no_access": refused}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update({"display_name": self.display_name, "header_icon": "tasks"})
        return context

    # Each action's own service call on the actionable payments and the form's cleaned data; returns
    # how many payments it changed (MarkPaidBulkAction.apply and the others below).
    apply: Callable[..., int]

    def form_valid(self, form: Any) -> HttpResponse:
        objects, _refused = self.get_actionable_objects()
        try:
            with transaction.atomic():
                count = self.apply(objects, form.cleaned_data)
        except ApplicationError as error:
            messages.error(self.request, error.message)
            return redirect(self.next_url)
        messages.success(self.request, self.success_message % {"count": count})
        return redirect(self.next_url)


class MarkPaidBulkAction(DisbursementBulkAction):
    display_name = _("Mark paid")
    aria_label = _("Mark the selected payments paid")
    action_type = "mark_paid"
    action_priority = 10
    form_class = MarkPaidForm
    success_message = _("Payments marked paid: %(count)s.")

    def apply(self, objects: list[Disbursement], data: dict[str, Any]) -> int:
        return disbursements_mark_paid(
            disbursements=objects, paid_on=data["paid_on"], actor=self.request.user
        )


class HoldBulkAction(DisbursementBulkAction):
    display_name = _("Hold")
    aria_label = _("Hold the selected payments")
    action_type = "hold"
    action_priority = 20
    form_class = HoldForm
    success_message = _("Payments held: %(count)s.")

    def apply(self, objects: list[Disbursement], data: dict[str, Any]) -> int:
        for disbursement in objects:
            disbursement_hold(disbursement=disbursement, reason=data["reason"], actor=self.request.user)
        return len(objects)


class ReleaseBulkAction(DisbursementBulkAction):
    display_name = _("Release")
    aria_label = _("Release the selected held payments")
    action_type = "release"
    action_priority = 30
    success_message = _("Payments released: %(count)s.")

    def apply(self, objects: list[Disbursement], data: dict[str, Any]) -> int:
        for disbursement in objects:
            disbursement_release(disbursement=disbursement, actor=self.request.user)
        return len(objects)


BULK_ACTIONS = (MarkPaidBulkAction, HoldBulkAction, ReleaseBulkAction)


# --- Programme dashboards --------------------------------------------------------------------------

DASHBOARDS_TITLE = _("Grant programme dashboards")


def _percent(rate: Decimal | None) -> str:
    """A rate (0..1) as a whole-ish percentage, "—" when there is nothing to divide by."""
    if rate is None:
        return "—"
    return f"{number_format((rate * 100).quantize(Decimal('0.1')), 1)} %"


def paid_against_budget_chart(dashboard: ProgrammeDashboard) -> Chart:
    """Each month's payments against a twelfth of the year's budget, as pairs of vertical bars."""
    months = dashboard.months
    currency = dashboard.programme.currency
    width, height = 640.0, 280.0
    left, right, top, bottom = 84.0, 16.0, 44.0, 36.0
    plot_width, plot_height = width - left - right, height - top - bottom
    ceiling, step = nice_scale(
        max((value for m in months for value in (m.paid, m.budget)), default=Decimal("0"))
    )
    slot = plot_width / max(len(months), 1)
    bar = slot * 0.35

    def y_at(value: Decimal) -> float:
        return top + plot_height * (1 - float(value / ceiling))

    shapes: list[Any] = []
    tick = Decimal("0")
    while tick <= ceiling:
        y = y_at(tick)
        shapes.append(Line(left, y, width - right, y, GRID, 1.0))
        shapes.append(
            Label(left - 8, y + 4, number_format(tick, 0, force_grouping=True), anchor="end", size=10)
        )
        tick += step
    for index, month in enumerate(months):
        x = left + index * slot + slot * 0.15
        for offset, value, colour in ((0.0, month.budget, ALLOCATED), (bar, month.paid, SPEND)):
            y = y_at(value)
            shapes.append(Box(x + offset, y, bar, max(top + plot_height - y, 0.0), colour))
        shapes.append(
            Label(
                left + (index + 0.5) * slot,
                height - bottom + 18,
                f"{month.month:%m}",
                anchor="middle",
                size=10,
            )
        )
    legend_x = left
    for label, colour in ((str(_("Budget (a twelfth of the year)")), ALLOCATED), (str(_("Paid")), SPEND)):
        shapes.append(Box(legend_x, 10, 16, 12, colour))
        shapes.append(Label(legend_x + 22, 20, label))
        legend_x += 22 + 7 * len(label) + 24
    description = " ".join(
        str(
            _("%(month)s: paid %(paid)s of %(budget)s %(currency)s.")
            % {
                "month": f"{month.month:%Y-%m}",
                "paid": number_format(month.paid, 2, force_grouping=True),
                "budget": number_format(month.budget, 2, force_grouping=True),
                "currency": currency,
            }
        )
        for month in months
    )
    return Chart(
        title=str(
            _("Paid against budget by month, %(year)s (%(currency)s)")
            % {"year": dashboard.year, "currency": currency}
        ),
        description=description,
        width=width,
        height=height,
        shapes=tuple(shapes),
    )


class GrantDashboardsView(WagtailAdminTemplateMixin, TemplateView):
    """The grant programmes the user may see the figures of, each linking to its dashboard."""

    template_name = "grants/admin/dashboard_index.html"
    page_title = DASHBOARDS_TITLE
    header_icon = "view"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_view_programme_aggregates(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": DASHBOARDS_TITLE}]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            programmes=list(programmes_with_figures_for(user=self.request.user)), **kwargs
        )


class GrantDashboardView(WagtailAdminTemplateMixin, TemplateView):
    """One programme's figures: awards by cohort and status, retention and graduation, the awards at
    risk, paid against budget by month, alumni in leadership and the survey waves' response rates.
    A constant number of queries, whatever the programme's size."""

    template_name = "grants/admin/dashboard.html"
    header_icon = "view"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_view_programme_aggregates(request.user):
            raise PermissionDenied
        self.programme = get_object_or_404(programmes_with_figures_for(user=request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return str(_("Dashboard"))

    def get_page_subtitle(self) -> str:
        return self.programme.name

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse("grant_dashboards:index"), "label": DASHBOARDS_TITLE},
            {"url": "", "label": self.programme.name},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        try:
            dashboard = programme_dashboard(
                programme=self.programme, user=self.request.user, today=timezone.localdate()
            )
        except ApplicationError as error:
            raise PermissionDenied(error.message) from error
        statuses = list(Award.Status.choices)
        may_open = rules_for("grantee")["view"](self.request.user, self.programme)
        context.update(
            {
                "programme": self.programme,
                "dashboard": dashboard,
                "statuses": [label for _value, label in statuses],
                "totals": [_people_shown(dashboard.totals.get(value, 0)) for value, _label in statuses],
                "coarse": aggregates_only(self.request.user),
                "at_risk_shown": _people_shown(dashboard.at_risk_count),
                "leaders_shown": _people_shown(dashboard.alumni_in_leadership),
                "responded_shown": _people_shown(dashboard.alumni_responded),
                "cohort_rows": [
                    {
                        "cohort": cohort,
                        "total": _people_shown(cohort.total),
                        "counts": [_people_shown(cohort.counts.get(value, 0)) for value, _label in statuses],
                        "retention": _percent(cohort.retention_rate),
                        "graduation": _percent(cohort.graduation_rate),
                    }
                    for cohort in dashboard.cohorts
                ],
                "at_risk_all_url": (
                    f"{reverse('grantees:index')}?{urlencode({'programme': self.programme.pk, 'at_risk': 'yes'})}"
                    if may_open and (dashboard.at_risk_count or 0) > len(dashboard.at_risk)
                    else ""
                ),
                "at_risk_rows": [
                    {
                        "entry": entry,
                        "url": reverse("grant_awards:inspect", args=[entry.award_id]) if may_open else "",
                        "codes": ", ".join(str(RISK_LABELS.get(code, code)) for code in entry.codes),
                    }
                    for entry in dashboard.at_risk
                ],
                "month_rows": [
                    {
                        "month": month.month,
                        "paid": number_format(month.paid, 2, force_grouping=True),
                        "budget": number_format(month.budget, 2, force_grouping=True),
                        "paid_cumulative": number_format(month.paid_cumulative, 2, force_grouping=True),
                        "budget_cumulative": number_format(month.budget_cumulative, 2, force_grouping=True),
                    }
                    for month in dashboard.months
                ],
                "budget_total": number_format(dashboard.budget_total, 2, force_grouping=True),
                "paid_total": number_format(dashboard.paid_total, 2, force_grouping=True),
                "chart": chart_svg(paid_against_budget_chart(dashboard), element_id="paid-budget-chart"),
                "wave_rows": [
                    {
                        "wave": wave,
                        "due": _people_shown(wave.due),
                        "responded": _people_shown(wave.responded),
                        "rate": _percent(wave.response_rate),
                    }
                    for wave in dashboard.waves
                ],
            }
        )
        return context


def _people_shown(count: int | None) -> int | str:
    """A count of people as the dashboard prints it: None (a group a partner user may not count
    exactly) as "fewer than 10"."""
    return fewer_than() if count is None else count


RISK_LABELS = {
    LOW_GPA: _("GPA under the threshold"),
    LOW_ATTENDANCE: _("Attendance under the threshold"),
    MISSING_REPORT: _("Report missing"),
    PAYMENT_HELD: _("Payment held"),
    VISA_EXPIRING: _("Visa expiring"),
}
