"""Load a national-size court tree and top the ledgers up to a number of records, for the
scale tests and ``make bench`` (see ledgers/scale_seed.py)."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ledgers import scale_seed


class Command(BaseCommand):
    help = (
        "Load a national-size court tree (31 provinces, about 3,500 courts, 350,000 staff, "
        "departments) and top the six ledger tables up to --records records in total, mixed "
        "across the ledgers and all courts of the tree. Uses COPY on PostgreSQL and bulk "
        "inserts elsewhere; writes one summary audit event, none per row. Re-running with a "
        "larger --records adds only the missing records; courts, departments and staff that "
        "exist (by court code, name and staff number) are kept. Also makes the logins "
        "bench_officer (officer of a basic court), bench_leader (leader of an intermediate "
        "court and the courts below) and bench_supervisor (supervision staff of a high court "
        "and the courts below), without passwords."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--records",
            type=int,
            required=True,
            help="ledger records wanted in total over the six ledger tables (existing count)",
        )
        parser.add_argument(
            "--courts",
            type=int,
            default=scale_seed.DEFAULT_COURTS,
            help="courts in the tree (default %(default)s: 31 high, ~400 intermediate, "
            "the rest basic; a small number gives a small tree for tests)",
        )
        parser.add_argument(
            "--staff-per-court",
            type=int,
            default=scale_seed.DEFAULT_STAFF_PER_COURT,
            help="average staff per court (default %(default)s; a high court gets 3 times "
            "that, an intermediate court 1.8 times, a basic court 0.875 times)",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=scale_seed.DEFAULT_SEED,
            help="random seed; the same seed on the same database gives the same data "
            "(default %(default)s)",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=scale_seed.DEFAULT_BATCH,
            help="rows per transaction (default %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["records"] < 0 or options["courts"] < 3 or options["staff_per_court"] < 1:
            raise CommandError("--records >= 0, --courts >= 3 and --staff-per-court >= 1.")
        started = time.perf_counter()
        talk = options["verbosity"] > 0
        if talk:
            self.stdout.write(
                f"seed_scale: {options['records']} records, {options['courts']} courts, "
                f"~{options['staff_per_court']} staff per court on {connection.vendor}"
            )
        seeder = scale_seed.ScaleSeeder(
            seed=options["seed"],
            courts=options["courts"],
            staff_per_court=options["staff_per_court"],
            batch_size=options["batch_size"],
            out=self.stdout if talk else None,
        )
        summary = seeder.run(options["records"])
        if talk:
            self.stdout.write(
                f"seed_scale: {summary.records_created} records added "
                f"({summary.records_after} in total), {summary.courts_created} courts, "
                f"{summary.departments_created} departments and {summary.staff_created} staff "
                f"added in {time.perf_counter() - started:.1f} s"
            )
