"""Inspections (督察/巡查), their problem lists and rectification (整改清单), and look-back
checks (回头看): every write, checked, validated, saved and audited in one transaction.

The team's access: members (often from a higher or another court) reach the inspected units
through temporary role assignments valid only between the inspection's start and end dates
(one per member and target, ``granted_for="inspection:<pk>"``), and the inspection itself by
object grant. :func:`sync_team_access` keeps both in line with the team, the targets, the
dates and the status; a voided or closed inspection ends them at once."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from integrity.access import policy
from integrity.access.models import Role, RoleAssignment
from integrity.audit import events
from integrity.concurrency import claim_version
from integrity.org.models import Court, Department
from ledgers.models import Attachment
from ledgers.services import store_attachment

from ..models import (
    Finding,
    Inspection,
    InspectionTarget,
    InspectionUserObjectPermission,
    LookBackCheck,
    RectificationReport,
    TeamMember,
)
from .common import action, refuse_void, today, user_or_none
from .common import void as void_record

INSPECTION_FIELDS = ("court", "number", "title", "kind", "starts_on", "ends_on", "scope")
FINDING_FIELDS = (
    "court",
    "department",
    "responsible_staff",
    "category",
    "severity",
    "description",
    "rectification_required",
    "deadline",
)

S = Inspection.Status
F = Finding.Status

# --- the workflows, as tables ----------------------------------------------------------------
# Inspection status: planned → in progress → rectification → closed (an inspection that found
# nothing closes straight from "in progress").
INSPECTION_STEPS: dict[str, tuple[str, ...]] = {
    S.PLANNED: (S.IN_PROGRESS,),
    S.IN_PROGRESS: (S.RECTIFYING, S.CLOSED),
    S.RECTIFYING: (S.CLOSED,),
    S.CLOSED: (),
}


@dataclass(frozen=True)
class Step:
    sources: tuple[str, ...]
    target: str
    action: str  # the policy action the step needs on the finding


# The rectification item: the responsible unit reports (CHANGE), the inspector closes (销号) or
# returns it with a reason (MANAGE). Only a reported item can be closed or returned.
FINDING_STEPS: dict[str, Step] = {
    "report": Step((F.OPEN, F.RETURNED), F.REPORTED, policy.CHANGE),
    "close": Step((F.REPORTED,), F.CLOSED, policy.MANAGE),
    "return": Step((F.REPORTED,), F.RETURNED, policy.MANAGE),
}

# Findings are entered while the inspection runs or its rectification is followed.
FINDINGS_OPEN_IN = (S.IN_PROGRESS, S.RECTIFYING)

TEAM_CODENAMES = ("view_inspection", "change_inspection", "manage_inspection")
ENDED_CODENAMES = ("view_inspection",)


def grant_key(inspection: Inspection) -> str:
    return f"inspection:{inspection.pk}"


# --- targets and team ------------------------------------------------------------------------
Target = tuple[Court, Department | None]
Member = tuple[Any, str]  # (user, TeamMember.Function)


def _target_rows(inspection: Inspection, targets: Iterable[Target]) -> list[InspectionTarget]:
    rows, seen = [], set()
    for court, department in targets:
        key = (court.pk, department.pk if department else None)
        if key in seen:
            continue
        seen.add(key)
        row = InspectionTarget(inspection=inspection, court=court, department=department)
        row.full_clean(exclude=["inspection"], validate_constraints=False)
        rows.append(row)
    # A whole court inspected makes a department of it redundant.
    whole = {court for court, department in seen if department is None}
    return [row for row in rows if row.department_id is None or row.court_id not in whole]


def _set_targets(inspection: Inspection, targets: Iterable[Target]) -> dict[str, list]:
    wanted = _target_rows(inspection, targets)
    if not wanted:
        raise ValidationError({"targets": [_("Name at least one court or department.")]})
    current = {(t.court_id, t.department_id): t for t in inspection.targets.all()}
    wanted_keys = {(t.court_id, t.department_id) for t in wanted}
    removed = [key for key in current if key not in wanted_keys]
    added = [t for t in wanted if (t.court_id, t.department_id) not in current]
    if removed:
        # A target is a plain link row without history of its own; its change is audited on
        # the inspection (before/after lists).
        ids = [current[key].pk for key in removed]
        InspectionTarget.objects.filter(pk__in=ids).delete()
    InspectionTarget.objects.bulk_create(added)
    return {
        "targets": [
            sorted(_label(k) for k in current),
            sorted(_label(k) for k in wanted_keys),
        ]
    }


def _label(key: tuple[int, int | None]) -> str:
    return f"{key[0]}" if key[1] is None else f"{key[0]}/{key[1]}"


def _set_team(inspection: Inspection, team: Iterable[Member]) -> dict[str, list]:
    wanted: dict[int, tuple[Any, str]] = {}
    for user, function in team:
        if function not in TeamMember.Function.values:
            raise ValidationError({"team": [_("Unknown team function.")]})
        if not user.is_active:
            raise ValidationError(
                {"team": [_("%(user)s cannot log in and cannot join the team.") % {"user": user}]}
            )
        wanted[user.pk] = (user, function)
    if not wanted:
        raise ValidationError({"team": [_("The team needs at least one member.")]})
    leaders = [pk for pk, (_u, f) in wanted.items() if f == TeamMember.Function.LEADER]
    if len(leaders) != 1:
        raise ValidationError({"team": [_("The team has exactly one team leader.")]})
    current = {m.user_id: m for m in inspection.team.all()}
    before = sorted(f"{pk}:{m.function}" for pk, m in current.items())
    gone = [pk for pk in current if pk not in wanted]
    if gone:
        # Membership is audited on the inspection; the temporary assignments it gave are
        # deactivated, never deleted (sync_team_access).
        TeamMember.objects.filter(inspection=inspection, user_id__in=gone).delete()
    for pk, (user, function) in wanted.items():
        member = current.get(pk)
        if member is None:
            TeamMember.objects.create(inspection=inspection, user=user, function=function)
        elif member.function != function:
            member.function = function
            member.save(update_fields=["function"])
    after = sorted(f"{pk}:{function}" for pk, (_u, function) in wanted.items())
    return {"team": [before, after]} if before != after else {}


def sync_team_access(inspection: Inspection) -> dict[str, int]:
    """Make the team's temporary role assignments and object grants match the inspection.

    Each member holds the supervisor role at each target (court, or department of it) from
    ``starts_on`` to ``ends_on``; a voided or closed inspection gives none. Assignments no
    longer wanted are deactivated (never deleted). Every member has the view, change and manage
    grants on the inspection; once it is voided or closed, only the view grant."""
    key = grant_key(inspection)
    ended = inspection.is_void or inspection.status == S.CLOSED
    members = list(inspection.team.values_list("user_id", flat=True))
    targets = list(inspection.targets.values_list("court_id", "department_id"))
    wanted = set() if ended else {(u, c, d) for u in members for c, d in targets}
    existing = {
        (a.user_id, a.court_id, a.department_id): a
        for a in RoleAssignment.objects.filter(granted_for=key, role=Role.SUPERVISOR)
    }
    created = changed = ended_count = 0
    new_rows = []
    for user_id, court_id, department_id in sorted(wanted, key=lambda t: (t[0], t[1], t[2] or 0)):
        row = existing.get((user_id, court_id, department_id))
        if row is None:
            new_rows.append(
                RoleAssignment(
                    user_id=user_id,
                    role=Role.SUPERVISOR,
                    court_id=court_id,
                    department_id=department_id,
                    valid_from=inspection.starts_on,
                    valid_until=inspection.ends_on,
                    granted_for=key,
                )
            )
        elif (row.is_active, row.valid_from, row.valid_until) != (
            True,
            inspection.starts_on,
            inspection.ends_on,
        ):
            row.is_active = True
            row.valid_from, row.valid_until = inspection.starts_on, inspection.ends_on
            row.save(update_fields=["is_active", "valid_from", "valid_until", "updated_at"])
            changed += 1
    RoleAssignment.objects.bulk_create(new_rows)
    created = len(new_rows)
    stale = [a.pk for k, a in existing.items() if k not in wanted and a.is_active]
    if stale:
        ended_count = RoleAssignment.objects.filter(pk__in=stale).update(
            is_active=False, updated_at=timezone.now()
        )
    _sync_grants(inspection, members, ENDED_CODENAMES if ended else TEAM_CODENAMES)
    return {"created": created, "changed": changed, "ended": ended_count}


def _sync_grants(inspection: Inspection, members: Sequence[int], codenames: Sequence[str]) -> None:
    content_type = ContentType.objects.get_for_model(Inspection)
    permissions = dict(
        Permission.objects.filter(
            content_type=content_type, codename__in=TEAM_CODENAMES
        ).values_list("codename", "pk")
    )
    wanted = {(user_id, permissions[c]) for user_id in members for c in codenames}
    grants = InspectionUserObjectPermission.objects.filter(content_object=inspection)
    have = set(grants.values_list("user_id", "permission_id"))
    # A grant is the permission itself: withdrawing it is removing the row (audited on the
    # inspection as a team or status change).
    for user_id, permission_id in have - wanted:
        grants.filter(user_id=user_id, permission_id=permission_id).delete()
    InspectionUserObjectPermission.objects.bulk_create(
        InspectionUserObjectPermission(
            content_object=inspection, user_id=user_id, permission_id=permission_id
        )
        for user_id, permission_id in sorted(wanted - have)
    )


def _forget(users: Iterable[Any]) -> None:
    for user in users:
        if user is not None:
            policy.forget(user)


# --- inspections -----------------------------------------------------------------------------
def _check_fields(fields: Mapping[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise PermissionDenied(f"Fields not editable here: {', '.join(sorted(unknown))}")


@transaction.atomic
def inspection_create(
    *,
    actor: Any,
    fields: Mapping[str, Any],
    targets: Iterable[Target],
    team: Iterable[Member],
) -> Inspection:
    """Plan an inspection (supervision staff of the organising court, in their jurisdiction):
    what, when, whom it inspects and who inspects. The team gets its temporary access."""
    _check_fields(fields, INSPECTION_FIELDS)
    inspection = Inspection(entered_by=user_or_none(actor), status=S.PLANNED)
    events.apply(inspection, fields)
    inspection.full_clean()
    inspection.save()
    if not (actor is None or policy.can(actor, policy.CHANGE, inspection)):
        raise ValidationError({"court": [_("You may not run inspections for this court.")]})
    changes = events.diff({}, events.snapshot(inspection))
    changes.update(_set_targets(inspection, targets))
    changes.update(_set_team(inspection, team))
    sync_team_access(inspection)
    events.record(actor=actor, action=action(inspection, "create"), obj=inspection, changes=changes)
    _forget([actor])
    return inspection


@transaction.atomic
def inspection_update(
    *,
    actor: Any,
    inspection: Inspection,
    version: Any,
    fields: Mapping[str, Any] | None = None,
    targets: Iterable[Target] | None = None,
    team: Iterable[Member] | None = None,
) -> Inspection:
    """Correct the inspection, its targets or its team, based on ``version``. The team's
    temporary access follows the new dates, targets and members at once."""
    fields = dict(fields or {})
    _check_fields(fields, INSPECTION_FIELDS)
    policy.require(actor, policy.CHANGE, inspection)
    refuse_void(inspection)
    if inspection.status == S.CLOSED:
        raise ValidationError(_("A closed inspection can no longer be changed."))
    before = events.snapshot(inspection)
    claim_version(inspection, version)
    events.apply(inspection, fields)
    inspection.full_clean()
    inspection.save()
    policy.require(actor, policy.CHANGE, inspection)
    changes = events.diff(before, events.snapshot(inspection))
    changes.pop("version", None)
    if targets is not None:
        target_changes = _set_targets(inspection, targets)
        if target_changes["targets"][0] != target_changes["targets"][1]:
            changes.update(target_changes)
    if team is not None:
        changes.update(_set_team(inspection, team))
    sync_team_access(inspection)
    events.record(
        actor=actor,
        action=action(inspection, "update"),
        obj=inspection,
        changes={**changes, "version": [before["version"], inspection.version]},
    )
    _forget([actor])
    return inspection


def open_findings(inspection: Inspection) -> int:
    return inspection.findings.filter(voided_at__isnull=True).exclude(status=F.CLOSED).count()


@transaction.atomic
def inspection_transition(
    *, actor: Any, inspection: Inspection, version: Any, target: str
) -> Inspection:
    """Move the inspection along planned → in progress → rectification → closed. It closes
    only when every finding that stands (not voided) is closed (销号)."""
    policy.require(actor, policy.MANAGE, inspection)
    refuse_void(inspection)
    if target not in INSPECTION_STEPS.get(inspection.status, ()):
        raise ValidationError(
            _("An inspection in status “%(source)s” cannot move to “%(target)s”.")
            % {"source": inspection.get_status_display(), "target": target}
        )
    if target == S.CLOSED and open_findings(inspection):
        raise ValidationError(
            _("%(count)s finding(s) are not closed yet; close or void them first.")
            % {"count": open_findings(inspection)}
        )
    before = events.snapshot(inspection)
    claim_version(inspection, version)
    inspection.status = target
    inspection.closed_on = today() if target == S.CLOSED else None
    inspection.save(update_fields=["status", "closed_on", "version", "updated_at"])
    sync_team_access(inspection)
    events.record(
        actor=actor,
        action=action(inspection, "transition"),
        obj=inspection,
        changes=events.diff(before, events.snapshot(inspection)),
    )
    _forget([actor])
    return inspection


@transaction.atomic
def inspection_void(*, actor: Any, inspection: Inspection, version: Any, reason: str) -> Inspection:
    """Void an inspection entered by mistake; the team's temporary access ends at once."""
    void_record(actor=actor, obj=inspection, version=version, reason=reason)
    sync_team_access(inspection)
    _forget([actor])
    return inspection


