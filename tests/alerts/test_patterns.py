"""Pattern alerts over time (ledgers/alerts/patterns.py): zero reports that stand out among
comparable peers, and the same lawyer, firm or person across many records. Each fires on its
pattern and stays silent on the near misses; one alert per set of facts; a fixed number of
queries whatever the amount of data."""

import datetime
import itertools

import pytest
from django.utils import timezone

from inspections.models import Complaint, Questionnaire, SampledCase, Visit, VisitPlan
from integrity.org.models import CaseAgent, Court, StaffMember
from ledgers.alerts import patterns
from ledgers.alerts.models import Alert
from ledgers.models import Campaign, ContactCase, Declaration, InterferenceRecord
from tests.factories import CaseFactory, DepartmentFactory, StaffMemberFactory

from .conftest import FIRM, LICENCE, D

TODAY = D(2026, 3, 10)
JAN_10, JAN_15, JAN_20, FEB_1 = D(2026, 1, 10), D(2026, 1, 15), D(2026, 1, 20), D(2026, 2, 1)
MONTHS = [(2025, 10), (2025, 11), (2025, 12), (2026, 1), (2026, 2), (2026, 3)]
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _thresholds(settings):
    settings.ALERT_ZERO_PERIODS = 3
    settings.ALERT_ZERO_MIN_PEERS = 3
    settings.ALERT_ZERO_PEER_SHARE = 0.5
    settings.ALERT_CASELOAD_RATIO = 2.0
    settings.ALERT_REPEAT_THRESHOLD = 3
    settings.ALERT_REPEAT_WINDOW_DAYS = 365


def check(today=TODAY):
    return patterns.check_patterns(today=today)


def zero_alerts(prefix="zero_reports:"):
    return Alert.objects.filter(rule="zero_reports", key__startswith=prefix)


# --- Makers --------------------------------------------------------------------------------------
@pytest.fixture
def months(province):
    """One 三个规定 campaign a month at the high court and below, October to March (March
    ends after TODAY)."""
    made = {}
    for year, month in MONTHS:
        start = D(year, month, 1)
        end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        made[(year, month)] = Campaign.objects.create(
            kind=Campaign.Kind.THREE_RULES,
            title=f"{year}年{month}月三个规定报告",
            court=province.courts["high"],
            covers_subordinates=True,
            period_start=start,
            period_end=end,
            due_on=end + datetime.timedelta(days=5),
        )
    return made


def report(months, staff, month, *, zero=True, status=Declaration.Status.FILED, **extra):
    return Declaration.objects.create(
        campaign=months[month],
        staff=staff,
        court=staff.court,
        department=staff.department,
        status=status,
        has_nothing=zero,
        **extra,
    )


def zero_streak(months, staff, first=(2025, 12), last=(2026, 2)):
    keys = list(months)
    for month in keys[keys.index(first) : keys.index(last) + 1]:
        report(months, staff, month)


def inquiry(staff, *, on=JAN_15, name=None, unit="某局", voided=False, **extra):
    """An inquiry about a case of ``staff``'s (by someone of their own unless named)."""
    fields = {"interferer_kind": InterferenceRecord.InterfererKind.EXTERNAL_CADRE, **extra}
    return InterferenceRecord.objects.create(
        court=staff.court,
        department=staff.department,
        staff=staff,
        case_number=f"(2026){staff.court.code}民初{next(_numbers)}号",
        interferer_name=name or f"询问人{next(_numbers)}",
        interferer_unit=unit,
        occurred_on=on,
        method=InterferenceRecord.Method.PHONE,
        content="询问案件进展",
        voided_at=timezone.now() if voided else None,
        **fields,
    )


def basic_judges(province):
    """The judges of the basic courts besides 和平's: 沈河, 中山 and 和平's criminal court."""
    return [province.staff[key] for key in ("shenhe", "zhongshan", "heping_criminal")]


