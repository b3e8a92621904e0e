"""Admin views that read objects only through a selector narrowed to what the user may see, and
ask the app's rules for each object: shared by the apps whose rows belong to a scope (a partner's
programmes, an officer's grant programmes)."""

from collections import Counter
from typing import Any

from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db.models import ProtectedError, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin import messages
from wagtail.admin.views.generic import DeleteView, EditView, IndexView, InspectView
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.model import ModelViewSet

# --- Views over a scoped queryset ------------------------------------------------------------


class ScopedObjectMixin:
    """Reads objects only through `scope(user=...)`, a selector narrowed to what the user may see.

    A user whose role lacks the action is refused before any object is looked up, so a refusal does
    not tell them whether an object exists."""

    scope: Any = None

    def scoped_queryset(self) -> QuerySet:
        return self.scope(user=self.request.user)

    def refuse_without_model_permission(self) -> None:
        if self.permission_required is not None and not self.user_has_permission(self.permission_required):
            raise PermissionDenied
        if self.any_permission_required is not None and not self.user_has_any_permission(
            self.any_permission_required
        ):
            raise PermissionDenied

    def refuse_without_instance_permission(self, action: str, instance: Any) -> None:
        if not self.user_has_permission_for_instance(action, instance):
            raise PermissionDenied


class ScopedIndexView(ScopedObjectMixin, IndexView):
    def get_base_queryset(self) -> QuerySet:
        return self.scoped_queryset()

    # Per row, so that an edit or delete link appears only where the rule allows it (e.g. never on a
    # result the platform counts). The write rules ask no database question per row.
    def get_edit_url(self, instance: Any) -> str | None:
        if self.edit_url_name and self.user_has_permission_for_instance("change", instance):
            return reverse(self.edit_url_name, args=(quote(instance.pk),))
        return None

    def get_delete_url(self, instance: Any) -> str | None:
        if self.delete_url_name and self.user_has_permission_for_instance("delete", instance):
            return reverse(self.delete_url_name, args=(quote(instance.pk),))
        return None


class ScopedInspectView(ScopedObjectMixin, InspectView):
    any_permission_required = ["view"]
    # Labels of what the inspect page shows beyond the model's own fields.
    extra_field_labels: dict[str, Any] = {}

    def get_object(self, queryset: Any = None) -> Any:
        self.refuse_without_model_permission()
        instance = get_object_or_404(self.scoped_queryset(), pk=unquote(str(self.pk)))
        self.refuse_without_instance_permission("view", instance)
        return instance

    def get_field_label(self, field_name: str, field: Any) -> str:
        if field_name in self.extra_field_labels:
            return capfirst(self.extra_field_labels[field_name])
        return super().get_field_label(field_name, field)

    def get_field_display_value(self, field_name: str, field: Any) -> Any:
        value = super().get_field_display_value(field_name, field)
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        return value

    def get_edit_url(self) -> str | None:
        if self.edit_url_name and self.user_has_permission_for_instance("change", self.object):
            return reverse(self.edit_url_name, args=(quote(self.object.pk),))
        return None

    def get_delete_url(self) -> str | None:
        if self.delete_url_name and self.user_has_permission_for_instance("delete", self.object):
            return reverse(self.delete_url_name, args=(quote(self.object.pk),))
        return None


class ScopedEditView(ScopedObjectMixin, EditView):
    def get_queryset(self) -> QuerySet:
        return self.scoped_queryset()

    def get_object(self, queryset: Any = None) -> Any:
        instance = super().get_object(queryset)
        self.refuse_without_instance_permission("change", instance)
        return instance


class ScopedDeleteView(ScopedObjectMixin, DeleteView):
    def get_queryset(self) -> QuerySet:
        return self.scoped_queryset()

    def get_object(self, queryset: Any = None) -> Any:
        if getattr(self, "object", None):
            return self.object
        # setup() loads the object before dispatch() checks the role.
        self.refuse_without_model_permission()
        instance = super().get_object(queryset)
        self.refuse_without_instance_permission("delete", instance)
        return instance

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            return super().form_valid(form)
        except ProtectedError as error:
            # The delete ran in a transaction that is now rolled back: nothing was deleted.
            counts = Counter(str(item._meta.verbose_name_plural) for item in error.protected_objects)
            messages.error(
                self.request,
                _("%(object)s cannot be deleted while these refer to it: %(records)s. Remove them first.")
                % {
                    "object": self.object,
                    "records": ", ".join(f"{name} ({count})" for name, count in sorted(counts.items())),
                },
            )
            return redirect(self.index_url_name)


class ScopedHistoryView(ScopedObjectMixin, HistoryView):
    def get_base_object_queryset(self) -> QuerySet:
        self.refuse_without_model_permission()
        return self.scoped_queryset()


class ScopedUsageView(ScopedObjectMixin, UsageView):
    def get_base_object_queryset(self) -> QuerySet:
        self.refuse_without_model_permission()
        return self.scoped_queryset()


class ScopedModelViewSet(ModelViewSet):
    """A ModelViewSet whose every object view reads through `scope(user=...)`."""

    scope: Any = None
    index_view_class = ScopedIndexView
    inspect_view_class = ScopedInspectView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    inspect_view_enabled = True
    # A copy would be an "add" that starts from an object of another door; nobody needs it here.
    copy_view_enabled = False
    add_to_reference_index = False
    search_backend_name = None

    def get_common_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_common_view_kwargs(scope=self.scope, **kwargs)
