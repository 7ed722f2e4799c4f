"""The quarterly bulletin's figures (integrity/reports/bulletin/figures.py) equal the counts of
the data built here, for the 沈阳 subtree (沈阳中院, 和平, 沈河) and the third quarter of 2026:
rows a day outside the quarter, rows of the neighbouring 大连 courts and voided rows are left
out; stocks are as of the quarter's last day. Every figure goes through the scope: a clue about
a court leader is not counted in a bulletin that leader (or another leader of that court) can
read, while the discipline team counts it. Quarters parse as Chinese users write them.

The fixtures and builders here are shared with test_bulletin_pages.py."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from inspections.models import Clue, Disposition, Finding, Inspection, Referral
from integrity.access.models import Role
from integrity.org.models import StaffMember
from integrity.reports import stats
from integrity.reports.bulletin import content
from integrity.reports.bulletin.figures import (
    bulletin_figures,
    default_court_id,
    may_have_bulletin,
)
from integrity.reports.bulletin.quarters import Quarter, parse_quarter
from integrity.reports.bulletin.writing import chinese_numeral
from ledgers.models import (
    Campaign,
    ContactApproval,
    ContactCase,
    Declaration,
    DepartureRecord,
    FollowUp,
    InterferenceRecord,
    RelativePractice,
    UnplannedContactReport,
)

from ..factories import StaffMemberFactory, UserFactory, assign

D = dt.date
Q3 = Quarter(2026, 3)
TODAY = D(2026, 11, 21)
INSIDE = (D(2026, 7, 1), D(2026, 8, 15), D(2026, 9, 30))
OUTSIDE = (D(2026, 6, 30), D(2026, 10, 1))
SUBTREE = ("shenyang", "heping", "shenhe")
R = InterferenceRecord


# --- quarters ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "2026Q3",
        "2026q3",
        "2026 Q3",
        "2026-3",
        "2026-Q3",
        "2026年第三季度",
        "2026年三季度",
        "2026年第3季度",
        "2026年 第三季度",
        "２０２６年第３季度",
        " 2026Q3 ",
    ],
)
def test_quarters_parse_as_chinese_users_write_them(text):
    assert parse_quarter(text) == Q3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter a quarter such as 2026年第三季度, 2026Q3 or 2026-3."),
        ("2026", "Enter a quarter such as 2026年第三季度, 2026Q3 or 2026-3."),
        ("三季度", "Enter a quarter such as 2026年第三季度, 2026Q3 or 2026-3."),
        ("26Q3", "Enter a quarter such as 2026年第三季度, 2026Q3 or 2026-3."),
        ("2026年第三月", "Enter a quarter such as 2026年第三季度, 2026Q3 or 2026-3."),
        ("2026Q5", "A year has four quarters: enter 1, 2, 3 or 4."),
        ("2026-0", "A year has four quarters: enter 1, 2, 3 or 4."),
        ("2026年第五季度", "A year has four quarters: enter 1, 2, 3 or 4."),
        ("2026年十一季度", "A year has four quarters: enter 1, 2, 3 or 4."),
    ],
)
def test_a_bad_quarter_says_how_to_write_one(text, message):
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            parse_quarter(text)
        assert error.value.messages == [message]


def test_a_quarter_knows_its_days_and_neighbours():
    assert (Q3.first_day, Q3.last_day) == (D(2026, 7, 1), D(2026, 9, 30))
    assert (Quarter(2026, 1).first_day, Quarter(2026, 1).last_day) == (
        D(2026, 1, 1),
        D(2026, 3, 31),
    )
    assert Quarter(2026, 4).last_day == D(2026, 12, 31)
    assert Quarter.last_finished(TODAY) == Q3
    assert Quarter.last_finished(D(2026, 2, 1)) == Quarter(2025, 4)
    assert str(Q3) == "2026Q3"


@pytest.mark.parametrize(
    ("n", "written"), [(1, "一"), (4, "四"), (10, "十"), (12, "十二"), (20, "二十"), (99, "九十九")]
)
def test_section_numbers_are_chinese_numerals(n, written):
    assert chinese_numeral(n) == written


# --- people ------------------------------------------------------------------------------------
@dataclass
class People:
    """Logins of the test province, each with a staff record:

    - ``officer``: 和平 (basic court) only; ``chief``: 和平 民一庭 only; ``staff``: a judge of 和平;
    - ``leader``: president of 沈阳, covering 和平 and 沈河; ``deputy``: vice president of 沈阳,
      covering them too; ``vice``: vice president of 和平, that court only;
    - ``discipline``: the discipline team of 沈阳, covering the courts below;
    - ``supervisor`` and ``admin``: the high court, covering the province;
    - ``outsider``: officer of 大连 (another city).
    """

    officer: Any
    chief: Any
    staff: Any
    leader: Any
    deputy: Any
    vice: Any
    discipline: Any
    supervisor: Any
    admin: Any
    outsider: Any


def login(province, key: str, post: str, name: str, role: str, *, covers=False, dept=False):
    court = province.courts[key]
    department = province.departments[key]
    member = StaffMemberFactory(court=court, department=department, name=name, post=post)
    user = UserFactory(username=f"bul-{name}", staff=member)
    assign(user, role, court, covers=covers, department=department if dept else None)
    return user


@pytest.fixture
def people(province) -> People:
    P = StaffMember.Post
    staff = UserFactory(username="bul-staff", staff=province.staff["heping"])
    assign(staff, Role.STAFF, province.courts["heping"])
    return People(
        officer=login(province, "heping", P.ADMINISTRATIVE, "和平纪检", Role.OFFICER),
        chief=login(province, "heping", P.CHIEF, "和平庭长", Role.CHIEF, dept=True),
        staff=staff,
        leader=login(province, "shenyang", P.PRESIDENT, "沈阳院长", Role.LEADER, covers=True),
        deputy=login(
            province, "shenyang", P.VICE_PRESIDENT, "沈阳副院长", Role.LEADER, covers=True
        ),
        vice=login(province, "heping", P.VICE_PRESIDENT, "和平副院长", Role.LEADER),
        discipline=login(
            province, "shenyang", P.ADMINISTRATIVE, "纪检组长", Role.DISCIPLINE, covers=True
        ),
        supervisor=login(province, "high", P.CHIEF, "督察局长", Role.SUPERVISOR, covers=True),
        admin=login(province, "high", P.ADMINISTRATIVE, "管理员", Role.ADMIN, covers=True),
        outsider=login(province, "dalian", P.ADMINISTRATIVE, "大连纪检", Role.OFFICER),
    )


# --- the data ----------------------------------------------------------------------------------
def voided() -> dict[str, Any]:
    return {"voided_at": timezone.now(), "void_reason": "录入错误"}


def judge(province, key: str) -> StaffMember:
    return province.staff[key]


def ledger_fields(member: StaffMember) -> dict[str, Any]:
    return {"court": member.court, "department": member.department, "staff": member}


@dataclass(frozen=True)
class Inquiry:
    """What one interference record is, for counting it independently of the code."""

    court: str
    day: dt.date
    regulation: str
    kind: str
    nature: str
    improper_kind: str
    flags: tuple[str, ...]
    voided: bool


FLAGS = (
    "recorded_in_file",
    "refused",
    "reported_to_leadership",
    "reported_to_discipline",
    "notified",
)


def random_inquiries(seed: int = 6, n: int = 60) -> list[Inquiry]:
    """Inquiries spread over the subtree, the neighbouring and the higher courts, days inside
    and just outside the quarter, every regulation, kind, nature and handling; some voided."""
    rng = random.Random(seed)
    courts = [*SUBTREE, "dalian", "zhongshan", "high"]
    inquiries = []
    for _ in range(n):
        nature = rng.choice(["", R.Nature.WITHIN_DUTY, R.Nature.IMPROPER])
        inquiries.append(
            Inquiry(
                court=rng.choice(courts),
                day=rng.choice(INSIDE + OUTSIDE),
                regulation=rng.choice(R.Regulation.values),
                kind=rng.choice(R.InterfererKind.values),
                nature=nature,
                improper_kind=rng.choice(R.ImproperKind.values) if nature == "improper" else "",
                flags=tuple(f for f in FLAGS if rng.random() < 0.4),
                voided=rng.random() < 0.15,
            )
        )
    return inquiries


def make_inquiry(province, spec: Inquiry) -> InterferenceRecord:
    member = judge(province, spec.court)
    return InterferenceRecord.objects.create(
        **ledger_fields(member),
        regulation=spec.regulation,
        case_number=f"(2026){member.court.code}民初8号",
        interferer_kind=spec.kind,
        interferer_name="王某",
        occurred_on=spec.day,
        method=R.Method.PHONE,
        content="询问案件进展",
        nature=spec.nature,
        improper_kind=spec.improper_kind,
        **dict.fromkeys(spec.flags, True),
        **(voided() if spec.voided else {}),
    )


def expected_interference(inquiries: list[Inquiry], courts=SUBTREE) -> Counter:
    """The ledger-1 figures, counted in plain Python from the specs."""
    counts: Counter = Counter()
    for spec in inquiries:
        if spec.court not in courts or spec.voided or not Q3.first_day <= spec.day <= Q3.last_day:
            continue
        counts["total"] += 1
        counts[f"regulation_{spec.regulation}"] += 1
        counts[f"kind_{spec.kind}"] += 1
        counts[f"nature_{spec.nature or 'unscreened'}"] += 1
        if spec.improper_kind:
            counts[f"improper_{spec.improper_kind}"] += 1
        for flag in spec.flags:
            counts[f"handling_{flag}"] += 1
    return counts


def make_reports(province) -> None:
    """Periodic 三个规定 reports: a campaign whose period ends in the quarter (due 2026-10-10),
    one ending before it, a voided one, and one of 大连."""
    shenyang = province.courts["shenyang"]

    def campaign(court, start, end, due, **extra) -> Campaign:
        return Campaign.objects.create(
            kind=Campaign.Kind.THREE_RULES,
            title="“三个规定”月度报告",
            court=court,
            covers_subordinates=True,
            period_start=start,
            period_end=end,
            due_on=due,
            **extra,
        )

    def task(campaign, member, status, **extra) -> Declaration:
        return Declaration.objects.create(
            campaign=campaign,
            staff=member,
            court=member.court,
            department=member.department,
            status=status,
            **extra,
        )

    S = Declaration.Status
    september = campaign(shenyang, D(2026, 9, 1), D(2026, 9, 30), D(2026, 10, 10))
    old = task(
        september, judge(province, "heping"), S.SUPERSEDED, has_nothing=True, is_current=False
    )
    task(september, judge(province, "heping"), S.SIGNED, has_nothing=True, revision=2, previous=old)
    task(september, judge(province, "shenhe"), S.FILED)  # with inquiries
    task(september, judge(province, "shenyang"), S.PENDING)  # overdue
    extra = StaffMemberFactory(
        court=province.courts["heping"], department=province.departments["heping"]
    )
    task(september, extra, S.RETURNED)  # overdue
    second = StaffMemberFactory(
        court=province.courts["shenhe"], department=province.departments["shenhe"]
    )
    task(september, second, S.FILED, has_nothing=True)
    june = campaign(shenyang, D(2026, 6, 1), D(2026, 6, 30), D(2026, 7, 10))
    task(june, judge(province, "heping"), S.SIGNED, has_nothing=True)
    void = campaign(shenyang, D(2026, 8, 1), D(2026, 8, 31), D(2026, 9, 10), **voided())
    task(void, judge(province, "shenhe"), S.PENDING)
    dalian = campaign(province.courts["dalian"], D(2026, 8, 1), D(2026, 8, 31), D(2026, 9, 10))
    task(dalian, judge(province, "dalian"), S.PENDING)


EXPECTED_REPORTS = {"tasks": 5, "filed": 3, "zero": 2, "unfiled": 2, "overdue": 2}


def make_contacts(province) -> None:
    C = ContactCase

    def case(key, day, status, handling="", **extra) -> None:
        C.objects.create(
            **ledger_fields(judge(province, key)),
            counterpart_type="lawyer",
            counterpart_name="李律师",
            behaviour=C.Behaviour.GIFTS,
            occurred_on=day,
            description="接受律师宴请",
            clue_source=C.ClueSource.PUBLIC_REPORT,
            status=status,
            handling=handling,
            handled_on=day if handling else None,
            **extra,
        )

    S, H = C.Status, C.Handling
    case("heping", D(2026, 7, 3), S.HANDLED, H.TALK)
    case("heping", D(2026, 8, 3), S.VERIFYING)
    case("shenhe", D(2026, 9, 3), S.DISMISSED)
    case("shenyang", D(2026, 9, 30), S.HANDLED, H.ADMONITION)
    case("shenyang", D(2026, 10, 1), S.HANDLED, H.ADMONITION)  # after the quarter
    case("dalian", D(2026, 8, 3), S.HANDLED, H.TALK)  # another city
    case("heping", D(2026, 8, 3), S.REGISTERED, **voided())

    def report(key, contact_on, reported_on, **extra) -> None:
        UnplannedContactReport.objects.create(
            **ledger_fields(judge(province, key)),
            counterpart_type="party",
            counterpart_name="当事人赵某",
            contact_on=contact_on,
            reported_on=reported_on,
            circumstances="超市偶遇",
            **extra,
        )

    report("heping", D(2026, 7, 10), D(2026, 7, 13))  # on the third day: in time
    report("heping", D(2026, 8, 1), D(2026, 8, 5))  # late
    report("shenhe", D(2026, 9, 30), D(2026, 10, 2))
    report("shenyang", D(2026, 6, 29), D(2026, 7, 9))  # contact before the quarter
    report("dalian", D(2026, 8, 1), D(2026, 8, 9))
    report("heping", D(2026, 8, 1), D(2026, 8, 20), **voided())

    def approval(key, day, status, **extra) -> None:
        ContactApproval.objects.create(
            **ledger_fields(judge(province, key)),
            counterpart_type="lawyer",
            counterpart_name="李律师",
            planned_on=day,
            place="律师协会",
            purpose="参加研讨会",
            status=status,
            **extra,
        )

    A = ContactApproval.Status
    approval("heping", D(2026, 7, 20), A.APPROVED)
    approval("heping", D(2026, 8, 20), A.REFUSED)
    approval("shenyang", D(2026, 9, 20), A.REQUESTED)
    approval("shenhe", D(2026, 9, 21), A.WITHDRAWN)
    approval("shenhe", D(2026, 10, 1), A.APPROVED)
    approval("zhongshan", D(2026, 9, 21), A.APPROVED)
    approval("shenhe", D(2026, 9, 21), A.APPROVED, **voided())


EXPECTED_CONTACTS = {
    "total": 4,
    "handled": 2,
    "verifying": 1,
    "dismissed": 1,
    "handling_talk": 1,
    "handling_admonition": 1,
}
EXPECTED_UNPLANNED = {"total": 3, "late": 1}
EXPECTED_APPROVALS = {
    "total": 4,
    "status_approved": 1,
    "status_refused": 1,
    "status_requested": 1,
    "status_withdrawn": 1,
}


def make_relatives(province) -> None:
    S = RelativePractice.Status

    def relative(key, relationship, reported_on, status=S.NOT_REQUIRED, **extra) -> None:
        RelativePractice.objects.create(
            **ledger_fields(judge(province, key)),
            relative_name="某某",
            relationship=relationship,
            law_firm="辽宁同方律师事务所",
            role="lawyer",
            reported_on=reported_on,
            status=status,
            **extra,
        )

    relative("heping", "spouse", D(2026, 3, 1))
    relative("heping", "father", D(2026, 8, 1), S.PENDING, recusal_required_on=D(2026, 8, 1))
    relative(
        "shenhe",
        "son",
        D(2026, 1, 5),
        S.IMPLEMENTED,
        recusal_required_on=D(2026, 2, 1),
        post_changed_on=D(2026, 7, 20),
    )
    relative(
        "shenyang",
        "daughter",
        D(2025, 5, 1),
        S.RESOLVED,
        recusal_required_on=D(2025, 6, 1),
        resolved_on=D(2026, 9, 1),
    )
    # The post changed after the quarter: at its end the recusal was still pending.
    relative(
        "shenyang",
        "mother",
        D(2026, 4, 1),
        S.IMPLEMENTED,
        recusal_required_on=D(2026, 5, 1),
        post_changed_on=D(2026, 10, 9),
    )
    relative("shenyang", "brother", D(2026, 10, 5))  # reported after the quarter
    relative("dalian", "spouse", D(2026, 8, 1))
    relative("heping", "sister", D(2026, 8, 1), **voided())


EXPECTED_RELATIVES = {
    "relatives": 4,
    "staff": 3,
    "new": 1,
    "required": 4,
    "pending": 2,
    "implemented": 1,
    "resolved": 1,
}


def make_departures(province) -> None:
    def departure(key, left_on, how, **extra) -> DepartureRecord:
        return DepartureRecord.objects.create(
            **ledger_fields(judge(province, key)),
            left_on=left_on,
            how=how,
            last_post=StaffMember.Post.JUDGE,
            **extra,
        )

    def follow_up(record, day, violation="") -> None:
        FollowUp.objects.create(
            record=record,
            followed_on=day,
            method=FollowUp.Method.PHONE,
            violation_found=bool(violation),
            violation=violation,
        )

    resigned = departure("heping", D(2025, 3, 1), "resigned")  # two years: restricted
    # A leadership member: three years, to 2026-10-14.
    departure("heping", D(2023, 10, 15), "retired", was_leadership=True)
    departure("shenhe", D(2023, 10, 15), "retired")  # two years: ended 2025-10-14
    dismissed = departure("shenyang", D(2010, 1, 1), "dismissed")  # for life
    departure("shenyang", D(2026, 8, 1), "transferred")  # left in the quarter
    other_city = departure("dalian", D(2026, 8, 1), "resigned")
    void = departure("heping", D(2026, 7, 1), "resigned", **voided())
    departure("heping", D(2026, 10, 5), "resigned")  # after the quarter
    follow_up(resigned, D(2026, 7, 20))
    follow_up(resigned, D(2026, 8, 20), violation="在本院担任诉讼代理人")
    follow_up(dismissed, D(2026, 9, 30))
    follow_up(resigned, D(2026, 10, 1))
    follow_up(other_city, D(2026, 8, 1))
    follow_up(void, D(2026, 8, 1))


EXPECTED_DEPARTURES = {"restricted": 4, "left": 1}
EXPECTED_FOLLOW_UPS = {"total": 3, "violations": 1}


def make_inspections(province) -> None:
    c = province.courts

    def inspection(court, starts_on, **extra) -> Inspection:
        return Inspection.objects.create(
            court=court,
            title="司法巡查",
            kind=Inspection.Kind.ROUTINE,
            starts_on=starts_on,
            ends_on=starts_on + dt.timedelta(days=20),
            scope="三个规定落实情况",
            **extra,
        )

    def finding(inspection, key, status, deadline, **extra) -> None:
        Finding.objects.create(
            inspection=inspection,
            court=c[key],
            category=Finding.Category.THREE_RULES,
            description="未逢问必录",
            rectification_required="立即整改",
            deadline=deadline,
            status=status,
            **extra,
        )

    F = Finding.Status
    own = inspection(c["shenyang"], D(2026, 7, 10))
    finding(own, "heping", F.CLOSED, D(2026, 9, 1), closed_on=D(2026, 8, 30))
    finding(own, "shenhe", F.OPEN, D(2026, 10, 1))  # overdue on 2026-11-21
    from_above = inspection(c["high"], D(2026, 8, 1))
    finding(from_above, "heping", F.RETURNED, D(2026, 12, 31))
    finding(from_above, "heping", F.OPEN, D(2026, 9, 1), **voided())
    earlier = inspection(c["shenyang"], D(2026, 6, 20))
    finding(earlier, "heping", F.OPEN, D(2026, 8, 1))
    inspection(c["shenyang"], D(2026, 8, 1), **voided())
    other_city = inspection(c["dalian"], D(2026, 8, 1))
    finding(other_city, "zhongshan", F.OPEN, D(2026, 9, 1))


EXPECTED_INSPECTIONS = {"total": 1}
EXPECTED_FINDINGS = {"found": 3, "rectified": 1, "overdue": 1, "returned": 1}


def make_clues(province, people: People) -> None:
    """Clues of the quarter; one about the president of 沈阳 (a court leader) and one about the
    vice president of 和平; dispositions by the four forms."""
    c = province.courts

    def clue(key, day, source, subject=None, **extra) -> Clue:
        return Clue.objects.create(
            court=c[key],
            subject=subject or judge(province, key),
            about_leader=bool(subject and subject.post in ("president", "vice_president")),
            summary="反映接受吃请",
            source=source,
            received_on=day,
            **extra,
        )

    def dispose(clue, form, day) -> None:
        referral = Referral.objects.create(
            clue=clue,
            number=f"移〔2026〕{clue.pk}号",
            court=c["shenyang"],
            referred_on=clue.received_on,
            letter="移送函",
            stage=Referral.Stage.DISPOSED,
            stage_since=day,
        )
        Disposition.objects.create(
            referral=referral,
            subject=clue.subject,
            form=form,
            measure=Disposition.Measure.REMINDER_TALK,
            decided_on=day,
            decision="处置决定",
        )

    S = Clue.Source
    ledger = clue("heping", D(2026, 7, 5), S.LEDGER)
    complaint = clue("shenhe", D(2026, 8, 8), S.COMPLAINT)
    president = clue("shenyang", D(2026, 9, 1), S.LETTER, subject=people.leader.staff)
    clue("heping", D(2026, 8, 1), S.DIRECT, subject=people.vice.staff)
    before = clue("shenhe", D(2026, 6, 30), S.DIRECT)
    clue("dalian", D(2026, 8, 8), S.COMPLAINT)
    clue("heping", D(2026, 8, 8), S.DIRECT, **voided())
    dispose(complaint, 1, D(2026, 8, 20))
    dispose(ledger, 2, D(2026, 9, 5))
    dispose(president, 3, D(2026, 9, 10))
    dispose(before, 4, D(2026, 10, 2))  # decided after the quarter


EXPECTED_DISPOSITIONS = {"total": 3, "form_1": 1, "form_2": 1, "form_3": 1, "form_4": 0}


@dataclass
class World:
    inquiries: list[Inquiry]


@pytest.fixture
def world(province, people) -> World:
    inquiries = random_inquiries()
    for spec in inquiries:
        make_inquiry(province, spec)
    make_reports(province)
    make_contacts(province)
    make_relatives(province)
    make_departures(province)
    make_inspections(province)
    make_clues(province, people)
    return World(inquiries)


def figures_for(user, province, key: str = "shenyang", today: dt.date = TODAY):
    return bulletin_figures(
        actor=user,
        court=province.courts[key],
        courts=stats.courts_in_scope(user),
        quarter=Q3,
        today=today,
    )


def subset(counts: Counter | None, expected: dict) -> dict:
    assert counts is not None
    return {key: counts[key] for key in expected}


# --- the figures -------------------------------------------------------------------------------
def test_interference_figures_equal_an_independent_count(province, people, world):
    figures = figures_for(people.leader, province)
    expected = expected_interference(world.inquiries)
    assert expected["total"] > 10  # the random data is not trivial
    total = figures.total("interference")
    assert {key: value for key, value in total.items() if value} == dict(expected)
    for key in SUBTREE:
        court = province.courts[key]
        mine = figures.of("interference", court.pk)
        assert {k: v for k, v in mine.items() if v} == dict(
            expected_interference(world.inquiries, courts=(key,))
        )


def test_the_other_figures_equal_the_counts_of_the_data(province, people, world):
    figures = figures_for(people.discipline, province)
    assert subset(figures.total("reports"), EXPECTED_REPORTS) == EXPECTED_REPORTS
    assert subset(figures.total("contacts"), EXPECTED_CONTACTS) == EXPECTED_CONTACTS
    assert subset(figures.total("unplanned"), EXPECTED_UNPLANNED) == EXPECTED_UNPLANNED
    assert subset(figures.total("approvals"), EXPECTED_APPROVALS) == EXPECTED_APPROVALS
    assert subset(figures.total("relatives"), EXPECTED_RELATIVES) == EXPECTED_RELATIVES
    assert subset(figures.total("departures"), EXPECTED_DEPARTURES) == EXPECTED_DEPARTURES
    assert subset(figures.total("follow_ups"), EXPECTED_FOLLOW_UPS) == EXPECTED_FOLLOW_UPS
    assert subset(figures.total("inspections"), EXPECTED_INSPECTIONS) == EXPECTED_INSPECTIONS
    assert subset(figures.total("findings"), EXPECTED_FINDINGS) == EXPECTED_FINDINGS
    clues = figures.total("clues")
    assert (clues["total"], clues["source_ledger"], clues["source_letter"]) == (4, 1, 1)
    assert (clues["source_complaint"], clues["source_direct"]) == (1, 1)
    assert subset(figures.total("dispositions"), EXPECTED_DISPOSITIONS) == EXPECTED_DISPOSITIONS


def test_each_court_has_its_own_row_and_the_rows_add_up(province, people, world):
    figures = figures_for(people.discipline, province)
    assert [c.name for c in figures.courts] == [
        "沈阳市中级人民法院",
        "沈阳市和平区人民法院",
        "沈阳市沈河区人民法院",
    ]
    assert figures.levels == 2
    c = province.courts
    heping, shenhe, shenyang = c["heping"].pk, c["shenhe"].pk, c["shenyang"].pk
    assert figures.of("reports", heping)["tasks"] == 2
    assert figures.of("reports", shenhe)["zero"] == 1
    assert figures.of("reports", shenyang)["overdue"] == 1
    assert figures.of("relatives", shenyang)["pending"] == 1
    assert figures.of("findings", shenhe)["overdue"] == 1
    assert figures.of("clues", shenyang)["total"] == 1
    for source in ("reports", "contacts", "relatives", "departures", "findings", "clues"):
        rows = [figures.of(source, pk) for pk in (heping, shenhe, shenyang)]
        assert sum(rows, Counter()) == +figures.total(source)


def test_a_basic_court_is_one_level_and_sees_only_itself(province, people, world):
    figures = figures_for(people.officer, province, "heping")
    assert [c.name for c in figures.courts] == ["沈阳市和平区人民法院"]
    assert figures.levels == 1
    expected = expected_interference(world.inquiries, courts=("heping",))
    assert figures.total("interference")["total"] == expected["total"]
    assert figures.total("reports")["tasks"] == 2
    assert figures.total("relatives")["relatives"] == 2


def test_the_province_counts_three_levels(province, people, world):
    figures = figures_for(people.supervisor, province, "high")
    assert figures.levels == 3
    assert len(figures.courts) == 6
    everywhere = ("high", "shenyang", "heping", "shenhe", "dalian", "zhongshan")
    expected = expected_interference(world.inquiries, courts=everywhere)
    assert figures.total("interference")["total"] == expected["total"]
    assert figures.total("approvals")["total"] == 5  # with 中山's


def test_a_court_above_without_covering_sees_only_its_own_court(province, people, world):
    """A leader of 沈阳 whose assignment does not cover the courts below: the bulletin of 沈阳
    is that court's alone, not a table of empty rows for courts they cannot see."""
    user = UserFactory(username="bul-narrow", staff=judge(province, "shenyang"))
    assign(user, Role.LEADER, province.courts["shenyang"])
    figures = figures_for(user, province)
    assert [c.name for c in figures.courts] == ["沈阳市中级人民法院"]
    assert (
        figures.total("interference")["total"]
        == expected_interference(world.inquiries, courts=("shenyang",))["total"]
    )


