"""The alumni survey page the follow-up mail links to (survey.py): public and sessionless.

GET shows the questions, POST stores the answers once. The page names nobody and nothing about the
programme, so a forwarded or leaked link tells its reader nothing; every answer is private and carries
no referrer, since the address holds the token."""

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from outreach.core.exceptions import ApplicationError
from outreach.core.throttle import rate_limited

from .models import OutcomeRecord
from .survey import ALREADY_ANSWERED, COUNTRY_NEEDED, outcome_from_token, outcome_survey_answer

YES, NO = "yes", "no"


class SurveyForm(forms.Form):
    residence = forms.ChoiceField(
        label=_("Where do you live now?"), choices=OutcomeRecord.Residence.choices, widget=forms.RadioSelect
    )
    country = forms.CharField(
        label=_("In which country?"),
        max_length=OutcomeRecord._meta.get_field("country").max_length,
        required=False,
        help_text=_("Needed if you live in a third country."),
    )
    employer_sector = forms.ChoiceField(
        label=_("Where do you work?"), choices=OutcomeRecord.Sector.choices, widget=forms.RadioSelect
    )
    position = forms.CharField(
        label=_("Your position or role (optional)"),
        max_length=OutcomeRecord._meta.get_field("position").max_length,
        required=False,
    )
    is_leadership = forms.TypedChoiceField(
        label=_("In this role, do you lead other people, a team or an organisation?"),
        choices=[(YES, _("Yes")), (NO, _("No"))],
        coerce=lambda value: value == YES,
        widget=forms.RadioSelect,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("residence") == OutcomeRecord.Residence.THIRD_COUNTRY and not cleaned.get("country"):
            self.add_error("country", COUNTRY_NEEDED)
        return cleaned


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    response = TemplateResponse(request, f"grants/survey/{template}", context, status=status)
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# Anonymous and sessionless: no identity a forged request could borrow; the signed link is the key.
# Answers are limited per client (RATE_LIMITS["alumni-survey"]) before the link is even read; the
# refusal is in the survey's own plain look, which names neither the site nor the programme.
@csrf_exempt
@require_http_methods(["GET", "POST"])
@rate_limited("alumni-survey", template="grants/survey/too_many_requests.html")
def alumni_survey(request: HttpRequest, token: str) -> HttpResponse:
    """The survey of the outcome record the signed link names: the form, or the answers stored."""
    try:
        outcome = outcome_from_token(token=token)
    except ApplicationError as error:
        return _render(request, "problem.html", {"message": error.message}, status=400)
    if outcome.responded_on is not None:
        status = 409 if request.method == "POST" else 200
        return _render(request, "problem.html", {"message": ALREADY_ANSWERED}, status=status)
    form = SurveyForm(request.POST or None)
    if request.method != "POST":
        return _render(request, "form.html", {"form": form})
    if not form.is_valid():
        return _render(request, "form.html", {"form": form}, status=400)
    try:
        outcome_survey_answer(token=token, **form.cleaned_data)
    except ApplicationError as error:
        if error.extra.get("reason") == "answered":
            return _render(request, "problem.html", {"message": error.message}, status=409)
        form.add_error(None, error.message)
        return _render(request, "form.html", {"form": form}, status=400)
    return _render(request, "thanks.html", {})
