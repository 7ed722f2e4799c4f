"""What the ledgers and the declarations remind people of (shared/DOMAIN.md "Reminders").

Each source below is registered with the sweep (integrity/notify/reminders.py) and answers one
question for a given day: which reminders are due, to whom. The sweep may run any number of
times a day; every reminder carries a key naming its subject and its period, and the database
stores one notification per recipient and key, so a source yields everything still due each
time and only what is new is written.

The sources read in bulk: a fixed number of queries per source whatever the number of courts,
staff or records (``values_list`` rows, the rules applied to plain values, recipients looked up
in :class:`Holders`, a map of who holds which role where, read once per source). The days and
months they wait are settings (integrity/settings.py, "Reminders"); the regulation deadlines
themselves come from ledgers/rules.py.

Recipients are staff members: a role reaches a person through the login linked to their staff
record. A role's holders at a court are its active assignments at that court (limited to a
department, they reach that department only); officers also reach the courts below theirs when
their assignment covers them.
"""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from collections.abc import Iterable

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from integrity.access.models import Role, RoleAssignment
from integrity.notify.kinds import Kind, register
from integrity.notify.models import Notification
from integrity.notify.reminders import Due, source
from integrity.org.models import StaffMember
from ledgers import rules
from ledgers.declarations.rules import CHAINS, DEPARTMENT_STAFF, Signer, sign_chain
from ledgers.models import (
    Campaign,
    Declaration,
    DepartureRecord,
    FollowUp,
    RelativePractice,
    Signature,
    UnplannedContactReport,
)


def catch_up() -> datetime.timedelta:
    """How long a reminder that fell due is still offered (REMINDER_CATCH_UP_DAYS)."""
    return datetime.timedelta(days=settings.REMINDER_CATCH_UP_DAYS)


def fresh(falls_due: datetime.date, today: datetime.date) -> bool:
    """Whether a reminder that falls due on ``falls_due`` is offered ``today``: from that day
    for REMINDER_CATCH_UP_DAYS days, so that a sweep that did not run for a while catches up,
    while a backlog from before the system (a ledger imported from paper) floods nobody."""
    return falls_due <= today <= falls_due + catch_up()


# --- kinds: what each reminder says (rendered in the reader's language) -----------------------
class Kinds:
    ASSIGNED = "ledgers.declaration.assigned"
    DUE_SOON = "ledgers.declaration.due_soon"
    OVERDUE = "ledgers.declaration.overdue"
    ESCALATE_SIGNER = "ledgers.declaration.escalate_signer"
    ESCALATE_LEADER = "ledgers.declaration.escalate_leader"
    AWAITING_SIGNATURE = "ledgers.declaration.awaiting_signature"
    APPLICATION_DUE = "ledgers.relative.application_due"
    APPLICATION_OVERDUE = "ledgers.relative.application_overdue"
    POST_CHANGE_DUE = "ledgers.relative.post_change_due"
    POST_CHANGE_OVERDUE = "ledgers.relative.post_change_overdue"
    REPORT_LATE = "ledgers.report.late"
    REPORT_REVIEW = "ledgers.report.review"
    FOLLOW_UP = "ledgers.departure.follow_up"
    QUARTERLY = "ledgers.quarterly_summary"


