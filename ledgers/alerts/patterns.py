"""Pattern alerts over time (issue 7 §3), run nightly (tasks.check_patterns) and by the command
``check_alerts --patterns``:

- **zero reports** (Rule.ZERO_REPORTS): a staff member whose last ``ALERT_ZERO_PERIODS`` filed
  三个规定 reports were all zero reports, while enough comparable peers (serving staff of the
  same court level and post, with a similar caseload in those periods) recorded inquiries;
  the same for a department whose staff filed only zero reports, against peer departments
  (same court level, trial or not, similar number of staff);
- **repeat actors** (Rule.REPEAT_ACTOR): the same lawyer, law firm or person named in at least
  ``ALERT_REPEAT_THRESHOLD`` records (interference records, improper contact cases, public
  complaints, follow-up visits) within ``ALERT_REPEAT_WINDOW_DAYS``.

Set-based: a fixed number of aggregate queries whatever the number of staff and records (the
database groups and counts; names are folded in Python over the grouped rows), then
:func:`services.raise_alerts` keeps one alert per set of facts and lapses the patterns that no
longer hold. What only moves with time (the running count of zero periods, the peers, the
counts by source) is the finding's ``detail``: it is shown, but never reopens a dismissed
alert; a new record, a new streak or another peer group does.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, Window
from django.db.models.functions import Coalesce, DenseRank
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.models import Complaint, Visit
from inspections.rules import LEADER_POSTS
from integrity.org.models import Case, CaseAgent, Court, Department, StaffMember
from ledgers import conflicts
from ledgers.conflicts import Rule
from ledgers.models import Campaign, ContactCase, Declaration, InterferenceRecord
from ledgers.models.contacts import Counterpart

from .services import Finding, Outcome, raise_alerts

PATTERN = "pattern"  # Alert.strength of every pattern alert
PATTERN_RULES = (Rule.ZERO_REPORTS, Rule.REPEAT_ACTOR)
KEY_MAX = 200  # Alert.key


def check_patterns(*, today: datetime.date | None = None) -> Outcome:
    """Every pattern over all courts as on ``today``: alerts for the patterns found, and the
    open pattern alerts not found again lapse."""
    today = today or timezone.localdate()
    findings = [*zero_report_findings(today), *repeat_actor_findings(today)]
    return raise_alerts(findings, covered=Q(rule__in=[str(rule) for rule in PATTERN_RULES]))


# --- Zero reports ---------------------------------------------------------------------------------
_FILED = (Declaration.Status.FILED, Declaration.Status.SIGNED)


@dataclass(frozen=True)
class Streak:
    """An unbroken run of zero reports ending with the latest filed report of its owner (a
    staff member or a department), at least ``ALERT_ZERO_PERIODS`` periods long."""

    owner: int
    since: datetime.date  # the first day of the streak's first period (its identity)
    latest: datetime.date  # the last day of the latest period
    periods: int  # zero periods in the streak so far
    window_start: datetime.date  # the first day of the ALERT_ZERO_PERIODS-th latest period
    court_id: int
    department_id: int | None
    level: str
    post: str = ""  # staff members
    is_trial: bool = False  # departments

    @property
    def window(self) -> tuple[datetime.date, datetime.date]:
        """The days of the threshold periods, over which caseloads and records are counted."""
        return self.window_start, self.latest


def filed_reports(today: datetime.date) -> Any:
    """The current revision of every filed or signed 三个规定 report whose period ended by
    ``today`` (as integrity/reports/stats.py zero_reports reads them)."""
    return Declaration.objects.filter(
        is_current=True,
        status__in=_FILED,
        campaign__kind=Campaign.Kind.THREE_RULES,
        campaign__voided_at__isnull=True,
        campaign__period_end__lte=today,
    )


_OWNER_COLUMNS = {
    "staff": ("staff__court_id", "staff__court__level", "staff__department_id", "staff__post"),
    "department": ("department__court_id", "department__court__level", "department__is_trial"),
}


def streaks(owner: str, *, today: datetime.date, periods: int) -> list[Streak]:
    """The zero-report streaks of at least ``periods`` periods of every serving staff member
    (``owner="staff"``) or active department (``"department"``). One query: the reports
    after the owner's latest non-zero one (a period with any non-zero report of the owner is
    not a zero period), ranked by period in the database."""
    reports = filed_reports(today)
    if owner == "staff":
        reports = reports.filter(staff__status=StaffMember.Status.SERVING)
    else:
        reports = reports.filter(department__isnull=False, department__is_active=True)
    later_non_zero = filed_reports(today).filter(
        **{owner: OuterRef(owner)},
        has_nothing=False,
        campaign__period_end__gte=OuterRef("campaign__period_end"),
    )
    end = F("campaign__period_end")
    by_owner = {"partition_by": [F(owner)]}
    rows = (
        reports.filter(~Exists(later_non_zero))
        .annotate(
            back=Window(DenseRank(), order_by=end.desc(), **by_owner),
            ahead=Window(DenseRank(), order_by=end.asc(), **by_owner),
            since=Window(Min("campaign__period_start"), **by_owner),
            latest=Window(Max("campaign__period_end"), **by_owner),
        )
        .filter(back=periods)
        .values_list(
            f"{owner}_id",
            "since",
            "latest",
            "ahead",
            "campaign__period_start",
            *_OWNER_COLUMNS[owner],
        )
        .order_by()
    )
    found: dict[int, Streak] = {}
    for pk, since, latest, ahead, start, court_id, level, *extra in rows:
        known = found.get(pk)
        if known is not None and known.window_start <= start:
            continue  # two campaigns of the same period: the earlier start
        found[pk] = Streak(
            owner=pk,
            since=since,
            latest=latest,
            # ``ahead`` ranks the ``periods``-th latest period from the first: the streak
            # holds ahead - 1 periods before it and periods - 1 after.
            periods=ahead + periods - 1,
            window_start=start,
            court_id=court_id,
            department_id=extra[0] if owner == "staff" else pk,
            level=level,
            post=extra[1] if owner == "staff" else "",
            is_trial=owner == "department" and bool(extra[0]),
        )
    return [found[pk] for pk in sorted(found)]


Span = tuple[datetime.date, datetime.date]


def _span(windows: list[Span]) -> tuple[datetime.date, datetime.date]:
    return min(start for start, _ in windows), max(end for _, end in windows)


def _per_window(field_name: str, windows: list[Span], count: str = "pk") -> dict[str, Count]:
    """One conditional count per window (``w0``, ``w1`` …), so that every window is counted
    in the same grouped query."""
    return {
        f"w{index}": Count(count, filter=Q(**{f"{field_name}__range": window}))
        for index, window in enumerate(windows)
    }


def _counts(rows: Iterable[dict], key: str, windows: int) -> dict[Any, list[int]]:
    found: dict[Any, list[int]] = defaultdict(lambda: [0] * windows)
    for row in rows:
        counts = found[row[key]]
        for index in range(windows):
            counts[index] += row[f"w{index}"]
    return found


def recorded(windows: list[Span]) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """Non-void interference records per window: by staff member concerned and by department
    (the record's, or else the staff member's). One query."""
    rows = list(
        InterferenceRecord.objects.filter(voided_at__isnull=True, occurred_on__range=_span(windows))
        .values("staff_id", unit=Coalesce("department_id", "staff__department_id"))
        .annotate(**_per_window("occurred_on", windows))
        .order_by()
    )
    return _counts(rows, "staff_id", len(windows)), _counts(rows, "unit", len(windows))


def caseloads(windows: list[Span], posts: set[str]) -> dict[int, list[int]]:
    """The cases filed in each window that each serving staff member of ``posts`` presided
    or sat on (a presiding judge also listed on the panel counts once). Two queries."""
    serving = StaffMember.Status.SERVING
    presided = (
        Case.objects.filter(
            presiding_judge__status=serving,
            presiding_judge__post__in=sorted(posts),
            filed_on__range=_span(windows),
        )
        .values("presiding_judge_id")
        .annotate(**_per_window("filed_on", windows))
        .order_by()
    )
    sat = (
        Case.panel.through.objects.filter(
            staffmember__status=serving,
            staffmember__post__in=sorted(posts),
            case__filed_on__range=_span(windows),
        )
        .filter(Q(case__presiding_judge__isnull=True) | ~Q(case__presiding_judge=F("staffmember")))
        .values("staffmember_id")
        .annotate(**_per_window("case__filed_on", windows))
        .order_by()
    )
    found = _counts(presided, "presiding_judge_id", len(windows))
    for staff_id, counts in _counts(sat, "staffmember_id", len(windows)).items():
        found[staff_id] = [a + b for a, b in zip(found[staff_id], counts, strict=True)]
    return found


@dataclass
class PeerGroup:
    members: int = 0
    recording: int = 0


def _peers(group: PeerGroup, *, self_member: bool, self_recording: bool) -> tuple[int, int, bool]:
    """The peers of one member of a group (the group without them), those who recorded, and
    whether that makes the member's zero reports stand out."""
    peers = group.members - self_member
    recording = group.recording - (self_member and self_recording)
    fires = conflicts.peers_recorded(
        peers=peers,
        peers_recording=recording,
        min_peers=settings.ALERT_ZERO_MIN_PEERS,
        share=settings.ALERT_ZERO_PEER_SHARE,
    )
    return peers, recording, fires


