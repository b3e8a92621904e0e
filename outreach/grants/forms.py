"""Forms of the grant programmes back office: model forms whose choices are narrowed to what the user
may see, and the small forms of the actions (moving an award, the emergency lock, generating a
month's payments, marking them paid or holding them)."""

import datetime
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput

from outreach.core.roles import PROGRAM_OFFICER

from .models import Award, BudgetLine, Cohort, Consent, Funder, Grantee, Programme, ProgrammeOfficer
from .permissions import can_manage_disbursements, can_view_cannot_return_flag
from .selectors import awards_visible_to, cohorts_visible_to, grantees_visible_to, programmes_visible_to

# The selector that narrows a choice of each grants model to the rows the user may see.
CHOICE_SCOPES: dict[type, Any] = {
    Programme: programmes_visible_to,
    Cohort: cohorts_visible_to,
    Grantee: grantees_visible_to,
    Award: awards_visible_to,
}


class ScopedChoicesForm(WagtailAdminModelForm):
    """A model form whose programme, cohort, grantee and award choices are only those the user may
    see: an officer cannot file a row under a programme they are not assigned to."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and queryset.model in CHOICE_SCOPES:
                field.queryset = CHOICE_SCOPES[queryset.model](user=self.for_user)


class GranteeForm(ScopedChoicesForm):
    """A grantee's record. Names, papers and contacts are left out by their panels' permission; the
    "cannot return safely" flag is left out (and so kept as it was) for anyone who may not see it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance if self.instance.pk else None
        if not can_view_cannot_return_flag(self.for_user, instance):
            self.fields.pop("cannot_return_safely", None)


class AwardForm(ScopedChoicesForm):
    """An award's terms; its status moves only through the transition form."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        grantee, cohort = cleaned.get("grantee"), cleaned.get("cohort")
        if grantee and cohort and grantee.programme_id != cohort.programme_id:
            self.add_error("cohort", _("Choose a cohort of the grantee's programme."))
        return cleaned


class ProgrammeForm(ScopedChoicesForm):
    """A programme; its funders, budget lines and officers are edited in the formsets below it."""


class ProgrammePartsFormSet(BaseInlineFormSet):
    """A programme's funders, budget lines or officers, edited on the programme's own form."""

    def __init__(self, *args: Any, for_user: Any = None, **kwargs: Any) -> None:
        self.for_user = for_user
        super().__init__(*args, **kwargs)


class FunderFormSet(ProgrammePartsFormSet):
    def clean(self) -> None:
        super().clean()
        total = sum(
            (form.cleaned_data.get("share_percent") or 0)
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        )
        if total > 100:
            raise ValidationError(
                _("The funders' shares add up to %(total)s%%: at most 100%% is possible.") % {"total": total}
            )


FUNDER_FORMSET = inlineformset_factory(
    Programme,
    Funder,
    formset=FunderFormSet,
    fields=["name", "share_percent", "reporting_currency", "partner"],
    extra=1,
    can_delete=True,
)
BUDGET_LINE_FORMSET = inlineformset_factory(
    Programme,
    BudgetLine,
    formset=ProgrammePartsFormSet,
    fields=["year", "category", "amount"],
    extra=1,
    can_delete=True,
)


class OfficerForm(forms.ModelForm):
    """An officer's assignment: only members of the Program officer group may be assigned."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(Q(groups__name=PROGRAM_OFFICER, is_active=True) | Q(pk=self.instance.user_id))
            .distinct()
            .order_by("username")
        )


OFFICER_FORMSET = inlineformset_factory(
    Programme,
    ProgrammeOfficer,
    form=OfficerForm,
    formset=ProgrammePartsFormSet,
    fields=["user", "is_senior"],
    extra=1,
    can_delete=True,
)


class AwardTransitionForm(forms.Form):
    """Where an award may move from its current status, and why: the reason goes into its history."""

    to_status = forms.ChoiceField(
        label=_("New status"),
        error_messages={
            "required": _("Choose the award's new status."),
            "invalid_choice": _("The award cannot move to that status from where it is."),
        },
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the award's status changes.")},
    )

    def __init__(self, *args: Any, award: Award, transitions: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Award.Status.choices)
        self.fields["to_status"].choices = [
            (status, labels[status])
            for status, sources in transitions.items()
            if award.status in sources and status in labels
        ]

    @property
    def has_choices(self) -> bool:
        return bool(self.fields["to_status"].choices)


class GranteeLockForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=300,
        help_text=_(
            "Needed to lock. Kept encrypted on the record and shown only to administrators; the "
            "audit log records only who locked it and when."
        ),
    )


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=[])
    is_given = forms.TypedChoiceField(
        label=_("Consent"),
        choices=[("1", _("Given")), ("0", _("Withdrawn"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("How it was given"), required=False, max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = Consent.Purpose.choices


class MonthField(forms.DateField):
    """A month, typed as YYYY-MM, cleaned to its first day."""

    input_formats = ["%Y-%m"]
    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")

    def to_python(self, value: Any) -> datetime.date | None:
        day = super().to_python(value)
        return day.replace(day=1) if day else None


class DisbursementGenerateForm(forms.Form):
    """Which programme's payments to generate, for which month."""

    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        error_messages={
            "required": _("Choose a programme."),
            "invalid_choice": _("Choose one of the programmes whose payments you manage."),
        },
    )
    month = MonthField(
        label=_("Month"),
        help_text=_("As YYYY-MM, e.g. 2026-03."),
        error_messages={"required": _("Choose a month."), "invalid": _("Enter the month as YYYY-MM.")},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        programmes = programmes_visible_to(user=user)
        self.fields["programme"].queryset = programmes.filter(
            pk__in=[programme.pk for programme in programmes if can_manage_disbursements(user, programme)]
        )
        self.fields["month"].initial = timezone.localdate().replace(day=1)


class MarkPaidForm(forms.Form):
    paid_on = forms.DateField(
        label=_("Paid on"),
        widget=AdminDateInput,
        error_messages={"required": _("Say on which day the payments were made.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = timezone.localdate()


class HoldForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the payments are held"),
        max_length=300,
        error_messages={"required": _("Say why the payments are held.")},
    )