# --- findings and their rectification --------------------------------------------------------
def _check_target(inspection: Inspection, finding: Finding) -> None:
    """The responsible unit is one the inspection looks at."""
    for court_id, department_id in inspection.targets.values_list("court_id", "department_id"):
        if court_id == finding.court_id and department_id in (None, finding.department_id):
            return
    raise ValidationError(
        {"court": [_("The responsible unit is not one this inspection looks at.")]}
    )


def _refuse_frozen(inspection: Inspection) -> None:
    if inspection.is_void:
        raise ValidationError(_("The inspection has been voided; its findings cannot change."))
    if inspection.status == S.CLOSED:
        raise ValidationError(_("The inspection is closed; its findings cannot change."))


@transaction.atomic
def finding_create(*, actor: Any, inspection: Inspection, fields: Mapping[str, Any]) -> Finding:
    """Enter an item of the problem list (the inspectors: supervision staff in jurisdiction,
    including the visiting team through its temporary access). Numbered per inspection."""
    _check_fields(fields, FINDING_FIELDS)
    policy.require(actor, policy.VIEW, inspection)
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _refuse_frozen(locked)
    if locked.status not in FINDINGS_OPEN_IN:
        raise ValidationError(_("Findings are entered once the inspection is in progress."))
    finding = Finding(inspection=locked, entered_by=user_or_none(actor), status=F.OPEN)
    events.apply(finding, fields)
    if finding.responsible_staff_id and not finding.court_id:
        finding.court_id = finding.responsible_staff.court_id
    finding.full_clean(exclude=["sequence"])
    _check_target(locked, finding)
    highest = locked.findings.aggregate(top=Max("sequence"))["top"] or 0
    finding.sequence = highest + 1
    finding.save()
    if not (actor is None or policy.can(actor, policy.MANAGE, finding)):
        raise ValidationError(
            {"court": [_("You may not enter findings for this court or department.")]}
        )
    events.record(
        actor=actor,
        action=action(finding, "create"),
        obj=finding,
        changes=events.diff({}, events.snapshot(finding)),
    )
    return finding


