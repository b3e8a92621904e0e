"""Admin views of audiences and suppressed addresses, and the object views every outreach screen
shares: views that ask the app's rules about the object itself (a used audience is not deleted, a
scheduled broadcast is not edited), not only about the model.

An audience screen shows how many subscribers its rule matches now, never who: a count below
settings.OUTREACH_MIN_GROUP_SIZE is shown as "fewer than N", so a narrow rule cannot single anyone
out. Only the export, for holders of its permission, gives the addresses, and it is recorded."""

from typing import Any

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView, InspectView

from outreach.core.exceptions import ApplicationError

from .models import Audience, Subscriber, Suppression
from .permissions import can_export_audience, can_view_audience, can_view_subscriber_personal_data
from .regions import REGION_CHOICES
from .selectors import audience_members

# --- Counts that never single anyone out --------------------------------------------------------


def count_display(count: int) -> str:
    """`count` for a screen: the number, or "fewer than N" below settings.OUTREACH_MIN_GROUP_SIZE."""
    minimum = settings.OUTREACH_MIN_GROUP_SIZE
    if count < minimum:
        return _("fewer than %(minimum)s") % {"minimum": number_format(minimum)}
    return number_format(count, force_grouping=True)


def count_payload(count: int) -> dict[str, Any]:
    """A count for a JSON answer: the exact number only when it is not below the minimum."""
    shown = count >= settings.OUTREACH_MIN_GROUP_SIZE
    return {"count": count if shown else None, "display": count_display(count)}


# --- Views that ask the rules about the object --------------------------------------------------


class RuleCheckedObjectMixin:
    """An object view (edit, delete) that also asks the rule about the object it loaded; Wagtail's
    generic views ask only about the model."""

    object_action = "change"

    def get_object(self, queryset: Any = None) -> Any:
        if getattr(self, "object", None):
            return self.object
        # DeleteView loads the object in setup(), before dispatch() asks about the model.
        if not self.user_has_permission(self.object_action):
            raise PermissionDenied
        instance = super().get_object(queryset)
        if not self.user_has_permission_for_instance(self.object_action, instance):
            raise PermissionDenied
        return instance


class RuleCheckedEditView(RuleCheckedObjectMixin, EditView):
    object_action = "change"


class RuleCheckedDeleteView(RuleCheckedObjectMixin, DeleteView):
    object_action = "delete"

    def get_usage_url(self) -> None:
        # Outreach rows are kept out of the reference index: no "used in" link.
        return None


class RuleCheckedIndexView(IndexView):
    """A listing whose edit and delete links appear per row only where the rule allows them. A delete
    rule that asks the database (is the row used?) is asked by the delete view, not once per row."""

    delete_rule_per_row = False

    def get_edit_url(self, instance: Any) -> str | None:
        if self.edit_url_name and self.user_has_permission_for_instance("change", instance):
            return reverse(self.edit_url_name, args=(quote(instance.pk),))
        return None

    def get_delete_url(self, instance: Any) -> str | None:
        if not self.delete_url_name:
            return None
        if (
            self.user_has_permission_for_instance("delete", instance)
            if self.delete_rule_per_row
            else (self.user_has_permission("delete"))
        ):
            return reverse(self.delete_url_name, args=(quote(instance.pk),))
        return None


class RuleCheckedInspectView(InspectView):
    any_permission_required = ["view"]

    def get_object(self, queryset: Any = None) -> Any:
        # setup() loads the object before dispatch() asks about the model: ask first, so a refusal
        # does not say whether the object exists.
        if not self.user_has_permission("view"):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(), pk=unquote(str(self.pk)))

    def get_queryset(self) -> QuerySet:
        return self.model._default_manager.all()

    def get_edit_url(self) -> str | None:
        if self.edit_url_name and self.user_has_permission_for_instance("change", self.object):
            return reverse(self.edit_url_name, args=(quote(self.object.pk),))
        return None

    def get_delete_url(self) -> str | None:
        if self.delete_url_name and self.user_has_permission_for_instance("delete", self.object):
            return reverse(self.delete_url_name, args=(quote(self.object.pk),))
        return None


# --- Audience forms -------------------------------------------------------------------------------


def topic_choices() -> list[tuple[str, str]]:
    """Every topic (by translation key) named in the admin user's language, else in the site's
    default language, else in any language it has."""
    topic_model = apps.get_model(settings.OUTREACH_TOPIC_MODEL)
    preferred = [get_language() or "", settings.LANGUAGE_CODE]
    names: dict[str, tuple[int, str]] = {}
    rows = topic_model.objects.values_list("translation_key", "name", "locale__language_code")
    for key, name, language in rows:
        rank = preferred.index(language) if language in preferred else len(preferred)
        if str(key) not in names or rank < names[str(key)][0]:
            names[str(key)] = (rank, name)
    return sorted(((key, name) for key, (_rank, name) in names.items()), key=lambda item: item[1].lower())


def language_choices() -> list[tuple[str, Any]]:
    return list(settings.LANGUAGES)


