"""Where a figure clicks through to: the list that shows exactly the records it counts.

The ledger lists filter on one court (not its subtree), a period on the ledger's main date,
a category and a status (ledgers/forms.py LedgerFilterForm). A figure of one court links
with that court; a figure of the whole area links without a court when the area is all the
reader's lists show anyway; a court with courts below it links to this dashboard for that
court, whose rows then link to the lists. Where no list shows exactly the figure, there is
no link (None) rather than one to a list that would show another number.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.urls import reverse

from ..stats import Area, Bucket, Period


def _span(period: Period, *, as_of: bool = False) -> str:
    """The list's period parameters; ``as_of``: everything up to the period's end."""
    end = f"date_to={period.end.isoformat()}"
    return end if as_of else f"date_from={period.start.isoformat()}&{end}"


class Links:
    """The addresses of one dashboard's figures (a page has hundreds: each list's address
    is reversed once and the query strings are written directly: ids, ISO dates and choice
    values)."""

    def __init__(self, area: Area, period: Period) -> None:
        self.area = area
        self.period = period
        self.span = _span(period)
        self.lists: dict[str, str] = {}
        self.dashboard = reverse("reports:dashboard")

    def _court(self, bucket: Bucket | None) -> str | None:
        """The list's court filter for one bucket, or for the whole area without one ("" for
        no filter); None when no list filter selects exactly those courts."""
        if bucket is not None:
            return None if bucket.below else f"court={bucket.key}&"
        if self.area.court is not None and not self.area.has_below:
            return f"court={self.area.court.id}&"
        if self.area.whole_scope:
            return ""
        return None

    def ledger(
        self,
        slug: str,
        *,
        bucket: Bucket | None = None,
        period: Period | None = None,
        category: Any = None,
        status: str | None = None,
        as_of: bool = False,
    ) -> str | None:
        """A ledger list: the records of ``bucket`` (or the area) in ``period`` (the
        dashboard's by default), or with ``as_of`` everything reported up to its end."""
        court = self._court(bucket)
        if court is None:
            return None
        if slug not in self.lists:
            self.lists[slug] = reverse("ledgers:list", args=[slug])
        span = (
            self.span if period is None and not as_of else _span(period or self.period, as_of=as_of)
        )
        query = court + span
        if category not in (None, ""):
            query += f"&category={quote(str(category))}"
        if status:
            query += f"&status={quote(status)}"
        return f"{self.lists[slug]}?{query}"

    def drill(self, bucket: Bucket) -> str:
        """This dashboard for a court below, same period."""
        return f"{self.dashboard}?court={bucket.key}&{self.span}"

    def bucket(self, slug: str, bucket: Bucket, **filters: Any) -> str | None:
        """A bar of a by-court figure: the list, or for a court with courts below, the drill
        down."""
        return self.drill(bucket) if bucket.below else self.ledger(slug, bucket=bucket, **filters)

    @staticmethod
    def campaign(campaign_id: int | None, bucket: Bucket) -> str | None:
        """A campaign's progress for one court (its filed and zero reports by department)."""
        if campaign_id is None or bucket.below:
            return None
        return f"{reverse('declarations:campaign', args=[campaign_id])}?court={bucket.key}"
