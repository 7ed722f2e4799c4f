"""What the case registry announces to the rest of the system.

``cases_changed`` is sent once per committed transaction that wrote to cases, their parties,
agents or panel, with ``case_ids``: a frozenset of the ids of every case written. The early
warning checks (ledgers/alerts) listen to it, so a case entering by import, by the API or
through the admin is checked the same way, and an import of 10,000 rows is one signal, not
10,000. Nothing is sent for a transaction that is rolled back.

The services call :func:`announce`; integrity.oncommit gathers the ids and sends the signal once
when the outermost transaction commits."""

from __future__ import annotations

from collections.abc import Iterable

import django.dispatch

from integrity.oncommit import OnCommit

from .models import Case

#: Sent after commit with ``case_ids=frozenset[int]`` (sender: the Case model).
cases_changed = django.dispatch.Signal()

_batch = OnCommit(
    "cases_changed", lambda case_ids: cases_changed.send(sender=Case, case_ids=case_ids)
)


def announce(case_ids: Iterable[int | None], *, using: str | None = None) -> None:
    """Note that the cases ``case_ids`` were written in the current transaction; the signal
    is sent once when the outermost transaction commits (at once outside a transaction)."""
    _batch.add(using=using, case_ids=[int(pk) for pk in case_ids if pk is not None])
