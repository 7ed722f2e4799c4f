"""The status workflows of the ledgers, as transition tables: a status changes only from an
allowed source state, through a service, with the fields that step needs."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _

from integrity.access.policy import CHANGE, MANAGE

from .models import (
    ContactApproval,
    ContactCase,
    DepartureRecord,
    InterferenceRecord,
    RelativePractice,
    UnplannedContactReport,
)


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    label: object
    fields: tuple[str, ...] = ()  # what the step asks for
    required: tuple[str, ...] = ()  # which of them must be filled
    action: str = MANAGE  # the policy action the actor needs on the record
    check: Callable[[models.Model, datetime.date], object | None] | None = field(
        default=None, compare=False
    )  # returns an error message when the step is not allowed


def _some_report_made(record: InterferenceRecord, today: datetime.date) -> object | None:
    if not (record.reported_to_leadership or record.reported_to_discipline or record.notified):
        return _("Say to whom it was reported or that it was notified.")
    return None


def _not_substantiated(record: ContactCase, today: datetime.date) -> object | None:
    if record.verification != ContactCase.Verification.UNSUBSTANTIATED:
        return _("Only a case whose verification found nothing can be closed without finding.")
    return None


def _restrictions_over(record: DepartureRecord, today: datetime.date) -> object | None:
    if record.restrictions().restricted_on(today):
        return _("The restrictions have not ended yet.")
    return None


def _recusal_required(record: RelativePractice, today: datetime.date) -> object | None:
    if not record.recusal():
        return _("The rules do not require post recusal for this relative.")
    return None


I = InterferenceRecord.Status  # noqa: E741
C = ContactCase.Status
A = ContactApproval.Status
R = UnplannedContactReport.Status
P = RelativePractice.Status
D = DepartureRecord.Status

TRANSITIONS: dict[type[models.Model], tuple[Transition, ...]] = {
    InterferenceRecord: (
        Transition(
            I.RECORDED,
            I.SCREENED,
            _("Screen"),
            fields=("nature", "improper_kind", "screened_on", "screening_note"),
            required=("nature", "screened_on"),
        ),
        Transition(
            I.SCREENED,
            I.REPORTED,
            _("Report or notify"),
            fields=(
                "recorded_in_file",
                "reported_to_leadership",
                "reported_to_discipline",
                "notified",
            ),
            check=_some_report_made,
        ),
        Transition(I.SCREENED, I.CLOSED, _("Close")),
        Transition(I.REPORTED, I.CLOSED, _("Close")),
    ),
    ContactCase: (
        Transition(C.REGISTERED, C.VERIFYING, _("Start verification")),
        Transition(
            C.VERIFYING,
            C.HANDLED,
            _("Record the handling"),
            fields=("verification", "verification_note", "handling", "handled_on"),
            required=("verification", "handling", "handled_on"),
        ),
        Transition(
            C.VERIFYING,
            C.DISMISSED,
            _("Close without finding"),
            fields=("verification", "verification_note"),
            required=("verification", "verification_note"),
            check=_not_substantiated,
        ),
    ),
    ContactApproval: (
        Transition(
            A.REQUESTED,
            A.APPROVED,
            _("Approve"),
            fields=("decided_on", "decision_note"),
            required=("decided_on",),
        ),
        Transition(
            A.REQUESTED,
            A.REFUSED,
            _("Refuse"),
            fields=("decided_on", "decision_note"),
            required=("decided_on", "decision_note"),
        ),
        Transition(A.REQUESTED, A.WITHDRAWN, _("Withdraw"), action=CHANGE),
    ),
    UnplannedContactReport: (
        Transition(
            R.SUBMITTED,
            R.REVIEWED,
            _("Review"),
            fields=("review_note",),
            required=("review_note",),
        ),
    ),
    RelativePractice: (
        Transition(
            P.NOT_REQUIRED,
            P.PENDING,
            _("Recusal required"),
            fields=("recusal_required_on",),
            required=("recusal_required_on",),
            check=_recusal_required,
        ),
        Transition(
            P.PENDING,
            P.IMPLEMENTED,
            _("Post changed"),
            fields=("applied_on", "post_changed_on", "new_post"),
            required=("post_changed_on", "new_post"),
        ),
        Transition(
            P.PENDING,
            P.RESOLVED,
            _("Relative stopped practising"),
            fields=("resolved_on",),
            required=("resolved_on",),
        ),
        Transition(
            P.IMPLEMENTED,
            P.RESOLVED,
            _("Relative stopped practising"),
            fields=("resolved_on",),
            required=("resolved_on",),
        ),
        Transition(
            P.NOT_REQUIRED,
            P.RESOLVED,
            _("Relative stopped practising"),
            fields=("resolved_on",),
            required=("resolved_on",),
        ),
    ),
    DepartureRecord: (
        Transition(D.FOLLOWING, D.ENDED, _("Restrictions ended"), check=_restrictions_over),
        Transition(D.ENDED, D.FOLLOWING, _("Resume follow-up")),
    ),
}


def transitions_from(model: type[models.Model], status: str) -> tuple[Transition, ...]:
    return tuple(t for t in TRANSITIONS.get(model, ()) if t.source == status)


def find(model: type[models.Model], source: str, target: str) -> Transition | None:
    for transition in TRANSITIONS.get(model, ()):
        if transition.source == source and transition.target == target:
            return transition
    return None
