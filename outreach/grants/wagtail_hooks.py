from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet

from outreach.core.permissions import RulePermissionPolicy

from .models import Programme
from .permissions import RULES


class ProgrammeViewSet(ModelViewSet):
    model = Programme
    icon = "folder-open-inverse"
    menu_label = _("Grant programmes")
    add_to_admin_menu = True
    menu_order = 300
    list_display = ["name", "code", "currency", "starts_on", "ends_on", "is_active"]
    list_filter = ["currency", "is_active"]
    search_fields = ["name", "code"]
    form_fields = ["name", "code", "description", "currency", "starts_on", "ends_on", "is_active"]
    inspect_view_enabled = True
    permission_policy = RulePermissionPolicy(Programme, RULES)


@hooks.register("register_admin_viewset")
def register_programme_viewset() -> ProgrammeViewSet:
    return ProgrammeViewSet("programmes")
