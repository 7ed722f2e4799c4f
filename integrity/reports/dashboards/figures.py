"""The dashboard's figures for one reader, area and period: the sections the reader's roles
reach, each computed by integrity.reports.stats through the scoping policy, the sentences an
office writes from them ("营口市中级人民法院及辖区法院共有23名干警亲属从事律师工作"), and the
same figures as data for the API."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from inspections.models import Disposition, Finding
from ledgers.models import Declaration, InterferenceRecord, RelativePractice
from ledgers.reminders import day_label
from ledgers.specs import SPECS, LedgerSpec

from .. import stats
from ..stats import Area, Bucket, Period


def may_see_dashboard(actor: Any) -> bool:
    """Whoever reads some ledger across a jurisdiction (officers, chiefs, leaders,
    supervision, the discipline team, administrators); plain staff, who see only their own
    records, are not offered statistics."""
    return any(stats.reaches(actor, spec.model) for spec in SPECS)


@dataclass
class Dashboard:
    """What one reader sees; a section is None when the reader's roles do not reach it."""

    area: Area
    period: Period
    today: datetime.date
    ledgers: list[tuple[LedgerSpec, stats.LedgerCounts]]
    relatives: stats.RelativesStock | None
    zero_reports: stats.ZeroReports | None
    rectification: stats.Rectification | None
    dispositions: stats.Dispositions | None

    def counts(self, model: type) -> stats.LedgerCounts | None:
        return next((counts for spec, counts in self.ledgers if spec.model is model), None)


def dashboard(*, actor: Any, area: Area, period: Period, today: datetime.date) -> Dashboard:
    """A fixed number of aggregate queries: four per ledger the reader reaches, two for the
    relatives, two for zero reports, one for rectification, one for dispositions."""
    ledgers = [
        (
            spec,
            stats.ledger_counts(
                actor=actor,
                model=spec.model,
                area=area,
                period=period,
                by=("nature",) if spec.model is InterferenceRecord else (),
            ),
        )
        for spec in SPECS
        if stats.reaches(actor, spec.model)
    ]
    where = {"actor": actor, "area": area}
    return Dashboard(
        area=area,
        period=period,
        today=today,
        ledgers=ledgers,
        relatives=stats.relatives_stock(**where, as_of=period.end)
        if stats.reaches(actor, RelativePractice)
        else None,
        zero_reports=stats.zero_reports(**where, period=period)
        if stats.reaches(actor, Declaration)
        else None,
        rectification=stats.rectification(**where, period=period, today=today)
        if stats.reaches(actor, Finding)
        else None,
        dispositions=stats.dispositions(**where, period=period)
        if stats.reaches(actor, Disposition)
        else None,
    )


# --- names and sentences -----------------------------------------------------------------------
def area_name(area: Area) -> str:
    if area.court is None:
        return _("the courts in your jurisdiction")
    if area.has_below:
        return _("%(court)s and the courts below it") % {"court": area.court.name}
    return area.court.name


def bucket_name(area: Area, bucket: Bucket) -> str:
    """A row of a by-court figure: the chosen court's own records, a court with the courts
    below it rolled up, or one court."""
    if bucket.own and area.has_below:
        return _("%(court)s (its own records)") % {"court": bucket.court.name}
    if bucket.below:
        return _("%(court)s and the courts below it") % {"court": bucket.court.name}
    return bucket.court.name


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.1%}"


def _span(board: Dashboard) -> dict[str, str]:
    return {
        "area": area_name(board.area),
        "start": day_label(board.period.start),
        "end": day_label(board.period.end),
    }


def ledger_sentence(board: Dashboard, spec: LedgerSpec, counts: stats.LedgerCounts) -> str:
    text = _(
        "From %(start)s to %(end)s, %(area)s entered %(count)s records in the ledger "
        "“%(ledger)s”, concerning %(staff)s staff members."
    ) % {**_span(board), "ledger": spec.title, "count": counts.total, "staff": counts.staff}
    if spec.model is InterferenceRecord:
        natures = counts.tally("nature")
        text += _(
            " Of these, %(proper)s were inquiries within duty and procedure, %(improper)s "
            "improper inquiries or interference, and %(unscreened)s are not yet screened."
        ) % {
            "proper": natures[InterferenceRecord.Nature.WITHIN_DUTY],
            "improper": natures[InterferenceRecord.Nature.IMPROPER],
            "unscreened": natures[""],
        }
    return text


def relatives_sentence(board: Dashboard, stock: stats.RelativesStock) -> str:
    status = RelativePractice.Status
    return _(
        "As of %(date)s, %(staff)s staff members of %(area)s have relatives practising law "
        "(%(relatives)s relatives); post recusal is pending for %(pending)s and implemented "
        "for %(implemented)s."
    ) % {
        "date": day_label(stock.as_of),
        "area": area_name(board.area),
        "staff": stock.staff,
        "relatives": stock.relatives,
        "pending": stock.by_status[status.PENDING],
        "implemented": stock.by_status[status.IMPLEMENTED],
    }


def zero_report_sentence(board: Dashboard, zero: stats.ZeroReports) -> str:
    return _(
        "In the report periods from %(start)s to %(end)s, %(area)s filed %(filed)s reports "
        "under the three regulations, %(zero)s of them zero reports (%(rate)s)."
    ) % {
        **_span(board),
        "filed": zero.total.filed,
        "zero": zero.total.zero,
        "rate": percent(zero.total.rate),
    }


