"""Clues (问题线索): entered directly or raised from a ledger record, a finding, a visit or a
complaint. A clue about a court leader is marked, hidden from that leader and everyone of their
court below them (scopes.py), and referred straight to the discipline team."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import models, transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from integrity.access import policy
from integrity.audit import events
from integrity.concurrency import claim_version
from ledgers import services as ledger_services
from ledgers.models import Attachment

from .. import rules
from ..models import Clue, ClueUserObjectPermission
from .common import refuse_void, today, user_or_none

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
# What an edit may change: the court and the source say where the clue came from and stay.
EDIT_FIELDS = (
    "department",
    "subject",
    "summary",
    "details",
    "evidence",
    "received_on",
    "is_confidential",
)


def _check_fields(allowed: tuple[str, ...], fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise PermissionDenied(f"Fields not editable here: {', '.join(sorted(unknown))}")


def _place(clue: Clue) -> None:
    """Court and department follow the subject; the subject must serve at the clue's court."""
    if not clue.subject_id:
        return
    subject = clue.subject
    if not clue.court_id:
        clue.court_id = subject.court_id
    if not clue.department_id and subject.court_id == clue.court_id:
        clue.department_id = subject.department_id
    if subject.court_id != clue.court_id:
        raise ValidationError({"subject": [_("The staff member belongs to another court.")]})


