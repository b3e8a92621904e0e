"""Forms of the partner campaigns back office: what each admin screen lets a campaign manager enter,
with choices narrowed to the programmes the user may see, and the checks that span a programme's
inline parts (funding shares, periods, targets) before anything is saved."""

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import InlinePanel
from wagtail.models import Page

from outreach.core.exceptions import ApplicationError
from outreach.core.roles import PARTNER

from .models import (
    Campaign,
    Indicator,
    JointProgramme,
    Partner,
    ReportingPeriod,
    ResultStatement,
)
from .selectors import (
    indicators_visible_to,
    partners_visible_to,
    periods_visible_to,
    programmes_visible_to,
)
from .services import ResultEntry, programme_partner_shares_check


def content_language_choices() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.WAGTAIL_CONTENT_LANGUAGES]


def _programmes(user: Any) -> QuerySet[JointProgramme]:
    # Choices need names only: drop the selector's prefetch of partner roles.
    return programmes_visible_to(user=user).prefetch_related(None)


class PeriodChoiceField(forms.ModelChoiceField):
    """A reporting period named with its programme: period names repeat from programme to programme."""

    def label_from_instance(self, obj: ReportingPeriod) -> str:
        return f"{obj.programme.code} · {obj.name}"


class IndicatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Indicator) -> str:
        return f"{obj.programme.code} · {obj.code} {obj.name} ({obj.get_unit_display()})"


class StatementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ResultStatement) -> str:
        return f"{obj.programme.code} · {obj}"


class CheckboxesField(forms.MultipleChoiceField):
    """Choices kept as a JSON list on the model, offered as checkboxes."""

    widget = forms.CheckboxSelectMultiple


class ChildFormInlinePanel(InlinePanel):
    """An InlinePanel whose child rows use a given form class (for choice labels and querysets)."""

    def __init__(self, relation_name: str, *args: Any, form_class: type | None = None, **kwargs: Any) -> None:
        super().__init__(relation_name, *args, **kwargs)
        self.form_class = form_class

    def clone_kwargs(self) -> dict[str, Any]:
        return {**super().clone_kwargs(), "form_class": self.form_class}

    def get_form_options(self) -> dict[str, Any]:
        options = super().get_form_options()
        if self.form_class is not None:
            options["formsets"][self.relation_name]["form"] = self.form_class
        return options


def _kept_forms(formset: Any) -> list[Any]:
    """The child forms that will be saved: not marked for deletion, and not left blank."""
    deleted = set(formset.deleted_forms)
    return [
        form
        for form in formset.forms
        if form not in deleted and (form.instance.pk or form.has_changed()) and form.cleaned_data
    ]


class ClusterCheckedForm(WagtailAdminModelForm):
    """A parent form whose checks across its inline children run once the parent and every child
    have validated, so they see the values about to be saved."""

    def is_valid(self) -> bool:
        if not super().is_valid():
            return False
        if not getattr(self, "_cluster_checked", False):
            self._cluster_checked = True
            self.clean_cluster()
        return not self.errors

    def clean_cluster(self) -> None:
        """Add errors for rules that span the parent and its children."""


class IndicatorTargetForm(WagtailAdminModelForm):
    period = PeriodChoiceField(
        queryset=ReportingPeriod.objects.select_related("programme"), label=capfirst(_("period"))
    )


class JointProgrammeForm(ClusterCheckedForm):
    """A programme with its partners' roles and funding shares and its reporting periods."""

    def clean_cluster(self) -> None:
        programme = self.instance
        roles = _kept_forms(self.formsets["partner_roles"])
        try:
            programme_partner_shares_check(
                programme=programme,
                shares=[form.cleaned_data.get("funding_share") or Decimal("0") for form in roles],
            )
        except ApplicationError as error:
            self.add_error(None, error.message)

        periods_formset = self.formsets["periods"]
        deleted = [form.instance for form in periods_formset.deleted_forms if form.instance.pk]
        if deleted:
            with_results = ReportingPeriod.objects.filter(
                pk__in=[period.pk for period in deleted], results__isnull=False
            ).distinct()
            for period in with_results:
                self.add_error(
                    None,
                    _("%(period)s has results and cannot be deleted; delete or move its results first.")
                    % {"period": period.name},
                )

        periods = [form.cleaned_data for form in _kept_forms(periods_formset)]
        for data in periods:
            if not (data.get("starts_on") and data.get("ends_on")):
                continue
            if data["starts_on"] < programme.starts_on or data["ends_on"] > programme.ends_on:
                self.add_error(
                    None,
                    _("%(period)s: the period must lie within the programme (%(start)s to %(end)s).")
                    % {
                        "period": data.get("name", ""),
                        "start": programme.starts_on.isoformat(),
                        "end": programme.ends_on.isoformat(),
                    },
                )
        dated = sorted(
            (data for data in periods if data.get("starts_on") and data.get("ends_on")),
            key=lambda data: data["starts_on"],
        )
        for earlier, later in zip(dated, dated[1:], strict=False):
            if later["starts_on"] <= earlier["ends_on"]:
                self.add_error(
                    None,
                    _("%(period)s overlaps %(other)s.")
                    % {"period": later.get("name", ""), "other": earlier.get("name", "")},
                )


