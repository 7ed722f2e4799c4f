"""Every read of the ledgers starts from the scoping policy. Lists filter on indexed columns
and page by id, so a page costs the same whatever the table's size."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from integrity.access import policy
from integrity.audit.models import AuditEvent
from integrity.audit.selectors import object_history
from integrity.org.casenumbers import fold_text, normalize_case_number

from .models import Attachment, LedgerRecord
from .specs import spec_for

VOIDED_EXCLUDE, VOIDED_INCLUDE, VOIDED_ONLY = "", "include", "only"


def search_term(text: str) -> str:
    """The form a free-text query is matched in: a case number in any written form is
    normalised (full-width brackets and digits), everything else lower-cased."""
    text = (text or "").strip()
    try:
        return normalize_case_number(text).lower()
    except ValidationError:
        return fold_text(text)


def ledger_list(
    *, actor: Any, model: type[LedgerRecord], filters: dict[str, Any] | None = None
) -> QuerySet[LedgerRecord]:
    """The records of one ledger in the actor's scope, with the list filters: court,
    department, period (on the ledger's main date), status, category, free text on names, case
    numbers and firms, and whether voided records show."""
    filters = filters or {}
    qs = policy.scope(actor, model.objects.select_related("court", "department", "staff"))
    if filters.get("court"):
        qs = qs.filter(court_id=filters["court"])
    if filters.get("department"):
        qs = qs.filter(department_id=filters["department"])
    if filters.get("staff"):
        qs = qs.filter(staff_id=filters["staff"])
    date_field = model.date_field
    if isinstance(filters.get("date_from"), datetime.date):
        qs = qs.filter(**{f"{date_field}__gte": filters["date_from"]})
    if isinstance(filters.get("date_to"), datetime.date):
        qs = qs.filter(**{f"{date_field}__lte": filters["date_to"]})
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("category") and model.category_field:
        qs = qs.filter(**{model.category_field: filters["category"]})
    if filters.get("q"):
        qs = qs.filter(search_text__contains=search_term(filters["q"]))
    voided = filters.get("voided") or VOIDED_EXCLUDE
    if voided == VOIDED_EXCLUDE:
        qs = qs.filter(voided_at__isnull=True)
    elif voided == VOIDED_ONLY:
        qs = qs.filter(voided_at__isnull=False)
    return qs


def with_related(qs: QuerySet[LedgerRecord]) -> QuerySet[LedgerRecord]:
    """Everything a full representation reads (the rules look at courts, staff and the courts
    served), fetched in a fixed number of queries."""
    model = qs.model
    related = [f.name for f in model._meta.concrete_fields if f.is_relation]
    qs = qs.select_related(*related, "department__court", "voided_by__staff")
    if model._meta.many_to_many:
        qs = qs.prefetch_related(*(f.name for f in model._meta.many_to_many))
    return qs


def ledger_get(*, actor: Any, model: type[LedgerRecord], pk: Any) -> LedgerRecord:
    return policy.get_or_404(actor, with_related(model.objects.all()), pk)


def attachments_of(record: LedgerRecord) -> QuerySet[Attachment]:
    return Attachment.objects.filter(
        content_type__app_label=record._meta.app_label,
        content_type__model=record._meta.model_name,
        object_id=record.pk,
    ).select_related("uploaded_by")


def children_of(record: LedgerRecord) -> list[Any]:
    spec = spec_for(record._meta.model)
    if spec.child is None:
        return []
    return list(spec.child.objects.filter(record=record))


def history_of(record: LedgerRecord, *, limit: int = 200) -> list[AuditEvent]:
    """The record's trail in the audit chain, newest first: every change, transition,
    attachment and void, with who, when and what."""
    return object_history(record, limit=limit)
