"""Rectification deadlines (整改期限): the responsible unit is reminded before the deadline and
when it has passed; items overdue longer than RECTIFICATION_ESCALATE_DAYS escalate to the
responsible court's leaders and the inspection's team leader.

Recipients: the responsible person, and the department's chief (for a court-wide item, the
court's discipline officers). Three queries whatever the number of items: the open items with
their deadlines near, the role holders (ledgers.reminders.Holders), and the team leaders."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from integrity.access.models import Role
from integrity.notify.kinds import Kind, register
from integrity.notify.reminders import Due, source
from ledgers.reminders import DayLabels, Holders, _dues, _in_site_language, catch_up, fresh

from ..models import Finding, Inspection, TeamMember


class Kinds:
    DUE_SOON = "inspections.finding.due_soon"
    OVERDUE = "inspections.finding.overdue"
    ESCALATE = "inspections.finding.escalate"


register(
    Kind(
        Kinds.DUE_SOON,
        _("Rectification due on %(due)s: %(inspection)s No. %(sequence)s"),
        _(
            "The rectification of finding No. %(sequence)s of %(inspection)s (%(unit)s) is due "
            "on %(due)s. Report what was done, with evidence."
        ),
    ),
    Kind(
        Kinds.OVERDUE,
        _("Rectification overdue: %(inspection)s No. %(sequence)s"),
        _(
            "The rectification of finding No. %(sequence)s of %(inspection)s (%(unit)s) was "
            "due on %(due)s and has not been closed."
        ),
    ),
    Kind(
        Kinds.ESCALATE,
        _("Rectification overdue more than %(days)s days: %(unit)s"),
        _(
            "Finding No. %(sequence)s of %(inspection)s (%(unit)s) was to be rectified by "
            "%(due)s and is still not closed %(days)s days later."
        ),
    ),
)


def _open_items(today: datetime.date, before: int, escalate: int):
    """Items not closed whose deadline is within ``before`` days or whose reminders are still
    fresh (the escalation is offered last, from ``escalate`` + 1 days after the deadline)."""
    latest = today + datetime.timedelta(days=before)
    earliest = today - datetime.timedelta(days=escalate + 1) - catch_up()
    return (
        Finding.objects.filter(
            voided_at__isnull=True,
            inspection__voided_at__isnull=True,
            deadline__lte=latest,
            deadline__gte=earliest,
        )
        .exclude(status=Finding.Status.CLOSED)
        .exclude(inspection__status=Inspection.Status.CLOSED)
        .values_list(
            "pk",
            "inspection_id",
            "inspection__title",
            "sequence",
            "court_id",
            "court__name",
            "department_id",
            "department__name",
            "responsible_staff_id",
            "deadline",
        )
    )


@source("rectification")
@_in_site_language
def rectification_reminders(today: datetime.date) -> list[Due]:
    """Due soon (from RECTIFICATION_REMIND_DAYS_BEFORE days before the deadline to the
    deadline), overdue (from the day after, while fresh), escalation (from
    RECTIFICATION_ESCALATE_DAYS + 1 days after the deadline, while fresh); each once per item."""
    before = settings.RECTIFICATION_REMIND_DAYS_BEFORE
    escalate = settings.RECTIFICATION_ESCALATE_DAYS
    rows = list(_open_items(today, before, escalate))
    if not rows:
        return []
    holders = Holders.load(Role.CHIEF, Role.OFFICER, Role.LEADER)
    labels = DayLabels()
    escalating = {
        row[1] for row in rows if fresh(row[-1] + datetime.timedelta(days=escalate + 1), today)
    }
    team_leaders: dict[int, set[int]] = {}
    if escalating:
        for inspection_id, staff_id in TeamMember.objects.filter(
            inspection_id__in=sorted(escalating),
            function=TeamMember.Function.LEADER,
            user__is_active=True,
            user__staff__isnull=False,
        ).values_list("inspection_id", "user__staff_id"):
            team_leaders.setdefault(inspection_id, set()).add(staff_id)
    dues: list[Due] = []
    for (
        pk,
        inspection_id,
        title,
        sequence,
        court_id,
        court_name,
        department_id,
        department_name,
        staff_id,
        deadline,
    ) in rows:
        params = {
            "inspection": title,
            "sequence": sequence,
            "unit": department_name or court_name,
            "due": labels[deadline],
            "due_on": deadline.isoformat(),
            "days": escalate,
        }
        url = f"/inspections/findings/{pk}/"
        subject = ("inspections.finding", pk)
        if department_id is None:
            unit = holders.at_court(Role.OFFICER, court_id)
        else:
            unit = set(holders.department.get((Role.CHIEF, court_id, department_id), ()))
        unit = unit | ({staff_id} if staff_id else set())
        if deadline - datetime.timedelta(days=before) <= today <= deadline:
            dues += _dues(
                unit,
                court_id=court_id,
                kind=Kinds.DUE_SOON,
                key=f"inspections.finding:{pk}:due-soon",
                params=params,
                url=url,
                subject=subject,
            )
        elif today > deadline and fresh(deadline + datetime.timedelta(days=1), today):
            dues += _dues(
                unit,
                court_id=court_id,
                kind=Kinds.OVERDUE,
                key=f"inspections.finding:{pk}:overdue",
                params=params,
                url=url,
                subject=subject,
            )
        if fresh(deadline + datetime.timedelta(days=escalate + 1), today):
            dues += _dues(
                holders.at_court(Role.LEADER, court_id) | team_leaders.get(inspection_id, set()),
                court_id=court_id,
                kind=Kinds.ESCALATE,
                key=f"inspections.finding:{pk}:escalate",
                params=params,
                url=url,
                subject=subject,
            )
    return dues
