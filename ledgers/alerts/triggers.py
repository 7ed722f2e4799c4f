"""When the checks run: after the transaction that changed the facts commits.

Every door that writes a case (the intake API, imports, the admin: ``cases_changed``), a
relative or departure record, a staff member, a relatives declaration or an interference record
leads here (receivers.py). The ids are collected for the thread and checked once the outermost
transaction commits: in the request when few, else by a Celery task (ALERT_INLINE_MAX_CASES), so
that an import of ten thousand rows runs one set-based check, not ten thousand. A check that
fails in the request is handed to Celery instead; the user's own write has committed already."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)
_local = threading.local()
KINDS = ("case_ids", "relative_ids", "departure_ids", "staff_ids", "interference_ids")


def _pending() -> dict[str, set[int]]:
    if not hasattr(_local, "pending"):
        _local.pending = {kind: set() for kind in KINDS}
    return _local.pending


def check_soon(**ids: Iterable[int]) -> None:
    """Check these cases / relatives / departures / staff / interference records once the
    current transaction commits (at once outside a transaction)."""
    pending = _pending()
    for kind, values in ids.items():
        pending[kind].update(value for value in values if value)
    transaction.on_commit(flush)


def discard() -> None:
    """Forget the checks collected so far (their transaction was rolled back on purpose, as
    the benchmark's is)."""
    for values in _pending().values():
        values.clear()


def flush() -> None:
    """Run (or enqueue) the checks collected so far; the callbacks registered after the first
    find nothing left to do. Ids of a transaction that rolled back are checked with the next
    one: a check of what does not exist finds nothing."""
    from . import detect, tasks

    pending = _pending()
    batch = {kind: sorted(values) for kind, values in pending.items()}
    for values in pending.values():
        values.clear()
    limit = settings.ALERT_INLINE_MAX_CASES
    people = (batch["relative_ids"], batch["departure_ids"], batch["staff_ids"])
    jobs = [
        (batch["case_ids"], detect.check_cases, tasks.check_cases, (batch["case_ids"],)),
        (
            [*people[0], *people[1], *people[2]],
            lambda _ids: detect.check_people(
                relative_ids=people[0], departure_ids=people[1], staff_ids=people[2]
            ),
            tasks.check_people,
            people,
        ),
        (
            batch["interference_ids"],
            detect.check_interference,
            tasks.check_interference,
            (batch["interference_ids"],),
        ),
    ]
    for ids, check, task, args in jobs:
        if not ids:
            continue
        if len(ids) <= limit:
            try:
                check(ids)
                continue
            except Exception:
                logger.exception("early-warning check failed in the request; queued instead")
        task.delay(*args)