register(
    Kind(
        Kinds.ASSIGNED,
        _("Please file: %(campaign)s"),
        _(
            "You have a task in %(campaign)s, due on %(due)s. File it from your home page; "
            "with nothing to declare, file an explicit “none” or zero report."
        ),
    ),
    Kind(
        Kinds.DUE_SOON,
        _("Due on %(due)s: %(campaign)s"),
        _("Your filing for %(campaign)s is due on %(due)s and has not been filed yet."),
    ),
    Kind(
        Kinds.OVERDUE,
        _("Overdue: %(campaign)s"),
        _(
            "Your filing for %(campaign)s was due on %(due)s. File it now; your signer and "
            "then the court leaders are told of filings still missing."
        ),
    ),
    Kind(
        Kinds.ESCALATE_SIGNER,
        _("Staff of yours overdue: %(campaign)s"),
        _(
            "%(count)s staff member(s) whose filing you sign had not filed %(campaign)s "
            "%(days)s days after it was due on %(due)s."
        ),
    ),
    Kind(
        Kinds.ESCALATE_LEADER,
        _("Overdue at %(court)s: %(campaign)s"),
        _(
            "%(count)s staff member(s) of %(court)s had not filed %(campaign)s %(days)s days "
            "after it was due on %(due)s."
        ),
    ),
    Kind(
        Kinds.AWAITING_SIGNATURE,
        _("Awaiting your signature: %(campaign)s"),
        _(
            "%(count)s filing(s) of %(campaign)s have waited more than %(days)s days for "
            "your signature."
        ),
    ),
    Kind(
        Kinds.APPLICATION_DUE,
        _("Recusal application due on %(due)s: %(staff)s"),
        _(
            "Post recusal is required for %(staff)s (relative: %(relative)s) since "
            "%(required)s; the application is due on %(due)s (法发〔2020〕13号)."
        ),
    ),
    Kind(
        Kinds.APPLICATION_OVERDUE,
        _("Recusal application overdue: %(staff)s"),
        _(
            "Post recusal is required for %(staff)s (relative: %(relative)s) since "
            "%(required)s; the application was due on %(due)s and has not been recorded. "
            "Not applying is itself a violation (法发〔2020〕13号 art. 8)."
        ),
    ),
    Kind(
        Kinds.POST_CHANGE_DUE,
        _("Post change due on %(due)s: %(staff)s"),
        _(
            "Post recusal is required for %(staff)s (relative: %(relative)s) since "
            "%(required)s; the post must change by %(due)s (法发〔2020〕13号)."
        ),
    ),
    Kind(
        Kinds.POST_CHANGE_OVERDUE,
        _("Post change overdue: %(staff)s"),
        _(
            "Post recusal is required for %(staff)s (relative: %(relative)s) since "
            "%(required)s; the post was to change by %(due)s and has not."
        ),
    ),
    Kind(
        Kinds.REPORT_LATE,
        _("Unplanned contact reported late: %(staff)s"),
        _("%(staff)s reported a contact of %(contact)s on %(reported)s; it was due by %(due)s."),
    ),
    Kind(
        Kinds.REPORT_REVIEW,
        _("Unplanned contact report to review: %(staff)s"),
        _(
            "%(staff)s reported a contact of %(contact)s on %(reported)s; it has not been "
            "reviewed for more than %(days)s days."
        ),
    ),
    Kind(
        Kinds.FOLLOW_UP,
        _("Follow-up due: %(staff)s"),
        _(
            "%(staff)s left on %(left)s; the employment restrictions end: %(ends)s. A "
            "follow-up is due every %(months)s months (the last: %(last)s)."
        ),
    ),
    Kind(
        Kinds.QUARTERLY,
        _("Quarterly summary due: %(year)s Q%(quarter)s"),
        _(
            "The summary of interference and inquiries at %(court)s for %(year)s Q%(quarter)s "
            "is due to the leadership and the court above by %(due)s (季度通报)."
        ),
    ),
)


# --- dates --------------------------------------------------------------------------------------
def day_label(day: datetime.date | None) -> str:
    """A day as the active language writes it: 2026年3月5日 in Chinese."""
    if day is None:
        return str(_("none"))
    return formats.date_format(day, "DATE_FORMAT")


class DayLabels(dict):
    """:func:`day_label` remembered per day: a sweep writes the same few dates many times."""

    def __missing__(self, day: datetime.date | None) -> str:
        self[day] = label = day_label(day)
        return label


