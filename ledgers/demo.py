"""Demo ledger records for `make run`: a few records of every ledger at the demo courts, and
two declaration campaigns under way, entered through the services (so they are validated and
audited like real ones)."""

from __future__ import annotations

import datetime
import random

from django.db.models import Q
from django.utils import timezone

from integrity.access.models import User
from integrity.org import demo_data as data
from integrity.org.models import Case, Court, StaffMember

from . import services
from .declarations import services as declarations
from .models import (
    Campaign,
    ContactApproval,
    ContactCase,
    Declaration,
    DepartureRecord,
    InterferenceRecord,
    RelativePractice,
    UnplannedContactReport,
)

# The demo logins' courts first, then a spread of others.
DEMO_COURTS = ("辽0102", "辽01", "辽08", "辽0802", "辽", "辽02", "辽0202", "辽0103")
INTERFERERS = [
    ("internal", "某区人民检察院", "检察官"),
    ("external_cadre", "某区人民政府", "副区长"),
    ("other", "", "当事人亲属"),
    ("internal", "本院", "审判员"),
]
# What a signer attests in the demo (the pages offer the translated default).
ATTESTATION = "本人已审核该申报，对其真实性负责。"
QUESTIONS = ["打听案件进展", "请求关照当事人", "要求私下会见承办法官", "转递当事人材料"]


def seed(rng: random.Random) -> int:
    """Create the demo ledger records and declaration campaigns once; returns how many rows
    were created (0 on a second run)."""
    created = _ledgers(rng)
    created += seed_declarations()
    return created


def _ledgers(rng: random.Random) -> int:
    if InterferenceRecord.objects.exists():
        return 0
    created = 0
    for code in DEMO_COURTS:
        court = Court.objects.filter(code=code).first()
        if court is None:
            continue
        staff = list(
            StaffMember.objects.filter(court=court, status=StaffMember.Status.SERVING).order_by(
                "id"
            )[:12]
        )
        cases = list(Case.objects.filter(court=court).order_by("id")[:4])
        if not staff or not cases:
            continue
        created += _interference(rng, court, staff, cases)
        created += _contacts(rng, court, staff, cases)
        created += _relatives(rng, court, staff)
        created += _departures(rng, court)
    return created


def _place(member: StaffMember) -> dict:
    return {"court": member.court, "department": member.department, "staff": member}


def _day(rng: random.Random, start: datetime.date, span: int) -> datetime.date:
    return start + datetime.timedelta(days=rng.randrange(span))


def _interference(rng, court, staff, cases) -> int:
    count = 0
    for index, case in enumerate(cases):
        kind, unit, post = rng.choice(INTERFERERS)
        member = case.presiding_judge or rng.choice(staff)
        record = services.ledger_create(
            actor=None,
            model=InterferenceRecord,
            fields={
                **_place(member),
                "regulation": {"external_cadre": "leading_cadre"}.get(kind, "internal"),
                "case_number": case.number,
                "interferer_kind": kind,
                "interferer_name": rng.choice(data.SURNAMES)[0] + "某",
                "interferer_unit": unit,
                "interferer_post": post,
                "occurred_on": _day(rng, datetime.date(2026, 1, 5), 300),
                "method": rng.choice(["phone", "in_person", "message"]),
                "content": rng.choice(QUESTIONS),
            },
        )
        count += 1
        if index % 2 == 0:
            improper = index % 4 == 0
            services.ledger_transition(
                actor=None,
                record=record,
                version=record.version,
                target="screened",
                fields={
                    "nature": "improper" if improper else "within_duty",
                    "improper_kind": "pleading" if improper else "",
                    "screened_on": record.occurred_on + datetime.timedelta(days=3),
                    "screening_note": "经甄别" + ("属于不当过问" if improper else "属于履职过问"),
                },
            )
    return count


