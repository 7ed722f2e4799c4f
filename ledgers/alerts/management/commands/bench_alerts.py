"""Time the early-warning check of a batch of new cases at national scale (``make bench``;
ledgers/alerts/bench.py)."""

import datetime
import os
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from ledgers import scale_seed
from ledgers.alerts import bench
from ledgers.management.commands.bench_ledgers import auto_courts


def _share(value: str) -> float:
    share = float(value)
    if not 0 <= share <= 1:
        raise ValueError(value)
    return share


class Command(BaseCommand):
    help = (
        "Benchmark the early-warning check of new cases (ledgers.alerts.detect.check_cases) "
        "on the database DATABASE_URL names: seeds with seed_scale first when there are fewer "
        "than --records ledger records, bulk inserts --cases new cases with panels and agents "
        "(--conflicts of the agents planted conflicts of the four kinds), times the check and "
        "counts its queries, verifies every planted conflict was found and that a second run "
        "creates nothing, prints the figures, and rolls the cases and alerts back. Target: "
        f"under {bench.TARGET_SECONDS:g} seconds for 10,000 cases on PostgreSQL."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--records",
            type=int,
            default=int(os.environ.get("BENCH_RECORDS") or 1_000_000),
            help="ledger records the scale data must have; seeds up to this many (default "
            "%(default)s, or the environment's BENCH_RECORDS)",
        )
        parser.add_argument(
            "--cases",
            type=int,
            default=bench.DEFAULT_CASES,
            help="new cases to check (default %(default)s)",
        )
        parser.add_argument(
            "--conflicts",
            type=_share,
            default=bench.DEFAULT_CONFLICTS,
            help="share of the agents that are planted conflicts, 0 to 1 (default %(default)s)",
        )
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=bench.DEFAULT_TODAY,
            help="the day the check runs for, YYYY-MM-DD; the cases are filed in the month "
            "before (default %(default)s, a week after seed_scale's records end)",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=bench.DEFAULT_SEED,
            help="random seed of the cases (default %(default)s)",
        )
        parser.add_argument(
            "--courts",
            type=int,
            help="courts in the tree when seeding (default as bench_ledgers: one per 250 "
            f"records, at least 12 and at most {scale_seed.DEFAULT_COURTS})",
        )
        parser.add_argument(
            "--staff-per-court",
            type=int,
            default=scale_seed.DEFAULT_STAFF_PER_COURT,
            help="average staff per court when seeding (default %(default)s)",
        )
        parser.add_argument(
            "--no-seed",
            action="store_true",
            help="benchmark the data as they are, without topping them up",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["cases"] < 1:
            raise CommandError("--cases must be at least 1.")
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
            report = bench.run(
                cases=options["cases"],
                conflicts_share=options["conflicts"],
                seed=options["seed"],
                today=options["today"],
                out=self.stdout if options["verbosity"] > 1 else None,
            )
        except bench.BenchError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(report.table())
