"""Builders shared by tests/inspections/test_inspections_*.py: an inspection by the province's
supervision bureau of 和平 (辽0102) with a visiting team member from 沈阳 (辽01) who holds no
other role, and findings in any state."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from inspections.models import Finding, Inspection, TeamMember
from inspections.services import inspections as services
from ledgers import services as ledger_services
from ledgers.models import InterferenceRecord

from ..factories import StaffMemberFactory, UserFactory

D = dt.date
PDF = b"%PDF-1.4\n% evidence\n" + b"0" * 64


def today() -> dt.date:
    return timezone.localdate()


def days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


def visitor(province, username: str = "visitor") -> Any:
    """A supervisor of 沈阳 (辽01) in name only: a login with no role assignment at all."""
    staff = StaffMemberFactory(
        court=province.courts["shenyang"],
        department=province.departments["shenyang"],
        name="巡查员",
    )
    return UserFactory(username=username, staff=staff)


def make_inspection(
    actor: Any,
    province,
    *,
    starts: dt.date | None = None,
    ends: dt.date | None = None,
    targets: list | None = None,
    team: list | None = None,
    kind: str = Inspection.Kind.ROUTINE,
    status: str | None = Inspection.Status.IN_PROGRESS,
    title: str = "2026年第一轮司法巡查",
) -> Inspection:
    c = province.courts
    inspection = services.inspection_create(
        actor=actor,
        fields={
            "court": c["high"],
            "number": "辽高法督〔2026〕1号",
            "title": title,
            "kind": kind,
            "starts_on": starts or days(-5),
            "ends_on": ends or days(25),
            "scope": "审判执行工作、三个规定落实情况",
        },
        targets=targets if targets is not None else [(c["heping"], None)],
        team=team if team is not None else [(actor, TeamMember.Function.LEADER)],
    )
    if status in (Inspection.Status.IN_PROGRESS, Inspection.Status.RECTIFYING):
        inspection = services.inspection_transition(
            actor=None,
            inspection=inspection,
            version=inspection.version,
            target=Inspection.Status.IN_PROGRESS,
        )
    if status == Inspection.Status.RECTIFYING:
        inspection = services.inspection_transition(
            actor=None,
            inspection=inspection,
            version=inspection.version,
            target=Inspection.Status.RECTIFYING,
        )
    return inspection


def make_finding(
    actor: Any, inspection: Inspection, province, *, deadline: dt.date | None = None, **fields
) -> Finding:
    values = {
        "court": province.courts["heping"],
        "department": province.departments["heping"],
        "responsible_staff": province.staff["heping"],
        "category": Finding.Category.THREE_RULES,
        "severity": Finding.Severity.MINOR,
        "description": "过问案件未登记",
        "rectification_required": "补登记并开展专题教育",
        "deadline": deadline or days(30),
        **fields,
    }
    return services.finding_create(actor=actor, inspection=inspection, fields=values)


def report(actor: Any, finding: Finding, measures: str = "已补登记") -> Finding:
    finding.refresh_from_db()
    services.finding_report(
        actor=actor,
        finding=finding,
        version=finding.version,
        measures=measures,
        completed_on=today(),
    )
    finding.refresh_from_db()
    return finding


def inquiry(province, key: str = "heping") -> InterferenceRecord:
    return ledger_services.ledger_create(
        actor=None,
        model=InterferenceRecord,
        fields={
            "court": province.courts[key],
            "department": province.departments[key],
            "staff": province.staff[key],
            "case_number": province.cases[key].number,
            "interferer_kind": InterferenceRecord.InterfererKind.OTHER,
            "interferer_name": "王某",
            "occurred_on": D(2025, 3, 5),
            "method": InterferenceRecord.Method.PHONE,
            "content": "打听案情",
        },
    )
