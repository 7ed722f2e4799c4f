"""How an alert reads: its evidence as one sentence per rule (and variant), built from the
facts the engine stored (ledgers/alerts/detect.py, patterns.py), and its status in words.

Plain functions of the alert and the relations its selector loads (court, subject, case and
the case's court): no query, so a list of alerts costs the same with its sentences. Dates are
written as the reader's language writes them (2026年3月5日), case numbers with the brackets
Chinese text uses."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from integrity.org.models import CaseAgent
from ledgers import rules
from ledgers.conflicts import Rule
from ledgers.reminders import day_label

from .models import Alert

# The alert's status in words (the model's labels, with the context "alert status").
STATUS_LABELS: dict[str, Any] = dict(Alert.Status.choices)


def status_label(alert: Alert) -> str:
    return str(STATUS_LABELS.get(alert.status, alert.status))


def _chinese() -> bool:
    return (translation.get_language() or "").startswith("zh")


def case_label(number: str | None) -> str:
    """A case number as the reader's text writes it: （2026）辽0102民初1号 in Chinese."""
    if not number:
        return pgettext("case number", "(no number)")
    return number.replace("(", "（").replace(")", "）") if _chinese() else number


def _day(value: Any) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return day_label(value)


def _relationship(value: str | None) -> str:
    try:
        return str(rules.RELATIONSHIPS[rules.Relationship(value)].label).lower()
    except ValueError:
        return value or ""


def _capacity(value: str | None) -> str:
    try:
        return str(CaseAgent.Role(value).label).lower()
    except ValueError:
        return pgettext("agent capacity", "agent")


def _with_details(name: str, *details: str) -> str:
    shown = [detail for detail in details if detail]
    if not shown:
        return name
    joined = pgettext("details separator", ", ").join(shown)
    return _("%(name)s (%(details)s)") % {"name": name, "details": joined}


def _agent(facts: dict[str, Any]) -> str:
    """The agent with firm and licence number: 李明（辽宁正义律师事务所，执业证号…）."""
    licence = facts.get("licence") or ""
    return _with_details(
        facts.get("agent") or "",
        facts.get("law_firm") or "",
        _("licence no. %(licence)s") % {"licence": licence} if licence else "",
    )


def _agent_params(facts: dict[str, Any]) -> dict[str, str]:
    return {
        "case": case_label(facts.get("case")),
        "capacity": _capacity(facts.get("capacity")),
        "agent": _agent(facts),
        "staff": facts.get("staff") or "",
        "relative": facts.get("relative") or "",
        "relationship": _relationship(facts.get("relationship")),
    }


def _court_name(alert: Alert) -> str:
    return alert.court.name if alert.court_id else ""


# --- one function per rule ----------------------------------------------------------------------
def _panel_withdrawal(alert: Alert, facts: dict[str, Any]) -> str:
    params = _agent_params(facts)
    params["role"] = (
        pgettext("panel", "presiding judge")
        if facts.get("presiding")
        else pgettext("panel", "panel member")
    )
    return (
        _(
            "In case %(case)s, the %(capacity)s %(agent)s is the %(relationship)s that "
            "%(role)s %(staff)s declared."
        )
        % params
    )


def _post_recusal(alert: Alert, facts: dict[str, Any]) -> str:
    params = _agent_params(facts)
    params["court"] = _court_name(alert)
    case_court = alert.case.court.name if alert.case_id and alert.case.court_id else ""
    params["case_court"] = case_court or params["court"]
    return (
        _(
            "In case %(case)s of %(case_court)s, the %(capacity)s %(agent)s is the "
            "%(relationship)s that %(staff)s of %(court)s declared; the case lies within "
            "that court's jurisdiction, so %(staff)s must recuse from their post."
        )
        % params
    )


def _former_staff(alert: Alert, facts: dict[str, Any]) -> str:
    params = _agent_params(facts)
    params["court"] = _court_name(alert)
    params["on"] = _day(facts.get("on"))
    ends = facts.get("restriction_ends")
    params["ends"] = _day(ends) if ends else _("for life")
    ban = facts.get("ban")
    if ban == rules.AgentBan.LIFETIME_COURT:
        text = _(
            "In case %(case)s, the %(capacity)s %(agent)s is %(staff)s, who formerly served at "
            "the court hearing it: nobody acts as agent or defender in cases of a court where "
            "they served, for life."
        )
    elif ban == rules.AgentBan.DISMISSED:
        text = _(
            "In case %(case)s, the %(capacity)s %(agent)s is %(staff)s, who was dismissed "
            "from %(court)s: dismissed staff never act as agent or defender, except for their "
            "ward or a near relative."
        )
    else:
        text = _(
            "In case %(case)s, the %(capacity)s %(agent)s is %(staff)s, who left %(court)s "
            "and on %(on)s was still within two years of leaving (the restrictions end: "
            "%(ends)s): no acting as agent or defender as a lawyer."
        )
    return text % params