# --- Zero reports --------------------------------------------------------------------------------
def test_a_zero_streak_fires_when_enough_peers_recorded(province, months):
    judge = province.staff["heping"]
    zero_streak(months, judge)
    shenhe, zhongshan, _ = basic_judges(province)
    inquiry(shenhe)
    inquiry(zhongshan, on=D(2025, 12, 1))
    outcome = check()
    alert = zero_alerts("zero_reports:s").get()
    assert alert.key == f"zero_reports:s{judge.pk}:2025-12-01"
    assert alert.subject == judge
    assert alert.court == judge.court
    assert alert.department == judge.department
    assert not alert.about_leader
    assert (alert.strength, alert.severity, alert.status) == ("pattern", "medium", "open")
    assert alert.facts == {
        "scope": "staff",
        "since": "2025-12-01",
        "threshold": 3,
        "court_level": "basic",
        "post": "judge",
        "caseload_band": 0,
        "zero_periods": 3,
        "window": ["2025-12-01", "2026-02-28"],
        "peers": 3,
        "peers_recording": 2,
        "caseload": 0,
    }
    # 和平's civil division: its only reporter filed zero reports, and its peers recorded.
    department = zero_alerts("zero_reports:d").get()
    assert department.department == judge.department
    assert department.subject is None
    assert outcome.created == 2


def test_the_streak_is_dated_from_its_first_zero_period(province, months):
    zero_streak(months, province.staff["heping"], first=(2025, 10))
    for peer in basic_judges(province)[:2]:
        inquiry(peer)
    check()
    alert = zero_alerts("zero_reports:s").get()
    assert alert.facts["since"] == "2025-10-01"
    assert alert.facts["zero_periods"] == 5
    assert alert.facts["window"] == ["2025-12-01", "2026-02-28"]


def test_a_peer_recording_outside_the_window_or_voided_does_not_count(province, months):
    zero_streak(months, province.staff["heping"])
    shenhe, zhongshan, _ = basic_judges(province)
    inquiry(shenhe)
    inquiry(zhongshan, on=D(2025, 11, 30))
    inquiry(zhongshan, on=D(2026, 3, 1))
    inquiry(zhongshan, voided=True)
    check()
    assert not zero_alerts().exists()


@pytest.mark.parametrize(
    ("min_peers", "recording", "fires"),
    [(3, 2, True), (3, 1, False), (4, 2, False)],
    ids=["enough", "too-few-recording", "too-few-peers"],
)
def test_the_peer_group_must_be_large_and_recording_enough(
    province, months, settings, min_peers, recording, fires
):
    settings.ALERT_ZERO_MIN_PEERS = min_peers
    zero_streak(months, province.staff["heping"])
    for peer in basic_judges(province)[:recording]:
        inquiry(peer)
    check()
    assert zero_alerts("zero_reports:s").exists() is fires


@pytest.mark.parametrize(
    ("where", "fires"),
    [("same", True), ("post", False), ("level", False), ("caseload", False)],
)
def test_only_comparable_peers_count(province, months, where, fires):
    """Three peers who recorded, and who are comparable or not: of another post, of another
    court level, or with a caseload of another band (six cases filed in the window each)."""
    judge = province.staff["heping"]
    zero_streak(months, judge)
    court = province.courts["shenyang"] if where == "level" else province.courts["shenhe"]
    post = StaffMember.Post.CLERK if where == "post" else StaffMember.Post.JUDGE
    for n in range(3):
        peer = StaffMemberFactory(court=court, post=post, name=f"同行{n}")
        inquiry(peer)
        if where == "caseload":
            for _ in range(6):
                CaseFactory(court=court, presiding_judge=peer, filed_on=D(2026, 1, 5))
    check()
    assert zero_alerts("zero_reports:s").exists() is fires


