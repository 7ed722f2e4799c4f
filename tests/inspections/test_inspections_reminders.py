"""Rectification deadlines through the reminder engine (inspections/reminders/rectification.py):
the responsible person and the department's chief (the court's officers for a court-wide item)
before the deadline and when overdue; the court leaders and the team leader when overdue more
than RECTIFICATION_ESCALATE_DAYS; the boundary days before, on and after; closed, voided and
void inspections' items are not reminded; a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest

from inspections.reminders.rectification import Kinds, rectification_reminders
from inspections.services import inspections as services
from integrity.access.models import Role
from integrity.notify.reminders import sweep

from ..factories import StaffMemberFactory, UserFactory, assign
from .inspection_builders import make_finding, make_inspection, report, today, visitor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _days(settings):
    settings.RECTIFICATION_REMIND_DAYS_BEFORE = 5
    settings.RECTIFICATION_ESCALATE_DAYS = 10
    settings.REMINDER_CATCH_UP_DAYS = 3


@pytest.fixture
def team_leader(province):
    return visitor(province, "teamlead")


@pytest.fixture
def finding(province, logins, team_leader):
    inspection = make_inspection(
        logins.supervisor,
        province,
        team=[(team_leader, "leader"), (logins.supervisor, "member")],
    )
    return make_finding(logins.supervisor, inspection, province, deadline=today())


def due(finding, offset: int) -> dict[str, set[int]]:
    """Who gets which kind when today is deadline + ``offset`` days."""
    found: dict[str, set[int]] = {}
    for d in rectification_reminders(finding.deadline + dt.timedelta(days=offset)):
        if d.subject_id == str(finding.pk):
            found.setdefault(d.kind, set()).add(d.recipient_id)
    return found


def test_boundary_days(province, logins, finding, team_leader):
    unit = {province.staff["heping"].pk, logins.chief.staff_id}
    escalated = {logins.vice.staff_id, team_leader.staff_id}
    assert due(finding, -6) == {}  # one day before the reminder window
    assert due(finding, -5) == {Kinds.DUE_SOON: unit}  # RECTIFICATION_REMIND_DAYS_BEFORE
    assert due(finding, 0) == {Kinds.DUE_SOON: unit}  # the deadline itself
    assert due(finding, 1) == {Kinds.OVERDUE: unit}  # the day after
    assert due(finding, 4) == {Kinds.OVERDUE: unit}  # last day of the catch-up
    assert due(finding, 5) == {}
    assert due(finding, 10) == {}  # overdue exactly ESCALATE days: not yet
    assert due(finding, 11) == {Kinds.ESCALATE: escalated}  # more than ESCALATE days
    assert due(finding, 14) == {Kinds.ESCALATE: escalated}
    assert due(finding, 15) == {}


def test_days_are_settings(finding, settings):
    settings.RECTIFICATION_REMIND_DAYS_BEFORE = 7
    assert Kinds.DUE_SOON in due(finding, -7)
    settings.RECTIFICATION_ESCALATE_DAYS = 2
    assert Kinds.ESCALATE in due(finding, 3)


def test_court_wide_item_reminds_the_officers(province, logins, finding):
    wide = make_finding(
        logins.supervisor,
        finding.inspection,
        province,
        department=None,
        responsible_staff=None,
        deadline=today(),
    )
    assert due(wide, 0) == {Kinds.DUE_SOON: {logins.officer.staff_id}}


def test_closed_and_voided_items_are_not_reminded(province, logins, finding):
    finding = report(logins.chief, finding)
    services.finding_close(actor=logins.supervisor, finding=finding, version=finding.version)
    voided = make_finding(logins.supervisor, finding.inspection, province, deadline=today())
    services.finding_void(
        actor=logins.supervisor, finding=voided, version=voided.version, reason="重复"
    )
    assert due(finding, 1) == {}
    assert due(voided, 1) == {}


def test_fixed_number_of_queries(province, logins, finding, django_assert_num_queries):
    for _ in range(5):
        make_finding(
            logins.supervisor, finding.inspection, province, deadline=today() - dt.timedelta(11)
        )
    with django_assert_num_queries(3):  # items, role holders, team leaders
        rectification_reminders(today())
    other = make_inspection(logins.supervisor, province, title="第二轮")
    for _ in range(5):
        make_finding(logins.supervisor, other, province, deadline=today() - dt.timedelta(11))
    chief2 = UserFactory(
        staff=StaffMemberFactory(
            court=province.courts["heping"], department=province.departments["heping"]
        )
    )
    assign(chief2, Role.CHIEF, province.courts["heping"], department=province.departments["heping"])
    with django_assert_num_queries(3):
        rectification_reminders(today())


def test_the_sweep_writes_each_reminder_once(finding):
    first = sweep(finding.deadline, only=["rectification"])
    again = sweep(finding.deadline, only=["rectification"])
    assert first.created >= 2
    assert again.created == 0
