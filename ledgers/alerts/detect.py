"""The conflict checks (ledgers/conflicts.py says what each rule means), run

- on cases, when they enter or change (:func:`check_cases`: the case intake's doors send
  ``integrity.org.signals.cases_changed``), and
- on people, over all open cases, when a relative or departure record, a staff member or a
  declaration changes (:func:`check_people`).

Set-based: a batch of up to ``CHUNK`` cases costs a fixed number of queries whatever its size
(the cases, their panels, agents and interference records; the relatives and former staff whose
licence number or name any agent or interferer has; the declarations of those staff members),
then the matching is done in memory by licence number and folded name, never one query per case.
"""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from inspections.rules import LEADER_POSTS
from integrity.org.models import Case, CaseAgent
from ledgers import conflicts, rules
from ledgers import services as ledger_services
from ledgers.conflicts import Match, Rule
from ledgers.models import (
    Campaign,
    Declaration,
    DepartureRecord,
    InterferenceRecord,
    RelativePractice,
)

from .services import SYSTEM, Finding, Outcome, raise_alerts

CHUNK = 2000
CASE_RULES = (Rule.PANEL_WITHDRAWAL, Rule.POST_RECUSAL, Rule.FORMER_STAFF, Rule.UNDECLARED)
STRONG = frozenset({Match.LICENCE, Match.NAME_FIRM})


# --- What is loaded ------------------------------------------------------------------------------
@dataclass
class CaseFacts:
    id: int
    number: str
    court_id: int
    court_path: str
    department_id: int | None
    filed_on: datetime.date | None
    presiding_id: int | None
    panel: set[int] = field(default_factory=set)  # the presiding judge and the panel


@dataclass(frozen=True)
class Agent:
    id: int
    case_id: int
    name: str
    law_firm: str
    licence: str
    kind: str
    role: str


@dataclass(frozen=True)
class Interferer:
    id: int
    case_id: int | None
    case_number: str
    court_id: int
    staff_id: int
    name: str
    unit: str
    occurred_on: datetime.date


@dataclass(frozen=True)
class Relative:
    id: int
    staff_id: int
    staff_name: str
    staff_post: str
    court_id: int
    court_path: str
    department_id: int | None
    leading: bool
    trial: bool
    relationship: str
    name: str
    law_firm: str
    licence: str
    status: str
    reported_on: datetime.date


@dataclass(eq=False)
class Former:
    id: int
    staff_id: int
    name: str
    post: str
    court_id: int
    department_id: int | None
    employer: str
    licence: str
    departure: dict[str, Any]  # the inputs of ledgers.rules.departure_restrictions

    @functools.cached_property
    def restrictions(self) -> rules.Restrictions:
        """Worked out only for those an agent matches (most names match nobody's case)."""
        return rules.departure_restrictions(**self.departure)


