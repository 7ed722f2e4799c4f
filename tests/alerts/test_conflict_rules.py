"""Every row of the early-warning tables (ledgers/conflicts.py) and their boundaries."""

import datetime

import pytest

from ledgers import conflicts, rules
from ledgers.conflicts import Match, Rule, Severity
from ledgers.rules import AgentBan, Relationship

D = datetime.date

WITHDRAWAL = {
    Relationship.SPOUSE: True,
    Relationship.FATHER: True,
    Relationship.MOTHER: True,
    Relationship.SON: True,
    Relationship.DAUGHTER: True,
    Relationship.BROTHER: True,
    Relationship.SISTER: True,
    Relationship.SPOUSE_PARENT: False,
    Relationship.SPOUSE_SIBLING: False,
    Relationship.CHILD_SPOUSE: False,
    Relationship.CHILD_SPOUSE_PARENT: False,
    Relationship.OTHER: False,
}
RECUSAL = {
    **{relationship: False for relationship in Relationship},
    Relationship.SPOUSE: True,
    Relationship.FATHER: True,
    Relationship.MOTHER: True,
    Relationship.SON: True,
    Relationship.DAUGHTER: True,
}


def test_every_relationship_has_a_row():
    assert set(WITHDRAWAL) == set(Relationship) == set(RECUSAL)


@pytest.mark.parametrize(("relationship", "expected"), WITHDRAWAL.items())
def test_case_withdrawal_kin(relationship, expected):
    """法释〔2011〕12号 art. 1(4): spouse, parents, children and siblings of a judge."""
    assert conflicts.withdrawal_kin(relationship) is expected


@pytest.mark.parametrize(("relationship", "expected"), RECUSAL.items())
def test_post_recusal_kin(relationship, expected):
    """法发〔2020〕13号 art. 2: a sibling is not a post-recusal trigger."""
    assert conflicts.recusal_kin(relationship) is expected


def test_every_rule_names_its_label_source_and_action():
    assert set(conflicts.RULES) == set(Rule)
    for info in conflicts.RULES.values():
        assert str(info.label)
        assert str(info.source)
        assert str(info.action)
        assert info.severity in Severity


SAME = {"person_name": "李明", "person_firm": "辽宁正义律师事务所", "person_licence": ""}


@pytest.mark.parametrize(
    ("agent", "person", "expected"),
    [
        # by licence number first, whatever the names and firms say
        (
            ("12101201810000001", "李明", ""),
            ("12101201810000001", "李 明", "别的所"),
            Match.LICENCE,
        ),
        (
            ("12101201810000001", "李明", "辽宁正义律师事务所"),
            ("12101201810000002", "李明", "辽宁正义律师事务所"),
            None,
        ),
        # then name and firm, written as offices write them
        (("", "李明", "辽宁正义律师事务所"), ("", "李明", "辽宁正义律师事务所"), Match.NAME_FIRM),
        (("", " 李　明 ", "辽宁正义律所"), ("", "李明", "辽宁正义律师事务所"), Match.NAME_FIRM),
        (
            ("", "李明", "辽宁正义（沈阳）律师事务所"),
            ("", "李明", "辽宁正义(沈阳)律师事务所"),
            Match.NAME_FIRM,
        ),
        (
            ("12101201810000001", "李明", "辽宁正义律师事务所"),
            ("", "李明", "辽宁正义律师事务所"),
            Match.NAME_FIRM,
        ),
        (("", "李明", "辽宁正义律师事务所"), ("", "李明", "北京天元律师事务所"), None),
        # a name alone is weaker evidence
        (("", "李明", ""), ("", "李明", "辽宁正义律师事务所"), Match.NAME),
        (("", "李明", "辽宁正义律师事务所"), ("", "李明", ""), Match.NAME),
        (("", "李敏", "辽宁正义律师事务所"), ("", "李明", "辽宁正义律师事务所"), None),
        (("", "", ""), ("", "", ""), None),
    ],
)
def test_match(agent, person, expected):
    licence, name, firm = agent
    person_licence, person_name, person_firm = person
    assert (
        conflicts.match(
            agent_licence=licence,
            agent_name=name,
            agent_firm=firm,
            person_licence=person_licence,
            person_name=person_name,
            person_firm=person_firm,
        )
        == expected
    )


@pytest.mark.parametrize("rule", list(Rule))
@pytest.mark.parametrize("strength", [Match.LICENCE, Match.NAME_FIRM, Match.NAME, None])
def test_severity_is_one_step_lower_for_a_name_only_match(rule, strength):
    base = conflicts.RULES[rule].severity
    lower = {Severity.HIGH: Severity.MEDIUM, Severity.MEDIUM: Severity.LOW}.get(base, Severity.LOW)
    expected = lower if strength is Match.NAME else base
    assert conflicts.severity(rule, strength) is expected


def _restrictions(how):
    return rules.departure_restrictions(
        left_on=D(2025, 6, 30), how=how, was_leadership=False, served_court_ids=(7,)
    )


@pytest.mark.parametrize(
    ("how", "court", "on", "kind", "expected"),
    [
        # two years after leaving: the last restricted day is 2027-06-29
        ("resigned", 9, D(2027, 6, 28), "lawyer", AgentBan.WITHIN_TWO_YEARS),
        ("resigned", 9, D(2027, 6, 29), "lawyer", AgentBan.WITHIN_TWO_YEARS),
        ("resigned", 9, D(2027, 6, 30), "lawyer", None),
        ("retired", 9, D(2026, 1, 1), "legal_worker", AgentBan.WITHIN_TWO_YEARS),
        # for life at any court where they served
        ("resigned", 7, D(2040, 1, 1), "lawyer", AgentBan.LIFETIME_COURT),
        # dismissed: never
        ("dismissed", 9, D(2040, 1, 1), "lawyer", AgentBan.DISMISSED),
        # the guardian or near-relative exception
        ("resigned", 7, D(2026, 1, 1), "guardian", None),
        ("dismissed", 7, D(2026, 1, 1), "relative", None),
        ("resigned", 7, D(2026, 1, 1), "citizen", AgentBan.LIFETIME_COURT),
    ],
)
def test_former_staff_ban(how, court, on, kind, expected):
    restrictions = _restrictions(how)
    ban = conflicts.former_staff_ban(restrictions, case_court_id=court, on=on, agent_kind=kind)
    assert ban == expected


def test_every_ban_has_its_reason():
    assert set(rules.AGENT_BANS) == set(AgentBan)


@pytest.mark.parametrize(
    ("cases", "band"), [(0, 0), (4, 0), (5, 1), (9, 1), (10, 2), (19, 2), (20, 3), (40, 4)]
)
def test_caseload_band(cases, band):
    assert conflicts.caseload_band(cases, ratio=2.0) == band


@pytest.mark.parametrize(
    ("peers", "recording", "expected"),
    [(4, 4, False), (5, 2, False), (5, 3, True), (10, 5, True), (10, 4, False)],
)
def test_peers_recorded(peers, recording, expected):
    assert (
        conflicts.peers_recorded(peers=peers, peers_recording=recording, min_peers=5, share=0.5)
        is expected
    )


@pytest.mark.parametrize(
    ("written", "folded"),
    [("辽宁正义律师事务所", "辽宁正义"), ("辽宁正义律所", "辽宁正义"), ("ＡＢＣ律师事务所", "abc")],
)
def test_fold_firm(written, folded):
    assert conflicts.fold_firm(written) == folded