def test_stocks_are_counted_on_the_last_day_or_today_while_the_quarter_runs(
    province, people, world
):
    """On 2026-08-20 the daughter of 沈阳's judge still practised (she stopped on 2026-09-01),
    so that recusal was pending, and the campaign due on 2026-10-10 was not overdue."""
    running = figures_for(people.discipline, province, today=D(2026, 8, 20))
    assert running.period.stock_day == D(2026, 8, 20)
    expected = {**EXPECTED_RELATIVES, "relatives": 5, "pending": 3, "resolved": 0}
    assert subset(running.total("relatives"), expected) == expected
    assert running.total("departures")["restricted"] == 4
    assert (running.total("reports")["unfiled"], running.total("reports")["overdue"]) == (2, 0)


def test_a_clue_about_a_court_leader_is_not_counted_for_that_courts_leaders(
    province, people, world
):
    """The clue about 沈阳's president: the discipline team counts it; neither the president
    nor the vice president of 沈阳 does (the clue scope rule), and so neither do their
    dispositions. 和平's vice president does not count the clue about themselves, while
    沈阳's president, a court above, does."""
    counted = {
        who: figures_for(getattr(people, who), province).total("clues")["total"]
        for who in ("discipline", "leader", "deputy")
    }
    assert counted == {"discipline": 4, "leader": 3, "deputy": 3}
    assert figures_for(people.deputy, province).total("dispositions")["form_3"] == 0
    assert figures_for(people.discipline, province).total("dispositions")["form_3"] == 1
    assert figures_for(people.vice, province, "heping").total("clues")["total"] == 1
    assert figures_for(people.leader, province, "heping").total("clues")["total"] == 2


