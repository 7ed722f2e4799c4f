from typing import Any

from django import template
from django.db import models

from integrity.audit.display import action_label

register = template.Library()


@register.filter
def cell(record: models.Model, field: models.Field) -> Any:
    """The display value of ``field`` on ``record`` (choice labels, not codes)."""
    if field.choices:
        return getattr(record, f"get_{field.name}_display")()
    return getattr(record, field.name)


@register.filter
def is_date(value: Any) -> bool:
    import datetime

    return isinstance(value, datetime.date)


@register.filter
def event_label(action: str) -> Any:
    """A readable name for an audit action such as ``ledgers.contactcase.transition`` (the
    labels of every history panel: integrity/audit/display.py)."""
    return action_label(action)
