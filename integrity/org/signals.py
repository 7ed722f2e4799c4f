"""What the case registry announces to the rest of the system.

``cases_changed`` is sent once per committed transaction that wrote to cases, their parties,
agents or panel, with ``case_ids``: a frozenset of the ids of every case written. The early
warning checks (ledgers/alerts) listen to it, so a case entering by import, by the API or
through the admin is checked the same way, and an import of 10,000 rows is one signal, not
10,000. Nothing is sent for a transaction that is rolled back.

The services call :func:`announce`; it collects the ids on the database connection and
registers ONE ``on_commit`` callback for the outermost transaction. Ids announced inside a
savepoint that is later rolled back while the outer transaction commits are still sent:
receivers look the cases up and must treat an id that no longer exists as nothing to do."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import django.dispatch
from django.db import transaction

from .models import Case

#: Sent after commit with ``case_ids=frozenset[int]`` (sender: the Case model).
cases_changed = django.dispatch.Signal()

# The pending announcement of the connection's current transaction.
_PENDING = "_qinglian_cases_changed"


class _Pending:
    """The case ids one transaction has written; called once, on commit, to send them."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.ids: set[int] = set()

    def __call__(self) -> None:
        if getattr(self.connection, _PENDING, None) is self:
            setattr(self.connection, _PENDING, None)
        if self.ids:
            cases_changed.send(sender=Case, case_ids=frozenset(self.ids))


def announce(case_ids: Iterable[int | None], *, using: str | None = None) -> None:
    """Note that the cases ``case_ids`` were written in the current transaction; the signal
    is sent once when the outermost transaction commits (at once outside a transaction)."""
    ids = {int(pk) for pk in case_ids if pk is not None}
    if not ids:
        return
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        cases_changed.send(sender=Case, case_ids=frozenset(ids))
        return
    pending = getattr(connection, _PENDING, None)
    if pending is None or not _queued(connection, pending):
        # The first write of this transaction, or the earlier transaction's callback was
        # dropped with a rollback (of the transaction or of the savepoint it was queued in).
        pending = _Pending(connection)
        setattr(connection, _PENDING, pending)
        # robust: the cases are committed whatever a receiver does; a failing check is
        # logged by Django rather than turning a saved case into an error page.
        transaction.on_commit(pending, using=using, robust=True)
    pending.ids.update(ids)


def _queued(connection: Any, pending: _Pending) -> bool:
    """Whether ``pending`` is still among the connection's on-commit callbacks (Django drops
    the callbacks of a rolled-back transaction or savepoint)."""
    return any(entry[1] is pending for entry in connection.run_on_commit)