@transaction.atomic
def finding_update(
    *, actor: Any, finding: Finding, version: Any, fields: Mapping[str, Any]
) -> Finding:
    """Correct a finding (the inspectors), based on ``version``; not once it is closed."""
    _check_fields(fields, FINDING_FIELDS)
    policy.require(actor, policy.MANAGE, finding)
    refuse_void(finding)
    _refuse_frozen(finding.inspection)
    if finding.status == F.CLOSED:
        raise ValidationError(_("A closed finding can no longer be changed."))
    before = events.snapshot(finding)
    claim_version(finding, version)
    events.apply(finding, fields)
    finding.full_clean()
    _check_target(finding.inspection, finding)
    finding.save()
    policy.require(actor, policy.MANAGE, finding)
    events.record(
        actor=actor,
        action=action(finding, "update"),
        obj=finding,
        changes=events.diff(before, events.snapshot(finding)),
    )
    return finding


@transaction.atomic
def finding_void(*, actor: Any, finding: Finding, version: Any, reason: str) -> Finding:
    """Void a finding entered by mistake, with a reason; it stays visible."""
    _refuse_frozen(finding.inspection)
    void_record(actor=actor, obj=finding, version=version, reason=reason)
    return finding


def _step(actor: Any, finding: Finding, name: str) -> Step:
    step = FINDING_STEPS[name]
    policy.require(actor, policy.VIEW, finding)
    refuse_void(finding)
    _refuse_frozen(finding.inspection)
    if finding.status not in step.sources:
        raise ValidationError(
            _("A finding in status “%(source)s” cannot be %(step)s.")
            % {"source": finding.get_status_display(), "step": STEP_LABELS[name]}
        )
    policy.require(actor, step.action, finding)
    return step


