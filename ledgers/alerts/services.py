"""Every write to alerts. The engine (detect.py, patterns.py) hands its findings to
:func:`raise_alerts`, which keeps one alert per set of facts:

- facts never seen before make a new alert (audited);
- the same facts again change nothing but the time they were last confirmed;
- changed facts update the alert (audited); a dismissed alert, or one whose facts had lapsed,
  comes back (``reopened``) only then;
- an open alert that a check covered but no longer finds has lapsed (audited).

The actions of the discipline team (dismiss with a reason, turn into a clue, mark the recusal
done) are below them; each is version-checked and audited."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from integrity.access import policy
from integrity.audit import events
from integrity.concurrency import StaleEdit, claim_version
from ledgers import conflicts

from .models import Alert

CHUNK = 500
SYSTEM = "system:early-warning"  # the audit's actor name for the engine's own writes


@dataclass(frozen=True)
class Finding:
    """One conflict or pattern as the engine found it. ``key`` is the identity of the facts
    (the same key is the same alert); ``facts`` the evidence shown (JSON-safe), whose digest
    tells whether the facts changed."""

    rule: conflicts.Rule
    key: str
    court_id: int
    strength: str
    facts: dict[str, Any] = field(hash=False, compare=False)
    subject_id: int | None = None
    department_id: int | None = None
    case_id: int | None = None
    agent_id: int | None = None
    interference_id: int | None = None
    relative_id: int | None = None
    departure_id: int | None = None
    about_leader: bool = False
    # Figures shown with the facts that may move without the facts changing (a running count):
    # stored, but not part of the digest, so they never reopen a dismissed alert.
    detail: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def severity(self) -> str:
        strength = self.strength if self.strength in conflicts.Match.__members__.values() else None
        return conflicts.severity(self.rule, strength and conflicts.Match(strength))

    @property
    def digest(self) -> str:
        payload = json.dumps(
            [self.strength, self.subject_id, self.court_id, self.facts],
            sort_keys=True,
            ensure_ascii=False,
            default=str,
        )
        return hashlib.sha256(payload.encode()).hexdigest()

    def columns(self) -> dict[str, Any]:
        return {
            "rule": str(self.rule),
            "severity": self.severity,
            "strength": self.strength,
            "court_id": self.court_id,
            "department_id": self.department_id,
            "subject_id": self.subject_id,
            "about_leader": self.about_leader,
            "case_id": self.case_id,
            "agent_id": self.agent_id,
            "interference_id": self.interference_id,
            "relative_id": self.relative_id,
            "departure_id": self.departure_id,
            "facts": {**self.facts, **self.detail},
            "digest": self.digest,
        }


@dataclass
class Outcome:
    """What a check did: counts of alerts created, reopened, changed, confirmed and lapsed."""

    created: int = 0
    reopened: int = 0
    changed: int = 0
    confirmed: int = 0
    lapsed: int = 0
    alerts: list[int] = field(default_factory=list)  # ids of the alerts created or reopened

    def add(self, other: Outcome) -> Outcome:
        self.created += other.created
        self.reopened += other.reopened
        self.changed += other.changed
        self.confirmed += other.confirmed
        self.lapsed += other.lapsed
        self.alerts += other.alerts
        return self

    @property
    def found(self) -> int:
        return self.created + self.reopened + self.changed + self.confirmed


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _record(alert: Alert, action: str, changes: dict | None = None, reason: str = "") -> None:
    events.record(
        actor=None,
        actor_name=SYSTEM,
        action=f"alerts.alert.{action}",
        obj=alert,
        changes=changes or {},
        reason=reason,
        court_id=alert.court_id,
    )


@transaction.atomic
def raise_alerts(findings: Iterable[Finding], *, covered: Q | None = None) -> Outcome:
    """Store what a check found (see the module's docstring). ``covered`` names the alerts
    the check was complete for (for example: the conflict rules for these cases); the open ones
    among them that were not found again have lapsed."""
    outcome = Outcome()
    found: dict[str, Finding] = {}
    for finding in findings:
        found.setdefault(finding.key, finding)
    now = timezone.now()
    keys = list(found)
    for chunk in _chunks(keys):
        existing = {alert.key: alert for alert in Alert.objects.filter(key__in=chunk)}
        new = [found[key] for key in chunk if key not in existing]
        _create(new, now, outcome)
        same: list[int] = []
        for key, alert in existing.items():
            finding = found[key]
            if alert.digest == finding.digest and alert.status != Alert.Status.LAPSED:
                shown = {**finding.facts, **finding.detail}
                if alert.facts != shown:  # only the figures moved
                    Alert.objects.filter(pk=alert.pk).update(facts=shown, last_seen_at=now)
                    outcome.confirmed += 1
                else:
                    same.append(alert.pk)
                continue
            _change(alert, finding, now, outcome)
        if same:
            Alert.objects.filter(pk__in=same).update(last_seen_at=now)
            outcome.confirmed += len(same)
    if covered is not None:
        candidates = Alert.objects.filter(covered, status=Alert.Status.OPEN)
        gone = [pk for pk, key in candidates.values_list("pk", "key") if key not in found]
        for alert in Alert.objects.filter(pk__in=gone).select_for_update():
            alert.status = Alert.Status.LAPSED
            alert.version += 1
            alert.save(update_fields=["status", "version"])
            _record(alert, "lapse", {"status": [Alert.Status.OPEN, Alert.Status.LAPSED]})
            outcome.lapsed += 1
    return outcome


def _create(new: list[Finding], now: Any, outcome: Outcome) -> None:
    if not new:
        return
    rows = [Alert(key=f.key, last_seen_at=now, changed_at=now, **f.columns()) for f in new]
    try:
        with transaction.atomic():
            created = Alert.objects.bulk_create(rows)
    except IntegrityError:
        # Another check stored some of the same facts at the same time: take them one by one.
        created = []
        for row in rows:
            try:
                with transaction.atomic():
                    row.save(force_insert=True)
                created.append(row)
            except IntegrityError:
                outcome.confirmed += 1
    for alert in created:
        _record(alert, "raise", {"rule": [None, alert.rule], "facts": [None, alert.facts]})
        outcome.created += 1
        outcome.alerts.append(alert.pk)


def _change(alert: Alert, finding: Finding, now: Any, outcome: Outcome) -> None:
    """The facts of a known alert changed (or lapsed facts came back)."""
    before = {"facts": alert.facts, "status": alert.status, "strength": alert.strength}
    for name, value in finding.columns().items():
        setattr(alert, name, value)
    alert.last_seen_at = alert.changed_at = now
    action = "update"
    if alert.status in (Alert.Status.DISMISSED, Alert.Status.LAPSED):
        alert.status = Alert.Status.OPEN
        alert.reopened = F("reopened") + 1
        action = "reopen"
    alert.version = F("version") + 1
    alert.save()
    alert.refresh_from_db(fields=["reopened", "version"])
    after = {"facts": alert.facts, "status": alert.status, "strength": alert.strength}
    _record(alert, action, events.diff(before, after))
    if action == "reopen":
        outcome.reopened += 1
        outcome.alerts.append(alert.pk)
    else:
        outcome.changed += 1


# --- The discipline team's actions -------------------------------------------------------------
# Each starts from an open alert, names the version it was based on (integrity/concurrency.py:
# a stale one is refused and changes nothing), records who handled it and when, and leaves an
# audit event with the reason. Handling is a discipline matter: only who may CHANGE the alert
# (the discipline team, the leaders in scope) acts on it (ledgers/alerts/scopes.py).
DONE_RULES = frozenset({conflicts.Rule.PANEL_WITHDRAWAL, conflicts.Rule.POST_RECUSAL})


def _claim(actor: Any, alert: Alert, version: Any) -> Alert:
    """The alert, locked, if ``actor`` may act on it, it is still open and unchanged since
    ``version``."""
    policy.require(actor, policy.CHANGE, alert)
    current = Alert.objects.select_for_update().get(pk=alert.pk)
    try:
        expected = int(version)
    except (TypeError, ValueError):
        raise StaleEdit from None
    if current.version != expected:
        raise StaleEdit
    if current.status != Alert.Status.OPEN:
        raise ValidationError(
            _("Only an open alert can be handled; this one is “%(status)s”."),
            code="not_open",
            params={"status": _status_words(current.status)},
        )
    claim_version(current, expected)
    return current


def _handled(
    actor: Any, alert: Alert, current: Alert, status: str, action: str, reason: str, **extra: Any
) -> Alert:
    before = current.status
    current.status = status
    current.handled_at = timezone.now()
    current.handled_by = actor if getattr(actor, "is_authenticated", False) else None
    current.reason = reason
    current.save(update_fields=["status", "handled_at", "handled_by", "reason", "clue"])
    events.record(
        actor=actor,
        actor_name=SYSTEM,
        action=f"alerts.alert.{action}",
        obj=current,
        changes={"status": [before, status], **extra},
        reason=reason,
        court_id=current.court_id,
    )
    # The caller's instance shows the result (the pages render it again).
    for name in ("status", "handled_at", "handled_by_id", "reason", "clue_id", "version"):
        setattr(alert, name, getattr(current, name))
    return alert


def _status_words(status: str) -> str:
    from .evidence import STATUS_LABELS

    return str(STATUS_LABELS.get(status, status))


@transaction.atomic
def alert_dismiss(*, actor: Any, alert: Alert, version: Any, reason: str) -> Alert:
    """Dismiss an open alert with the reason why the facts are no conflict (the relationship
    is not what it seems, the judge already withdrew …). It comes back only if its facts
    change (raise_alerts)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the alert is dismissed.")]})
    current = _claim(actor, alert, version)
    return _handled(actor, alert, current, Alert.Status.DISMISSED, "dismiss", reason)


def clue_fields(alert: Alert) -> dict[str, Any]:
    """The clue an alert becomes: its court, department and person; the rule and the case as
    the summary; the evidence sentence as the details."""
    from inspections.models import Clue

    from .evidence import sentence

    case = alert.facts.get("case") or (alert.case.number if alert.case_id else "")
    summary = str(alert.info.label) + (f"：{case}" if case else "")
    subject = alert.subject if alert.subject_id else None
    if subject is not None and subject.court_id != alert.court_id:
        subject = None  # the clue belongs to the alert's court; the sentence names the person
    department = alert.department if alert.department_id else None
    if department is not None and department.court_id != alert.court_id:
        department = None
    return {
        "court": alert.court,
        "department": department if subject is None else None,
        "subject": subject,
        "summary": summary[:200],
        "details": sentence(alert),
        "source": Clue.Source.ALERT,
        "received_on": timezone.localdate(),
        "is_confidential": True,
    }


@transaction.atomic
def alert_to_clue(*, actor: Any, alert: Alert, version: Any) -> Alert:
    """Turn an open alert into a clue (问题线索) with the alert as its source; a clue about a
    court leader is referred to the discipline team by clue_create itself."""
    from inspections.services.clues import clue_create

    current = _claim(actor, alert, version)
    clue = clue_create(actor=actor, fields=clue_fields(current), source_object=current)
    current.clue = clue
    return _handled(actor, alert, current, Alert.Status.CLUE, "clue", "", clue=clue.pk)


@transaction.atomic
def alert_mark_done(
    *,
    actor: Any,
    alert: Alert,
    version: Any,
    note: str = "",
    done_on: datetime.date | None = None,
) -> Alert:
    """Mark the recusal done: the judge withdrew from the case (法释〔2011〕12号; the note says
    how), or the post recusal was carried out — which ledger 3 must show first (法发〔2020〕13号
    art. 2: the relative record "implemented" or "resolved")."""
    from ledgers.models import RelativePractice

    if conflicts.Rule(alert.rule) not in DONE_RULES:
        raise ValidationError(_("Only a withdrawal or a post recusal can be marked done."))
    note = (note or "").strip()
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": [_("The day it was done cannot be in the future.")]})
    if alert.rule == conflicts.Rule.PANEL_WITHDRAWAL and not note:
        raise ValidationError({"note": [_("Say how the judge withdrew from the case.")]})
    current = _claim(actor, alert, version)
    if current.rule == conflicts.Rule.POST_RECUSAL:
        status = (
            RelativePractice.objects.filter(pk=current.relative_id)
            .values_list("status", flat=True)
            .first()
        )
        if status not in (
            RelativePractice.Status.IMPLEMENTED,
            RelativePractice.Status.RESOLVED,
        ):
            raise ValidationError(
                _(
                    "Record the post change (or that the relative stopped practising) in "
                    "ledger 3 first; then mark the recusal done."
                ),
                code="recusal_not_recorded",
            )
    return _handled(
        actor, alert, current, Alert.Status.DONE, "done", note, done_on=done_on.isoformat()
    )


def alert_viewed(*, actor: Any, alert: Alert) -> None:
    """Every view of an alert's evidence is recorded, as for confidential clues (查阅留痕)."""
    events.record(actor=actor, action="alerts.alert.view", obj=alert, court_id=alert.court_id)
