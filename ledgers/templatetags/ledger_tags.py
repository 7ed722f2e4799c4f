from typing import Any

from django import template
from django.db import models

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
