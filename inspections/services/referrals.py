"""Referrals of clues to the embedded discipline team (驻院纪检监察组) and the team's work on
them: disposal way, verification, filing or closing, and the disposition."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from integrity.access import policy
from integrity.access.models import Role
from integrity.audit import events
from integrity.notify.reminders import Due
from integrity.notify.services import notify_now

from ..models import Clue, Referral
from .common import today, user_or_none


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
            url=f"/inspections/referrals/{referral.pk}/",
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
