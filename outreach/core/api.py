"""API plumbing shared by every endpoint: errors are always JSON with a 4xx status."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import ApplicationError
from .permissions import RulePermission


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        return Response({"detail": exc.message, **exc.extra}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        return Response({"detail": exc.messages}, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


def schema_public_endpoints(endpoints: list[tuple[str, str, str, Any]]) -> list[tuple[str, str, str, Any]]:
    """drf-spectacular preprocessing hook: the schema describes /api/v1/ only, not the admin's own APIs."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


# The error answers every operation documents (schema_error_responses): DRF's own errors carry one
# `detail` message; a filter that is not valid answers with its messages under the filter's name.
ERROR_SCHEMA = "Error"
FILTER_ERRORS_SCHEMA = "FilterErrors"
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def _error_components() -> dict[str, dict[str, Any]]:
    return {
        ERROR_SCHEMA: {
            "type": "object",
            "properties": {"detail": {"type": "string", "description": _("What went wrong, in words.")}},
            "required": ["detail"],
        },
        FILTER_ERRORS_SCHEMA: {
            "type": "object",
            "description": _("Each filter parameter that is not valid, by name, with its messages."),
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    }


def _error_response(description: str | Promise, schema: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def schema_error_responses(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: every operation documents the 4xx answers it can give,
    from what it declares: credentials (401, 403), a path id or a page number (404), filters (400)."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(_error_components())
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in HTTP_METHODS:
                continue
            parameters = operation.get("parameters", [])
            errors: dict[str, dict[str, Any]] = {}
            if any(p["in"] == "query" and p["name"] != "page" for p in parameters):
                errors["400"] = _error_response(_("A filter value is not valid."), FILTER_ERRORS_SCHEMA)
            if operation.get("security"):
                unauthorised = _error_response(
                    _("No credentials, or a token that is unknown, expired or revoked, or an inactive user."),
                    ERROR_SCHEMA,
                )
                unauthorised["headers"] = {
                    "WWW-Authenticate": {
                        "description": _("The scheme to authenticate with: Token."),
                        "schema": {"type": "string"},
                    }
                }
                errors["401"] = unauthorised
                errors["403"] = _error_response(
                    _("The credentials are valid but may not read this."), ERROR_SCHEMA
                )
            if any(p["in"] == "path" for p in parameters) or any(p["name"] == "page" for p in parameters):
                errors["404"] = _error_response(
                    _("No such row among those you may see, or no such page."), ERROR_SCHEMA
                )
            for status_code, response in errors.items():
                operation.setdefault("responses", {}).setdefault(status_code, response)
    return result


class ScopedReadApi:
    """Reads through the view's `selector(user=...)` and asks its `rule(user, obj)` at every door, so
    list and detail of one entity cannot drift apart."""

    permission_classes = [RulePermission]
    rule: Any
    selector: Any

    def permission_rule(self, user: Any, obj: Any) -> bool:
        return bool(self.rule(user, obj))

    def get_queryset(self) -> QuerySet:
        return self.selector(user=self.request.user)  # type: ignore[attr-defined]
