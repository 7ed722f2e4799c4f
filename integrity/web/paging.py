"""Keyset pagination for pages: "next" and "previous" by the last id seen, never OFFSET and
never a COUNT over the table, so a page costs the same on page 1 and page 10,000."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict


@dataclass
class KeysetPage:
    rows: list[Any]
    next_after: int | None
    prev_before: int | None
    query: str

    def link(self, key: str, value: int | None) -> str | None:
        if value is None:
            return None
        params = QueryDict(self.query, mutable=True)
        params.pop("after", None)
        params.pop("before", None)
        params[key] = str(value)
        return "?" + params.urlencode()

    @cached_property
    def next_url(self) -> str | None:
        return self.link("after", self.next_after)

    @cached_property
    def prev_url(self) -> str | None:
        return self.link("before", self.prev_before)


# The largest id (a 64-bit BigAutoField, on SQLite and PostgreSQL alike): a larger number in a
# query would overflow the database's integer and fail the query instead of matching nothing.
MAX_ID = 2**63 - 1


def int_param(value: str | None) -> int | None:
    """An integer query parameter (an id); anything else is None, never an error."""
    try:
        number = int(value) if value else None
    except ValueError:
        return None
    return number if number is None or abs(number) <= MAX_ID else None


def keyset_page(
    queryset: QuerySet,
    params: QueryDict,
    *,
    size: int = 50,
    key: Callable[[Any], int] = attrgetter("pk"),
) -> KeysetPage:
    """Rows ordered by descending id; ``?after=ID`` continues, ``?before=ID`` goes back.
    ``key`` reads the id of a row (of a ``values_list()``, say)."""
    after, before = int_param(params.get("after")), int_param(params.get("before"))
    if before is not None:
        rows = list(queryset.filter(pk__gt=before).order_by("pk")[: size + 1])
        has_more = len(rows) > size
        rows = list(reversed(rows[:size]))
        next_after = key(rows[-1]) if rows else None
        prev_before = key(rows[0]) if rows and has_more else None
    else:
        if after is not None:
            queryset = queryset.filter(pk__lt=after)
        rows = list(queryset.order_by("-pk")[: size + 1])
        has_more = len(rows) > size
        rows = rows[:size]
        next_after = key(rows[-1]) if rows and has_more else None
        prev_before = key(rows[0]) if rows and after is not None else None
    return KeysetPage(rows, next_after, prev_before, params.urlencode())
