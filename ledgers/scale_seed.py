"""The national-size load behind ``manage.py seed_scale`` (issue 3, "Scale and speed").

DESIGN.md asks the ledgers to carry the whole country: about 3,500 courts, 350,000 staff and
millions of ledger records on PostgreSQL. This module builds such a tree (31 provinces, their
intermediate and basic courts, departments and staff with plausible Chinese names) and tops the
six ledger tables up to a requested number of records, fast enough that a million records load
in minutes: rows are built in Python once, ``search_text`` is filled by the models' own
:meth:`~ledgers.models.LedgerRecord.refresh_search_text`, and the rows go in with ``COPY`` on
PostgreSQL and ``bulk_create`` elsewhere, one transaction per batch.

It is a bulk load, not a series of user actions: no service runs per row and no audit event is
written per row; one summary event records the load. The values respect every model
constraint and ``clean()`` rule, so that any record survives ``full_clean()``.

The tree is keyed by court code (京, 京01, 京0101 ...). A court whose code already exists (the
demo province 辽 shares codes with it) is reused, never duplicated; staff are keyed by court and
staff number (``N00001`` ...), departments by court and name. Re-running with a larger
``--records`` only adds the missing records.
"""

from __future__ import annotations

import bisect
import datetime
import io
import itertools
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.db import connection, models, transaction
from django.utils import timezone

from integrity.access import services as access_services
from integrity.access.models import Role, RoleAssignment, User
from integrity.audit import events
from integrity.org import demo_data
from integrity.org.models import Court, Department, StaffMember
from ledgers import rules
from ledgers import scale_data as data
from ledgers.models import (
    ContactApproval,
    ContactCase,
    DepartureRecord,
    InterferenceRecord,
    LedgerRecord,
    RelativePractice,
    UnplannedContactReport,
)

DEFAULT_SEED = 20261121
DEFAULT_COURTS = 3500
DEFAULT_STAFF_PER_COURT = 100
DEFAULT_BATCH = 20_000

# How the records split across the ledgers (weights, in the order of RECORD_MODELS).
RECORD_MODELS: tuple[type[LedgerRecord], ...] = (
    InterferenceRecord,
    ContactCase,
    ContactApproval,
    UnplannedContactReport,
    RelativePractice,
    DepartureRecord,
)
RECORD_WEIGHTS = (35, 8, 22, 15, 12, 8)
VOIDED_SHARE = 0.02
CONFIDENTIAL_SHARE = 0.03
FIRST_DAY = datetime.date(2019, 1, 1)
LAST_DAY = datetime.date(2026, 9, 30)

# The logins the benchmark acts as: a basic-court officer (their court only), an
# intermediate-court leader and the high court's supervision staff (each with the courts below).
BENCH_LOGINS = (
    ("bench_officer", Role.OFFICER, Court.Level.BASIC, False),
    ("bench_leader", Role.LEADER, Court.Level.INTERMEDIATE, True),
    ("bench_supervisor", Role.SUPERVISOR, Court.Level.HIGH, True),
)


# --- small helpers ------------------------------------------------------------------------------
class Weighted:
    """Draw from a weighted table with one random number (``random.choices`` per call is slow)."""

    def __init__(self, pairs: Sequence[tuple[Any, float]]) -> None:
        self.values = [value for value, _weight in pairs]
        self.cumulative = list(itertools.accumulate(weight for _value, weight in pairs))
        self.total = self.cumulative[-1]

    def draw(self, rng: random.Random) -> Any:
        return self.values[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


def pick(rng: random.Random, values: Sequence[Any]) -> Any:
    return values[int(rng.random() * len(values))]


def apportion(total: int, weights: Sequence[float], minimum: int = 0) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainders), at least ``minimum``
    each (as far as ``total`` allows)."""
    counts = [minimum] * len(weights)
    rest = max(total - minimum * len(weights), 0)
    whole = sum(weights)
    shares = [rest * weight / whole for weight in weights]
    for index, share in enumerate(shares):
        counts[index] += int(share)
    left = total - sum(counts)
    by_remainder = sorted(range(len(weights)), key=lambda i: shares[i] - int(shares[i]))
    for index in reversed(by_remainder[-left:] if left > 0 else []):
        counts[index] += 1
    return counts


def day_between(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=int(rng.random() * ((last - first).days + 1)))


def later(day: datetime.date, rng: random.Random, low: int, high: int) -> datetime.date:
    return day + datetime.timedelta(days=low + int(rng.random() * (high - low + 1)))


class Names:
    """Chinese personal names drawn with the demo tables' surname frequencies."""

    def __init__(self) -> None:
        self.surnames = Weighted(demo_data.SURNAMES)
        self.pools = {
            "m": demo_data.GIVEN_NAME_CHARS_MALE,
            "f": demo_data.GIVEN_NAME_CHARS_FEMALE,
        }
        self.neutral = {g: demo_data.GIVEN_NAME_CHARS_NEUTRAL + p for g, p in self.pools.items()}

    def person(self, rng: random.Random, surname: str = "") -> tuple[str, str]:
        gender = "m" if rng.random() < 0.55 else "f"
        given = pick(rng, self.pools[gender])
        if rng.random() < 0.7:
            given = pick(rng, self.neutral[gender]) + given
        return (surname or self.surnames.draw(rng)) + given, gender


