"""The policy's newer powers: role assignments that hold only between two dates (a visiting
inspection team), per-assignment narrowing and per-user exclusion (clues about court leaders
and about oneself), and proxy models with a rule of their own (the integrity file)."""

import datetime

import pytest
from django.utils import timezone

from inspections.models import Clue, Complaint, IntegrityFile, Reporter
from integrity.access import policy, services
from integrity.access.models import Role, RoleAssignment
from integrity.org.models import StaffMember
from ledgers.reminders import Holders

from ..factories import StaffMemberFactory, UserFactory, assign

DAY = datetime.timedelta(days=1)


def _temporary(user, court, start, end, department=None):
    RoleAssignment.objects.create(
        user=user,
        role=Role.SUPERVISOR,
        court=court,
        department=department,
        valid_from=start,
        valid_until=end,
        granted_for="inspection:1",
    )
    policy.forget(user)


@pytest.mark.parametrize(
    ("start", "end", "holds"),
    [
        (1, 5, False),  # starts tomorrow
        (0, 5, True),  # starts today
        (-5, 0, True),  # ends today
        (-5, -1, False),  # ended yesterday
        (None, -1, False),
        (-1, None, True),
    ],
)
def test_a_temporary_assignment_holds_only_between_its_dates(province, start, end, holds):
    today = timezone.localdate()
    user = UserFactory()
    _temporary(
        user,
        province.courts["heping"],
        None if start is None else today + start * DAY,
        None if end is None else today + end * DAY,
    )
    staff = policy.scope(user, StaffMember.objects.filter(pk=province.staff["heping"].pk))
    assert staff.exists() is holds
    assert (Role.SUPERVISOR in policy.roles_of(user)) is holds


def test_temporary_and_permanent_assignments_of_the_same_role_coexist(province):
    user = UserFactory()
    assign(user, Role.SUPERVISOR, province.courts["heping"])
    today = timezone.localdate()
    _temporary(user, province.courts["heping"], today, today)
    other = RoleAssignment.objects.create(
        user=user,
        role=Role.SUPERVISOR,
        court=province.courts["heping"],
        valid_from=today,
        valid_until=today,
        granted_for="inspection:2",
    )
    assert other.pk
    assert len(policy.grants_of(user)) == 3


def test_the_reminder_engine_sees_only_valid_assignments(province):
    today = timezone.localdate()
    present = UserFactory(staff=StaffMemberFactory(court=province.courts["heping"]))
    future = UserFactory(staff=StaffMemberFactory(court=province.courts["heping"]))
    _temporary(present, province.courts["heping"], today, today)
    _temporary(future, province.courts["heping"], today + DAY, today + 2 * DAY)
    holders = Holders.load(Role.SUPERVISOR)
    assert holders.at_court(Role.SUPERVISOR, province.courts["heping"].pk) == {present.staff_id}


@pytest.fixture
def leader_clue(province):
    president = StaffMemberFactory(
        court=province.courts["heping"],
        department=province.departments["heping"],
        post=StaffMember.Post.PRESIDENT,
        name="和平院长",
    )
    clue = Clue.objects.create(
        court=province.courts["heping"],
        subject=president,
        about_leader=True,
        summary="about the president",
        source=Clue.Source.DIRECT,
        received_on=timezone.localdate(),
    )
    return president, clue


@pytest.mark.parametrize(
    ("role", "court", "covers", "sees"),
    [
        (Role.OFFICER, "heping", False, False),  # the leader's own court: hidden
        (Role.LEADER, "heping", False, False),
        (Role.SUPERVISOR, "heping", False, False),
        (Role.OFFICER, "shenyang", True, True),  # the court above
        (Role.LEADER, "shenyang", True, True),
        (Role.DISCIPLINE, "heping", False, True),  # the discipline team
        (Role.OFFICER, "dalian", True, False),  # out of scope anyway
    ],
)
def test_a_clue_about_a_court_leader_is_narrowed_per_assignment(
    province, leader_clue, role, court, covers, sees
):
    _president, clue = leader_clue
    user = UserFactory()
    assign(user, role, province.courts[court], covers=covers)
    assert policy.scope(user, Clue.objects.all()).filter(pk=clue.pk).exists() is sees


def test_nobody_reaches_a_clue_about_themselves_even_by_grant(province, leader_clue):
    president, clue = leader_clue
    user = UserFactory(staff=president)
    assign(user, Role.DISCIPLINE, province.courts["heping"])
    services.object_grant(actor=None, user=user, obj=clue, reason="test")
    assert not policy.scope(user, Clue.objects.all()).exists()
    assert not policy.can(user, policy.VIEW, clue)


def test_a_proxy_model_uses_its_own_rule(province):
    officer = UserFactory()
    assign(officer, Role.OFFICER, province.courts["heping"])
    leader = UserFactory()
    assign(leader, Role.LEADER, province.courts["heping"])
    judge = province.staff["heping"]
    # Officers keep the staff records but do not open integrity files; leaders do.
    assert policy.scope(officer, StaffMember.objects.filter(pk=judge.pk)).exists()
    assert not policy.scope(officer, IntegrityFile.objects.filter(pk=judge.pk)).exists()
    assert policy.scope(leader, IntegrityFile.objects.filter(pk=judge.pk)).exists()


def test_only_the_discipline_team_may_share_a_clue(province, leader_clue):
    _president, clue = leader_clue
    discipline, officer = UserFactory(), UserFactory()
    assign(discipline, Role.DISCIPLINE, province.courts["shenyang"], covers=True)
    assign(officer, Role.OFFICER, province.courts["shenyang"], covers=True)
    assert policy.can(discipline, policy.SHARE, clue)
    assert policy.can(officer, policy.MANAGE, clue)
    assert not policy.can(officer, policy.SHARE, clue)


def test_a_rule_can_keep_superusers_to_their_roles(province):
    complaint = Complaint.objects.create(
        locator="ABCDEFGH",
        code_hash="x",
        court=province.courts["heping"],
        account="事情经过",
        received_on=timezone.localdate(),
    )
    reporter = Reporter.objects.create(complaint=complaint, name="举报人")
    root = UserFactory(is_superuser=True)
    assert policy.can(root, policy.VIEW, complaint)
    assert not policy.can(root, policy.VIEW, reporter)
    assign(root, Role.DISCIPLINE, province.courts["heping"])
    assert policy.can(root, policy.VIEW, reporter)
