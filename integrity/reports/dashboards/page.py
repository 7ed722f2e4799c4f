"""The dashboard page's sections: for each figure a chart (integrity/reports/charts.py) and the
table behind it, built from the same numbers, every bar and cell linking to the list that
shows what it counts (links.py)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from dateutil.relativedelta import relativedelta
from django.utils import dateformat
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from inspections.models import Disposition
from ledgers.models import InterferenceRecord, RelativePractice
from ledgers.specs import LedgerSpec

from .. import stats
from ..charts import PALETTE, Bar, Point, StackRow, bar_chart, line_chart, stacked_bar_chart
from ..stats import Bucket, Period
from .figures import (
    Dashboard,
    bucket_name,
    disposition_sentence,
    ledger_sentence,
    percent,
    rectification_sentence,
    relatives_sentence,
    zero_report_sentence,
)
from .links import Links


@dataclass(frozen=True)
class Cell:
    text: Any
    href: str | None = None

    def html(self, *, heading: bool = False) -> str:
        text = escape(str(self.text))
        if self.href:
            text = f'<a href="{escape(self.href)}">{text}</a>'
        return f'<th scope="row">{text}</th>' if heading else f"<td>{text}</td>"


@dataclass
class Table:
    """The numbers behind a chart, the first column naming each row. Written in Python like
    the charts: a page holds some thirty of them, too many cells for the template engine."""

    head: list[str]
    rows: list[list[Cell]]
    foot: list[Cell] = field(default_factory=list)

    def html(self) -> SafeString:
        head = "".join(f'<th scope="col">{escape(str(text))}</th>' for text in self.head)
        parts = [f'<table class="table chart-table"><thead><tr>{head}</tr></thead><tbody>']
        parts += [self._row(row) for row in self.rows]
        parts.append("</tbody>")
        if self.foot:
            parts.append(f"<tfoot>{self._row(self.foot)}</tfoot>")
        parts.append("</table>")
        return mark_safe("".join(parts))  # noqa: S308 - every text and address is escaped

    @staticmethod
    def _row(cells: list[Cell]) -> str:
        first, *rest = cells
        return "<tr>" + first.html(heading=True) + "".join(cell.html() for cell in rest) + "</tr>"


@dataclass
class Figure:
    title: str
    chart: SafeString
    table: Table


@dataclass
class Section:
    key: str
    title: str
    sentence: str
    figures: list[Figure]


def sections(board: Dashboard, links: Links) -> list[Section]:
    """Every section the reader's roles reach, ledgers first."""
    found = [_ledger(board, links, spec, counts) for spec, counts in board.ledgers]
    interference = board.counts(InterferenceRecord)
    if interference is not None:
        found.insert(1, _natures(links, interference))
    if board.relatives is not None:
        found.append(_relatives(board, links, board.relatives))
    if board.zero_reports is not None:
        found.append(_zero_reports(board, links, board.zero_reports))
    if board.rectification is not None:
        found.append(_rectification(board, links, board.rectification))
    if board.dispositions is not None:
        found.append(_dispositions(board, links, board.dispositions))
    return found


# --- labels ----------------------------------------------------------------------------------
def _month_labels(period: Period, month: datetime.date) -> tuple[str, str]:
    """A month on a chart's axis (short: 3月; with the year when the period spans years) and
    in full (2026年3月)."""
    full = date_format(month, "YEAR_MONTH_FORMAT")
    if period.start.year != period.end.year:
        return full, full
    return dateformat.format(month, pgettext("a month on a chart's axis", "M")), full


def _period_labels(period: Period, within: Period) -> tuple[str, str]:
    """A report period of the dashboard's period ``within``: a calendar month as a month
    (short and in full), any other period by its days."""
    whole_month = period.start.day == 1 and period.end == period.start + relativedelta(
        months=1, days=-1
    )
    if whole_month:
        return _month_labels(within, period.start)
    short = f"{period.start:%m.%d}–{period.end:%m.%d}"
    return short, f"{date_format(period.start)}–{date_format(period.end)}"


def _court_cell(board: Dashboard, links: Links, bucket: Bucket) -> Cell:
    """A court's name; one with courts below links to its own dashboard."""
    return Cell(bucket_name(board.area, bucket), links.drill(bucket) if bucket.below else None)


def _total(*cells: Cell) -> list[Cell]:
    return [Cell(_("Total")), *cells]