STEP_LABELS = {
    "report": gettext_lazy("reported"),
    "close": gettext_lazy("closed"),
    "return": gettext_lazy("returned"),
}


def _audit_step(actor: Any, finding: Finding, before: dict, verb: str, **extra: Any) -> None:
    changes = events.diff(before, events.snapshot(finding))
    changes.update(extra.pop("changes", {}))
    events.record(actor=actor, action=action(finding, verb), obj=finding, changes=changes, **extra)


def _store_evidence(actor: Any, report: RectificationReport, upload: File, description: str):
    attachment = store_attachment(
        actor=actor, record=report, upload=upload, description=description
    )
    return {
        "attachment": attachment.pk,
        "file": attachment.original_name,
        "type": attachment.mime_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
    }


@transaction.atomic
def finding_report(
    *,
    actor: Any,
    finding: Finding,
    version: Any,
    measures: str,
    completed_on: Any,
    evidence: Iterable[tuple[File, str]] = (),
) -> RectificationReport:
    """The responsible unit reports what it did (with evidence files); the item then awaits
    the inspectors' verification."""
    _step(actor, finding, "report")
    before = events.snapshot(finding)
    claim_version(finding, version)
    report = RectificationReport(
        finding=finding,
        measures=(measures or "").strip(),
        completed_on=completed_on,
        reported_by=user_or_none(actor),
    )
    report.full_clean(exclude=["reported_by"])  # None when the system reports (demo, import)
    report.save()
    files = [_store_evidence(actor, report, upload, text) for upload, text in evidence]
    finding.status = F.REPORTED
    finding.save(update_fields=["status", "version", "updated_at"])
    _audit_step(
        actor,
        finding,
        before,
        "report",
        changes={"report": report.pk, "measures": report.measures, "evidence": files},
    )
    return report


