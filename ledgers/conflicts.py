"""Early-warning rules: which facts kept in the ledgers and the case registry amount to a
conflict the discipline team must look at. Tables plus small pure functions, beside the
regulation rules (ledgers/rules.py), whose tables they reuse; the alert engine
(ledgers/alerts/detect.py, patterns.py) gathers the facts with set-based queries and asks
these functions what they mean. Every row of every table has a test in
tests/alerts/test_conflict_rules.py.

Sources:
- 法释〔2011〕12号《最高人民法院关于审判人员在诉讼活动中执行回避制度若干问题的规定》art. 1(4):
  a judge withdraws from a case in which an agent or defender is their spouse, parent, child
  or sibling; art. 8: former staff and their exception as guardian or near relative;
- 法发〔2020〕13号 art. 2 and 法官法 (2019) art. 24: post recusal (ledgers.rules);
- 法官法 (2019) art. 36, 律师法 art. 41, 司发通〔2021〕61号: departed staff (ledgers.rules);
- 法发〔2020〕13号 art. 8: not reporting a relative practising law is itself a violation;
- 《关于领导干部干预司法活动、插手具体案件处理的记录、通报和责任追究规定》 and its two
  companions (the 三个规定): a record of no inquiry at all, period after period, while peers
  record them, is a warning sign (shared/DOMAIN.md "zero reports").
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from . import rules
from .rules import Relationship


class Rule(StrEnum):
    PANEL_WITHDRAWAL = "panel_withdrawal"
    POST_RECUSAL = "post_recusal"
    FORMER_STAFF = "former_staff"
    UNDECLARED = "undeclared"
    ZERO_REPORTS = "zero_reports"
    REPEAT_ACTOR = "repeat_actor"


class Severity(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


SEVERITIES: dict[Severity, object] = {
    Severity.HIGH: _("High"),
    Severity.MEDIUM: _("Medium"),
    Severity.LOW: _("Low"),
}
# Lower a severity by one step (a weaker match is less certain).
_WEAKER = {
    Severity.HIGH: Severity.MEDIUM,
    Severity.MEDIUM: Severity.LOW,
    Severity.LOW: Severity.LOW,
}


@dataclass(frozen=True)
class RuleInfo:
    label: object
    severity: Severity
    source: object  # the regulation it applies
    action: object  # what the discipline team is expected to do


RULES: dict[Rule, RuleInfo] = {
    Rule.PANEL_WITHDRAWAL: RuleInfo(
        _("Judge must withdraw from the case"),
        Severity.HIGH,
        _(
            "法释〔2011〕12号 art. 1(4): an agent or defender is the judge's spouse, parent, "
            "child or sibling."
        ),
        _("Make sure the judge withdraws from the case, or record why not."),
    ),
    Rule.POST_RECUSAL: RuleInfo(
        _("Post recusal triggered"),
        Severity.HIGH,
        _(
            "法发〔2020〕13号 art. 2; 法官法 art. 24: a spouse, parent or child acts as agent or "
            "defender in a case within the court's jurisdiction."
        ),
        _("The recusal is now required: application within a month, post change within six."),
    ),
    Rule.FORMER_STAFF: RuleInfo(
        _("Former staff member acting as agent"),
        Severity.HIGH,
        _("法官法 art. 36; 律师法 art. 41; 法释〔2011〕12号 art. 8; 司发通〔2021〕61号."),
        _("Check the agent's standing in the case and follow up the departure record."),
    ),
    Rule.UNDECLARED: RuleInfo(
        _("Possible undeclared relationship"),
        Severity.LOW,
        _(
            "法发〔2020〕13号 art. 1 and art. 8: relatives practising law must be reported; not "
            "reporting them is a violation."
        ),
        _("Ask the staff member concerned; correct the declaration or dismiss with the reason."),
    ),
    Rule.ZERO_REPORTS: RuleInfo(
        _("Zero reports while peers recorded inquiries"),
        Severity.MEDIUM,
        _(
            "The three regulations (三个规定): every inquiry is recorded (逢问必录); zero reports "
            "period after period where peers record inquiries are a warning sign."
        ),
        _("Talk to the staff member or department about recording inquiries."),
    ),
    Rule.REPEAT_ACTOR: RuleInfo(
        _("Same person or firm across many records"),
        Severity.MEDIUM,
        _(
            "The three regulations (三个规定) and 司发通〔2021〕60号: repeated interference or "
            "contact by one lawyer, firm or person."
        ),
        _("Review the records together; consider a clue."),
    ),
}


# --- Who is related to whom -------------------------------------------------------------------
# 法释〔2011〕12号 art. 1(4): the relationships that make a judge withdraw from a case.
CASE_WITHDRAWAL_KIN: frozenset[Relationship] = frozenset(
    {
        Relationship.SPOUSE,
        Relationship.FATHER,
        Relationship.MOTHER,
        Relationship.SON,
        Relationship.DAUGHTER,
        Relationship.BROTHER,
        Relationship.SISTER,
    }
)


def withdrawal_kin(relationship: Relationship | str) -> bool:
    """法释〔2011〕12号 art. 1(4): spouse, parents, children and siblings of a judge on the
    panel may not act as agent or defender before them."""
    return Relationship(relationship) in CASE_WITHDRAWAL_KIN


def recusal_kin(relationship: Relationship | str) -> bool:
    """法发〔2020〕13号 art. 2: only a spouse, parent or child can trigger post recusal."""
    return rules.RELATIONSHIPS[Relationship(relationship)].recusal_kin


# --- How an agent is matched to a person -------------------------------------------------------
class Match(StrEnum):
    LICENCE = "licence"  # the same lawyer's licence number: the same person
    NAME_FIRM = "name_firm"  # the same name at the same firm
    NAME = "name"  # the same name only: weaker evidence


MATCHES: dict[Match, object] = {
    Match.LICENCE: _("Same licence number"),
    Match.NAME_FIRM: _("Same name and law firm"),
    Match.NAME: _("Same name only (weaker)"),
}
WEAKER_MATCHES = frozenset({Match.NAME})

_SPACES = re.compile(r"[\s·•．.]+")
_FIRM_SUFFIXES = ("律师事务所", "律所", "事务所", "lawfirm")


@functools.lru_cache(maxsize=65536)
def fold_name(value: str) -> str:
    """A person's name as compared: half-width, without spaces or middle dots, lower case."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", value or "")).lower()


