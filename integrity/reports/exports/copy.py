"""CSV written by PostgreSQL itself (``COPY (SELECT …) TO STDOUT WITH (FORMAT csv)``): the same
rows, columns and cells as the Python writer (writers.CsvWriter), several times faster, for the
exports where every column has an SQL form (sources.InSql, sources.Listed, sources.RuleCell). An
additive PostgreSQL extra (DESIGN.md): elsewhere, in a language whose date format to_char
cannot write, and for a list with a column computed in Python only, the Python writer runs.

Issue 6 asks for 100,000 CSV rows a second. In Python, reading a 35-column ledger row through
psycopg2 and writing it through the csv module costs more than ten microseconds before any
formatting; in SQL the database formats the row (choice labels, dates as 2024年3月5日, 是/否,
formula signs neutralised) and the worker only copies bytes.

The regulation rules stay in Python (ledgers/rules.py is their one place). Rows repeat the few
values a rule reads: before the rows are copied, one query per rule group reads the distinct
keys of the export's rows (the values the rule reads, each key with its text ``ROW(…)::text``),
the rule runs once per key and its cells, written as CsvWriter writes them, go into the COPY's
query as a constant lookup (``jsonb``: the key's text → the cells), read once per row. A key
missing from the lookup (a record entered or changed after the lookup was made) makes the COPY
fail on purpose; the range is then copied again with a fresh lookup, so a rule's cells are never
silently empty. Many-valued columns (``string_agg``) and the values of a related row are
correlated subqueries.

The rows are copied in keyset ranges of ``RANGE_SIZE`` (one COPY each, and one indexed query
for the range's last key), so that the job's progress moves once per range. The number of
queries of an export depends on its ranges only, never on its rows or keys.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any, TextIO

from django.contrib.postgres.aggregates import StringAgg
from django.db import DataError, connection, transaction
from django.db.models import (
    Case,
    F,
    Func,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
    Window,
)
from django.db.models.functions import (
    Cast,
    Coalesce,
    Concat,
    Left,
    NullIf,
    RowNumber,
    TruncDate,
)
from django.db.models.lookups import Exact, In
from django.utils.formats import get_format
from django.utils.translation import gettext as _

from ledgers.reminders import DayLabels

from .sources import BOOL, DATE, TEXT, Cell, Column, InSql, Listed, Plan, RuleCell, beyond
from .writers import FORMULA_SIGNS, neutralise

RANGE_SIZE = 200_000

# The date formats the CSV writer uses (the language's DATE_FORMAT) that PostgreSQL's to_char
# can write too; in a language whose format is not here, the Python writer runs.
TO_CHAR = {
    "Y年n月j日": 'YYYY"年"FMMM"月"FMDD"日"',
    "Y-m-d": "YYYY-MM-DD",
}

# What a COPY that meets a rule key missing from its lookup fails with (the text of a failed
# cast: PostgreSQL has no function to raise an error from a query), and how often a range is
# copied again with a fresh lookup before the export fails.
MISSED = "rule key missing from the lookup of the row"
ATTEMPTS = 3


def usable(plan: Plan) -> bool:
    """Whether PostgreSQL can write this export's CSV: every column in SQL, dates in a format
    to_char writes."""
    return (
        connection.vendor == "postgresql"
        and get_format("DATE_FORMAT") in TO_CHAR
        and all(column.sql is not None for column in plan.columns)
    )


# --- one column's cell in SQL ------------------------------------------------------------------
def _text(value: Any) -> Any:
    """A text value as the CSV shows it: neutralised, and empty as nothing (as None is)."""
    shown = Case(
        When(
            In(Left(value, 1), sorted(FORMULA_SIGNS)),
            then=Concat(Value("'"), value, output_field=TextField()),
        ),
        default=value,
        output_field=TextField(),
    )
    return NullIf(shown, Value(""), output_field=TextField())


def _shown(column: Column, read: InSql, value: Any) -> Any:
    """The cell of ``value`` (an expression) as the column shows it."""
    if read.labels is not None:
        whens = [
            When(Exact(value, choice), then=Value(neutralise(label)))
            for choice, label in read.labels.items()
            if label
        ]
        otherwise = _text(value) if read.keep else None
        return Case(*whens, default=otherwise, output_field=TextField())
    if column.kind == TEXT:
        return _text(value)
    if column.kind == DATE:
        day = TruncDate(value) if read.moment else value
        pattern = Value(TO_CHAR[get_format("DATE_FORMAT")])
        return Func(day, pattern, function="to_char", output_field=TextField())
    if column.kind == BOOL:
        return Case(
            When(Exact(value, True), then=Value(_("Yes"))),
            When(Exact(value, False), then=Value(_("No"))),
            default=None,
            output_field=TextField(),
        )
    return value


def _listed(read: Listed) -> Subquery:
    """A many-valued column as Plan.joined lists it: each related row's parts joined (an
    empty part as nothing), the rows in the related query's order, listed with 、; the list
    shown as text (computed once a row: the cell is formatted inside the subquery)."""
    related = read.related
    order = related.query.order_by or related.model._meta.ordering
    parts = [Coalesce(F(part), Value(""), output_field=TextField()) for part in read.parts]
    joined = parts[0] if len(parts) == 1 else Concat(*parts, output_field=TextField())
    rows = (
        related.filter(**{read.owner: OuterRef("pk")})
        .order_by()
        .values(read.owner)
        .annotate(listed=StringAgg(joined, "、", order_by=order))
        .annotate(cell=_text(F("listed")))
        .values("cell")
    )
    return Subquery(rows, output_field=TextField())


def expression(column: Column) -> Any:
    """The SQL of one column's cell, as writers.CsvWriter writes the same cell (a rule's
    cells aside: see :func:`copy_csv`). A value read in a related row is shown inside its
    subquery, so that the subquery runs once a row."""
    read = column.sql
    if isinstance(read, Listed):
        return _listed(read)
    assert isinstance(read, InSql)
    if read.related is None:
        return _shown(column, read, F(read.lookup))
    first = (
        read.related.filter(**{read.owner: OuterRef("pk")})
        .annotate(cell=_shown(column, read, F(read.lookup)))
        .values("cell")[:1]
    )
    return Subquery(first, output_field=TextField())


# --- the rules' results, computed in Python once per distinct key ------------------------------
Lookup = dict[str, list[str | None]]


def _key_text(keys: list[Any]) -> Cast:
    """A rule group's key as one text, as PostgreSQL writes the row of its values."""
    return Cast(Func(*keys, function="ROW", output_field=TextField()), TextField())


