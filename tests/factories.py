"""Factories for the organisation and accounts; courts go through the service so that their
materialised paths are real."""

import itertools
from typing import Any

import factory
from factory.django import DjangoModelFactory

from integrity.access import policy
from integrity.access.models import RoleAssignment, User
from integrity.org import services
from integrity.org.models import Case, CaseAgent, CaseParty, Court, Department, StaffMember

_codes = itertools.count(1)


def make_court(
    name: str, code: str, level: str = Court.Level.BASIC, parent: Court | None = None
) -> Court:
    return services.court_create(actor=None, name=name, code=code, level=level, parent=parent)


def liaoning_courts() -> dict[str, Court]:
    """The six courts of the tests' province: the high court, two intermediate courts
    (沈阳, 大连) and three basic courts (和平 and 沈河 under 沈阳, 中山 under 大连), by key."""
    high = make_court("辽宁省高级人民法院", "辽", Court.Level.HIGH)
    shenyang = make_court("沈阳市中级人民法院", "辽01", Court.Level.INTERMEDIATE, high)
    dalian = make_court("大连市中级人民法院", "辽02", Court.Level.INTERMEDIATE, high)
    courts = {
        "high": high,
        "shenyang": shenyang,
        "heping": make_court("沈阳市和平区人民法院", "辽0102", parent=shenyang),
        "shenhe": make_court("沈阳市沈河区人民法院", "辽0103", parent=shenyang),
        "dalian": dalian,
        "zhongshan": make_court("大连市中山区人民法院", "辽0202", parent=dalian),
    }
    return courts


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department

    court = None
    name = factory.Sequence(lambda n: f"审判庭{n}")
    is_trial = True


class StaffMemberFactory(DjangoModelFactory):
    class Meta:
        model = StaffMember

    court = None
    department = None
    name = factory.Sequence(lambda n: f"干警{n}")
    staff_number = factory.Sequence(lambda n: f"S{n:05d}")
    post = StaffMember.Post.JUDGE
    is_trial_post = True


class CaseFactory(DjangoModelFactory):
    class Meta:
        model = Case

    number = factory.Sequence(lambda n: f"(2023)辽01民初{n + 1}号")
    court = None
    case_type = Case.Type.CIVIL
    cause = "民间借贷纠纷"


class CasePartyFactory(DjangoModelFactory):
    class Meta:
        model = CaseParty

    name = factory.Sequence(lambda n: f"当事人{n}")
    role = CaseParty.Role.PLAINTIFF


class CaseAgentFactory(DjangoModelFactory):
    class Meta:
        model = CaseAgent

    name = factory.Sequence(lambda n: f"律师{n}")
    law_firm = "辽宁同方律师事务所"
    licence_number = factory.Sequence(lambda n: f"{12101000000000000 + n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery")


def assign(
    user: User,
    role: str,
    court: Court,
    *,
    department: Department | None = None,
    covers: bool = False,
) -> RoleAssignment:
    assignment = RoleAssignment.objects.create(
        user=user, role=role, court=court, department=department, covers_subordinates=covers
    )
    policy.forget(user)
    return assignment


def login_without_password(username: str, staff: Any) -> User:
    """A login for ``staff`` that tests sign in with force_login or a token, never a password."""
    user = User(username=username, staff=staff)
    user.set_unusable_password()
    user.save()
    return user
