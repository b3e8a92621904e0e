"""Who may start or refresh a translation, into which language (docs/decisions/0008-roles.md).

wagtail-localize asks only for its "submit translation" permission: it then offers every language,
and its "sync translated pages" offers to publish every translation at once. These views narrow both
to what the user's own permissions allow, so that a Dari translator starts Dari translations only,
and nobody publishes by syncing unless they may publish every page it would publish. Routed at
wagtail-localize's own addresses (cms.role_hooks)."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from wagtail.models import Locale, Page
from wagtail.snippets.permissions import get_permission_name
from wagtail_localize.views import submit_translations, update_translations

from cms.permissions import translator_language_codes


def translation_locales_for(*, user: Any, instance: Any) -> QuerySet[Locale]:
    """The locales `user` may create a translation of `instance` in: for a page, those where they may
    add a page under the translation of its parent; for a snippet, every locale if they may add one of
    its kind, else the languages of their translator groups."""
    if user.is_superuser:
        return Locale.objects.all()
    if isinstance(instance, Page):
        parent = instance.get_parent()
        if parent.is_root():
            may_add = parent.permissions_for_user(user).can_add_subpage()
            return Locale.objects.all() if may_add else Locale.objects.none()
        allowed = [
            translation.locale_id
            for translation in parent.get_translations(inclusive=True)
            if translation.permissions_for_user(user).can_add_subpage()
        ]
        return Locale.objects.filter(pk__in=allowed)
    if user.has_perm(get_permission_name("add", type(instance))):
        return Locale.objects.all()
    return Locale.objects.filter(language_code__in=translator_language_codes(user))


def can_publish_translations(*, user: Any, source_instance: Any, targets: list[Any]) -> bool:
    """Whether `user` may publish every one of `targets`, the translations a sync would publish."""
    if isinstance(source_instance, Page):
        return all(target.permissions_for_user(user).can_publish() for target in targets)
    return user.has_perm(get_permission_name("change", type(source_instance)))


class NarrowedLocalesMixin:
    """Offers and accepts only the locales translation_locales_for allows."""

    def get_form(self) -> forms.Form:
        form = super().get_form()  # type: ignore[misc]
        field = form.fields["locales"]
        field.queryset = field.queryset.filter(
            pk__in=translation_locales_for(user=self.request.user, instance=self.object)  # type: ignore[attr-defined]
        )
        return form


class SubmitPageTranslationView(NarrowedLocalesMixin, submit_translations.SubmitPageTranslationView):
    """ "Translate this page", into the languages the user may write pages in."""


class SubmitSnippetTranslationView(NarrowedLocalesMixin, submit_translations.SubmitSnippetTranslationView):
    """ "Translate" of a topic or an audience, into the languages the user may translate it into."""


class UpdateTranslationsView(update_translations.UpdateTranslationsView):
    """The sync of translated pages, with "publish immediately" only for those who may publish each."""

    def get_form(self) -> forms.Form:
        form = super().get_form()
        targets = [
            translation.get_target_instance() for translation in self.object.translations.filter(enabled=True)
        ]
        source_instance = self.object.get_source_instance()
        if not can_publish_translations(
            user=self.request.user, source_instance=source_instance, targets=targets
        ):
            # A disabled field ignores what is posted and stays False.
            form.fields["publish_translations"].disabled = True
            form.fields["publish_translations"].widget = forms.HiddenInput()
        return form