@dataclass
class People:
    """The relatives and former staff an agent or interferer could be, by licence and name."""

    relatives: list[Relative] = field(default_factory=list)
    formers: list[Former] = field(default_factory=list)
    # staff id -> (declaration id, filed day) of a current relatives declaration saying "none"
    declared_none: dict[int, tuple[int, datetime.date]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_licence: dict[str, list[Any]] = defaultdict(list)
        self._by_name: dict[str, list[Any]] = defaultdict(list)
        for person in (*self.relatives, *self.formers):
            if person.licence:
                self._by_licence[person.licence].append(person)
            self._by_name[conflicts.fold_name(person.name)].append(person)

    def matching(self, *, name: str, firm: str, licence: str) -> Iterator[tuple[Any, Match]]:
        seen: set[tuple[type, int]] = set()
        for person in (
            *self._by_licence.get(licence, ()),
            *self._by_name.get(conflicts.fold_name(name), ()),
        ):
            marker = (type(person), person.id)
            if marker in seen:
                continue
            seen.add(marker)
            how = conflicts.match(
                agent_licence=licence,
                agent_name=name,
                agent_firm=firm,
                person_licence=person.licence,
                person_name=person.name,
                person_firm=getattr(person, "law_firm", None) or getattr(person, "employer", ""),
            )
            if how is not None:
                yield person, how


def _names(values: Iterable[str]) -> list[str]:
    """The names to look people up by: as written and folded (a stored name may be either)."""
    names: set[str] = set()
    for value in values:
        if value and value.strip():
            names.update({value.strip(), conflicts.fold_name(value)})
    return sorted(names)


def load_people(
    *,
    names: Iterable[str] = (),
    licences: Iterable[str] = (),
    relatives: Q | None = None,
    departures: Q | None = None,
) -> People:
    """The relatives (ledger 3) and former staff (ledger 4), not voided, who could be someone
    with one of ``names`` or ``licences``; or those that ``relatives`` / ``departures`` select.
    Four queries."""
    names, licences = _names(names), sorted({value for value in licences if value})
    if relatives is None:
        relatives = Q(relative_name__in=names) | Q(licence_number__in=licences)
    if departures is None:
        departures = Q(staff__name__in=names) | Q(licence_number__in=licences)
    relatives_found = [
        Relative(*row)
        for row in RelativePractice.objects.filter(relatives, voided_at__isnull=True)
        .values_list(
            "pk",
            "staff_id",
            "staff__name",
            "staff__post",
            "court_id",
            "court__path",
            "department_id",
            "staff__is_leading_cadre",
            "staff__is_trial_post",
            "relationship",
            "relative_name",
            "law_firm",
            "licence_number",
            "status",
            "reported_on",
        )
        .order_by("pk")
    ]
    rows = list(
        DepartureRecord.objects.filter(departures, voided_at__isnull=True)
        .values_list(
            "pk",
            "staff_id",
            "staff__name",
            "last_post",
            "court_id",
            "department_id",
            "current_employer",
            "licence_number",
            "left_on",
            "how",
            "was_leadership",
            "last_grade",
            "senior_assistant",
        )
        .order_by("pk")
    )
    served: dict[int, set[int]] = defaultdict(set)
    if rows:
        through = DepartureRecord.served_courts.through.objects.filter(
            departurerecord_id__in=[row[0] for row in rows]
        )
        for record_id, court_id in through.values_list("departurerecord_id", "court_id"):
            served[record_id].add(court_id)
    formers: list[Former] = []
    for pk, staff_id, name, post, court_id, department_id, employer, licence, *rest in rows:
        left_on, how, leadership, grade, senior_assistant = rest
        departure = {
            "left_on": left_on,
            "how": how,
            "was_leadership": leadership,
            "grade": grade,
            "senior_assistant": senior_assistant,
            "served_court_ids": [court_id, *served[pk]],
        }
        formers.append(
            Former(pk, staff_id, name, post, court_id, department_id, employer, licence, departure)
        )
    return People(
        relatives=relatives_found,
        formers=formers,
        declared_none=_load_declared_none({relative.staff_id for relative in relatives_found}),
    )


def _load_declared_none(staff_ids: set[int]) -> dict[int, tuple[int, datetime.date]]:
    """Staff members whose latest filed relatives declaration says they have none: staff id
    -> (declaration id, day filed). One query."""
    if not staff_ids:
        return {}
    rows = (
        Declaration.objects.filter(
            staff_id__in=staff_ids,
            is_current=True,
            campaign__kind=Campaign.Kind.RELATIVES,
            campaign__voided_at__isnull=True,
            status__in=[Declaration.Status.FILED, Declaration.Status.SIGNED],
        )
        .order_by("staff_id", "-campaign__period_end", "-pk")
        .values_list("staff_id", "pk", "has_nothing", "filed_at")
    )
    latest: dict[int, tuple[int, datetime.date]] = {}
    decided: set[int] = set()
    for staff_id, pk, has_nothing, filed_at in rows:
        if staff_id in decided:
            continue
        decided.add(staff_id)
        if has_nothing and filed_at is not None:
            latest[staff_id] = (pk, timezone.localdate(filed_at))
    return latest


def load_cases(case_ids: list[int]) -> dict[int, CaseFacts]:
    """The cases with their panels (the presiding judge included). Two queries."""
    cases = {
        row[0]: CaseFacts(*row)
        for row in Case.objects.filter(pk__in=case_ids).values_list(
            "pk",
            "number",
            "court_id",
            "court__path",
            "department_id",
            "filed_on",
            "presiding_judge_id",
        )
    }
    for case in cases.values():
        if case.presiding_id:
            case.panel.add(case.presiding_id)
    panel = Case.panel.through.objects.filter(case_id__in=list(cases))
    for case_id, staff_id in panel.values_list("case_id", "staffmember_id"):
        cases[case_id].panel.add(staff_id)
    return cases


_AGENT_COLUMNS = ("pk", "case_id", "name", "law_firm", "licence_number", "kind", "role")
_INTERFERER_COLUMNS = (
    "pk",
    "case_id",
    "case_number",
    "court_id",
    "staff_id",
    "interferer_name",
    "interferer_unit",
    "occurred_on",
)


def load_agents(where: Q) -> list[Agent]:
    return [Agent(*row) for row in CaseAgent.objects.filter(where).values_list(*_AGENT_COLUMNS)]


def load_interferers(where: Q) -> list[Interferer]:
    rows = InterferenceRecord.objects.filter(where, voided_at__isnull=True).exclude(
        interferer_name=""
    )
    return [Interferer(*row) for row in rows.values_list(*_INTERFERER_COLUMNS)]


# --- What the facts mean -------------------------------------------------------------------------
def _agent_facts(agent: Agent, case: CaseFacts, how: Match) -> dict[str, Any]:
    return {
        "case": case.number,
        "agent": agent.name,
        "law_firm": agent.law_firm,
        "licence": agent.licence,
        "capacity": agent.role,
        "agent_kind": agent.kind,
        "match": str(how),
    }


def _relative_facts(relative: Relative) -> dict[str, Any]:
    return {
        "staff": relative.staff_name,
        "relative": relative.name,
        "relationship": relative.relationship,
        "relative_firm": relative.law_firm,
        "relative_licence": relative.licence,
    }


def _leader(post: str) -> bool:
    return post in LEADER_POSTS


def conflicts_of(
    cases: dict[int, CaseFacts],
    agents: list[Agent],
    interferers: list[Interferer],
    people: People,
    *,
    today: datetime.date,
) -> list[Finding]:
    """Every conflict among these cases' agents and these interferers, and the people they
    could be (pure: no query)."""
    findings: list[Finding] = []
    for agent in agents:
        case = cases.get(agent.case_id)
        if case is None:
            continue
        for person, how in people.matching(
            name=agent.name, firm=agent.law_firm, licence=agent.licence
        ):
            if isinstance(person, Relative):
                findings += _relative_in_case(agent, case, person, how, people)
            else:
                findings += _former_in_case(agent, case, person, how, today)
    for interferer in interferers:
        for person, how in people.matching(name=interferer.name, firm=interferer.unit, licence=""):
            if isinstance(person, Relative):
                findings += _relative_interfering(interferer, person, how, people)
    return findings


def _relative_in_case(
    agent: Agent, case: CaseFacts, relative: Relative, how: Match, people: People
) -> list[Finding]:
    found: list[Finding] = []
    facts = {**_agent_facts(agent, case, how), **_relative_facts(relative)}
    common = {
        "court_id": relative.court_id,
        "department_id": relative.department_id,
        "subject_id": relative.staff_id,
        "case_id": case.id,
        "agent_id": agent.id,
        "relative_id": relative.id,
        "about_leader": _leader(relative.staff_post),
        "strength": str(how),
    }
    on_panel = relative.staff_id in case.panel
    if on_panel and conflicts.withdrawal_kin(relative.relationship):
        found.append(
            Finding(
                Rule.PANEL_WITHDRAWAL,
                f"{Rule.PANEL_WITHDRAWAL}:c{case.id}:s{relative.staff_id}:r{relative.id}",
                facts={**facts, "presiding": relative.staff_id == case.presiding_id},
                **common,
            )
        )
    recusal = rules.recusal_required(
        relationship=relative.relationship,
        role=rules.LegalRole.LAWYER,
        is_leading_cadre=relative.leading,
        is_trial_post=relative.trial,
        firm_in_jurisdiction=False,
        acts_in_jurisdiction=rules.within_jurisdiction(relative.court_path, case.court_path),
    )
    if recusal:
        found.append(
            Finding(
                Rule.POST_RECUSAL,
                f"{Rule.POST_RECUSAL}:r{relative.id}:c{case.id}",
                facts=facts,
                **common,
            )
        )
    if not on_panel and not found and relative.court_id == case.court_id:
        # A known relative of a colleague acts in a case of the same court: whether the judges
        # of the case are related to them too is what nobody declared.
        found.append(
            Finding(
                Rule.UNDECLARED,
                f"{Rule.UNDECLARED}:colleague:c{case.id}:r{relative.id}",
                facts={**facts, "variant": "colleague"},
                **{**common, "subject_id": case.presiding_id, "about_leader": False},
            )
        )
    found += _declared_none(relative, people, facts, common, f"c{case.id}")
    return found


def _declared_none(
    relative: Relative, people: People, facts: dict, common: dict, where: str
) -> list[Finding]:
    """法发〔2020〕13号 art. 8: the staff member's latest declaration says "none", but this
    relative, known since before it, is found practising."""
    declared = people.declared_none.get(relative.staff_id)
    if declared is None or declared[1] < relative.reported_on:
        return []
    declaration_id, filed_on = declared
    return [
        Finding(
            Rule.UNDECLARED,
            f"{Rule.UNDECLARED}:none:r{relative.id}:d{declaration_id}:{where}",
            facts={**facts, "variant": "declared_none", "declared_on": filed_on.isoformat()},
            **common,
        )
    ]


def _relative_interfering(
    interferer: Interferer, relative: Relative, how: Match, people: People
) -> list[Finding]:
    """A relative practising law known from a declaration inquires about a case: the record
    does not say so (review, weaker evidence)."""
    facts = {
        "case": interferer.case_number,
        "interferer": interferer.name,
        "unit": interferer.unit,
        "occurred_on": interferer.occurred_on.isoformat(),
        "match": str(how),
        **_relative_facts(relative),
    }
    common = {
        "court_id": relative.court_id,
        "department_id": relative.department_id,
        "subject_id": relative.staff_id,
        "case_id": interferer.case_id,
        "interference_id": interferer.id,
        "relative_id": relative.id,
        "about_leader": _leader(relative.staff_post),
        "strength": str(how),
    }
    return [
        Finding(
            Rule.UNDECLARED,
            f"{Rule.UNDECLARED}:interferer:i{interferer.id}:r{relative.id}",
            facts={**facts, "variant": "interferer"},
            **common,
        ),
        *_declared_none(relative, people, facts, common, f"i{interferer.id}"),
    ]


def _former_in_case(
    agent: Agent, case: CaseFacts, former: Former, how: Match, today: datetime.date
) -> list[Finding]:
    lifetime = case.court_id in former.restrictions.lifetime_courts
    if how is Match.NAME and not lifetime:
        return []  # a name alone, away from the courts they served at, says too little
    on = case.filed_on or today
    ban = conflicts.former_staff_ban(
        former.restrictions, case_court_id=case.court_id, on=on, agent_kind=agent.kind
    )
    if ban is None:
        return []
    ends = former.restrictions.restriction_ends
    return [
        Finding(
            Rule.FORMER_STAFF,
            f"{Rule.FORMER_STAFF}:d{former.id}:c{case.id}",
            court_id=former.court_id,
            department_id=former.department_id,
            subject_id=former.staff_id,
            case_id=case.id,
            agent_id=agent.id,
            departure_id=former.id,
            about_leader=_leader(former.post),
            strength=str(how),
            facts={
                **_agent_facts(agent, case, how),
                "staff": former.name,
                "employer": former.employer,
                "ban": str(ban),
                "on": on.isoformat(),
                "restriction_ends": ends.isoformat() if ends else None,
            },
        )
    ]


# --- The checks ---------------------------------------------------------------------------------
def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def check_cases(case_ids: Iterable[int], *, today: datetime.date | None = None) -> Outcome:
    """Every conflict rule for these cases (they entered the registry or changed): their
    agents and the interference records about them, against every relative and former staff
    member they could be. Alerts these cases had and no longer have lapse."""
    today = today or timezone.localdate()
    outcome = Outcome()
    for chunk in _chunks(sorted(set(case_ids))):
        cases = load_cases(chunk)
        agents = load_agents(Q(case_id__in=chunk))
        interferers = load_interferers(Q(case_id__in=chunk))
        people = load_people(
            names=[*(a.name for a in agents), *(i.name for i in interferers)],
            licences=[agent.licence for agent in agents],
        )
        findings = conflicts_of(cases, agents, interferers, people, today=today)
        outcome.add(raise_alerts(findings, covered=Q(rule__in=CASE_RULES, case_id__in=chunk)))
        _trigger_recusals(findings, cases, people, today)
    return outcome


def check_people(
    *,
    relative_ids: Iterable[int] = (),
    departure_ids: Iterable[int] = (),
    staff_ids: Iterable[int] = (),
    today: datetime.date | None = None,
) -> Outcome:
    """Every conflict rule over all open cases (and all interference records) for these
    relatives, former staff and staff members' relatives and departures, after they changed
    (a record entered, corrected or voided; a staff member's post; a declaration filed).
    Alerts about them that no longer hold lapse."""
    today = today or timezone.localdate()
    relative_ids, departure_ids = set(relative_ids), set(departure_ids)
    staff_ids = set(staff_ids)
    people = load_people(
        relatives=Q(pk__in=relative_ids) | Q(staff_id__in=staff_ids),
        departures=Q(pk__in=departure_ids) | Q(staff_id__in=staff_ids),
    )
    names = [person.name for person in (*people.relatives, *people.formers)]
    licences = [person.licence for person in (*people.relatives, *people.formers)]
    findings: list[Finding] = []
    if names or licences:
        agents = load_agents(
            Q(case__closed_on__isnull=True)
            & (Q(name__in=_names(names)) | Q(licence_number__in=sorted(set(licences) - {""})))
        )
        interferers = load_interferers(Q(interferer_name__in=_names(names)))
        cases = load_cases(sorted({agent.case_id for agent in agents}))
        findings = conflicts_of(cases, agents, interferers, people, today=today)
    relative_ids |= {relative.id for relative in people.relatives}
    departure_ids |= {former.id for former in people.formers}
    covered = Q(rule__in=CASE_RULES) & (
        Q(relative_id__in=relative_ids) | Q(departure_id__in=departure_ids)
    )
    outcome = raise_alerts(findings, covered=covered)
    if findings:
        _trigger_recusals(findings, cases, people, today)
    return outcome


def check_interference(
    interference_ids: Iterable[int], *, today: datetime.date | None = None
) -> Outcome:
    """The interference records entered or corrected: is the person who inquired a relative
    practising law that a staff member declared?"""
    ids = sorted(set(interference_ids))
    interferers = load_interferers(Q(pk__in=ids))
    people = load_people(names=[interferer.name for interferer in interferers])
    findings = conflicts_of({}, [], interferers, people, today=today or timezone.localdate())
    return raise_alerts(findings, covered=Q(rule=Rule.UNDECLARED, interference_id__in=ids))


def check_open_cases(*, today: datetime.date | None = None) -> Outcome:
    """Every open case, in batches (the command ``check_alerts --cases``)."""
    ids = list(
        Case.objects.filter(closed_on__isnull=True).order_by("pk").values_list("pk", flat=True)
    )
    return check_cases(ids, today=today)


def _trigger_recusals(
    findings: list[Finding], cases: dict[int, CaseFacts], people: People, today: datetime.date
) -> None:
    """法发〔2020〕13号 art. 2: a relative found acting in the jurisdiction by licence number,
    or by name and firm, moves ledger 3 to "required, pending" with the case as evidence (a
    name alone is left to the officer)."""
    waiting = {
        relative.id
        for relative in people.relatives
        if relative.status == RelativePractice.Status.NOT_REQUIRED
    }
    done: set[int] = set()
    for finding in findings:
        if (
            finding.rule is not Rule.POST_RECUSAL
            or finding.strength not in STRONG
            or finding.relative_id not in waiting
            or finding.relative_id in done
        ):
            continue
        done.add(finding.relative_id)
        ledger_services.recusal_found_in_case(
            record=RelativePractice(pk=finding.relative_id),
            case=Case.objects.get(pk=finding.case_id),
            on=today,
            actor_name=SYSTEM,
        )
