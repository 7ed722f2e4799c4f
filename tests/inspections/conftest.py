"""Shared fixtures of the supervision side: the small province of tests/conftest.py with a
login for each role."""

from dataclasses import dataclass

import pytest

from integrity.access.models import Role, User
from integrity.org.models import StaffMember

from ..factories import StaffMemberFactory, UserFactory, assign


@dataclass
class Logins:
    """Logins of the test province (each linked to a staff record of its court):

    - ``supervisor``: 督察局 of the high court, covering the province;
    - ``officer``: discipline officer of 和平 (basic court, that court only);
    - ``chief``: division chief of 和平 民一庭 (that department only);
    - ``leader``: president of 沈阳 (intermediate), covering 和平 and 沈河;
    - ``vice``: vice president of 和平 (court leader, that court only);
    - ``discipline``: discipline team of 沈阳, covering the courts below;
    - ``staff``: a judge of 和平 民一庭 (the province fixture's judge);
    - ``outsider``: officer of 大连 (another city).
    """

    supervisor: User
    officer: User
    chief: User
    leader: User
    vice: User
    discipline: User
    staff: User
    outsider: User


def login_for(staff: StaffMember, username: str) -> User:
    return UserFactory(username=username, staff=staff)


@pytest.fixture
def logins(province) -> Logins:
    c, d = province.courts, province.departments

    def person(key: str, post: str, name: str, department=None) -> StaffMember:
        return StaffMemberFactory(
            court=c[key], department=department or d[key], name=name, post=post
        )

    supervisor = login_for(person("high", "chief", "督察局长"), "supervisor")
    assign(supervisor, Role.SUPERVISOR, c["high"], covers=True)
    officer = login_for(person("heping", "administrative", "和平纪检"), "officer")
    assign(officer, Role.OFFICER, c["heping"])
    chief = login_for(person("heping", "chief", "和平庭长"), "chief")
    assign(chief, Role.CHIEF, c["heping"], department=d["heping"])
    leader = login_for(person("shenyang", "president", "沈阳院长"), "leader")
    assign(leader, Role.LEADER, c["shenyang"], covers=True)
    vice = login_for(person("heping", "vice_president", "和平副院长"), "vice")
    assign(vice, Role.LEADER, c["heping"])
    discipline = login_for(person("shenyang", "administrative", "纪检组长"), "discipline")
    assign(discipline, Role.DISCIPLINE, c["shenyang"], covers=True)
    staff = login_for(province.staff["heping"], "staff")
    assign(staff, Role.STAFF, c["heping"])
    outsider = login_for(person("dalian", "administrative", "大连纪检"), "outsider")
    assign(outsider, Role.OFFICER, c["dalian"])
    return Logins(supervisor, officer, chief, leader, vice, discipline, staff, outsider)