def test_a_similar_caseload_counts_the_cases_presided_and_sat_on_once(province, months):
    judge = province.staff["heping"]
    zero_streak(months, judge)
    court = province.courts["heping"]
    for _ in range(3):  # presided, and listed on the panel as well
        CaseFactory(court=court, presiding_judge=judge, filed_on=D(2026, 1, 5)).panel.add(judge)
    CaseFactory(court=court, filed_on=D(2026, 2, 5)).panel.add(judge)
    CaseFactory(court=court, presiding_judge=judge, filed_on=D(2025, 11, 30))  # before
    window = [(D(2025, 12, 1), D(2026, 2, 28))]
    assert patterns.caseloads(window, {"judge"})[judge.pk] == [4]
    for n in range(3):  # peers with four cases each: the same band, and they recorded
        peer = StaffMemberFactory(court=province.courts["shenhe"], name=f"同行{n}")
        inquiry(peer)
        for _ in range(4):
            CaseFactory(court=peer.court, presiding_judge=peer, filed_on=D(2026, 2, 1))
    check()
    alert = zero_alerts("zero_reports:s").get()
    assert (alert.facts["caseload"], alert.facts["caseload_band"]) == (4, 0)
    assert alert.facts["peers_recording"] == 3


@pytest.mark.parametrize(
    "history",
    [
        [(2026, 1), (2026, 2)],  # one period short
        [(2025, 10), (2025, 11), (2026, 1), (2026, 2)],  # December not filed: three zeros
        "non-zero in between",
    ],
    ids=["one-short", "one-not-filed", "non-zero-between"],
)
def test_a_streak_short_of_the_threshold_is_silent(province, months, history):
    judge = province.staff["heping"]
    if history == "non-zero in between":
        report(months, judge, (2025, 10))
        report(months, judge, (2025, 11))
        report(months, judge, (2025, 12), zero=False)
        report(months, judge, (2026, 1))
        report(months, judge, (2026, 2))
    else:
        for month in history:
            report(months, judge, month)
    for peer in basic_judges(province):
        inquiry(peer)
    check()
    fired = zero_alerts("zero_reports:s").exists()
    # The reports not filed do not break a streak: the last three filed were zero.
    assert fired is (history != "non-zero in between" and len(history) == 4)


def test_reports_not_filed_or_superseded_or_of_a_voided_campaign_do_not_count(province, months):
    judge = province.staff["heping"]
    report(months, judge, (2025, 12))
    report(months, judge, (2026, 1), status=Declaration.Status.SUPERSEDED, is_current=False)
    report(months, judge, (2026, 1), status=Declaration.Status.RETURNED, revision=2)
    report(months, judge, (2026, 2))
    Campaign.objects.filter(pk=months[(2025, 12)].pk).update(voided_at=timezone.now())
    report(months, judge, (2025, 11))
    for peer in basic_judges(province):
        inquiry(peer)
    check()
    assert not zero_alerts().exists()


def test_a_period_ending_after_today_is_not_yet_counted(province, months):
    judge = province.staff["heping"]
    zero_streak(months, judge, first=(2026, 1), last=(2026, 3))
    for peer in basic_judges(province):
        inquiry(peer)
    check()
    assert not zero_alerts().exists()
    check(today=D(2026, 3, 31))
    assert zero_alerts("zero_reports:s").get().facts["window"] == ["2026-01-01", "2026-03-31"]


def test_a_department_of_zero_reports_among_recording_peer_departments(province, months):
    """和平's new division: both its staff filed only zero reports; the other basic trial
    divisions (one or two staff: the same band) recorded."""
    court = province.courts["heping"]
    division = DepartmentFactory(court=court, name="执行局")
    members = [StaffMemberFactory(court=court, department=division) for _ in range(2)]
    for member in members:
        zero_streak(months, member)
    for key in ("shenhe", "zhongshan", "heping_criminal"):
        inquiry(province.staff[key])
    check()
    alert = zero_alerts(f"zero_reports:d{division.pk}:").get()
    assert alert.key == f"zero_reports:d{division.pk}:2025-12-01"
    assert (alert.court, alert.department, alert.subject) == (court, division, None)
    assert alert.facts["scope"] == "department"
    assert alert.facts["trial"] is True
    assert alert.facts["staff_band"] == 0
    assert (alert.facts["peers"], alert.facts["peers_recording"]) == (4, 3)
    assert alert.facts["staff"] == 2


