"""The models' check constraints evaluated in Python, for the dry run. Django validates a
CheckConstraint with one query per row (Q.check), so a dry run of 10,000 rows would cost
10,000 queries per constraint; the conditions the models declare compare a row's own fields,
which Python evaluates exactly as SQL does, unknown (NULL) included: a CHECK fails only when
its condition is false. The write itself still goes through the services' full_clean() and
the database, so nothing is taken on trust."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from django.db import models
from django.db.models import F, Q

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
    "in": lambda value, choices: value in choices,
}


def violations(instance: models.Model) -> list[str]:
    """The messages of the check constraints ``instance`` breaks."""
    return [
        str(constraint.get_violation_error_message())
        for constraint in instance._meta.constraints
        if isinstance(constraint, models.CheckConstraint)
        and evaluate(constraint.condition, instance) is False
    ]


def evaluate(condition: Q, instance: models.Model) -> bool | None:
    """SQL's three-valued result of ``condition`` for ``instance``: True, False or None
    (unknown). A lookup this module does not know raises LookupError."""
    results = [
        evaluate(child, instance) if isinstance(child, Q) else _lookup(*child, instance)
        for child in condition.children
    ]
    if condition.connector == Q.AND:
        value = False if False in results else None if None in results else True
    elif condition.connector == Q.OR:
        value = True if True in results else None if None in results else False
    else:
        raise LookupError(f"Connector {condition.connector} is not evaluated in Python.")
    return (not value) if condition.negated and value is not None else value


def _lookup(path: str, expected: Any, instance: models.Model) -> bool | None:
    name, _, lookup = path.partition("__")
    actual = _value(instance, name)
    if lookup == "isnull":
        return (actual is None) is bool(expected)
    compare = _COMPARE.get(lookup or "exact")
    if compare is None:
        raise LookupError(f"The lookup {path} is not evaluated in Python.")
    if isinstance(expected, F):
        expected = _value(instance, expected.name)
    if actual is None or expected is None:
        return None
    return compare(actual, expected)


def _value(instance: models.Model, name: str) -> Any:
    return getattr(instance, instance._meta.get_field(name).attname)