class _Shown:
    """Cells written as writers.CsvWriter writes them, in the starter's language."""

    def __init__(self) -> None:
        self.days = DayLabels()
        self.yes, self.no = _("Yes"), _("No")

    def __call__(self, kind: str, value: Cell) -> str | None:
        if value is None:
            return None
        if kind == TEXT:
            return neutralise(str(value)) or None
        if kind == DATE:
            return self.days[value]
        if kind == BOOL:
            return self.yes if value else self.no
        return str(value)


def _distinct_keys(qs: QuerySet, keys: tuple[Any, ...]) -> list[tuple]:
    """The distinct values of ``keys`` in the rows of ``qs``, each after its text (as the
    COPY makes it). The values are made distinct before they are written as text: PostgreSQL
    estimates how many distinct values columns have, not an expression over them, and would
    sort every row to find a few hundred texts. The values are as the driver reads them (the
    types a rule reads: text, numbers, dates, moments, flags)."""
    names = {f"k{index}": key for index, key in enumerate(keys)}
    distinct = qs.order_by().annotate(**names).values_list(*names).distinct()
    sql, params = distinct.query.sql_with_params()
    columns = ", ".join(f'"{name}"' for name in names)
    # Only names of ours go into the text; every value is a parameter.
    select = f'SELECT (ROW({columns}))::text, {columns} FROM ({sql}) AS "keys"'  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(select, params)
        return cursor.fetchall()


def lookups(qs: QuerySet, plan: Plan) -> list[Lookup]:
    """For each rule group, the distinct keys of the rows of ``qs`` (as text) and the group's
    cells for each: one query and one computation per distinct key."""
    shown = _Shown()
    found = []
    for (place, _key_of, compute, _known), keys in zip(
        plan.rule_groups, plan.rule_keys, strict=True
    ):
        kinds = [column.kind for column in plan.columns[place]]
        found.append(
            {
                text: [shown(kind, cell) for kind, cell in zip(kinds, compute(*key), strict=True)]
                for text, *key in _distinct_keys(qs, keys)
            }
        )
    return found


def _looked_up(keys: tuple[Any, ...], lookup: Lookup) -> Func:
    """A row's cells of a rule group: its key looked up in the constant ``lookup``."""
    constant = Cast(Value(json.dumps(lookup, ensure_ascii=False)), JSONField())
    return Func(
        constant,
        _key_text(list(keys)),
        template="(%(expressions)s)",
        arg_joiner=" -> ",
        output_field=JSONField(),
    )


def _rule_cell(cell: RuleCell) -> str:
    """The outer query's SQL of one cell of a rule group; the first cell of each group fails the
    COPY when the row's key is not in the lookup."""
    group = f'"g{cell.group}"'
    value = f"{group} ->> {cell.cell}"
    if cell.cell:
        return value
    missed = f"('{MISSED} ' || \"o0\")::integer::text"
    return f"CASE WHEN {group} IS NULL THEN {missed} ELSE {value} END"


