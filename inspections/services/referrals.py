"""Referrals of clues to the embedded discipline team (驻院纪检监察组) and the team's work on
them: disposal way, verification, filing or closing, and the disposition."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from integrity.access import policy
from integrity.access.models import Role
from integrity.audit import events
from integrity.concurrency import claim_version
from integrity.notify.reminders import Due
from integrity.notify.services import notify_now
from ledgers import services as ledger_services
from ledgers.models import ContactCase

from .. import rules
from ..models import Clue, Disposition, Referral
from .common import refuse_void, today, user_or_none


def next_number(court: Any, year: int) -> str:
    """The next referral number of ``court`` in ``year``: 辽0102纪移〔2026〕3号."""
    prefix = f"{court.code}纪移〔{year}〕"
    taken = Referral.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    highest = 0
    for number in taken:
        digits = number[len(prefix) :].rstrip("号")
        if digits.isdigit():
            highest = max(highest, int(digits))
    return f"{prefix}{highest + 1}号"


def default_letter(clue: Clue) -> str:
    subject = clue.subject.name if clue.subject_id else _("(not yet identified)")
    return _(
        "To the discipline inspection and supervision team stationed at %(court)s:\n"
        "We refer to you the following clue for disposal according to the rules.\n"
        "Staff member concerned: %(subject)s\nSummary: %(summary)s\nReceived on: %(received)s"
    ) % {
        "court": clue.court.name,
        "subject": subject,
        "summary": clue.summary,
        "received": clue.received_on.isoformat(),
    }


def _create(*, actor: Any, clue: Clue, letter: str, referred_on: Any = None) -> Referral:
    if clue.is_void:
        raise ValidationError(_("This record has been voided and can no longer be changed."))
    if clue.referrals.filter(voided_at__isnull=True).exists():
        raise ValidationError(_("This clue has already been referred."))
    referred_on = referred_on or today()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                referral = Referral.objects.create(
                    clue=clue,
                    number=next_number(clue.court, referred_on.year),
                    court=clue.court,
                    referred_on=referred_on,
                    letter=letter or default_letter(clue),
                    stage=Referral.Stage.RECEIVED,
                    stage_since=referred_on,
                    entered_by=user_or_none(actor),
                )
            break
        except IntegrityError:  # a concurrent referral took the number: take the next one
            continue
    else:  # pragma: no cover - five collisions in a row
        raise ValidationError(_("Could not number the referral; try again."))
    Clue.objects.filter(pk=clue.pk).update(status=Clue.Status.REFERRED)
    clue.status = Clue.Status.REFERRED
    events.record(
        actor=actor,
        action="inspections.referral.create",
        obj=referral,
        changes=events.diff({}, events.snapshot(referral)),
    )
    _tell_the_team(referral)
    return referral


def discipline_team(clue: Clue) -> set[int]:
    """The staff ids of the discipline team reaching the clue's court (at it or above)."""
    from ledgers.reminders import Holders

    holders = Holders.load(Role.DISCIPLINE)
    team = holders.reaching(Role.DISCIPLINE, clue.court_id, clue.court.path)
    team.discard(clue.subject_id)
    return team


def _tell_the_team(referral: Referral) -> None:
    clue = referral.clue
    notify_now(
        Due(
            recipient_id=staff_id,
            court_id=clue.court_id,
            kind="referral_received",
            key=f"referral:{referral.pk}:received",
            params={"number": referral.number},
            url=reverse("inspections:referral-detail", args=[referral.pk]),
            subject_type="inspections.referral",
            subject_id=str(referral.pk),
        )
        for staff_id in discipline_team(clue)
    )


@transaction.atomic
def referral_create(*, actor: Any, clue: Clue, letter: str = "", referred_on: Any = None):
    """Refer a clue to the discipline team with a referral letter (officers and the team)."""
    policy.require(actor, policy.MANAGE, clue)
    return _create(actor=actor, clue=clue, letter=letter, referred_on=referred_on)


def referral_create_for_leader(*, actor: Any, clue: Clue) -> Referral:
    """A clue about a court leader is referred at once, whoever registered it."""
    return _create(actor=actor, clue=clue, letter="")


# --- the team's work: disposal way, verification, filing or closing ------------------------
STEP_DATES = {
    Referral.Stage.WAY_CHOSEN: "way_chosen_on",
    Referral.Stage.VERIFYING: "verification_started_on",
    Referral.Stage.FILED: "filed_on",
    Referral.Stage.CLOSED: "closed_on",
}


