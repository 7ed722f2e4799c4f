"""The dashboard benchmark (issue 6, ``make bench``): the dashboard page at whatever size the
database holds (1,000,000 ledger records after ``seed_scale --records 1000000``), for the
bench logins of ledgers/scale_seed.py: a basic court's officer, an intermediate court's
leader (covering the courts below) and a high court's supervisor (covering the province).

Each page is requested with the default choice (this year so far, the reader's own court) and
measured as the ledger benchmark measures its pages (ledgers/bench.py): the whole stack through
Django's test client, the median over ``runs`` requests after two warm-up requests, the number
of queries (the same at any size: the figures are a fixed number of GROUP BY queries) and the
time of the same SQL run directly. The target is a median under 300 ms.
"""

from __future__ import annotations

from typing import Any, TextIO

from django.conf import settings
from django.db import connection
from django.test.utils import override_settings
from django.urls import reverse

from integrity.access.models import User
from ledgers.bench import ROLE_LABELS, Bench, BenchError
from ledgers.scale_seed import BENCH_LOGINS, RECORD_MODELS
from ledgers.specs import SPECS

TARGET_MS = 300.0


def bench_dashboard(stdout: TextIO, *, runs: int = 15) -> list[dict[str, Any]]:
    """Time the dashboard page for each bench login; report each as it is measured and
    return the rows (login, role, median ms, queries, the bare SQL's ms, target met)."""
    url = reverse("reports:dashboard")
    records = sum(model._default_manager.count() for model in RECORD_MODELS)
    stdout.write(
        f"Dashboard benchmark: {connection.vendor}, {records:,} ledger records, "
        f"median of {runs} runs, target {TARGET_MS:g} ms\n"
    )
    # The ledger benchmark's measurement, on this page (its ledger only names the rows).
    timer = Bench(spec=SPECS[0], repeat=runs)
    results = []
    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    # Production settings for the measurement: DEBUG would log every query.
    with override_settings(DEBUG=False, ALLOWED_HOSTS=hosts):
        for username, _role, _level, _covers in BENCH_LOGINS:
            user = User.objects.filter(username=username).first()
            if user is None:
                raise BenchError(f"No login {username}: run seed_scale first.")
            measured = timer.measure(user, "dashboard", url)
            results.append(
                {
                    "login": username,
                    "role": ROLE_LABELS.get(username, username),
                    "median_ms": round(measured.median_ms, 1),
                    "queries": measured.queries,
                    "sql_ms": round(measured.bare_ms, 1),
                    "met": measured.median_ms <= TARGET_MS,
                }
            )
            stdout.write(
                f"  {username:<17} {measured.median_ms:8.1f} ms {measured.queries:3} queries "
                f"(SQL alone {measured.bare_ms:.1f} ms)\n"
            )
    return results
