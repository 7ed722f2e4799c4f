"""The figures of the quarterly bulletin (季度通报) for one court and the courts below it.

The bulletin reports each quarter to the political-legal committee and the court above what
the regulations require (中办发〔2015〕23号, 中政委〔2015〕10号, 司发通〔2021〕60号;
shared/DOMAIN.md "Reminders" and "Reports"): interference and inquiries, the periodic and zero
reports, improper contact, relatives practising law and recusal, departed staff, inspections
and the discipline team's dispositions. Every figure is counted through the scoping policy on
its own model, so a bulletin never shows more than its reader may see (a clue about a court
leader is not counted in a bulletin that leader reads), and each comes out of one grouped query
per source whatever the size of the subtree: the per-court table and the totals are the same
rows.

Periods: a record counts in the quarter of the ledger's own date (the date the ledger lists
filter on, so a figure equals the list filtered by court and period). Stocks (relatives
practising law, recusal states, departed staff within restrictions) are as of the quarter's
last day, or today while the quarter runs. Statuses that carry no date (a declaration filed or
overdue, a finding rectified or overdue) are as they stand today.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Count, F, Model, Q, QuerySet

from inspections.models import Clue, Disposition, Finding, Inspection
from integrity.access import policy
from integrity.org.models import Court
from integrity.reports import stats
from ledgers import rules
from ledgers.models import (
    Campaign,
    ContactApproval,
    ContactCase,
    Declaration,
    DepartureRecord,
    FollowUp,
    InterferenceRecord,
    RelativePractice,
    UnplannedContactReport,
)

from .quarters import Quarter

Counts = Counter  # figure name -> count, for one court or for the subtree
ByCourt = dict[int, Counts]

# How an inquiry was dealt with (ledger 1): one flag each, any number of them per record.
HANDLING_FLAGS = (
    "recorded_in_file",
    "refused",
    "reported_to_leadership",
    "reported_to_discipline",
    "notified",
)


@dataclass(frozen=True)
class Period:
    quarter: Quarter
    today: datetime.date

    @property
    def span(self) -> stats.Period:
        return stats.Period(self.quarter.first_day, self.quarter.last_day)

    @property
    def start(self) -> datetime.date:
        return self.quarter.first_day

    @property
    def stock_day(self) -> datetime.date:
        """The day stocks are counted on: the quarter's last day, or today while it runs."""
        return min(self.quarter.last_day, self.today)


@dataclass(frozen=True)
class Reader:
    """Who reads the bulletin, and the courts it covers (the court and those below it in the
    reader's scope, in tree order). Each source reads its rows through the scope of its own
    model, limited to these courts."""

    actor: Any
    courts: list[stats.CourtRow]

    def rows(self, model: type[Model]) -> tuple[QuerySet, str]:
        """The source's rows and the lookup from them to their court (the scope rule's)."""
        court = policy.rule_for(model).court
        ids = [row.id for row in self.courts]
        rows = model._default_manager.filter(**{f"{court}__in": ids})
        return policy.scope(self.actor, rows), court

    def area(self) -> stats.Area:
        """The courts as the dashboards' statistics take them, one row per court: the bulletin
        lists every court below, where the dashboards roll a city's courts up into one row."""
        return stats.Area(
            court=self.courts[0],
            courts=self.courts,
            buckets=[stats.Bucket(row, own=row is self.courts[0]) for row in self.courts],
            whole_scope=False,
            bucket_of={row.id: row.id for row in self.courts},
        )


def _grouped(qs: QuerySet, court: str, **counts: Any) -> ByCourt:
    """One GROUP BY court query: the named counts of each court that has rows."""
    rows = qs.order_by().values(court).annotate(**counts)
    return {row.pop(court): Counter(row) for row in rows}


def _each(prefix: str, field: str, values: Iterable[Any], where: Q | None = None) -> dict:
    """A count per value of a choice field, named ``<prefix>_<value>``."""
    return {
        f"{prefix}_{value}": Count("pk", filter=Q(**{field: value}) & (where or Q()))
        for value in values
    }