def _check_may_register(actor: Any, clue: Clue) -> None:
    """The actor may register clues for the clue's court, department and person. Checked
    before a leader clue is marked: an officer may hand over a clue about their own court's
    leader, which then disappears from their view and goes to the discipline team."""
    if actor is not None and not policy.can(actor, policy.CHANGE, clue):
        raise ValidationError(
            {"court": [_("You may not register clues for this court, department or person.")]}
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
    _check_fields(CLUE_FIELDS, fields)
    clue = Clue(entered_by=user_or_none(actor))
    events.apply(clue, fields)
    if not clue.received_on:
        clue.received_on = today()
    _place(clue)
    if source_object is not None:
        clue.source_type = ContentType.objects.get_for_model(source_object)
        clue.source_id = source_object.pk
    clue.about_leader = False
    clue.full_clean()
    clue.save()
    if check_scope:
        _check_may_register(actor, clue)
    about_leader = rules.is_court_leader(clue.subject if clue.subject_id else None)
    if about_leader:
        clue.about_leader = True
        clue.save(update_fields=["about_leader", "updated_at"])
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

    if not clue.referrals.filter(voided_at__isnull=True).exists():
        referral_create_for_leader(actor=actor, clue=clue)


@transaction.atomic
def clue_update(*, actor: Any, clue: Clue, version: Any, fields: Mapping[str, Any]) -> Clue:
    """Correct or complete a clue (e.g. once the person concerned is identified). Refused when
    someone changed it since ``version``. Naming a court leader as the subject marks the clue
    and refers it to the discipline team at once."""
    policy.require(actor, policy.CHANGE, clue)
    refuse_void(clue)
    _check_fields(EDIT_FIELDS, fields)
    before = events.snapshot(clue)
    claim_version(clue, version)
    events.apply(clue, fields)
    if "subject" in fields and "department" not in fields:
        clue.department = None
    _place(clue)
    was_leader = clue.about_leader
    clue.about_leader = was_leader  # a leader clue stays one: it never returns to the court
    clue.full_clean()
    clue.save()
    _check_may_register(actor, clue)
    if not was_leader and rules.is_court_leader(clue.subject if clue.subject_id else None):
        clue.about_leader = True
        clue.save(update_fields=["about_leader", "updated_at"])
    events.record(
        actor=actor,
        action="inspections.clue.update",
        obj=clue,
        changes=events.diff(before, events.snapshot(clue)),
    )
    if clue.about_leader and not was_leader:
        route_to_discipline(actor=actor, clue=clue)
    return clue


@transaction.atomic
def clue_void(*, actor: Any, clue: Clue, version: Any, reason: str) -> Clue:
    """Void a clue registered by mistake, with a reason; nothing is deleted. A referred clue
    belongs to the discipline team: only they void it, and its referral with it."""
    from ..models import Referral
    from .common import void

    referral = clue.referrals.filter(voided_at__isnull=True).first()
    if referral is not None:
        if referral.stage == Referral.Stage.DISPOSED:
            raise ValidationError(_("A clue with a recorded disposition cannot be voided."))
        policy.require(actor, policy.MANAGE, referral)
    void(actor=actor, obj=clue, version=version, reason=reason)
    if referral is not None:
        void(actor=actor, obj=referral, version=referral.version, reason=reason)
    return clue


def is_discipline_for(actor: Any, clue: Clue) -> bool:
    """Whether ``actor`` is of the discipline team reaching the clue's court (at it, or
    covering it from above). Only they share a clue with a named person."""
    return actor is None or policy.can(actor, policy.SHARE, clue)


@transaction.atomic
def clue_share(*, actor: Any, clue: Clue, grantee: Any, reason: str = "") -> Clue:
    """Share a clue with one named person (an investigator, say): an object grant to view it.
    Only the discipline team shares; the person the clue is about can never be a grantee."""
    policy.require(actor, policy.MANAGE, clue)
    if not is_discipline_for(actor, clue):
        raise PermissionDenied
    refuse_void(clue)
    if grantee is None or not grantee.is_active:
        raise ValidationError({"grantee": [_("No active login of that name.")]})
    if clue.subject_id and grantee.staff_id == clue.subject_id:
        raise ValidationError({"grantee": [_("A clue is never shown to the person it is about.")]})
    if ClueUserObjectPermission.objects.filter(
        user=grantee, content_object=clue, permission__codename="view_clue"
    ).exists():
        raise ValidationError({"grantee": [_("The clue is already shared with this person.")]})
    assign_perm("view_clue", grantee, clue)
    events.record(
        actor=actor,
        action="inspections.clue.share",
        obj=clue,
        changes={"grantee": grantee.get_username(), "grantee_id": grantee.pk},
        reason=reason,
    )
    return clue


@transaction.atomic
def clue_unshare(*, actor: Any, clue: Clue, grantee: Any) -> Clue:
    """Withdraw a share (the discipline team)."""
    policy.require(actor, policy.MANAGE, clue)
    if not is_discipline_for(actor, clue):
        raise PermissionDenied
    remove_perm("view_clue", grantee, clue)
    events.record(
        actor=actor,
        action="inspections.clue.unshare",
        obj=clue,
        changes={"grantee": grantee.get_username(), "grantee_id": grantee.pk},
    )
    return clue


def clue_viewed(*, actor: Any, clue: Clue) -> None:
    """Every view of a confidential clue's detail is recorded (查阅留痕)."""
    if clue.is_confidential:
        events.record(actor=actor, action="inspections.clue.view", obj=clue)


def clue_attachment_add(
    *, actor: Any, clue: Clue, upload: File, description: str = ""
) -> Attachment:
    """Attach evidence (scan, photo, PDF, recording): type read from the content, size
    limited, audited — the ledgers' attachment service, applied to the clue."""
    return ledger_services.attachment_add(
        actor=actor, record=clue, upload=upload, description=description
    )


def clue_attachment_opened(*, actor: Any, clue: Clue, attachment: Attachment) -> None:
    """Every download of a clue's evidence is recorded: clues are confidential matters."""
    ledger_services._check_belongs(clue, attachment)
    events.record(
        actor=actor,
        action="inspections.clue.attachment.download",
        obj=clue,
        changes={"attachment": attachment.pk, "file": attachment.original_name},
    )


def fields_from_record(record: models.Model) -> dict[str, Any]:
    """A clue's fields taken from a ledger record: its court, department and staff member."""
    return {
        "court": record.court,
        "department": record.department,
        "subject": record.staff,
        "source": Clue.Source.LEDGER,
        "summary": str(record)[:200],
        "is_confidential": True,
    }
