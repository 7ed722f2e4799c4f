"""Reads of inspections, findings, rectification reports and look-back checks; every one
starts from the scoping policy (out of scope is the same 404 as not found)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet

from integrity.access import policy
from ledgers.models import Attachment

from ..models import (
    Finding,
    Inspection,
    InspectionTarget,
    LookBackCheck,
    RectificationReport,
    TeamMember,
)

F = Finding.Status
STATUS_VOID = "void"


# --- counts: found, rectified, overdue, returned ---------------------------------------------
def count_expressions(today: datetime.date, prefix: str = "") -> dict[str, Count]:
    """The four counts of an inspection's problem list as aggregates over its standing (not
    voided) findings; ``prefix`` reaches the findings from another model ("findings__")."""
    standing = Q(**{f"{prefix}voided_at__isnull": True}) & Q(**{f"{prefix}pk__isnull": False})
    status = f"{prefix}status"
    return {
        "found": Count(f"{prefix}pk", filter=standing),
        "rectified": Count(f"{prefix}pk", filter=standing & Q(**{status: F.CLOSED})),
        "overdue": Count(
            f"{prefix}pk",
            filter=standing & ~Q(**{status: F.CLOSED}) & Q(**{f"{prefix}deadline__lt": today}),
        ),
        "returned": Count(f"{prefix}pk", filter=standing & Q(**{status: F.RETURNED})),
    }


def inspection_counts(inspection: Inspection, today: datetime.date) -> dict[str, int]:
    """One aggregate query. The counts describe the inspection as a whole, for whoever may see
    the inspection."""
    return Finding.objects.filter(inspection=inspection).aggregate(**count_expressions(today))


# --- inspections -----------------------------------------------------------------------------
def inspection_list(
    actor: Any,
    *,
    court: int | None = None,
    kind: str | None = None,
    status: str | None = None,
    year: int | None = None,
    q: str | None = None,
    today: datetime.date | None = None,
) -> QuerySet[Inspection]:
    """The inspections the actor may see (supervision staff, officers and leaders in
    jurisdiction; team members by grant), filtered; with the four counts when ``today``."""
    qs = policy.scope(actor, Inspection.objects.select_related("court"))
    if court:
        qs = qs.filter(court_id=court)
    if kind:
        qs = qs.filter(kind=kind)
    if status == STATUS_VOID:
        qs = qs.filter(voided_at__isnull=False)
    elif status:
        qs = qs.filter(status=status, voided_at__isnull=True)
    if year:
        qs = qs.filter(
            starts_on__gte=datetime.date(year, 1, 1), starts_on__lte=datetime.date(year, 12, 31)
        )
    if q and q.strip():
        text = q.strip()
        qs = qs.filter(Q(title__contains=text) | Q(number__contains=text))
    if today is not None:
        qs = qs.annotate(**count_expressions(today, "findings__"))
    return qs


def inspection_get(actor: Any, pk: Any, action: str = policy.VIEW) -> Inspection:
    return policy.get_or_404(
        actor, Inspection.objects.select_related("court", "entered_by"), pk, action
    )


def inspection_targets(inspection: Inspection) -> list[InspectionTarget]:
    """The inspected units (shown to whoever sees the inspection)."""
    return list(inspection.targets.select_related("court", "department"))


def inspection_team(inspection: Inspection) -> list[TeamMember]:
    return list(
        inspection.team.select_related("user", "user__staff", "user__staff__court").order_by(
            "function", "id"
        )
    )


# --- findings --------------------------------------------------------------------------------
def _findings(actor: Any, action: str = policy.VIEW) -> QuerySet[Finding]:
    return policy.scope(
        actor,
        Finding.objects.select_related("inspection", "court", "department", "responsible_staff"),
        action,
    )


def finding_list(
    actor: Any,
    *,
    inspection: int | None = None,
    court: int | None = None,
    status: str | None = None,
    overdue: bool = False,
    today: datetime.date | None = None,
    mine: bool = False,
) -> QuerySet[Finding]:
    """Findings in scope. ``mine``: the items the actor's unit answers for (those they may
    report on), not yet closed."""
    qs = _findings(actor, policy.CHANGE if mine else policy.VIEW)
    if mine:
        qs = qs.filter(voided_at__isnull=True).exclude(status=F.CLOSED)
    if inspection:
        qs = qs.filter(inspection_id=inspection)
    if court:
        qs = qs.filter(court_id=court)
    if status == STATUS_VOID:
        qs = qs.filter(voided_at__isnull=False)
    elif status:
        qs = qs.filter(status=status, voided_at__isnull=True)
    if overdue and today is not None:
        qs = qs.filter(voided_at__isnull=True, deadline__lt=today).exclude(status=F.CLOSED)
    return qs


def inspection_findings(actor: Any, inspection: Inspection) -> QuerySet[Finding]:
    return _findings(actor).filter(inspection=inspection).order_by("sequence")


def finding_get(actor: Any, pk: Any, action: str = policy.VIEW) -> Finding:
    return policy.get_or_404(
        actor,
        Finding.objects.select_related(
            "inspection", "inspection__court", "court", "department", "responsible_staff"
        ),
        pk,
        action,
    )


def finding_reports(finding: Finding) -> list[RectificationReport]:
    """The finding's reports (who sees the finding sees its reports), each with its evidence
    files, in two queries."""
    reports = list(finding.reports.select_related("reported_by", "reviewed_by").order_by("id"))
    by_report: dict[int, list[Attachment]] = {r.pk: [] for r in reports}
    if reports:
        content_type = ContentType.objects.get_for_model(RectificationReport)
        for attachment in Attachment.objects.filter(
            content_type=content_type, object_id__in=list(by_report)
        ).order_by("id"):
            by_report[attachment.object_id].append(attachment)
    for report in reports:
        report.evidence = by_report[report.pk]
    return reports


def evidence_get(actor: Any, finding_pk: Any, attachment_pk: Any) -> Attachment:
    """One evidence file, through the scope of its report (404 otherwise)."""
    content_type = ContentType.objects.get_for_model(RectificationReport)
    reports = policy.scope(actor, RectificationReport.objects.filter(finding_id=finding_pk))
    try:
        return Attachment.objects.get(
            pk=attachment_pk,
            content_type=content_type,
            object_id__in=reports.values("pk"),
        )
    except (Attachment.DoesNotExist, ValueError, TypeError):
        from django.http import Http404

        raise Http404 from None


# --- look-back -------------------------------------------------------------------------------
def look_back_findings(actor: Any, inspection: Inspection) -> QuerySet[Finding]:
    """The earlier findings of a look-back inspection's targets: findings of earlier, standing
    inspections whose responsible court (or department) is among the targets. ``actor=None``
    is the system (the service checking a choice)."""
    where = Q()
    for court_id, department_id in inspection.targets.values_list("court_id", "department_id"):
        if department_id is None:
            where |= Q(court_id=court_id)
        else:
            where |= Q(court_id=court_id, department_id=department_id)
    if not where:
        return Finding.objects.none()
    qs = Finding.objects.select_related("inspection", "court", "department")
    if actor is not None:
        qs = policy.scope(actor, qs)
    return (
        qs.filter(where)
        .filter(
            voided_at__isnull=True,
            inspection__voided_at__isnull=True,
            inspection__starts_on__lt=inspection.starts_on,
        )
        .exclude(inspection=inspection)
        .order_by("-inspection__starts_on", "inspection_id", "sequence")
    )


def look_back_checks(inspection: Inspection) -> dict[int, LookBackCheck]:
    """The checks recorded so far, by finding id."""
    return {
        c.finding_id: c
        for c in LookBackCheck.objects.filter(inspection=inspection).select_related("checked_by")
    }