def latest_report(finding: Finding) -> RectificationReport | None:
    return finding.reports.order_by("-id").first()


@transaction.atomic
def report_evidence_add(
    *, actor: Any, report: RectificationReport, upload: File, description: str = ""
) -> Attachment:
    """Add an evidence file to a report still awaiting verification."""
    policy.require(actor, policy.CHANGE, report)
    finding = report.finding
    refuse_void(finding)
    _refuse_frozen(finding.inspection)
    if report.outcome != RectificationReport.Outcome.SUBMITTED:
        raise ValidationError(_("This report has been verified; add evidence to a new report."))
    changes = _store_evidence(actor, report, upload, description)
    events.record(
        actor=actor,
        action=action(finding, "evidence.add"),
        obj=finding,
        changes={"report": report.pk, **changes},
    )
    return Attachment.objects.get(pk=changes["attachment"])


def _review(actor: Any, finding: Finding, outcome: str, note: str) -> RectificationReport:
    report = latest_report(finding)
    if report is None or report.outcome != RectificationReport.Outcome.SUBMITTED:
        raise ValidationError(_("There is no report awaiting verification."))
    report.outcome = outcome
    report.reviewed_by = user_or_none(actor)
    report.reviewed_at = timezone.now()
    report.review_note = note
    report.save(update_fields=["outcome", "reviewed_by", "reviewed_at", "review_note"])
    return report


