"""Content-Security-Policy: a strict policy for the public site, a looser one for the admins.

docs/decisions/0012-security-headers.md
"""

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin policy (settings.ADMIN_CONTENT_SECURITY_POLICY) under
    the admins' URL prefixes and the public one (CONTENT_SECURITY_POLICY) everywhere else.

    Wagtail's and Django's admin screens carry inline scripts and styles of their own, which the
    public policy refuses; no public page needs them. A view's own @csp decorator still wins."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request=request, response=response, report_only=report_only)
        admin_policy = settings.ADMIN_CONTENT_SECURITY_POLICY
        if (
            not report_only
            and parts.config is None
            and request.path_info.startswith(tuple(admin_policy["URL_PREFIXES"]))
        ):
            parts.config = default_config(admin_policy["DIRECTIVES"])
        if getattr(request, "is_dummy", False):
            # Wagtail's preview renders a page through the middleware under the page's public path,
            # then shows it in a frame of the editor: the public policy, which the editor may frame,
            # so an editor sees in the preview exactly what the policy lets readers see.
            parts.replace = {**(parts.replace or {}), "frame-ancestors": ["'self'"]}
        return parts