# --- the ledgers -----------------------------------------------------------------------------
def _ledger(
    board: Dashboard, links: Links, spec: LedgerSpec, counts: stats.LedgerCounts
) -> Section:
    slug, area = spec.slug, board.area
    by_court, by_month = counts.by_court, counts.by_month
    courts = [(bucket, by_court[bucket.key], links.bucket(slug, bucket)) for bucket in area.buckets]
    figures = [
        Figure(
            _("By court"),
            bar_chart(
                f"{slug}-court",
                _("%(ledger)s by court") % {"ledger": spec.title},
                [Bar(bucket_name(area, b), n, href) for b, n, href in courts],
            ),
            Table(
                [_("Court"), _("Records")],
                [
                    [_court_cell(board, links, b), Cell(n, links.ledger(slug, bucket=b))]
                    for b, n, _href in courts
                ],
                _total(Cell(counts.total, links.ledger(slug))),
            ),
        ),
        _monthly(board, links, spec, by_month),
    ]
    category = spec.model.category_field
    if category:
        figures.append(_categories(links, spec, counts.tally("category")))
    return Section(slug, str(spec.title), ledger_sentence(board, spec, counts), figures)


def _monthly(board: Dashboard, links: Links, spec: LedgerSpec, by_month: Any) -> Figure:
    rows = []
    for month in board.period.months():
        short, full = _month_labels(board.period, month)
        href = links.ledger(spec.slug, period=board.period.month(month))
        rows.append((Point(short, by_month[month], href, hint=full), full))
    return Figure(
        _("By month"),
        line_chart(
            f"{spec.slug}-month",
            _("%(ledger)s by month") % {"ledger": spec.title},
            [point for point, _full in rows],
        ),
        Table(
            [_("Month"), _("Records")],
            [[Cell(full), Cell(point.value, point.href)] for point, full in rows],
        ),
    )


def _categories(links: Links, spec: LedgerSpec, by_category: Any) -> Figure:
    field_ = spec.model._meta.get_field(spec.model.category_field)
    bars = [
        Bar(str(label), by_category[value], links.ledger(spec.slug, category=value))
        for value, label in field_.flatchoices
    ]
    name = str(field_.verbose_name)
    return Figure(
        _("By %(category)s") % {"category": name},
        bar_chart(
            f"{spec.slug}-category",
            _("%(ledger)s by %(category)s") % {"ledger": spec.title, "category": name},
            bars,
            color=PALETTE[1],
        ),
        Table(
            [name.capitalize(), _("Records")],
            [[Cell(bar.label), Cell(bar.value, bar.href)] for bar in bars],
        ),
    )


def _natures(links: Links, counts: stats.LedgerCounts) -> Section:
    """Interference records by regulation and by nature: within duty (履职过问), improper,
    or not yet screened (甄别)."""
    nature = InterferenceRecord.Nature
    series = [
        (nature.WITHIN_DUTY, nature.WITHIN_DUTY.label),
        (nature.IMPROPER, nature.IMPROPER.label),
        ("", _("Not yet screened")),
    ]
    crossed, natures = counts.crossed, counts.tally("nature")
    rows = [
        (value, str(label), [crossed[(value, kind)] for kind, _name in series])
        for value, label in InterferenceRecord.Regulation.choices
    ]
    slug = "interference"
    return Section(
        "interference-nature",
        _("Interference by regulation and nature"),
        "",
        [
            Figure(
                _("By regulation and nature"),
                stacked_bar_chart(
                    "interference-nature",
                    _("Interference and inquiries by regulation and nature"),
                    [str(name) for _kind, name in series],
                    [StackRow(label, values) for _value, label, values in rows],
                    colors=(PALETTE[3], PALETTE[0], PALETTE[5]),
                ),
                Table(
                    [_("Regulation"), *(str(name) for _kind, name in series), _("Total")],
                    [
                        [
                            Cell(label),
                            *(Cell(n) for n in values),
                            Cell(sum(values), links.ledger(slug, category=value)),
                        ]
                        for value, label, values in rows
                    ],
                    _total(
                        *(Cell(natures[kind]) for kind, _name in series),
                        Cell(counts.total, links.ledger(slug)),
                    ),
                ),
            )
        ],
    )


