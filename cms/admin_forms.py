"""In the page editor, the content of a right-to-left page is written right to left, whatever the
language of the editor's own interface."""

from typing import Any

from django import forms
from django.utils.translation import get_language_info
from wagtail.admin.forms import WagtailAdminPageForm

LTR_FIELDS = {"slug", "video_url", "url_path"}


def is_rtl(language_code: str | None) -> bool:
    try:
        return bool(language_code and get_language_info(language_code)["bidi"])
    except KeyError:
        return False


class ContentDirectionPageForm(WagtailAdminPageForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        locale = (
            self.instance.locale if self.instance.locale_id else getattr(self.parent_page, "locale", None)
        )
        self.content_direction = "rtl" if is_rtl(getattr(locale, "language_code", None)) else "ltr"
        if self.content_direction != "rtl":
            return
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.TextInput | forms.Textarea):
                field.widget.attrs["dir"] = "ltr" if name in LTR_FIELDS else "rtl"
        # Rich text and StreamField editors are drawn by script; cms/static/js/admin-content-direction.js
        # turns the whole editing form right to left when it finds this mark.
        if "title" in self.fields:
            self.fields["title"].widget.attrs["data-content-direction"] = "rtl"
