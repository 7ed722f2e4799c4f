"""The visiting team's temporary access starts and ends with the inspection (issue 5, item 1):
a team member from another court reaches the inspected units' ledger records and findings
only from ``starts_on`` to ``ends_on``, never a court that is not a target, and not at all
once the inspection is voided. "Today" is controlled by dates relative to localdate()."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from inspections.models import Finding, Inspection, InspectionUserObjectPermission, TeamMember
from inspections.services import inspections as services
from integrity.access import policy
from integrity.access.models import Role, RoleAssignment
from integrity.audit.models import AuditEvent
from integrity.concurrency import StaleEdit
from ledgers.models import InterferenceRecord

from .inspection_builders import days, inquiry, make_finding, make_inspection, visitor

pytestmark = pytest.mark.django_db

LEADER, MEMBER = TeamMember.Function.LEADER, TeamMember.Function.MEMBER


def sees(user, obj) -> bool:
    policy.forget(user)
    return policy.can(user, policy.VIEW, obj)


@pytest.mark.parametrize(
    ("starts", "ends", "reaches"),
    [
        (1, 10, False),  # the day before starts_on
        (0, 10, True),  # on starts_on
        (-10, 0, True),  # on ends_on
        (-10, -1, False),  # the day after ends_on
    ],
    ids=["day-before-start", "start-day", "end-day", "day-after-end"],
)
def test_team_reaches_targets_only_during_the_inspection(province, logins, starts, ends, reaches):
    # Given a team member from 沈阳 with no role of their own, on an inspection of 和平
    member = visitor(province)
    record = inquiry(province)
    elsewhere = inquiry(province, "shenhe")  # 沈河: not a target
    inspection = make_inspection(
        logins.supervisor,
        province,
        starts=days(starts),
        ends=days(ends),
        team=[(logins.supervisor, LEADER), (member, MEMBER)],
        status=Inspection.Status.PLANNED,
    )
    services.inspection_transition(
        actor=logins.supervisor,
        inspection=inspection,
        version=inspection.version,
        target=Inspection.Status.IN_PROGRESS,
    )
    finding = make_finding(logins.supervisor, inspection, province)
    # Then the target's ledger record and findings are theirs exactly within the dates
    assert sees(member, record) is reaches
    assert sees(member, finding) is reaches
    assert policy.can(member, policy.MANAGE, finding) is reaches
    # and a court that is not a target never
    assert sees(member, elsewhere) is False
    # while the inspection itself is theirs by object grant throughout
    assert sees(member, inspection) is True


def test_voiding_ends_the_access_at_once(province, logins):
    member = visitor(province)
    record = inquiry(province)
    inspection = make_inspection(
        logins.supervisor, province, team=[(logins.supervisor, LEADER), (member, MEMBER)]
    )
    assert sees(member, record)
    services.inspection_void(
        actor=logins.supervisor,
        inspection=inspection,
        version=inspection.version,
        reason="重复立项",
    )
    assert not sees(member, record)
    rows = RoleAssignment.objects.filter(granted_for=f"inspection:{inspection.pk}", user=member)
    assert rows.count() == 1
    assert not rows.get().is_active
    assert not policy.can(member, policy.CHANGE, inspection)


def test_department_target_reaches_only_that_department(province, logins):
    member = visitor(province)
    civil, criminal = province.departments["heping"], province.departments["heping_criminal"]
    in_civil = inquiry(province)
    in_criminal = InterferenceRecord.objects.create(
        court=province.courts["heping"],
        department=criminal,
        staff=province.staff["heping_criminal"],
        interferer_kind=InterferenceRecord.InterfererKind.OTHER,
        interferer_name="李某",
        occurred_on=days(-1),
        method=InterferenceRecord.Method.PHONE,
        content="打听",
    )
    make_inspection(
        logins.supervisor,
        province,
        targets=[(province.courts["heping"], civil)],
        team=[(logins.supervisor, LEADER), (member, MEMBER)],
    )
    assert sees(member, in_civil)
    assert not sees(member, in_criminal)


def test_team_and_target_changes_keep_access_in_sync(province, logins):
    member = visitor(province)
    other = visitor(province, "visitor2")
    heping_record, shenhe_record = inquiry(province), inquiry(province, "shenhe")
    inspection = make_inspection(
        logins.supervisor, province, team=[(logins.supervisor, LEADER), (member, MEMBER)]
    )
    # When the team and the targets change
    services.inspection_update(
        actor=logins.supervisor,
        inspection=inspection,
        version=inspection.version,
        targets=[(province.courts["shenhe"], None)],
        team=[(logins.supervisor, LEADER), (other, MEMBER)],
    )
    # Then the removed member loses everything, the new one reaches the new target only
    assert not sees(member, heping_record)
    assert not sees(member, inspection)
    assert sees(other, shenhe_record)
    assert not sees(other, heping_record)
    assert sees(other, inspection)
    # and the change is audited on the inspection
    event = AuditEvent.objects.filter(action="inspections.inspection.update").latest("seq")
    assert "team" in event.changes
    assert "targets" in event.changes
    # When the dates move into the future, the access waits for them
    inspection.refresh_from_db()
    services.inspection_update(
        actor=logins.supervisor,
        inspection=inspection,
        version=inspection.version,
        fields={"starts_on": days(3), "ends_on": days(9)},
    )
    assert not sees(other, shenhe_record)


def test_closing_ends_the_access_and_keeps_a_view_grant(province, logins):
    member = visitor(province)
    record = inquiry(province)
    inspection = make_inspection(
        logins.supervisor, province, team=[(logins.supervisor, LEADER), (member, MEMBER)]
    )
    services.inspection_transition(
        actor=logins.supervisor,
        inspection=inspection,
        version=inspection.version,
        target=Inspection.Status.CLOSED,
    )
    assert not sees(member, record)
    assert sees(member, inspection)
    codes = set(
        InspectionUserObjectPermission.objects.filter(user=member).values_list(
            "permission__codename", flat=True
        )
    )
    assert codes == {"view_inspection"}


def test_only_supervision_staff_in_jurisdiction_plan_inspections(province, logins):
    for actor in (logins.officer, logins.leader, logins.staff, logins.outsider):
        with pytest.raises((ValidationError, PermissionDenied)):
            make_inspection(actor, province)
    assert not Inspection.objects.exists()


def test_stale_edit_is_refused_and_changes_nothing(province, logins):
    inspection = make_inspection(logins.supervisor, province)
    old = inspection.version
    services.inspection_update(
        actor=logins.supervisor, inspection=inspection, version=old, fields={"title": "新标题"}
    )
    stale = Inspection.objects.get(pk=inspection.pk)
    with pytest.raises(StaleEdit):
        services.inspection_update(
            actor=logins.supervisor, inspection=stale, version=old, fields={"title": "又一个"}
        )
    assert Inspection.objects.get(pk=inspection.pk).title == "新标题"


@pytest.mark.parametrize(
    ("source", "target", "allowed"),
    [
        ("planned", "in_progress", True),
        ("planned", "rectifying", False),
        ("planned", "closed", False),
        ("in_progress", "rectifying", True),
        ("in_progress", "closed", True),
        ("rectifying", "closed", True),
        ("rectifying", "in_progress", False),
        ("closed", "in_progress", False),
    ],
)
def test_inspection_transition_table(province, logins, source, target, allowed):
    inspection = make_inspection(logins.supervisor, province, status=Inspection.Status.PLANNED)
    Inspection.objects.filter(pk=inspection.pk).update(status=source)
    inspection.refresh_from_db()
    call = lambda: services.inspection_transition(  # noqa: E731
        actor=logins.supervisor, inspection=inspection, version=inspection.version, target=target
    )
    if allowed:
        assert call().status == target
    else:
        with pytest.raises(ValidationError):
            call()


def test_close_only_when_every_standing_finding_is_closed(province, logins):
    inspection = make_inspection(logins.supervisor, province)
    finding = make_finding(logins.supervisor, inspection, province)
    voided = make_finding(logins.supervisor, inspection, province)
    services.finding_void(
        actor=logins.supervisor, finding=voided, version=voided.version, reason="重复"
    )
    inspection.refresh_from_db()
    with pytest.raises(ValidationError):
        services.inspection_transition(
            actor=logins.supervisor,
            inspection=inspection,
            version=inspection.version,
            target=Inspection.Status.CLOSED,
        )
    Finding.objects.filter(pk=finding.pk).update(status=Finding.Status.CLOSED)
    inspection.refresh_from_db()
    closed = services.inspection_transition(
        actor=logins.supervisor,
        inspection=inspection,
        version=inspection.version,
        target=Inspection.Status.CLOSED,
    )
    assert closed.status == Inspection.Status.CLOSED
    assert closed.closed_on is not None


def test_temporary_assignments_carry_role_dates_and_key(province, logins):
    member = visitor(province)
    inspection = make_inspection(
        logins.supervisor, province, team=[(logins.supervisor, LEADER), (member, MEMBER)]
    )
    row = RoleAssignment.objects.get(user=member)
    assert (row.role, row.court_id, row.department_id) == (
        Role.SUPERVISOR,
        province.courts["heping"].pk,
        None,
    )
    assert (row.valid_from, row.valid_until) == (inspection.starts_on, inspection.ends_on)
    assert row.granted_for == f"inspection:{inspection.pk}"
