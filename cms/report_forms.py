"""The filters of the "Most read" report (cms.views.ReadingReportView): a GET form that works without
JavaScript. A filter that does not hold is reported and left out; the others still apply."""

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, get_page_models

from cms.pages.counting import CountedPageMixin
from cms.selectors import ReadingFilters
from cms.snippets import Audience, Topic

DEFAULT_DAYS = 30
DATE_RANGE = "range"
MAX_RANGE_YEARS = 2


def counted_page_models() -> list[type[Page]]:
    """The kinds of page whose reads are counted: material of every kind, help, topic and home pages."""
    models = [
        model for model in get_page_models() if issubclass(model, CountedPageMixin) and model.is_creatable
    ]
    return sorted(models, key=lambda model: str(model._meta.verbose_name))


def page_type_label(app_label: str, model_name: str) -> str:
    """A page kind's name for a row of the report (a kind no longer in the code keeps its model name)."""
    for model in get_page_models():
        if (model._meta.app_label, model._meta.model_name) == (app_label, model_name):
            return capfirst(str(model._meta.verbose_name))
    return model_name


def language_name(code: str) -> str:
    """A reading language's name in the admin's language (its code when the site no longer offers it)."""
    return str(dict(settings.WAGTAIL_CONTENT_LANGUAGES).get(code, code))


def years_before(day: date, years: int) -> date:
    """The same day `years` earlier (28 February for a 29 February with no match)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _snippet_choices(model: type[Topic] | type[Audience]) -> list[tuple[str, str]]:
    """One choice per snippet and all its translations (by translation key), named in the admin's
    language where a version exists, else in the site's default language."""
    preferred = [get_language(), settings.LANGUAGE_CODE]
    names: dict[UUID, tuple[int, str]] = {}
    for snippet in model.objects.select_related("locale").order_by("pk"):
        code = snippet.locale.language_code
        rank = preferred.index(code) if code in preferred else len(preferred)
        if snippet.translation_key not in names or rank < names[snippet.translation_key][0]:
            names[snippet.translation_key] = (rank, snippet.name)
    return sorted(((str(key), name) for key, (_rank, name) in names.items()), key=lambda choice: choice[1])


class ReadingReportForm(forms.Form):
    """Period (a fixed window or a date range), reading language, kind of page, topic and audience."""

    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        widget=forms.RadioSelect,
        choices=[
            ("7", _("Last 7 days")),
            ("30", _("Last 30 days")),
            ("90", _("Last 90 days")),
            ("365", _("Last 365 days")),
            (DATE_RANGE, _("Between these dates")),
        ],
        error_messages={"invalid_choice": _("There is no such period; showing the last 30 days.")},
    )
    date_from = forms.DateField(
        label=pgettext_lazy("first day of a date range", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("With “Between these dates”: the first day counted."),
        error_messages={"invalid": _("Give the date as YYYY-MM-DD, e.g. 2026-03-01.")},
    )
    date_to = forms.DateField(
        label=pgettext_lazy("last day of a date range", "To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The last day counted, today at the latest."),
        error_messages={"invalid": _("Give the date as YYYY-MM-DD, e.g. 2026-03-31.")},
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        error_messages={"invalid_choice": _("There is no such language; showing every language.")},
    )
    page_type = forms.ChoiceField(
        label=_("Page type"),
        required=False,
        error_messages={"invalid_choice": _("There is no such page type; showing every type.")},
    )
    topic = forms.ChoiceField(
        label=_("Topic"),
        required=False,
        error_messages={"invalid_choice": _("There is no such topic; showing every topic.")},
    )
    audience = forms.ChoiceField(
        label=_("Audience"),
        required=False,
        error_messages={"invalid_choice": _("There is no such audience; showing material for everyone.")},
    )

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        if data is not None:
            data = data.copy()
            if not data.get("period"):
                given_dates = data.get("date_from") or data.get("date_to")
                data["period"] = DATE_RANGE if given_dates else str(DEFAULT_DAYS)
            if data["period"] != DATE_RANGE:
                # The period chosen decides: dates left over from an earlier range are not used.
                data.pop("date_from", None)
                data.pop("date_to", None)
        super().__init__(data, initial={"period": str(DEFAULT_DAYS)}, **kwargs)
        self.fields["language"].choices = [("", _("All languages")), *settings.WAGTAIL_CONTENT_LANGUAGES]
        self.page_models = {model._meta.label_lower: model for model in counted_page_models()}
        self.fields["page_type"].choices = [
            ("", _("All types")),
            *((label, capfirst(str(model._meta.verbose_name))) for label, model in self.page_models.items()),
        ]
        self.fields["topic"].choices = [("", _("All topics")), *_snippet_choices(Topic)]
        self.fields["audience"].choices = [("", _("All audiences")), *_snippet_choices(Audience)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("period") != DATE_RANGE or "date_from" in self.errors or "date_to" in self.errors:
            return cleaned
        problem = self._date_range_problem(cleaned.get("date_from"), cleaned.get("date_to"))
        if problem:
            self.add_error(None, problem)
            cleaned.pop("date_from", None)
            cleaned.pop("date_to", None)
        return cleaned

    def _date_range_problem(self, start: date | None, end: date | None) -> str | None:
        today = timezone.localdate()
        if start is None or end is None:
            return str(_("Give both the first and the last day of the range; showing the last 30 days."))
        if start > end:
            return str(_("The first day comes after the last day; showing the last 30 days."))
        if end > today:
            return str(_("The range cannot end in the future; showing the last 30 days."))
        if start < years_before(end, MAX_RANGE_YEARS):
            return str(_("A range can cover at most two years; showing the last 30 days."))
        return None

    def _cleaned(self) -> dict[str, Any]:
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data

    def _period(self) -> str:
        """DATE_RANGE when a valid range was given, else the number of days as text."""
        cleaned = self._cleaned()
        period = cleaned.get("period") or str(DEFAULT_DAYS)
        if period == DATE_RANGE:
            return DATE_RANGE if cleaned.get("date_from") and cleaned.get("date_to") else str(DEFAULT_DAYS)
        return period

    def filters(self) -> ReadingFilters:
        """The report's filters: what the form holds where it holds, the defaults elsewhere (the last
        30 days, every language, type, topic and audience)."""
        cleaned = self._cleaned()
        period = self._period()
        if period == DATE_RANGE:
            start, end = cleaned["date_from"], cleaned["date_to"]
        else:
            end = timezone.localdate()
            start = end - timedelta(days=int(period) - 1)
        return ReadingFilters(
            start=start,
            end=end,
            language=cleaned.get("language") or None,
            page_model=self.page_models.get(cleaned.get("page_type") or ""),
            topic_key=UUID(cleaned["topic"]) if cleaned.get("topic") else None,
            audience_key=UUID(cleaned["audience"]) if cleaned.get("audience") else None,
        )

    def query(self) -> dict[str, str]:
        """The filters in force as GET parameters, for the links (the CSV download) that must give
        what this report shows."""
        cleaned = self._cleaned()
        params = {"period": self._period()}
        if params["period"] == DATE_RANGE:
            params.update(date_from=cleaned["date_from"].isoformat(), date_to=cleaned["date_to"].isoformat())
        for name in ("language", "page_type", "topic", "audience"):
            if cleaned.get(name):
                params[name] = cleaned[name]
        return params
