"""Reads of export jobs, through the scoping policy: a job is its starter's
(integrity/reports/scopes.py), and any other is the same 404 as a missing one."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from integrity.access import policy

from ..models import ExportJob


def export_list(*, actor: Any) -> QuerySet[ExportJob]:
    """The actor's own exports, newest first (keyset pages by id)."""
    return policy.scope(actor, ExportJob.objects.filter(created_by=actor.pk)).order_by("-pk")


def export_get(*, actor: Any, pk: Any) -> ExportJob:
    return policy.get_or_404(actor, ExportJob.objects.all(), pk)
