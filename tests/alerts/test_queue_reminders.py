"""Unhandled alerts remind the discipline team reaching their court (issue 7: "reminders for
unhandled alerts"): ALERT_REMIND_AFTER_DAYS after the facts last changed, then every
ALERT_REMIND_EVERY_DAYS, each repetition one notification; never the staff member concerned;
a handled alert no more; a fixed number of queries whatever the number of alerts."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from integrity.notify.models import Notification
from integrity.notify.reminders import sweep
from ledgers.alerts import services
from ledgers.alerts.models import Alert
from ledgers.alerts.reminders import Kinds, open_alert_reminders

from . import queue_people
from .queue_people import findings

pytestmark = pytest.mark.django_db
people = queue_people.people  # the fixture

DAY = datetime.timedelta(days=1)
CHANGED = datetime.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _days(settings):
    settings.ALERT_REMIND_AFTER_DAYS = 3
    settings.ALERT_REMIND_EVERY_DAYS = 7


def changed_on(alerts: list[Alert], day: datetime.date) -> None:
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(15, 30)))
    Alert.objects.filter(pk__in=[a.pk for a in alerts]).update(changed_at=moment)


def team(people) -> list[int]:
    # The discipline teams reaching 和平: 沈阳's (covering) and 和平's own; the subject of the
    # alerts (the judge of 和平, also of 和平's team) is left out.
    return sorted([people.discipline.staff_id, people.basic_discipline.staff_id])


@pytest.mark.parametrize(
    ("days_after", "repetition"),
    [(2, None), (3, 0), (9, 0), (10, 1), (17, 2), (400, 56)],
)
def test_due_after_the_days_and_again_every_week(province, people, days_after, repetition):
    (alert,) = findings(province, 1)
    changed_on([alert], CHANGED)
    dues = open_alert_reminders(CHANGED + days_after * DAY)
    if repetition is None:
        assert dues == []
        return
    assert sorted(due.recipient_id for due in dues) == team(people)
    assert {due.key for due in dues} == {f"alerts.alert:{alert.pk}:2026-03-02:open:{repetition}"}
    assert {due.kind for due in dues} == {Kinds.OPEN}
    assert dues[0].url == f"/alerts/{alert.pk}/"
    assert dues[0].params["days"] == 3 + 7 * repetition


def test_each_repetition_is_one_notification(province, people):
    (alert,) = findings(province, 1)
    changed_on([alert], CHANGED)
    sweep(CHANGED + 3 * DAY, only=["alerts_open"])
    sweep(CHANGED + 5 * DAY, only=["alerts_open"])  # the same repetition: nothing new
    assert Notification.objects.filter(kind=Kinds.OPEN).count() == 2
    sweep(CHANGED + 10 * DAY, only=["alerts_open"])
    assert Notification.objects.filter(kind=Kinds.OPEN).count() == 4
    told = Notification.objects.filter(kind=Kinds.OPEN).values_list("recipient_id", flat=True)
    assert province.staff["heping"].pk not in set(told)


def test_a_handled_alert_is_not_reminded(province, people):
    (alert,) = findings(province, 1)
    changed_on([alert], CHANGED)
    services.alert_dismiss(actor=people.discipline, alert=alert, version=1, reason="已核实")
    assert open_alert_reminders(CHANGED + 3 * DAY) == []


def test_changed_facts_start_the_count_again(province, people):
    (alert,) = findings(province, 1)
    changed_on([alert], CHANGED)
    assert open_alert_reminders(CHANGED + 3 * DAY)
    changed_on([alert], CHANGED + 2 * DAY)
    assert open_alert_reminders(CHANGED + 3 * DAY) == []
    keys = {due.key for due in open_alert_reminders(CHANGED + 5 * DAY)}
    assert keys == {f"alerts.alert:{alert.pk}:2026-03-04:open:0"}


@pytest.mark.parametrize("count", [1, 10])
def test_a_fixed_number_of_queries(province, people, count, django_assert_num_queries):
    alerts = findings(province, count)
    changed_on(alerts, CHANGED)
    with django_assert_num_queries(2):  # the alerts due, the team's assignments
        dues = open_alert_reminders(CHANGED + 4 * DAY)
    assert len(dues) == 2 * count