def test_a_department_with_one_non_zero_report_in_the_last_periods_is_silent(province, months):
    court = province.courts["heping"]
    division = DepartmentFactory(court=court, name="执行局")
    first, second = (StaffMemberFactory(court=court, department=division) for _ in range(2))
    zero_streak(months, first)
    zero_streak(months, second, last=(2026, 1))
    report(months, second, (2026, 2), zero=False)
    for key in ("shenhe", "zhongshan", "heping_criminal"):
        inquiry(province.staff[key])
    check()
    assert not zero_alerts(f"zero_reports:d{division.pk}:").exists()
    assert zero_alerts(f"zero_reports:s{first.pk}:").exists()


def test_peer_departments_outside_trial_work_are_not_comparable(province, months):
    court = province.courts["heping"]
    division = DepartmentFactory(court=court, name="执行局")
    zero_streak(months, StaffMemberFactory(court=court, department=division))
    for n, key in enumerate(("shenhe", "zhongshan", "heping")):
        office = DepartmentFactory(court=province.courts[key], name=f"办公室{n}", is_trial=False)
        inquiry(StaffMemberFactory(court=office.court, department=office))
    check()
    assert not zero_alerts(f"zero_reports:d{division.pk}:").exists()


def test_a_court_presidents_zero_reports_are_about_a_leader(province, months):
    court = province.courts["heping"]
    president = StaffMemberFactory(court=court, post=StaffMember.Post.PRESIDENT, name="院长")
    zero_streak(months, president)
    for key in ("shenhe", "zhongshan"):
        inquiry(StaffMemberFactory(court=province.courts[key], post="president"))
    StaffMemberFactory(court=province.courts["zhongshan"], post="president", name="中山院长2")
    check()
    assert zero_alerts(f"zero_reports:s{president.pk}:").get().about_leader


def test_twice_the_same_is_confirmed_and_a_broken_streak_lapses(province, months):
    judge = province.staff["heping"]
    zero_streak(months, judge)
    for peer in basic_judges(province)[:2]:
        inquiry(peer)
    first = check()
    again = check()
    assert (again.created, again.confirmed, again.changed, again.reopened) == (0, 2, 0, 0)
    assert Alert.objects.count() == first.created == 2
    report(months, judge, (2026, 3), zero=False)
    later = check(today=D(2026, 4, 1))
    assert later.lapsed == 2
    assert set(Alert.objects.values_list("status", flat=True)) == {"lapsed"}


def test_a_dismissed_streak_stays_dismissed_as_it_grows(province, months):
    judge = province.staff["heping"]
    zero_streak(months, judge)
    for peer in basic_judges(province):
        inquiry(peer, on=D(2026, 2, 10))
    check()
    alert = zero_alerts("zero_reports:s").get()
    # Dismissed by the discipline team (the service is tested in test_services).
    Alert.objects.filter(pk=alert.pk).update(status=Alert.Status.DISMISSED, reason="已谈话")
    report(months, judge, (2026, 3))
    outcome = check(today=D(2026, 4, 1))
    alert.refresh_from_db()
    assert alert.status == Alert.Status.DISMISSED
    assert outcome.reopened == 0
    assert alert.facts["zero_periods"] == 4
    assert alert.facts["window"] == ["2026-01-01", "2026-03-31"]


# --- Repeat actors -------------------------------------------------------------------------------
@pytest.fixture
def visit_plan(province):
    questionnaire = Questionnaire.objects.create(court=province.courts["high"], name="回访问卷")
    return VisitPlan.objects.create(
        court=province.courts["high"],
        title="廉政回访",
        closed_from=D(2025, 1, 1),
        closed_to=D(2025, 12, 31),
        sample_size=5,
        questionnaire=questionnaire,
    )