def _contacts(rng, court, staff, cases) -> int:
    firm, _city = rng.choice(data.LAW_FIRMS)
    lawyer = rng.choice(data.SURNAMES)[0] + "律师"
    member = staff[min(3, len(staff) - 1)]
    counterpart = {
        "counterpart_type": "lawyer",
        "counterpart_name": lawyer,
        "counterpart_firm": firm,
        "licence_number": f"1210{rng.randrange(10**12, 10**13)}",
        "case_number": cases[0].number,
    }
    services.ledger_create(
        actor=None,
        model=ContactCase,
        fields={
            **_place(member),
            **counterpart,
            "behaviour": rng.choice(["gifts", "private_contact", "tipping_off"]),
            "occurred_on": _day(rng, datetime.date(2025, 6, 1), 300),
            "description": "与案件代理律师在非工作场所吃饭",
            "clue_source": rng.choice(["public_report", "inspection", "follow_up"]),
        },
    )
    services.ledger_create(
        actor=None,
        model=ContactApproval,
        fields={
            **_place(staff[-1]),
            **counterpart,
            "planned_on": datetime.date(2026, 12, 3),
            "place": "律师事务所会议室",
            "purpose": "参加法律职业共同体座谈会",
        },
    )
    contact_on = _day(rng, datetime.date(2026, 3, 1), 200)
    services.ledger_create(
        actor=None,
        model=UnplannedContactReport,
        fields={
            **_place(staff[-2]),
            **counterpart,
            "contact_on": contact_on,
            "reported_on": contact_on + datetime.timedelta(days=rng.choice([1, 2, 5])),
            "place": "小区门口",
            "circumstances": "偶遇案件代理律师，对方询问案件进展，已当场拒绝",
        },
    )
    return 3


def _relatives(rng, court, staff) -> int:
    count = 0
    for member, relationship, role, acts in (
        (staff[2 % len(staff)], "spouse", "lawyer", True),
        (staff[4 % len(staff)], "brother", "partner", False),
    ):
        firm, _city = rng.choice(data.LAW_FIRMS)
        services.ledger_create(
            actor=None,
            model=RelativePractice,
            fields={
                **_place(member),
                "relative_name": rng.choice(data.SURNAMES)[0] + "某",
                "relationship": relationship,
                "law_firm": firm,
                "licence_number": f"1210{rng.randrange(10**12, 10**13)}",
                "firm_area": court,
                "role": role,
                "acts_in_jurisdiction": acts,
                "practising_since": datetime.date(2015 + rng.randrange(8), 7, 1),
                "reported_on": _day(rng, datetime.date(2026, 1, 10), 200),
            },
        )
        count += 1
    return count


def _departures(rng, court) -> int:
    count = 0
    for member in StaffMember.objects.filter(court=court).exclude(
        status=StaffMember.Status.SERVING
    )[:2]:
        services.ledger_create(
            actor=None,
            model=DepartureRecord,
            fields={
                **_place(member),
                "left_on": member.left_on,
                "how": member.status,
                "last_post": member.post,
                "last_grade": member.grade,
                "was_leadership": member.post in {"president", "vice_president"},
                "was_leading_cadre": member.is_leading_cadre,
                "briefing_on": member.left_on - datetime.timedelta(days=7),
                "pledge_signed_on": member.left_on - datetime.timedelta(days=7),
                "current_employer": rng.choice(["某科技有限公司", "某律师事务所", "退休在家"]),
            },
        )
        count += 1
    return count


# --- declarations (issue 4) ---------------------------------------------------------------
def seed_declarations() -> int:
    """Two campaigns under way, dated from today so that `make run` shows live work: the
    yearly relatives declaration for the whole province (due in two weeks), with filings at
    和平区法院 awaiting their division chief, and at 营口 filings the demo leader has signed
    (one made a ledger-3 record with post recusal pending) and one awaiting him; and last
    month's 三个规定 report for 沈阳 and the courts below (overdue, so the reminders and
    escalations have laggards), with zero reports and reports of inquiries."""
    if Campaign.objects.exists():
        return 0
    province = Court.objects.filter(code="辽").first()
    shenyang = Court.objects.filter(code="辽01").first()
    if province is None or shenyang is None:
        return 0
    today = timezone.localdate()
    actor = User.objects.filter(username="admin").first()
    relatives = declarations.campaign_open(
        actor=actor,
        kind=Campaign.Kind.RELATIVES,
        title=f"{today.year}年度近亲属从事律师职业申报",
        court=province,
        covers_subordinates=True,
        period_start=datetime.date(today.year, 1, 1),
        period_end=datetime.date(today.year, 12, 31),
        due_on=today + datetime.timedelta(days=14),
        notes="请全体干警如实申报配偶、父母、子女等近亲属从事律师职业情况，没有的请申报“无”。",
    )
    month_end = today.replace(day=1) - datetime.timedelta(days=1)
    month_start = month_end.replace(day=1)
    three_rules = declarations.campaign_open(
        actor=actor,
        kind=Campaign.Kind.THREE_RULES,
        title=f"{month_start.year}年{month_start.month}月“三个规定”报告",
        court=shenyang,
        covers_subordinates=True,
        period_start=month_start,
        period_end=month_end,
        due_on=min(today.replace(day=10), today - datetime.timedelta(days=1)),
    )
    created = 2 + relatives.task_count + three_rules.task_count
    created += _demo_relatives_filings(relatives)
    created += _demo_three_rules_filings(three_rules)
    return created


