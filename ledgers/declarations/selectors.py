"""Every read of declarations starts from the scoping policy (integrity/access/policy.py).

Two additions to the plain scope, both derived from the user's own role assignments: a
campaign opened at a higher court for the courts below is visible to the officers, chiefs and
leaders of those courts (they follow its progress for their part); and a declaration is
visible to whoever holds the role that must sign its awaited stage, or has signed it (the
president of a basic court is signed off by a leader of the court above, who need not cover
the courts below). Lists filter on indexed columns; the progress of a campaign is a fixed
number of aggregate queries whatever its size.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from integrity.access import policy
from integrity.access.models import Role, RoleAssignment
from integrity.audit.models import AuditEvent
from integrity.audit.selectors import object_history
from ledgers.models import Campaign, Declaration, Signature

OPEN_WORK = (Declaration.Status.PENDING, Declaration.Status.RETURNED)
SIGNING_ROLES = (Role.CHIEF, Role.LEADER)
PROGRESS_LIST_SIZE = 50

# Campaign list filter values for ``status``: open and closed campaigns that stand, or voided.
STATUS_OPEN, STATUS_CLOSED, STATUS_VOID = "open", "closed", "void"


# --- campaigns ----------------------------------------------------------------------------
def _ancestor_ids(path: str) -> list[int]:
    """The ids of the courts above the court at ``path`` (its materialised path names them)."""
    segments = [int(part) for part in path.split("/") if part]
    return segments[:-1]


def _campaign_filter(user: Any) -> Q | None:
    where = policy.scope_filter(user, Campaign, policy.VIEW)
    rule = policy.rule_for(Declaration)
    above: set[int] = set()
    for grant in policy.grants_of(user):
        if rule.reach_for(policy.VIEW, grant.role) is policy.Reach.JURISDICTION:
            above.update(_ancestor_ids(grant.court_path))
    if above:
        covering = Q(covers_subordinates=True, court_id__in=sorted(above))
        where = covering if where is None else where | covering
    return where


def _visible_campaigns(user: Any, qs: QuerySet[Campaign]) -> QuerySet[Campaign]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if user.is_superuser:
        return qs
    where = _campaign_filter(user)
    return qs.none() if where is None else qs.filter(where)


def campaign_list(
    user: Any, *, status: str | None = None, kind: str | None = None, court: Any = None
) -> QuerySet[Campaign]:
    """The campaigns the user may follow, newest first; ``status`` is "open", "closed" or
    "void"; ``court`` a court id."""
    qs = _visible_campaigns(user, Campaign.objects.select_related("court"))
    if status == STATUS_OPEN:
        qs = qs.filter(status=Campaign.Status.OPEN, voided_at__isnull=True)
    elif status == STATUS_CLOSED:
        qs = qs.filter(status=Campaign.Status.CLOSED, voided_at__isnull=True)
    elif status == STATUS_VOID:
        qs = qs.filter(voided_at__isnull=False)
    if kind:
        qs = qs.filter(kind=kind)
    if court not in (None, ""):
        try:
            qs = qs.filter(court_id=int(getattr(court, "pk", court)))
        except (TypeError, ValueError):
            qs = qs.none()
    return qs.order_by("-pk")


def campaign_get(user: Any, pk: Any) -> Campaign:
    """One campaign the user may follow; anything else is the same 404 as a missing one."""
    qs = Campaign.objects.select_related("court", "opened_by", "voided_by")
    try:
        found = _visible_campaigns(user, qs).filter(pk=pk).first()
    except (TypeError, ValueError):
        found = None
    return found if found is not None else policy.get_or_404(user, qs, pk)


# --- declarations -------------------------------------------------------------------------
def _signable_filter(user: Any) -> Q | None:
    """Declarations whose awaited stage the user's role assignments sign (chief or leader at
    that court; a chief at that department, or for the whole court)."""
    where: Q | None = None
    for grant in policy.grants_of(user):
        if grant.role not in SIGNING_ROLES:
            continue
        part = Q(next_role=grant.role, next_court_id=grant.court_id)
        if grant.role == Role.CHIEF and grant.department_id:
            part &= Q(next_department_id=grant.department_id)
        where = part if where is None else where | part
    return where


def _visible_declarations(user: Any, qs: QuerySet[Declaration]) -> QuerySet[Declaration]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if user.is_superuser:
        return qs
    where = policy.scope_filter(user, Declaration, policy.VIEW)
    signable = _signable_filter(user)
    if signable is not None:
        signable = Q(status=Declaration.Status.FILED) & signable
        where = signable if where is None else where | signable
    signed = Q(pk__in=Signature.objects.filter(signer=user).values("declaration_id"))
    where = signed if where is None else where | signed
    return qs.filter(where)


def with_details(qs: QuerySet[Declaration]) -> QuerySet[Declaration]:
    """Everything a declaration's page shows, in a fixed number of queries."""
    return qs.select_related(
        "campaign__court",
        "staff",
        "court",
        "department",
        "filed_by",
        "previous",
        "correction",
        "next_court",
        "next_department",
    ).prefetch_related("relatives__firm_area", "inquiries", "signatures")