# --- relatives practising law ----------------------------------------------------------------
def _relatives(board: Dashboard, links: Links, stock: stats.RelativesStock) -> Section:
    slug, area = "relatives", board.area
    empty = dict.fromkeys(stats.RELATIVES_COUNTS, 0)
    courts = [(b, stock.by_court.get(b.key, empty)) for b in area.buckets]
    states = [
        (value, str(label), stock.by_status[value])
        for value, label in RelativePractice.Status.choices
    ]
    return Section(
        "relatives-stock",
        _("Relatives practising law and post recusal"),
        relatives_sentence(board, stock),
        [
            Figure(
                _("Staff members with relatives practising law, by court"),
                bar_chart(
                    "relatives-staff",
                    _("Staff members with relatives practising law, by court"),
                    [
                        Bar(bucket_name(area, b), c["staff"], links.bucket(slug, b, as_of=True))
                        for b, c in courts
                    ],
                ),
                Table(
                    [
                        _("Court"),
                        _("Staff members"),
                        _("Relatives practising"),
                        _("Records reported"),
                    ],
                    [
                        [
                            _court_cell(board, links, b),
                            Cell(c["staff"]),
                            Cell(c["relatives"]),
                            Cell(c["records"], links.ledger(slug, bucket=b, as_of=True)),
                        ]
                        for b, c in courts
                    ],
                    _total(
                        Cell(stock.staff),
                        Cell(stock.relatives),
                        Cell(sum(c["records"] for _b, c in courts), links.ledger(slug, as_of=True)),
                    ),
                ),
            ),
            Figure(
                _("Recusal states"),
                bar_chart(
                    "relatives-recusal",
                    _("Relatives practising law by recusal state"),
                    [
                        Bar(label, n, links.ledger(slug, status=value, as_of=True))
                        for value, label, n in states
                    ],
                    color=PALETTE[1],
                ),
                Table(
                    [_("Recusal status"), _("Records")],
                    [
                        [Cell(label), Cell(n, links.ledger(slug, status=value, as_of=True))]
                        for value, label, n in states
                    ],
                ),
            ),
        ],
    )


# --- zero reports ----------------------------------------------------------------------------
def _rate_bar(label: str, count: stats.ReportCount, href: str | None) -> Bar:
    return Bar(label, count.rate or 0.0, href, text=percent(count.rate))


def _zero_reports(board: Dashboard, links: Links, zero: stats.ZeroReports) -> Section:
    area = board.area
    labels = {spell: _period_labels(spell, board.period) for spell in zero.periods}
    only = zero.periods[0] if len(zero.periods) == 1 else None

    def campaign(bucket: Bucket) -> str | None:
        found = zero.campaign_of.get((only, bucket.key)) if only else None
        return links.campaign(found, bucket)

    def overall(key: int) -> stats.ReportCount:
        total = stats.ReportCount()
        for spell in zero.periods:
            count = zero.by_court.get((spell, key))
            if count:
                total.add(count.filed, count.zero)
        return total

    figures = [
        Figure(
            _("By report period"),
            line_chart(
                "zero-period",
                _("Share of zero reports by report period"),
                [
                    Point(
                        labels[p][0],
                        zero.by_period[p].rate or 0.0,
                        text=percent(zero.by_period[p].rate),
                        hint=labels[p][1],
                    )
                    for p in zero.periods
                ],
                percent=True,
            ),
            Table(
                [_("Report period"), _("Reports filed"), _("Zero reports"), _("Zero-report rate")],
                [
                    [
                        Cell(labels[p][1]),
                        Cell(zero.by_period[p].filed),
                        Cell(zero.by_period[p].zero),
                        Cell(percent(zero.by_period[p].rate)),
                    ]
                    for p in zero.periods
                ],
                _total(
                    Cell(zero.total.filed), Cell(zero.total.zero), Cell(percent(zero.total.rate))
                ),
            ),
        ),
        Figure(
            _("By court"),
            bar_chart(
                "zero-court",
                _("Share of zero reports by court"),
                [
                    _rate_bar(
                        bucket_name(area, b),
                        overall(b.key),
                        links.drill(b) if b.below else campaign(b),
                    )
                    for b in area.buckets
                ],
            ),
            Table(
                [_("Court"), *(labels[p][1] for p in zero.periods), _("Zero-report rate")],
                [
                    [
                        _court_cell(board, links, b),
                        *(_zero_cell(zero.by_court.get((p, b.key))) for p in zero.periods),
                        Cell(percent(overall(b.key).rate), campaign(b)),
                    ]
                    for b in area.buckets
                ],
            ),
        ),
    ]
    if zero.departments:
        figures.append(_zero_departments(zero, labels))
    return Section("zero-reports", _("Zero reports"), zero_report_sentence(board, zero), figures)


def _zero_cell(count: stats.ReportCount | None) -> Cell:
    if count is None:
        return Cell("—")
    return Cell(f"{count.zero}/{count.filed}")