# --- the tree -----------------------------------------------------------------------------------
@dataclass
class PlannedCourt:
    code: str
    name: str
    level: str
    parent_code: str | None
    province: str  # short name, for law firms
    pk: int | None = None
    path: str = ""


@dataclass
class Summary:
    courts_created: int = 0
    departments_created: int = 0
    staff_created: int = 0
    records_before: int = 0
    records_created: int = 0
    by_model: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def records_after(self) -> int:
        return self.records_before + self.records_created


def plan_courts(total: int, rng: random.Random, existing: dict[str, str]) -> list[PlannedCourt]:
    """The court tree for ``total`` courts, parents before children. ``existing`` maps the
    codes of courts already in the database to their names: such a court keeps its name, and a
    new court's name avoids them all (names are unique)."""
    provinces = data.PROVINCES[
        : min(len(data.PROVINCES), max(1, round(total * data.PROVINCE_SHARE)))
    ]
    n_intermediate = max(len(provinces), round(total * data.INTERMEDIATE_SHARE))
    n_basic = max(total - len(provinces) - n_intermediate, 0)
    per_province = apportion(n_intermediate, [p[3] for p in provinces], minimum=1)
    basic_per_province = apportion(n_basic, [p[4] for p in provinces])
    used = set(existing.values())

    def fresh(code: str, make: Callable[[], str]) -> str:
        # The first draw is made even for an existing court, so that the random stream (and
        # with it the rest of the tree) is the same whatever the database already holds.
        name = make()
        if code in existing:
            return existing[code]
        for attempt in range(2, 1000):
            if name not in used:
                used.add(name)
                return name
            name = make() if attempt < 20 else f"{make()}（{attempt}）"
        raise RuntimeError("could not find an unused court name")

    courts: list[PlannedCourt] = []
    for (code, full, short, _cities, _counties), n_mid, n_low in zip(
        provinces, per_province, basic_per_province, strict=True
    ):
        courts.append(
            PlannedCourt(code, fresh(code, lambda f=full: f"{f}高级人民法院"), "high", None, short)
        )
        basics = apportion(n_low, [1] * n_mid)
        for i in range(1, n_mid + 1):
            mid_code = f"{code}{i:02d}"
            if code in data.MUNICIPALITIES:
                city = full
                ordinal = data.CHINESE_NUMERALS[i - 1] if i <= 10 else str(i)
                mid_name = fresh(mid_code, lambda f=full, o=ordinal: f"{f}第{o}中级人民法院")
            else:
                city = fresh(
                    "", lambda: pick(rng, data.PLACE_CHARS) + pick(rng, data.PLACE_CHARS) + "市"
                )
                mid_name = fresh(mid_code, lambda city=city: f"{city}中级人民法院")
                if mid_code in existing:  # an existing city court's basic courts share its city
                    city = existing[mid_code].removesuffix("中级人民法院")
            courts.append(PlannedCourt(mid_code, mid_name, "intermediate", code, short))
            for j in range(1, basics[i - 1] + 1):
                suffix = "区" if rng.random() < 0.4 or code in data.MUNICIPALITIES else "县"

                def county(city: str = city, suffix: str = suffix) -> str:
                    place = pick(rng, data.PLACE_CHARS) + pick(rng, data.PLACE_CHARS)
                    return f"{city}{place}{suffix}人民法院"

                low_code = f"{mid_code}{j:02d}"
                courts.append(
                    PlannedCourt(low_code, fresh(low_code, county), "basic", mid_code, short)
                )
    return courts


