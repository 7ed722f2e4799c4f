"""Referral stage time limits feed the reminder engine: the discipline team reaching the
clue's court is reminded from three days before a stage is due, and once it is overdue; the
staff member concerned never; a fixed number of queries whatever the number of referrals."""

from __future__ import annotations

import datetime

import pytest

from inspections.models import Clue, Referral
from inspections.reminders.referrals import Kinds, referral_stage_reminders
from inspections.services import clues as clue_services
from inspections.services import referrals as services
from integrity.access.models import Role
from integrity.notify.reminders import sweep

from ..factories import StaffMemberFactory, UserFactory, assign

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
SINCE = datetime.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.REFERRAL_STAGE_DAYS = {"received": 15, "way_chosen": 30, "verifying": 90}
    settings.REMINDER_CATCH_UP_DAYS = 30


def referral_since(province, logins, since=SINCE, subject=None) -> Referral:
    clue = clue_services.clue_create(
        actor=None,
        fields={
            "court": province.courts["heping"],
            "subject": subject or province.staff["heping"],
            "summary": "线索",
            "source": Clue.Source.DIRECT,
            "received_on": since,
        },
    )
    return services.referral_create(actor=logins.officer, clue=clue, referred_on=since)


@pytest.mark.parametrize(
    ("days_after", "kind"),
    [
        (11, None),  # due in four days: not yet
        (12, Kinds.STAGE_DUE),  # due in three days
        (15, Kinds.STAGE_DUE),  # due today
        (16, Kinds.STAGE_OVERDUE),  # a day late
        (46, Kinds.STAGE_OVERDUE),  # still fresh (catch-up of 30 days)
        (47, None),  # announced long ago
    ],
)
def test_stage_reminders_at_the_boundaries(province, logins, days_after, kind):
    referral = referral_since(province, logins)
    dues = referral_stage_reminders(SINCE + days_after * DAY)
    if kind is None:
        assert dues == []
    else:
        assert [(d.recipient_id, d.kind) for d in dues] == [(logins.discipline.staff_id, kind)]
        assert dues[0].url == f"/inspections/clues/referrals/{referral.pk}/"
        assert dues[0].params["number"] == referral.number


def test_a_new_stage_starts_a_new_clock(province, logins):
    referral = referral_since(province, logins)
    services.referral_step(
        actor=logins.discipline,
        referral=referral,
        version=referral.version,
        target=Referral.Stage.WAY_CHOSEN,
        way=Referral.Way.VERIFY,
        on=SINCE + 10 * DAY,
    )
    assert referral_stage_reminders(SINCE + 16 * DAY) == []  # received is over
    dues = referral_stage_reminders(SINCE + 37 * DAY)  # way_chosen due on day 40
    assert [d.kind for d in dues] == [Kinds.STAGE_DUE]


def test_the_subject_is_never_reminded(province, logins):
    member = StaffMemberFactory(court=province.courts["heping"], name="组员本人")
    user = UserFactory(staff=member)
    assign(user, Role.DISCIPLINE, province.courts["heping"])
    referral_since(province, logins, subject=member)
    recipients = {d.recipient_id for d in referral_stage_reminders(SINCE + 15 * DAY)}
    assert recipients == {logins.discipline.staff_id}


def test_the_sweep_writes_each_reminder_once(province, logins):
    referral_since(province, logins)
    first = sweep(SINCE + 13 * DAY, only=["referral_stages"])
    second = sweep(SINCE + 14 * DAY, only=["referral_stages"])
    assert (first.created, second.created) == (1, 0)


def test_a_fixed_number_of_queries(province, logins, django_assert_num_queries):
    for _ in range(2):
        referral_since(province, logins)
    with django_assert_num_queries(2):
        few = referral_stage_reminders(SINCE + 15 * DAY)
    for _ in range(8):
        referral_since(province, logins)
    with django_assert_num_queries(2):
        many = referral_stage_reminders(SINCE + 15 * DAY)
    assert (len(few), len(many)) == (2, 10)
