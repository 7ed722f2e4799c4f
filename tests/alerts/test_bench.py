"""The early-warning benchmark (make bench: bench_alerts) on a tiny tree, and the demo alerts
of `make run` (ledgers/alerts/demo.py)."""

from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from integrity.audit.models import AuditEvent
from integrity.org.models import Case, CaseAgent, Court
from ledgers.alerts import bench, demo, detect
from ledgers.alerts.models import Alert
from ledgers.alerts.services import SYSTEM, Outcome
from ledgers.conflicts import Rule
from ledgers.models import RelativePractice
from tests.factories import DepartmentFactory, StaffMemberFactory, make_court

TINY = {"records": 1500, "courts": 12, "staff_per_court": 20}
# The second run over a batch that fits in one chunk: the cases, panels, agents, interference
# records, relatives, former staff, their served courts, "none" declarations, the alerts known
# (one query per 500 keys), confirming them, and those covered that may have lapsed; with the
# savepoints of raise_alerts. The same whatever the number of cases.
SECOND_RUN_QUERIES = 13


def seed_tiny() -> None:
    call_command("seed_scale", seed=7, stdout=StringIO(), **TINY)


def ledger_state() -> list[tuple]:
    return list(
        RelativePractice.objects.order_by("pk").values_list("pk", "status", "recusal_case_id")
    )


@pytest.mark.django_db
def test_bench_alerts_seeds_plants_finds_every_conflict_and_leaves_nothing_behind():
    out = StringIO()
    call_command("bench_alerts", cases=120, conflicts=0.05, stdout=out, **TINY)
    text = out.getvalue()
    assert "seed_scale: 1500 records" in text
    for label in ("cases", "agents", "staff", "relatives (ledger 3)", "departures (ledger 4)"):
        assert f"\n{label} " in text
    assert "second run created                     0" in text
    assert Case.objects.count() == CaseAgent.objects.count() == Alert.objects.count() == 0

    # Run again on the seeded data, and look at the figures.
    events, relatives = AuditEvent.objects.count(), ledger_state()
    report = bench.run(cases=300, conflicts_share=0.05)
    assert report.cases == 300
    assert report.agents >= 300
    assert set(report.planted) == set(bench.PLANTS.values())
    assert sum(report.planted.values()) == round(report.agents * 0.05)
    assert report.planted_found == report.planted
    for rule, planted in report.planted.items():
        assert report.alerts[rule] >= planted
    assert report.recusals >= 1  # the engine moved ledger 3 (rolled back since)
    first, second = report.runs
    assert first.created == sum(report.alerts.values())
    assert (second.created, second.reopened, second.changed, second.lapsed) == (0, 0, 0, 0)
    assert second.confirmed == first.created
    assert second.queries == SECOND_RUN_QUERIES
    # Everything rolled back: no case, agent or alert, no audit event, ledger 3 as it was.
    assert Case.objects.count() == CaseAgent.objects.count() == Alert.objects.count() == 0
    assert AuditEvent.objects.count() == events
    assert ledger_state() == relatives

    # Set-based: a smaller batch costs the second run the same number of queries.
    assert bench.run(cases=100, conflicts_share=0.05).runs[1].queries == SECOND_RUN_QUERIES


@pytest.mark.django_db
def test_bench_alerts_fails_when_a_planted_conflict_is_not_found():
    seed_tiny()

    def finds_nothing(case_ids, *, today=None):
        return Outcome()

    with (
        mock.patch.object(detect, "check_cases", finds_nothing),
        pytest.raises(CommandError, match="planted conflicts were not found"),
    ):
        call_command("bench_alerts", cases=60, conflicts=0.1, stdout=StringIO(), **TINY)
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_bench_alerts_fails_when_the_second_run_creates_alerts():
    seed_tiny()
    real = detect.check_cases
    runs = []

    def forgets_between_runs(case_ids, *, today=None):
        if runs:
            Alert.objects.all().delete()  # as if the first run had stored nothing
        runs.append(case_ids)
        return real(case_ids, today=today)

    with (
        mock.patch.object(detect, "check_cases", forgets_between_runs),
        pytest.raises(CommandError, match="second check created"),
    ):
        call_command("bench_alerts", cases=60, conflicts=0.1, stdout=StringIO(), **TINY)
    assert len(runs) == 2
    assert Alert.objects.count() == 0


@pytest.mark.django_db
def test_bench_alerts_needs_judges_and_candidates():
    with pytest.raises(CommandError, match="No court has a serving judge"):
        call_command("bench_alerts", cases=10, no_seed=True, stdout=StringIO())


# --- the demo alerts (make run) -----------------------------------------------------------------
@pytest.fixture
def yingkou(db):
    """营口 as the demo has it: the intermediate court and three basic courts below, each with
    a president, division chiefs, judges and an assistant."""
    high = make_court("辽宁省高级人民法院", "辽", Court.Level.HIGH)
    courts = {"辽08": make_court("营口市中级人民法院", "辽08", Court.Level.INTERMEDIATE, high)}
    for code, name in (
        ("辽0802", "营口市站前区人民法院"),
        ("辽0803", "营口市西市区人民法院"),
        ("辽0804", "营口市鲅鱼圈区人民法院"),
    ):
        courts[code] = make_court(name, code, parent=courts["辽08"])
    for code, court in courts.items():
        department = DepartmentFactory(court=court, name="民事审判第一庭")
        for post, cadre in (
            ("president", True),
            ("chief", True),
            ("deputy_chief", True),
            ("judge", False),
            ("judge", False),
            ("assistant", False),
        ):
            StaffMemberFactory(
                court=court,
                department=department,
                post=post,
                is_leading_cadre=cadre,
                name=f"{code}{post}",
            )
    return courts


def test_demo_alerts_of_every_conflict_rule_come_from_the_engine(yingkou):
    with mock.patch.object(detect, "check_cases", wraps=detect.check_cases) as engine:
        created = demo.seed()
    assert created == 14
    engine.assert_called_once()

    alerts = Alert.objects.select_related("case")
    by_rule = {}
    for alert in alerts:
        by_rule.setdefault(alert.rule, []).append(alert)
    assert {rule: len(found) for rule, found in by_rule.items()} == {
        Rule.PANEL_WITHDRAWAL: 2,
        Rule.POST_RECUSAL: 3,
        Rule.FORMER_STAFF: 2,
        Rule.UNDECLARED: 2,
    }
    assert sorted(a.facts["ban"] for a in by_rule[Rule.FORMER_STAFF]) == [
        "lifetime_court",
        "within_two_years",
    ]
    assert sorted(a.strength for a in by_rule[Rule.UNDECLARED]) == ["licence", "name"]
    assert {a.strength for a in by_rule[Rule.POST_RECUSAL]} == {"licence", "name_firm"}
    # 营口 and below, each raised (and audited) by the engine.
    assert {a.case.court.code for a in alerts} <= set(yingkou)
    raised = AuditEvent.objects.filter(action="alerts.alert.raise", actor_name=SYSTEM)
    assert sorted(int(pk) for pk in raised.values_list("object_id", flat=True)) == sorted(
        a.pk for a in alerts
    )
    # The relatives found acting in the jurisdiction now owe a recusal, with the case.
    pending = RelativePractice.objects.filter(status="pending", recusal_case__isnull=False)
    assert pending.count() == 3

    # Seeded once.
    assert demo.seed() == 0
    assert Alert.objects.count() == len(alerts)


@pytest.mark.django_db
def test_demo_alerts_need_the_demo_province():
    assert demo.seed() == 0
    assert Alert.objects.count() == 0
