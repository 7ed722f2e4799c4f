"""The conflict checks on real data: each rule fires on its case and stays silent on the near
misses; matching by licence, by name and firm, by name alone; one alert per set of facts."""

import datetime

import pytest
from django.db.models import Q
from django.utils import timezone

from integrity.audit.models import AuditEvent
from integrity.org.models import CaseAgent, StaffMember
from ledgers import conflicts
from ledgers import services as ledger_services
from ledgers.alerts import detect
from ledgers.alerts.models import Alert
from ledgers.models import (
    Campaign,
    Declaration,
    InterferenceRecord,
    RelativePractice,
)
from tests.factories import CaseFactory, StaffMemberFactory

from .conftest import FIRM, LICENCE, D, agent, departure, relative

TODAY = D(2026, 3, 10)


def rules_found(**where):
    return sorted(Alert.objects.filter(**where).values_list("rule", flat=True))


def check(case):
    return detect.check_cases([case.pk], today=TODAY)


# --- a relative of a judge on the panel ------------------------------------------------------
def test_spouse_acting_before_the_presiding_judge(province, heping_case):
    record = relative(province)
    agent(heping_case)
    outcome = check(heping_case)
    assert outcome.created == 2
    assert rules_found() == ["panel_withdrawal", "post_recusal"]
    panel = Alert.objects.get(rule="panel_withdrawal")
    assert panel.subject == province.staff["heping"]
    assert panel.case == heping_case
    assert panel.relative == record
    assert panel.strength == "licence"
    assert panel.severity == "high"
    assert panel.facts["presiding"] is True
    assert panel.facts["relationship"] == "spouse"
    assert AuditEvent.objects.filter(action="alerts.alert.raise").count() == 2


def test_a_sibling_makes_the_judge_withdraw_but_is_no_post_recusal_trigger(province, heping_case):
    record = relative(province, relationship="brother")
    agent(heping_case)
    check(heping_case)
    assert rules_found() == ["panel_withdrawal"]
    record.refresh_from_db()
    assert record.status == RelativePractice.Status.NOT_REQUIRED


def test_a_panel_member_other_than_the_presiding_judge(province, heping_case):
    member = StaffMemberFactory(court=province.courts["heping"], name="陪审法官")
    heping_case.panel.add(member)
    relative(province, staff=member, relationship="daughter")
    agent(heping_case)
    check(heping_case)
    alert = Alert.objects.get(rule="panel_withdrawal")
    assert alert.subject == member
    assert alert.facts["presiding"] is False


def test_an_in_law_of_the_judge_is_no_conflict(province, heping_case):
    relative(province, relationship="spouse_parent")
    agent(heping_case)
    check(heping_case)
    assert rules_found() == []


# --- post recusal ----------------------------------------------------------------------------
@pytest.fixture
def city_cadre(province):
    return StaffMemberFactory(
        court=province.courts["shenyang"],
        department=province.departments["shenyang"],
        name="中院庭长",
        post=StaffMember.Post.CHIEF,
        is_leading_cadre=True,
        is_trial_post=False,
    )


def test_a_cadres_son_acting_in_a_case_of_a_court_below(province, heping_case, city_cadre):
    record = relative(province, staff=city_cadre, relationship="son")
    agent(heping_case)
    check(heping_case)
    alert = Alert.objects.get()
    assert alert.rule == "post_recusal"
    assert alert.subject == city_cadre
    assert alert.court == province.courts["shenyang"]
    record.refresh_from_db()
    assert record.status == RelativePractice.Status.PENDING
    assert record.acts_in_jurisdiction is True
    assert record.recusal_case == heping_case
    assert record.recusal_required_on == TODAY
    event = AuditEvent.objects.get(action="ledgers.relativepractice.recusal_found")
    assert event.reason == heping_case.number
    assert event.actor_name == "system:early-warning"


def test_a_case_outside_the_jurisdiction_is_no_trigger(province, city_cadre):
    record = relative(province, staff=city_cadre, relationship="son")
    case = province.cases["zhongshan"]  # 大连 is not in 沈阳中院's jurisdiction
    agent(case)
    check(case)
    assert rules_found() == []
    record.refresh_from_db()
    assert record.status == RelativePractice.Status.NOT_REQUIRED


