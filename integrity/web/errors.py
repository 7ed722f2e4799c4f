"""A service's refusal shown on the form that asked for it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError

from integrity.concurrency import StaleEdit


def add_service_errors(form: Any, error: Exception, *, refused: Any) -> None:
    """Put ``error`` on ``form``: a stale edit and non-field errors at the top, field errors
    on their field where the form has it; any other refusal (PermissionDenied) as ``refused``."""
    if isinstance(error, StaleEdit):
        form.add_error(None, str(error))
    elif isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, field_errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    elif isinstance(error, ValidationError):
        form.add_error(None, error.messages)
    else:
        form.add_error(None, refused)


def submit(
    request: Any, form: Any, write: Callable[[dict], Any], *, done: Any, refused: Any
) -> Any:
    """Run ``write`` with the form's cleaned data if the form is valid. A refusal of the
    service becomes the form's errors (``refused`` for a permission refusal); success leaves
    ``done`` as the page's message. Returns what ``write`` returned (True if it returned
    nothing), or None when the form was invalid or the service refused."""
    if not form.is_valid():
        return None
    try:
        result = write(form.cleaned_data)
    except (ValidationError, PermissionDenied, StaleEdit) as error:
        add_service_errors(form, error, refused=refused)
        return None
    messages.success(request, done)
    return result if result is not None else True