def declaration_get(user: Any, pk: Any) -> Declaration:
    """One declaration the user may see (their own, in their scope, or theirs to sign);
    anything else is the same 404 as a missing one."""
    qs = with_details(Declaration.objects.all())
    try:
        found = _visible_declarations(user, qs).filter(pk=pk).first()
    except (TypeError, ValueError):
        found = None
    return found if found is not None else policy.get_or_404(user, qs, pk)


def my_tasks(user: Any) -> QuerySet[Declaration]:
    """The user's own current declarations in open campaigns, soonest due first."""
    staff_id = getattr(user, "staff_id", None)
    if not staff_id:
        return Declaration.objects.none()
    qs = Declaration.objects.filter(
        staff_id=staff_id,
        is_current=True,
        campaign__status=Campaign.Status.OPEN,
        campaign__voided_at__isnull=True,
    )
    return policy.scope(user, qs).select_related("campaign").order_by("campaign__due_on", "pk")


def awaiting_signature(user: Any) -> QuerySet[Declaration]:
    """The signer's queue: filed declarations whose awaited stage the user signs, except their
    own, those they filed and those they signed an earlier stage of (in this filing), longest
    waiting first. One indexed query (``ledg_decl_awaiting``)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Declaration.objects.none()
    signable = _signable_filter(user)
    if signable is None:
        return Declaration.objects.none()
    signed_earlier = Signature.objects.filter(
        declaration=OuterRef("pk"),
        signer=user,
        decision=Signature.Decision.SIGNED,
        decided_at__gte=OuterRef("filed_at"),
    )
    qs = Declaration.objects.filter(
        signable,
        status=Declaration.Status.FILED,
        is_current=True,
        campaign__voided_at__isnull=True,
    ).exclude(filed_by=user)
    if user.staff_id:
        qs = qs.exclude(staff_id=user.staff_id)
    return (
        qs.exclude(Exists(signed_earlier))
        .select_related("campaign", "staff", "court", "department")
        .order_by("filed_at", "pk")
    )


def declaration_history(user: Any, declaration: Declaration) -> list[AuditEvent]:
    """The declaration's audit trail, newest first (the caller fetched it through
    :func:`declaration_get`)."""
    return object_history(declaration)


# --- progress -----------------------------------------------------------------------------
@dataclass
class Counts:
    tasks: int = 0
    pending: int = 0
    overdue: int = 0
    awaiting_chief: int = 0
    awaiting_leader: int = 0
    signed: int = 0
    returned: int = 0
    nothing: int = 0  # "none" declarations and zero reports (filed or signed)

    NAMES = (
        "tasks",
        "pending",
        "awaiting_chief",
        "awaiting_leader",
        "signed",
        "returned",
        "nothing",
    )

    @property
    def filed(self) -> int:
        return self.awaiting_chief + self.awaiting_leader + self.signed

    def add(self, other: Counts) -> None:
        for name in (*self.NAMES, "overdue"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class DepartmentProgress:
    department_id: int | None
    department_name: str
    counts: Counts


@dataclass
class CourtProgress:
    court_id: int
    court_name: str
    counts: Counts = field(default_factory=Counts)
    departments: list[DepartmentProgress] = field(default_factory=list)


@dataclass
class Awaited:
    """One stage that filed declarations wait at, how many, and who may sign it."""

    role: str
    court_id: int
    court_name: str
    department_id: int | None
    department_name: str
    count: int
    signers: list[str]


@dataclass
class Progress:
    campaign: Campaign
    today: datetime.date
    is_overdue: bool
    totals: Counts
    courts: list[CourtProgress]
    awaited: list[Awaited]
    # Overdue tasks and filed declarations awaiting a signature, ``PROGRESS_LIST_SIZE`` at a
    # time by id; ``*_next`` is the id to pass as ``*_after`` for the next page (None: last).
    overdue: list[Declaration]
    overdue_next: int | None
    awaiting: list[Declaration]
    awaiting_next: int | None


def _page(qs: QuerySet[Declaration], after: Any, limit: int) -> tuple[list[Declaration], Any]:
    if after not in (None, ""):
        try:
            qs = qs.filter(pk__gt=int(after))
        except (TypeError, ValueError):
            qs = qs.none()
    rows = list(qs.order_by("pk")[: limit + 1])
    return rows[:limit], (rows[limit - 1].pk if len(rows) > limit else None)


def _signers(stages: list[dict]) -> dict[tuple, list[str]]:
    """Who may sign each stage ``(role, court_id, department_id)``, from the active role
    assignments, in one query."""
    courts = sorted({stage["court"] for stage in stages})
    if not courts:
        return {}
    rows = RoleAssignment.objects.filter(
        is_active=True, user__is_active=True, role__in=SIGNING_ROLES, court_id__in=courts
    ).values_list("role", "court_id", "department_id", "user__staff__name", "user__username")
    holders: dict[tuple, list[str]] = {}
    for role, court_id, department_id, staff_name, username in rows.order_by("pk"):
        holders.setdefault((role, court_id, department_id), []).append(staff_name or username)
    found = {}
    for stage in stages:
        key = (stage["role"], stage["court"], stage["department"])
        names = list(holders.get((stage["role"], stage["court"], None), []))
        if stage["role"] == Role.CHIEF and stage["department"] is not None:
            names = holders.get(key, []) + names
        found[key] = names
    return found


def campaign_progress(
    user: Any,
    campaign: Campaign,
    today: datetime.date,
    *,
    court: Any = None,
    overdue_after: Any = None,
    awaiting_after: Any = None,
    limit: int = PROGRESS_LIST_SIZE,
) -> Progress:
    """Who has filed, who is overdue and who awaits whose signature, per court and department
    of the user's scope (``court`` narrows to one court): aggregate queries, a fixed number
    whatever the campaign's size."""
    qs = policy.scope(user, Declaration.objects.filter(campaign=campaign, is_current=True))
    if court not in (None, ""):
        try:
            qs = qs.filter(court_id=int(getattr(court, "pk", court)))
        except (TypeError, ValueError):
            qs = qs.none()
    is_overdue = today > campaign.due_on and not campaign.is_void
    status = Declaration.Status
    rows = (
        qs.values("court_id", "court__name", "court__path", "department_id", "department__name")
        .annotate(
            tasks=Count("pk"),
            pending=Count("pk", filter=Q(status=status.PENDING)),
            awaiting_chief=Count("pk", filter=Q(status=status.FILED, next_role=Role.CHIEF)),
            awaiting_leader=Count("pk", filter=Q(status=status.FILED) & ~Q(next_role=Role.CHIEF)),
            signed=Count("pk", filter=Q(status=status.SIGNED)),
            returned=Count("pk", filter=Q(status=status.RETURNED)),
            nothing=Count(
                "pk", filter=Q(has_nothing=True, status__in=[status.FILED, status.SIGNED])
            ),
        )
        .order_by("court__path", "department__name", "department_id")
    )
    totals, courts = Counts(), {}
    for row in rows:
        counts = Counts(**{name: row[name] for name in Counts.NAMES})
        counts.overdue = counts.pending + counts.returned if is_overdue else 0
        entry = courts.setdefault(
            row["court_id"], CourtProgress(row["court_id"], row["court__name"])
        )
        entry.departments.append(
            DepartmentProgress(row["department_id"], row["department__name"] or "", counts)
        )
        entry.counts.add(counts)
        totals.add(counts)

    stages = list(
        qs.filter(status=status.FILED)
        .values(
            "next_role",
            "next_court_id",
            "next_court__name",
            "next_department_id",
            "next_department__name",
        )
        .annotate(count=Count("pk"))
        .order_by("next_court__path", "next_role", "next_department__name")
    )
    as_stage = [
        {"role": s["next_role"], "court": s["next_court_id"], "department": s["next_department_id"]}
        for s in stages
    ]
    signers = _signers(as_stage)
    awaited = [
        Awaited(
            role=s["next_role"],
            court_id=s["next_court_id"],
            court_name=s["next_court__name"] or "",
            department_id=s["next_department_id"],
            department_name=s["next_department__name"] or "",
            count=s["count"],
            signers=signers.get((s["next_role"], s["next_court_id"], s["next_department_id"]), []),
        )
        for s in stages
    ]

    listed = qs.select_related("staff", "court", "department")
    overdue, overdue_next = [], None
    if is_overdue:
        overdue, overdue_next = _page(listed.filter(status__in=OPEN_WORK), overdue_after, limit)
    awaiting, awaiting_next = _page(
        listed.filter(status=status.FILED).select_related("next_court", "next_department"),
        awaiting_after,
        limit,
    )
    for declaration in awaiting:
        key = (declaration.next_role, declaration.next_court_id, declaration.next_department_id)
        declaration.awaited_signers = signers.get(key, [])
    return Progress(
        campaign=campaign,
        today=today,
        is_overdue=is_overdue,
        totals=totals,
        courts=list(courts.values()),
        awaited=awaited,
        overdue=overdue,
        overdue_next=overdue_next,
        awaiting=awaiting,
        awaiting_next=awaiting_next,
    )


__all__ = [
    "Awaited",
    "Counts",
    "CourtProgress",
    "DepartmentProgress",
    "Progress",
    "awaiting_signature",
    "campaign_get",
    "campaign_list",
    "campaign_progress",
    "declaration_get",
    "declaration_history",
    "my_tasks",
]