@functools.lru_cache(maxsize=65536)
def fold_firm(value: str) -> str:
    """A firm's name as compared: folded like a name, brackets dropped, and without the
    ending 律师事务所 / 律所 (offices write both)."""
    folded = fold_name(value)
    folded = re.sub(r"[()（）\[\]【】〔〕]", "", folded)
    for suffix in _FIRM_SUFFIXES:
        if folded.endswith(suffix):
            return folded[: -len(suffix)]
    return folded


def match(
    *,
    agent_licence: str,
    agent_name: str,
    agent_firm: str,
    person_licence: str,
    person_name: str,
    person_firm: str,
) -> Match | None:
    """How strongly an agent is the person: by licence number first; then by name and firm;
    then by name alone (weaker). Two different licence numbers are two people, whatever the
    names; so are the same name at two different firms."""
    if agent_licence and person_licence:
        return Match.LICENCE if agent_licence == person_licence else None
    name = fold_name(agent_name)
    if not name or name != fold_name(person_name):
        return None
    agent_firm, person_firm = fold_firm(agent_firm), fold_firm(person_firm)
    if agent_firm and person_firm:
        return Match.NAME_FIRM if agent_firm == person_firm else None
    return Match.NAME


def severity(rule: Rule, strength: Match | None) -> Severity:
    """The rule's severity, one step lower for a weaker match."""
    base = RULES[rule].severity
    return _WEAKER[base] if strength in WEAKER_MATCHES else base


# --- Former staff -------------------------------------------------------------------------------
# 法官法 art. 36.2, 法释〔2011〕12号 art. 8: acting as guardian or near relative of a party is
# allowed (org.CaseAgent.Kind).
EXEMPT_AGENT_KINDS = frozenset({"relative", "guardian"})


def former_staff_ban(
    restrictions: rules.Restrictions,
    *,
    case_court_id: int,
    on: datetime.date,
    agent_kind: str,
) -> rules.AgentBan | None:
    """The restriction a former staff member breaks by acting as agent or defender in a case
    of a court on a day (ledgers.rules.agent_ban), None if none: a guardian or near relative
    of the party is exempt."""
    return rules.agent_ban(
        restrictions,
        case_court_id=case_court_id,
        on=on,
        for_own_relative_or_ward=agent_kind in EXEMPT_AGENT_KINDS,
    )


# --- Patterns ---------------------------------------------------------------------------------
def peers_recorded(*, peers: int, peers_recording: int, min_peers: int, share: float) -> bool:
    """Whether a peer group recorded enough inquiries for one member's zero reports to stand
    out: at least ``min_peers`` peers, and at least ``share`` of them recorded some."""
    return peers >= min_peers and peers_recording >= share * peers


def caseload_band(cases: int, *, ratio: float) -> int:
    """Bands of similar caseload: 0 for fewer than 5 cases, then geometric bands of width
    ``ratio`` (5–9, 10–19 … for 2.0), so that a peer group is one GROUP BY."""
    if cases < 5:
        return 0
    band, limit = 1, 5 * ratio
    while cases >= limit:
        band, limit = band + 1, limit * ratio
    return band
