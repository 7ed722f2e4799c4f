"""The early-warning benchmark behind ``manage.py bench_alerts`` and ``make bench`` (issue 7,
"Speed": checking a batch of 10,000 new cases against 350,000 staff, their declared relatives
and former staff takes under 60 seconds on PostgreSQL).

On the national tree seed_scale loads (about 3,500 courts, 350,000 staff, and ledger records
among which the relatives practising law of ledger 3 and the departed staff of ledger 4), it

1. generates a batch of new cases spread over the courts, filed in the month before the day it
   runs for: each with a panel (a presiding judge and two members from the court's judges) and
   one to three agents with plausible names, law firms and licence numbers. A share of the
   agents are planted conflicts, one of four kinds (:data:`PLANTS`): a relative of a judge on
   the panel (matched by licence number), a spouse, parent or child of a leading cadre or trial
   staff member of a court above the case's court (by name and firm), a former staff member
   within their restriction or in a court where they served (by name and firm), and a
   colleague's relative acting as a citizen (by name only). Everything is bulk inserted: no
   service, no signal, no audit event per row;
2. times :func:`ledgers.alerts.detect.check_cases` over the batch and counts its queries;
3. checks that every planted conflict was found under its rule, then runs the check again,
   which must create nothing;
4. rolls everything back (cases, agents, alerts, their audit events, the ledger-3 records the
   engine moved to "recusal pending"), so that the scale data are left as they were and a
   rerun starts alike. The case numbers are in a range of their own besides (sequence 900001
   and up), so they cannot collide with imported cases.

Agents who are not planted are random people: some of them match a relative or a former staff
member by chance, as in real data, so each rule may raise more alerts than were planted.
"""

from __future__ import annotations

import datetime
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.db import connection, transaction
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext

from integrity.org import demo_data
from integrity.org.casenumbers import parse_case_number
from integrity.org.models import Case, CaseAgent, Court, StaffMember
from ledgers import conflicts, rules, scale_seed
from ledgers import scale_data as data
from ledgers.conflicts import Rule
from ledgers.models import DepartureRecord, RelativePractice

from . import detect
from .models import Alert

TARGET_SECONDS = 60.0
DEFAULT_CASES = 10_000
DEFAULT_CONFLICTS = 0.01
DEFAULT_SEED = 20261122
# A week after seed_scale's records end (2026-09-30), as bench_sweep: the cases are the month
# of filings before it.
DEFAULT_TODAY = scale_seed.LAST_DAY + datetime.timedelta(days=8)
FILED_WITHIN_DAYS = 30
FIRST_SEQUENCE = 900_001  # the bench's own range of case numbers
BATCH = 2000
JUDGE_POSTS = ("chief", "deputy_chief", "judge")
PANEL_SIZE = 3

# The planted conflicts: kind -> the rule that must find it.
PLANTS: dict[str, Rule] = {
    "panel": Rule.PANEL_WITHDRAWAL,  # a relative of a judge on the panel, same licence
    "above": Rule.POST_RECUSAL,  # kin of a court above's cadre or trial staff, name and firm
    "former": Rule.FORMER_STAFF,  # former staff in restriction, name and firm
    "name": Rule.UNDECLARED,  # a colleague's relative as a citizen agent, name only
}
RECUSAL_KIN = sorted(r.value for r in rules.Relationship if rules.RELATIONSHIPS[r].recusal_kin)
NOT_RECUSAL_KIN = sorted(
    r.value for r in rules.Relationship if not rules.RELATIONSHIPS[r].recusal_kin
)
# demo_data's case kinds -> Case.Type, with how often each is filed.
CASE_KINDS = scale_seed.Weighted(
    [
        (("民事", Case.Type.CIVIL), 55),
        (("执行", Case.Type.ENFORCEMENT), 25),
        (("刑事", Case.Type.CRIMINAL), 10),
        (("行政", Case.Type.ADMINISTRATIVE), 7),
        (("国家赔偿", Case.Type.STATE_COMPENSATION), 3),
    ]
)
AGENT_KINDS = scale_seed.Weighted(
    [
        (CaseAgent.Kind.LAWYER, 85),
        (CaseAgent.Kind.LEGAL_WORKER, 5),
        (CaseAgent.Kind.RELATIVE, 6),
        (CaseAgent.Kind.CITIZEN, 4),
    ]
)
AGENTS_PER_CASE = scale_seed.Weighted([(1, 45), (2, 40), (3, 15)])
PROVINCE_SHORT = {code: short for code, _full, short, *_rest in data.PROVINCES}


class BenchError(Exception):
    """The benchmark cannot run, or found less than it planted."""


