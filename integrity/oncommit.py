"""Values gathered during one transaction and handed over once, when it commits.

A service that writes in a loop (an import of 10,000 rows) should not trigger 10,000 follow-ups:
each write adds its ids to the batch, and ONE ``on_commit`` callback per outermost transaction
delivers them all. A rolled-back transaction delivers nothing: Django drops its callback, and
the next write notices that and starts a fresh batch. Outside a transaction the values are
delivered at once. Values added inside a savepoint that is later rolled back while the outer
transaction commits are still delivered: receivers look them up and must treat an id that no
longer exists as nothing to do."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction


class OnCommit:
    """Named sets of ids (``case_ids=…``, ``relative_ids=…``) gathered per connection and
    passed to ``deliver(**sets)`` once the outermost transaction commits."""

    def __init__(self, name: str, deliver: Callable[..., None]) -> None:
        self.attribute = f"_qinglian_oncommit_{name}"
        self.deliver = deliver

    def add(self, *, using: str | None = None, **values: Iterable[Any]) -> None:
        gathered = {
            kind: {value for value in items if value is not None} for kind, items in values.items()
        }
        gathered = {kind: ids for kind, ids in gathered.items() if ids}
        if not gathered:
            return
        connection = transaction.get_connection(using)
        if not connection.in_atomic_block:
            self.deliver(**{kind: frozenset(ids) for kind, ids in gathered.items()})
            return
        pending = getattr(connection, self.attribute, None)
        if pending is None or not any(entry[1] is pending for entry in connection.run_on_commit):
            # The first write of this transaction, or the earlier batch's callback was dropped
            # with a rollback (of its transaction or of the savepoint it was queued in).
            pending = _Batch(self, connection)
            setattr(connection, self.attribute, pending)
            # robust: what committed stays committed whatever the receiver does; a failure is
            # logged by Django rather than turning a saved record into an error page.
            transaction.on_commit(pending, using=using, robust=True)
        for kind, ids in gathered.items():
            pending.values.setdefault(kind, set()).update(ids)


class _Batch:
    """What one transaction gathered; called once, on commit, to deliver it."""

    def __init__(self, owner: OnCommit, connection: Any) -> None:
        self.owner = owner
        self.connection = connection
        self.values: dict[str, set[Any]] = {}

    def __call__(self) -> None:
        if getattr(self.connection, self.owner.attribute, None) is self:
            setattr(self.connection, self.owner.attribute, None)
        if self.values:
            self.owner.deliver(**{kind: frozenset(ids) for kind, ids in self.values.items()})