def _zero_departments(zero: stats.ZeroReports, labels: dict) -> Figure:
    totals: dict[Any, stats.ReportCount] = {}
    for (_spell, department), count in zero.by_department.items():
        totals.setdefault(department, stats.ReportCount()).add(count.filed, count.zero)
    names = {key: name or _("No department") for key, name in zero.departments.items()}
    order = sorted(totals, key=lambda key: names[key])
    return Figure(
        _("By department of the court"),
        bar_chart(
            "zero-department",
            _("Share of zero reports by department"),
            [_rate_bar(names[key], totals[key], None) for key in order],
            color=PALETTE[1],
        ),
        Table(
            [_("Department"), *(labels[p][1] for p in zero.periods), _("Zero-report rate")],
            [
                [
                    Cell(names[key]),
                    *(_zero_cell(zero.by_department.get((p, key))) for p in zero.periods),
                    Cell(percent(totals[key].rate)),
                ]
                for key in order
            ],
        ),
    )


# --- rectification and dispositions ----------------------------------------------------------
def _rectification(board: Dashboard, links: Links, rectification: stats.Rectification) -> Section:
    area = board.area
    empty = dict.fromkeys(stats.RECTIFICATION_COUNTS, 0)
    courts = [(b, rectification.by_court.get(b.key, empty)) for b in area.buckets]
    series = [_("Rectified"), _("Being rectified"), _("Overdue")]
    return Section(
        "rectification",
        _("Rectification of inspection findings"),
        rectification_sentence(board, rectification),
        [
            Figure(
                _("By responsible court"),
                stacked_bar_chart(
                    "rectification-court",
                    _("Rectification of inspection findings by responsible court"),
                    series,
                    [
                        StackRow(
                            bucket_name(area, b),
                            _rectification_parts(c),
                            hrefs=[links.drill(b) if b.below else None] * len(series),
                        )
                        for b, c in courts
                    ],
                    colors=(PALETTE[3], PALETTE[1], PALETTE[0]),
                ),
                Table(
                    [_("Court"), _("Found"), _("Rectified"), _("Overdue"), _("Returned")],
                    [
                        [
                            _court_cell(board, links, b),
                            *(Cell(c[n]) for n in stats.RECTIFICATION_COUNTS),
                        ]
                        for b, c in courts
                    ],
                    _total(*(Cell(rectification.total[n]) for n in stats.RECTIFICATION_COUNTS)),
                ),
            )
        ],
    )


def _rectification_parts(counts: dict[str, int]) -> Sequence[int]:
    """Found problems split into rectified, still being rectified in time, and overdue."""
    rectified, overdue = counts["rectified"], counts["overdue"]
    return [rectified, counts["found"] - rectified - overdue, overdue]


def _dispositions(board: Dashboard, links: Links, dispositions: stats.Dispositions) -> Section:
    area = board.area
    forms = Disposition.Form.choices
    by_form = dispositions.by_form()
    short = [_("Form %(number)s") % {"number": value} for value, _label in forms]
    rows = [
        (b, [dispositions.by_court_form[(b.key, value)] for value, _label in forms])
        for b in area.buckets
    ]
    return Section(
        "dispositions",
        _("Dispositions by the four forms"),
        disposition_sentence(board, dispositions),
        [
            Figure(
                _("By form"),
                bar_chart(
                    "dispositions-form",
                    _("Dispositions by form"),
                    [Bar(str(label), by_form[value]) for value, label in forms],
                ),
                Table(
                    [_("Form"), _("Dispositions")],
                    [[Cell(str(label)), Cell(by_form[value])] for value, label in forms],
                    _total(Cell(dispositions.total)),
                ),
            ),
            Figure(
                _("By court"),
                stacked_bar_chart(
                    "dispositions-court",
                    _("Dispositions by court and form"),
                    short,
                    [
                        StackRow(
                            bucket_name(area, b),
                            values,
                            hrefs=[links.drill(b) if b.below else None] * len(forms),
                        )
                        for b, values in rows
                    ],
                ),
                Table(
                    [_("Court"), *short, _("Total")],
                    [
                        [
                            _court_cell(board, links, b),
                            *(Cell(n) for n in values),
                            Cell(sum(values)),
                        ]
                        for b, values in rows
                    ],
                    _total(
                        *(Cell(by_form[value]) for value, _label in forms), Cell(dispositions.total)
                    ),
                ),
            ),
        ],
    )