def rectification_sentence(board: Dashboard, rectification: stats.Rectification) -> str:
    return _(
        "Inspections started from %(start)s to %(end)s found %(found)s problems at "
        "%(area)s: %(rectified)s rectified and closed, %(overdue)s overdue, %(returned)s "
        "returned for more rectification."
    ) % {**_span(board), **rectification.total}


def disposition_sentence(board: Dashboard, dispositions: stats.Dispositions) -> str:
    forms = dispositions.by_form()
    return _(
        "From %(start)s to %(end)s, %(area)s decided %(total)s dispositions: %(first)s in "
        "the first form, %(second)s in the second, %(third)s in the third and %(fourth)s in "
        "the fourth."
    ) % {
        **_span(board),
        "total": dispositions.total,
        "first": forms[1],
        "second": forms[2],
        "third": forms[3],
        "fourth": forms[4],
    }


# --- the same figures as data (the API) --------------------------------------------------------
def _choices(field: Any, counts: Any) -> list[dict[str, Any]]:
    return [
        {"value": value, "label": str(label), "count": counts[value]}
        for value, label in field.flatchoices
    ]


def _rate(count: stats.ReportCount) -> dict[str, Any]:
    return {"filed": count.filed, "zero": count.zero, "rate": count.rate}


def _ledger_data(board: Dashboard, spec: LedgerSpec, counts: stats.LedgerCounts) -> dict:
    by_court, by_month = counts.by_court, counts.by_month
    category = spec.model.category_field
    return {
        "ledger": spec.slug,
        "title": str(spec.title),
        "total": counts.total,
        "staff": counts.staff,
        "sentence": ledger_sentence(board, spec, counts),
        "by_court": [{"court": b.key, "count": by_court[b.key]} for b in board.area.buckets],
        "by_month": [{"month": m, "count": by_month[m]} for m in board.period.months()],
        "by_category": _choices(spec.model._meta.get_field(category), counts.tally("category"))
        if category
        else [],
    }


def _interference_data(counts: stats.LedgerCounts) -> dict:
    natures = counts.tally("nature")
    crossed = counts.crossed
    field = InterferenceRecord._meta.get_field
    return {
        "by_nature": [
            *_choices(field("nature"), natures),
            {"value": "", "label": _("Not yet screened"), "count": natures[""]},
        ],
        "by_regulation_and_nature": [
            {"regulation": regulation, "nature": nature, "count": count}
            for (regulation, nature), count in sorted(crossed.items())
        ],
    }


def _relatives_data(board: Dashboard, stock: stats.RelativesStock) -> dict:
    empty = dict.fromkeys(stats.RELATIVES_COUNTS, 0)
    return {
        "as_of": stock.as_of,
        "staff": stock.staff,
        "relatives": stock.relatives,
        "sentence": relatives_sentence(board, stock),
        "by_status": _choices(RelativePractice._meta.get_field("status"), stock.by_status),
        "by_court": [
            {"court": b.key, **stock.by_court.get(b.key, empty)} for b in board.area.buckets
        ],
    }


def _zero_data(board: Dashboard, zero: stats.ZeroReports) -> dict:
    return {
        **_rate(zero.total),
        "sentence": zero_report_sentence(board, zero),
        "periods": [
            {"start": p.start, "end": p.end, **_rate(zero.by_period[p])} for p in zero.periods
        ],
        "by_court": [
            {"court": key, "start": p.start, "end": p.end, **_rate(count)}
            for (p, key), count in zero.by_court.items()
        ],
        "by_department": [
            {
                "department": department,
                "name": zero.departments[department],
                "start": p.start,
                "end": p.end,
                **_rate(count),
            }
            for (p, department), count in zero.by_department.items()
        ],
    }


def _rectification_data(board: Dashboard, rectification: stats.Rectification) -> dict:
    empty = dict.fromkeys(stats.RECTIFICATION_COUNTS, 0)
    return {
        **rectification.total,
        "sentence": rectification_sentence(board, rectification),
        "by_court": [
            {"court": b.key, **rectification.by_court.get(b.key, empty)} for b in board.area.buckets
        ],
    }


def _disposition_data(board: Dashboard, dispositions: stats.Dispositions) -> dict:
    return {
        "total": dispositions.total,
        "sentence": disposition_sentence(board, dispositions),
        "by_form": _choices(Disposition._meta.get_field("form"), dispositions.by_form()),
        "by_court": [
            {"court": key, "form": form, "count": count}
            for (key, form), count in sorted(dispositions.by_court_form.items())
        ],
    }


def as_data(board: Dashboard) -> dict[str, Any]:
    """The figures as plain data, courts by id with their names listed once."""
    area = board.area
    interference = board.counts(InterferenceRecord)
    optional = (
        ("relatives", board.relatives, _relatives_data),
        ("zero_reports", board.zero_reports, _zero_data),
        ("rectification", board.rectification, _rectification_data),
        ("dispositions", board.dispositions, _disposition_data),
    )
    return {
        "court": {"id": area.court.id, "name": area.court.name} if area.court else None,
        "area": area_name(area),
        "date_from": board.period.start,
        "date_to": board.period.end,
        "courts": [
            {
                "id": b.key,
                "name": bucket_name(area, b),
                "own": b.own,
                "below": b.below,
            }
            for b in area.buckets
        ],
        "ledgers": [_ledger_data(board, spec, counts) for spec, counts in board.ledgers],
        "interference": _interference_data(interference) if interference else None,
        **{name: None if part is None else build(board, part) for name, part, build in optional},
    }
