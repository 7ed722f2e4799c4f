"""The reminder sweep's benchmark behind ``manage.py bench_sweep`` and ``make bench`` (issue 4,
"Scale": with 350,000 staff and a campaign across the whole country, the sweep must finish in
under 60 seconds on PostgreSQL and issue a bounded number of queries).

On the database seed_scale filled (about 3,500 courts and 350,000 staff), it prepares what a
national sweep meets, then times the sweep:

1. role holders: a division chief's login for every department, a leader's and an officer's
   login for every court (the high courts' officers cover their province), made in bulk where
   missing, so that every escalation and every officer's reminder has a recipient;
2. a relatives declaration campaign opened by each high court over its whole province with
   the declaration service (``campaign_open``: one task per serving staff member), due ten days
   ago; earlier bench campaigns are closed first, so that each run starts from tasks nobody was
   told about yet;
3. a realistic mix of the tasks: most still to be filed (overdue, so escalated to the chiefs
   and the court leaders), some returned, some filed and waiting for the chief's or the
   leader's signature, some signed.

Then it runs the sweep twice and reports, for each run, the seconds, the queries (SELECTs and
writes) and the notifications created per source (the second run creates nothing: everything it
finds exists), and each source's own read time. The set-up writes in bulk, without a service
call or an audit event per row; one audit event records it, as seed_scale does.
"""

from __future__ import annotations

import datetime
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, TextIO
from unittest import mock

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Count, F, Func, Value
from django.db.models.functions import Mod
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from integrity.access.models import Role, RoleAssignment, User
from integrity.audit import events
from integrity.notify import reminders as engine
from integrity.notify import services as notify_services
from integrity.notify.models import Notification
from integrity.org.models import Court, StaffMember
from ledgers import scale_seed
from ledgers.declarations import rules as chain_rules
from ledgers.declarations import services as declaration_services
from ledgers.models import Campaign, Declaration
from ledgers.reminders import Kinds

# A week after seed_scale's records end (2026-09-30): late reports are still news, the third
# quarter's summary is due, and follow-ups and recusal deadlines fall due.
DEFAULT_TODAY = scale_seed.LAST_DAY + datetime.timedelta(days=8)
TITLE = "bench_sweep 近亲属从事律师职业报告"
DAYS_OVERDUE = 10
TARGET_SECONDS = 60.0
BATCH = 5000
# Of the tasks of department staff (chief, then leader), by id modulo 20: returned, filed and
# waiting for the chief, filed and signed by the chief (waiting for the leader), signed. The
# others, and everyone whose chain is not chief-then-leader, are still to be filed.
MIX = {
    "returned": (13, 15),
    "awaiting chief": (15, 17),
    "awaiting leader": (17, 18),
    "signed": (18, 20),
}
DEPARTMENT_POSTS = [
    post for post, chain in chain_rules.CHAINS.items() if chain == chain_rules.DEPARTMENT_STAFF
]
# Which source wrote a notification, by its kind.
SOURCE_OF_KIND = {
    Kinds.ASSIGNED: "declarations",
    Kinds.DUE_SOON: "declarations",
    Kinds.OVERDUE: "declarations",
    Kinds.ESCALATE_SIGNER: "declarations",
    Kinds.ESCALATE_LEADER: "declarations",
    Kinds.AWAITING_SIGNATURE: "declarations",
    Kinds.APPLICATION_DUE: "recusal",
    Kinds.APPLICATION_OVERDUE: "recusal",
    Kinds.POST_CHANGE_DUE: "recusal",
    Kinds.POST_CHANGE_OVERDUE: "recusal",
    Kinds.REPORT_LATE: "unplanned_contact_reports",
    Kinds.REPORT_REVIEW: "unplanned_contact_reports",
    Kinds.FOLLOW_UP: "departures",
    Kinds.QUARTERLY: "quarterly_summary",
}


class BenchError(Exception):
    """The benchmark cannot run (no courts or staff: run seed_scale first)."""


