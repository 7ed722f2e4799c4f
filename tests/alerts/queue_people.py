"""Who works the alert queue in the test province (tests/conftest.py), and alerts made by the
real engine (detect.check_cases over cases with agents) or handed to raise_alerts as findings.

Import the fixtures into a test module: ``from .queue_people import people  # noqa: F401``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from integrity.access.models import Role, User
from integrity.org.models import StaffMember
from ledgers.alerts import detect
from ledgers.alerts.models import Alert
from ledgers.alerts.services import Finding, raise_alerts
from ledgers.conflicts import Rule

from ..factories import CaseFactory, StaffMemberFactory, UserFactory, assign
from .conftest import FIRM, agent, relative

D = datetime.date


@dataclass
class People:
    """Logins of the queue, each linked to a staff record of their court:

    - ``discipline``: discipline team of 沈阳 (intermediate), covering 和平 and 沈河;
    - ``basic_discipline``: discipline team of 和平 (basic court), that court only;
    - ``leader``: president of 沈阳, leader covering the courts below;
    - ``vice``: vice president of 和平, leader of that court only;
    - ``officer``: discipline officer of 和平 (ledgers, not alerts);
    - ``outsider``: discipline team of 大连, covering 中山;
    - ``subject``: the judge of 和平 (the province's judge), who also sits on 和平's
      discipline team: their role reaches 和平's alerts, but never one about themselves.
    """

    discipline: User
    basic_discipline: User
    leader: User
    vice: User
    officer: User
    outsider: User
    subject: User


def _login(staff: StaffMember, username: str, role: str, court, covers: bool = False) -> User:
    user = UserFactory(username=username, staff=staff)
    assign(user, role, court, covers=covers)
    return user


@pytest.fixture
def people(province) -> People:
    c, d = province.courts, province.departments

    def person(key: str, post: str, name: str) -> StaffMember:
        return StaffMemberFactory(
            court=c[key], department=d[key], name=name, post=post, is_trial_post=False
        )

    return People(
        discipline=_login(
            person("shenyang", "administrative", "纪检组长"),
            "discipline",
            Role.DISCIPLINE,
            c["shenyang"],
            covers=True,
        ),
        basic_discipline=_login(
            person("heping", "administrative", "和平纪检组"), "basic", Role.DISCIPLINE, c["heping"]
        ),
        leader=_login(
            person("shenyang", "president", "沈阳院长"),
            "leader",
            Role.LEADER,
            c["shenyang"],
            covers=True,
        ),
        vice=_login(
            person("heping", "vice_president", "和平副院长"), "vice", Role.LEADER, c["heping"]
        ),
        officer=_login(
            person("heping", "administrative", "和平纪检员"), "officer", Role.OFFICER, c["heping"]
        ),
        outsider=_login(
            person("dalian", "administrative", "大连纪检组"),
            "outsider",
            Role.DISCIPLINE,
            c["dalian"],
            covers=True,
        ),
        subject=_login(province.staff["heping"], "subject", Role.DISCIPLINE, c["heping"]),
    )


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


# --- alerts made by the engine ------------------------------------------------------------------
def spouse_on_panel(province, heping_case) -> dict[str, Alert]:
    """The judge of 和平 presides over a case in which their declared spouse is the agent:
    a withdrawal and a post recusal (ledger 3 moves to "required, pending"). By rule."""
    relative(province)
    agent(heping_case)
    detect.check_cases([heping_case.pk])
    return {alert.rule: alert for alert in Alert.objects.filter(case=heping_case)}


def conflict_at(province, key: str, *, name: str, licence: str, post: str = "judge") -> Alert:
    """A trial-post staff member of court ``key`` whose declared spouse acts in a case of that
    court before another judge: a post recusal alert about them."""
    court, department = province.courts[key], province.departments[key]
    staff = StaffMemberFactory(
        court=court,
        department=department,
        name=f"{name}的配偶方",
        post=post,
        is_trial_post=post == "judge",
        is_leading_cadre=post != "judge",
    )
    relative(province, staff=staff, relative_name=name, licence_number=licence, law_firm=FIRM)
    case = CaseFactory(
        number=f"(2026){court.code}民初{licence[-3:]}号",
        court=court,
        department=department,
        presiding_judge=province.staff[key],
        filed_on=D(2026, 3, 2),
    )
    agent(case, name=name, licence_number=licence, law_firm=FIRM)
    detect.check_cases([case.pk])
    return Alert.objects.get(case=case, rule=Rule.POST_RECUSAL)


# --- alerts handed to raise_alerts ----------------------------------------------------------------
def findings(province, count: int, *, key: str = "heping", prefix: str = "test") -> list[Alert]:
    """``count`` withdrawal alerts about the judge of court ``key`` in its case."""
    staff, case = province.staff[key], province.cases[key]
    found = [
        Finding(
            Rule.PANEL_WITHDRAWAL,
            f"{prefix}:{key}:{n}",
            court_id=staff.court_id,
            department_id=staff.department_id,
            subject_id=staff.pk,
            case_id=case.pk,
            strength="licence",
            facts={
                "case": case.number,
                "agent": f"代理人{n}",
                "law_firm": FIRM,
                "licence": "",
                "capacity": "agent",
                "agent_kind": "lawyer",
                "match": "licence",
                "staff": staff.name,
                "relative": f"代理人{n}",
                "relationship": "spouse",
                "presiding": True,
            },
        )
        for n in range(count)
    ]
    raise_alerts(found)
    return list(Alert.objects.filter(key__startswith=f"{prefix}:{key}:").order_by("pk"))


def about(staff: StaffMember, *, key: str, about_leader: bool = False) -> Alert:
    """One undeclared-relationship alert about ``staff`` at their court."""
    raise_alerts(
        [
            Finding(
                Rule.UNDECLARED,
                key,
                court_id=staff.court_id,
                department_id=staff.department_id,
                subject_id=staff.pk,
                about_leader=about_leader,
                strength="name",
                facts={
                    "case": "(2026)辽0102民初9号",
                    "interferer": "王五",
                    "unit": "某公司",
                    "occurred_on": "2026-03-01",
                    "match": "name",
                    "staff": staff.name,
                    "relative": "王五",
                    "relationship": "brother",
                    "relative_firm": FIRM,
                    "relative_licence": "",
                    "variant": "interferer",
                },
            )
        ]
    )
    return Alert.objects.get(key=key)
