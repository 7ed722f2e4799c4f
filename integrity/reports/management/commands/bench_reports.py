"""Time the reports at the data size the database holds (``make bench``): exports of ledger
rows to CSV and .xlsx (time, rows per second, peak memory) and the dashboard page (median time,
queries) as three roles. Seed first with ``bench_ledgers`` or ``seed_scale``."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from integrity.reports.dashboards.bench import bench_dashboard
from integrity.reports.exports.bench import bench_exports


def table(title: str, rows: list[dict[str, Any]]) -> str:
    """The rows as a fixed-width table, columns in the first row's order."""
    if not rows:
        return f"{title}: nothing measured"
    columns = list(rows[0])
    cells = [[_cell(row.get(column)) for column in columns] for row in rows]
    widths = [max(len(c), *(len(line[i]) for line in cells)) for i, c in enumerate(columns)]
    head = "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))
    body = ["  ".join(v.rjust(w) for v, w in zip(line, widths, strict=True)) for line in cells]
    return "\n".join([title, head, "-" * len(head), *body])


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


class Command(BaseCommand):
    help = (
        "Benchmark the exports (CSV and .xlsx: time, rows per second, peak memory) and the "
        "dashboard page (median time and queries as three roles) on the database DATABASE_URL "
        "names, at the size it holds."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--csv-rows", type=int, default=1_000_000)
        parser.add_argument("--xlsx-rows", type=int, default=200_000)
        parser.add_argument("--repeat", type=int, default=7, help="dashboard runs per role")
        parser.add_argument("--skip-exports", action="store_true")
        parser.add_argument("--skip-dashboard", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["repeat"] < 1:
            raise CommandError("--repeat must be at least 1.")
        if not options["skip_exports"]:
            rows = bench_exports(
                self.stdout, csv_rows=options["csv_rows"], xlsx_rows=options["xlsx_rows"]
            )
            self.stdout.write(table("Export benchmark", rows))
        if not options["skip_dashboard"]:
            rows = bench_dashboard(self.stdout, runs=options["repeat"])
            self.stdout.write(table("Dashboard benchmark", rows))