@dataclass
class Run:
    seconds: float
    queries: int
    selects: int
    found: dict[str, int]
    created: dict[str, int]
    unique: int
    select_seconds: float = 0.0  # in the database, reading
    write_seconds: float = 0.0  # in the database, writing (savepoints included)

    @property
    def writes(self) -> int:
        return self.queries - self.selects


@dataclass
class Report:
    today: datetime.date
    database: str
    staff: int
    courts: int
    tasks: Counter = field(default_factory=Counter)
    setup: dict[str, Any] = field(default_factory=dict)
    runs: list[Run] = field(default_factory=list)
    # Each source's own time (its queries and its Python), before the first run (everything
    # new) and after the second (everything told).
    read_before: dict[str, float] = field(default_factory=dict)
    read_after: dict[str, float] = field(default_factory=dict)

    def table(self) -> str:
        first, second = self.runs
        names = sorted(set(first.found) | set(first.created))
        lines = [
            f"reminder sweep on {self.database}, today {self.today.isoformat()}: {self.courts} "
            f"courts, {self.staff} serving staff, {sum(self.tasks.values())} declaration tasks "
            f"({', '.join(f'{k} {v}' for k, v in sorted(self.tasks.items()))})",
            f"set-up: {', '.join(f'{k} {v}' for k, v in self.setup.items())}",
            "",
            f"{'source':<28}{'due':>9}{'created 1st':>12}{'created 2nd':>12}"
            f"{'source s 1st':>13}{'source s 2nd':>13}",
        ]
        for name in names:
            lines.append(
                f"{name:<28}{first.found.get(name, 0):>9}{first.created.get(name, 0):>12}"
                f"{second.created.get(name, 0):>12}{self.read_before.get(name, 0):>13.2f}"
                f"{self.read_after.get(name, 0):>13.2f}"
            )
        lines.append("")
        lines.append(
            f"{'run':<5}{'seconds':>9}{'queries':>9}{'selects':>9}{'writes':>8}"
            f"{'select s':>10}{'write s':>9}{'python s':>10}"
        )
        for number, run in enumerate(self.runs, 1):
            flag = "" if run.seconds < TARGET_SECONDS else f"  over {TARGET_SECONDS:g} s"
            python = run.seconds - run.select_seconds - run.write_seconds
            lines.append(
                f"{number:<5}{run.seconds:>9.1f}{run.queries:>9}{run.selects:>9}{run.writes:>8}"
                f"{run.select_seconds:>10.1f}{run.write_seconds:>9.1f}{python:>10.1f}{flag}"
            )
        return "\n".join(lines)


