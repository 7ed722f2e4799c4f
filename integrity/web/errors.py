"""A service's refusal shown on the form that asked for it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

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