def test_staff_neither_cadre_nor_in_a_trial_post_is_no_trigger(province, heping_case):
    clerk = StaffMemberFactory(
        court=province.courts["shenyang"],
        name="综合部门",
        post=StaffMember.Post.ADMINISTRATIVE,
        is_trial_post=False,
    )
    relative(province, staff=clerk, relationship="spouse")
    agent(heping_case)
    check(heping_case)
    assert rules_found() == []


def test_a_name_only_match_raises_a_weaker_alert_and_leaves_the_ledger(
    province, heping_case, city_cadre
):
    record = relative(province, staff=city_cadre, relationship="son", licence_number="")
    agent(heping_case, licence_number="", law_firm="")
    check(heping_case)
    alert = Alert.objects.get()
    assert alert.strength == "name"
    assert alert.severity == "medium"
    assert alert.is_weaker
    record.refresh_from_db()
    assert record.status == RelativePractice.Status.NOT_REQUIRED


def test_name_and_firm_written_differently_still_match(province, heping_case, city_cadre):
    relative(province, staff=city_cadre, relationship="son", licence_number="")
    agent(heping_case, name="李 明", law_firm="辽宁正义律所", licence_number="")
    check(heping_case)
    assert Alert.objects.get().strength == "name_firm"


def test_another_lawyer_of_the_same_name_is_not_matched(province, heping_case, city_cadre):
    relative(province, staff=city_cadre, relationship="son")
    agent(heping_case, licence_number="12101201810000099")
    check(heping_case)
    assert rules_found() == []


def test_a_voided_relative_record_matches_nothing(province, heping_case):
    record = relative(province)
    ledger_services.ledger_void(actor=None, record=record, version=record.version, reason="错录")
    agent(heping_case)
    check(heping_case)
    assert rules_found() == []


def test_an_alert_about_a_court_president_is_marked(province, heping_case):
    president = StaffMemberFactory(
        court=province.courts["heping"],
        name="院长",
        post=StaffMember.Post.PRESIDENT,
        is_leading_cadre=True,
    )
    relative(province, staff=president, relationship="spouse")
    agent(heping_case)
    check(heping_case)
    assert Alert.objects.get().about_leader is True


# --- former staff ------------------------------------------------------------------------------
@pytest.fixture
def former(province):
    return StaffMemberFactory(
        court=province.courts["shenhe"],
        name="王离任",
        status=StaffMember.Status.RESIGNED,
        left_on=D(2025, 6, 30),
    )


def former_case(province, key, filed_on):
    return CaseFactory(
        number=f"(2026){province.courts[key].code}民初{filed_on:%m%d}号",
        court=province.courts[key],
        filed_on=filed_on,
    )


def test_former_staff_within_two_years(province, former):
    record = departure(province, former)
    case = former_case(province, "zhongshan", D(2027, 6, 29))
    agent(case, name="王离任", licence_number="")
    check(case)
    alert = Alert.objects.get()
    assert alert.rule == "former_staff"
    assert alert.departure == record
    assert alert.subject == former
    assert alert.court == province.courts["shenhe"]
    assert alert.facts["ban"] == "within_two_years"
    assert alert.facts["restriction_ends"] == "2027-06-29"


def test_the_day_after_the_restriction_ends_is_silent(province, former):
    departure(province, former)
    case = former_case(province, "zhongshan", D(2027, 6, 30))
    agent(case, name="王离任", licence_number="")
    check(case)
    assert rules_found() == []


def test_for_life_at_a_court_where_they_served(province, former):
    departure(province, former)
    case = former_case(province, "shenhe", D(2031, 1, 5))
    agent(case, name="王离任", licence_number="")
    check(case)
    assert Alert.objects.get().facts["ban"] == "lifetime_court"


def test_dismissed_staff_never(province, former):
    departure(province, former, how="dismissed")
    case = former_case(province, "zhongshan", D(2031, 1, 5))
    agent(case, name="王离任", licence_number="")
    check(case)
    assert Alert.objects.get().facts["ban"] == "dismissed"


