"""Evidence documents are served within the programme scope: the collection's view restriction lets
in the Campaign manager and Partner groups (campaigns 0004), and this hook then refuses a partner user
a document that no result of their organisation's programmes cites. Imported by wagtail_hooks.py."""

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.utils.translation import gettext as _
from wagtail import hooks

from .models import evidence_is_private
from .permissions import can_add_result
from .selectors import results_visible_to


@hooks.register("before_serve_document")
def evidence_serve_in_scope(document: Any, request: HttpRequest) -> HttpResponse | None:
    """None (serve on) unless the document is evidence the signed-in user may not open."""
    if not request.user.is_authenticated or not evidence_is_private(document):
        # Wagtail's own restriction check sends visitors who have not signed in to the login page.
        return None
    # Campaign managers also open evidence they have just uploaded, before a result cites it.
    if (
        can_add_result(request.user)
        or results_visible_to(user=request.user).filter(evidence=document).exists()
    ):
        return None
    return HttpResponseForbidden(_("This document is evidence for a programme you cannot see."))
