"""Time the ledger pages and API at a given data size (``make bench``; ledgers/bench.py)."""

import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from ledgers import bench, scale_seed
from ledgers.specs import BY_SLUG


def auto_courts(records: int) -> int:
    return min(scale_seed.DEFAULT_COURTS, max(12, records // 250))


class Command(BaseCommand):
    help = (
        "Benchmark the ledger list (first page, a deep page, filters, free-text search), the "
        "detail page and the API list as a basic-court officer, an intermediate-court leader "
        "and the high-court supervisor, on the database DATABASE_URL names. Seeds with "
        "seed_scale first when there are fewer than --records ledger records. Prints, per "
        "page: median time, number of queries, the median time of the same SQL run directly "
        "and the ratio; rows over 3x their SQL or over 100 ms are flagged (not an error)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--records",
            type=int,
            default=1_000_000,
            help="ledger records to benchmark at; seeds up to this many (default %(default)s)",
        )
        parser.add_argument(
            "--repeat", type=int, default=15, help="timed runs per page (default %(default)s)"
        )
        parser.add_argument(
            "--ledger",
            action="append",
            choices=[*BY_SLUG, "all"],
            help="ledger(s) to benchmark (default interference; 'all' for the six)",
        )
        parser.add_argument(
            "--courts",
            type=int,
            help="courts in the tree when seeding (default: one per 250 records, at least "
            f"12 and at most {scale_seed.DEFAULT_COURTS}, so that every bench login has "
            "records in scope at small sizes)",
        )
        parser.add_argument(
            "--staff-per-court",
            type=int,
            default=scale_seed.DEFAULT_STAFF_PER_COURT,
            help="average staff per court when seeding (default %(default)s)",
        )
        parser.add_argument(
            "--explain",
            action="store_true",
            help="print each page's statements with their times, and on PostgreSQL the "
            "EXPLAIN ANALYZE of each page's slowest statement",
        )
        parser.add_argument(
            "--no-seed",
            action="store_true",
            help="benchmark the data as it is, without topping it up",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["repeat"] < 1:
            raise CommandError("--repeat must be at least 1.")
        slugs = options["ledger"] or ["interference"]
        if "all" in slugs:
            slugs = list(BY_SLUG)
        present = sum(m._default_manager.count() for m in scale_seed.RECORD_MODELS)
        if not options["no_seed"] and present < options["records"]:
            started = time.perf_counter()
            call_command(
                "seed_scale",
                records=options["records"],
                courts=options["courts"] or auto_courts(options["records"]),
                staff_per_court=options["staff_per_court"],
                verbosity=options["verbosity"],
                stdout=self.stdout,
            )
            self.stdout.write(f"seeded in {time.perf_counter() - started:.1f} s")
        try:
            reports = bench.run(
                slugs=slugs,
                repeat=options["repeat"],
                out=self.stdout if options["verbosity"] > 1 or options["explain"] else None,
                explain=options["explain"],
            )
        except bench.BenchError as error:
            raise CommandError(str(error)) from error
        for report in reports:
            self.stdout.write(report.table())