def _dated(reader: Reader, period: Period, model: type[Model], date: str, **counts: Any) -> ByCourt:
    """The standing (not voided) rows whose ``date`` falls in the quarter: how many in all, and
    the named ``counts``, per court."""
    rows, court = reader.rows(model)
    standing = rows.filter(period.span.where(date), voided_at__isnull=True)
    return _grouped(standing, court, total=Count("pk"), **counts)


def _choices_of(model: type[Model], field: str) -> dict[str, Count]:
    """A count per value of the choice field, named ``<field>_<value>``."""
    return _each(field, field, [value for value, _label in model._meta.get_field(field).choices])


# --- the sources: one model each, counted per court -----------------------------------------
def interference(reader: Reader, period: Period) -> ByCourt:
    """Ledger 1 (三个规定): by regulation, by who inquired, by nature after screening (履职过问,
    improper, not yet screened), the improper ones by kind, and how they were dealt with."""
    r = InterferenceRecord
    return _dated(
        reader,
        period,
        r,
        "occurred_on",
        **_choices_of(r, "regulation"),
        **_each("kind", "interferer_kind", r.InterfererKind.values),
        **_choices_of(r, "nature"),
        nature_unscreened=Count("pk", filter=Q(nature="")),
        **_each("improper", "improper_kind", r.ImproperKind.values, Q(nature=r.Nature.IMPROPER)),
        **{f"handling_{flag}": Count("pk", filter=Q(**{flag: True})) for flag in HANDLING_FLAGS},
    )


def periodic_reports(reader: Reader, period: Period) -> ByCourt:
    """The periodic 三个规定 reports (司发通〔2021〕60号) of the campaigns whose period ends in
    the quarter: each staff member's current declaration, filed or not, and the zero reports
    (零报告) among those filed. Overdue: not filed and past the campaign's due date today."""
    s = Declaration.Status
    filed = Q(status__in=[s.FILED, s.SIGNED])
    unfiled = Q(status__in=[s.PENDING, s.RETURNED])
    rows, court = reader.rows(Declaration)
    return _grouped(
        rows.filter(
            period.span.where("campaign__period_end"),
            is_current=True,
            campaign__kind=Campaign.Kind.THREE_RULES,
            campaign__voided_at__isnull=True,
        ),
        court,
        tasks=Count("pk"),
        filed=Count("pk", filter=filed),
        zero=Count("pk", filter=filed & Q(has_nothing=True)),
        unfiled=Count("pk", filter=unfiled),
        overdue=Count("pk", filter=unfiled & Q(campaign__due_on__lt=period.today)),
    )


def contact_cases(reader: Reader, period: Period) -> ByCourt:
    """Ledger 2: staff dealt with for improper contact (若干规定 2015), by state and handling."""
    c = ContactCase
    return _dated(
        reader,
        period,
        c,
        "occurred_on",
        handled=Count("pk", filter=Q(status=c.Status.HANDLED)),
        verifying=Count("pk", filter=Q(status__in=[c.Status.REGISTERED, c.Status.VERIFYING])),
        dismissed=Count("pk", filter=Q(status=c.Status.DISMISSED)),
        **_choices_of(c, "handling"),
    )


def unplanned_reports(reader: Reader, period: Period) -> ByCourt:
    """Unplanned contacts reported afterwards, and those reported later than the rule allows
    (rules.unplanned_contact_report_due, 司发通〔2021〕60号)."""
    rows, court = reader.rows(UnplannedContactReport)
    counts: ByCourt = {}
    dates = rows.filter(period.span.where("contact_on"), voided_at__isnull=True).order_by()
    for court_id, contact_on, reported_on in dates.values_list(court, "contact_on", "reported_on"):
        mine = counts.setdefault(court_id, Counter())
        mine["total"] += 1
        mine["late"] += reported_on > rules.unplanned_contact_report_due(contact_on)
    return counts