def _undeclared(alert: Alert, facts: dict[str, Any]) -> str:
    params = _agent_params(facts)
    variant = facts.get("variant")
    if variant == "colleague":
        if alert.subject_id:
            params["judge"] = alert.subject.name
            text = _(
                "In case %(case)s, the %(capacity)s %(agent)s is the %(relationship)s that "
                "%(staff)s of the same court declared; whether %(judge)s, who presides, is "
                "related to them too was never declared."
            )
        else:
            text = _(
                "In case %(case)s, the %(capacity)s %(agent)s is the %(relationship)s that "
                "%(staff)s of the same court declared; whether the judges of the case are "
                "related to them too was never declared."
            )
        return text % params
    params["declared_on"] = _day(facts.get("declared_on"))
    params["occurred_on"] = _day(facts.get("occurred_on"))
    params["interferer"] = _with_details(facts.get("interferer") or "", facts.get("unit") or "")
    params["relative"] = _with_details(
        facts.get("relative") or "", facts.get("relative_firm") or ""
    )
    if variant == "declared_none" and facts.get("interferer"):
        text = _(
            "%(staff)s declared on %(declared_on)s to have no relative practising law, but "
            "their %(relationship)s %(relative)s, on record in ledger 3 since before then, "
            "inquired about case %(case)s on %(occurred_on)s."
        )
    elif variant == "declared_none":
        text = _(
            "%(staff)s declared on %(declared_on)s to have no relative practising law, but "
            "their %(relationship)s %(relative)s, on record in ledger 3 since before then, "
            "acts as %(capacity)s in case %(case)s."
        )
    else:
        text = _(
            "On %(occurred_on)s, %(interferer)s inquired about case %(case)s; %(relative)s, "
            "whom %(staff)s declared as their %(relationship)s, has the same name, and the "
            "record does not say so."
        )
    return text % params


def _number(*values: Any) -> Any:
    for value in values:
        if value not in (None, ""):
            return value
    return None


def _zero_reports(alert: Alert, facts: dict[str, Any]) -> str:
    """Facts of ledgers/alerts/patterns.py: since, threshold; figures: zero_periods, peers,
    peers_recording."""
    if alert.subject_id:
        who = alert.subject.name
    elif alert.department_id:
        who = _("%(department)s of %(court)s") % {
            "department": alert.department.name,
            "court": _court_name(alert),
        }
    else:
        who = _court_name(alert)
    params = {
        "who": who,
        "since": _day(facts.get("since")),
        "periods": _number(facts.get("zero_periods"), facts.get("threshold")),
        "peers": _number(facts.get("peers")),
        "recording": _number(facts.get("peers_recording")),
    }
    if None in params.values() or not params["since"]:
        text = _(
            "%(who)s filed only zero reports period after period, while comparable peers "
            "recorded inquiries."
        )
    else:
        text = _(
            "%(who)s filed only zero reports for %(periods)s periods in a row since "
            "%(since)s, while %(recording)s of %(peers)s comparable peers recorded inquiries."
        )
    return text % params


def _source_labels() -> dict[str, Any]:
    try:
        from .patterns import SOURCES
    except ImportError:  # the pattern checks are optional
        return {}
    return {str(source): label for source, label in SOURCES.items()}


def _repeat_actor(alert: Alert, facts: dict[str, Any]) -> str:
    """Facts of ledgers/alerts/patterns.py: kind, name, firm or unit, licence, records;
    figures: count, by_source, courts."""
    kind = facts.get("kind")
    licence = facts.get("licence") or ""
    if kind == "firm":
        who = facts.get("firm") or facts.get("identity") or ""
    elif kind == "lawyer":
        who = _with_details(
            facts.get("name") or "",
            facts.get("firm") or "",
            _("licence no. %(licence)s") % {"licence": licence} if licence else "",
        )
    else:
        who = _with_details(
            facts.get("name") or facts.get("identity") or "", facts.get("unit") or ""
        )
    labels = _source_labels()
    by_source = facts.get("by_source") or {}
    sources = pgettext("list separator", ", ").join(
        _("%(source)s: %(count)s") % {"source": labels.get(source, source), "count": count}
        for source, count in sorted(by_source.items())
    )
    courts = pgettext("list separator", ", ").join(facts.get("courts") or [_court_name(alert)])
    params = {
        "who": who,
        "count": _number(facts.get("count"), len(facts.get("records") or ())),
        "sources": sources,
        "courts": courts,
    }
    if not sources:
        return _("%(who)s is named in %(count)s records at %(courts)s.") % params
    return _("%(who)s is named in %(count)s records (%(sources)s) at %(courts)s.") % params


_SENTENCES = {
    Rule.PANEL_WITHDRAWAL: _panel_withdrawal,
    Rule.POST_RECUSAL: _post_recusal,
    Rule.FORMER_STAFF: _former_staff,
    Rule.UNDECLARED: _undeclared,
    Rule.ZERO_REPORTS: _zero_reports,
    Rule.REPEAT_ACTOR: _repeat_actor,
}


def sentence(alert: Alert) -> str:
    """The evidence of ``alert`` as one sentence in the reader's language, e.g.
    案件（2026）辽0102民初1号的诉讼代理人李明（辽宁正义律师事务所，执业证号…）是审判长张三申报的
    配偶。"""
    try:
        build = _SENTENCES[Rule(alert.rule)]
    except (KeyError, ValueError):
        return ""
    return build(alert, dict(alert.facts or {}))