def contact(staff, *, on=JAN_10, name="李明", firm=FIRM, licence=LICENCE, **extra):
    fields = {
        "court": staff.court,
        "department": staff.department,
        "staff": staff,
        "counterpart_type": "lawyer",
        "counterpart_name": name,
        "counterpart_firm": firm,
        "licence_number": licence,
        "behaviour": ContactCase.Behaviour.GIFTS,
        "occurred_on": on,
        "description": "宴请",
        "clue_source": ContactCase.ClueSource.PUBLIC_REPORT,
        **extra,
    }
    return ContactCase.objects.create(**fields)


def visit(plan, court, *, on=FEB_1, name="李明", firm=FIRM, licence=LICENCE, **extra):
    case = CaseFactory(court=court, filed_on=D(2025, 3, 1), closed_on=D(2025, 9, 1))
    CaseAgent.objects.create(case=case, name="张律师", law_firm="别的律所", licence_number="1")
    CaseAgent.objects.create(case=case, name=name, law_firm=firm, licence_number=licence)
    sampled = SampledCase.objects.create(
        plan=plan, case=case, court=court, stratum="civil", position=next(_numbers)
    )
    fields = {
        "plan": plan,
        "sampled": sampled,
        "court": court,
        "respondent_kind": Visit.Respondent.AGENT,
        "respondent_name": name,
        "method": Visit.Method.PHONE,
        "visited_on": on,
        "has_problem": True,
        **extra,
    }
    return Visit.objects.create(**fields)


def complaint(court, *, subject=None, name="", on=JAN_20, **extra):
    return Complaint.objects.create(
        locator=f"L{next(_numbers):07d}",
        code_hash="x",
        court=court,
        subject=subject,
        subject_name=name,
        account="吃拿卡要",
        received_on=on,
        **extra,
    )


def repeat_alerts(kind=None):
    alerts = Alert.objects.filter(rule="repeat_actor")
    return alerts.filter(facts__kind=kind) if kind else alerts


def test_a_lawyer_across_a_contact_case_an_interference_record_and_a_visit(province, visit_plan):
    """The same lawyer: by licence in the contact case and the visit, by name and firm (as a
    law firm's interferer, written differently) in the interference record."""
    heping, shenhe = province.staff["heping"], province.staff["shenhe"]
    made = [
        ("contact", contact(heping).pk),
        ("interference", inquiry(shenhe, name="李 明", unit="辽宁正义律所").pk),
        ("visit", visit(visit_plan, province.courts["heping"]).pk),
    ]
    outcome = check()
    lawyer = repeat_alerts("lawyer").get()
    assert lawyer.court == province.courts["shenyang"]
    assert lawyer.key == f"repeat_actor:lawyer:L:{LICENCE}:{province.courts['shenyang'].pk}"
    assert (lawyer.strength, lawyer.severity, lawyer.subject) == ("pattern", "medium", None)
    assert lawyer.facts["records"] == sorted([list(item) for item in made])
    assert lawyer.facts["licence"] == LICENCE
    assert lawyer.facts["name"] == "李 明"  # one of the ways it was written, the same each time
    assert lawyer.facts["by_source"] == {"contact": 1, "interference": 1, "visit": 1}
    assert lawyer.facts["courts"] == sorted(["沈阳市和平区人民法院", "沈阳市沈河区人民法院"])
    firm = repeat_alerts("firm").get()
    assert firm.facts["identity"] == "辽宁正义"
    assert firm.facts["count"] == 3
    assert outcome.created == 2


@pytest.mark.parametrize(
    "miss", ["below", "outside", "voided", "other_licence", "party", "no_problem"]
)
def test_a_lawyer_one_record_short_is_silent(province, visit_plan, miss):
    heping = province.staff["heping"]
    contact(heping)
    contact(heping, on=D(2025, 3, 10))  # the first day of the window
    start = D(2025, 3, 10)
    if miss == "outside":
        contact(heping, on=start - datetime.timedelta(days=1))
    elif miss == "voided":
        contact(heping, voided_at=timezone.now())
    elif miss == "other_licence":
        contact(heping, licence="12101201810000999")
    elif miss == "party":  # the same name, but a party, not the lawyer
        contact(heping, counterpart_type="party", firm="", licence="")
    elif miss == "no_problem":
        visit(visit_plan, province.courts["heping"], has_problem=False)
    check()
    assert not repeat_alerts("lawyer").exists()


