"""Clues (问题线索): entered directly or raised from a ledger record, a finding, a visit or a
complaint. A clue about a court leader is marked, hidden from that leader and everyone of their
court below them (scopes.py), and referred straight to the discipline team."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from integrity.access import policy
from integrity.audit import events

from .. import rules
from ..models import Clue
from .common import today, user_or_none

CLUE_FIELDS = (
    "court",
    "department",
    "subject",
    "summary",
    "details",
    "evidence",
    "source",
    "received_on",
    "is_confidential",
)


@transaction.atomic
def clue_create(
    *,
    actor: Any,
    fields: Mapping[str, Any],
    source_object: models.Model | None = None,
    check_scope: bool = True,
) -> Clue:
    """Register a clue. ``source_object`` is the record it came from (a ledger record, a
    finding, a visit, a complaint). ``check_scope=False`` is for the system's own doors (the
    public complaint form), which have no user; the clue is then checked by nobody's scope but
    lands only at the court the complaint names."""
    unknown = set(fields) - set(CLUE_FIELDS)
    if unknown:
        raise PermissionDenied(f"Fields not editable here: {', '.join(sorted(unknown))}")
    clue = Clue(entered_by=user_or_none(actor))
    events.apply(clue, fields)
    if not clue.received_on:
        clue.received_on = today()
    if clue.subject_id:
        subject = clue.subject
        if not clue.court_id:
            clue.court_id = subject.court_id
        if not clue.department_id and subject.court_id == clue.court_id:
            clue.department_id = subject.department_id
        if subject.court_id != clue.court_id:
            raise ValidationError({"subject": [_("The staff member belongs to another court.")]})
    clue.about_leader = rules.is_court_leader(clue.subject if clue.subject_id else None)
    if source_object is not None:
        clue.source_type = ContentType.objects.get_for_model(source_object)
        clue.source_id = source_object.pk
    clue.full_clean()
    clue.save()
    if check_scope and not (actor is None or policy.can(actor, policy.CHANGE, clue)):
        raise ValidationError(
            {"court": [_("You may not register clues for this court, department or person.")]}
        )
    events.record(
        actor=actor,
        action="inspections.clue.create",
        obj=clue,
        changes=events.diff({}, events.snapshot(clue)),
    )
    if clue.about_leader:
        route_to_discipline(actor=actor, clue=clue)
    return clue


def route_to_discipline(*, actor: Any, clue: Clue) -> None:
    """A clue about a court leader goes straight to the discipline team: it is referred at
    once (services/referrals.py) and the team is told."""
    from .referrals import referral_create_for_leader

    referral_create_for_leader(actor=actor, clue=clue)