def _streak_facts(streak: Streak) -> dict[str, Any]:
    return {
        "since": streak.since.isoformat(),
        "threshold": settings.ALERT_ZERO_PERIODS,
        "court_level": streak.level,
    }


def _streak_detail(streak: Streak, peers: int, recording: int) -> dict[str, Any]:
    return {
        "zero_periods": streak.periods,
        "window": [streak.window_start.isoformat(), streak.latest.isoformat()],
        "peers": peers,
        "peers_recording": recording,
    }


def staff_findings(
    found: list[Streak],
    windows: list[Span],
    by_staff: dict[int, list[int]],
) -> list[Finding]:
    """Zero-report streaks of staff members that stand out among their peers. Two queries
    for the caseloads, one for the peers."""
    ratio = settings.ALERT_CASELOAD_RATIO
    where = Q()
    for level, post in {(streak.level, streak.post) for streak in found}:
        where |= Q(court__level=level, post=post)
    staff = list(
        StaffMember.objects.filter(where, status=StaffMember.Status.SERVING)
        .values_list("pk", "court__level", "post")
        .order_by()
    )
    cases = caseloads(windows, {streak.post for streak in found})
    index_of = {window: index for index, window in enumerate(windows)}
    needed = {index_of[streak.window] for streak in found}
    groups: dict[tuple, PeerGroup] = defaultdict(PeerGroup)
    members: set[int] = set()
    for pk, level, post in staff:
        members.add(pk)
        load, records = cases.get(pk), by_staff.get(pk)
        for index in needed:
            band = conflicts.caseload_band(load[index] if load else 0, ratio=ratio)
            group = groups[(index, level, post, band)]
            group.members += 1
            group.recording += bool(records and records[index])
    findings: list[Finding] = []
    for streak in found:
        index = index_of[streak.window]
        load = cases.get(streak.owner, [0] * len(windows))[index]
        band = conflicts.caseload_band(load, ratio=ratio)
        peers, recording, fires = _peers(
            groups[(index, streak.level, streak.post, band)],
            self_member=streak.owner in members,
            self_recording=bool(by_staff.get(streak.owner, [0] * len(windows))[index]),
        )
        if not fires:
            continue
        findings.append(
            Finding(
                rule=Rule.ZERO_REPORTS,
                key=f"zero_reports:s{streak.owner}:{streak.since.isoformat()}",
                court_id=streak.court_id,
                department_id=streak.department_id,
                subject_id=streak.owner,
                about_leader=streak.post in LEADER_POSTS,
                strength=PATTERN,
                facts={
                    "scope": "staff",
                    **_streak_facts(streak),
                    "post": streak.post,
                    "caseload_band": band,
                },
                detail={**_streak_detail(streak, peers, recording), "caseload": load},
            )
        )
    return findings


