"""Reads of the audit trail."""

from collections.abc import Mapping
from typing import Any

from django.db import models

from .models import AuditEvent


def object_history(obj: models.Model, *, limit: int = 200) -> list[AuditEvent]:
    """One object's trail in the audit chain, newest first (the history timelines)."""
    return list(
        AuditEvent.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk)
        ).order_by("-seq")[:limit]
    )


def labelled_history(
    obj: models.Model, labels: Mapping[str, Any], *, limit: int = 200
) -> list[AuditEvent]:
    """:func:`object_history` with a readable ``label`` on each event: the label of its verb
    (the action after ``<app>.<model>.``, e.g. ``evidence.add``; the whole action when it has
    no such prefix, e.g. ``access.denied``), or the action itself when ``labels`` has none."""
    events = object_history(obj, limit=limit)
    for event in events:
        parts = event.action.split(".", 2)
        verb = parts[2] if len(parts) == 3 else event.action
        event.label = labels.get(verb, event.action)
    return events
