"""Every read of the follow-up visits starts from the scoping policy (inspections/scopes.py):
supervision staff and officers plan and record visits within their jurisdiction; leaders, the
discipline team and administrators read them. A questionnaire kept by a court is also *used*
by the courts below it, so the visitors of a basic court may pick the province's one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from integrity.access import policy
from integrity.org.models import CaseAgent, CaseParty, Court

from ..models import Clue, Questionnaire, SampledCase, Visit, VisitPlan


# --- questionnaires ---------------------------------------------------------------------------
def questionnaire_list(user: Any) -> QuerySet[Questionnaire]:
    return policy.scope(user, Questionnaire.objects.select_related("court"))


def questionnaire_get(user: Any, pk: Any, action: str = policy.VIEW) -> Questionnaire:
    return policy.get_or_404(user, Questionnaire.objects.select_related("court"), pk, action)


def _ancestor_ids(path: str) -> list[int]:
    return [int(part) for part in path.split("/") if part]


def questionnaires_usable(user: Any, court: Court | None = None) -> QuerySet[Questionnaire]:
    """The active questionnaires a plan may use: those in the user's scope and those kept by a
    court above one of the user's courts (above ``court`` only, when given)."""
    qs = Questionnaire.objects.filter(is_active=True, voided_at__isnull=True).select_related(
        "court"
    )
    if court is not None:
        qs = qs.filter(court_id__in=_ancestor_ids(court.path) or [court.pk])
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if user.is_superuser:
        return qs
    where = policy.scope_filter(user, Questionnaire, policy.VIEW)
    above: set[int] = set()
    rule = policy.rule_for(VisitPlan)
    for grant in policy.grants_of(user):
        if rule.reach_for(policy.CHANGE, grant.role) is policy.Reach.JURISDICTION:
            above.update(_ancestor_ids(grant.court_path))
    if above:
        by_court = Q(court_id__in=sorted(above))
        where = by_court if where is None else where | by_court
    return qs.none() if where is None else qs.filter(where)


# --- plans ------------------------------------------------------------------------------------
def visit_plan_list(
    user: Any, *, status: str | None = None, court: int | None = None
) -> QuerySet[VisitPlan]:
    qs = policy.scope(user, VisitPlan.objects.select_related("court", "questionnaire"))
    if status:
        qs = qs.filter(status=status)
    if court:
        qs = qs.filter(court_id=court)
    return qs


def visit_plan_get(user: Any, pk: Any, action: str = policy.VIEW) -> VisitPlan:
    return policy.get_or_404(
        user,
        VisitPlan.objects.select_related("court", "questionnaire", "drawn_by"),
        pk,
        action,
    )


def plan_courts(plan: VisitPlan) -> list[Court]:
    return list(plan.courts.order_by("path").only("id", "name", "code", "path"))


def plan_sample(user: Any, plan: VisitPlan) -> list[SampledCase]:
    """The plan's sampled cases in drawing order, with how many visits each had and how many
    reported a problem: one query."""
    standing = Q(visits__voided_at__isnull=True)
    return list(
        policy.scope(user, SampledCase.objects.filter(plan=plan))
        .select_related("case", "court")
        .annotate(
            visit_count=Count("visits", filter=standing),
            problem_count=Count("visits", filter=standing & Q(visits__has_problem=True)),
        )
        .order_by("position")
    )


def plan_visits(user: Any, plan: VisitPlan) -> QuerySet[Visit]:
    return policy.scope(user, Visit.objects.filter(plan=plan)).select_related(
        "sampled__case", "court"
    )


@dataclass(frozen=True)
class StratumRow:
    key: str
    court: str
    case_type: str
    eligible: int
    drawn: int


def strata_rows(plan: VisitPlan, courts: list[Court]) -> list[StratumRow]:
    """The stored per-stratum table with court names and case type labels."""
    from integrity.org.models import Case

    names = {court.pk: court.name for court in courts}
    labels = dict(Case.Type.choices)
    return [
        StratumRow(
            key,
            names.get(row.get("court"), str(row.get("court"))),
            str(labels.get(row.get("case_type"), row.get("case_type"))),
            row.get("eligible", 0),
            row.get("drawn", 0),
        )
        for key, row in sorted((plan.strata or {}).items())
    ]


# --- visits -----------------------------------------------------------------------------------
def sampled_get(user: Any, pk: Any, action: str = policy.VIEW) -> SampledCase:
    return policy.get_or_404(
        user,
        SampledCase.objects.select_related(
            "case", "case__presiding_judge", "court", "plan", "plan__questionnaire"
        ),
        pk,
        action,
    )


def visit_list(user: Any, *, plan: int | None = None, problem: bool | None = None) -> QuerySet:
    qs = policy.scope(user, Visit.objects.select_related("sampled__case", "court", "plan"))
    if plan:
        qs = qs.filter(plan_id=plan)
    if problem is not None:
        qs = qs.filter(has_problem=problem)
    return qs


def visit_get(user: Any, pk: Any, action: str = policy.VIEW) -> Visit:
    return policy.get_or_404(
        user,
        Visit.objects.select_related(
            "plan", "plan__questionnaire", "sampled__case__presiding_judge", "court"
        ),
        pk,
        action,
    )


def case_contacts(sampled: SampledCase) -> dict[str, list[str]]:
    """The names of the case's parties and agents, offered as suggestions for whom to ask
    (the case is reached through the sampled case, itself in scope)."""
    parties = list(CaseParty.objects.filter(case_id=sampled.case_id).values_list("name", flat=True))
    agents = list(CaseAgent.objects.filter(case_id=sampled.case_id).values_list("name", flat=True))
    return {"party": parties, "agent": agents}


def visit_clue_visible(user: Any, visit: Visit) -> tuple[bool, Clue | None]:
    """Whether a clue was raised from the visit, and that clue if the user may see it (a clue
    about a court leader, say, exists but stays hidden)."""
    from ..services.visits import visit_clue

    clue = visit_clue(visit)
    if clue is None:
        return False, None
    shown = policy.scope(user, Clue.objects.filter(pk=clue.pk)).first()
    return True, shown


def visible_clues_of(user: Any, visits: list[Visit]) -> dict[int, int]:
    """For a page of visits: visit id → id of the clue raised from it, where the user may see
    that clue. One query."""
    from django.contrib.contenttypes.models import ContentType

    ids = [visit.pk for visit in visits]
    if not ids:
        return {}
    rows = policy.scope(
        user,
        Clue.objects.filter(
            source_type=ContentType.objects.get_for_model(Visit), source_id__in=ids
        ),
    ).values_list("source_id", "pk")
    return dict(rows)