@transaction.atomic
def finding_close(*, actor: Any, finding: Finding, version: Any, note: str = "") -> Finding:
    """The inspector verifies the report and closes the item (销号)."""
    _step(actor, finding, "close")
    before = events.snapshot(finding)
    claim_version(finding, version)
    report = _review(actor, finding, RectificationReport.Outcome.ACCEPTED, (note or "").strip())
    finding.status = F.CLOSED
    finding.closed_on = today()
    finding.closed_by = user_or_none(actor)
    finding.save(update_fields=["status", "closed_on", "closed_by", "version", "updated_at"])
    _audit_step(actor, finding, before, "close", changes={"report": report.pk}, reason=note)
    return finding


@transaction.atomic
def finding_return(*, actor: Any, finding: Finding, version: Any, reason: str) -> Finding:
    """The inspector returns the report with a reason: the unit rectifies and reports again."""
    _step(actor, finding, "return")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for returning the report.")]})
    before = events.snapshot(finding)
    claim_version(finding, version)
    report = _review(actor, finding, RectificationReport.Outcome.RETURNED, reason)
    finding.status = F.RETURNED
    finding.times_returned += 1
    finding.save(update_fields=["status", "times_returned", "version", "updated_at"])
    _audit_step(actor, finding, before, "return", changes={"report": report.pk}, reason=reason)
    return finding


# --- look-back (回头看) -------------------------------------------------------------------------
@transaction.atomic
def look_back_record(
    *, actor: Any, inspection: Inspection, finding: Finding, result: str, note: str = ""
) -> LookBackCheck:
    """Record whether an earlier finding's rectification held (回头看). Recording again
    replaces the verdict; both are in the audit trail."""
    from ..selectors.inspections import look_back_findings

    policy.require(actor, policy.MANAGE, inspection)
    refuse_void(inspection)
    if inspection.kind != Inspection.Kind.LOOK_BACK:
        raise ValidationError(_("Only a look-back inspection re-checks earlier findings."))
    if inspection.status == S.CLOSED:
        raise ValidationError(_("A closed inspection can no longer be changed."))
    if not look_back_findings(None, inspection).filter(pk=finding.pk).exists():
        raise ValidationError(
            {"finding": [_("This finding is not an earlier finding of the inspected units.")]}
        )
    check = LookBackCheck.objects.filter(inspection=inspection, finding=finding).first()
    before = events.snapshot(check) if check else {}
    if check is None:
        check = LookBackCheck(inspection=inspection, finding=finding)
    check.result = result
    check.note = (note or "").strip()
    check.checked_by = user_or_none(actor)
    check.checked_on = today()
    check.full_clean(exclude=["checked_by"])  # None when the system records it
    check.save()
    events.record(
        actor=actor,
        action=action(inspection, "look_back"),
        obj=inspection,
        changes={"finding": finding.pk, **events.diff(before, events.snapshot(check))},
    )
    return check
