"""Demo early-warning alerts for `make run`: at 营口 (the demo leader's courts, 辽08 and the
basic courts below it) a few relatives practising law and a former judge are entered in ledgers
3 and 4, cases with their agents enter the registry, all through the services; then the real
engine (:func:`ledgers.alerts.detect.check_cases`) is run on those cases, so that the alert
queue shows every conflict rule, each found as it would be in production (alerts are never
written here):

- 站前区法院 and 营口中院: a judge's spouse and a judge's daughter act before the judge
  (judge must withdraw, by licence number; post recusal too);
- 西市区法院: the son of a deputy division chief of 营口中院 acts as a legal service worker
  (post recusal, by name and firm);
- 鲅鱼圈区法院 and 营口中院: a judge who resigned last year acts as a lawyer (within two years,
  by licence number; and for life at the court where he served, by name and firm);
- 鲅鱼圈区法院 and 站前区法院: a judge's brother acts in a colleague's case, and an assistant's
  son-in-law acts as a citizen agent (possible undeclared relationships; the second by name
  only, weaker).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from integrity.org import services as org_services
from integrity.org.models import Case, CaseAgent, CaseParty, Court, Department, StaffMember
from ledgers import services as ledger_services
from ledgers.models import DepartureRecord, RelativePractice

from . import detect

YINGKOU = "辽08"
FORMER_NUMBER = "9080001"  # the demo's former judge of 营口中院 (its marker: seeded once)
FORMER_NAME = "邵振国"
FORMER_FIRM = "辽宁营信律师事务所"
FORMER_LICENCE = "12108201510350017"


@dataclass(frozen=True)
class DemoRelative:
    key: str
    court: str
    posts: tuple[str, ...]  # the staff member's post, first that exists
    name: str
    relationship: str
    role: str
    law_firm: str
    licence: str


RELATIVES = (
    DemoRelative(
        "spouse",
        "辽0802",
        ("judge", "chief"),
        "孙雅琴",
        "spouse",
        "lawyer",
        "辽宁港城律师事务所",
        "12108201210284436",
    ),
    DemoRelative(
        "daughter",
        "辽08",
        ("judge",),
        "林晓彤",
        "daughter",
        "lawyer",
        "辽宁营信律师事务所",
        "12108202010771252",
    ),
    DemoRelative(
        "son",
        "辽08",
        ("deputy_chief", "chief"),
        "韩子墨",
        "son",
        "other_paid_service",
        "营口市站前区明德法律服务所",
        "",
    ),
    DemoRelative(
        "brother",
        "辽0804",
        ("judge", "chief"),
        "何志远",
        "brother",
        "lawyer",
        "辽宁港城律师事务所",
        "12108201811930468",
    ),
    DemoRelative(
        "in_law",
        "辽0802",
        ("assistant", "clerk"),
        "高明轩",
        "child_spouse",
        "firm_staff",
        "辽宁营信律师事务所",
        "",
    ),
)


def seed() -> int:
    """Enter the demo facts and run the engine on the demo cases once; returns how many rows
    were created (0 on a second run, or without the demo province)."""
    yingkou = Court.objects.filter(code=YINGKOU).first()
    if (
        yingkou is None
        or StaffMember.objects.filter(court=yingkou, staff_number=FORMER_NUMBER).exists()
    ):
        return 0
    courts = {court.code: court for court in Court.objects.filter(code__startswith=YINGKOU)}
    if not {"辽08", "辽0802", "辽0803", "辽0804"} <= set(courts):
        return 0
    today = timezone.localdate()
    with transaction.atomic():
        staff = {item.key: _serving(courts[item.court], item.posts) for item in RELATIVES}
        relatives = {
            item.key: _relative(item, staff[item.key], today - datetime.timedelta(days=200))
            for item in RELATIVES
        }
        _former(yingkou, today)
        cases = [
            # A judge's spouse before her: the judge presides.
            _case(
                courts["辽0802"],
                "民初",
                7001,
                today - datetime.timedelta(days=6),
                first=staff["spouse"],
                agent=_as_agent(relatives["spouse"]),
            ),
            # A judge's daughter before the appeal panel he sits on.
            _case(
                courts["辽08"],
                "民终",
                7002,
                today - datetime.timedelta(days=9),
                member=staff["daughter"],
                agent=_as_agent(relatives["daughter"]),
            ),
            # A deputy chief's son at a basic court below: matched by name and firm.
            _case(
                courts["辽0803"],
                "民初",
                7003,
                today - datetime.timedelta(days=4),
                agent=_as_agent(relatives["son"], kind=CaseAgent.Kind.LEGAL_WORKER, licence=""),
            ),
            # The former judge, a lawyer now, within two years: by licence number.
            _case(
                courts["辽0804"],
                "民初",
                7004,
                today - datetime.timedelta(days=12),
                agent={
                    "name": FORMER_NAME,
                    "law_firm": FORMER_FIRM,
                    "licence_number": FORMER_LICENCE,
                },
            ),
            # ... and at the court where he served (for life): by name and firm only.
            _case(
                courts["辽08"],
                "民终",
                7005,
                today - datetime.timedelta(days=3),
                agent={"name": FORMER_NAME, "law_firm": FORMER_FIRM, "licence_number": ""},
            ),
            # A judge's brother in a colleague's case: nobody on the panel declared him.
            _case(
                courts["辽0804"],
                "民初",
                7006,
                today - datetime.timedelta(days=7),
                avoid=staff["brother"],
                agent=_as_agent(relatives["brother"]),
            ),
            # An assistant's son-in-law as a citizen agent: the same name only (weaker).
            _case(
                courts["辽0802"],
                "民初",
                7007,
                today - datetime.timedelta(days=2),
                avoid=staff["in_law"],
                agent={
                    "name": relatives["in_law"].relative_name,
                    "law_firm": "",
                    "licence_number": "",
                    "kind": CaseAgent.Kind.CITIZEN,
                },
            ),
        ]
        detect.check_cases([case.pk for case in cases], today=today)
    return len(RELATIVES) + 2 + len(cases)


def _serving(court: Court, posts: tuple[str, ...]) -> StaffMember:
    members = StaffMember.objects.filter(court=court, status=StaffMember.Status.SERVING)
    for post in posts:
        member = members.filter(post=post, user__isnull=True).order_by("id").first()
        if member is not None:
            return member
    return members.exclude(post__in=["president", "vice_president"]).order_by("id").first()


def _relative(item: DemoRelative, member: StaffMember, reported_on: datetime.date):
    return ledger_services.ledger_create(
        actor=None,
        model=RelativePractice,
        fields={
            "court": member.court,
            "department": member.department,
            "staff": member,
            "relative_name": item.name,
            "relationship": item.relationship,
            "law_firm": item.law_firm,
            "licence_number": item.licence,
            "role": item.role,
            "practising_since": datetime.date(2016, 7, 1),
            "reported_on": reported_on,
        },
    )


def _former(court: Court, today: datetime.date) -> DepartureRecord:
    """A judge of 营口中院 who resigned about ten months ago and now practises law."""
    left_on = today - datetime.timedelta(days=300)
    department = Department.objects.filter(court=court, name="民事审判第一庭").first()
    member = org_services.staff_save(
        actor=None,
        court=court,
        department=department,
        name=FORMER_NAME,
        staff_number=FORMER_NUMBER,
        gender="m",
        post="judge",
        grade="judge_2",
        is_trial_post=True,
        status=StaffMember.Status.RESIGNED,
        joined_on=datetime.date(2006, 7, 1),
        left_on=left_on,
    )
    return ledger_services.ledger_create(
        actor=None,
        model=DepartureRecord,
        fields={
            "court": court,
            "department": department,
            "staff": member,
            "left_on": left_on,
            "how": "resigned",
            "last_post": "judge",
            "last_grade": "judge_2",
            "briefing_on": left_on - datetime.timedelta(days=7),
            "pledge_signed_on": left_on - datetime.timedelta(days=7),
            "current_employer": FORMER_FIRM,
            "current_activity": "律师",
            "licence_number": FORMER_LICENCE,
        },
    )


def _as_agent(record: RelativePractice, **overrides) -> dict:
    values = {
        "name": record.relative_name,
        "law_firm": record.law_firm,
        "licence_number": record.licence_number,
    }
    if "licence" in overrides:
        values["licence_number"] = overrides.pop("licence")
    return {**values, **overrides}


def _case(
    court: Court,
    type_code: str,
    sequence: int,
    filed_on: datetime.date,
    *,
    agent: dict,
    first: StaffMember | None = None,
    member: StaffMember | None = None,
    avoid: StaffMember | None = None,
) -> Case:
    """A civil case with two parties and the plaintiff's agent; the panel is ``first``
    presiding (or the court's first judge) with up to two more judges, ``member`` among them
    and ``avoid`` not."""
    judges = [
        judge
        for judge in StaffMember.objects.filter(
            court=court,
            status=StaffMember.Status.SERVING,
            post__in=["chief", "deputy_chief", "judge"],
        ).order_by("id")
        if judge not in (first, member, avoid)
    ]
    panel = [judge for judge in (first, member) if judge is not None]
    panel += judges[: max(0, 3 - len(panel))]
    if member is not None and panel[0] == member and len(panel) > 1:
        panel = [*panel[1:], member]  # the relative's judge sits on the panel, not presiding
    case = org_services.case_save(
        actor=None,
        number=f"({filed_on.year}){court.code}{type_code}{sequence}号",
        court=court,
        department=panel[0].department if panel else None,
        case_type=Case.Type.CIVIL,
        cause="民间借贷纠纷",
        filed_on=filed_on,
        presiding_judge=panel[0] if panel else None,
        panel=panel,
    )
    plaintiff = org_services.case_party_save(
        actor=None,
        case=case,
        name="营口某商贸有限公司",
        role=CaseParty.Role.PLAINTIFF,
        is_organisation=True,
    )
    org_services.case_party_save(actor=None, case=case, name="王某", role=CaseParty.Role.DEFENDANT)
    org_services.case_agent_save(
        actor=None,
        case=case,
        party=plaintiff,
        kind=agent.pop("kind", CaseAgent.Kind.LAWYER),
        role=CaseAgent.Role.AGENT,
        **agent,
    )
    return case
