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