# --- copying -------------------------------------------------------------------------------------
def _ranges(qs: QuerySet, plan: Plan, size: int) -> Iterator[Q]:
    """Consecutive keyset ranges of ``size`` rows of ``qs`` in the plan's order."""
    names = [name.lstrip("-") for name in plan.order]
    keys = qs.order_by(*plan.order).values_list(*names)
    after: tuple | None = None
    while True:
        rest = keys if after is None else keys.filter(beyond(plan.order, after))
        last = list(rest[size - 1 : size])
        where = Q() if after is None else beyond(plan.order, after)
        if not last:
            yield where
            return
        yield where & ~beyond(plan.order, last[0])
        after = last[0]


def _query(rows: QuerySet, plan: Plan, tables: list[Lookup], copied: int) -> tuple[str, Any]:
    """The COPY of ``rows``: numbered from ``copied + 1``, in the plan's order. A subquery
    reads the rows numbered, their cells, their rule groups' looked-up cells (``g0``, ``g1``,
    …: one lookup a row and group) and their keys in the plan's order (``o0``, …); the outer
    query picks the cells. Its ORDER BY, on the same keys as the subquery's, is satisfied by
    the subquery's sorted output: no second sort. (Numbered outside, the rows would be copied
    whole into the window's store: a third slower.)"""
    order = [F(name[1:]).desc() if name.startswith("-") else F(name).asc() for name in plan.order]
    cells, outer = {}, [f'"serial" + {int(copied)}']
    for index, column in enumerate(plan.columns):
        if isinstance(column.sql, RuleCell):
            outer.append(_rule_cell(column.sql))
        else:
            cells[f"c{index}"] = expression(column)
            outer.append(f'"c{index}"')
    groups = {
        f"g{group}": _looked_up(keys, table)
        for group, (keys, table) in enumerate(zip(plan.rule_keys, tables, strict=True))
    }
    keys = {f"o{index}": F(name.lstrip("-")) for index, name in enumerate(plan.order)}
    inner = (
        # A bare window function: in a grouped query (counts) its ordering is grouped by.
        rows.annotate(serial=Window(RowNumber(), order_by=order), **cells, **groups, **keys)
        .order_by(*plan.order)
        .values_list("serial", *cells, *groups, *keys)
    )
    sql, params = inner.query.sql_with_params()
    by = ", ".join(
        f'"o{index}" {"DESC" if name.startswith("-") else "ASC"}'
        for index, name in enumerate(plan.order)
    )
    # Only names of ours go into the text; every value is a parameter.
    return f'SELECT {", ".join(outer)} FROM ({sql}) AS "rows" ORDER BY {by}', params  # noqa: S608


def _copy(query: tuple[str, Any], out: TextIO) -> int:
    """Run one COPY into ``out``; how many rows it wrote."""
    select, params = query
    with connection.cursor() as cursor, connection.wrap_database_errors:
        raw = cursor.cursor
        command = raw.mogrify(f"COPY ({select}) TO STDOUT WITH (FORMAT csv)", params)
        raw.copy_expert(command.decode(), out)
        return raw.rowcount


@contextlib.contextmanager
def _without_jit() -> Iterator[None]:
    """PostgreSQL without JIT compilation for the export's queries: it compiles a range's
    COPY (some fifty functions) in about 0.4 s, more than the compiled code saves on 200,000
    rows. The connection's setting is restored (two queries an export)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('jit'), set_config('jit', 'off', false)")
        jit = cursor.fetchone()[0]
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('jit', %s, false)", [jit])


def copy_csv(qs: QuerySet, plan: Plan, out: TextIO) -> Iterator[int]:
    """Copy the rows of ``qs`` as CSV lines to ``out`` (after its header), numbered from 1,
    ``RANGE_SIZE`` rows a COPY; yields the rows copied so far after each."""
    with _without_jit():
        yield from _copy_ranges(qs, plan, out)


def _copy_ranges(qs: QuerySet, plan: Plan, out: TextIO) -> Iterator[int]:
    tables = lookups(qs, plan)
    copied = 0
    for where in _ranges(qs, plan, RANGE_SIZE):
        for attempt in range(1, ATTEMPTS + 1):
            out.flush()
            start = out.tell()
            # With lookups, in a transaction, a savepoint: a COPY failed on a missing key leaves
            # the transaction usable.
            guard = transaction.atomic() if tables else contextlib.nullcontext()
            try:
                with guard:
                    copied += _copy(_query(qs.filter(where), plan, tables, copied), out)
                break
            except DataError as error:
                if MISSED not in str(error) or attempt == ATTEMPTS:
                    raise
                out.seek(start)
                out.truncate()
                tables = lookups(qs, plan)
        yield copied
