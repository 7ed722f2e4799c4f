"""CSV written by PostgreSQL itself (``COPY (SELECT …) TO STDOUT WITH (FORMAT csv)``): the same
rows, columns and cells as the Python writer (writers.CsvWriter), several times faster, for the
exports where every column has an SQL form (sources.InSql) — the ledgers without computed
rule columns or many-valued columns, the largest of them among them. An additive PostgreSQL
extra (DESIGN.md): elsewhere, and for the other lists, the Python writer runs.

Issue 6 asks for 100,000 CSV rows a second. In Python, reading a 35-column ledger row through
psycopg2 and writing it through the csv module costs more than ten microseconds before any
formatting; in SQL the database formats the row (choice labels, dates as 2024年3月5日, 是/否,
formula signs neutralised) and the worker only copies bytes.

The rows are copied in keyset ranges of ``RANGE_SIZE`` (one COPY each, and one indexed query
for the range's last key), so that the job's progress moves once per range.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TextIO

from django.db import connection
from django.db.models import Case, F, Func, Q, QuerySet, TextField, Value, When, Window
from django.db.models.functions import Concat, Left, NullIf, RowNumber, TruncDate
from django.db.models.lookups import In
from django.utils.formats import get_format
from django.utils.translation import gettext as _

from .sources import BOOL, DATE, TEXT, Column, Plan, beyond
from .writers import FORMULA_SIGNS, neutralise

RANGE_SIZE = 200_000

# The date formats the CSV writer uses (the language's DATE_FORMAT) that PostgreSQL's to_char
# can write too; in a language whose format is not here, the Python writer runs.
TO_CHAR = {
    "Y年n月j日": 'YYYY"年"FMMM"月"FMDD"日"',
    "Y-m-d": "YYYY-MM-DD",
}


def usable(plan: Plan) -> bool:
    """Whether PostgreSQL can write this export's CSV: every column in SQL, dates in a format
    to_char writes."""
    return (
        connection.vendor == "postgresql"
        and get_format("DATE_FORMAT") in TO_CHAR
        and all(column.sql is not None for column in plan.columns)
    )


def _text(lookup: str) -> Any:
    """A text value as the CSV shows it: neutralised, and empty as nothing (as None is)."""
    shown = Case(
        When(
            In(Left(lookup, 1), sorted(FORMULA_SIGNS)),
            then=Concat(Value("'"), F(lookup), output_field=TextField()),
        ),
        default=F(lookup),
        output_field=TextField(),
    )
    return NullIf(shown, Value(""), output_field=TextField())


def expression(column: Column) -> Any:
    """The SQL of one column's cell, as writers.CsvWriter writes the same cell."""
    read = column.sql
    if read.labels is not None:
        whens = [
            When(**{read.lookup: value}, then=Value(neutralise(label)))
            for value, label in read.labels.items()
            if label
        ]
        return Case(*whens, default=_text(read.lookup), output_field=TextField())
    if column.kind == TEXT:
        return _text(read.lookup)
    if column.kind == DATE:
        day = TruncDate(read.lookup) if read.moment else F(read.lookup)
        pattern = Value(TO_CHAR[get_format("DATE_FORMAT")])
        return Func(day, pattern, function="to_char", output_field=TextField())
    if column.kind == BOOL:
        return Case(
            When(**{read.lookup: True}, then=Value(_("Yes"))),
            When(**{read.lookup: False}, then=Value(_("No"))),
            default=None,
            output_field=TextField(),
        )
    return F(read.lookup)


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


def copy_csv(qs: QuerySet, plan: Plan, out: TextIO) -> Iterator[int]:
    """Copy the rows of ``qs`` as CSV lines to ``out`` (after its header), numbered from 1,
    ``RANGE_SIZE`` rows a COPY; yields the rows copied so far after each."""
    cells = {f"c{index}": expression(column) for index, column in enumerate(plan.columns)}
    order = [F(name[1:]).desc() if name.startswith("-") else F(name).asc() for name in plan.order]
    copied = 0
    for where in _ranges(qs, plan, RANGE_SIZE):
        numbered = Window(RowNumber(), order_by=order) + Value(copied)
        rows = (
            qs.filter(where)
            .annotate(serial=numbered, **cells)
            .order_by(*plan.order)
            .values_list("serial", *cells)
        )
        sql, params = rows.query.sql_with_params()
        out.flush()
        with connection.cursor() as cursor:
            raw = cursor.cursor
            command = raw.mogrify(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params)
            raw.copy_expert(command.decode(), out)
            copied += raw.rowcount
        yield copied