@pytest.mark.parametrize("kind", [CaseAgent.Kind.RELATIVE, "guardian"])
def test_the_guardian_or_near_relative_exception(province, former, kind):
    departure(province, former)
    case = former_case(province, "shenhe", D(2026, 1, 5))
    agent(case, name="王离任", licence_number="", law_firm="", kind=kind)
    check(case)
    assert rules_found() == []


def test_former_staff_matched_by_licence(province, former):
    departure(province, former, licence_number=LICENCE, current_employer="")
    case = former_case(province, "zhongshan", D(2026, 1, 5))
    agent(case, name="王立人")  # the licence decides, not the name
    check(case)
    assert Alert.objects.get().strength == "licence"


def test_former_staff_name_only_counts_only_where_they_served(province, former):
    departure(province, former, current_employer="")
    elsewhere = former_case(province, "zhongshan", D(2026, 1, 5))
    agent(elsewhere, name="王离任", licence_number="", law_firm="北京某律师事务所")
    check(elsewhere)
    assert rules_found() == []
    served = former_case(province, "shenhe", D(2026, 1, 6))
    agent(served, name="王离任", licence_number="", law_firm="")
    check(served)
    alert = Alert.objects.get()
    assert (alert.strength, alert.severity) == ("name", "medium")


# --- undeclared relationships -----------------------------------------------------------------
def test_a_colleagues_relative_acting_at_the_same_court(province, heping_case):
    colleague = province.staff["heping_criminal"]
    relative(province, staff=colleague, relationship="brother")
    agent(heping_case)
    check(heping_case)
    alert = Alert.objects.get()
    assert alert.rule == "undeclared"
    assert alert.facts["variant"] == "colleague"
    assert alert.subject == province.staff["heping"]  # the presiding judge is asked
    assert alert.severity == "low"
    assert alert.is_weaker


def relatives_declaration(staff, *, has_nothing, filed_on):
    campaign = Campaign.objects.create(
        kind=Campaign.Kind.RELATIVES,
        title="2026年度干警近亲属从业申报",
        court=staff.court,
        period_start=D(2026, 1, 1),
        period_end=D(2026, 12, 31),
        due_on=D(2026, 3, 31),
    )
    return Declaration.objects.create(
        campaign=campaign,
        staff=staff,
        court=staff.court,
        status=Declaration.Status.FILED,
        has_nothing=has_nothing,
        filed_at=timezone.make_aware(datetime.datetime.combine(filed_on, datetime.time(9))),
    )


def test_a_relative_of_someone_who_declared_none(province, heping_case):
    staff = province.staff["heping_criminal"]
    relative(province, staff=staff, relationship="brother", reported_on=D(2025, 1, 10))
    declaration = relatives_declaration(staff, has_nothing=True, filed_on=D(2026, 2, 1))
    agent(heping_case)
    check(heping_case)
    none = Alert.objects.get(facts__variant="declared_none")
    assert none.subject == staff
    assert none.key.endswith(f":d{declaration.pk}:c{heping_case.pk}")
    assert none.facts["declared_on"] == "2026-02-01"


def test_a_declaration_listing_the_relative_raises_nothing_of_the_kind(province, heping_case):
    staff = province.staff["heping_criminal"]
    relative(province, staff=staff, relationship="brother")
    relatives_declaration(staff, has_nothing=False, filed_on=D(2026, 2, 1))
    agent(heping_case)
    check(heping_case)
    assert not Alert.objects.filter(facts__variant="declared_none").exists()


def test_an_interferer_who_is_a_declared_relative(province, heping_case):
    relative(province, staff=province.staff["shenyang"], relationship="sister", licence_number="")
    record = ledger_services.ledger_create(
        actor=None,
        model=InterferenceRecord,
        fields={
            "court": province.courts["heping"],
            "department": province.departments["heping"],
            "staff": province.staff["heping"],
            "regulation": "contact",
            "report_form": "three_rules",
            "case_number": heping_case.number,
            "case_stage": "trial",
            "interferer_kind": "other",
            "interferer_name": "李明",
            "interferer_unit": FIRM,
            "occurred_on": D(2026, 3, 5),
            "method": "phone",
            "content": "打听案件进展",
        },
    )
    detect.check_interference([record.pk], today=TODAY)
    alert = Alert.objects.get()
    assert (alert.rule, alert.facts["variant"]) == ("undeclared", "interferer")
    assert alert.interference == record
    assert alert.subject == province.staff["shenyang"]