# --- set-up -------------------------------------------------------------------------------------
def ensure_role_holders() -> dict[str, int]:
    """A chief's login for each department, a leader's and an officer's for each court, where
    missing (usernames ``bench_chief_d<department>``, ``bench_leader_c<court>``,
    ``bench_officer_c<court>``; no password: nobody logs in with them)."""
    existing = set(
        User.objects.filter(username__startswith="bench_").values_list("username", flat=True)
    )
    with_login = set(User.objects.exclude(staff=None).values_list("staff_id", flat=True))
    tops = set(Court.objects.filter(parent__isnull=True).values_list("pk", flat=True))
    chiefs: dict[int, tuple[int, int, bool]] = {}  # department → (staff, court, is a chief)
    leaders: dict[int, tuple[int, bool]] = {}  # court → (staff, is a leader)
    officers: dict[int, int] = {}  # court → staff
    rows = (
        StaffMember.objects.filter(status=StaffMember.Status.SERVING)
        .order_by("pk")
        .values_list("pk", "court_id", "department_id", "post")
    )
    for pk, court_id, department_id, post in rows.iterator(chunk_size=BATCH):
        if pk in with_login:
            continue
        if post in ("president", "vice_president"):
            # A president before a vice president.
            if court_id not in leaders or (post == "president" and not leaders[court_id][1]):
                leaders[court_id] = (pk, post == "president")
        elif post == "administrative" and court_id not in officers:
            officers[court_id] = pk
        elif department_id and (
            department_id not in chiefs or (post == "chief" and not chiefs[department_id][2])
        ):
            chiefs[department_id] = (pk, court_id, post == "chief")
    wanted: list[tuple[str, int, str, int, int | None, bool]] = []
    for department_id, (staff_id, court_id, _chief) in chiefs.items():
        wanted.append(
            (f"bench_chief_d{department_id}", staff_id, Role.CHIEF, court_id, department_id, False)
        )
    for court_id, (staff_id, _leader) in leaders.items():
        wanted.append((f"bench_leader_c{court_id}", staff_id, Role.LEADER, court_id, None, False))
    for court_id, staff_id in officers.items():
        wanted.append(
            (f"bench_officer_c{court_id}", staff_id, Role.OFFICER, court_id, None, court_id in tops)
        )
    wanted = [row for row in wanted if row[0] not in existing]
    made = Counter()
    for start in range(0, len(wanted), BATCH):
        chunk = wanted[start : start + BATCH]
        with transaction.atomic():
            users = User.objects.bulk_create(
                [
                    User(username=name, staff_id=staff_id, password=make_password(None))
                    for name, staff_id, *_rest in chunk
                ]
            )
            if any(user.pk is None for user in users):
                ids = dict(
                    User.objects.filter(username__in=[u.username for u in users]).values_list(
                        "username", "pk"
                    )
                )
                for user in users:
                    user.pk = ids[user.username]
            RoleAssignment.objects.bulk_create(
                RoleAssignment(
                    user_id=user.pk,
                    role=role,
                    court_id=court_id,
                    department_id=department_id,
                    covers_subordinates=covers,
                )
                for user, (_n, _s, role, court_id, department_id, covers) in zip(
                    users, chunk, strict=True
                )
            )
        made.update(role for _n, _s, role, *_rest in chunk)
    return {f"{role} logins made": count for role, count in sorted(made.items())}


class JsonChain(Func):
    """The chain of a department staff member, built in the database from the row's court and
    department: the division chief, then a leader of the court."""

    output_field = Declaration._meta.get_field("chain")

    def __init__(self) -> None:
        super().__init__(F("court_id"), F("department_id"), F("court_id"))

    def as_sql(self, compiler, connection, **extra):
        array, obj = (
            ("jsonb_build_array", "jsonb_build_object")
            if connection.vendor == "postgresql"
            else ("json_array", "json_object")
        )
        template = (
            f"{array}({obj}('role', 'chief', 'court', %(e1)s, 'department', %(e2)s), "
            f"{obj}('role', 'leader', 'court', %(e3)s, 'department', NULL))"
        )
        parts, params = [], []
        for expression in self.source_expressions:
            sql, more = compiler.compile(expression)
            parts.append(sql)
            params.extend(more)
        return template % {"e1": parts[0], "e2": parts[1], "e3": parts[2]}, params


def open_campaigns(today: datetime.date) -> list[Campaign]:
    """Close earlier bench campaigns; open one per top court over its whole tree, due
    DAYS_OVERDUE days ago, through the declaration service."""
    Campaign.objects.filter(title=TITLE, status=Campaign.Status.OPEN).update(
        status=Campaign.Status.CLOSED, closed_at=timezone.now()
    )
    due_on = today - datetime.timedelta(days=DAYS_OVERDUE)
    opened = []
    # The service schedules a sweep when it commits; the benchmark runs (and times) the sweep
    # itself, so that queued one must not race it.
    with mock.patch.object(notify_services, "sweep_soon", return_value=None):
        for court in Court.objects.filter(parent__isnull=True, is_active=True).order_by("pk"):
            opened.append(
                declaration_services.campaign_open(
                    actor=None,
                    kind=Campaign.Kind.RELATIVES,
                    title=TITLE,
                    court=court,
                    covers_subordinates=True,
                    period_start=due_on - datetime.timedelta(days=365),
                    period_end=due_on,
                    due_on=due_on,
                )
            )
    return opened


