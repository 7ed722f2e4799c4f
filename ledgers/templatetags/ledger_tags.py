from typing import Any

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

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
def is_pair(value: Any) -> bool:
    """Whether an audit change is a ``[before, after]`` pair (not a single value)."""
    return isinstance(value, list) and len(value) == 2


_EVENT_LABELS = {
    "access.denied": _("Refused access attempt"),
    "create": _("Entered"),
    "update": _("Corrected"),
    "transition": _("Status changed"),
    "void": _("Voided"),
    "attachment.add": _("File attached"),
    "attachment.download": _("Confidential file downloaded"),
    "attachment.void": _("File voided"),
    "remindertalk.add": _("Reminder talk recorded"),
    "followup.add": _("Follow-up recorded"),
    # Declarations (ledgers/declarations/services.py)
    "open": _("Campaign opened"),
    "close": _("Campaign closed"),
    "remind_overdue": _("The overdue were reminded"),
    "file": _("Filed"),
    "sign": _("Signed"),
    "return": _("Returned"),
    "correct": _("Correction started"),
    "supersede": _("Superseded by a correction"),
    "flag_review": _("Flagged for review"),
}


@register.filter
def event_label(action: str) -> Any:
    """A readable name for an audit action such as ``ledgers.contactcase.transition``."""
    parts = action.split(".")
    verb = ".".join(parts[2:]) if len(parts) > 2 else action
    return _EVENT_LABELS.get(verb, action)


@register.filter
def field_label(record: models.Model, name: str) -> Any:
    """The verbose name of a changed field, or the raw key (e.g. of an attachment event)."""
    try:
        field = record._meta.get_field(name)
    except FieldDoesNotExist:  # keys of attachment and entry events are not fields
        return {
            "attachment": _("attachment"),
            "file": _("file"),
            "type": _("type"),
            "size": _("size"),
            "sha256": "SHA-256",
            # keys of declaration events
            "tasks": _("tasks"),
            "overdue": _("overdue"),
            "told": _("reminded"),
            "signature": _("signature"),
            "filed_on_behalf_of": _("filed on behalf of"),
        }.get(name, name)
    if hasattr(field, "verbose_name"):
        return field.verbose_name
    # A reverse relation (a declaration's relatives, its correction): the related model's name.
    meta = field.related_model._meta
    return meta.verbose_name if field.one_to_one else meta.verbose_name_plural
