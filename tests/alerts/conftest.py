"""Shared makers for the early-warning tests: relatives, departures and cases with agents,
entered through the services as every door does."""

import datetime

import pytest

from integrity.org import services as org_services
from integrity.org.models import CaseAgent
from ledgers import services
from ledgers.models import DepartureRecord, RelativePractice

D = datetime.date
FIRM = "辽宁正义律师事务所"
LICENCE = "12101201810000001"


def relative(province, key="heping", staff=None, **overrides):
    staff = staff or province.staff[key]
    fields = {
        "court": staff.court,
        "department": staff.department,
        "staff": staff,
        "relative_name": "李明",
        "relationship": "spouse",
        "law_firm": FIRM,
        "licence_number": LICENCE,
        "role": "lawyer",
        "reported_on": D(2025, 1, 10),
        **overrides,
    }
    return services.ledger_create(actor=None, model=RelativePractice, fields=fields)


def departure(province, staff, **overrides):
    fields = {
        "court": staff.court,
        "department": staff.department,
        "staff": staff,
        "left_on": D(2025, 6, 30),
        "how": "resigned",
        "last_post": "judge",
        "last_grade": "judge_1",
        "current_employer": FIRM,
        **overrides,
    }
    return services.ledger_create(actor=None, model=DepartureRecord, fields=fields)


def agent(case, **overrides):
    fields = {
        "case": case,
        "name": "李明",
        "law_firm": FIRM,
        "licence_number": LICENCE,
        "kind": CaseAgent.Kind.LAWYER,
        "role": CaseAgent.Role.AGENT,
        **overrides,
    }
    return org_services.case_agent_save(actor=None, **fields)


@pytest.fixture
def heping_case(province):
    case = province.cases["heping"]
    case.filed_on = D(2026, 3, 2)
    case.save()
    return case
