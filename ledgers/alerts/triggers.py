"""When the checks run: after the transaction that changed the facts commits.

Every door that writes a case (the intake API, imports, the admin: ``cases_changed``), a
relative or departure record, a staff member, a relatives declaration or an interference record
leads here (receivers.py). The ids are gathered per transaction (integrity.oncommit) and checked
once it commits: in the request when few, else by a Celery task (ALERT_INLINE_MAX_CASES), so that
an import of ten thousand rows runs one set-based check, not ten thousand, and a rolled-back
transaction checks nothing. A check that fails in the request is handed to Celery instead; the
user's own write has committed already."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings

from integrity.oncommit import OnCommit

logger = logging.getLogger(__name__)


def check_soon(**ids: Iterable[int]) -> None:
    """Check these ``case_ids`` / ``relative_ids`` / ``departure_ids`` / ``staff_ids`` /
    ``interference_ids`` once the current transaction commits (at once outside one)."""
    _batch.add(**{kind: [value for value in values if value] for kind, values in ids.items()})


def flush(
    *,
    case_ids: Iterable[int] = (),
    relative_ids: Iterable[int] = (),
    departure_ids: Iterable[int] = (),
    staff_ids: Iterable[int] = (),
    interference_ids: Iterable[int] = (),
) -> None:
    """Run (or enqueue) the checks of one committed transaction."""
    from . import detect, tasks

    cases, interference = sorted(case_ids), sorted(interference_ids)
    people = (sorted(relative_ids), sorted(departure_ids), sorted(staff_ids))
    limit = settings.ALERT_INLINE_MAX_CASES
    jobs = [
        (cases, detect.check_cases, tasks.check_cases, (cases,)),
        (
            [*people[0], *people[1], *people[2]],
            lambda _ids: detect.check_people(
                relative_ids=people[0], departure_ids=people[1], staff_ids=people[2]
            ),
            tasks.check_people,
            people,
        ),
        (interference, detect.check_interference, tasks.check_interference, (interference,)),
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


_batch = OnCommit("alert_checks", flush)