def department_findings(
    found: list[Streak],
    windows: list[Span],
    by_department: dict[int, list[int]],
) -> list[Finding]:
    """Zero-report streaks of departments that stand out among peer departments (same court
    level, trial or not, similar number of serving staff). One query."""
    ratio = settings.ALERT_CASELOAD_RATIO
    departments = list(
        Department.objects.filter(
            is_active=True, court__level__in=sorted({streak.level for streak in found})
        )
        .values_list("pk", "court__level", "is_trial")
        .annotate(serving=Count("staff", filter=Q(staff__status=StaffMember.Status.SERVING)))
        .filter(serving__gt=0)
        .order_by()
    )
    index_of = {window: index for index, window in enumerate(windows)}
    needed = {index_of[streak.window] for streak in found}
    sizes: dict[int, int] = {}
    groups: dict[tuple, PeerGroup] = defaultdict(PeerGroup)
    for pk, level, is_trial, size in departments:
        sizes[pk] = size
        band = conflicts.caseload_band(size, ratio=ratio)
        records = by_department.get(pk)
        for index in needed:
            group = groups[(index, level, is_trial, band)]
            group.members += 1
            group.recording += bool(records and records[index])
    findings: list[Finding] = []
    for streak in found:
        index = index_of[streak.window]
        size = sizes.get(streak.owner, 0)
        band = conflicts.caseload_band(size, ratio=ratio)
        peers, recording, fires = _peers(
            groups[(index, streak.level, streak.is_trial, band)],
            self_member=streak.owner in sizes,
            self_recording=bool(by_department.get(streak.owner, [0] * len(windows))[index]),
        )
        if not fires:
            continue
        findings.append(
            Finding(
                rule=Rule.ZERO_REPORTS,
                key=f"zero_reports:d{streak.owner}:{streak.since.isoformat()}",
                court_id=streak.court_id,
                department_id=streak.owner,
                strength=PATTERN,
                facts={
                    "scope": "department",
                    **_streak_facts(streak),
                    "trial": streak.is_trial,
                    "staff_band": band,
                },
                detail={**_streak_detail(streak, peers, recording), "staff": size},
            )
        )
    return findings


