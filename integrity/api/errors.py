"""One error format for the whole API::

{"error": {"status": 404, "code": "not_found", "message": "…", "fields": {…}}}
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions
from rest_framework.relations import PrimaryKeyRelatedField
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from integrity.concurrency import StaleEdit


class Conflict(exceptions.APIException):
    status_code = 409
    default_code = "stale"


@contextmanager
def named_in_body(field: str, pk: Any) -> Iterator[None]:
    """An object the request body names by id that lies outside the caller's scope reads like
    a missing one: the same 400 as DRF's ``PrimaryKeyRelatedField`` gives for an unknown id, not
    a 404 that would tell the caller that the object exists."""
    try:
        yield
    except Http404:
        message = str(PrimaryKeyRelatedField.default_error_messages["does_not_exist"])
        raise exceptions.ValidationError(
            {field: [message.format(pk_value=pk)]}, code="does_not_exist"
        ) from None


def _first_code(detail: Any) -> str:
    if isinstance(detail, dict):
        for value in detail.values():
            return _first_code(value)
    if isinstance(detail, list) and detail:
        return _first_code(detail[0])
    return getattr(detail, "code", None) or "error"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, StaleEdit):
        exc = Conflict(str(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    if isinstance(exc, exceptions.ValidationError):
        fields = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        message = str(exceptions.ValidationError.default_detail)
        code = "invalid"
    else:
        fields = {}
        message = str(detail.get("detail", "")) if isinstance(detail, dict) else str(detail)
        code = _first_code(getattr(exc, "detail", "")) if hasattr(exc, "detail") else "error"
    response.data = {
        "error": {
            "status": response.status_code,
            "code": code,
            "message": message,
            "fields": fields,
        }
    }
    return response


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler404``: an address no view answers gets, under /api/, the API's one error format
    (an id that is not a number, a misspelt path), elsewhere Django's page."""
    if not request.path.startswith("/api/"):
        return defaults.page_not_found(request, exception)
    body = {
        "error": {
            "status": 404,
            "code": "not_found",
            "message": str(exceptions.NotFound.default_detail),
            "fields": {},
        }
    }
    return JsonResponse(body, status=404, json_dumps_params={"ensure_ascii": False})
