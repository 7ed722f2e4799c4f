"""Demo inspections for `make run`, entered through the services: the province's supervision
bureau (辽) inspects 和平区法院 (辽0102) with a visiting team member from 沈阳 (辽01) who holds
no other role there (login ``inspector``); its problem list has an item in each state, one of
them overdue; an earlier inspection of 和平 and a look-back (回头看) re-checking it."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from integrity.access import services as access_services
from integrity.access.models import User
from integrity.org.models import Court, Department, StaffMember

from ..models import Finding, Inspection, TeamMember
from ..services import inspections as services

INSPECTOR = "inspector"


def _inspector(court: Court) -> User:
    """A supervisor of 沈阳 in name: a login without any role assignment of its own."""
    from integrity.org.management.commands.seed_demo import DEMO_PASSWORD

    user = User.objects.filter(username=INSPECTOR).first()
    if user is not None:
        return user
    staff = (
        StaffMember.objects.filter(court=court, user__isnull=True, status="serving")
        .order_by("id")
        .first()
    )
    user = User(username=INSPECTOR, staff=staff)
    user.set_password(DEMO_PASSWORD)
    return access_services.user_save(actor=None, user=user)


def _step(inspection: Inspection, *targets: str) -> Inspection:
    for target in targets:
        inspection = services.inspection_transition(
            actor=None, inspection=inspection, version=inspection.version, target=target
        )
    return inspection


def _finding(inspection: Inspection, department: Department, deadline, text: str, **kw):
    staff = (
        StaffMember.objects.filter(department=department, status="serving").order_by("id").first()
    )
    return services.finding_create(
        actor=None,
        inspection=inspection,
        fields={
            "court": department.court,
            "department": department,
            "responsible_staff": staff,
            "category": kw.get("category", Finding.Category.THREE_RULES),
            "severity": kw.get("severity", Finding.Severity.MINOR),
            "description": text,
            "rectification_required": kw.get("required", "立即整改，建章立制，举一反三。"),
            "deadline": deadline,
        },
    )


def _report(finding: Finding, measures: str) -> Finding:
    finding.refresh_from_db()
    services.finding_report(
        actor=None,
        finding=finding,
        version=finding.version,
        measures=measures,
        completed_on=timezone.localdate(),
    )
    finding.refresh_from_db()
    return finding


def seed(rng: random.Random) -> int:
    if Inspection.objects.exists():
        return 0
    courts = {c.code: c for c in Court.objects.filter(code__in=["辽", "辽01", "辽0102"])}
    if len(courts) < 3:
        return 0
    supervisor = User.objects.filter(username="supervisor").first()
    if supervisor is None:
        return 0
    high, shenyang, heping = courts["辽"], courts["辽01"], courts["辽0102"]
    departments = list(Department.objects.filter(court=heping).order_by("id"))
    civil = next((d for d in departments if d.name == "民事审判第一庭"), departments[0])
    other = next((d for d in departments if d != civil), civil)
    inspector = _inspector(shenyang)
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    team = [(supervisor, TeamMember.Function.LEADER), (inspector, TeamMember.Function.MEMBER)]

    # An inspection of last year, closed, whose findings the look-back re-checks.
    earlier = services.inspection_create(
        actor=None,
        fields={
            "court": high,
            "number": f"辽高法督〔{today.year - 1}〕5号",
            "title": f"{today.year - 1}年和平区法院审务督察",
            "kind": Inspection.Kind.ROUTINE,
            "starts_on": today - 300 * day,
            "ends_on": today - 280 * day,
            "scope": "审判执行工作作风、“三个规定”记录报告情况。",
        },
        targets=[(heping, None)],
        team=team,
    )
    _step(earlier, Inspection.Status.IN_PROGRESS)
    old = [
        _finding(earlier, civil, today - 250 * day, "部分过问案件未按规定登记。"),
        _finding(earlier, other, today - 250 * day, "庭审纪律松懈，存在迟到早退。"),
    ]
    for finding in old:
        finding = _report(finding, "已补登记并组织专题学习。")
        services.finding_close(actor=None, finding=finding, version=finding.version)
    earlier.refresh_from_db()
    _step(earlier, Inspection.Status.CLOSED)

    # This year's inspection, in rectification, with the visiting member from 辽01.
    current = services.inspection_create(
        actor=None,
        fields={
            "court": high,
            "number": f"辽高法督〔{today.year}〕3号",
            "title": f"{today.year}年第一轮司法巡查（和平区法院）",
            "kind": Inspection.Kind.ROUTINE,
            "starts_on": today - 10 * day,
            "ends_on": today + 20 * day,
            "scope": "审判执行权力运行、“三个规定”落实、廉政风险防控。",
        },
        targets=[(heping, None)],
        team=team,
    )
    current = _step(current, Inspection.Status.IN_PROGRESS, Inspection.Status.RECTIFYING)
    open_ = _finding(current, civil, today + 30 * day, "“三个规定”零报告比例偏高。")
    overdue = _finding(
        current,
        other,
        today - 3 * day,
        "执行案款未及时发放。",
        category=Finding.Category.MANAGEMENT,
        severity=Finding.Severity.SERIOUS,
    )
    reported = _report(
        _finding(current, civil, today + 15 * day, "卷宗归档不及时。"), "已完成归档并建立台账。"
    )
    returned = _report(
        _finding(current, other, today + 10 * day, "廉政谈话记录不全。"), "已补记录。"
    )
    services.finding_return(
        actor=None,
        finding=returned,
        version=returned.version,
        reason="未附谈话记录扫描件，请补充证据。",
    )
    closed = _report(_finding(current, civil, today + 5 * day, "公示栏信息未更新。"), "已更新。")
    services.finding_close(actor=None, finding=closed, version=closed.version)

    # A look-back of last year's inspection.
    look_back = services.inspection_create(
        actor=None,
        fields={
            "court": high,
            "number": f"辽高法督〔{today.year}〕4号",
            "title": f"{today.year}年和平区法院整改情况“回头看”",
            "kind": Inspection.Kind.LOOK_BACK,
            "starts_on": today - 2 * day,
            "ends_on": today + 12 * day,
            "scope": "上一轮督察发现问题的整改落实情况。",
        },
        targets=[(heping, None)],
        team=team,
    )
    look_back = _step(look_back, Inspection.Status.IN_PROGRESS)
    services.look_back_record(
        actor=None,
        inspection=look_back,
        finding=old[0],
        result="held",
        note="抽查十件，均已登记。",
    )
    del open_, overdue, reported  # left in their states: to rectify, overdue, reported
    return Inspection.objects.count() + Finding.objects.count() + 1  # + the look-back check
