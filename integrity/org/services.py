"""Every write to the organisation and the case registry: validate, save, audit, in one
transaction. Pages, the admin, the API, imports and the demo seeder all call these."""

from typing import Any

from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr

from integrity.access import policy
from integrity.audit import events

from .models import Case, CaseAgent, CaseParty, Court, Department, StaffMember


@transaction.atomic
def court_create(*, actor: Any, **fields: Any) -> Court:
    """Create a court; its materialised path follows from its parent."""
    court = Court(**fields)
    court.full_clean(exclude=["path"])
    court.save()
    court.path = (court.parent.path if court.parent_id else "") + court.segment()
    Court.objects.filter(pk=court.pk).update(path=court.path)
    policy.require(actor, policy.CHANGE, court)
    events.record(
        actor=actor,
        action="org.court.create",
        obj=court,
        changes=events.diff({}, events.snapshot(court)),
    )
    return court


@transaction.atomic
def court_update(*, actor: Any, court: Court, **fields: Any) -> Court:
    """Change a court. Moving it to another parent re-paths its whole subtree in one query."""
    policy.require(actor, policy.CHANGE, court)
    old_path = court.path
    before = events.snapshot(court)
    events.apply(court, fields)
    court.full_clean(exclude=["path"])
    new_path = (court.parent.path if court.parent_id else "") + court.segment()
    court.path = new_path
    court.save()
    if new_path != old_path:
        Court.objects.filter(path__startswith=old_path).exclude(pk=court.pk).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1))
        )
    policy.require(actor, policy.CHANGE, court)
    changes = events.diff(before, events.snapshot(court))
    if changes:
        events.record(actor=actor, action="org.court.update", obj=court, changes=changes)
    return court


@transaction.atomic
def department_save(
    *, actor: Any, department: Department | None = None, **fields: Any
) -> Department:
    verb = "update" if department and department.pk else "create"
    return events.save_audited(
        actor=actor, instance=department or Department(), fields=fields, verb=verb
    )


@transaction.atomic
def staff_save(*, actor: Any, staff: StaffMember | None = None, **fields: Any) -> StaffMember:
    verb = "update" if staff and staff.pk else "create"
    return events.save_audited(
        actor=actor, instance=staff or StaffMember(), fields=fields, verb=verb
    )


@transaction.atomic
def case_save(
    *, actor: Any, case: Case | None = None, panel: list[StaffMember] | None = None, **fields: Any
) -> Case:
    """Create or change a registry case; the case number is normalised (full-width → half)."""
    verb = "update" if case and case.pk else "create"
    case = events.save_audited(actor=actor, instance=case or Case(), fields=fields, verb=verb)
    if panel is not None:
        before = sorted(case.panel.values_list("pk", flat=True))
        after = sorted(member.pk for member in panel)
        if before != after:
            case.panel.set(panel)
            events.record(
                actor=actor, action="org.case.panel", obj=case, changes={"panel": [before, after]}
            )
    return case


@transaction.atomic
def case_party_save(*, actor: Any, party: CaseParty | None = None, **fields: Any) -> CaseParty:
    verb = "update" if party and party.pk else "create"
    return events.save_audited(actor=actor, instance=party or CaseParty(), fields=fields, verb=verb)


@transaction.atomic
def case_agent_save(*, actor: Any, agent: CaseAgent | None = None, **fields: Any) -> CaseAgent:
    verb = "update" if agent and agent.pk else "create"
    return events.save_audited(actor=actor, instance=agent or CaseAgent(), fields=fields, verb=verb)