@functools.lru_cache(maxsize=65536)
def plus_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` and ``months`` later, as relativedelta counts (31 January + 1 = 28 February);
    remembered, as a sweep asks for the same few thousand days many times."""
    return day + relativedelta(months=months)


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole months from ``start`` to ``end`` (as relativedelta counts them)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if plus_months(start, months) > end:
        months -= 1
    return months


def quarter_end(year: int, quarter: int) -> datetime.date:
    return datetime.date(year, 3 * quarter, 1) + relativedelta(day=31)


def summary_quarter(today: datetime.date) -> tuple[int, int] | None:
    """The quarter whose summary (季度通报) is being prepared ``today``: from
    QUARTERLY_SUMMARY_REMIND_DAYS_BEFORE days before it ends until QUARTERLY_SUMMARY_DUE_DAYS
    days after; None outside those windows."""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    before = datetime.timedelta(days=settings.QUARTERLY_SUMMARY_REMIND_DAYS_BEFORE)
    if today >= quarter_end(year, quarter) - before:
        return year, quarter
    previous = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    after = datetime.timedelta(days=settings.QUARTERLY_SUMMARY_DUE_DAYS)
    if today <= quarter_end(*previous) + after:
        return previous
    return None


def _in_site_language(function):
    """Texts kept in the params (dates) are written in the site's language, whoever started
    the sweep."""

    @functools.wraps(function)
    def wrapper(today: datetime.date) -> list[Due]:
        with translation.override(settings.LANGUAGE_CODE):
            return list(function(today))

    return wrapper


# --- recipients ---------------------------------------------------------------------------------
Holder = tuple[int, int | None]  # (staff id, department id the assignment is limited to)


class Holders:
    """Who holds which role where, from the active role assignments of active logins that are
    linked to a staff record (one query), indexed for the lookups the sources make."""

    def __init__(self) -> None:
        # (role, court) → holders for the whole court; (role, court, department) → holders
        # limited to that department; (role, court path) → holders covering the courts below.
        self.court_wide: dict[tuple[str, int], set[int]] = defaultdict(set)
        self.department: dict[tuple[str, int, int], set[int]] = defaultdict(set)
        self.covering: dict[tuple[str, str], list[Holder]] = defaultdict(list)
        self.court_names: dict[int, str] = {}

    @classmethod
    def load(cls, *roles: str) -> Holders:
        holders = cls()
        today = timezone.localdate()
        rows = RoleAssignment.objects.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=today),
            Q(valid_until__isnull=True) | Q(valid_until__gte=today),
            role__in=roles,
            is_active=True,
            court__is_active=True,
            user__is_active=True,
            user__staff__isnull=False,
        ).values_list(
            "role",
            "court_id",
            "court__path",
            "court__name",
            "department_id",
            "covers_subordinates",
            "user__staff_id",
        )
        for role, court_id, path, name, department_id, covers, staff_id in rows:
            if department_id is None:
                holders.court_wide[role, court_id].add(staff_id)
            else:
                holders.department[role, court_id, department_id].add(staff_id)
            if covers:
                holders.covering[role, path].append((staff_id, department_id))
            holders.court_names[court_id] = name
        return holders

    def at_court(self, role: str, court_id: int, department_id: int | None = None) -> set[int]:
        """Holders of ``role`` at the court itself: court-wide ones, and those limited to
        ``department_id``."""
        found = set(self.court_wide.get((role, court_id), ()))
        if department_id is not None:
            found.update(self.department.get((role, court_id, department_id), ()))
        return found

    def reaching(
        self, role: str, court_id: int, court_path: str, department_id: int | None = None
    ) -> set[int]:
        """Holders at the court and those covering it from a court above."""
        found = self.at_court(role, court_id, department_id)
        segments = court_path.split("/")[:-2]  # the path ends with "/": drop "" and itself
        prefix = ""
        for segment in segments:
            prefix += segment + "/"
            found.update(
                staff
                for staff, limited_to in self.covering.get((role, prefix), ())
                if limited_to is None or limited_to == department_id
            )
        return found

    def courts_with(self, *roles: str) -> dict[int, set[int]]:
        """Each court where one of ``roles`` is held, with its holders there."""
        found: dict[int, set[int]] = defaultdict(set)
        for (role, court_id), staff in self.court_wide.items():
            if role in roles:
                found[court_id].update(staff)
        for (role, court_id, _department), staff in self.department.items():
            if role in roles:
                found[court_id].update(staff)
        return found


def _dues(
    recipients: Iterable[int],
    *,
    court_id: int,
    kind: str,
    key: str,
    params: dict,
    url: str,
    subject: tuple[str, object],
) -> list[Due]:
    return [
        Due(
            recipient_id=recipient,
            court_id=court_id,
            kind=kind,
            key=key,
            params=params,
            url=url,
            subject_type=subject[0],
            subject_id=str(subject[1]),
        )
        for recipient in sorted(recipients)
    ]


# --- 1. declarations and periodic reports (campaigns) -------------------------------------------
OPEN_WORK = (Declaration.Status.PENDING, Declaration.Status.RETURNED)


def _not_told(suffix: str) -> Exists:
    """Whether the task's staff member has not had this reminder yet. The sweep would skip a
    reminder that exists anyway; asking the database first keeps each run's work to what is
    new (the unique (recipient, key) index answers it)."""
    key = Concat(
        Value("ledgers.declaration:"),
        Cast(OuterRef("pk"), output_field=CharField()),
        Value(f":{suffix}"),
        output_field=CharField(),
    )
    return ~Exists(Notification.objects.filter(recipient_id=OuterRef("staff_id"), key=key))


def _chain_classes() -> tuple[Case, Case]:
    """Posts grouped by the chain they get (declarations/rules.py CHAINS), as database
    expressions: a representative post of the row's class, and the department when the chain
    starts with the division chief (else every department of the court signs alike)."""
    classes: dict[tuple, list[str]] = defaultdict(list)
    for post, chain in CHAINS.items():
        classes[chain].append(post)
    default = classes.get(DEPARTMENT_STAFF, [StaffMember.Post.JUDGE])[0]
    representative = Case(
        *(When(staff__post__in=posts, then=Value(posts[0])) for posts in classes.values()),
        default=Value(default),
        output_field=CharField(),
    )
    by_department = [
        post for chain, posts in classes.items() if Signer.DIVISION_CHIEF in chain for post in posts
    ]
    department = Case(
        When(staff__post__in=by_department, then=F("department_id")),
        When(~Q(staff__post__in=list(CHAINS)), then=F("department_id")),
        default=None,
    )
    return representative, department


@source("declarations")
@_in_site_language
def declaration_reminders(today: datetime.date) -> list[Due]:
    """Tasks of open campaigns: assigned (until the due date), due soon, overdue, each once
    per task; escalated to the first signer after ESCALATE_TO_SIGNER_DAYS and to the court
    leaders after ESCALATE_TO_LEADER_DAYS days overdue, once per campaign; filings waiting for
    a signature more than SIGNATURE_REMIND_DAYS, weekly."""
    campaigns = {
        pk: (title, due_on)
        for pk, title, due_on in Campaign.objects.filter(
            status=Campaign.Status.OPEN, voided_at__isnull=True
        ).values_list("pk", "title", "due_on")
    }
    if not campaigns:
        return []
    labels = DayLabels()
    holders = Holders.load(Role.CHIEF, Role.LEADER)
    remind_from = datetime.timedelta(days=settings.DECLARATION_REMIND_DAYS_BEFORE)
    to_signer, to_leader = settings.ESCALATE_TO_SIGNER_DAYS, settings.ESCALATE_TO_LEADER_DAYS
    dues: list[Due] = []
    # Tasks still to be filed (or refiled) by staff who still serve.
    open_tasks = Declaration.objects.filter(
        campaign_id__in=list(campaigns),
        is_current=True,
        status__in=OPEN_WORK,
        staff__status=StaffMember.Status.SERVING,
    )

    # Each staff member's own reminders, of the tasks not told yet.
    plan = [
        (Kinds.ASSIGNED, "assigned", [Declaration.Status.PENDING], lambda due: today <= due),
        (Kinds.DUE_SOON, "due-soon", OPEN_WORK, lambda due: due - remind_from <= today <= due),
        (Kinds.OVERDUE, "overdue", OPEN_WORK, lambda due: today > due),
    ]
    for kind, suffix, statuses, applies in plan:
        chosen = [pk for pk, (_title, due_on) in campaigns.items() if applies(due_on)]
        if not chosen:
            continue
        rows = (
            open_tasks.filter(campaign_id__in=chosen, status__in=statuses)
            .filter(_not_told(suffix))
            .values_list("pk", "campaign_id", "staff_id", "court_id")
        )
        params = {
            pk: {"campaign": campaigns[pk][0], "due": labels[campaigns[pk][1]]} for pk in chosen
        }
        dues += [
            Due(
                recipient_id=staff_id,
                court_id=court_id,
                kind=kind,
                key=f"ledgers.declaration:{pk}:{suffix}",
                params=params[campaign_id],
                url=f"/declarations/{pk}/",
                subject_type="ledgers.declaration",
                subject_id=str(pk),
            )
            for pk, campaign_id, staff_id, court_id in rows
        ]

    # Escalations, once per campaign and offered while fresh; counted in the database per
    # campaign, court, class of post (what its chain starts with) and department, with a row of
    # its own for each filer who holds a signing role (nobody is told about their own task).
    # A returned declaration is refiled and signed again from the first stage of the chain
    # its refiling gets, so pending and returned tasks go to the same first signer.
    windows = {
        pk: (
            fresh(due_on + datetime.timedelta(days=to_signer + 1), today),
            fresh(due_on + datetime.timedelta(days=to_leader + 1), today),
        )
        for pk, (_title, due_on) in campaigns.items()
    }
    late = [pk for pk, (signer, leader) in windows.items() if signer or leader]
    by_signer: dict[tuple[int, int], list] = {}  # (signer, campaign) → [count, stage court]
    by_court: dict[tuple[int, int], int] = defaultdict(int)  # (campaign, court) → count
    if late:
        representative, department = _chain_classes()
        signing = RoleAssignment.objects.filter(
            role__in=[Role.CHIEF, Role.LEADER], is_active=True, user__staff__isnull=False
        ).values("user__staff_id")
        filer = Case(When(staff_id__in=signing, then=F("staff_id")), default=None)
        groups = (
            open_tasks.filter(campaign_id__in=late)
            .values_list("campaign_id", "court_id", "court__parent_id")
            .annotate(post=representative, department=department, filer=filer, n=Count("id"))
            .order_by()
        )
        stage_cache: dict[tuple, tuple[int, set[int]]] = {}
        for campaign_id, court_id, parent, post, department_id, filer_id, count in groups:
            to_signers, to_leaders = windows[campaign_id]
            if to_leaders:
                by_court[campaign_id, court_id] += count
            if not to_signers:
                continue
            chain_key = (post, court_id, parent, department_id)
            if chain_key not in stage_cache:
                stage = sign_chain(
                    post=post,
                    court_id=court_id,
                    parent_court_id=parent,
                    department_id=department_id,
                )[0]
                stage_cache[chain_key] = (
                    stage["court"],
                    holders.at_court(stage["role"], stage["court"], stage.get("department")),
                )
            stage_court, signers = stage_cache[chain_key]
            for signer in signers:
                if signer != filer_id:
                    by_signer.setdefault((signer, campaign_id), [0, stage_court])[0] += count
    for (signer, campaign_id), (count, court_id) in by_signer.items():
        title, due_on = campaigns[campaign_id]
        dues += _dues(
            [signer],
            court_id=court_id,
            kind=Kinds.ESCALATE_SIGNER,
            key=f"ledgers.campaign:{campaign_id}:escalate-signer",
            params={"campaign": title, "due": labels[due_on], "count": count, "days": to_signer},
            url=f"/declarations/campaigns/{campaign_id}/",
            subject=("ledgers.campaign", campaign_id),
        )
    for (campaign_id, court_id), count in by_court.items():
        title, due_on = campaigns[campaign_id]
        dues += _dues(
            holders.at_court(Role.LEADER, court_id),
            court_id=court_id,
            kind=Kinds.ESCALATE_LEADER,
            key=f"ledgers.campaign:{campaign_id}:court:{court_id}:escalate-leader",
            params={
                "campaign": title,
                "due": labels[due_on],
                "count": count,
                "days": to_leader,
                "court": holders.court_names.get(court_id, ""),
            },
            url=f"/declarations/campaigns/{campaign_id}/?court={court_id}",
            subject=("ledgers.campaign", campaign_id),
        )

    # Filed declarations waiting at one stage for more than SIGNATURE_REMIND_DAYS: filed
    # before then, and no signature of this filing since.
    wait_days = settings.SIGNATURE_REMIND_DAYS
    waited_since = _start_of(today - datetime.timedelta(days=wait_days))
    signed_since = Signature.objects.filter(
        declaration=OuterRef("pk"),
        decision=Signature.Decision.SIGNED,
        decided_at__gte=waited_since,
    )
    waiting = (
        Declaration.objects.filter(
            campaign_id__in=list(campaigns),
            is_current=True,
            status=Declaration.Status.FILED,
            next_court__isnull=False,
            filed_at__lt=waited_since,
        )
        .exclude(next_role="")
        .filter(~Exists(signed_since))
        .values_list("campaign_id", "staff_id", "next_role", "next_court_id", "next_department_id")
    )
    year, week, _weekday = today.isocalendar()
    awaiting: dict[tuple[int, int], list] = {}  # (signer, campaign) → [count, stage court]
    stage_holders: dict[tuple, set[int]] = {}
    for campaign_id, staff_id, role, court_id, department_id in waiting:
        where = (role, court_id, department_id)
        if where not in stage_holders:
            stage_holders[where] = holders.at_court(*where)
        for signer in stage_holders[where] - {staff_id}:
            awaiting.setdefault((signer, campaign_id), [0, court_id])[0] += 1
    for (signer, campaign_id), (count, court_id) in awaiting.items():
        title, _due_on = campaigns[campaign_id]
        dues += _dues(
            [signer],
            court_id=court_id,
            kind=Kinds.AWAITING_SIGNATURE,
            key=f"ledgers.campaign:{campaign_id}:awaiting:{year}W{week:02d}",
            params={"campaign": title, "count": count, "days": wait_days},
            url="/declarations/sign/",  # the signer's queue
            subject=("ledgers.campaign", campaign_id),
        )
    return dues


def _start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of ``day`` in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# --- 2. post recusal deadlines (ledger 3) -------------------------------------------------------
@source("recusal")
@_in_site_language
def recusal_reminders(today: datetime.date) -> list[Due]:
    """Pending post recusals (法发〔2020〕13号): the application (rules.recusal_application_due)
    and the post change (rules.recusal_post_change_due), each from RECUSAL_REMIND_DAYS_BEFORE
    days before it is due, then overdue (while fresh); to the staff member and the court's
    officers."""
    before = datetime.timedelta(days=settings.RECUSAL_REMIND_DAYS_BEFORE)
    shortest = min(settings.RECUSAL_APPLICATION_MONTHS, settings.RECUSAL_POST_CHANGE_MONTHS)
    # required + n months <= today + before  =>  required <= today + before - n months + 3
    # days (a month-end clamp shortens a month by at most three days).
    latest_required = today + before - relativedelta(months=shortest) + datetime.timedelta(3)
    # An overdue reminder is fresh until due + 1 day + the catch-up: older ones were told.
    longest = max(settings.RECUSAL_APPLICATION_MONTHS, settings.RECUSAL_POST_CHANGE_MONTHS)
    earliest_required = (
        today - catch_up() - datetime.timedelta(days=1 + 3) - relativedelta(months=longest)
    )
    rows = RelativePractice.objects.filter(
        status=RelativePractice.Status.PENDING,
        voided_at__isnull=True,
        recusal_required_on__gte=earliest_required,
        recusal_required_on__lte=latest_required,
    ).values_list(
        "pk",
        "court_id",
        "court__path",
        "department_id",
        "staff_id",
        "staff__name",
        "relative_name",
        "recusal_required_on",
        "applied_on",
    )
    holders: Holders | None = None
    dues: list[Due] = []
    for pk, court_id, path, department_id, staff_id, name, relative, required, applied in rows:
        deadlines = [(rules.recusal_post_change_due(required), "post-change")]
        if applied is None:
            deadlines.insert(0, (rules.recusal_application_due(required), "application"))
        for due_on, what in deadlines:
            overdue = today > due_on
            if not (
                fresh(due_on + datetime.timedelta(days=1), today)
                if overdue
                else today >= due_on - before
            ):
                continue
            kind = {
                ("application", False): Kinds.APPLICATION_DUE,
                ("application", True): Kinds.APPLICATION_OVERDUE,
                ("post-change", False): Kinds.POST_CHANGE_DUE,
                ("post-change", True): Kinds.POST_CHANGE_OVERDUE,
            }[what, overdue]
            if holders is None:
                holders = Holders.load(Role.OFFICER)
            officers = holders.reaching(Role.OFFICER, court_id, path, department_id)
            dues += _dues(
                {staff_id, *officers},
                court_id=court_id,
                kind=kind,
                key=f"ledgers.relative:{pk}:{what}-{'overdue' if overdue else 'due'}",
                params={
                    "staff": name,
                    "relative": relative,
                    "required": day_label(required),
                    "due": day_label(due_on),
                    "due_on": due_on.isoformat(),
                },
                url=f"/ledgers/relatives/{pk}/",
                subject=("ledgers.relativepractice", pk),
            )
    return dues


# --- 3. unplanned-contact reports ----------------------------------------------------------------
@source("unplanned_contact_reports")
@_in_site_language
def report_reminders(today: datetime.date) -> list[Due]:
    """Reports filed after their deadline (rules.unplanned_contact_report_due, 司发通〔2021〕60号)
    are announced once to the court's officers; submitted reports not reviewed within
    UNPLANNED_CONTACT_REVIEW_DAYS days remind the department's chief, or lacking one the
    court leaders. Both while fresh (REMINDER_CATCH_UP_DAYS)."""
    holders = Holders.load(Role.OFFICER, Role.CHIEF, Role.LEADER)
    dues: list[Due] = []
    fields = (
        "pk",
        "court_id",
        "court__path",
        "department_id",
        "staff_id",
        "staff__name",
        "contact_on",
        "reported_on",
    )
    recent = UnplannedContactReport.objects.filter(
        voided_at__isnull=True,
        reported_on__gte=today - catch_up(),
        reported_on__lte=today,
    ).values_list(*fields)
    for pk, court_id, path, department_id, _staff, name, contact_on, reported in recent:
        due_on = rules.unplanned_contact_report_due(contact_on)
        if reported <= due_on:
            continue
        dues += _dues(
            holders.reaching(Role.OFFICER, court_id, path, department_id),
            court_id=court_id,
            kind=Kinds.REPORT_LATE,
            key=f"ledgers.report:{pk}:late",
            params={
                "staff": name,
                "contact": day_label(contact_on),
                "reported": day_label(reported),
                "due": day_label(due_on),
            },
            url=f"/ledgers/reports/{pk}/",
            subject=("ledgers.unplannedcontactreport", pk),
        )
    review_days = settings.UNPLANNED_CONTACT_REVIEW_DAYS
    unreviewed = UnplannedContactReport.objects.filter(
        voided_at__isnull=True,
        status=UnplannedContactReport.Status.SUBMITTED,
        # Due for review the day after the review days; offered while fresh.
        reported_on__lt=today - datetime.timedelta(days=review_days),
        reported_on__gte=today - datetime.timedelta(days=review_days + 1) - catch_up(),
    ).values_list(*fields)
    for pk, court_id, _path, department_id, staff_id, name, contact_on, reported in unreviewed:
        # Nobody reviews their own report.
        reviewers = holders.at_court(Role.CHIEF, court_id, department_id) - {staff_id}
        if department_id is None or not reviewers:
            reviewers = holders.at_court(Role.LEADER, court_id) - {staff_id}
        dues += _dues(
            reviewers,
            court_id=court_id,
            kind=Kinds.REPORT_REVIEW,
            key=f"ledgers.report:{pk}:review",
            params={
                "staff": name,
                "contact": day_label(contact_on),
                "reported": day_label(reported),
                "days": review_days,
            },
            url=f"/ledgers/reports/{pk}/",
            subject=("ledgers.unplannedcontactreport", pk),
        )
    return dues


# --- 4. follow-ups of departed staff ------------------------------------------------------------
@source("departures")
@_in_site_language
def departure_reminders(today: datetime.date) -> list[Due]:
    """Departed staff are followed up every DEPARTURE_FOLLOW_UP_MONTHS months after leaving
    until their restrictions end (rules.departure_restrictions: 法官法 art. 36, 司发通〔2021〕
    61号): when the last follow-up (or the departure) is that old, the court's officers are
    reminded, once per period (while fresh)."""
    every = settings.DEPARTURE_FOLLOW_UP_MONTHS
    longest = max(rules.AGENT_BAN_YEARS, *rules.EMPLOYMENT_BAN_YEARS.values())
    last_follow_up = (
        FollowUp.objects.filter(record=OuterRef("pk"))
        .order_by("-followed_on")
        .values("followed_on")[:1]
    )
    rows = (
        DepartureRecord.objects.filter(
            Q(how=DepartureRecord.How.DISMISSED)  # restricted for life
            | Q(left_on__gte=today - relativedelta(years=longest)),
            voided_at__isnull=True,
            status=DepartureRecord.Status.FOLLOWING,
            left_on__lte=today - relativedelta(months=every),
        )
        .annotate(last_follow_up=Subquery(last_follow_up))
        .values_list(
            "pk",
            "court_id",
            "court__path",
            "department_id",
            "staff__name",
            "left_on",
            "how",
            "was_leadership",
            "last_grade",
            "senior_assistant",
            "last_follow_up",
        )
    )
    holders: Holders | None = None
    dues: list[Due] = []
    for (
        pk,
        court_id,
        path,
        department_id,
        name,
        left_on,
        how,
        leadership,
        grade,
        senior,
        last,
    ) in rows:
        # The current period began on left_on + period × every months; its reminder falls
        # due then, or later when the last follow-up is younger than ``every`` months.
        period = months_between(left_on, today) // every
        since = max(filter(None, [left_on, last]))
        falls_due = max(plus_months(since, every), plus_months(left_on, period * every))
        if not fresh(falls_due, today):
            continue
        restrictions = rules.departure_restrictions(
            left_on=left_on,
            how=how,
            was_leadership=leadership,
            grade=grade,
            senior_assistant=senior,
        )
        if not restrictions.restricted_on(today):
            continue
        if holders is None:
            holders = Holders.load(Role.OFFICER)
        ends = restrictions.restriction_ends
        dues += _dues(
            holders.reaching(Role.OFFICER, court_id, path, department_id),
            court_id=court_id,
            kind=Kinds.FOLLOW_UP,
            key=f"ledgers.departure:{pk}:follow-up:{period}",
            params={
                "staff": name,
                "left": day_label(left_on),
                "ends": day_label(ends) if ends else str(_("for life")),
                "months": every,
                "last": day_label(last),
            },
            url=f"/ledgers/departures/{pk}/",
            subject=("ledgers.departurerecord", pk),
        )
    return dues


# --- 5. the quarterly summary (季度通报) ----------------------------------------------------------
@source("quarterly_summary")
@_in_site_language
def quarterly_reminders(today: datetime.date) -> list[Due]:
    """Near the end of each quarter and until its summary is due, the officers and leaders of
    each court are reminded once that the quarter's summary goes to the leadership and the
    court above (季度通报)."""
    quarter = summary_quarter(today)
    if quarter is None:
        return []
    year, number = quarter
    ends = quarter_end(year, number)
    starts = datetime.date(year, 3 * number - 2, 1)
    due_on = ends + datetime.timedelta(days=settings.QUARTERLY_SUMMARY_DUE_DAYS)
    holders = Holders.load(Role.OFFICER, Role.LEADER)
    dues: list[Due] = []
    for court_id, recipients in sorted(holders.courts_with(Role.OFFICER, Role.LEADER).items()):
        dues += _dues(
            recipients,
            court_id=court_id,
            kind=Kinds.QUARTERLY,
            key=f"court:{court_id}:quarterly:{year}Q{number}",
            params={
                "year": year,
                "quarter": number,
                "court": holders.court_names[court_id],
                "due": day_label(due_on),
                "due_on": due_on.isoformat(),
            },
            url=(
                f"/ledgers/interference/?court={court_id}"
                f"&date_from={starts.isoformat()}&date_to={ends.isoformat()}"
            ),
            subject=("org.court", court_id),
        )
    return dues
