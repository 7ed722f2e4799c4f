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

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from integrity.audit import events
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