def test_a_lawyer_at_the_threshold_on_the_first_day_of_the_window(province):
    heping = province.staff["heping"]
    for day in (D(2025, 3, 10), D(2025, 6, 1), TODAY):
        contact(heping, on=day)
    check()
    assert repeat_alerts("lawyer").get().court == province.courts["heping"]


def test_a_firm_across_several_lawyers(province):
    heping = province.staff["heping"]
    for n in range(3):
        contact(heping, name=f"律师{n}", licence=f"1210120181000010{n}")
    check()
    assert not repeat_alerts("lawyer").exists()
    firm = repeat_alerts("firm").get()
    assert firm.facts["firm"] == FIRM


def test_a_person_complained_about_and_inquiring_the_court_above_all(province):
    """A staff member of 和平 complained about twice, and recorded by 中山 as an internal
    inquirer from 和平: the alert is at the high court, about them."""
    staff = province.staff["heping"]
    court = province.courts["heping"]
    complaint(court, subject=staff)
    complaint(court, name="heping法官")
    inquiry(
        province.staff["zhongshan"],
        name="heping法官",
        unit="沈阳市和平区人民法院",
        interferer_kind=InterferenceRecord.InterfererKind.INTERNAL,
    )
    check()
    alert = repeat_alerts("person").get()
    assert alert.court == province.courts["high"]
    assert alert.subject == staff
    assert alert.facts["unit"] == "沈阳市和平区人民法院"
    assert alert.facts["by_source"] == {"complaint": 2, "interference": 1}
    assert not alert.about_leader


def test_complaints_about_a_leader_make_an_alert_about_a_leader(province):
    court = province.courts["heping"]
    president = StaffMemberFactory(court=court, post="president", name="院长")
    for _ in range(3):
        complaint(court, subject=president, about_leader=True)
    check()
    alert = repeat_alerts("person").get()
    assert (alert.about_leader, alert.subject, alert.court) == (True, president, court)


def test_records_in_two_court_trees_are_apart(province):
    other = Court.objects.create(name="吉林省高级人民法院", code="吉", level="high")
    other.path = other.segment()
    other.save()
    jilin = StaffMemberFactory(court=other)
    contact(province.staff["heping"])
    contact(province.staff["heping"])
    contact(jilin)
    check()
    assert not repeat_alerts().exists()
    contact(jilin)
    contact(jilin)
    check()
    assert repeat_alerts("lawyer").get().court == other


@pytest.mark.parametrize(
    ("paths", "common"),
    [
        (["000001/000002/000003/"], "000001/000002/000003/"),
        (["000001/000002/000003/", "000001/000002/000004/"], "000001/000002/"),
        (["000001/000002/", "000001/000002/000004/"], "000001/000002/"),
        (["000001/000022/", "000001/000023/"], "000001/"),
        (["000001/", "000009/"], ""),
    ],
)
def test_the_common_court_is_the_lowest_above_all(paths, common):
    assert patterns.common_court_path(paths) == common


@pytest.mark.parametrize(
    ("unit", "firm"),
    [
        ("辽宁正义律师事务所", True),
        ("北京市金杜（沈阳）律师事务所", True),
        ("正义律所", True),
        ("King & Wood Law Firm", True),
        ("沈阳市公安局", False),
        ("会计师事务所", False),
    ],
)
def test_a_unit_named_as_a_law_firm(unit, firm):
    assert patterns.is_law_firm(unit) is firm


def test_a_dismissed_repeat_actor_comes_back_with_a_new_record(province):
    heping = province.staff["heping"]
    for _ in range(3):
        contact(heping)
    check()
    alert = repeat_alerts("lawyer").get()
    Alert.objects.filter(rule="repeat_actor").update(status=Alert.Status.DISMISSED)
    quiet = check()
    assert (quiet.created, quiet.reopened, quiet.confirmed) == (0, 0, 2)
    contact(heping)
    outcome = check()
    alert.refresh_from_db()
    assert (alert.status, alert.reopened, alert.facts["count"]) == ("open", 1, 4)
    assert outcome.reopened == 2  # the lawyer and the firm


