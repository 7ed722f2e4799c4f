"""The reminder sources of the ledgers and declarations (ledgers/reminders.py; shared/DOMAIN.md
"Reminders"): every rule on the day before, on and after each boundary, with the settings read;
the recipients exactly; what is void, closed, superseded or done is not reminded; the sweep
writes each reminder once and runs a fixed number of queries whatever the data size."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from integrity.access.models import Role, RoleAssignment
from integrity.notify import kinds
from integrity.notify.models import Notification
from integrity.notify.reminders import gather, sources, sweep
from integrity.org.models import Court, StaffMember
from ledgers import bench_sweep, reminders
from ledgers.models import (
    Campaign,
    Declaration,
    DepartureRecord,
    FollowUp,
    RelativePractice,
    Signature,
    UnplannedContactReport,
)

from ..factories import DepartmentFactory, StaffMemberFactory, UserFactory, assign

pytestmark = pytest.mark.django_db

D = dt.date
DUE = D(2026, 3, 10)
REQUIRED = D(2026, 1, 10)  # post recusal required since
CONTACT, REPORTED = D(2026, 3, 1), D(2026, 3, 4)  # an unplanned contact reported in time
LEFT = D(2025, 1, 15)  # a judge retired


# --- builders -----------------------------------------------------------------------------------
class People:
    """Role holders around the province fixture, each a staff member with a login."""

    def __init__(self, province):
        self.province = province
        courts, departments = province.courts, province.departments
        self.chief = self.person("heping", Role.CHIEF, department=departments["heping"])
        self.criminal_chief = self.person(
            "heping", Role.CHIEF, department=departments["heping_criminal"]
        )
        self.leader = self.person("heping", Role.LEADER, post=StaffMember.Post.VICE_PRESIDENT)
        self.officer = self.person("heping", Role.OFFICER)
        # Covering the courts below from the city court: reaches 和平区.
        self.city_officer = self.person("shenyang", Role.OFFICER, covers=True)
        # A neighbouring city's officer covering its own courts, and a high-court officer
        # whose assignment does not cover the courts below: neither reaches 和平区.
        self.neighbour_officer = self.person("dalian", Role.OFFICER, covers=True)
        self.high_officer = self.person("high", Role.OFFICER)
        self.shenhe_leader = self.person("shenhe", Role.LEADER)
        self.courts = courts

    def person(self, court_key, role, *, department=None, covers=False, post=None):
        court = self.province.courts[court_key]
        staff = StaffMemberFactory(
            court=court,
            department=department or self.province.departments[court_key],
            post=post or StaffMember.Post.JUDGE,
        )
        user = UserFactory(staff=staff, email=f"{staff.staff_number.lower()}@court.example")
        assign(user, role, court, department=department, covers=covers)
        return staff


@pytest.fixture
def people(province):
    return People(province)


def found(name, today):
    """{(recipient staff id, key)} of what a source finds on ``today``."""
    return {(due.recipient_id, due.key) for due in sources()[name](today)}


def keys_for(name, today, recipient):
    return {key for who, key in found(name, today) if who == recipient.pk}


def make_campaign(province, *, due=DUE, **fields):
    values = {
        "kind": Campaign.Kind.RELATIVES,
        "title": "2026年度近亲属从事律师职业报告",
        "court": province.courts["high"],
        "covers_subordinates": True,
        "period_start": D(2026, 1, 1),
        "period_end": D(2026, 12, 31),
        "due_on": due,
        **fields,
    }
    return Campaign.objects.create(**values)


def make_task(campaign, staff, **fields):
    return Declaration.objects.create(
        campaign=campaign, staff=staff, court=staff.court, department=staff.department, **fields
    )


def at(day, hour=10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


# --- dates --------------------------------------------------------------------------------------
def test_dates_are_written_in_chinese_and_the_reader_sees_chinese(people, province):
    assert reminders.day_label(D(2026, 3, 5)) == "2026年3月5日"
    with translation.override("en"):
        assert reminders.day_label(D(2026, 3, 5)) == "March 5, 2026"
        # The sweep writes its params in the site's language whoever starts it.
        campaign = make_campaign(province)
        make_task(campaign, province.staff["heping"])
        (due,) = [d for d in sources()["declarations"](DUE) if d.kind == reminders.Kinds.ASSIGNED]
    assert due.params["due"] == "2026年3月10日"
    assert kinds.title_of(due.kind, due.params) == "请填报：2026年度近亲属从事律师职业报告"


def test_months_between_counts_whole_months():
    assert reminders.months_between(D(2025, 1, 31), D(2025, 2, 27)) == 0
    assert reminders.months_between(D(2025, 1, 31), D(2025, 2, 28)) == 1
    assert reminders.months_between(D(2025, 1, 15), D(2025, 7, 14)) == 5
    assert reminders.months_between(D(2025, 1, 15), D(2025, 7, 15)) == 6


# --- 1. declarations ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (DUE - dt.timedelta(days=4), {"assigned"}),
        (DUE - dt.timedelta(days=3), {"assigned", "due-soon"}),
        (DUE, {"assigned", "due-soon"}),
        # Once overdue, the overdue reminder tells them instead.
        (DUE + dt.timedelta(days=1), {"overdue"}),
        (DUE + dt.timedelta(days=400), {"overdue"}),
    ],
)
def test_a_pending_task_is_assigned_then_due_soon_then_overdue(province, today, expected):
    staff = province.staff["heping"]
    task = make_task(make_campaign(province), staff)

    keys = keys_for("declarations", today, staff)

    assert keys == {f"ledgers.declaration:{task.pk}:{what}" for what in expected}


def test_the_days_before_the_due_date_are_a_setting(province, settings):
    settings.DECLARATION_REMIND_DAYS_BEFORE = 5
    staff = province.staff["heping"]
    task = make_task(make_campaign(province), staff)

    assert f"ledgers.declaration:{task.pk}:due-soon" in keys_for(
        "declarations", DUE - dt.timedelta(days=5), staff
    )
    assert f"ledgers.declaration:{task.pk}:due-soon" not in keys_for(
        "declarations", DUE - dt.timedelta(days=6), staff
    )


def test_a_returned_declaration_is_reminded_but_not_assigned_again(province):
    staff = province.staff["heping"]
    task = make_task(make_campaign(province), staff, status=Declaration.Status.RETURNED)

    assert keys_for("declarations", DUE + dt.timedelta(days=1), staff) == {
        f"ledgers.declaration:{task.pk}:overdue"
    }


@pytest.mark.parametrize(
    "change",
    [
        {"campaign": {"status": Campaign.Status.CLOSED}},
        {"campaign": {"voided_at": dt.datetime(2026, 3, 1, tzinfo=dt.UTC)}},
        {"task": {"status": Declaration.Status.SIGNED}},
        {"task": {"status": Declaration.Status.SUPERSEDED, "is_current": False}},
        {"staff": {"status": StaffMember.Status.RETIRED, "left_on": D(2026, 2, 1)}},
    ],
    ids=["closed campaign", "void campaign", "signed", "superseded", "staff left"],
)
def test_closed_void_signed_superseded_and_departed_are_not_reminded(province, people, change):
    staff = province.staff["heping"]
    campaign = make_campaign(province, **change.get("campaign", {}))
    make_task(campaign, staff, **change.get("task", {}))
    StaffMember.objects.filter(pk=staff.pk).update(**change.get("staff", {}))

    assert sources()["declarations"](DUE + dt.timedelta(days=10)) == []


@pytest.mark.parametrize(
    ("days_late", "signer", "leader"),
    [(3, False, False), (4, True, False), (7, True, False), (8, True, True)],
)
def test_overdue_tasks_escalate_to_the_signer_then_the_court_leader(
    province, people, days_late, signer, leader
):
    campaign = make_campaign(province)
    make_task(campaign, province.staff["heping"])
    make_task(campaign, StaffMemberFactory(court=province.courts["heping"], department=None))
    today = DUE + dt.timedelta(days=days_late)

    dues = {(d.recipient_id, d.key): d for d in sources()["declarations"](today)}

    to_chief = (people.chief.pk, f"ledgers.campaign:{campaign.pk}:escalate-signer")
    to_leader = (people.leader.pk, f"ledgers.campaign:{campaign.pk}:escalate-signer")
    leader_key = f"ledgers.campaign:{campaign.pk}:court:{province.courts['heping'].pk}:"
    to_leader_escalation = (people.leader.pk, leader_key + "escalate-leader")
    # The judge's chief signs first; a staff member without a department goes to the leader.
    assert (to_chief in dues) is signer
    assert (to_leader in dues) is signer
    if signer:
        assert dues[to_chief].params["count"] == 1
        assert dues[to_chief].url == f"/declarations/campaigns/{campaign.pk}/"
    assert (to_leader_escalation in dues) is leader
    if leader:
        assert dues[to_leader_escalation].params["count"] == 2
        assert dues[to_leader_escalation].params["court"] == "沈阳市和平区人民法院"
    # Never the chief of another department, nor a leader of another court.
    others = {d.recipient_id for d in dues.values() if "campaign" in d.key}
    assert people.criminal_chief.pk not in others
    assert people.shenhe_leader.pk not in others


@pytest.mark.parametrize(("days_late", "offered"), [(34, True), (35, False)])
def test_an_escalation_is_offered_for_the_catch_up_days(province, people, days_late, offered):
    campaign = make_campaign(province)
    make_task(campaign, province.staff["heping"])

    keys = keys_for("declarations", DUE + dt.timedelta(days=days_late), people.chief)

    # Falls due 4 days late (more than ESCALATE_TO_SIGNER_DAYS), offered for 30 days.
    assert (f"ledgers.campaign:{campaign.pk}:escalate-signer" in keys) is offered


def test_escalation_days_are_settings(province, people, settings):
    settings.ESCALATE_TO_SIGNER_DAYS = 1
    settings.ESCALATE_TO_LEADER_DAYS = 2
    campaign = make_campaign(province)
    make_task(campaign, province.staff["heping"])

    two = {key for _who, key in found("declarations", DUE + dt.timedelta(days=2))}
    three = {key for _who, key in found("declarations", DUE + dt.timedelta(days=3))}

    assert f"ledgers.campaign:{campaign.pk}:escalate-signer" in two
    assert not any(key.endswith("escalate-leader") for key in two)
    assert any(key.endswith("escalate-leader") for key in three)


def test_a_signer_is_told_how_many_of_theirs_are_overdue_once_per_campaign(province, people):
    campaign = make_campaign(province)
    department = province.departments["heping"]
    for _n in range(3):
        make_task(
            campaign, StaffMemberFactory(court=province.courts["heping"], department=department)
        )
    other = make_campaign(province, title="第二次")
    make_task(other, province.staff["heping"])

    dues = [
        d
        for d in sources()["declarations"](DUE + dt.timedelta(days=5))
        if d.recipient_id == people.chief.pk
    ]

    assert sorted((d.key, d.params["count"]) for d in dues) == [
        (f"ledgers.campaign:{campaign.pk}:escalate-signer", 3),
        (f"ledgers.campaign:{other.pk}:escalate-signer", 1),
    ]


def test_nobody_is_escalated_their_own_overdue_task(province, people):
    # A vice president's declaration goes to a court leader; the leader-role holder who is
    # late with their own declaration is not told about themselves.
    campaign = make_campaign(province)
    make_task(campaign, people.leader)

    assert (people.leader.pk, f"ledgers.campaign:{campaign.pk}:escalate-signer") not in found(
        "declarations", DUE + dt.timedelta(days=5)
    )


def test_a_returned_declaration_escalates_to_the_signer_of_its_refiling(province, people):
    # Filed as a judge (chief, then leader) and returned; made division chief since, the
    # refiling goes to a court leader first (the service fixes the chain at each filing).
    campaign = make_campaign(province)
    heping, staff = province.courts["heping"], province.staff["heping"]
    chain = [
        {"role": "chief", "court": heping.pk, "department": staff.department_id},
        {"role": "leader", "court": heping.pk, "department": None},
    ]
    make_task(campaign, staff, status=Declaration.Status.RETURNED, chain=chain)
    StaffMember.objects.filter(pk=staff.pk).update(post=StaffMember.Post.CHIEF)

    recipients = {who for who, key in found("declarations", DUE + dt.timedelta(days=4))}

    assert people.leader.pk in recipients
    assert people.chief.pk not in recipients


def test_inactive_logins_and_assignments_are_not_recipients(province, people):
    people.chief.user.role_assignments.update(is_active=False)
    people.leader.user.__class__.objects.filter(pk=people.leader.user.pk).update(is_active=False)
    campaign = make_campaign(province)
    make_task(campaign, province.staff["heping"])

    recipients = {who for who, _key in found("declarations", DUE + dt.timedelta(days=9))}

    assert recipients == {province.staff["heping"].pk}


def filed(campaign, staff, filed_day, *, stage=0, **fields):
    heping = staff.court
    chain = [
        {"role": "chief", "court": heping.pk, "department": staff.department_id},
        {"role": "leader", "court": heping.pk, "department": None},
    ]
    now = chain[stage]
    return make_task(
        campaign,
        staff,
        status=Declaration.Status.FILED,
        chain=chain,
        signatures_done=stage,
        next_role=now["role"],
        next_court_id=now["court"],
        next_department_id=now["department"],
        filed_at=at(filed_day),
        **fields,
    )


@pytest.mark.parametrize(("waited", "reminded"), [(3, False), (4, True)])
def test_a_filing_waiting_for_a_signature_reminds_the_signer(province, people, waited, reminded):
    campaign = make_campaign(province, due=D(2026, 4, 30))
    filed(campaign, province.staff["heping"], D(2026, 3, 2))
    today = D(2026, 3, 2) + dt.timedelta(days=waited)
    year, week, _day = today.isocalendar()

    dues = {(d.recipient_id, d.key): d for d in sources()["declarations"](today)}

    key = (people.chief.pk, f"ledgers.campaign:{campaign.pk}:awaiting:{year}W{week:02d}")
    assert (key in dues) is reminded
    if reminded:
        assert dues[key].params["count"] == 1
        assert dues[key].url == "/declarations/sign/"
    assert not any(who == people.leader.pk for who, _key in dues)


def test_the_wait_counts_from_the_last_signature_and_repeats_weekly(province, people, settings):
    settings.SIGNATURE_REMIND_DAYS = 2
    campaign = make_campaign(province, due=D(2026, 4, 30))
    task = filed(campaign, province.staff["heping"], D(2026, 3, 2), stage=1)
    Signature.objects.create(
        declaration=task,
        stage=0,
        role="chief",
        signer=people.chief.user,
        signer_name=people.chief.name,
        decision=Signature.Decision.SIGNED,
        decided_at=at(D(2026, 3, 9)),
    )

    assert keys_for("declarations", D(2026, 3, 11), people.leader) == set()
    assert keys_for("declarations", D(2026, 3, 12), people.leader) == {
        f"ledgers.campaign:{campaign.pk}:awaiting:2026W11"
    }
    assert keys_for("declarations", D(2026, 3, 16), people.leader) == {
        f"ledgers.campaign:{campaign.pk}:awaiting:2026W12"
    }
    assert keys_for("declarations", D(2026, 3, 16), people.chief) == set()


# --- 2. post recusal ----------------------------------------------------------------------------
def make_relative(province, *, required=REQUIRED, **fields):
    staff = province.staff["heping"]
    values = {
        "court": staff.court,
        "department": staff.department,
        "staff": staff,
        "relative_name": "张律师",
        "relationship": "spouse",
        "law_firm": "辽宁某律师事务所",
        "role": "partner",
        "reported_on": required,
        "recusal_required_on": required,
        "status": RelativePractice.Status.PENDING,
        **fields,
    }
    return RelativePractice.objects.create(**values)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2026, 2, 2), set()),
        (D(2026, 2, 3), {"application-due"}),
        (D(2026, 2, 10), {"application-due"}),
        (D(2026, 2, 11), {"application-overdue"}),
        # Offered for REMINDER_CATCH_UP_DAYS (30) after it fell due, then it has been told.
        (D(2026, 3, 13), {"application-overdue"}),
        (D(2026, 3, 14), set()),
        (D(2026, 7, 2), set()),
        (D(2026, 7, 3), {"post-change-due"}),
        (D(2026, 7, 10), {"post-change-due"}),
        (D(2026, 7, 11), {"post-change-overdue"}),
        (D(2026, 8, 10), {"post-change-overdue"}),
        (D(2026, 8, 11), set()),
    ],
)
def test_recusal_application_and_post_change_deadlines(province, people, today, expected):
    record = make_relative(province)

    by_recipient = {}
    for who, key in found("recusal", today):
        by_recipient.setdefault(who, set()).add(key)

    keys = {f"ledgers.relative:{record.pk}:{what}" for what in expected}
    if not expected:
        assert by_recipient == {}
        return
    # The staff member, the court's officer and the city officer covering it from above.
    assert by_recipient == {
        province.staff["heping"].pk: keys,
        people.officer.pk: keys,
        people.city_officer.pk: keys,
    }


def test_an_application_made_stops_its_reminders_not_the_post_change(province, people):
    record = make_relative(province, applied_on=D(2026, 1, 20))

    assert keys_for("recusal", D(2026, 2, 20), people.officer) == set()
    assert keys_for("recusal", D(2026, 7, 3), people.officer) == {
        f"ledgers.relative:{record.pk}:post-change-due"
    }


def test_recusal_days_and_months_are_settings(province, people, settings):
    settings.RECUSAL_APPLICATION_MONTHS = 2
    settings.RECUSAL_REMIND_DAYS_BEFORE = 10
    settings.REMINDER_CATCH_UP_DAYS = 400
    record = make_relative(province)

    assert keys_for("recusal", D(2026, 12, 1), people.officer) == {
        f"ledgers.relative:{record.pk}:application-overdue",
        f"ledgers.relative:{record.pk}:post-change-overdue",
    }

    assert keys_for("recusal", D(2026, 2, 27), people.officer) == set()
    assert keys_for("recusal", D(2026, 2, 28), people.officer) == {
        f"ledgers.relative:{record.pk}:application-due"
    }


@pytest.mark.parametrize(
    "fields",
    [
        {"voided_at": dt.datetime(2026, 2, 1, tzinfo=dt.UTC)},
        {"status": "implemented", "post_changed_on": D(2026, 3, 1)},
        {"status": "resolved", "resolved_on": D(2026, 3, 1)},
    ],
    ids=["void", "implemented", "resolved"],
)
def test_void_implemented_and_resolved_recusals_are_not_reminded(province, people, fields):
    make_relative(province, **fields)

    assert found("recusal", D(2026, 8, 1)) == set()


# --- 3. unplanned-contact reports ---------------------------------------------------------------
def make_report(province, key="heping", *, contact=CONTACT, reported=REPORTED, **kw):
    staff = kw.pop("staff", province.staff[key])
    return UnplannedContactReport.objects.create(
        court=staff.court,
        department=staff.department,
        staff=staff,
        counterpart_type="lawyer",
        counterpart_name="赵律师",
        contact_on=contact,
        reported_on=reported,
        circumstances="偶遇",
        **kw,
    )


def late_keys(today):
    return {(who, key) for who, key in found("unplanned_contact_reports", today) if "late" in key}


def test_a_report_filed_after_its_deadline_is_announced_to_the_officers(province, people):
    on_time = make_report(province, reported=D(2026, 3, 4), status="reviewed")
    late = make_report(province, reported=D(2026, 3, 5), status="reviewed")

    keys = late_keys(D(2026, 3, 5))

    assert keys == {
        (people.officer.pk, f"ledgers.report:{late.pk}:late"),
        (people.city_officer.pk, f"ledgers.report:{late.pk}:late"),
    }
    assert not any(str(on_time.pk) in key for _who, key in keys)


def test_the_report_deadline_is_a_setting(province, people, settings):
    settings.UNPLANNED_CONTACT_REPORT_DAYS = 5
    make_report(province, reported=D(2026, 3, 6), status="reviewed")

    assert late_keys(D(2026, 3, 10)) == set()


def test_a_late_report_is_news_for_a_month(province, people):
    make_report(province, reported=D(2026, 3, 5), status="reviewed")

    assert late_keys(D(2026, 3, 5) + dt.timedelta(days=30))
    assert late_keys(D(2026, 3, 5) + dt.timedelta(days=31)) == set()


@pytest.mark.parametrize(("today", "reminded"), [(D(2026, 3, 7), False), (D(2026, 3, 8), True)])
def test_an_unreviewed_report_reminds_the_department_chief(province, people, today, reminded):
    report = make_report(province, reported=D(2026, 3, 4))

    keys = {x for x in found("unplanned_contact_reports", today) if "review" in x[1]}

    assert keys == (
        {(people.chief.pk, f"ledgers.report:{report.pk}:review")} if reminded else set()
    )


@pytest.mark.parametrize(("today", "offered"), [(D(2026, 4, 7), True), (D(2026, 4, 8), False)])
def test_a_review_reminder_is_offered_for_the_catch_up_days(province, people, today, offered):
    make_report(province, reported=D(2026, 3, 4))

    assert bool(keys_for("unplanned_contact_reports", today, people.chief)) is offered


def test_without_a_chief_the_court_leaders_review(province, people):
    lonely = DepartmentFactory(court=province.courts["heping"], name="执行局")
    staff = StaffMemberFactory(court=province.courts["heping"], department=lonely)
    report = make_report(province, staff=staff, reported=D(2026, 3, 4))
    elsewhere = make_report(province, "shenhe", reported=D(2026, 3, 4))

    keys = {x for x in found("unplanned_contact_reports", D(2026, 3, 8)) if "review" in x[1]}

    assert keys == {
        (people.leader.pk, f"ledgers.report:{report.pk}:review"),
        (people.shenhe_leader.pk, f"ledgers.report:{elsewhere.pk}:review"),
    }


def test_the_review_days_are_a_setting_and_reviewed_or_void_reports_rest(
    province, people, settings
):
    settings.UNPLANNED_CONTACT_REVIEW_DAYS = 1
    report = make_report(province, reported=D(2026, 3, 4))
    make_report(province, reported=D(2026, 3, 4), status="reviewed")
    make_report(province, reported=D(2026, 3, 4), voided_at=timezone.now())

    keys = {x for x in found("unplanned_contact_reports", D(2026, 3, 6)) if "review" in x[1]}

    assert keys == {(people.chief.pk, f"ledgers.report:{report.pk}:review")}


# --- 4. departed staff --------------------------------------------------------------------------
def make_departure(province, *, left=LEFT, how="retired", **fields):
    staff = province.staff["heping"]
    return DepartureRecord.objects.create(
        court=staff.court,
        department=staff.department,
        staff=staff,
        left_on=left,
        how=how,
        last_post="judge",
        **fields,
    )


def follow_up_keys(today, people):
    return keys_for("departures", today, people.officer)


def test_a_follow_up_is_due_every_six_months_after_leaving(province, people):
    record = make_departure(province)

    assert follow_up_keys(D(2025, 7, 14), people) == set()
    assert follow_up_keys(D(2025, 7, 15), people) == {f"ledgers.departure:{record.pk}:follow-up:1"}
    assert {who for who, _key in found("departures", D(2025, 7, 15))} == {
        people.officer.pk,
        people.city_officer.pk,
    }


def test_a_follow_up_made_restarts_the_wait(province, people):
    record = make_departure(province)
    FollowUp.objects.create(record=record, followed_on=D(2025, 7, 20), method="phone")

    assert follow_up_keys(D(2025, 7, 20), people) == set()
    assert follow_up_keys(D(2026, 1, 19), people) == set()
    assert follow_up_keys(D(2026, 1, 20), people) == {f"ledgers.departure:{record.pk}:follow-up:2"}


def test_a_follow_up_reminder_is_offered_for_the_catch_up_days(province, people, settings):
    record = make_departure(province)

    assert follow_up_keys(D(2025, 8, 14), people) == {f"ledgers.departure:{record.pk}:follow-up:1"}
    assert follow_up_keys(D(2025, 8, 15), people) == set()
    # Still not followed up: the next period reminds again.
    assert follow_up_keys(D(2026, 1, 15), people) == {f"ledgers.departure:{record.pk}:follow-up:2"}
    settings.REMINDER_CATCH_UP_DAYS = 31
    assert follow_up_keys(D(2025, 8, 15), people) == {f"ledgers.departure:{record.pk}:follow-up:1"}


def test_follow_ups_stop_when_the_restrictions_end(province, people, settings):
    settings.REMINDER_CATCH_UP_DAYS = 400
    # Retired judge, not senior: restricted for two years, until 2025-01-14.
    record = make_departure(province, left=D(2023, 1, 15))

    assert follow_up_keys(D(2025, 1, 14), people) == {f"ledgers.departure:{record.pk}:follow-up:3"}
    assert follow_up_keys(D(2025, 1, 15), people) == set()


def test_dismissed_staff_are_followed_up_for_life(province, people):
    record = make_departure(province, left=D(2015, 1, 15), how="dismissed")

    assert follow_up_keys(D(2026, 1, 15), people) == {f"ledgers.departure:{record.pk}:follow-up:22"}


def test_the_follow_up_period_is_a_setting(province, people, settings):
    settings.DEPARTURE_FOLLOW_UP_MONTHS = 3
    record = make_departure(province)

    assert follow_up_keys(D(2025, 4, 14), people) == set()
    assert follow_up_keys(D(2025, 4, 15), people) == {f"ledgers.departure:{record.pk}:follow-up:1"}


@pytest.mark.parametrize(
    "fields", [{"status": "ended"}, {"voided_at": dt.datetime(2025, 2, 1, tzinfo=dt.UTC)}]
)
def test_ended_and_void_departures_are_not_followed_up(province, people, fields):
    make_departure(province, **fields)

    assert found("departures", D(2025, 8, 1)) == set()


# --- 5. quarterly summary -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("today", "quarter"),
    [
        (D(2026, 3, 23), None),
        (D(2026, 3, 24), "2026Q1"),
        (D(2026, 4, 15), "2026Q1"),
        (D(2026, 4, 16), None),
        (D(2027, 1, 15), "2026Q4"),
    ],
)
def test_the_quarterly_summary_is_reminded_around_the_quarter_end(province, people, today, quarter):
    dues = sources()["quarterly_summary"](today)

    if quarter is None:
        assert dues == []
        return
    courts = province.courts
    assert {(d.recipient_id, d.key) for d in dues} == {
        (people.officer.pk, f"court:{courts['heping'].pk}:quarterly:{quarter}"),
        (people.leader.pk, f"court:{courts['heping'].pk}:quarterly:{quarter}"),
        (people.city_officer.pk, f"court:{courts['shenyang'].pk}:quarterly:{quarter}"),
        (people.neighbour_officer.pk, f"court:{courts['dalian'].pk}:quarterly:{quarter}"),
        (people.high_officer.pk, f"court:{courts['high'].pk}:quarterly:{quarter}"),
        (people.shenhe_leader.pk, f"court:{courts['shenhe'].pk}:quarterly:{quarter}"),
    }


def test_the_quarterly_window_is_a_setting_and_says_when_it_is_due(province, people, settings):
    settings.QUARTERLY_SUMMARY_REMIND_DAYS_BEFORE = 10
    settings.QUARTERLY_SUMMARY_DUE_DAYS = 5

    assert sources()["quarterly_summary"](D(2026, 6, 19)) == []
    (due, *_rest) = sources()["quarterly_summary"](D(2026, 6, 20))
    assert due.params["due"] == "2026年7月5日"
    assert due.url.endswith("&date_from=2026-04-01&date_to=2026-06-30")
    assert sources()["quarterly_summary"](D(2026, 7, 5))
    assert sources()["quarterly_summary"](D(2026, 7, 6)) == []


# --- the sweep: once, and a fixed number of queries ---------------------------------------------
def populate(province, people, size):
    """``size`` of everything due on 2026-03-14 (for each source)."""
    campaign = make_campaign(province)
    for n in range(size):
        staff = StaffMemberFactory(
            court=province.courts["heping"], department=province.departments["heping"]
        )
        make_task(campaign, staff)
        make_relative(province, required=D(2026, 2, 10), relative_name=f"亲属{n}")
        make_report(province, contact=D(2026, 3, 8), reported=D(2026, 3, 9))
        make_report(province, contact=D(2026, 3, 1), reported=D(2026, 3, 10), status="reviewed")
        make_departure(province, left=D(2025, 9, 14))
    filed(make_campaign(province, due=D(2026, 4, 30)), province.staff["heping"], D(2026, 3, 1))


# Each source's reads: declarations 6 (campaigns, role holders, the tasks not told yet of each
# reminder due (here: assigned, overdue), escalation counts, filings waiting), recusal 2,
# reports 3, departures 2, quarterly summary 1.
SOURCE_QUERIES = 14
TODAY = D(2026, 3, 31)
# The sources of this app (inspections/ registers its own, tested in tests/inspections/).
LEDGER_SOURCES = (
    "declarations",
    "recusal",
    "unplanned_contact_reports",
    "departures",
    "quarterly_summary",
)


@pytest.mark.parametrize("size", [1, 20])
def test_the_sources_read_a_fixed_number_of_queries_at_any_size(
    province, people, size, django_assert_num_queries
):
    populate(province, people, size)

    with django_assert_num_queries(SOURCE_QUERIES):
        found = gather(TODAY, LEDGER_SOURCES)

    # size tasks + the filed one; each relative to the staff member and two officers.
    assert len(found["recusal"]) == 3 * size
    assert len(found["departures"]) == 2 * size
    assert {due.key for due in found["unplanned_contact_reports"]} == {
        f"ledgers.report:{report.pk}:{what}"
        for report, what in [
            *((r, "review") for r in UnplannedContactReport.objects.filter(status="submitted")),
            *((r, "late") for r in UnplannedContactReport.objects.filter(status="reviewed")),
        ]
    }


def test_the_whole_sweep_runs_as_many_queries_for_more_data(province, people):
    populate(province, people, 1)
    with CaptureQueriesContext(connection) as small:
        first = sweep(TODAY)
    populate(province, people, 2)
    with CaptureQueriesContext(connection) as larger:
        second = sweep(TODAY)

    assert 0 < first.created < second.created
    # The sources' reads, then the writer's (email addresses, the insert, the counts: how it
    # writes is the engine's business and differs between SQLite and PostgreSQL; SQLite splits
    # an insert at 999 parameters, so the sizes here stay within one statement).
    assert len(larger) == len(small)
    assert len(small) >= SOURCE_QUERIES


def test_the_sweep_writes_each_reminder_once(province, people):
    populate(province, people, 3)

    first = sweep(TODAY)
    second = sweep(TODAY)

    assert first.created == Notification.objects.count()
    assert second.created == 0
    assert Notification.objects.count() == first.created
    assert set(LEDGER_SOURCES) <= set(first.found)
    assert all(first.found[name] for name in LEDGER_SOURCES), first.found
    notice = Notification.objects.get(recipient=people.officer, kind=reminders.Kinds.QUARTERLY)
    assert notice.email_status == Notification.Email.PENDING
    assert notice.url.startswith("/ledgers/interference/?court=")


def test_a_task_already_told_is_not_read_again(province, people):
    campaign = make_campaign(province)
    task = make_task(campaign, province.staff["heping"])
    today = DUE + dt.timedelta(days=1)
    sweep(today)

    again = {key for _who, key in found("declarations", today)}

    assert f"ledgers.declaration:{task.pk}:overdue" not in again
    assert Notification.objects.filter(key=f"ledgers.declaration:{task.pk}:overdue").count() == 1


# --- the benchmark (make bench) -----------------------------------------------------------------
def test_bench_sweep_runs_on_a_tiny_tree_and_its_second_run_creates_nothing():
    # Enough department staff (about 150) that every state of bench_sweep.MIX, chosen by id
    # modulo 20, has tasks whatever ids the database hands out.
    call_command(
        "seed_scale", records=300, courts=12, staff_per_court=20, seed=7, stdout=StringIO()
    )
    out = StringIO()

    call_command("bench_sweep", stdout=out)

    table = out.getvalue()
    assert "reminder sweep on" in table
    rows = {
        line.split()[0]: line.split()[1:]
        for line in table.splitlines()
        if line.split() and line.split()[0] in sources()
    }
    assert set(rows) == set(sources())
    # due, created by the first run, created by the second run (nothing), read seconds
    assert int(rows["declarations"][0]) == int(rows["declarations"][1]) > 0
    assert all(int(columns[2]) == 0 for columns in rows.values())
    campaigns = Campaign.objects.filter(title=bench_sweep.TITLE)
    assert campaigns.count() == Court.objects.filter(parent__isnull=True).count()
    tasks = Declaration.objects.filter(campaign__in=campaigns)
    assert tasks.count() == StaffMember.objects.filter(status="serving").count()
    assert set(tasks.values_list("status", flat=True)) == {
        "pending",
        "returned",
        "filed",
        "signed",
    }
    # Every department has a chief's login and every court a leader's and an officer's.
    assert RoleAssignment.objects.filter(role="leader").values("court").distinct().count() == (
        Court.objects.count()
    )

    again = StringIO()
    call_command("bench_sweep", stdout=again)
    # Earlier bench campaigns are closed; the new ones start untold.
    assert Campaign.objects.filter(title=bench_sweep.TITLE, status="open").count() == (
        campaigns.filter(status="open").count()
    )