def zero_report_findings(today: datetime.date) -> list[Finding]:
    """Staff members and departments whose zero reports stand out (module docstring)."""
    periods = settings.ALERT_ZERO_PERIODS
    staff = streaks("staff", today=today, periods=periods)
    departments = streaks("department", today=today, periods=periods)
    if not staff and not departments:
        return []
    windows = sorted({streak.window for streak in (*staff, *departments)})
    by_staff, by_department = recorded(windows)
    findings: list[Finding] = []
    if staff:
        findings += staff_findings(staff, windows, by_staff)
    if departments:
        findings += department_findings(departments, windows, by_department)
    return findings


# --- Repeat actors -------------------------------------------------------------------------------
class Kind(StrEnum):
    LAWYER = "lawyer"  # by licence number, else folded name and firm
    FIRM = "firm"  # a law firm, folded
    PERSON = "person"  # anyone else named: an interferer, a counterpart, a staff member
    # complained about (folded name and unit)


KINDS: dict[Kind, object] = {
    Kind.LAWYER: _("Lawyer"),
    Kind.FIRM: _("Law firm"),
    Kind.PERSON: _("Person"),
}


class Source(StrEnum):
    INTERFERENCE = "interference"  # ledgers.InterferenceRecord: interferer_name / _unit
    CONTACT = "contact"  # ledgers.ContactCase: counterpart_name / _firm, licence_number
    COMPLAINT = "complaint"  # inspections.Complaint: the staff member complained about
    VISIT = "visit"  # inspections.Visit: the agent visited who reported a problem


SOURCES: dict[Source, object] = {
    Source.INTERFERENCE: _("Interference records"),
    Source.CONTACT: _("Improper contact cases"),
    Source.COMPLAINT: _("Public complaints"),
    Source.VISIT: _("Follow-up visits"),
}

# Candidate for ledgers/conflicts.py (beside fold_firm): a unit named as a law firm.
_LAW_FIRM_ENDINGS = ("律师事务所", "律所", "lawfirm", "lawoffice", "lawoffices")


def is_law_firm(unit: str) -> bool:
    """Whether a unit, as written, is a law firm (律师事务所 / 律所 / law firm): an interferer
    whose unit is a law firm is a lawyer."""
    folded = re.sub(r"[()（）\[\]【】〔〕]", "", conflicts.fold_name(unit))
    return folded.endswith(_LAW_FIRM_ENDINGS)