def test_a_source_the_roles_do_not_reach_is_left_out_not_zero(province, people, world):
    admin = figures_for(people.admin, province)
    assert admin.by_source["clues"] is None
    assert admin.by_source["dispositions"] is None
    assert admin.total("interference")["total"] > 0
    supervisor = figures_for(people.supervisor, province)
    assert supervisor.total("clues")["total"] == 4
    assert supervisor.by_source["dispositions"] is None
    with translation.override("zh-hans"):
        text = content.write(admin, today=TODAY)
    clues = text.sections[6]
    assert clues.groups == ()
    court_table = text.sections[7].courts
    assert court_table.total[-1] == content.HIDDEN


def test_who_gets_a_bulletin_and_of_which_court(province, people):
    c = province.courts
    for user in (people.officer, people.leader, people.vice, people.discipline, people.admin):
        assert may_have_bulletin(user)
    # A bulletin speaks for whole courts: not for a department or one's own records.
    assert not may_have_bulletin(people.chief)
    assert not may_have_bulletin(people.staff)
    assert default_court_id(people.officer) == c["heping"].pk
    assert default_court_id(people.leader) == c["shenyang"].pk
    assert default_court_id(people.supervisor) == c["high"].pk
    assign(people.officer, Role.LEADER, c["shenyang"], covers=True)
    assert default_court_id(people.officer) == c["shenyang"].pk
    root = UserFactory(username="bul-root", is_superuser=True)
    assert may_have_bulletin(root)
    assert default_court_id(root) == c["high"].pk


def test_the_text_has_a_section_per_subject_and_the_per_court_table(province, people, world):
    figures = figures_for(people.discipline, province)
    with translation.override("zh-hans"):
        text = content.write(figures, today=TODAY)
        basic = content.write(figures_for(people.officer, province, "heping"), today=TODAY)
    assert [s.heading[0] for s in text.sections] == list("一二三四五六七八")
    assert len(basic.sections) == 7  # one court: no per-court table
    assert text.issued_on == "2026年11月21日"
    assert "沈阳市中级人民法院" in text.title
    table = text.sections[7].courts
    assert [row.name for row in table.rows] == [c.name for c in figures.courts]
    assert [row.depth for row in table.rows] == [0, 1, 1]
    total_interference = str(figures.total("interference")["total"])
    assert table.total[0] == total_interference
    (first, *_rest) = text.sections[0].groups
    assert first.items[0][1] == total_interference
