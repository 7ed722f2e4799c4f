from dataclasses import dataclass

import pytest
from django.db import connection

from integrity.org.models import Case, Court, Department, StaffMember

from .factories import CaseFactory, DepartmentFactory, StaffMemberFactory, liaoning_courts


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _chinese(settings):
    settings.LANGUAGE_CODE = "zh-hans"


@dataclass
class Province:
    """A small tree: high court 辽 → intermediate 辽01 (basic 辽0102, 辽0103) and
    intermediate 辽02 (basic 辽0202). Each court has a trial department with a judge and
    a case; the basic court 辽0102 has a second department."""

    courts: dict[str, Court]
    departments: dict[str, Department]
    staff: dict[str, StaffMember]
    cases: dict[str, Case]


@pytest.fixture
def province(db) -> Province:
    courts = liaoning_courts()
    departments, staff, cases = {}, {}, {}
    for key, court in courts.items():
        dept = DepartmentFactory(court=court, name="民事审判第一庭")
        departments[key] = dept
        staff[key] = StaffMemberFactory(court=court, department=dept, name=f"{key}法官")
        case = CaseFactory(
            number=f"(2025){court.code}民初1号",
            court=court,
            department=dept,
            presiding_judge=staff[key],
        )
        cases[key] = case
    departments["heping_criminal"] = DepartmentFactory(court=courts["heping"], name="刑事审判庭")
    staff["heping_criminal"] = StaffMemberFactory(
        court=courts["heping"], department=departments["heping_criminal"], name="刑庭法官"
    )
    cases["heping_criminal"] = CaseFactory(
        number="(2025)辽0102刑初1号",
        court=courts["heping"],
        case_type=Case.Type.CRIMINAL,
        department=departments["heping_criminal"],
        presiding_judge=staff["heping_criminal"],
    )
    return Province(courts, departments, staff, cases)


def on_postgres() -> bool:
    return connection.vendor == "postgresql"