def contact_approvals(reader: Reader, period: Period) -> ByCourt:
    """Contacts outside work submitted for approval beforehand, by decision."""
    return _dated(
        reader, period, ContactApproval, "planned_on", **_choices_of(ContactApproval, "status")
    )


def relatives(reader: Reader, period: Period) -> ByCourt:
    """Ledger 3 as of the stock day (法发〔2020〕13号): relatives still practising and the staff
    they belong to, those reported in the quarter, and the post recusals required by then,
    each pending, implemented (post changed) or resolved (the relative stopped practising)."""
    day = period.stock_day
    practising = Q(resolved_on__isnull=True) | Q(resolved_on__gt=day)
    post_unchanged = Q(post_changed_on__isnull=True) | Q(post_changed_on__gt=day)
    required = Q(recusal_required_on__lte=day)
    rows, court = reader.rows(RelativePractice)
    return _grouped(
        rows.filter(reported_on__lte=day, voided_at__isnull=True),
        court,
        relatives=Count("pk", filter=practising),
        staff=Count("staff", filter=practising, distinct=True),
        new=Count("pk", filter=Q(reported_on__gte=period.start)),
        required=Count("pk", filter=required),
        pending=Count("pk", filter=required & practising & post_unchanged),
        implemented=Count("pk", filter=required & practising & Q(post_changed_on__lte=day)),
        resolved=Count("pk", filter=required & Q(resolved_on__lte=day)),
    )


def departures(reader: Reader, period: Period) -> ByCourt:
    """Ledger 4: departed staff still within their employment restrictions on the stock day
    (rules.departure_restrictions: 法官法 art. 36, 司发通〔2021〕61号), and those who left in the
    quarter. Only the departures recent enough to be restricted, or dismissed (for life), are
    read."""
    day = period.stock_day
    longest = max(rules.AGENT_BAN_YEARS, *rules.EMPLOYMENT_BAN_YEARS.values())
    rows, court = reader.rows(DepartureRecord)
    recent = rows.filter(
        Q(how=DepartureRecord.How.DISMISSED) | Q(left_on__gte=day - relativedelta(years=longest)),
        left_on__lte=day,
        voided_at__isnull=True,
    ).order_by()
    # The columns under the names of the rule's arguments.
    facts = ("left_on", "how", "was_leadership", "senior_assistant")
    counts: ByCourt = {}
    for row in recent.values(court, *facts, grade=F("last_grade")):
        mine = counts.setdefault(row.pop(court), Counter())
        mine["restricted"] += rules.departure_restrictions(**row).restricted_on(day)
        mine["left"] += row["left_on"] >= period.start
    return counts


def follow_ups(reader: Reader, period: Period) -> ByCourt:
    """Follow-ups of departed staff made in the quarter, and the violations they found."""
    rows, court = reader.rows(FollowUp)
    return _grouped(
        rows.filter(period.span.where("followed_on"), record__voided_at__isnull=True),
        court,
        total=Count("pk"),
        violations=Count("pk", filter=Q(violation_found=True)),
    )


def inspections(reader: Reader, period: Period) -> ByCourt:
    """Inspections the courts organised that began in the quarter."""
    return _dated(reader, period, Inspection, "starts_on")


def findings(reader: Reader, period: Period) -> ByCourt:
    """The problems that inspections begun in the quarter found at the courts (whoever
    organised them): found, rectified, overdue today and returned, as the dashboards count
    them (integrity/reports/stats.py)."""
    counted = stats.rectification(
        actor=reader.actor, area=reader.area(), period=period.span, today=period.today
    )
    return {court: Counter(counts) for court, counts in counted.by_court.items()}


def clues(reader: Reader, period: Period) -> ByCourt:
    """Problem clues received in the quarter, by source."""
    return _dated(reader, period, Clue, "received_on", **_choices_of(Clue, "source"))


def dispositions(reader: Reader, period: Period) -> ByCourt:
    """The discipline team's dispositions decided in the quarter, by the four forms
    (监督执纪"四种形态"), as the dashboards count them (integrity/reports/stats.py)."""
    counted = stats.dispositions(actor=reader.actor, area=reader.area(), period=period.span)
    counts: ByCourt = {}
    for (court, form), n in counted.by_court_form.items():
        mine = counts.setdefault(court, Counter())
        mine["total"] += n
        mine[f"form_{form}"] += n
    return counts