# --- one alert per set of facts ---------------------------------------------------------------
def test_checking_again_creates_nothing(province, heping_case):
    relative(province)
    agent(heping_case)
    check(heping_case)
    again = check(heping_case)
    assert (again.created, again.confirmed, again.changed) == (0, 2, 0)
    assert Alert.objects.count() == 2
    assert AuditEvent.objects.filter(action__startswith="alerts.alert.").count() == 2


def test_a_dismissed_alert_returns_only_when_the_facts_change(province, heping_case):
    record = relative(province, relationship="brother")
    agent(heping_case)
    check(heping_case)
    alert = Alert.objects.get()
    Alert.objects.filter(pk=alert.pk).update(status=Alert.Status.DISMISSED)
    check(heping_case)
    alert.refresh_from_db()
    assert alert.status == Alert.Status.DISMISSED
    ledger_services.ledger_update(
        actor=None, record=record, version=record.version, fields={"relationship": "sister"}
    )
    outcome = check(heping_case)
    alert.refresh_from_db()
    assert (outcome.reopened, alert.status, alert.reopened) == (1, "open", 1)
    assert alert.facts["relationship"] == "sister"
    assert AuditEvent.objects.filter(action="alerts.alert.reopen").count() == 1


def test_an_alert_whose_facts_are_gone_lapses(province, heping_case):
    relative(province, relationship="brother")
    lawyer = agent(heping_case)
    check(heping_case)
    lawyer.licence_number, lawyer.name = "12101201810000077", "赵律师"
    lawyer.save()
    outcome = check(heping_case)
    assert outcome.lapsed == 1
    assert Alert.objects.get().status == Alert.Status.LAPSED
    lawyer.licence_number, lawyer.name = LICENCE, "李明"
    lawyer.save()
    assert check(heping_case).reopened == 1


def test_a_relative_entered_after_the_case_is_checked_over_open_cases(
    province, heping_case, django_capture_on_commit_callbacks
):
    agent(heping_case)
    with django_capture_on_commit_callbacks(execute=True):
        relative(province, relationship="brother")
    assert rules_found() == ["panel_withdrawal"]


def test_check_people_lapses_the_alerts_of_a_voided_record(province, heping_case):
    record = relative(province, relationship="brother")
    agent(heping_case)
    check(heping_case)
    ledger_services.ledger_void(actor=None, record=record, version=record.version, reason="错录")
    outcome = detect.check_people(relative_ids=[record.pk], today=TODAY)
    assert outcome.lapsed == 1


def test_the_check_costs_the_same_queries_for_one_case_or_many(province, django_assert_num_queries):
    cases = [
        CaseFactory(number=f"(2026)辽0102民初{n}号", court=province.courts["heping"])
        for n in range(1, 21)
    ]
    for case in cases:
        agent(case, name=f"律师{case.pk}", licence_number="")
    with django_assert_num_queries(9):
        detect.check_cases([cases[0].pk], today=TODAY)
    with django_assert_num_queries(9):
        detect.check_cases([case.pk for case in cases], today=TODAY)


def test_covered_alerts_are_only_those_of_the_checked_cases(province, heping_case):
    relative(province, relationship="brother")
    agent(heping_case)
    check(heping_case)
    other = province.cases["shenhe"]
    outcome = detect.check_cases([other.pk], today=TODAY)
    assert outcome.lapsed == 0
    assert Alert.objects.filter(Q(status="open")).count() == 1


def test_keys_name_the_rule(province, heping_case):
    relative(province)
    agent(heping_case)
    check(heping_case)
    for alert in Alert.objects.all():
        assert alert.key.startswith(f"{conflicts.Rule(alert.rule)}:")
