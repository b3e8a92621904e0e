"""API plumbing shared by every endpoint: errors are always JSON with a 4xx status."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
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