SOURCES: dict[str, tuple[type[Model], Callable[[Reader, Period], ByCourt]]] = {
    "interference": (InterferenceRecord, interference),
    "reports": (Declaration, periodic_reports),
    "contacts": (ContactCase, contact_cases),
    "unplanned": (UnplannedContactReport, unplanned_reports),
    "approvals": (ContactApproval, contact_approvals),
    "relatives": (RelativePractice, relatives),
    "departures": (DepartureRecord, departures),
    "follow_ups": (FollowUp, follow_ups),
    "inspections": (Inspection, inspections),
    "findings": (Finding, findings),
    "clues": (Clue, clues),
    "dispositions": (Disposition, dispositions),
}


# --- who gets a bulletin, and of which courts ------------------------------------------------
def _speaks_for_courts(grant: policy.Grant) -> bool:
    """A bulletin speaks for whole courts: it is for the roles that see a court's ledger 1
    (逢问必录) throughout, not limited to a department or to their own records."""
    rule = policy.rule_for(InterferenceRecord)
    return grant.department_id is None and (
        rule.reach_for(policy.VIEW, grant.role) is policy.Reach.JURISDICTION
    )


def may_have_bulletin(actor: Any) -> bool:
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    return actor.is_superuser or any(_speaks_for_courts(g) for g in policy.grants_of(actor))


def default_court_id(actor: Any) -> int | None:
    """The widest court the actor speaks for: the highest in the tree, one whose assignment
    covers the courts below before one that does not. A superuser without roles: the top of
    the first tree."""
    grants = [g for g in policy.grants_of(actor) if _speaks_for_courts(g)]
    if grants:
        widest = min(grants, key=lambda g: (g.court_path.count("/"), not g.covers_subordinates))
        return widest.court_id
    if actor.is_superuser:
        tops = Court.objects.filter(parent__isnull=True, is_active=True).order_by("path")
        return tops.values_list("pk", flat=True).first()
    return None


# --- the bulletin's figures ------------------------------------------------------------------
@dataclass
class Figures:
    """The counts of each source per court of the subtree; None for a source whose model the
    actor's roles do not reach at all (said so in the bulletin, never shown as zero)."""

    court: Court
    period: Period
    courts: list[stats.CourtRow]
    by_source: dict[str, ByCourt | None]

    @property
    def quarter(self) -> Quarter:
        return self.period.quarter

    @property
    def levels(self) -> int:
        """How many levels of courts the bulletin covers: 1 (the court), 2 (两级法院) …"""
        depths = {row.path.count("/") for row in self.courts}
        return max(depths) - min(depths) + 1

    def of(self, source: str, court_id: int) -> Counts | None:
        counts = self.by_source[source]
        if counts is None:
            return None
        return counts.get(court_id, Counter())

    def total(self, source: str) -> Counts | None:
        counts = self.by_source[source]
        if counts is None:
            return None
        total: Counts = Counter()
        for court_counts in counts.values():
            total.update(court_counts)
        return total


def bulletin_figures(
    *,
    actor: Any,
    court: Court,
    courts: list[stats.CourtRow],
    quarter: Quarter,
    today: datetime.date,
) -> Figures:
    """The bulletin's figures for ``court`` (fetched through the scope) and the courts below it
    among ``courts``, those in the actor's scope (stats.courts_in_scope): one query per
    source, whatever the number of courts."""
    subtree = [row for row in courts if row.path.startswith(court.path)]
    reader = Reader(actor, subtree)
    period = Period(quarter, today)
    by_source: dict[str, ByCourt | None] = {}
    for name, (model, count) in SOURCES.items():
        by_source[name] = count(reader, period) if policy.may_use(actor, model) else None
    return Figures(court=court, period=period, courts=subtree, by_source=by_source)
