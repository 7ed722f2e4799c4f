"""The ledger benchmark behind ``manage.py bench_ledgers`` and ``make bench`` (issue 3).

DESIGN.md: "No request may do work proportional to the table size ... a fixed number of
queries per page." This measures it. For each scenario (the list's first page, a deep page,
common filters, free-text search, a record's page and the API list) and each of three actors
(a basic-court officer, an intermediate-court leader, the high-court supervisor) it requests
the page through Django's test client, the whole stack from middleware to template, and
reports:

- the median wall time of the page over ``repeat`` runs;
- the number of queries the page ran (the same at any data size, or the design is broken);
- the median time of the same SQL run directly on a cursor (the page's "bare SQL": every
  SELECT the page ran, with the same parameters, rows fetched), and the ratio between the two.

Rows that miss the targets (page over 3 times its bare SQL, or a median over 100 ms) are
flagged; missing a target is a finding, not an error.
"""

from __future__ import annotations

import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO
from urllib.parse import unquote, urlencode

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from integrity.access import policy
from integrity.access.models import User
from integrity.org.models import Court, StaffMember
from ledgers.models import LedgerRecord
from ledgers.scale_seed import BENCH_LOGINS, RECORD_MODELS
from ledgers.specs import BY_SLUG, LedgerSpec

TARGET_RATIO = 3.0
TARGET_MS = 100.0
ROLE_LABELS = {
    "bench_officer": "basic-court officer",
    "bench_leader": "intermediate-court leader",
    "bench_supervisor": "high-court supervisor",
}
# The period of the "filters" scenario: one full year of the generated data.
FILTER_YEAR = 2024


class BenchError(Exception):
    """The benchmark could not run (no bench logins, a page that failed)."""


@dataclass
class Result:
    scenario: str
    role: str
    url: str
    median_ms: float
    queries: int
    bare_ms: float
    rows: int | None
    writes: int = 0  # statements that are not SELECTs: counted, never re-run

    @property
    def ratio(self) -> float:
        return self.median_ms / self.bare_ms if self.bare_ms else float("inf")

    @property
    def misses(self) -> list[str]:
        missed = []
        if self.ratio > TARGET_RATIO:
            missed.append(f"ratio>{TARGET_RATIO:g}")
        if self.median_ms > TARGET_MS:
            missed.append(f">{TARGET_MS:g}ms")
        return missed


@dataclass
class Statement:
    sql: str
    params: Any
    many: bool

    @property
    def is_read(self) -> bool:
        return self.sql.lstrip().upper().startswith(("SELECT", "WITH"))


@dataclass
class Report:
    ledger: str
    vendor: str
    version: str
    records: int
    ledger_records: int
    courts: int
    staff: int
    repeat: int
    actors: list[str] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)

    def table(self) -> str:
        head = (
            f"{'scenario':<22} {'role':<26} {'median ms':>9} {'queries':>7} "
            f"{'bare SQL ms':>11} {'ratio':>6} {'rows':>5}  target"
        )
        lines = [
            f"Ledger benchmark: {self.ledger}, {self.vendor} {self.version}, "
            f"{self.records:,} ledger records ({self.ledger_records:,} in this ledger), "
            f"{self.courts:,} courts, {self.staff:,} staff; median of {self.repeat} runs",
            *self.actors,
            head,
            "-" * len(head),
        ]
        for r in self.results:
            lines.append(
                f"{r.scenario:<22} {ROLE_LABELS.get(r.role, r.role):<26} {r.median_ms:>9.1f} "
                f"{r.queries:>7} {r.bare_ms:>11.2f} {r.ratio:>6.1f} "
                f"{'' if r.rows is None else r.rows:>5}  "
                + ("MISSED " + ", ".join(r.misses) if r.misses else "ok")
                + (f" ({r.writes} writes not re-run)" if r.writes else "")
            )
        missed = [r for r in self.results if r.misses]
        lines.append(
            f"targets: page <= {TARGET_RATIO:g}x its bare SQL and median <= {TARGET_MS:g} ms; "
            f"{len(self.results) - len(missed)} of {len(self.results)} rows met both"
        )
        return "\n".join(lines)


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


