"""Demo ledger records for `make run`: a few records of every ledger at the demo courts,
entered through the services (so they are validated and audited like real ones)."""

from __future__ import annotations

import datetime
import random

from integrity.org import demo_data as data
from integrity.org.models import Case, Court, StaffMember

from . import services
from .models import (
    ContactApproval,
    ContactCase,
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
QUESTIONS = ["打听案件进展", "请求关照当事人", "要求私下会见承办法官", "转递当事人材料"]


def seed(rng: random.Random) -> int:
    """Create the demo ledger records once; returns how many were created."""
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
