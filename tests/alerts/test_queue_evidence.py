"""Each alert explains itself in one sentence, per rule and variant, built from the facts the
engine stored (issue 7: "each one explained"). The sentences are checked in English, where the
msgids are the text; the Chinese ones are their translations (/tmp/po/queue.po)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from ledgers.alerts import detect, evidence
from ledgers.alerts.models import Alert
from ledgers.conflicts import Rule

from ..factories import CaseFactory, StaffMemberFactory
from .conftest import FIRM, LICENCE, agent, departure, relative
from .queue_people import spouse_on_panel

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_panel_withdrawal_and_post_recusal(province, heping_case):
    alerts = spouse_on_panel(province, heping_case)
    assert evidence.sentence(alerts[Rule.PANEL_WITHDRAWAL]) == (
        f"In case (2025)辽0102民初1号, the litigation agent 李明 ({FIRM}, licence no. {LICENCE}) "
        "is the spouse that presiding judge heping法官 declared."
    )
    assert evidence.sentence(alerts[Rule.POST_RECUSAL]) == (
        "In case (2025)辽0102民初1号 of 沈阳市和平区人民法院, the litigation agent 李明 "
        f"({FIRM}, licence no. {LICENCE}) is the spouse that heping法官 of 沈阳市和平区人民法院 "
        "declared; the case lies within that court's jurisdiction, so heping法官 must recuse "
        "from their post."
    )


def test_a_panel_member_and_a_defender(province, heping_case):
    member = StaffMemberFactory(
        court=heping_case.court, department=heping_case.department, name="陪审法官"
    )
    heping_case.panel.add(member)
    relative(
        province, staff=member, relative_name="王刚", relationship="brother", licence_number=""
    )
    agent(heping_case, name="王刚", licence_number="", role="defender")
    detect.check_cases([heping_case.pk])
    alert = Alert.objects.get(rule=Rule.PANEL_WITHDRAWAL, subject=member)
    assert evidence.sentence(alert) == (
        f"In case (2025)辽0102民初1号, the defender 王刚 ({FIRM}) is the brother that panel "
        "member 陪审法官 declared."
    )


def _former(province, *, case, how="resigned"):
    staff = StaffMemberFactory(
        court=province.courts["heping"], department=province.departments["heping"], name="张离"
    )
    departure(province, staff, how=how)
    agent(case, name="张离", licence_number="")
    detect.check_cases([case.pk])
    return Alert.objects.get(rule=Rule.FORMER_STAFF, case=case)


def test_former_staff_in_a_court_where_they_served(province, heping_case):
    alert = _former(province, case=heping_case)
    assert evidence.sentence(alert) == (
        f"In case (2025)辽0102民初1号, the litigation agent 张离 ({FIRM}) is 张离, who formerly "
        "served at the court hearing it: nobody acts as agent or defender in cases of a court "
        "where they served, for life."
    )


def test_former_staff_within_two_years(province):
    case = province.cases["zhongshan"]
    case.filed_on = D(2026, 3, 2)
    case.save()
    alert = _former(province, case=case)
    assert evidence.sentence(alert) == (
        f"In case (2025)辽0202民初1号, the litigation agent 张离 ({FIRM}) is 张离, who left "
        "沈阳市和平区人民法院 and on March 2, 2026 was still within two years of leaving (the "
        "restrictions end: June 29, 2027): no acting as agent or defender as a lawyer."
    )


def test_former_staff_dismissed(province):
    case = CaseFactory(
        number="(2026)辽0202民初7号", court=province.courts["zhongshan"], filed_on=D(2029, 3, 2)
    )
    alert = _former(province, case=case, how="dismissed")
    assert evidence.sentence(alert) == (
        f"In case (2026)辽0202民初7号, the litigation agent 张离 ({FIRM}) is 张离, who was "
        "dismissed from 沈阳市和平区人民法院: dismissed staff never act as agent or defender, "
        "except for their ward or a near relative."
    )


def test_undeclared_colleague(province, heping_case):
    colleague = province.staff["heping_criminal"]
    colleague.is_trial_post = False
    colleague.save()
    relative(province, staff=colleague)
    agent(heping_case)
    detect.check_cases([heping_case.pk])
    alert = Alert.objects.get(rule=Rule.UNDECLARED)
    assert evidence.sentence(alert) == (
        f"In case (2025)辽0102民初1号, the litigation agent 李明 ({FIRM}, licence no. {LICENCE}) "
        "is the spouse that 刑庭法官 of the same court declared; whether heping法官, who "
        "presides, is related to them too was never declared."
    )
    alert.subject = None
    assert evidence.sentence(alert).endswith(
        "whether the judges of the case are related to them too was never declared."
    )


def _in_memory(province, rule, facts, **extra) -> Alert:
    return Alert(rule=rule, court=province.courts["heping"], facts=facts, **extra)


RELATIVE_FACTS = {
    "staff": "heping法官",
    "relative": "李明",
    "relationship": "spouse",
    "relative_firm": FIRM,
    "relative_licence": LICENCE,
}


def test_undeclared_interferer(province):
    alert = _in_memory(
        province,
        Rule.UNDECLARED,
        {
            "case": "(2026)辽0102民初5号",
            "interferer": "李明",
            "unit": "正义律所",
            "occurred_on": "2026-03-05",
            "match": "name_firm",
            "variant": "interferer",
            **RELATIVE_FACTS,
        },
    )
    assert evidence.sentence(alert) == (
        "On March 5, 2026, 李明 (正义律所) inquired about case (2026)辽0102民初5号; 李明 "
        f"({FIRM}), whom heping法官 declared as their spouse, has the same name, and the record "
        "does not say so."
    )


def test_undeclared_declared_none_in_a_case_and_as_interferer(province):
    in_case = _in_memory(
        province,
        Rule.UNDECLARED,
        {
            "case": "(2026)辽0102民初5号",
            "agent": "李明",
            "law_firm": FIRM,
            "licence": LICENCE,
            "capacity": "agent",
            "agent_kind": "lawyer",
            "match": "licence",
            "variant": "declared_none",
            "declared_on": "2026-01-15",
            **RELATIVE_FACTS,
        },
    )
    assert evidence.sentence(in_case) == (
        f"heping法官 declared on Jan. 15, 2026 to have no relative practising law, but their "
        f"spouse 李明 ({FIRM}), on record in ledger 3 since before then, acts as litigation "
        "agent in case (2026)辽0102民初5号."
    )
    inquiring = _in_memory(
        province,
        Rule.UNDECLARED,
        {
            "case": "(2026)辽0102民初5号",
            "interferer": "李明",
            "unit": "",
            "occurred_on": "2026-03-05",
            "match": "name",
            "variant": "declared_none",
            "declared_on": "2026-01-15",
            **RELATIVE_FACTS,
        },
    )
    assert evidence.sentence(inquiring).endswith(
        "on record in ledger 3 since before then, inquired about case (2026)辽0102民初5号 on "
        "March 5, 2026."
    )


def test_zero_reports_of_a_staff_member_and_of_a_department(province):
    facts = {
        "scope": "staff",
        "since": "2025-09-01",
        "threshold": 6,
        "court_level": "basic",
        "post": "judge",
        "caseload_band": 2,
        "zero_periods": 7,
        "peers": 12,
        "peers_recording": 9,
    }
    person = _in_memory(province, Rule.ZERO_REPORTS, facts, subject=province.staff["heping"])
    assert evidence.sentence(person) == (
        "heping法官 filed only zero reports for 7 periods in a row since Sept. 1, 2025, "
        "while 9 of 12 comparable peers recorded inquiries."
    )
    department = _in_memory(
        province,
        Rule.ZERO_REPORTS,
        {**facts, "scope": "department"},
        department=province.departments["heping"],
    )
    assert evidence.sentence(department).startswith(
        "民事审判第一庭 of 沈阳市和平区人民法院 filed only zero reports for 7 periods"
    )
    vague = _in_memory(province, Rule.ZERO_REPORTS, {}, subject=province.staff["heping"])
    assert evidence.sentence(vague) == (
        "heping法官 filed only zero reports period after period, while comparable peers "
        "recorded inquiries."
    )


def test_repeat_actor(province):
    lawyer = _in_memory(
        province,
        Rule.REPEAT_ACTOR,
        {
            "kind": "lawyer",
            "identity": LICENCE,
            "name": "李明",
            "firm": FIRM,
            "licence": LICENCE,
            "records": [["contact", 3], ["interference", 1], ["interference", 2]],
            "count": 3,
            "by_source": {"contact": 1, "interference": 2},
            "courts": ["沈阳市和平区人民法院", "沈阳市沈河区人民法院"],
        },
    )
    assert evidence.sentence(lawyer) == (
        f"李明 ({FIRM}, licence no. {LICENCE}) is named in 3 records (Improper contact cases: 1, "
        "Interference records: 2) at 沈阳市和平区人民法院, 沈阳市沈河区人民法院."
    )
    firm = _in_memory(
        province,
        Rule.REPEAT_ACTOR,
        {"kind": "firm", "identity": "辽宁正义", "firm": FIRM, "records": [["visit", 1]] * 4},
    )
    assert evidence.sentence(firm) == f"{FIRM} is named in 4 records at 沈阳市和平区人民法院."
    person = _in_memory(
        province,
        Rule.REPEAT_ACTOR,
        {"kind": "person", "identity": "王五|某公司", "name": "王五", "unit": "某公司", "count": 5},
    )
    assert evidence.sentence(person).startswith("王五 (某公司) is named in 5 records")


def test_every_rule_has_a_sentence():
    assert set(evidence._SENTENCES) == set(Rule)


def test_chinese_case_numbers_and_dates(province, heping_case):
    alert = spouse_on_panel(province, heping_case)[Rule.PANEL_WITHDRAWAL]
    with translation.override("zh-hans"):
        assert evidence.case_label(alert.case.number) == "（2025）辽0102民初1号"
        assert evidence._day("2026-03-05") == "2026年3月5日"
        assert "（2025）辽0102民初1号" in evidence.sentence(alert)
