"""The export benchmark behind ``manage.py bench_reports`` (issue 6: "export of 1,000,000 ledger
rows to CSV and 200,000 rows to .xlsx (time and peak memory)"; targets: CSV at 100,000 rows per
second or better, .xlsx 200,000 rows in under 30 s, peak memory under 200 MB).

Each export goes through the real services (``export_create`` then ``export_run``: the ledger
list's filter form and selector, the scoping policy, keyset batches, the writer, the progress
updates, the audit event) in a child process forked for it alone. The child reports its own
time and its peak resident memory (``getrusage(RUSAGE_SELF).ru_maxrss``): the whole process,
Django and the pages it inherited from the parent included, so the figure is an upper bound of
what an export costs a worker.

The exports are made by a superuser (``bench_exporter``, made here without a password): the
1,000,000 records of ``seed_scale`` are spread over 31 provinces and six ledgers, and no court's
scope holds them all. The largest ledgers are exported whole until the rows asked for are
reached; the last one is cut with its list's own date filter (``date_from``) to about the rows
still missing. One more row shows a scoped export: the largest ledger as the high-court
supervisor of ``seed_scale`` (``bench_supervisor``) sees it.
"""

from __future__ import annotations

import multiprocessing
import resource
import time
from dataclasses import dataclass
from typing import Any, TextIO

from django.db import connections

from integrity.access.models import User
from ledgers.specs import SPECS

from ..models import ExportJob
from . import services

CSV_TARGET_ROWS_PER_SECOND = 100_000
XLSX_TARGET_SECONDS = 30.0
PEAK_TARGET_MB = 200.0


@dataclass(frozen=True)
class Planned:
    """One export to time: a ledger, its filters and the format."""

    label: str
    actor: str
    slug: str
    fmt: str
    params: dict[str, str]


def _exporter() -> User:
    user, _created = User.objects.get_or_create(
        username="bench_exporter", defaults={"is_superuser": True, "is_staff": True}
    )
    if user.has_usable_password():
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _ledgers_by_size() -> list[tuple[str, Any, int]]:
    sized = [(spec.slug, spec.model, spec.model.objects.count()) for spec in SPECS]
    return sorted(sized, key=lambda item: -item[2])


def _cut(model: Any, rows: int) -> dict[str, str]:
    """The list filter that leaves about ``rows`` standing records of a ledger: its main date
    from the day of the ``rows``-th newest record on."""
    day = (
        model.objects.filter(voided_at__isnull=True)
        .order_by(f"-{model.date_field}")
        .values_list(model.date_field, flat=True)[rows - 1 : rows]
        .first()
    )
    return {"date_from": day.isoformat()} if day else {}


def plan_exports(csv_rows: int, xlsx_rows: int) -> list[Planned]:
    """The largest ledgers whole for the CSV until ``csv_rows``, the last one cut by date; the
    largest ledger cut to ``xlsx_rows`` for the .xlsx; and the largest ledger in the scope of
    the high-court supervisor, to CSV."""
    ledgers = _ledgers_by_size()
    planned, missing = [], csv_rows
    for slug, model, count in ledgers:
        if missing <= 0 or not count:
            break
        params = {"voided": "include"} if count <= missing else _cut(model, missing)
        planned.append(Planned(f"CSV {slug}", "bench_exporter", slug, "csv", params))
        missing -= count
    slug, model, count = ledgers[0]
    params = {"voided": "include"} if count <= xlsx_rows else _cut(model, xlsx_rows)
    planned.append(Planned(f"xlsx {slug}", "bench_exporter", slug, "xlsx", params))
    if User.objects.filter(username="bench_supervisor").exists():
        planned.append(Planned(f"CSV {slug}, scoped", "bench_supervisor", slug, "csv", {}))
    return planned


def _child(planned: Planned, pipe: Any) -> None:
    """Run one export in this forked process and send back its figures."""
    start_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    actor = User.objects.get(username=planned.actor)
    job, _estimate = services.export_create(
        actor=actor, source=f"ledger:{planned.slug}", fmt=planned.fmt, params=planned.params
    )
    began, cpu = time.perf_counter(), time.process_time()
    job = services.export_run(job_id=job.pk)
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    pipe.send(
        {
            "status": job.status,
            "error": job.error,
            "rows": job.done,
            "seconds": seconds,
            "cpu": cpu,
            "size": job.size or 0,
            "start_kb": start_rss,
            "peak_kb": peak,
            "job": job.pk,
        }
    )
    pipe.close()
    connections.close_all()


def _measure(planned: Planned) -> dict[str, Any]:
    connections.close_all()  # the child opens its own connection
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(planned, send))
    process.start()
    send.close()
    figures = receive.recv()
    process.join()
    return figures


def _row(planned: Planned, figures: dict[str, Any]) -> dict[str, Any]:
    rows, seconds = figures["rows"], figures["seconds"]
    rate = rows / seconds if seconds else 0.0
    peak_mb = figures["peak_kb"] / 1024
    if planned.fmt == "csv":
        target, met = f"≥{CSV_TARGET_ROWS_PER_SECOND:,} rows/s", rate >= CSV_TARGET_ROWS_PER_SECOND
    else:
        scale = rows / 200_000 if rows else 1
        target, met = (
            f"<{XLSX_TARGET_SECONDS:g} s per 200,000",
            seconds / scale < XLSX_TARGET_SECONDS,
        )
    met = met and peak_mb < PEAK_TARGET_MB and figures["status"] == ExportJob.Status.DONE
    return {
        "export": planned.label,
        "as": planned.actor,
        "filters": " ".join(f"{k}={v}" for k, v in planned.params.items()) or "-",
        "rows": rows,
        "seconds": seconds,
        "rows/s": rate,
        "CPU s": figures["cpu"],
        "file MB": figures["size"] / 1024 / 1024,
        "RSS at start MB": figures["start_kb"] / 1024,
        "peak RSS MB": peak_mb,
        "target": f"{target}, peak <{PEAK_TARGET_MB:g} MB",
        "met": "yes" if met else f"NO {figures['error']}".strip(),
    }


def bench_exports(
    stdout: TextIO, *, csv_rows: int = 1_000_000, xlsx_rows: int = 200_000
) -> list[dict[str, Any]]:
    """Time the exports planned by :func:`plan_exports`, each in its own forked process; one
    row of figures per export, and a total row for the CSV ones."""
    _exporter()
    results = []
    for planned in plan_exports(csv_rows, xlsx_rows):
        stdout.write(f"exporting {planned.label} as {planned.actor} …")
        stdout.flush()
        figures = _measure(planned)
        results.append((planned, figures))
        stdout.write(f"  {figures['rows']:,} rows in {figures['seconds']:.1f} s")
    rows = [_row(planned, figures) for planned, figures in results]
    whole = [(p, f) for p, f in results if p.fmt == "csv" and p.actor == "bench_exporter"]
    if len(whole) > 1:
        total = {
            "rows": sum(f["rows"] for _p, f in whole),
            "seconds": sum(f["seconds"] for _p, f in whole),
            "cpu": sum(f["cpu"] for _p, f in whole),
            "size": sum(f["size"] for _p, f in whole),
            "start_kb": max(f["start_kb"] for _p, f in whole),
            "peak_kb": max(f["peak_kb"] for _p, f in whole),
            "status": ExportJob.Status.DONE
            if all(f["status"] == ExportJob.Status.DONE for _p, f in whole)
            else ExportJob.Status.FAILED,
            "error": "",
        }
        rows.append(_row(Planned("CSV all of the above", "bench_exporter", "", "csv", {}), total))
    return rows
