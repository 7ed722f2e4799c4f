"""Every read of the organisation and the case registry starts from the scoping policy."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from integrity.access import policy

from .casenumbers import normalize_case_number
from .models import Case, Court, Department, StaffMember


def court_list(*, actor: Any) -> QuerySet[Court]:
    return policy.scope(actor, Court.objects.select_related("parent"))


def court_choices(*, actor: Any) -> QuerySet[Court]:
    """The courts in scope, as few columns as a filter's drop-down needs."""
    return policy.scope(actor, Court.objects.only("id", "name", "path"))


def department_list(*, actor: Any, court: int | None = None) -> QuerySet[Department]:
    qs = policy.scope(actor, Department.objects.select_related("court"))
    return qs.filter(court_id=court) if court else qs


def staff_list(*, actor: Any, filters: dict[str, Any] | None = None) -> QuerySet[StaffMember]:
    """Staff in the actor's scope, filtered by court, department, post, status and name."""
    filters = filters or {}
    qs = policy.scope(actor, StaffMember.objects.select_related("court", "department"))
    if filters.get("court"):
        qs = qs.filter(court_id=filters["court"])
    if filters.get("department"):
        qs = qs.filter(department_id=filters["department"])
    if filters.get("post"):
        qs = qs.filter(post=filters["post"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("q"):
        text = filters["q"].strip()
        qs = qs.filter(Q(name__contains=text) | Q(staff_number=text))
    return qs


def case_list(*, actor: Any, filters: dict[str, Any] | None = None) -> QuerySet[Case]:
    """Registry cases in scope; ``q`` matches a case number in any written form, or a party,
    agent or law firm."""
    filters = filters or {}
    qs = policy.scope(actor, Case.objects.select_related("court", "presiding_judge"))
    if filters.get("court"):
        qs = qs.filter(court_id=filters["court"])
    if filters.get("case_type"):
        qs = qs.filter(case_type=filters["case_type"])
    if filters.get("q"):
        text = filters["q"].strip()
        try:
            qs = qs.filter(number=normalize_case_number(text))
        except ValidationError:
            matches = Case.objects.filter(
                Q(parties__name__contains=text)
                | Q(agents__name__contains=text)
                | Q(agents__law_firm__contains=text)
                | Q(cause__contains=text)
            ).values("pk")
            qs = qs.filter(pk__in=matches)
    return qs


def own_case_numbers(*, actor: Any, limit: int = 30) -> list[str]:
    """The latest cases the user presides over or sits on, newest first."""
    if not getattr(actor, "staff_id", None):
        return []
    mine = Case.objects.filter(Q(presiding_judge=actor.staff_id) | Q(panel=actor.staff_id))
    return list(mine.order_by("-id").values_list("number", flat=True).distinct()[:limit])


def staff_get(*, actor: Any, pk: Any) -> StaffMember:
    return policy.get_or_404(actor, StaffMember.objects.select_related("court", "department"), pk)


def case_get(*, actor: Any, pk: Any) -> Case:
    qs = Case.objects.select_related("court", "department", "presiding_judge").prefetch_related(
        "panel", "parties", "agents__party"
    )
    return policy.get_or_404(actor, qs, pk)