def mix_tasks(campaigns: list[Campaign], today: datetime.date) -> Counter:
    """Move part of the department staff's tasks on (by id modulo 20, see MIX), in one UPDATE
    per state."""
    now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(9)))
    days = datetime.timedelta
    tasks = Declaration.objects.filter(
        campaign__in=campaigns,
        status=Declaration.Status.PENDING,
        department__isnull=False,
        staff__post__in=DEPARTMENT_POSTS,
    ).alias(bucket=Mod("id", 20))
    changes = {
        "returned": {
            "status": Declaration.Status.RETURNED,
            "filed_at": now - days(14),
            "returned_at": now - days(12),
            "return_reason": "未写明律师执业证号，请补充后重新填报。",
        },
        "awaiting chief": {
            "status": Declaration.Status.FILED,
            "filed_at": now - days(6),
            "next_role": Role.CHIEF,
            "next_court": F("court_id"),
            "next_department": F("department_id"),
        },
        "awaiting leader": {
            "status": Declaration.Status.FILED,
            "filed_at": now - days(9),
            "signatures_done": 1,
            "next_role": Role.LEADER,
            "next_court": F("court_id"),
            "next_department": None,
        },
        "signed": {
            "status": Declaration.Status.SIGNED,
            "filed_at": now - days(15),
            "signed_at": now - days(5),
            "signatures_done": 2,
            "has_nothing": True,
        },
    }
    for state, (low, high) in MIX.items():
        tasks.filter(bucket__gte=low, bucket__lt=high).update(
            chain=JsonChain(), updated_at=Value(now), **changes[state]
        )
    return Counter(
        dict(
            Declaration.objects.filter(campaign__in=campaigns)
            .values_list("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )
    )


# --- the timed runs -----------------------------------------------------------------------------
def timed_sweep(today: datetime.date) -> Run:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = engine.sweep(today)
        seconds = time.perf_counter() - started
    created = Counter()
    for kind, count in (
        Notification.objects.filter(sweep=result.run)
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    ):
        created[SOURCE_OF_KIND.get(kind, kind)] += count
    selects, select_seconds, write_seconds = 0, 0.0, 0.0
    for query in queries.captured_queries:
        if query["sql"].lstrip().upper().startswith("SELECT"):
            selects += 1
            select_seconds += float(query["time"])
        else:
            write_seconds += float(query["time"])
    return Run(
        seconds=seconds,
        queries=len(queries.captured_queries),
        selects=selects,
        found=dict(result.found),
        created=dict(created),
        unique=getattr(result, "unique", 0),
        select_seconds=select_seconds,
        write_seconds=write_seconds,
    )


def run(*, today: datetime.date | None = None, out: TextIO | None = None) -> Report:
    today = today or timezone.localdate()
    courts = Court.objects.count()
    staff = StaffMember.objects.filter(status=StaffMember.Status.SERVING).count()
    if not courts or not staff:
        raise BenchError("No courts or staff: run seed_scale (or make bench) first.")
    report = Report(today=today, database=connection.vendor, staff=staff, courts=courts)

    def say(message: str) -> None:
        if out is not None:
            out.write(message)

    started = time.perf_counter()
    report.setup.update(ensure_role_holders())
    say(f"role holders ready in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    campaigns = open_campaigns(today)
    report.setup["campaigns opened"] = len(campaigns)
    say(f"{len(campaigns)} campaigns opened in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    report.tasks = mix_tasks(campaigns, today)
    say(f"tasks mixed in {time.perf_counter() - started:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Declaration, User, RoleAssignment, Notification):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    events.record(
        actor=None,
        action="ledgers.bench_sweep",
        actor_name="bench_sweep",
        changes={
            "today": today.isoformat(),
            **report.setup,
            "campaigns": [c.pk for c in campaigns],
            "tasks": dict(report.tasks),
        },
    )
    report.read_before = time_sources(today)
    for number in (1, 2):
        report.runs.append(timed_sweep(today))
        say(f"sweep {number}: {report.runs[-1].seconds:.1f} s")
    report.read_after = time_sources(today)
    return report


def time_sources(today: datetime.date) -> dict[str, float]:
    """Each source on its own (they only read)."""
    seconds = {}
    for name, source in engine.sources().items():
        started = time.perf_counter()
        source(today)
        seconds[name] = time.perf_counter() - started
    return seconds
