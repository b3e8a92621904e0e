from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet

from outreach.core.permissions import RulePermissionPolicy

from .models import Partner
from .permissions import RULES


class PartnerViewSet(ModelViewSet):
    model = Partner
    icon = "group"
    menu_label = _("Partners")
    add_to_admin_menu = True
    menu_order = 310
    list_display = ["name", "short_name", "kind", "country", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name"]
    form_fields = ["name", "short_name", "kind", "country", "website", "is_active"]
    inspect_view_enabled = True
    permission_policy = RulePermissionPolicy(Partner, RULES)


@hooks.register("register_admin_viewset")
def register_partner_viewset() -> PartnerViewSet:
    return PartnerViewSet("partners")