def allowed_steps(referral: Referral) -> tuple[str, ...]:
    """The stages the team may move ``referral`` to by a step (the disposition is recorded
    by :func:`disposition_create`, not by a step)."""
    if referral.is_void:
        return ()
    return tuple(
        stage
        for stage in rules.next_stages(referral.stage, referral.way)
        if stage != Referral.Stage.DISPOSED
    )


@transaction.atomic
def referral_step(
    *,
    actor: Any,
    referral: Referral,
    version: Any,
    target: str,
    on: datetime.date | None = None,
    way: str = "",
    findings: str = "",
) -> Referral:
    """Move a referral to its next stage (监督执纪工作规则 arts. 21–24, rules.STAGE_STEPS and
    WAY_NEXT): from received the team chooses one of the four disposal ways; the way decides
    whether verification follows or the clue is closed; verification ends in filing (立案)
    or closing (了结). Each step sets its date and the stage's start, is version-checked and
    audited. Only the discipline team (MANAGE) moves referrals."""
    policy.require(actor, policy.MANAGE, referral)
    refuse_void(referral)
    if target not in allowed_steps(referral):
        raise ValidationError(
            _("A referral at stage “%(stage)s” cannot move to “%(target)s”.")
            % {"stage": referral.get_stage_display(), "target": target}
        )
    on = on or today()
    if on < referral.stage_since:
        raise ValidationError({"on": [_("The date cannot be before the current stage began.")]})
    if on > today():
        raise ValidationError({"on": [_("The date cannot be in the future.")]})
    before = events.snapshot(referral)
    claim_version(referral, version)
    if target == Referral.Stage.WAY_CHOSEN:
        if way not in Referral.Way.values:
            raise ValidationError({"way": [_("Choose one of the four disposal ways.")]})
        referral.way = way
    elif way and way != referral.way:
        raise ValidationError({"way": [_("The disposal way was chosen at the previous step.")]})
    if findings:
        referral.findings = findings
    referral.stage = target
    referral.stage_since = on
    setattr(referral, STEP_DATES[target], on)
    referral.full_clean()
    referral.save()
    events.record(
        actor=actor,
        action="inspections.referral.step",
        obj=referral,
        changes=events.diff(before, events.snapshot(referral)),
    )
    if target == Referral.Stage.CLOSED:
        _set_clue_status(referral.clue, Clue.Status.CLOSED)
    return referral


def _set_clue_status(clue: Clue, status: str) -> None:
    Clue.objects.filter(pk=clue.pk).update(status=status)
    clue.status = status


# --- the disposition (四种形态) and where it flows ------------------------------------------
DISPOSITION_FIELDS = ("form", "measure", "decided_on", "decision", "concerns_improper_contact")
# What ledger 2 needs to know of the contact when the disposition creates its record.
CONTACT_FIELDS = ("counterpart_type", "counterpart_name", "behaviour", "occurred_on")

# Ledger 2 names the source of a clue in its own terms.
LEDGER_2_CLUE_SOURCE = {
    Clue.Source.LEDGER: "self_report",
    Clue.Source.FINDING: "inspection",
    Clue.Source.VISIT: "follow_up",
    Clue.Source.COMPLAINT: "public_report",
    Clue.Source.LETTER: "public_report",
    Clue.Source.DIRECT: "case_review",
}