# --- the report -------------------------------------------------------------------------------
@dataclass
class Run:
    seconds: float
    queries: int
    selects: int
    created: int
    reopened: int
    changed: int
    confirmed: int
    lapsed: int

    @property
    def writes(self) -> int:
        return self.queries - self.selects


@dataclass
class Report:
    database: str
    today: datetime.date
    cases: int = 0
    agents: int = 0
    courts: int = 0
    staff: int = 0
    relatives: int = 0
    departures: int = 0
    setup_seconds: float = 0.0
    planted: Counter = field(default_factory=Counter)  # rule -> planted agents
    planted_found: Counter = field(default_factory=Counter)  # rule -> of them found
    alerts: Counter = field(default_factory=Counter)  # rule -> alerts on the batch
    strengths: Counter = field(default_factory=Counter)  # match -> alerts on the batch
    recusals: int = 0  # ledger-3 records moved to "recusal pending"
    runs: list[Run] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.cases / self.runs[0].seconds if self.runs and self.runs[0].seconds else 0.0

    def table(self) -> str:
        first, second = self.runs
        flag = "" if first.seconds < TARGET_SECONDS else f"  OVER {TARGET_SECONDS:g} s"
        lines = [
            f"early-warning check of new cases on {self.database}, today {self.today.isoformat()}",
            f"{'cases':<28}{self.cases:>12}",
            f"{'agents':<28}{self.agents:>12}",
            f"{'courts':<28}{self.courts:>12}",
            f"{'staff':<28}{self.staff:>12}",
            f"{'relatives (ledger 3)':<28}{self.relatives:>12}",
            f"{'departures (ledger 4)':<28}{self.departures:>12}",
            f"{'set-up seconds':<28}{self.setup_seconds:>12.1f}",
            f"{'seconds':<28}{first.seconds:>12.2f}{flag}",
            f"{'cases/s':<28}{self.rate:>12.0f}",
            f"{'queries':<28}{first.queries:>12}  ({first.selects} selects, {first.writes} writes)",
            f"{'alerts created':<28}{first.created:>12}",
            f"{'recusals moved to pending':<28}{self.recusals:>12}",
            f"{'second run seconds':<28}{second.seconds:>12.2f}",
            f"{'second run queries':<28}{second.queries:>12}",
            f"{'second run created':<28}{second.created:>12}  ({second.confirmed} confirmed)",
            "",
            f"{'rule':<20}{'planted':>9}{'found':>9}{'alerts':>9}",
        ]
        for rule in Rule:
            if rule in PLANTS.values() or self.alerts.get(rule):
                lines.append(
                    f"{rule:<20}{self.planted.get(rule, 0):>9}"
                    f"{self.planted_found.get(rule, 0):>9}{self.alerts.get(rule, 0):>9}"
                )
        strengths = ", ".join(f"{k} {v}" for k, v in sorted(self.strengths.items()))
        lines.append(f"alerts by match: {strengths or 'none'}")
        return "\n".join(lines)


# --- what the cases are made of ---------------------------------------------------------------
@dataclass(frozen=True)
class CourtRow:
    id: int
    code: str
    level: str
    path: str


@dataclass
class Plant:
    """One planted conflict: the agent, where the case must be, and who may not sit on it."""

    kind: str
    court_id: int
    name: str
    law_firm: str
    licence: str
    agent_kind: str = CaseAgent.Kind.LAWYER
    on_panel: int | None = None  # the judge who must sit on the panel
    off_panel: int | None = None  # the staff member who must not


@dataclass
class Planned:
    cases: list[Case]
    panels: list[list[int]]
    agents: list[list[CaseAgent]]
    plants: dict[int, Plant]  # case index -> its planted conflict (the case's first agent)