# --- bulk writing -------------------------------------------------------------------------------
def _copy_text(value: Any) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def bulk_insert(model: type[models.Model], objs: Sequence[models.Model], now: datetime.datetime):
    """Insert ``objs`` without signals or per-row queries: ``COPY`` on PostgreSQL (several
    times faster than multi-row INSERT), ``bulk_create`` elsewhere. Primary keys are not set on
    the objects by the ``COPY`` path."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objs)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for obj in objs:
                setattr(obj, f.attname, now)
    attnames = [f.attname for f in fields]
    buffer = io.StringIO()
    for obj in objs:
        values = obj.__dict__
        buffer.write("\t".join([_copy_text(values[name]) for name in attnames]))
        buffer.write("\n")
    buffer.seek(0)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN", buffer
        )


# --- the records --------------------------------------------------------------------------------
@dataclass
class StaffRow:
    """What a generated record needs of its staff member (and the court it belongs to)."""

    member: StaffMember
    court: PlannedCourt


RELATIONSHIP_WEIGHTS = Weighted(data.RELATIONSHIP_WEIGHTS)
LEGAL_ROLE_WEIGHTS = Weighted(data.LEGAL_ROLE_WEIGHTS)
COUNTERPART_WEIGHTS = Weighted(data.COUNTERPART_WEIGHTS)
REGULATION_WEIGHTS = Weighted(data.REGULATION_WEIGHTS)
INTERFERENCE_STATUS = Weighted(data.INTERFERENCE_STATUS)
CONTACT_CASE_STATUS = Weighted(data.CONTACT_CASE_STATUS)
APPROVAL_STATUS = Weighted(data.APPROVAL_STATUS)
RECUSAL_STATUS = Weighted(data.RECUSAL_STATUS)
DEPARTED_STATUS = Weighted(data.DEPARTED_STATUS)


class RecordMaker:
    """Builds unsaved ledger records with plausible values for one staff member."""

    def __init__(self, names: Names, now: datetime.datetime) -> None:
        self.names = names
        self.now = now
        self.makers: dict[type[LedgerRecord], Callable[..., dict[str, Any]]] = {
            InterferenceRecord: self.interference,
            ContactCase: self.contact_case,
            ContactApproval: self.approval,
            UnplannedContactReport: self.report,
            RelativePractice: self.relative,
            DepartureRecord: self.departure,
        }

    def make(self, model: type[LedgerRecord], rng: random.Random, row: StaffRow) -> LedgerRecord:
        member = row.member
        values = self.makers[model](rng, row)
        if rng.random() < VOIDED_SHARE:
            values.update(voided_at=self.now, void_reason=pick(rng, data.VOID_REASONS))
        record = model(
            court_id=member.court_id,
            department_id=member.department_id,
            staff=member,
            is_confidential=rng.random() < CONFIDENTIAL_SHARE,
            **values,
        )
        record.refresh_search_text()
        return record

    # -- shared pieces --
    def case_number(self, rng: random.Random, court: PlannedCourt, year: int) -> str:
        codes = data.CASE_TYPES_BASIC if court.level == "basic" else data.CASE_TYPES_UPPER
        return f"({year}){court.code}{pick(rng, codes)}{1 + int(rng.random() * 20000)}号"

    @staticmethod
    def licence(rng: random.Random) -> str:
        return f"1{int(rng.random() * 10**16):016d}"

    def law_firm(self, rng: random.Random, court: PlannedCourt) -> str:
        return f"{court.province}{pick(rng, data.FIRM_WORDS)}律师事务所"

    def counterpart(self, rng: random.Random, row: StaffRow, day: datetime.date) -> dict:
        kind = COUNTERPART_WEIGHTS.draw(rng)
        values = {
            "counterpart_type": kind,
            "counterpart_name": self.names.person(rng)[0],
            "counterpart_firm": "",
            "licence_number": "",
            "intermediary_kind": "",
            "case_number": "",
        }
        if kind == "lawyer":
            values["counterpart_firm"] = self.law_firm(rng, row.court)
            values["licence_number"] = self.licence(rng)
        elif kind == "intermediary":
            intermediary = pick(rng, list(data.INTERMEDIARY_SUFFIX))
            values["intermediary_kind"] = intermediary
            word = pick(rng, data.FIRM_WORDS)
            values["counterpart_firm"] = (
                f"{row.court.province}{word}{data.INTERMEDIARY_SUFFIX[intermediary]}"
            )
        if kind != "special_relation" and rng.random() < 0.6:
            values["case_number"] = self.case_number(rng, row.court, day.year)
        return values

    # -- one method per ledger --
    def interference(self, rng: random.Random, row: StaffRow) -> dict[str, Any]:
        day = day_between(rng, FIRST_DAY, LAST_DAY)
        regulation = REGULATION_WEIGHTS.draw(rng)
        kind = {"internal": "internal", "leading_cadre": "external_cadre"}.get(regulation, "other")
        year = day.year - 1 if rng.random() < 0.3 else day.year
        number = self.case_number(rng, row.court, year)
        type_code = number.split(row.court.code, 1)[1].rstrip("0123456789号")
        status = INTERFERENCE_STATUS.draw(rng)
        values: dict[str, Any] = {
            "regulation": regulation,
            "report_form": "deputy_attention" if rng.random() < 0.03 else "three_rules",
            "case_number": number,
            "case_stage": "filing"
            if rng.random() < 0.05
            else data.STAGE_OF_TYPE.get(type_code, "trial"),
            "interferer_kind": kind,
            "interferer_name": self.names.person(rng)[0],
            "interferer_unit": pick(
                rng, data.UNITS_INTERNAL if kind == "internal" else data.UNITS_EXTERNAL
            )
            if kind != "other"
            else "",
            "interferer_post": pick(
                rng, data.POSTS_INTERNAL if kind == "internal" else data.POSTS_EXTERNAL
            )
            if kind != "other"
            else "",
            "interferer_contact": f"13{int(rng.random() * 10**9):09d}",
            "interferer_relation": pick(rng, data.RELATIONS),
            "occurred_on": day,
            "place": pick(rng, data.PLACES),
            "method": pick(rng, InterferenceRecord.Method.values),
            "content": pick(rng, data.INQUIRY_CONTENT),
            "status": status,
        }
        if status != "recorded":
            improper = rng.random() < 0.3
            values.update(
                nature="improper" if improper else "within_duty",
                improper_kind=pick(rng, InterferenceRecord.ImproperKind.values) if improper else "",
                recorded_in_file=True,
                refused=improper,
                reported_to_leadership=improper,
                reported_to_discipline=improper and status in {"reported", "closed"},
                notified=improper and status == "closed" and rng.random() < 0.3,
                screened_on=later(day, rng, 1, 30),
                screening_note=data.SCREENING_NOTES[improper],
            )
        return values

    def contact_case(self, rng: random.Random, row: StaffRow) -> dict[str, Any]:
        day = day_between(rng, FIRST_DAY, LAST_DAY)
        status = CONTACT_CASE_STATUS.draw(rng)
        values = self.counterpart(rng, row, day)
        values.update(
            behaviour=pick(rng, ContactCase.Behaviour.values),
            occurred_on=day,
            description=pick(rng, data.CONTACT_DESCRIPTIONS),
            clue_source=pick(rng, ContactCase.ClueSource.values),
            status=status,
        )
        if status == "handled":
            values.update(
                verification="substantiated" if rng.random() < 0.7 else "partly",
                verification_note="经核查，反映问题属实",
                handling=pick(rng, ContactCase.Handling.values),
                handled_on=later(day, rng, 30, 200),
            )
            if rng.random() < 0.3:
                values["referral_number"] = f"纪移〔{day.year}〕{1 + int(rng.random() * 300)}号"
        elif status == "dismissed":
            values.update(verification="unsubstantiated", verification_note="经核查，反映不实")
        return values

    def approval(self, rng: random.Random, row: StaffRow) -> dict[str, Any]:
        day = day_between(rng, FIRST_DAY, LAST_DAY)
        status = APPROVAL_STATUS.draw(rng)
        values = self.counterpart(rng, row, day)
        values.update(
            planned_on=day,
            place=pick(rng, data.PLACES[3:]),
            purpose=pick(rng, data.APPROVAL_PURPOSES),
        )
        values["status"] = status
        if status in {"approved", "refused"}:
            values.update(
                decided_on=day - datetime.timedelta(days=1 + int(rng.random() * 7)),
                decision_note=data.DECISION_NOTES[1]
                if status == "refused"
                else data.DECISION_NOTES[0],
            )
        return values

    def report(self, rng: random.Random, row: StaffRow) -> dict[str, Any]:
        day = day_between(rng, FIRST_DAY, LAST_DAY)
        values = self.counterpart(rng, row, day)
        reviewed = rng.random() < 0.7
        values.update(
            contact_on=day,
            reported_on=later(day, rng, 0, 3 if rng.random() < 0.9 else 10),
            place=pick(rng, data.PLACES[2:]),
            circumstances=pick(rng, data.CIRCUMSTANCES),
            review_note=pick(rng, data.REVIEW_NOTES) if reviewed else "",
            status="reviewed" if reviewed else "submitted",
        )
        return values

    def relative(self, rng: random.Random, row: StaffRow) -> dict[str, Any]:
        member = row.member
        relationship = RELATIONSHIP_WEIGHTS.draw(rng)
        surname = member.name[:1] if relationship in data.SAME_SURNAME else ""
        role = LEGAL_ROLE_WEIGHTS.draw(rng)
        in_area = rng.random() < 0.5
        acts = rng.random() < 0.2
        reported = day_between(rng, FIRST_DAY, LAST_DAY)
        values: dict[str, Any] = {
            "relative_name": self.names.person(rng, surname)[0],
            "relationship": relationship,
            "law_firm": self.law_firm(rng, row.court),
            "licence_number": self.licence(rng) if role in {"partner", "lawyer"} else "",
            # The firm's area is the staff member's own court (within its jurisdiction) or
            # unknown: the recusal decision below follows from the same facts clean() uses.
            "firm_area_id": member.court_id if in_area else None,
            "role": role,
            "acts_in_jurisdiction": acts,
            "practising_since": reported - datetime.timedelta(days=int(rng.random() * 3650)),
            "reported_on": reported,
        }
        required = rules.recusal_required(
            relationship=relationship,
            role=role,
            is_leading_cadre=member.is_leading_cadre,
            is_trial_post=member.is_trial_post,
            firm_in_jurisdiction=in_area,
            acts_in_jurisdiction=acts,
        )
        if required:
            status = RECUSAL_STATUS.draw(rng)
            values.update(status=status, recusal_required_on=reported)
            if status in {"pending", "implemented"} and rng.random() < 0.8:
                values["applied_on"] = later(reported, rng, 5, 30)
            if status == "implemented":
                values.update(
                    post_changed_on=later(reported, rng, 40, 180), new_post="综合办公室科员"
                )
            if status == "resolved":
                values["resolved_on"] = later(reported, rng, 10, 120)
        elif rng.random() < 0.1:
            values.update(status="resolved", resolved_on=later(reported, rng, 30, 700))
        else:
            values["status"] = "not_required"
        return values

    def departure(self, rng: random.Random, row: StaffRow) -> dict[str, Any]:
        member = row.member
        left_on = member.left_on or day_between(rng, FIRST_DAY, LAST_DAY)
        how = member.status if member.status != "serving" else pick(rng, ["retired", "resigned"])
        return {
            "left_on": left_on,
            "how": how,
            "last_post": member.post,
            "last_grade": member.grade,
            "was_leadership": member.post in {"president", "vice_president"},
            "senior_assistant": member.post == "assistant" and rng.random() < 0.05,
            "was_leading_cadre": member.is_leading_cadre,
            "briefing_on": left_on - datetime.timedelta(days=1 + int(rng.random() * 20))
            if rng.random() < 0.8
            else None,
            "pledge_signed_on": left_on - datetime.timedelta(days=int(rng.random() * 10))
            if rng.random() < 0.8
            else None,
            "current_employer": pick(rng, data.EMPLOYERS),
            "current_activity": pick(rng, data.ACTIVITIES),
            "status": "ended" if left_on < datetime.date(2023, 9, 1) else "following",
        }


# --- the seeder ---------------------------------------------------------------------------------
POST_CYCLE = [
    "chief",
    "judge",
    "assistant",
    "clerk",
    "judge",
    "deputy_chief",
    "enforcement_officer",
    "administrative",
    "judge",
    "bailiff",
    "assistant",
    "clerk",
]


class ScaleSeeder:
    """Loads the national tree and tops the ledgers up to a number of records."""

    def __init__(
        self,
        *,
        seed: int = DEFAULT_SEED,
        courts: int = DEFAULT_COURTS,
        staff_per_court: int = DEFAULT_STAFF_PER_COURT,
        batch_size: int = DEFAULT_BATCH,
        out: TextIO | None = None,
    ) -> None:
        self.seed = seed
        self.total_courts = courts
        self.staff_per_court = staff_per_court
        self.batch_size = batch_size
        self.out = out
        self.names = Names()
        self.now = timezone.now()
        self.summary = Summary()
        self.courts: list[PlannedCourt] = []

    def say(self, message: str) -> None:
        if self.out is not None:
            self.out.write(message + "\n")
            self.out.flush()

    def run(self, records: int) -> Summary:
        started = time.perf_counter()
        with transaction.atomic():
            self.load_courts()
            departments = self.load_departments()
        self.lap("courts and departments", started)
        mark = time.perf_counter()
        self.load_staff(departments)
        self.lap("staff", mark)
        mark = time.perf_counter()
        with transaction.atomic():
            self.ensure_logins()
        self.lap("logins", mark)
        mark = time.perf_counter()
        self.load_records(records)
        self.lap("records", mark)
        if self.summary.records_created or self.summary.staff_created:
            mark = time.perf_counter()
            self.analyze()
            self.lap("analyze", mark)
        self.summary.seconds["total"] = round(time.perf_counter() - started, 1)
        events.record(
            actor=None,
            action="ledgers.seed_scale",
            actor_name="seed_scale",
            changes={
                "seed": self.seed,
                "courts": len(self.courts),
                "courts_created": self.summary.courts_created,
                "departments_created": self.summary.departments_created,
                "staff_created": self.summary.staff_created,
                "records_before": self.summary.records_before,
                "records_created": self.summary.records_created,
                "records_by_ledger": self.summary.by_model,
                "seconds": self.summary.seconds,
            },
        )
        return self.summary

    def lap(self, what: str, since: float) -> None:
        seconds = round(time.perf_counter() - since, 1)
        self.summary.seconds[what] = seconds
        self.say(f"  {what}: {seconds} s")

    # -- courts --
    def load_courts(self) -> None:
        existing = {c.code: c for c in Court.objects.only("id", "code", "name", "path")}
        rng = random.Random(f"{self.seed}:courts")  # noqa: S311 - test data, not secrets
        planned = plan_courts(self.total_courts, rng, {c.code: c.name for c in existing.values()})
        by_code = {court.code: court for court in planned}
        for court in planned:
            if court.code in existing:
                found = existing[court.code]
                court.pk, court.path, court.name = found.pk, found.path, found.name
        for level in ("high", "intermediate", "basic"):
            new = [c for c in planned if c.level == level and c.pk is None]
            rows = [
                Court(
                    code=c.code,
                    name=c.name,
                    level=c.level,
                    parent_id=by_code[c.parent_code].pk if c.parent_code else None,
                    region=c.name.removesuffix("人民法院")
                    .removesuffix("高级")
                    .removesuffix("中级"),
                )
                for c in new
            ]
            created = Court.objects.bulk_create(rows, batch_size=500)
            if created and created[0].pk is None:  # a backend that returns no ids
                ids = dict(
                    Court.objects.filter(code__in=[c.code for c in new]).values_list("code", "id")
                )
                for row in created:
                    row.pk = ids[row.code]
            for plan, row in zip(new, created, strict=True):
                plan.pk = row.pk
                parent_path = by_code[plan.parent_code].path if plan.parent_code else ""
                plan.path = parent_path + row.segment()
                row.path = plan.path
            Court.objects.bulk_update(created, ["path"], batch_size=500)
            self.summary.courts_created += len(created)
        self.courts = planned
        self.say(f"  courts: {len(planned)} in the tree, {self.summary.courts_created} new")

    # -- departments --
    def load_departments(self) -> dict[int, list[Department]]:
        court_ids = [c.pk for c in self.courts]
        have = set(
            Department.objects.filter(court_id__in=court_ids).values_list("court_id", "name")
        )
        new = [
            Department(court_id=court.pk, name=name, is_trial=name in demo_data.TRIAL_DEPARTMENTS)
            for court in self.courts
            for name in demo_data.DEPARTMENTS[court.level]
            if (court.pk, name) not in have
        ]
        Department.objects.bulk_create(new, batch_size=2000)
        self.summary.departments_created = len(new)
        wanted = {
            (court.pk, name) for court in self.courts for name in self.department_names(court)
        }
        by_court: dict[int, list[Department]] = {}
        rows = Department.objects.filter(court_id__in=court_ids).only("id", "court_id", "name")
        for department in rows.order_by("id").iterator(chunk_size=5000):
            if (department.court_id, department.name) in wanted:
                department.is_trial = department.name in demo_data.TRIAL_DEPARTMENTS
                by_court.setdefault(department.court_id, []).append(department)
        self.say(f"  departments: {len(new)} new")
        return by_court

    @staticmethod
    def department_names(court: PlannedCourt) -> list[str]:
        return demo_data.DEPARTMENTS[court.level]

    # -- staff --
    def staff_count(self, court: PlannedCourt) -> int:
        return max(1, round(self.staff_per_court * data.STAFF_FACTOR[court.level]))

    def load_staff(self, departments: dict[int, list[Department]]) -> None:
        rng = random.Random(f"{self.seed}:staff")  # noqa: S311 - test data, not secrets
        have = set(
            StaffMember.objects.filter(
                court_id__in=[c.pk for c in self.courts],
                staff_number__startswith=data.STAFF_NUMBER_PREFIX,
            ).values_list("court_id", "staff_number")
        )
        batch: list[StaffMember] = []
        for court in self.courts:
            # Departments in the order of the level's list, so posts land the same every run.
            order = {name: i for i, name in enumerate(self.department_names(court))}
            depts = sorted(departments.get(court.pk, []), key=lambda d: order.get(d.name, 99))
            trial = [d for d in depts if d.is_trial]
            other = [d for d in depts if not d.is_trial] or depts
            for number in range(self.staff_count(court)):
                member = self.staff_member(rng, court, number, trial, other)
                if (court.pk, member.staff_number) in have:
                    continue
                batch.append(member)
                if len(batch) >= self.batch_size:
                    self.write_staff(batch)
                    batch = []
        self.write_staff(batch)
        self.say(f"  staff: {self.summary.staff_created} new")

    def write_staff(self, batch: list[StaffMember]) -> None:
        with transaction.atomic():
            bulk_insert(StaffMember, batch, self.now)
        self.summary.staff_created += len(batch)

    def staff_member(
        self,
        rng: random.Random,
        court: PlannedCourt,
        number: int,
        trial: list[Department],
        other: list[Department],
    ) -> StaffMember:
        name, gender = self.names.person(rng)
        department: Department | None = None
        if number == 0:
            post = "president"
        elif number == 1:
            post = "vice_president"
        else:
            post = POST_CYCLE[(number - 2) % len(POST_CYCLE)]
            if post in {"administrative", "bailiff"} or not trial:
                department = pick(rng, other) if other else None
            elif post == "enforcement_officer":
                department = next((d for d in trial if d.name == "执行局"), trial[0])
            else:
                department = trial[(number - 2) // len(POST_CYCLE) % len(trial)]
        top = demo_data.TOP_GRADES[court.level]
        grade = {
            "president": top[0],
            "vice_president": top[1],
            "chief": top[2],
            "deputy_chief": "judge_1",
            "judge": pick(rng, ["judge_1", "judge_2", "judge_3", "judge_4"]),
        }.get(post, "")
        departed = rng.random() < data.DEPARTED_SHARE and post not in {
            "president",
            "vice_president",
        }
        joined = datetime.date(1985 + int(rng.random() * 38), 1 + int(rng.random() * 12), 1)
        status, left_on = StaffMember.Status.SERVING, None
        if departed:
            status = DEPARTED_STATUS.draw(rng)
            left_on = day_between(rng, FIRST_DAY, LAST_DAY)
        return StaffMember(
            court_id=court.pk,
            department_id=department.pk if department else None,
            name=name,
            staff_number=f"{data.STAFF_NUMBER_PREFIX}{number + 1:05d}",
            gender=gender,
            post=post,
            grade=grade,
            is_leading_cadre=post in demo_data.CADRE_POSTS,
            is_trial_post=(post in demo_data.TRIAL_POSTS and department in trial)
            or post in {"president", "vice_president"},
            status=status,
            joined_on=joined,
            left_on=left_on,
        )

    # -- logins --
    def bench_courts(self) -> dict[str, PlannedCourt]:
        """The busiest jurisdictions: the province with the most courts, its intermediate
        court with the most basic courts, and the first basic court of that one."""
        children: dict[str | None, list[PlannedCourt]] = {}
        for court in self.courts:
            children.setdefault(court.parent_code, []).append(court)

        def size(court: PlannedCourt) -> int:
            return 1 + sum(size(child) for child in children.get(court.code, []))

        high = max(children[None], key=size)
        mid = max(children.get(high.code, [high]), key=size)
        low = children.get(mid.code, [mid])[0]
        return {"high": high, "intermediate": mid, "basic": low}

    def ensure_logins(self) -> None:
        courts = self.bench_courts()
        for username, role, level, covers in BENCH_LOGINS:
            court = Court.objects.get(pk=courts[level].pk)
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username)
                # No password: the benchmark logs in with force_login, nobody else can.
                user.set_unusable_password()
            if user.staff is None or user.staff.court_id != court.pk:
                user.staff = (
                    StaffMember.objects.filter(
                        court=court, user__isnull=True, status=StaffMember.Status.SERVING
                    )
                    .order_by("id")
                    .first()
                )
                access_services.user_save(actor=None, user=user)
            assignments = RoleAssignment.objects.filter(user=user, is_active=True)
            for other in assignments.exclude(role=role, court=court):
                access_services.role_assignment_save(actor=None, assignment=other, is_active=False)
            if not assignments.filter(role=role, court=court).exists():
                access_services.role_assignment_save(
                    actor=None,
                    user=user,
                    role=role,
                    court=court,
                    covers_subordinates=covers,
                )

    # -- records --
    def count_records(self) -> dict[str, int]:
        return {m._meta.model_name: m._default_manager.count() for m in RECORD_MODELS}

    def load_records(self, target: int) -> None:
        before = self.count_records()
        self.summary.records_before = sum(before.values())
        missing = target - self.summary.records_before
        if missing <= 0:
            self.say(f"  records: {self.summary.records_before} present, none added")
            return
        pool, departed = self.staff_pool()
        maker = RecordMaker(self.names, self.now)
        choose = Weighted(list(zip(RECORD_MODELS, RECORD_WEIGHTS, strict=True)))
        by_model = {m._meta.model_name: 0 for m in RECORD_MODELS}
        start = self.summary.records_before
        while start < target:
            size = min(self.batch_size, target - start)
            # One stream per batch, named by where it starts: a top-up continues the sequence.
            rng = random.Random(f"{self.seed}:records:{start}")  # noqa: S311 - test data
            batch: dict[type[LedgerRecord], list[LedgerRecord]] = {m: [] for m in RECORD_MODELS}
            for _ in range(size):
                model = choose.draw(rng)
                source = departed if model is DepartureRecord and departed else pool
                batch[model].append(maker.make(model, rng, pick(rng, source)))
            with transaction.atomic():
                for model, objs in batch.items():
                    bulk_insert(model, objs, self.now)
                    by_model[model._meta.model_name] += len(objs)
            start += size
            self.summary.records_created += size
            if self.summary.records_created % 100_000 < size or start >= target:
                self.say(f"  records: {start} of {target}")
        self.summary.by_model = by_model

    def staff_pool(self) -> tuple[list[StaffRow], list[StaffRow]]:
        courts = {c.pk: c for c in self.courts}
        rows = (
            StaffMember.objects.filter(court_id__in=list(courts))
            .order_by("id")
            .values_list(
                "id",
                "court_id",
                "department_id",
                "name",
                "post",
                "grade",
                "is_leading_cadre",
                "is_trial_post",
                "status",
                "left_on",
            )
        )
        pool, departed = [], []
        for (
            pk,
            court_id,
            dept_id,
            name,
            post,
            grade,
            cadre,
            trial,
            status,
            left_on,
        ) in rows.iterator(chunk_size=20_000):
            member = StaffMember(
                id=pk,
                court_id=court_id,
                department_id=dept_id,
                name=name,
                post=post,
                grade=grade,
                is_leading_cadre=cadre,
                is_trial_post=trial,
                status=status,
                left_on=left_on,
            )
            row = StaffRow(member, courts[court_id])
            pool.append(row)
            if status != StaffMember.Status.SERVING and left_on:
                departed.append(row)
        return pool, departed

    def analyze(self) -> None:
        """Fresh planner statistics after a bulk load (autovacuum would get there later)."""
        if connection.vendor != "postgresql":
            return
        tables = [m._meta.db_table for m in (*RECORD_MODELS, StaffMember, Department, Court)]
        verb = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"{verb} {connection.ops.quote_name(table)}")