class _Recorder:
    """Collects every statement a request runs, with its parameters (connection wrapper)."""

    def __init__(self) -> None:
        self.statements: list[Statement] = []

    def __call__(self, execute: Callable, sql: str, params: Any, many: bool, context: Any):
        self.statements.append(Statement(sql, params, many))
        return execute(sql, params, many, context)


def _run_bare(statements: list[Statement]) -> float:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for statement in statements:
            if not statement.is_read:
                continue
            cursor.execute(statement.sql, statement.params)
            cursor.fetchall()
    return time.perf_counter() - started


_ROW_LINK = r'href="/ledgers/{slug}/(\d+)/"'


class Bench:
    def __init__(
        self, *, spec: LedgerSpec, repeat: int, out: TextIO | None = None, explain: bool = False
    ) -> None:
        self.spec = spec
        self.model: type[LedgerRecord] = spec.model
        self.repeat = repeat
        self.out = out
        self.explain = explain

    def say(self, message: str) -> None:
        if self.out is not None:
            self.out.write(message + "\n")
            self.out.flush()

    def run(self) -> Report:
        report = Report(
            ledger=f"{self.spec.slug} ({self.model.__name__})",
            vendor=connection.vendor,
            version=_server_version(),
            records=sum(m._default_manager.count() for m in RECORD_MODELS),
            ledger_records=self.model._default_manager.count(),
            courts=Court.objects.count(),
            staff=StaffMember.objects.count(),
            repeat=self.repeat,
        )
        hosts = [*settings.ALLOWED_HOSTS, "testserver"]
        # Production settings for the measurement: DEBUG would log every query.
        with override_settings(DEBUG=False, ALLOWED_HOSTS=hosts):
            for username, _role, _level, _covers in BENCH_LOGINS:
                user = User.objects.filter(username=username).first()
                if user is None:
                    raise BenchError(f"No login {username}: run seed_scale first.")
                report.actors.append(self.describe(user))
                for scenario, url in self.scenarios(user):
                    result = self.measure(user, scenario, url)
                    report.results.append(result)
                    self.say(
                        f"  {scenario:<20} {username:<17} {result.median_ms:8.1f} ms "
                        f"{result.queries:3} queries  {unquote(url)}"
                    )
        return report

    def describe(self, user: User) -> str:
        grants = policy.grants_of(user)
        where = "; ".join(
            f"{g.role} at {Court.objects.get(pk=g.court_id).code}"
            + (" and below" if g.covers_subordinates else "")
            for g in grants
        )
        in_scope = self.scoped(user).count()
        return f"  {user.username}: {where}; {in_scope:,} {self.spec.slug} records in scope"

    def scoped(self, user: User) -> Any:
        return policy.scope(user, self.model.objects.filter(voided_at__isnull=True))

    def scenarios(self, user: User) -> list[tuple[str, str]]:
        """The pages to time, with parameters found by a few queries before any timing."""
        base = f"/ledgers/{self.spec.slug}/"
        api = f"/api/v1/ledgers/{self.spec.slug}/"
        scoped = self.scoped(user)
        total = scoped.count()
        if not total:
            raise BenchError(
                f"{user.username} has no {self.spec.slug} records in scope: seed more records, "
                "or seed a smaller tree (seed_scale --courts) into an empty database."
            )
        ids = scoped.order_by("-id").values_list("id", flat=True)
        deep_id = ids[total // 2]
        # The detail page checks each workflow step the record's status offers, and reads the
        # department's court: time a typical record, in the ledger's first status and with a
        # department, so that runs at different sizes time alike records.
        first_status = self.model._meta.get_field("status").default
        candidates = scoped.filter(
            is_confidential=False, department__isnull=False, id__lte=deep_id
        ).order_by("-id")
        record = (
            candidates.filter(status=first_status).first()
            or candidates.first()
            or scoped.order_by("-id").first()
        )
        statuses = Counter(scoped.values_list("status", flat=True)[:2000])
        status = statuses.most_common(1)[0][0]
        year = (f"{FILTER_YEAR}-01-01", f"{FILTER_YEAR}-12-31")
        # A three-character name (most Chinese full names) has trigrams; its first two
        # characters (a two-character name, or a surname and one more) have none.
        names = [v for v in record.search_values() if v and not v[:1].isascii()]
        name = next((v for v in names if len(v) >= 3), names[0] if names else "")
        date_filter = urlencode({"date_from": year[0], "date_to": year[1], "status": status})
        scenarios = [
            ("list first page", base),
            ("list deep page", f"{base}?after={deep_id}"),
            ("list filters", f"{base}?{date_filter}"),
            ("list search name", f"{base}?{urlencode({'q': name})}"),
            ("list search 2 chars", f"{base}?{urlencode({'q': name[:2]})}"),
        ]
        case_number = getattr(record, "case_number", "")
        if case_number:
            scenarios.append(("list search case no.", f"{base}?{urlencode({'q': case_number})}"))
        scenarios += [
            ("detail page", f"{base}{record.pk}/"),
            ("API list", api),
            ("API filters", f"{api}?{date_filter}"),
        ]
        return scenarios

    def measure(self, user: User, scenario: str, url: str) -> Result:
        client = Client()
        client.force_login(user)

        def get() -> Any:
            response = client.get(url, secure=True)
            if response.status_code != 200:
                raise BenchError(f"{url} answered {response.status_code} for {user.username}.")
            return response

        for _ in range(2):  # warm-up: caches, connections, compiled templates
            get()
        samples = []
        for _ in range(self.repeat):
            started = time.perf_counter()
            get()
            samples.append(time.perf_counter() - started)
        recorder = _Recorder()
        with connection.execute_wrapper(recorder):
            response = get()
        statements = recorder.statements
        _run_bare(statements)  # warm-up
        bare = [_run_bare(statements) for _ in range(self.repeat)]
        if self.explain:
            self.show(user, scenario, url, statements)
        return Result(
            scenario=scenario,
            role=user.username,
            url=url,
            median_ms=_median_ms(samples),
            queries=len(statements),
            bare_ms=_median_ms(bare),
            rows=None if scenario == "detail page" else self.rows_of(response),
            writes=sum(1 for s in statements if not s.is_read),
        )

    def show(self, user: User, scenario: str, url: str, statements: list[Statement]) -> None:
        """Each statement of the page with its median time; EXPLAIN ANALYZE of the slowest."""
        self.say(f"\n== {scenario} as {user.username}: {unquote(url)}")
        timed = []
        for statement in statements:
            if not statement.is_read:
                self.say(f"  (not re-run) {statement.sql[:150]}")
                continue
            median = _median_ms([_run_bare([statement]) for _ in range(self.repeat)])
            timed.append((median, statement))
            self.say(f"  {median:8.2f} ms  {statement.sql[:150]}")
        if timed and connection.vendor == "postgresql":
            _median, slowest = max(timed, key=lambda pair: pair[0])
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest.sql, slowest.params)
                plan = "\n".join("    " + row[0] for row in cursor.fetchall())
            self.say(f"  slowest, as run:\n    {slowest.sql}\n  params {slowest.params}\n{plan}")

    def rows_of(self, response: Any) -> int | None:
        if response["Content-Type"].startswith("application/json"):
            data = response.json()
            if isinstance(data, dict) and isinstance(data.get("results"), list):
                return len(data["results"])
            return None
        links = re.findall(_ROW_LINK.format(slug=self.spec.slug), response.content.decode())
        return len(set(links))


def _server_version() -> str:
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        number = connection.pg_version
        return f"{number // 10000}.{number % 10000}"
    if connection.vendor == "sqlite":
        import sqlite3

        return sqlite3.sqlite_version
    return ""


def run(
    *, slugs: list[str], repeat: int, out: TextIO | None = None, explain: bool = False
) -> list[Report]:
    return [
        Bench(spec=BY_SLUG[slug], repeat=repeat, out=out, explain=explain).run() for slug in slugs
    ]
