"""Reading import jobs: each is its starter's alone (integrity/reports/scopes.py), through the
one scoping policy, so another login's job is the same 404 as a missing one."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from integrity.access import policy

from ..models import ImportJob


def import_list(*, actor: Any) -> QuerySet[ImportJob]:
    return policy.scope(actor, ImportJob.objects.defer("problems", "preview"))


def import_get(*, actor: Any, pk: Any) -> ImportJob:
    return policy.get_or_404(actor, ImportJob.objects.all(), pk)