# Candidate for integrity/org (beside Court.path): the court whose subtree holds them all.
def common_court_path(paths: Iterable[str]) -> str:
    """The path of the lowest court whose subtree holds every court of ``paths`` (Court.path
    is materialised as ``000001/000002/``): their longest common run of whole segments."""
    paths = list(paths)
    if not paths:
        return ""
    segments = [path.split("/")[:-1] for path in paths]
    common: list[str] = []
    for parts in zip(*segments, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return "".join(f"{part}/" for part in common)


def _court_of_path(path: str) -> int:
    return int(path.rstrip("/").rsplit("/", 1)[-1])


@dataclass
class Sighting:
    """A grouped row of one source: ``count`` records naming the same person, as written,
    at one court. ``raw`` finds those records again."""

    source: Source
    raw: tuple
    court_id: int
    count: int
    name: str
    unit: str  # the firm or unit, as written
    licence: str = ""
    lawyer: bool = False
    staff_ids: frozenset[int] = frozenset()
    about_leader: bool = False
    ids: tuple[int, ...] = ()  # known already (visits)


def _raw_key(row: dict, names: tuple[str, ...]) -> tuple:
    return tuple(row[name] for name in names)


_INTERFERENCE_RAW = ("interferer_name", "interferer_unit", "court_id")
_CONTACT_RAW = ("counterpart_type", "counterpart_name", "counterpart_firm", "licence_number")
_CONTACT_RAW += ("court_id",)
_COMPLAINT_RAW = ("subject_id", "subject_name", "court_id")


def _interference(window: Q) -> Any:
    return InterferenceRecord.objects.filter(window, voided_at__isnull=True).exclude(
        interferer_name=""
    )


def _contacts(window: Q) -> Any:
    return ContactCase.objects.filter(window, voided_at__isnull=True).exclude(counterpart_name="")


def _complaints(start: datetime.date, today: datetime.date) -> Any:
    # A complaint has no void mark; its date is when it happened, else when it was received.
    return (
        Complaint.objects.annotate(day=Coalesce("occurred_on", "received_on"))
        .filter(day__range=(start, today))
        .filter(Q(subject__isnull=False) | ~Q(subject_name=""))
    )


def sightings(start: datetime.date, today: datetime.date) -> list[Sighting]:
    """Who the records of the window name, grouped by the database. Five queries."""
    window = Q(occurred_on__range=(start, today))
    found: list[Sighting] = []
    for row in _interference(window).values(*_INTERFERENCE_RAW).annotate(n=Count("pk")).order_by():
        name, unit = row["interferer_name"], row["interferer_unit"]
        found.append(
            Sighting(
                Source.INTERFERENCE,
                _raw_key(row, _INTERFERENCE_RAW),
                row["court_id"],
                row["n"],
                name,
                unit,
                lawyer=is_law_firm(unit),
            )
        )
    for row in _contacts(window).values(*_CONTACT_RAW).annotate(n=Count("pk")).order_by():
        found.append(
            Sighting(
                Source.CONTACT,
                _raw_key(row, _CONTACT_RAW),
                row["court_id"],
                row["n"],
                row["counterpart_name"],
                row["counterpart_firm"],
                licence=row["licence_number"],
                lawyer=row["counterpart_type"] == Counterpart.LAWYER or bool(row["licence_number"]),
            )
        )
    complaints = (
        _complaints(start, today)
        .values(*_COMPLAINT_RAW, "subject__name", "court__name")
        .annotate(n=Count("pk"), leaders=Count("pk", filter=Q(about_leader=True)))
        .order_by()
    )
    for row in complaints:
        staff_id = row["subject_id"]
        found.append(
            Sighting(
                Source.COMPLAINT,
                _raw_key(row, _COMPLAINT_RAW),
                row["court_id"],
                row["n"],
                row["subject__name"] if staff_id else row["subject_name"],
                row["court__name"],
                staff_ids=frozenset({staff_id} if staff_id else ()),
                about_leader=row["leaders"] > 0,
            )
        )
    found += _visit_sightings(start, today)
    return found


def _visit_sightings(start: datetime.date, today: datetime.date) -> list[Sighting]:
    """The agents visited who reported a problem (a visit names the respondent only; their
    firm and licence number come from the sampled case's agent of that name). Two queries:
    such visits are a sample's few."""
    visits = list(
        Visit.objects.filter(
            voided_at__isnull=True,
            respondent_kind=Visit.Respondent.AGENT,
            has_problem=True,
            visited_on__range=(start, today),
        )
        .values_list("pk", "respondent_name", "court_id", "sampled__case_id")
        .order_by("pk")
    )
    agents: dict[tuple[int, str], tuple[str, str, str]] = {}
    rows = CaseAgent.objects.filter(case_id__in=sorted({visit[3] for visit in visits}))
    for case_id, name, firm, licence, kind in rows.order_by("pk").values_list(
        "case_id", "name", "law_firm", "licence_number", "kind"
    ):
        agents.setdefault((case_id, conflicts.fold_name(name)), (firm, licence, kind))
    found: list[Sighting] = []
    for pk, name, court_id, case_id in visits:
        firm, licence, kind = agents.get((case_id, conflicts.fold_name(name)), ("", "", ""))
        lawyer = bool(licence) or kind in (CaseAgent.Kind.LAWYER, CaseAgent.Kind.LEGAL_WORKER)
        found.append(
            Sighting(
                Source.VISIT,
                (pk,),
                court_id,
                1,
                name,
                firm,
                licence=licence,
                lawyer=lawyer,
                ids=(pk,),
            )
        )
    return found


@dataclass
class Tally:
    """Everything one identity (a lawyer, a firm, a person) was seen in."""

    kind: Kind
    identity: str
    count: int = 0
    sightings: list[Sighting] = field(default_factory=list)

    def add(self, sighting: Sighting) -> None:
        self.count += sighting.count
        self.sightings.append(sighting)


def _fold_unit(unit: str) -> str:
    return conflicts.fold_firm(unit)


def identities(found: list[Sighting]) -> dict[tuple[Kind, str], Tally]:
    """Who each sighting is, folded (pure). A lawyer is known by licence number; one named
    without it is that licence's holder when exactly one licence was seen with the same
    name and firm, else the folded name and firm."""
    licences: dict[tuple[str, str], set[str]] = defaultdict(set)
    for sighting in found:
        if sighting.lawyer and sighting.licence:
            person = (conflicts.fold_name(sighting.name), _fold_unit(sighting.unit))
            licences[person].add(sighting.licence)
    tallies: dict[tuple[Kind, str], Tally] = {}

    def tally(kind: Kind, identity: str) -> Tally:
        return tallies.setdefault((kind, identity), Tally(kind, identity))

    for sighting in found:
        name, unit = conflicts.fold_name(sighting.name), _fold_unit(sighting.unit)
        if not name:
            continue
        if sighting.lawyer:
            licence = sighting.licence
            if not licence and len(licences.get((name, unit), ())) == 1:
                (licence,) = licences[(name, unit)]
            identity = f"L:{licence}" if licence else f"N:{name}|{unit}"
            tally(Kind.LAWYER, identity).add(sighting)
            if unit:
                tally(Kind.FIRM, unit).add(sighting)
        else:
            tally(Kind.PERSON, f"{name}|{unit}").add(sighting)
    return tallies


_NAME_AT = {Source.INTERFERENCE: 0, Source.CONTACT: 1}  # where the name is in ``raw``


def _record_ids(
    hits: list[Tally], start: datetime.date, today: datetime.date
) -> dict[tuple[Source, tuple], list[int]]:
    """The ids of the records behind the sightings of the repeat actors: one query per
    source they were seen in, by the names as written."""
    wanted: dict[Source, set[tuple]] = defaultdict(set)
    for hit in hits:
        for sighting in hit.sightings:
            if not sighting.ids:
                wanted[sighting.source].add(sighting.raw)
    window = Q(occurred_on__range=(start, today))
    found: dict[tuple[Source, tuple], list[int]] = defaultdict(list)
    for source, raws in sorted(wanted.items()):
        if source == Source.COMPLAINT:
            staff = sorted({raw[0] for raw in raws if raw[0]})
            typed = sorted({raw[1] for raw in raws if not raw[0]})
            rows = _complaints(start, today).filter(
                Q(subject_id__in=staff) | Q(subject__isnull=True, subject_name__in=typed)
            )
            columns = _COMPLAINT_RAW
        else:
            names = sorted({raw[_NAME_AT[source]] for raw in raws})
            if source == Source.INTERFERENCE:
                rows = _interference(window).filter(interferer_name__in=names)
                columns = _INTERFERENCE_RAW
            else:
                rows = _contacts(window).filter(counterpart_name__in=names)
                columns = _CONTACT_RAW
        for pk, *raw in rows.values_list("pk", *columns).order_by("pk"):
            if tuple(raw) in raws:
                found[(source, tuple(raw))].append(pk)
    return found


def _key(kind: Kind, identity: str, court_id: int) -> str:
    key = f"repeat_actor:{kind}:{identity}:{court_id}"
    if len(key) > KEY_MAX:
        digest = hashlib.sha256(identity.encode()).hexdigest()[:40]
        key = f"repeat_actor:{kind}:h{digest}:{court_id}"
    return key


def _spelling(values: Iterable[str]) -> str:
    """One way the records wrote it, the same whichever order they came in."""
    return min((value for value in values if value), default="")


def _by_tree(hit: Tally, courts: dict[int, tuple[str, str]]) -> list[Tally]:
    """The tally split by court tree (a province): an alert belongs to a court above all its
    records, and records in two trees have none."""
    parts: dict[str, Tally] = {}
    for sighting in hit.sightings:
        root = courts[sighting.court_id][0].split("/", 1)[0]
        part = parts.setdefault(root, Tally(hit.kind, hit.identity))
        part.add(sighting)
    return [part for _, part in sorted(parts.items())]


def repeat_actor_finding(
    hit: Tally,
    ids: dict[tuple[Source, tuple], list[int]],
    courts: dict[int, tuple[str, str]],
) -> Finding:
    """The alert for one repeat actor (pure): at the lowest court above all its records;
    the facts are who it is and which records name them (a new record changes them), the
    detail the counts by source and the courts' names."""
    records = sorted(
        {
            (str(sighting.source), pk)
            for sighting in hit.sightings
            for pk in (sighting.ids or ids.get((sighting.source, sighting.raw), ()))
        }
    )
    court_id = _court_of_path(
        common_court_path(courts[sighting.court_id][0] for sighting in hit.sightings)
    )
    staff = set().union(*(sighting.staff_ids for sighting in hit.sightings))
    names = _spelling(sighting.name for sighting in hit.sightings)
    units = _spelling(sighting.unit for sighting in hit.sightings)
    who = {"name": names, "unit": units} if hit.kind == Kind.PERSON else {}
    if hit.kind == Kind.LAWYER:
        licence = hit.identity[2:] if hit.identity.startswith("L:") else ""
        who = {"name": names, "firm": units, "licence": licence}
    elif hit.kind == Kind.FIRM:
        who = {"firm": units}
    return Finding(
        rule=Rule.REPEAT_ACTOR,
        key=_key(hit.kind, hit.identity, court_id),
        court_id=court_id,
        strength=PATTERN,
        # A staff member complained about is the subject: never shown the alert about them.
        subject_id=next(iter(staff)) if len(staff) == 1 else None,
        about_leader=any(sighting.about_leader for sighting in hit.sightings),
        facts={
            "kind": str(hit.kind),
            "identity": hit.identity,
            **who,
            "records": [[source, pk] for source, pk in records],
        },
        detail={
            "count": len(records),
            "by_source": dict(sorted(Counter(source for source, _ in records).items())),
            "courts": sorted({courts[sighting.court_id][1] for sighting in hit.sightings}),
        },
    )


def repeat_actor_findings(today: datetime.date) -> list[Finding]:
    """The lawyers, firms and people named in at least ``ALERT_REPEAT_THRESHOLD`` records of
    the window (module docstring)."""
    threshold = settings.ALERT_REPEAT_THRESHOLD
    start = today - datetime.timedelta(days=settings.ALERT_REPEAT_WINDOW_DAYS)
    tallies = identities(sightings(start, today))
    hits = [tally for _, tally in sorted(tallies.items()) if tally.count >= threshold]
    if not hits:
        return []
    court_ids = {sighting.court_id for hit in hits for sighting in hit.sightings}
    courts = {
        pk: (path, name)
        for pk, path, name in Court.objects.filter(pk__in=sorted(court_ids))
        .values_list("pk", "path", "name")
        .order_by()
    }
    hits = [part for hit in hits for part in _by_tree(hit, courts) if part.count >= threshold]
    ids = _record_ids(hits, start, today)
    return [repeat_actor_finding(hit, ids, courts) for hit in hits]
