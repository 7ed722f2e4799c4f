"""Pieces of a test world that the access matrix (tests/access/matrix_world.py) and the API
fuzzing (tests/api/fuzz_world.py) both build at each of their courts, through the services."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from inspections.models import Finding, Inspection, TeamMember
from inspections.services import clues as clue_services
from inspections.services import complaints as complaint_services
from inspections.services import inspections as inspection_services
from inspections.services import referrals as referral_services
from inspections.services import visits as visit_services
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


def open_finding(
    inspection: Inspection,
    court: Court,
    department: Any,
    judge: Any,
    today,
    description: str = "过问案件未登记",
    required: str = "补登记",
) -> Finding:
    """A minor 三个规定 finding about the judge, due in thirty days, not reported on yet."""
    return inspection_services.finding_create(
        actor=None,
        inspection=inspection,
        fields={
            "court": court,
            "department": department,
            "responsible_staff": judge,
            "category": Finding.Category.THREE_RULES,
            "severity": Finding.Severity.MINOR,
            "description": description,
            "rectification_required": required,
            "deadline": today + datetime.timedelta(days=30),
        },
    )


def reported_finding(inspection: Inspection, court: Court, department: Any, judge: Any, today):
    """A finding about the judge, reported with an evidence file: (finding, report)."""
    finding = open_finding(inspection, court, department, judge, today)
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


def visited(key: str, court: Court, today, *, gifts: str):
    """The court's follow-up questionnaire and plan, its sample of one drawn and that party
    visited by phone, answering ``gifts`` to the question on gifts: (questionnaire, plan,
    sampled, visit)."""
    questionnaire = visit_services.questionnaire_create(
        actor=None, court=court, name=f"{key}廉政回访问卷"
    )
    plan = visit_services.visit_plan_create(
        actor=None,
        court=court,
        title=f"{key}廉政回访",
        courts=[court],
        closed_from=today - datetime.timedelta(days=60),
        closed_to=today,
        sample_size=1,
        questionnaire=questionnaire,
    )
    plan = visit_services.visit_plan_draw(actor=None, plan=plan, version=plan.version, seed=7)
    sampled = plan.sample.get()
    visit = visit_services.visit_create(
        actor=None,
        sampled=sampled,
        respondent_kind="party",
        respondent_name=f"{key}原告",
        method="phone",
        visited_on=today - datetime.timedelta(days=1),
        answers={
            "gifts": gifts,
            "meals": "no",
            "private_meetings": "no",
            "delays": "no",
            "fairness": questionnaire.questions[4]["choices"][0],
            "comments": "",
        },
    )
    return questionnaire, plan, sampled, visit


def clue_about(court: Court, department: Any, judge: Any, today, *, referred: bool):
    """A clue about the judge: received directly three days ago, or, ``referred``, by letter
    twenty days ago and referred to the discipline team two days ago: (clue, referral)."""
    summary, source, days = (
        ("反映法官收受购物卡", "letter", 20)
        if referred
        else ("反映法官与律师私下会见", "direct", 3)
    )
    clue = clue_services.clue_create(
        actor=None,
        fields={
            "court": court,
            "department": department,
            "subject": judge,
            "summary": summary,
            "source": source,
            "received_on": today - datetime.timedelta(days=days),
        },
    )
    referral = (
        referral_services.referral_create(
            actor=None, clue=clue, referred_on=today - datetime.timedelta(days=2)
        )
        if referred
        else None
    )
    return clue, referral


def complaint_about(court: Court, department: Any, judge: Any):
    """A public complaint about the judge, with the reporter's contact details and a file."""
    complaint, _code = complaint_services.complaint_submit(
        fields={
            "court": court,
            "department": department,
            "subject_name": judge.name,
            "account": "开庭前看到法官与对方律师一同吃饭。",
        },
        contact={"name": "刘某某", "phone": "13800000000", "relation": "原告"},
        uploads=[pdf_upload()],
    )
    return complaint
