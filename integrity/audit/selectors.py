"""Reads of the audit trail."""

from django.db import models

from .models import AuditEvent


def object_history(obj: models.Model, *, limit: int = 200) -> list[AuditEvent]:
    """One object's trail in the audit chain, newest first (the history timelines)."""
    return list(
        AuditEvent.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk)
        ).order_by("-seq")[:limit]
    )
