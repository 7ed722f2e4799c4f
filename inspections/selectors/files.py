"""The integrity file (廉政档案) of one staff member, assembled from the data, nothing retyped.

The file itself is reached through its own scope rule (leaders and the discipline team within
their jurisdiction, inspections/scopes.py). Each section is then read through the scope of its
own model, so whatever the viewer may not see stays hidden: a clue about the viewer themselves,
a clue about a court leader below a leader's reach, a declaration outside their reach. Voided
records are left out. A fixed number of queries whatever the file holds: one per section (and
one for the courts a departed person served at, asked even when there is none), plus the
viewer's scope, read once.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from integrity.access import policy
from ledgers.models import (
    ContactApproval,
    ContactCase,
    Declaration,
    DepartureRecord,
    InterferenceRecord,
    RelativePractice,
    ReminderTalk,
    Signature,
    UnplannedContactReport,
)

from ..models import Clue, Disposition, Finding, IntegrityFile, Referral


def file_get(user: Any, pk: Any) -> IntegrityFile:
    """The staff member's file, or 404 (out of scope and missing alike)."""
    return policy.get_or_404(user, IntegrityFile.objects.select_related("court", "department"), pk)


@dataclass
class RelativeRow:
    record: RelativePractice
    recusal_required: bool
    recusal_reason: str
    application_due: datetime.date | None
    post_change_due: datetime.date | None
    overdue: bool


@dataclass
class DepartureRow:
    record: DepartureRecord
    restriction_ends: datetime.date | None
    agent_ban_ends: datetime.date | None
    employment_ban_ends: datetime.date | None
    law_firm_ban_lifetime: bool
    restricted_now: bool


@dataclass
class IntegrityFileData:
    staff: IntegrityFile
    today: datetime.date
    declarations: list[Declaration] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)
    relatives: list[RelativeRow] = field(default_factory=list)
    interference: list[InterferenceRecord] = field(default_factory=list)
    contact_cases: list[ContactCase] = field(default_factory=list)
    approvals: list[ContactApproval] = field(default_factory=list)
    unplanned: list[UnplannedContactReport] = field(default_factory=list)
    talks: list[ReminderTalk] = field(default_factory=list)
    clues: list[Clue] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    dispositions: list[Disposition] = field(default_factory=list)
    departures: list[DepartureRow] = field(default_factory=list)
    rectification: list[Finding] = field(default_factory=list)

    @property
    def sections_empty(self) -> bool:
        return not any(
            getattr(self, name)
            for name in (
                "declarations",
                "relatives",
                "interference",
                "contact_cases",
                "approvals",
                "unplanned",
                "talks",
                "clues",
                "referrals",
                "dispositions",
                "departures",
                "rectification",
            )
        )


def _scoped(user: Any, qs: QuerySet) -> list:
    return list(policy.scope(user, qs))


def _relative_row(record: RelativePractice, today: datetime.date) -> RelativeRow:
    decision = record.recusal()
    pending = record.status == RelativePractice.Status.PENDING
    application_due, change_due = record.application_due, record.post_change_due
    overdue = bool(
        pending
        and (
            (not record.applied_on and application_due and today > application_due)
            or (change_due and today > change_due)
        )
    )
    return RelativeRow(
        record,
        decision.required,
        str(decision.reason),
        application_due,
        change_due,
        overdue,
    )


def _departure_row(
    record: DepartureRecord, today: datetime.date, served: list[int]
) -> DepartureRow:
    restrictions = record.restrictions([record.court_id, *served])
    return DepartureRow(
        record,
        restrictions.restriction_ends,
        restrictions.agent_ban_ends,
        restrictions.employment_ban_ends,
        restrictions.law_firm_ban_lifetime,
        restrictions.restricted_on(today),
    )


def file_sections(user: Any, staff: IntegrityFile) -> IntegrityFileData:
    """Every section of the file, each through its own model's scope."""
    pk = staff.pk
    today = timezone.localdate()
    data = IntegrityFileData(staff=staff, today=today)
    data.declarations = _scoped(
        user,
        Declaration.objects.filter(staff_id=pk).select_related("campaign").order_by("-id"),
    )
    data.signatures = _scoped(
        user,
        Signature.objects.filter(declaration__staff_id=pk)
        .select_related("declaration__campaign")
        .order_by("-id"),
    )
    relatives = _scoped(
        user,
        RelativePractice.objects.filter(staff_id=pk, voided_at__isnull=True)
        .select_related("court", "firm_area", "staff")
        .order_by("-id"),
    )
    data.relatives = [_relative_row(record, today) for record in relatives]
    data.interference = _scoped(
        user,
        InterferenceRecord.objects.filter(staff_id=pk, voided_at__isnull=True).order_by(
            "-occurred_on", "-id"
        ),
    )
    data.contact_cases = _scoped(
        user,
        ContactCase.objects.filter(staff_id=pk, voided_at__isnull=True).order_by(
            "-occurred_on", "-id"
        ),
    )
    data.approvals = _scoped(
        user,
        ContactApproval.objects.filter(staff_id=pk, voided_at__isnull=True).order_by(
            "-planned_on", "-id"
        ),
    )
    data.unplanned = _scoped(
        user,
        UnplannedContactReport.objects.filter(staff_id=pk, voided_at__isnull=True).order_by(
            "-contact_on", "-id"
        ),
    )
    data.talks = _scoped(
        user,
        ReminderTalk.objects.filter(record__staff_id=pk, record__voided_at__isnull=True)
        .select_related("record")
        .order_by("-talked_on", "-id"),
    )
    data.clues = _scoped(
        user,
        Clue.objects.filter(subject_id=pk, voided_at__isnull=True).order_by("-received_on", "-id"),
    )
    data.referrals = _scoped(
        user,
        Referral.objects.filter(clue__subject_id=pk, voided_at__isnull=True)
        .select_related("clue")
        .order_by("-referred_on", "-id"),
    )
    data.dispositions = _scoped(
        user,
        Disposition.objects.filter(subject_id=pk, voided_at__isnull=True)
        .select_related("referral")
        .order_by("-decided_on", "-id"),
    )
    departures = _scoped(
        user,
        DepartureRecord.objects.filter(staff_id=pk, voided_at__isnull=True).order_by(
            "-left_on", "-id"
        ),
    )
    # The courts each departed person served at, in one query whether or not there are any.
    served: dict[int, list[int]] = {}
    through = DepartureRecord.served_courts.through.objects.filter(
        departurerecord__staff_id=pk
    ).values_list("departurerecord_id", "court_id")
    for record_id, court_id in through:
        served.setdefault(record_id, []).append(court_id)
    data.departures = [
        _departure_row(record, today, served.get(record.pk, [])) for record in departures
    ]
    data.rectification = _scoped(
        user,
        Finding.objects.filter(responsible_staff_id=pk, voided_at__isnull=True)
        .select_related("inspection")
        .order_by("-deadline", "-id"),
    )
    return data