def test_the_alert_lapses_when_records_leave_the_window(province):
    heping = province.staff["heping"]
    for on in (D(2025, 4, 1), D(2025, 5, 1), D(2025, 6, 1)):
        contact(heping, on=on)
    check()
    assert repeat_alerts().filter(status="open").count() == 2
    outcome = check(today=D(2026, 4, 15))
    assert outcome.lapsed == 2


# --- The cost ------------------------------------------------------------------------------------
def world(province, months, plan, size):
    """Every pattern once (a staff member's and a department's zero reports; a lawyer, their
    firm, a person), among ``size`` times as many peers and records that make none."""
    zero_streak(months, province.staff["heping"])
    peers = basic_judges(province)
    for n in range(size * 4):
        peer = StaffMemberFactory(court=province.courts["shenhe"], name=f"同行{n}")
        peers.append(peer)
        report(months, peer, (2026, 2), zero=False)
        CaseFactory(court=peer.court, presiding_judge=peer, filed_on=D(2026, 1, 2))
    for peer in peers:
        inquiry(peer)
    contact(peers[0])
    inquiry(peers[1], name="李明", unit=FIRM)
    visit(plan, province.courts["heping"])
    for _ in range(3):
        complaint(province.courts["heping"], name="某法官")
    for n in range(size * 3):
        contact(peers[n % len(peers)], name=f"律师{n}", licence=f"9{n:016d}", firm=f"律所{n}")
        complaint(province.courts["shenhe"], name=f"某人{n}")
        visit(plan, province.courts["shenhe"], name=f"代理人{n}", licence=f"8{n:016d}")


@pytest.mark.parametrize("size", [1, 4])
def test_a_fixed_number_of_queries_whatever_the_data(
    province, months, visit_plan, size, django_assert_num_queries, monkeypatch
):
    world(province, months, visit_plan, size)
    found = []
    monkeypatch.setattr(patterns, "raise_alerts", lambda findings, covered: found.extend(findings))
    # Zero reports: the streaks of staff and of departments, the records, the peers, the
    # cases presided and sat on, the departments (7). Repeat actors: interference records,
    # contact cases, complaints, visits and their agents, the courts, and the records of the
    # three sources again for the ids (9).
    with django_assert_num_queries(16):
        check()
    kinds = sorted((f.rule, f.facts.get("kind") or f.facts["scope"]) for f in found)
    assert kinds == [
        ("repeat_actor", "firm"),
        ("repeat_actor", "lawyer"),
        ("repeat_actor", "person"),
        ("zero_reports", "department"),
        ("zero_reports", "staff"),
    ]


def sighting(name, firm, licence="", count=1):
    return patterns.Sighting(
        patterns.Source.CONTACT, (name, firm, licence), 1, count, name, firm, licence, True
    )


def test_a_lawyer_without_licence_is_the_holder_only_of_a_single_licence():
    one = patterns.identities([sighting("李明", FIRM, LICENCE), sighting("李明", "辽宁正义律所")])
    assert one[(patterns.Kind.LAWYER, f"L:{LICENCE}")].count == 2
    two = patterns.identities(
        [sighting("李明", FIRM, "1"), sighting("李明", FIRM, "2"), sighting("李明", FIRM)]
    )
    assert two[(patterns.Kind.LAWYER, "N:李明|辽宁正义")].count == 1
    assert two[(patterns.Kind.FIRM, "辽宁正义")].count == 3


def test_a_long_identity_is_hashed_into_the_key():
    identity = "N:" + "名" * 150 + "|" + "所" * 150
    key = patterns._key(patterns.Kind.LAWYER, identity, 7)
    assert len(key) <= 200
    assert key == patterns._key(patterns.Kind.LAWYER, identity, 7)
    assert key.startswith("repeat_actor:lawyer:h")
    assert key.endswith(":7")