class CaseMaker:
    """Plans the batch: courts and judges, the candidates for each planted conflict, then the
    cases, panels and agents (unsaved)."""

    def __init__(self, *, rng: random.Random, today: datetime.date, say: Callable) -> None:
        self.rng = rng
        self.today = today
        self.say = say
        self.names = scale_seed.Names()
        courts = Court.objects.filter(is_active=True).values_list("id", "code", "level", "path")
        self.courts = {row[0]: CourtRow(*row) for row in courts}
        self.judges: dict[int, list[tuple[int, int | None]]] = defaultdict(list)
        rows = StaffMember.objects.filter(
            status=StaffMember.Status.SERVING, post__in=JUDGE_POSTS, court_id__in=self.courts
        ).values_list("id", "court_id", "department_id")
        for staff_id, court_id, department_id in rows.order_by("id").iterator(chunk_size=20_000):
            self.judges[court_id].append((staff_id, department_id))
        self.benches = sorted(self.judges)  # courts that can hear a case
        if not self.benches:
            raise BenchError("No court has a serving judge: run seed_scale (or make bench) first.")
        self._below: dict[int, list[int]] = {}
        self._by_province: dict[str, list[int]] = defaultdict(list)
        for court_id in self.benches:
            self._by_province[self.courts[court_id].code[:1]].append(court_id)

    # -- candidates for the planted conflicts --
    def candidates(self) -> dict[str, list[Plant]]:
        serving = Q(staff__status=StaffMember.Status.SERVING, voided_at__isnull=True)
        relatives = RelativePractice.objects.filter(serving).order_by("pk")
        columns = ("staff_id", "court_id", "relative_name", "law_firm", "licence_number")
        found: dict[str, list[Plant]] = {}
        panel = relatives.filter(
            relationship__in=sorted(conflicts.CASE_WITHDRAWAL_KIN),
            staff__post__in=JUDGE_POSTS,
            court_id__in=self.benches,
        ).exclude(licence_number="")
        found["panel"] = [
            Plant("panel", court, name, firm, licence, on_panel=staff)
            for staff, court, name, firm, licence in panel.values_list(*columns)
        ]
        above = relatives.filter(relationship__in=RECUSAL_KIN).filter(
            Q(staff__is_leading_cadre=True) | Q(staff__is_trial_post=True)
        )
        upper = above.filter(court__level__in=[Court.Level.HIGH, Court.Level.INTERMEDIATE])
        if upper.exists():
            above = upper
        found["above"] = [
            # The export has the agent's licence number when the ledger does not, and the
            # other way round: either way name and firm are what match.
            Plant("above", court, name, firm, "" if licence else self.licence(), off_panel=staff)
            for staff, court, name, firm, licence in above.values_list(*columns)
        ]
        found["former"] = self.formers()
        near = relatives.filter(relationship__in=NOT_RECUSAL_KIN, court_id__in=self.benches)
        found["name"] = [
            Plant("name", court, name, "", "", CaseAgent.Kind.CITIZEN, off_panel=staff)
            for staff, court, name, _firm, _licence in near.values_list(*columns)
        ]
        for kind, plants in found.items():
            self.say(f"  candidates {kind}: {len(plants)}")
        return found

    def formers(self) -> list[Plant]:
        """Former staff with a current employer (the 'firm' the agent gives), acting within
        their restriction in another court of their province, or else in their own court."""
        rows = (
            DepartureRecord.objects.filter(voided_at__isnull=True)
            .exclude(current_employer__in=["", "无"])
            .order_by("pk")
            .values_list(
                "staff__name",
                "court_id",
                "current_employer",
                "licence_number",
                "left_on",
                "how",
                "was_leadership",
                "last_grade",
                "senior_assistant",
            )
        )
        plants = []
        for name, court, employer, licence, *rest in rows:
            left_on, how, leadership, grade, senior_assistant = rest
            restrictions = rules.departure_restrictions(
                left_on=left_on,
                how=how,
                was_leadership=leadership,
                grade=grade,
                senior_assistant=senior_assistant,
                served_court_ids=[court],
            )
            where = court
            # Banned from every court on any day the batch's cases were filed.
            within = (
                how == DepartureRecord.How.DISMISSED or restrictions.agent_ban_ends >= self.today
            )
            if within and court in self.courts:
                province = self.courts[court].code[:1]
                others = [c for c in self.benches_in(province) if c != court]
                where = others[int(self.rng.random() * len(others))] if others else court
            if where not in self.judges:
                continue
            plants.append(Plant("former", where, name, employer, "" if licence else self.licence()))
        return plants

    def benches_in(self, province: str) -> list[int]:
        """The courts of a province (the first character of the court code) that can hear a
        case."""
        return self._by_province.get(province, [])

    def below(self, court_id: int) -> list[int]:
        """The courts under this one that can hear a case."""
        if court_id not in self._below:
            path = self.courts[court_id].path if court_id in self.courts else None
            self._below[court_id] = [
                other
                for other in self.benches
                if path and other != court_id and self.courts[other].path.startswith(path)
            ]
        return self._below[court_id]

    # -- random pieces --
    def pick(self, values: Sequence[Any]) -> Any:
        return scale_seed.pick(self.rng, values)

    def licence(self) -> str:
        return f"1{int(self.rng.random() * 10**16):016d}"

    def firm(self, court: CourtRow) -> str:
        short = PROVINCE_SHORT.get(court.code[:1], court.code[:1])
        return f"{short}{self.pick(data.FIRM_WORDS)}律师事务所"

    def agent(self, court: CourtRow, role: str) -> CaseAgent:
        kind = AGENT_KINDS.draw(self.rng)
        name = self.names.person(self.rng)[0]
        firm = licence = ""
        if kind == CaseAgent.Kind.LAWYER:
            firm, licence = self.firm(court), self.licence()
        elif kind == CaseAgent.Kind.LEGAL_WORKER:
            firm = f"{self.pick(data.PLACE_CHARS)}{self.pick(data.PLACE_CHARS)}法律服务所"
        return CaseAgent(name=name, kind=kind, role=role, law_firm=firm, licence_number=licence)

    # -- the batch --
    def plan(self, cases: int, share: float) -> Planned:
        counts = [AGENTS_PER_CASE.draw(self.rng) for _ in range(cases)]
        wanted = min(cases, round(sum(counts) * share))
        plants: dict[int, Plant] = {}
        if wanted:
            candidates = self.candidates()
            missing = [kind for kind, found in candidates.items() if not found]
            if missing:
                raise BenchError(
                    f"No candidates to plant {', '.join(missing)} conflicts: seed more records."
                )
            kinds = list(PLANTS)
            pools = {kind: self.rng.sample(found, len(found)) for kind, found in candidates.items()}
            for number, index in enumerate(sorted(self.rng.sample(range(cases), wanted))):
                kind = kinds[number % len(kinds)]
                pool = pools[kind]
                plants[index] = pool[(number // len(kinds)) % len(pool)]
        planned = Planned([], [], [], plants)
        sequence = FIRST_SEQUENCE
        for index, count in enumerate(counts):
            plant = plants.get(index)
            court = self.courts[self.court_for(plant)]
            kind_name, case_type = CASE_KINDS.draw(self.rng)
            codes = [
                code
                for code, _stage in demo_data.CASE_TYPE_CODES[kind_name]
                if court.level != Court.Level.BASIC or code not in demo_data.UPPER_COURT_ONLY_CODES
            ] or [demo_data.CASE_TYPE_CODES[kind_name][0][0]]
            filed_on = self.today - datetime.timedelta(
                days=int(self.rng.random() * (FILED_WITHIN_DAYS + 1))
            )
            number = parse_case_number(
                f"({filed_on.year}){court.code}{self.pick(codes)}{sequence}号"
            )
            sequence += 1
            panel = self.panel(court.id, plant)
            department = dict(self.judges[court.id]).get(panel[0]) if panel else None
            planned.cases.append(
                Case(
                    number=str(number),
                    year=number.year,
                    court_id=court.id,
                    department_id=department,
                    case_type=case_type,
                    cause=self.pick(demo_data.CASE_CAUSES[kind_name]),
                    filed_on=filed_on,
                    presiding_judge_id=panel[0] if panel else None,
                )
            )
            planned.panels.append(panel)
            role = CaseAgent.Role.DEFENDER if kind_name == "刑事" else CaseAgent.Role.AGENT
            agents = [self.agent(court, role) for _ in range(count)]
            if plant is not None:
                agents[0] = CaseAgent(
                    name=plant.name,
                    kind=plant.agent_kind,
                    role=role,
                    law_firm=plant.law_firm,
                    licence_number=plant.licence,
                )
            planned.agents.append(agents)
        return planned

    def court_for(self, plant: Plant | None) -> int:
        if plant is None:
            return self.pick(self.benches)
        if plant.kind == "above":
            below = self.below(plant.court_id)
            if below:
                return self.pick(below)
        if plant.court_id in self.judges:
            return plant.court_id
        return self.pick(self.benches)

    def panel(self, court_id: int, plant: Plant | None) -> list[int]:
        """The presiding judge first, then the members: up to three judges of the court, the
        planted judge among them (presiding half the time), the planted staff member not."""
        judges = [staff for staff, _department in self.judges[court_id]]
        if plant is not None and plant.off_panel is not None:
            judges = [staff for staff in judges if staff != plant.off_panel]
        if plant is not None and plant.on_panel is not None:
            others = [staff for staff in judges if staff != plant.on_panel]
            members = self.rng.sample(others, min(PANEL_SIZE - 1, len(others)))
            at = 0 if self.rng.random() < 0.5 else len(members)
            members.insert(at, plant.on_panel)
            return members
        return self.rng.sample(judges, min(PANEL_SIZE, len(judges)))


def insert(planned: Planned) -> tuple[list[int], dict[int, Rule]]:
    """Bulk insert the batch; the case ids, and the planted agents' ids with their rule."""
    Case.objects.bulk_create(planned.cases, batch_size=BATCH)
    if any(case.pk is None for case in planned.cases):
        raise BenchError("This database does not return the ids of bulk inserts.")
    Through = Case.panel.through
    Through.objects.bulk_create(
        [
            Through(case_id=case.pk, staffmember_id=staff)
            for case, panel in zip(planned.cases, planned.panels, strict=True)
            for staff in panel
        ],
        batch_size=BATCH * 3,
    )
    agents = []
    for case, case_agents in zip(planned.cases, planned.agents, strict=True):
        for agent in case_agents:
            agent.case_id = case.pk
            agents.append(agent)
    CaseAgent.objects.bulk_create(agents, batch_size=BATCH * 2)
    planted = {
        planned.agents[index][0].pk: PLANTS[plant.kind] for index, plant in planned.plants.items()
    }
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Case, Through, CaseAgent):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return [case.pk for case in planned.cases], planted


def _timed(case_ids: list[int], today: datetime.date) -> tuple[Run, detect.Outcome]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        outcome = detect.check_cases(case_ids, today=today)
        seconds = time.perf_counter() - started
    selects = sum(1 for q in queries.captured_queries if q["sql"].lstrip().upper()[:6] == "SELECT")
    run = Run(
        seconds=seconds,
        queries=len(queries.captured_queries),
        selects=selects,
        created=outcome.created,
        reopened=outcome.reopened,
        changed=outcome.changed,
        confirmed=outcome.confirmed,
        lapsed=outcome.lapsed,
    )
    return run, outcome


def run(
    *,
    cases: int = DEFAULT_CASES,
    conflicts_share: float = DEFAULT_CONFLICTS,
    seed: int = DEFAULT_SEED,
    today: datetime.date = DEFAULT_TODAY,
    out: TextIO | None = None,
) -> Report:
    """Plant, check, verify and roll back (see the module's docstring)."""

    def say(message: str) -> None:
        if out is not None:
            out.write(message + "\n")
            out.flush()

    report = Report(database=connection.vendor, today=today)
    with transaction.atomic():
        report.courts = Court.objects.count()
        report.staff = StaffMember.objects.count()
        report.relatives = RelativePractice.objects.filter(voided_at__isnull=True).count()
        report.departures = DepartureRecord.objects.filter(voided_at__isnull=True).count()
        started = time.perf_counter()
        maker = CaseMaker(rng=random.Random(seed), today=today, say=say)  # noqa: S311
        planned = maker.plan(cases, conflicts_share)
        case_ids, planted = insert(planned)
        report.setup_seconds = time.perf_counter() - started
        report.cases, report.agents = len(case_ids), sum(map(len, planned.agents))
        report.planted = Counter(planted.values())
        say(
            f"  {report.cases} cases and {report.agents} agents inserted in "
            f"{report.setup_seconds:.1f} s; {len(planted)} planted"
        )
        pending_before = _pending_recusals(case_ids)
        first, _outcome = _timed(case_ids, today)
        report.runs.append(first)
        say(f"  first check: {first.seconds:.2f} s, {first.queries} queries")
        report.recusals = _pending_recusals(case_ids) - pending_before
        alerts = Alert.objects.filter(case_id__in=case_ids)
        report.alerts = Counter(dict(alerts.values_list("rule").annotate(n=Count("pk")).order_by()))
        report.strengths = Counter(
            dict(alerts.values_list("strength").annotate(n=Count("pk")).order_by())
        )
        found = set(
            Alert.objects.filter(agent_id__in=list(planted)).values_list("agent_id", "rule")
        )
        missing = [(agent, rule) for agent, rule in planted.items() if (agent, rule) not in found]
        report.planted_found = Counter(
            rule for agent, rule in planted.items() if (agent, rule) in found
        )
        second, _outcome = _timed(case_ids, today)
        report.runs.append(second)
        say(f"  second check: {second.seconds:.2f} s, {second.queries} queries")
        transaction.set_rollback(True)
    if missing:
        shown = ", ".join(f"agent {agent} ({rule})" for agent, rule in missing[:10])
        raise BenchError(f"{len(missing)} planted conflicts were not found: {shown}")
    if second.created or second.reopened or second.changed:
        raise BenchError(
            f"The second check created {second.created}, reopened {second.reopened} and "
            f"changed {second.changed} alerts; it must find the same facts unchanged."
        )
    return report


def _pending_recusals(case_ids: list[int]) -> int:
    return RelativePractice.objects.filter(recusal_case_id__in=case_ids).count()
