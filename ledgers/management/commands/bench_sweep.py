"""Time the reminder sweep at national scale (``make bench``; ledgers/bench_sweep.py)."""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ledgers import bench_sweep


class Command(BaseCommand):
    help = (
        "Benchmark the reminder sweep on the database DATABASE_URL names (seeded with "
        "seed_scale): makes a chief's login per department and a leader's and an officer's "
        "per court where missing, opens a relatives declaration campaign over each province "
        "(due ten days ago; earlier bench campaigns are closed), moves part of the tasks on "
        "(returned, filed, signed), then runs the sweep twice and prints the seconds, the "
        "queries and the notifications created per source. Target: under 60 seconds."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=bench_sweep.DEFAULT_TODAY,
            help="the day the sweep runs for, YYYY-MM-DD (default %(default)s: a week after the "
            "generated records end, inside the quarterly summary's window, so that every "
            "source has work)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] > 1
        try:
            report = bench_sweep.run(today=options["today"], out=self.stdout if verbose else None)
        except bench_sweep.BenchError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(report.table())