def _demo_task(campaign: Campaign, member: StaffMember) -> Declaration:
    return Declaration.objects.get(campaign=campaign, staff=member, is_current=True)


def _demo_relative(member: StaffMember, relationship: str, role: str, **fields) -> dict:
    surname = data.SURNAMES[member.pk % len(data.SURNAMES)][0]
    firm, _city = data.LAW_FIRMS[member.pk % len(data.LAW_FIRMS)]
    return {
        "relative_name": surname + "某",
        "relationship": relationship,
        "law_firm": firm,
        "licence_number": f"12101{member.pk:012d}",
        "role": role,
        "practising_since": datetime.date(2016, 7, 1),
        **fields,
    }


def _demo_file(campaign: Campaign, member: StaffMember, **fields) -> Declaration:
    task = _demo_task(campaign, member)
    values = {"has_nothing": False, "relatives": (), "inquiries": (), **fields}
    return declarations.declaration_file(
        actor=None, declaration=task, version=task.version, **values
    )


def _demo_sign(signer: User, task: Declaration, statement: str = ATTESTATION) -> None:
    declarations.declaration_sign(
        actor=signer, declaration=task, version=task.version, statement=statement
    )


def _free_staff(code: str) -> list[StaffMember]:
    """Serving staff of a demo court without a demo login, leaders and chiefs left out (the
    demo logins' own tasks are left for them to file)."""
    return list(
        StaffMember.objects.filter(
            court__code=code, status=StaffMember.Status.SERVING, user__isnull=True
        )
        .exclude(post__in=["president", "vice_president", "chief"])
        .order_by("id")
    )


def _demo_relatives_filings(campaign: Campaign) -> int:
    created = 0
    # 和平区法院 (the demo officer's court): filed, awaiting their division chief.
    for index, member in enumerate(_free_staff("辽0102")[:3]):
        if index == 1:
            brother = _demo_relative(member, "brother", "lawyer")
            _demo_file(campaign, member, relatives=[brother])
        else:
            _demo_file(campaign, member, has_nothing=True)
        created += 1
    # 营口市中级人民法院: its chiefs and vice presidents, and the presidents of the basic courts
    # below it, are signed off by the demo leader (辽08's president), who has signed all but
    # the last. The first declares a spouse who is a partner of a firm in the court's area:
    # signing it made a ledger-3 record with post recusal pending.
    leader = User.objects.filter(username="leader").first()
    yingkou = Court.objects.filter(code="辽08").first()
    if leader is None or yingkou is None:
        return created
    filers = list(
        StaffMember.objects.filter(status=StaffMember.Status.SERVING)
        .filter(
            Q(court=yingkou, post__in=["chief", "vice_president"])
            | Q(court__parent=yingkou, post="president")
        )
        .order_by("court__path", "id")[:5]
    )
    for index, member in enumerate(filers):
        if index == 0:
            spouse = _demo_relative(member, "spouse", "partner", firm_area=member.court_id)
            task = _demo_file(campaign, member, relatives=[spouse])
        else:
            task = _demo_file(campaign, member, has_nothing=True)
        created += 1
        if index < len(filers) - 1:
            _demo_sign(leader, task, "经核实，申报情况属实。")
            created += 1
    return created


def _demo_three_rules_filings(campaign: Campaign) -> int:
    """Whoever recorded inquiries in the period (逢问必录) reports them; a few others file a
    zero report; the rest are overdue."""
    free = _free_staff("辽0102")
    inquiries: dict[int, list[int]] = {}
    for staff_id, record_id in InterferenceRecord.objects.filter(
        staff__in=free,
        voided_at__isnull=True,
        occurred_on__gte=campaign.period_start,
        occurred_on__lte=campaign.period_end,
    ).values_list("staff_id", "pk"):
        inquiries.setdefault(staff_id, []).append(record_id)
    zero = [member for member in free if member.pk not in inquiries][:2]
    for member in free:
        if member.pk in inquiries:
            _demo_file(campaign, member, inquiries=inquiries[member.pk])
    for member in zero:
        _demo_file(campaign, member, has_nothing=True)
    return len(inquiries) + len(zero)