class ResultStatementForm(WagtailAdminModelForm):
    programme = forms.ModelChoiceField(queryset=JointProgramme.objects.none(), label=capfirst(_("programme")))
    parent = StatementChoiceField(
        queryset=ResultStatement.objects.none(),
        required=False,
        label=capfirst(_("contributes to")),
        help_text=_("Outputs only: the outcome this output contributes to."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        programmes = _programmes(self.for_user)
        self.fields["programme"].queryset = programmes
        outcomes = ResultStatement.objects.filter(
            programme__in=programmes, level=ResultStatement.Level.OUTCOME
        ).select_related("programme")
        if self.instance.pk:
            outcomes = outcomes.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = outcomes


class IndicatorForm(ClusterCheckedForm):
    programme = forms.ModelChoiceField(queryset=JointProgramme.objects.none(), label=capfirst(_("programme")))
    statement = StatementChoiceField(
        queryset=ResultStatement.objects.none(), label=capfirst(_("outcome or output"))
    )
    disaggregation = CheckboxesField(
        choices=Indicator.Dimension.choices,
        required=False,
        label=capfirst(_("disaggregated by")),
        help_text=_("The dimensions results are broken down by."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        programmes = _programmes(self.for_user)
        self.fields["programme"].queryset = programmes
        self.fields["statement"].queryset = ResultStatement.objects.filter(
            programme__in=programmes
        ).select_related("programme")

    def clean_cluster(self) -> None:
        programme_id = self.instance.programme_id
        for form in _kept_forms(self.formsets["targets"]):
            period = form.cleaned_data.get("period")
            if period is not None and period.programme_id != programme_id:
                self.add_error(
                    None,
                    _(
                        "The target for %(period)s is for another programme's period; choose one of %(programme)s."
                    )
                    % {"period": period.name, "programme": self.instance.programme},
                )


class PartnerMembershipForm(WagtailAdminModelForm):
    """Links a member of the Partner group to the organisation they act for."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        users = get_user_model().objects.filter(is_active=True, is_superuser=False, groups__name=PARTNER)
        unlinked = users.filter(partner_membership__isnull=True)
        if self.instance.pk:
            unlinked = unlinked | users.filter(pk=self.instance.user_id)
        self.fields["user"].queryset = unlinked.distinct().order_by("username")
        self.fields["user"].help_text = _(
            "Members of the Partner group who do not act for an organisation yet. "
            "Administrators add people to the group."
        )
        self.fields["partner"].queryset = partners_visible_to(user=self.for_user)


class PeriodNarrativeForm(WagtailAdminModelForm):
    period = PeriodChoiceField(queryset=ReportingPeriod.objects.none(), label=capfirst(_("period")))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = periods_visible_to(user=self.for_user)


class ServiceValidatedForm(WagtailAdminModelForm):
    """A form whose values a service validates and saves: the model is not built or checked here, so
    the service's rules and messages are the ones the user meets."""

    def _post_clean(self) -> None:
        """Skip ModelForm's building and full_clean of the instance: the service does both."""

    def add_application_error(self, error: ApplicationError) -> None:
        """Show a service's refusal on the field it names, or above the form."""
        field_errors = error.extra.get("errors") or {}
        placed = False
        for field, messages in field_errors.items():
            if field in self.fields:
                for message in messages:
                    self.add_error(field, message)
                placed = True
        if placed:
            return
        field = error.extra.get("field")
        self.add_error(field if field in self.fields else None, error.message)


class ResultCreateForm(ServiceValidatedForm):
    indicator = IndicatorChoiceField(
        queryset=Indicator.objects.none(),
        label=capfirst(_("indicator")),
        help_text=_("Indicators whose figures the platform counts are not listed: they fill themselves."),
    )
    period = PeriodChoiceField(queryset=ReportingPeriod.objects.none(), label=capfirst(_("period")))
    value = forms.CharField(label=capfirst(_("value")), max_length=30)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = (
            indicators_visible_to(user=self.for_user)
            .prefetch_related(None)
            .filter(source=Indicator.Source.MANUAL)
        )
        self.fields["period"].queryset = periods_visible_to(user=self.for_user)


class ResultEditForm(ServiceValidatedForm):
    value = forms.CharField(label=capfirst(_("value")), max_length=30)


class CampaignForm(WagtailAdminModelForm):
    programme = forms.ModelChoiceField(queryset=JointProgramme.objects.none(), label=capfirst(_("programme")))
    audiences = CheckboxesField(choices=Campaign.Audience.choices, label=capfirst(_("target audiences")))
    languages = CheckboxesField(choices=content_language_choices, label=capfirst(_("languages")))
    channels = CheckboxesField(choices=Campaign.Channel.choices, label=capfirst(_("channels")))
    materials = forms.ModelMultipleChoiceField(
        queryset=Page.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=capfirst(_("materials")),
        help_text=_("Pages of the site this campaign sends people to."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = _programmes(self.for_user)
        # Materials are the pages below a language's home page, in every language.
        self.fields["materials"].queryset = (
            Page.objects.filter(depth__gt=2)
            .select_related("locale")
            .order_by("locale__language_code", "title")
        )
        self.fields["materials"].label_from_instance = lambda page: (
            f"{page.title} ({page.locale.language_code})"
        )

    def _update_errors(self, errors: Any) -> None:
        # Campaign.clean() checks the lists again and would add "Choose at least one." to a list the
        # form has already refused: such a field keeps the form's message alone.
        if hasattr(errors, "error_dict"):
            for field in [field for field in errors.error_dict if field in self._errors]:
                del errors.error_dict[field]
            if not errors.error_dict:
                return
        super()._update_errors(errors)


class CalendarFilterForm(forms.Form):
    """The filters of the campaign calendar; every field may be left empty."""

    month = forms.RegexField(
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        required=False,
        label=capfirst(_("month")),
        error_messages={"invalid": _("Give the month as YYYY-MM, e.g. 2026-03.")},
    )
    programme = forms.ModelChoiceField(
        queryset=JointProgramme.objects.none(), required=False, label=capfirst(_("programme"))
    )
    partner = forms.ModelChoiceField(
        queryset=Partner.objects.none(), required=False, label=capfirst(_("partner"))
    )
    language = forms.ChoiceField(required=False, label=capfirst(_("language")))
    status = forms.ChoiceField(required=False, label=capfirst(_("status")))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = _programmes(user)
        self.fields["partner"].queryset = partners_visible_to(user=user)
        self.fields["programme"].empty_label = self.fields["partner"].empty_label = _("All")
        self.fields["language"].choices = [("", _("All")), *content_language_choices()]
        self.fields["status"].choices = [("", _("All")), *Campaign.Status.choices]


class PeriodChoiceForm(forms.Form):
    """Which programme and period results are entered for: periods grouped under their programme."""

    period = forms.TypedChoiceField(coerce=int, label=capfirst(_("programme and period")))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.periods = periods_visible_to(user=user).order_by("programme__name", "starts_on")
        groups: dict[str, list[tuple[int, str]]] = {}
        for period in self.periods:
            programme = f"{period.programme.name} ({period.programme.code})"
            groups.setdefault(programme, []).append((period.pk, period.name))
        self.fields["period"].choices = [("", _("Choose a period")), *groups.items()]

    def chosen_period(self) -> ReportingPeriod:
        return next(period for period in self.periods if period.pk == self.cleaned_data["period"])


class PeriodResultsForm(forms.Form):
    """A value and an evidence note per hand-entered indicator of the period."""

    def __init__(self, *args: Any, indicators: list[Indicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for indicator in indicators:
            self.fields[f"value_{indicator.pk}"] = forms.CharField(
                required=False,
                max_length=30,
                label=_("Value of %(code)s") % {"code": indicator.code},
            )
            self.fields[f"note_{indicator.pk}"] = forms.CharField(
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                label=_("Evidence note for %(code)s") % {"code": indicator.code},
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.entries():
            raise forms.ValidationError(_("Enter at least one value."))
        return cleaned

    def entries(self) -> list[ResultEntry]:
        """The lines that carry a value; a line left empty is not entered."""
        entries = []
        for indicator in self.indicators:
            value = (self.cleaned_data.get(f"value_{indicator.pk}") or "").strip()
            if value:
                note = self.cleaned_data.get(f"note_{indicator.pk}") or ""
                entries.append(ResultEntry(indicator=indicator, value=value, evidence_note=note.strip()))
        return entries

    def line_errors(self, error: ApplicationError) -> tuple[dict[int, str], list[str]]:
        """The service's refusal split by indicator (its lines read "<code>: <message>"), and the rest."""
        by_indicator: dict[int, str] = {}
        other: list[str] = []
        for line in error.extra.get("lines") or [error.message]:
            indicator = next((i for i in self.indicators if line.startswith(f"{i.code}: ")), None)
            if indicator is None:
                other.append(line)
            else:
                by_indicator[indicator.pk] = line[len(indicator.code) + 2 :]
        return by_indicator, other
