"""The Wagtail admin's document form (WAGTAILDOCS_DOCUMENT_FORM_BASE): Wagtail's own, refusing an
upload whose content is not the format its name says (outreach.core.uploads), before anything is
stored. Used by the single and the multiple upload and by the chooser's upload tab alike."""

from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from wagtail.documents.forms import BaseDocumentForm

from outreach.core.uploads import document_content_check


class DocumentForm(BaseDocumentForm):
    def clean_file(self) -> Any:
        file = self.cleaned_data.get("file")
        # A freshly uploaded file; when a document is edited without a new one, the stored file stays.
        if isinstance(file, UploadedFile):
            document_content_check(file, allowed_extensions=getattr(settings, "WAGTAILDOCS_EXTENSIONS", None))
        return file

    def _post_clean(self) -> None:
        refusal = self.error_class(self.errors.get("file", []), field_id="file")
        super()._post_clean()
        if refusal:
            # Wagtail's model check of the extension then runs on the empty file a refused upload
            # leaves behind, and would add a second, misleading message ("extension “” not allowed").
            self._errors["file"] = refusal