@transaction.atomic
def disposition_create(
    *,
    actor: Any,
    referral: Referral,
    version: Any,
    fields: Mapping[str, Any],
    contact: Mapping[str, Any] | None = None,
) -> Disposition:
    """Record the outcome of a referral filed (立案) or closed (了结): the form of the four
    forms (四种形态), a measure that belongs to it (rules.measure_fits_form), the date and
    the decision. The referral becomes disposed and the clue closed. A disposition about
    improper contact flows into ledger 2 (the clue's own ContactCase is completed, or a new
    one is entered and linked); every disposition names its staff member, for their
    integrity file (廉政档案)."""
    policy.require(actor, policy.MANAGE, referral)
    refuse_void(referral)
    unknown = set(fields) - set(DISPOSITION_FIELDS)
    if unknown:
        raise PermissionDenied(f"Fields not editable here: {', '.join(sorted(unknown))}")
    if referral.stage not in (Referral.Stage.FILED, Referral.Stage.CLOSED):
        raise ValidationError(
            _("A disposition is recorded only once the referral is filed or closed.")
        )
    clue = referral.clue
    if not clue.subject_id:
        raise ValidationError(
            _("Name the staff member concerned on the clue before recording a disposition.")
        )
    disposition = Disposition(
        referral=referral, subject_id=clue.subject_id, entered_by=user_or_none(actor)
    )
    events.apply(disposition, fields)
    errors: dict[str, list[str]] = {}
    if (
        disposition.form
        and disposition.measure
        and not rules.measure_fits_form(disposition.measure, int(disposition.form))
    ):
        errors["measure"] = [
            _("This measure does not belong to the chosen form of the four forms.")
        ]
    if disposition.decided_on and disposition.decided_on < referral.stage_since:
        errors["decided_on"] = [_("The decision cannot be dated before the referral's stage.")]
    if disposition.decided_on and disposition.decided_on > today():
        errors["decided_on"] = [_("The date cannot be in the future.")]
    if errors:
        raise ValidationError(errors)
    before = events.snapshot(referral)
    claim_version(referral, version)
    disposition.full_clean()
    disposition.save()
    referral.stage = Referral.Stage.DISPOSED
    referral.stage_since = disposition.decided_on
    referral.save()
    _set_clue_status(clue, Clue.Status.CLOSED)
    if disposition.concerns_improper_contact:
        disposition.contact_case = _flow_into_ledger_2(disposition, dict(contact or {}))
        disposition.save(update_fields=["contact_case", "updated_at"])
    events.record(
        actor=actor,
        action="inspections.disposition.create",
        obj=disposition,
        changes=events.diff({}, events.snapshot(disposition)),
    )
    events.record(
        actor=actor,
        action="inspections.referral.step",
        obj=referral,
        changes=events.diff(before, events.snapshot(referral)),
    )
    return disposition


def _contact_source(clue: Clue) -> ContactCase | None:
    if clue.source_type_id is None or clue.source_id is None:
        return None
    if clue.source_type.model_class() is not ContactCase:
        return None
    return ContactCase.objects.filter(pk=clue.source_id, voided_at__isnull=True).first()


def _flow_into_ledger_2(disposition: Disposition, contact: dict[str, Any]) -> ContactCase:
    """Ledger 2 (不正当交往受处理情况) learns of the disposition through its own services, as
    the system (actor=None): the ledger's rules, workflow and audit apply. The clue's own
    ContactCase is completed; otherwise a new one is entered from the disposition form."""
    referral = disposition.referral
    clue = referral.clue
    record = _contact_source(clue)
    if record is None:
        missing = {
            name: [_("This field is required when the disposition concerns improper contact.")]
            for name in CONTACT_FIELDS
            if not contact.get(name)
        }
        if missing:
            raise ValidationError(missing)
        subject = disposition.subject
        record = ledger_services.ledger_create(
            actor=None,
            model=ContactCase,
            fields={
                "court": clue.court,
                "department": clue.department
                or (subject.department if subject.court_id == clue.court_id else None),
                "staff": subject,
                "counterpart_type": contact["counterpart_type"],
                "counterpart_name": contact["counterpart_name"],
                "behaviour": contact["behaviour"],
                "occurred_on": contact["occurred_on"],
                "description": "\n".join(filter(None, (clue.summary, clue.details)))
                or disposition.decision,
                "clue_source": LEDGER_2_CLUE_SOURCE.get(clue.source, "case_review"),
                "referral_number": referral.number,
                "is_confidential": True,
            },
        )
    elif record.referral_number != referral.number:
        record = ledger_services.ledger_update(
            actor=None,
            record=record,
            version=record.version,
            fields={"referral_number": referral.number},
        )
    if record.status == ContactCase.Status.REGISTERED:
        record = ledger_services.ledger_transition(
            actor=None, record=record, version=record.version, target=ContactCase.Status.VERIFYING
        )
    if record.status == ContactCase.Status.VERIFYING:
        record = ledger_services.ledger_transition(
            actor=None,
            record=record,
            version=record.version,
            target=ContactCase.Status.HANDLED,
            fields={
                "verification": ContactCase.Verification.SUBSTANTIATED,
                "verification_note": referral.findings or disposition.decision,
                "handling": rules.LEDGER_2_HANDLING[disposition.measure],
                "handled_on": disposition.decided_on,
            },
        )
    return record
