"""The reminder engine's sweep (shared/DOMAIN.md "Reminders").

Each app registers *sources*: functions of the day that yield :class:`Due` reminders (who,
about what, for which period). The sweep gathers them and writes the notifications in bulk;
the database's unique (recipient, key) makes it idempotent: run it twice, or twice at once,
and each reminder exists once. Only the rows this run created get an email.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from .models import Notification


@dataclass(frozen=True)
class Due:
    """One reminder for one recipient (a staff member's id)."""

    recipient_id: int
    court_id: int
    kind: str
    key: str  # subject and period: once per recipient and key
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    url: str = ""
    subject_type: str = ""
    subject_id: str = ""


Source = Callable[[datetime.date], Iterable[Due]]
_SOURCES: dict[str, Source] = {}


def source(name: str) -> Callable[[Source], Source]:
    """Register a source under ``name`` (decorator)."""

    def register(function: Source) -> Source:
        _SOURCES[name] = function
        return function

    return register


def sources() -> dict[str, Source]:
    return dict(_SOURCES)


@dataclass
class SweepResult:
    run: str
    today: datetime.date
    found: dict[str, int] = field(default_factory=dict)  # per source: reminders due
    created: int = 0  # notifications this run wrote (the rest existed already)
    dues: list[Due] = field(default_factory=list)  # kept only for a dry run


BATCH = 2000


def gather(today: datetime.date, only: Iterable[str] | None = None) -> dict[str, list[Due]]:
    chosen = set(only) if only else None
    return {
        name: list(function(today))
        for name, function in _SOURCES.items()
        if chosen is None or name in chosen
    }


def sweep(
    today: datetime.date, *, dry_run: bool = False, only: Iterable[str] | None = None
) -> SweepResult:
    """Find everything due ``today`` and write it as notifications (or, with ``dry_run``,
    only report it)."""
    from .services import email_addresses

    result = SweepResult(run=str(uuid.uuid4()), today=today)
    found = gather(today, only)
    unique: dict[tuple[int, str], Due] = {}
    for name, dues in found.items():
        result.found[name] = len(dues)
        for due in dues:
            unique.setdefault((due.recipient_id, due.key), due)
    if dry_run:
        existing = _existing(unique)
        result.dues = [due for pair, due in unique.items() if pair not in existing]
        return result
    with_email = email_addresses({due.recipient_id for due in unique.values()})
    rows = [
        Notification(
            recipient_id=due.recipient_id,
            court_id=due.court_id,
            kind=due.kind,
            key=due.key[:200],
            params=due.params,
            url=due.url,
            subject_type=due.subject_type,
            subject_id=str(due.subject_id),
            sweep=result.run,
            email_status=(
                Notification.Email.PENDING
                if due.recipient_id in with_email
                else Notification.Email.NONE
            ),
        )
        for due in unique.values()
    ]
    for start in range(0, len(rows), BATCH):
        with transaction.atomic():
            Notification.objects.bulk_create(rows[start : start + BATCH], ignore_conflicts=True)
    result.created = Notification.objects.filter(sweep=result.run).count()
    return result


def _existing(unique: dict[tuple[int, str], Due]) -> set[tuple[int, str]]:
    """Which of these (recipient, key) pairs already have a notification."""
    found: set[tuple[int, str]] = set()
    keys = sorted({key for _recipient, key in unique})
    for start in range(0, len(keys), BATCH):
        found.update(
            Notification.objects.filter(key__in=keys[start : start + BATCH]).values_list(
                "recipient_id", "key"
            )
        )
    return found
