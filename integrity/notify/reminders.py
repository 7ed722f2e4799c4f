"""The reminder engine's sweep (shared/DOMAIN.md "Reminders").

Each app registers *sources*: functions of the day that yield :class:`Due` reminders (who,
about what, for which period). The sweep gathers them and writes the notifications in bulk;
the database's unique (recipient, key) makes it idempotent: run it twice, or twice at once,
and each reminder exists once. Only the rows this run created get an email.

:func:`write` is the one writer: the sweep and :func:`integrity.notify.services.notify_now`
(events such as a returned declaration) both go through it, so a notification is written the
same way, and never twice, whichever path produced it.
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

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


def unregister(name: str) -> None:
    """Forget a source (tests register their own and remove it afterwards)."""
    _SOURCES.pop(name, None)


def sources() -> dict[str, Source]:
    return dict(_SOURCES)


@dataclass
class SweepResult:
    run: str
    today: datetime.date
    found: dict[str, int] = field(default_factory=dict)  # per source: reminders due
    unique: int = 0  # distinct (recipient, key) reminders due, whichever source found them
    created: int = 0  # notifications this run wrote (the rest existed already)
    emails: int = 0  # of those, how many wait for an email
    dues: list[Due] = field(default_factory=list)  # kept only for a dry run: the new ones
    dry_run: bool = False

    @property
    def existed(self) -> int:
        """Reminders due that an earlier (or concurrent) run had already written."""
        return self.unique - (len(self.dues) if self.dry_run else self.created)


@dataclass(frozen=True)
class Written:
    run: str
    unique: int  # distinct (recipient, key) pairs offered
    created: int  # rows this call inserted; the others existed already
    emails: int  # created rows waiting for an email


BATCH = 2000
# A key longer than the column would be cut by the database on some engines and refused on
# others; cut it here, identically for the write and for the dry run's lookup.
KEY_LENGTH = Notification._meta.get_field("key").max_length


def _unique(dues: Iterable[Due]) -> dict[tuple[int, str], Due]:
    unique: dict[tuple[int, str], Due] = {}
    for due in dues:
        unique.setdefault((due.recipient_id, due.key[:KEY_LENGTH]), due)
    return unique


def write(dues: Iterable[Due], *, run: str | None = None) -> Written:
    """Write one notification per distinct (recipient, key), skipping those that exist.

    Bulk inserts with conflicts ignored: a duplicate, whether from this call, an earlier run
    or a run committing at the same moment, is dropped by the database's unique constraint,
    never raised. Rows are inserted in (recipient, key) order so that two concurrent writers
    take their row locks in the same order and cannot deadlock. Runs in the caller's
    transaction when there is one (each batch is a savepoint), else each batch commits alone.
    A row whose recipient has an email address waits for delivery (integrity/notify/delivery.py).
    """
    from .services import email_addresses

    run = run or str(uuid.uuid4())
    unique = _unique(dues)
    if not unique:
        return Written(run=run, unique=0, created=0, emails=0)
    with_email = email_addresses({recipient for recipient, _key in unique})
    ordered = sorted(unique.items(), key=lambda item: item[0])
    if connection.vendor == "postgresql":
        created, emails = _insert_postgresql(ordered, with_email, run)
    else:
        created, emails = _insert_orm(ordered, with_email, run)
    return Written(run=run, unique=len(unique), created=created, emails=emails)


Pairs = list[tuple[tuple[int, str], Due]]


def _insert_orm(ordered: Pairs, with_email: Container[int], run: str) -> tuple[int, int]:
    now = timezone.now()
    rows = []
    for (recipient, key), due in ordered:
        pending = recipient in with_email
        rows.append(
            Notification(
                recipient_id=recipient,
                court_id=due.court_id,
                kind=due.kind,
                key=key,
                params=due.params,
                url=due.url,
                subject_type=due.subject_type,
                subject_id=str(due.subject_id),
                sweep=run,
                email_status=(Notification.Email.PENDING if pending else Notification.Email.NONE),
                # Due now: the delivery query reads the partial index on email_next_at.
                email_next_at=now if pending else None,
            )
        )
    for start in range(0, len(rows), BATCH):
        with transaction.atomic():
            Notification.objects.bulk_create(rows[start : start + BATCH], ignore_conflicts=True)
    mine = Notification.objects.filter(sweep=run)
    created = mine.count()
    emails = mine.filter(email_status=Notification.Email.PENDING).count() if created else 0
    return created, emails


# PostgreSQL: one statement per batch of column arrays, conflicts skipped, counting what it
# inserted. Building model instances and Django's per-value SQL for a country-wide campaign
# (350,000 rows) would take longer than the sweep's whole budget.
PG_BATCH = 10000
_PG_INSERT = """
WITH new AS (
    INSERT INTO notify_notification (
        recipient_id, court_id, kind, key, params, url, subject_type, subject_id, sweep,
        created_at, email_status, email_attempts, email_next_at, email_claim, email_error
    )
    SELECT t.recipient_id, t.court_id, t.kind, t.key, t.params::jsonb, t.url, t.subject_type,
           t.subject_id, %(run)s, %(now)s, t.email_status, 0, t.email_next_at, '', ''
    FROM unnest(
        %(recipient_id)s::bigint[], %(court_id)s::bigint[], %(kind)s::text[], %(key)s::text[],
        %(params)s::text[], %(url)s::text[], %(subject_type)s::text[], %(subject_id)s::text[],
        %(email_status)s::text[], %(email_next_at)s::timestamptz[]
    ) WITH ORDINALITY AS t(
        recipient_id, court_id, kind, key, params, url, subject_type, subject_id, email_status,
        email_next_at, n
    )
    ORDER BY t.n
    ON CONFLICT DO NOTHING
    RETURNING email_status
)
SELECT count(*), count(*) FILTER (WHERE email_status = 'pending') FROM new
"""


def _insert_postgresql(ordered: Pairs, with_email: Container[int], run: str) -> tuple[int, int]:
    now = timezone.now()
    created = emails = 0
    for start in range(0, len(ordered), PG_BATCH):
        columns: dict[str, list[Any]] = {
            name: []
            for name in (
                "recipient_id",
                "court_id",
                "kind",
                "key",
                "params",
                "url",
                "subject_type",
                "subject_id",
                "email_status",
                "email_next_at",
            )
        }
        for (recipient, key), due in ordered[start : start + PG_BATCH]:
            pending = recipient in with_email
            columns["recipient_id"].append(recipient)
            columns["court_id"].append(due.court_id)
            columns["kind"].append(due.kind)
            columns["key"].append(key)
            columns["params"].append(json.dumps(due.params))
            columns["url"].append(due.url)
            columns["subject_type"].append(due.subject_type)
            columns["subject_id"].append(str(due.subject_id))
            columns["email_status"].append(
                Notification.Email.PENDING.value if pending else Notification.Email.NONE.value
            )
            columns["email_next_at"].append(now if pending else None)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_PG_INSERT, {**columns, "run": run, "now": now})
            inserted, pending_emails = cursor.fetchone()
        created += inserted
        emails += pending_emails
    return created, emails


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
    only report what would be new, writing nothing)."""
    result = SweepResult(run=str(uuid.uuid4()), today=today)
    found = gather(today, only)
    everything: list[Due] = []
    for name, dues in found.items():
        result.found[name] = len(dues)
        everything.extend(dues)
    unique = _unique(everything)
    result.unique = len(unique)
    if dry_run:
        existing = _existing(unique)
        result.dry_run = True
        result.dues = [due for pair, due in unique.items() if pair not in existing]
        return result
    written = write(unique.values(), run=result.run)
    result.created = written.created
    result.emails = written.emails
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
