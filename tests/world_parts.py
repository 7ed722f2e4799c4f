"""Pieces of a test world that the access matrix (tests/access/matrix_world.py) and the API
fuzzing (tests/api/fuzz_world.py) both build at each of their courts, through the services."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from inspections.models import Finding, Inspection, TeamMember
from inspections.services import inspections as inspection_services
from integrity.org import services as org_services
from integrity.org.models import Case, CaseParty, Court
from ledgers.alerts.models import Alert
from ledgers.alerts.services import Finding as ConflictFinding
from ledgers.alerts.services import raise_alerts
from ledgers.conflicts import Rule

PDF = b"%PDF-1.4\n% test world\n" + b"0" * 64
_serial = itertools.count(1)


def pdf_upload(name: str = "证据.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def registry_case(key: str, court: Court, department: Any, judge: Any, today) -> Case:
    """A case the judge presides over, closed recently (so the visits can sample it)."""
    case = org_services.case_save(
        actor=None,
        number=f"(2025){court.code}民初1号",
        court=court,
        department=department,
        case_type=Case.Type.CIVIL,
        cause="民间借贷纠纷",
        filed_on=today - datetime.timedelta(days=90),
        closed_on=today - datetime.timedelta(days=10),
        presiding_judge=judge,
    )
    org_services.case_party_save(
        actor=None, case=case, name=f"{key}原告", role=CaseParty.Role.PLAINTIFF
    )
    return case


def panel_alert(alert_key: str, court: Court, department: Any, judge: Any, case: Case) -> Alert:
    """An early-warning alert: the judge sits on a case in which a declared relative acts."""
    raise_alerts(
        [
            ConflictFinding(
                Rule.PANEL_WITHDRAWAL,
                alert_key,
                court_id=court.pk,
                department_id=department.pk,
                subject_id=judge.pk,
                case_id=case.pk,
                strength="licence",
                facts={
                    "case": case.number,
                    "agent": "李明",
                    "law_firm": "辽宁正义律师事务所",
                    "licence": "",
                    "capacity": "agent",
                    "agent_kind": "lawyer",
                    "match": "licence",
                    "staff": judge.name,
                    "relative": "李明",
                    "relationship": "spouse",
                    "presiding": True,
                },
            )
        ]
    )
    return Alert.objects.get(key=alert_key)


def inspection_of(court: Court, title: str, kind: str, scope: str, leader: Any, today):
    """An inspection the court organises of itself, led by ``leader``."""
    return inspection_services.inspection_create(
        actor=None,
        fields={
            "court": court,
            "number": f"{court.code}督〔2026〕{next(_serial)}号",
            "title": title,
            "kind": kind,
            "starts_on": today - datetime.timedelta(days=5),
            "ends_on": today + datetime.timedelta(days=25),
            "scope": scope,
        },
        targets=[(court, None)],
        team=[(leader, TeamMember.Function.LEADER)],
    )


def running_inspection(key: str, court: Court, leader: Any, today) -> Inspection:
    inspection = inspection_of(
        court, f"{key}司法巡查", Inspection.Kind.ROUTINE, "三个规定落实情况", leader, today
    )
    return inspection_services.inspection_transition(
        actor=None,
        inspection=inspection,
        version=inspection.version,
        target=Inspection.Status.IN_PROGRESS,
    )


def reported_finding(inspection: Inspection, court: Court, department: Any, judge: Any, today):
    """A finding about the judge, reported with an evidence file: (finding, report)."""
    finding = inspection_services.finding_create(
        actor=None,
        inspection=inspection,
        fields={
            "court": court,
            "department": department,
            "responsible_staff": judge,
            "category": Finding.Category.THREE_RULES,
            "severity": Finding.Severity.MINOR,
            "description": "过问案件未登记",
            "rectification_required": "补登记",
            "deadline": today + datetime.timedelta(days=30),
        },
    )
    report = inspection_services.finding_report(
        actor=None,
        finding=finding,
        version=finding.version,
        measures="已补登记",
        completed_on=today,
        evidence=[(pdf_upload(), "整改材料")],
    )
    finding.refresh_from_db()
    return finding, report
