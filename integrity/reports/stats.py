"""The scoped figures behind the dashboards and the quarterly bulletin (issue 6): counts of the
ledgers, the zero-report rate of the 三个规定 reports, relatives practising law and recusal,
rectification of inspection findings and the dispositions' four forms (四种形态).

Every figure starts from :func:`integrity.access.policy.scope` on its own model, so a figure is
exactly what the reader's lists show: a basic court's officer never counts another court's
rows, not even in a total, and a clue about a court leader stays out of that leader's numbers.
A figure covers an :class:`Area` (a court and the courts below it, rolled up into the court's
own rows and one row per court directly below it) and a :class:`Period`. Each function runs a
fixed number of small GROUP BY queries whatever the size of the data, rolled up by court here;
the courts' names come from the one query of :func:`courts_in_scope`.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Count, F, Min, Model, Q, QuerySet, Value
from django.db.models.functions import TruncMonth

from inspections.models import Disposition, Finding
from inspections.selectors.inspections import count_expressions
from integrity.access import policy
from integrity.org.models import Court
from ledgers.models import Campaign, Declaration, LedgerRecord, RelativePractice


# --- what the figures cover --------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def year_to_date(cls, today: datetime.date) -> Period:
        """This year so far: what an office reports as 本年度 (1月1日至今)."""
        return cls(today.replace(month=1, day=1), today)

    def months(self) -> list[datetime.date]:
        """The first day of each calendar month the period touches."""
        month, months = self.start.replace(day=1), []
        while month <= self.end:
            months.append(month)
            month += relativedelta(months=1)
        return months

    def month(self, first: datetime.date) -> Period:
        """The part of the period in the month starting on ``first``."""
        last = first + relativedelta(months=1, days=-1)
        return Period(max(first, self.start), min(last, self.end))

    def where(self, lookup: str) -> Q:
        """The filter keeping rows whose date (reached by ``lookup``) is in the period."""
        return Q(**{f"{lookup}__gte": self.start, f"{lookup}__lte": self.end})


@dataclass(frozen=True)
class CourtRow:
    id: int
    name: str
    path: str


@dataclass(frozen=True)
class Bucket:
    """One row of a by-court figure: the chosen court's own records (``own``), or a court
    below it with everything below that court (``below`` when it has courts below it)."""

    court: CourtRow
    own: bool = False
    below: bool = False

    @property
    def key(self) -> int:
        return self.court.id


@dataclass
class Area:
    """The courts a figure covers. ``court`` is the chosen court, or None for everything in
    the reader's scope; ``courts`` every court in the reader's scope (the chooser's options);
    ``buckets`` the rows of a by-court figure, in tree order; ``whole_scope`` says whether
    the area is all the reader's lists show (then a list needs no court filter)."""

    court: CourtRow | None
    courts: list[CourtRow]
    buckets: list[Bucket]
    whole_scope: bool
    bucket_of: dict[int, int]  # court id → the key of its bucket

    @property
    def has_below(self) -> bool:
        """Whether the area holds more than one court."""
        return len(self.bucket_of) > 1

    def where(self, lookup: str) -> Q:
        """The filter keeping rows whose court (reached by ``lookup``) is in the area: none
        when the area is the whole scope, which the policy already applies (the same list
        twice would only mislead the query planner)."""
        if self.whole_scope:
            return Q()
        return Q(**{f"{lookup}__in": sorted(self.bucket_of)})

    def roll_up_counts(
        self, rows: Iterable[dict[str, Any]], names: tuple[str, ...]
    ) -> dict[int, dict[str, int]]:
        """Sum the counts ``names`` of rows that carry a ``court_id`` into their buckets."""
        rolled: dict[int, dict[str, int]] = {}
        for row in rows:
            key = self.bucket_of.get(row["court_id"])
            if key is not None:
                counts = rolled.setdefault(key, dict.fromkeys(names, 0))
                for name in names:
                    counts[name] += row[name]
        return rolled

    def roll_up(self, rows: Iterable[tuple[Any, ...]]) -> Counter:
        """Sum rows of (court id, …, count) into (bucket key, …) keys; a court outside the
        area is left out."""
        rolled: Counter = Counter()
        for court_id, *rest, count in rows:
            key = self.bucket_of.get(court_id)
            if key is not None:
                rolled[(key, *rest) if rest else key] += count
        return rolled


def _tops(courts: list[CourtRow]) -> list[CourtRow]:
    """The courts of ``courts`` (sorted by path) that no other court of the list is above."""
    tops: list[CourtRow] = []
    for court in courts:
        if not tops or not court.path.startswith(tops[-1].path):
            tops.append(court)
    return tops


def courts_in_scope(actor: Any) -> list[CourtRow]:
    """The courts the actor's scope reaches, in tree order: one query."""
    rows = policy.scope(actor, Court.objects.order_by("path")).values_list("id", "name", "path")
    return [CourtRow(*row) for row in rows]


def area_of(courts: list[CourtRow], court_id: int | None = None) -> Area:
    """The area of ``court_id`` among ``courts`` (:func:`courts_in_scope`): the court's own
    rows and one bucket per topmost court below it (a court below whose parent is out of
    scope is a bucket of its own). Without a court: the only topmost court of the scope, or
    with several (an officer of two courts), all of them. A court out of scope raises
    LookupError."""
    tops = _tops(courts)
    if court_id is None and len(tops) == 1:
        court_id = tops[0].id
    if court_id is None:
        chosen, members, buckets = None, courts, tops
    else:
        chosen = next((court for court in courts if court.id == court_id), None)
        if chosen is None:
            raise LookupError(court_id)
        members = [court for court in courts if court.path.startswith(chosen.path)]
        buckets = [chosen, *_tops(members[1:])]
    bucket_of: dict[int, int] = {}
    top = None
    for court in members:
        if court == chosen:
            bucket_of[court.id] = court.id
            continue
        if top is None or not court.path.startswith(top.path):
            top = court
        bucket_of[court.id] = top.id
    keys = Counter(bucket_of.values())
    return Area(
        court=chosen,
        courts=courts,
        buckets=[
            Bucket(court, own=court == chosen, below=court != chosen and keys[court.id] > 1)
            for court in buckets
        ],
        whole_scope=chosen is None or (len(tops) == 1 and tops[0] == chosen),
        bucket_of=bucket_of,
    )


def reaches(actor: Any, model: type[Model]) -> bool:
    """Whether the actor sees ``model`` across a jurisdiction (not just their own rows): who
    may read statistics of it."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    rule = policy.rule_for(model)
    if actor.is_superuser and rule.superusers:
        return True
    return any(
        rule.reach_for(policy.VIEW, grant.role) is policy.Reach.JURISDICTION
        for grant in policy.grants_of(actor)
    )


def standing(actor: Any, model: type[Model], area: Area, court: str, *where: Q) -> QuerySet:
    """The rows of ``model`` the actor may see (the policy's scope) whose court (reached by
    ``court``) is in the area, not voided, and matching ``where``."""
    rows = model.objects.filter(area.where(court), *where, voided_at__isnull=True)
    return policy.scope(actor, rows)


# --- the ledgers -------------------------------------------------------------------------------
@dataclass
class LedgerCounts:
    """One ledger's standing (not voided) records of an area and period: by bucket, by month
    (the first day), by category (``model.category_field``) crossed with any further fields
    asked for (``crossed``, keyed by tuples), and the number of staff members concerned."""

    model: type[LedgerRecord]
    fields: tuple[str, ...]  # "category" and the further fields, as keyed in ``crossed``
    by_court: Counter
    by_month: Counter
    crossed: Counter
    staff: int

    @property
    def total(self) -> int:
        return sum(self.by_court.values())

    def tally(self, name: str) -> Counter:
        """The counts by "category" or by one of the further fields."""
        index = self.fields.index(name)
        tallied: Counter = Counter()
        for key, count in self.crossed.items():
            tallied[key[index]] += count
        return tallied


def ledger_counts(
    *,
    actor: Any,
    model: type[LedgerRecord],
    area: Area,
    period: Period,
    by: tuple[str, ...] = (),
) -> LedgerCounts:
    """Four small GROUP BY queries: by court (rolled up into the area's buckets here), by
    month, by category × ``by``, and the distinct staff members. Each reads only the court,
    the main date, the category, ``by``, the staff member and the void mark: with an index on
    (court, date) that includes the others, PostgreSQL answers each from the index alone.
    The period applies to the ledger's main date, as the list's period filter does."""
    date = model.date_field
    qs = standing(actor, model, area, "court", period.where(date)).order_by()
    category = model.category_field
    grouped = qs.annotate(
        month=TruncMonth(date), category_value=F(category) if category else Value("")
    )
    by_court = area.roll_up(qs.values_list("court_id").annotate(n=Count("pk")))
    by_month = Counter(dict(grouped.values_list("month").annotate(n=Count("pk"))))
    crossed = Counter(
        {
            tuple(key): n
            for *key, n in grouped.values_list("category_value", *by).annotate(n=Count("pk"))
        }
    )
    staff = qs.aggregate(n=Count("staff", distinct=True))["n"]
    return LedgerCounts(model, ("category", *by), by_court, by_month, crossed, staff)


# --- relatives practising law (ledger 3) -------------------------------------------------------
RELATIVES_COUNTS = ("staff", "relatives", "records")


@dataclass
class RelativesStock:
    """Relatives practising law as known on ``as_of`` (法发〔2020〕13号): the staff members with
    at least one relative still practising, those relatives, and the recusal states of all
    records reported by then. ``by_court``: bucket → staff, relatives and records (stopped
    practising included); a staff member whose records lie at two courts counts at each."""

    as_of: datetime.date
    staff: int
    relatives: int
    by_status: Counter
    by_court: dict[int, dict[str, int]]


def relatives_stock(*, actor: Any, area: Area, as_of: datetime.date) -> RelativesStock:
    """Two queries: the per-court counts and the exact number of staff members."""
    stopped = Q(status=RelativePractice.Status.RESOLVED, resolved_on__lte=as_of)
    qs = standing(actor, RelativePractice, area, "court", Q(reported_on__lte=as_of))
    statuses = RelativePractice.Status.values
    rows = (
        qs.values("court_id")
        .annotate(
            staff=Count("staff", distinct=True, filter=~stopped),
            relatives=Count("pk", filter=~stopped),
            records=Count("pk"),
            **{status: Count("pk", filter=Q(status=status)) for status in statuses},
        )
        .order_by()
    )
    rows = [row for row in rows if row["court_id"] in area.bucket_of]
    by_court = area.roll_up_counts(rows, RELATIVES_COUNTS)
    by_status = Counter({status: sum(row[status] for row in rows) for status in statuses})
    staff = qs.aggregate(n=Count("staff", distinct=True, filter=~stopped))["n"]
    relatives = sum(counts["relatives"] for counts in by_court.values())
    return RelativesStock(as_of, staff, relatives, by_status, by_court)


# --- zero reports (三个规定 periodic reports, 司发通〔2021〕60号) ----------------------------
@dataclass
class ReportCount:
    filed: int = 0
    zero: int = 0

    @property
    def rate(self) -> float | None:
        """The share of filed reports that are zero reports; None when none was filed."""
        return self.zero / self.filed if self.filed else None

    def add(self, filed: int, zero: int) -> None:
        self.filed += filed
        self.zero += zero


@dataclass
class ZeroReports:
    """Filed 三个规定 reports and how many of them were zero reports (零报告), per report
    period (a campaign's period) and bucket, and per department of the chosen court. A long
    run of zero reports where peers record inquiries is itself a warning sign (DOMAIN.md).
    ``campaign_of``: (period, court id) → the campaign, where one campaign covers it."""

    periods: list[Period]
    total: ReportCount
    by_period: dict[Period, ReportCount]
    by_court: dict[tuple[Period, int], ReportCount]
    by_department: dict[tuple[Period, int | None], ReportCount]
    departments: dict[int | None, str]
    campaign_of: dict[tuple[Period, int], int] = field(default_factory=dict)


_FILED = (Declaration.Status.FILED, Declaration.Status.SIGNED)


def zero_reports(*, actor: Any, area: Area, period: Period) -> ZeroReports:
    """The current revision of each declaration of the standing 三个规定 campaigns whose
    period overlaps ``period``. Two queries (one when no court is chosen)."""
    qs = policy.scope(
        actor,
        Declaration.objects.filter(
            area.where("court"),
            is_current=True,
            campaign__kind=Campaign.Kind.THREE_RULES,
            campaign__voided_at__isnull=True,
            campaign__period_start__lte=period.end,
            campaign__period_end__gte=period.start,
        ),
    )
    counted = {
        "filed": Count("pk", filter=Q(status__in=_FILED)),
        "zero": Count("pk", filter=Q(status__in=_FILED, has_nothing=True)),
    }
    span = ("campaign__period_start", "campaign__period_end")
    rows = (
        qs.values(*span, "court_id")
        .annotate(**counted, campaigns=Count("campaign", distinct=True), campaign=Min("campaign"))
        .order_by()
    )
    result = ZeroReports([], ReportCount(), {}, {}, {}, {})
    for row in rows:
        key = area.bucket_of.get(row["court_id"])
        if key is None:
            continue
        spell = Period(row["campaign__period_start"], row["campaign__period_end"])
        result.by_period.setdefault(spell, ReportCount()).add(row["filed"], row["zero"])
        result.by_court.setdefault((spell, key), ReportCount()).add(row["filed"], row["zero"])
        result.total.add(row["filed"], row["zero"])
        if row["campaigns"] == 1:
            result.campaign_of[(spell, row["court_id"])] = row["campaign"]
    result.periods = sorted(result.by_period, key=lambda spell: (spell.start, spell.end))
    if area.court is not None:
        rows = (
            qs.filter(court_id=area.court.id)
            .values(*span, "department_id", "department__name")
            .annotate(**counted)
            .order_by()
        )
        for row in rows:
            spell = Period(row["campaign__period_start"], row["campaign__period_end"])
            department = row["department_id"]
            result.departments[department] = row["department__name"] or ""
            cell = result.by_department.setdefault((spell, department), ReportCount())
            cell.add(row["filed"], row["zero"])
    return result


# --- rectification of inspection findings ------------------------------------------------------
RECTIFICATION_COUNTS = ("found", "rectified", "overdue", "returned")


@dataclass
class Rectification:
    """The findings of the inspections that started in the period, by responsible court:
    found, rectified (closed, 销号), overdue on ``today`` and returned (as an inspection's
    page counts them)."""

    today: datetime.date
    total: dict[str, int]
    by_court: dict[int, dict[str, int]]


def rectification(*, actor: Any, area: Area, period: Period, today: datetime.date) -> Rectification:
    """One query."""
    qs = standing(
        actor,
        Finding,
        area,
        "court",
        period.where("inspection__starts_on"),
        Q(inspection__voided_at__isnull=True),
    )
    rows = qs.values("court_id").annotate(**count_expressions(today)).order_by()
    by_court = area.roll_up_counts(rows, RECTIFICATION_COUNTS)
    total = {name: sum(c[name] for c in by_court.values()) for name in RECTIFICATION_COUNTS}
    return Rectification(today, total, by_court)


# --- dispositions: the four forms (四种形态) --------------------------------------------------
@dataclass
class Dispositions:
    """Standing dispositions decided in the period, by the court of their clue and form."""

    by_court_form: Counter

    @property
    def total(self) -> int:
        return sum(self.by_court_form.values())

    def by_form(self) -> Counter:
        forms: Counter = Counter()
        for (_court, form), count in self.by_court_form.items():
            forms[form] += count
        return forms


def dispositions(*, actor: Any, area: Area, period: Period) -> Dispositions:
    """One query. The scope rule of dispositions hides those about a court leader from that
    leader's court and those about the reader (inspections/scopes.py), here as everywhere."""
    qs = standing(actor, Disposition, area, "referral__clue__court", period.where("decided_on"))
    rows = qs.values_list("referral__clue__court_id", "form").annotate(n=Count("pk"))
    return Dispositions(area.roll_up(rows.order_by()))