class CheckboxesField(forms.MultipleChoiceField):
    """Choices kept as a JSON list on the model, offered as checkboxes; none chosen means any."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class AudienceRuleFields(forms.Form):
    """The rule of an audience, alone: what the live count reads from the form being edited."""

    languages = CheckboxesField(label=gettext_lazy("Languages"), choices=language_choices)
    topics = CheckboxesField(label=gettext_lazy("Topics"), choices=topic_choices)
    regions = CheckboxesField(label=gettext_lazy("Regions"), choices=REGION_CHOICES)
    frequencies = CheckboxesField(label=gettext_lazy("Frequencies"), choices=Subscriber.Frequency.choices)
    subscribed_from = forms.DateField(label=gettext_lazy("Subscribed on or after"), required=False)
    subscribed_until = forms.DateField(label=gettext_lazy("Subscribed on or before"), required=False)

    RULE_FIELDS = ("languages", "topics", "regions", "frequencies", "subscribed_from", "subscribed_until")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        first, last = cleaned.get("subscribed_from"), cleaned.get("subscribed_until")
        if first and last and last < first:
            self.add_error("subscribed_until", _("The last day of subscription cannot be before the first."))
        return cleaned

    def audience(self) -> Audience:
        """An unsaved audience with the rule of the valid form."""
        return Audience(**{name: self.cleaned_data[name] for name in self.RULE_FIELDS})


class AudienceForm(WagtailAdminModelForm):
    languages = CheckboxesField(label=gettext_lazy("Languages"), choices=language_choices)
    topics = CheckboxesField(label=gettext_lazy("Topics"), choices=topic_choices)
    regions = CheckboxesField(label=gettext_lazy("Regions"), choices=REGION_CHOICES)
    frequencies = CheckboxesField(label=gettext_lazy("Frequencies"), choices=Subscriber.Frequency.choices)

    class Meta:
        model = Audience
        fields = [
            "name",
            "description",
            "languages",
            "topics",
            "regions",
            "frequencies",
            "subscribed_from",
            "subscribed_until",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A topic deleted from the CMS since the audience was saved stays visible, so that saving
        # the audience again neither fails nor drops it without anyone seeing.
        known = dict(self.fields["topics"].choices)
        missing = [key for key in (self.instance.topics or []) if key not in known]
        if missing:
            self.fields["topics"].choices = [
                *known.items(),
                *((key, _("A deleted topic")) for key in missing),
            ]


# --- Audience views -------------------------------------------------------------------------------


class AudienceCountMixin:
    """Puts the live count of the audience and the address of the count endpoint in the context."""

    def audience_count_context(self, audience: Audience | None) -> dict[str, Any]:
        context: dict[str, Any] = {
            "count_url": reverse("outreach_audiences:count"),
            "min_group_size": settings.OUTREACH_MIN_GROUP_SIZE,
            "count_error": _("The count could not be made; check the rule."),
        }
        if audience is not None:
            context["member_count"] = count_display(audience_members(audience=audience).count())
        return context


class AudienceCreateView(AudienceCountMixin, CreateView):
    template_name = "audiences/audience_form.html"

    def save_instance(self) -> Audience:
        self.form.instance.created_by = self.request.user
        return super().save_instance()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), **self.audience_count_context(None)}


class AudienceEditView(AudienceCountMixin, RuleCheckedEditView):
    template_name = "audiences/audience_form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), **self.audience_count_context(self.object)}


class AudienceInspectView(AudienceCountMixin, RuleCheckedInspectView):
    template_name = "audiences/audience_inspect.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = {**super().get_context_data(**kwargs), **self.audience_count_context(self.object)}
        if can_export_audience(self.request.user, self.object):
            context["export_url"] = reverse("outreach_audiences:export", args=[self.object.pk])
        return context

    def get_languages_display_value(self) -> str:
        names = dict(settings.LANGUAGES)
        return ", ".join(str(names.get(code, code)) for code in self.object.languages) or _("Any")

    def get_regions_display_value(self) -> str:
        names = dict(REGION_CHOICES)
        return ", ".join(str(names.get(code, code)) for code in self.object.regions) or _("Any")

    def get_frequencies_display_value(self) -> str:
        names = dict(Subscriber.Frequency.choices)
        return ", ".join(str(names.get(code, code)) for code in self.object.frequencies) or _("Any")

    def get_topics_display_value(self) -> str:
        names = dict(topic_choices())
        return ", ".join(names.get(key, _("A deleted topic")) for key in self.object.topics) or _("Any")


class AudienceCountView(View):
    """GET: how many subscribers the rule in the query string matches now, as JSON; what the
    audience form asks each time it changes."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest) -> HttpResponse:
        if not can_view_audience(request.user):
            return JsonResponse({"error": _("You may not see audiences.")}, status=403)
        form = AudienceRuleFields(request.GET)
        if not form.is_valid():
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        return JsonResponse(count_payload(audience_members(audience=form.audience()).count()))


class AudienceExportView(View):
    """POST: the addresses of the audience's members as a CSV download, recorded in the audit log."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not can_export_audience(request.user):
            return HttpResponse(_("You may not export audiences."), status=403, content_type="text/plain")
        audience = get_object_or_404(Audience, pk=pk)
        from .exports import audience_export_csv

        try:
            text = audience_export_csv(audience=audience, actor=request.user)
        except ApplicationError as error:
            return HttpResponse(str(error.message), status=403, content_type="text/plain")
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
        # The file name says which audience, never who is in it.
        response["Content-Disposition"] = f'attachment; filename="audience-{audience.pk}.csv"'
        return response


# --- Suppressed addresses -------------------------------------------------------------------------


class SuppressionIndexView(IndexView):
    any_permission_required = ["view"]

    @cached_property
    def may_see_addresses(self) -> bool:
        return can_view_subscriber_personal_data(self.request.user)

    def get_base_queryset(self) -> QuerySet[Suppression]:
        queryset = Suppression.objects.order_by("-at", "-pk")
        return queryset if self.may_see_addresses else queryset.defer("email")

    @cached_property
    def columns(self) -> list[Any]:
        fields = list(self.list_display)
        if self.may_see_addresses:
            fields.insert(1, "email")
        return [
            self._get_title_column(field) if index == 0 else self._get_custom_column(field)
            for index, field in enumerate(fields)
        ]
