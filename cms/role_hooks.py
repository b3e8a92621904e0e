"""Admin hooks of the role boundaries (cms.translation_access). Imported by cms/wagtail_hooks.py."""

from typing import Any

from django.urls import path
from wagtail import hooks


# Ahead of wagtail-localize's own patterns for the same addresses, which the first match wins; its
# URL names keep pointing at these addresses, so its buttons and templates lead here.
@hooks.register("register_admin_urls", order=-1)
def register_translation_access_urls() -> list[Any]:
    from cms.translation_access import (
        SubmitPageTranslationView,
        SubmitSnippetTranslationView,
        UpdateTranslationsView,
    )

    return [
        path(
            "localize/submit/page/<int:page_id>/",
            SubmitPageTranslationView.as_view(),
            name="cms_submit_page_translation",
        ),
        path(
            "localize/submit/snippet/<slug:app_label>/<slug:model_name>/<str:pk>/",
            SubmitSnippetTranslationView.as_view(),
            name="cms_submit_snippet_translation",
        ),
        path(
            "localize/update/<int:translation_source_id>/",
            UpdateTranslationsView.as_view(),
            name="cms_update_translations",
        ),
    ]
