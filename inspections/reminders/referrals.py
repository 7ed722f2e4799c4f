"""Referral time limits (监督执纪工作规则; settings REFERRAL_STAGE_DAYS): the discipline team
reaching a referral's court is reminded when its current stage falls due within
REFERRAL_REMIND_DAYS_BEFORE days, and again once it is overdue (while fresh, as every source
of the engine). The staff member concerned is never told, even if they are of the team.

Two queries whatever the number of referrals: the referrals whose stage can be due or freshly
overdue today, and the team's role assignments (ledgers.reminders.Holders)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from integrity.access.models import Role
from integrity.notify.kinds import Kind, register
from integrity.notify.reminders import Due, source
from ledgers.reminders import Holders, _in_site_language, catch_up, day_label, fresh

from .. import rules
from ..models import Referral

REFERRAL_REMIND_DAYS_BEFORE = 3


class Kinds:
    RECEIVED = "referral_received"
    STAGE_DUE = "inspections.referral.stage_due"
    STAGE_OVERDUE = "inspections.referral.stage_overdue"


register(
    Kind(
        Kinds.RECEIVED,
        _("Clue referred to the discipline team: %(number)s"),
        _("A clue was referred to the discipline team under %(number)s. Choose its disposal way."),
    ),
    Kind(
        Kinds.STAGE_DUE,
        _("Referral stage due on %(due)s: %(number)s"),
        _(
            "Referral %(number)s has been at stage “%(stage)s” since %(since)s; it is due "
            "on %(due)s."
        ),
    ),
    Kind(
        Kinds.STAGE_OVERDUE,
        _("Referral stage overdue: %(number)s"),
        _(
            "Referral %(number)s has been at stage “%(stage)s” since %(since)s; it was due on "
            "%(due)s."
        ),
    ),
)


@source("referral_stages")
@_in_site_language
def referral_stage_reminders(today: datetime.date) -> list[Due]:
    """Stages due within REFERRAL_REMIND_DAYS_BEFORE days, and overdue ones (fresh), to the
    discipline team reaching the clue's court, never to the staff member concerned."""
    limits = {stage: days for stage, days in settings.REFERRAL_STAGE_DAYS.items() if days}
    if not limits:
        return []
    before = datetime.timedelta(days=REFERRAL_REMIND_DAYS_BEFORE)
    # due = since + limit; due-soon from due - before; overdue fresh until due + 1 + catch-up.
    earliest = today - datetime.timedelta(days=max(limits.values()) + 1) - catch_up()
    latest = today + before - datetime.timedelta(days=min(limits.values()))
    rows = Referral.objects.filter(
        voided_at__isnull=True,
        clue__voided_at__isnull=True,
        stage__in=list(limits),
        stage_since__gte=earliest,
        stage_since__lte=latest,
    ).values_list(
        "pk",
        "number",
        "stage",
        "stage_since",
        "clue__court_id",
        "clue__court__path",
        "clue__subject_id",
    )
    labels = dict(Referral.Stage.choices)
    holders: Holders | None = None
    dues: list[Due] = []
    for pk, number, stage, since, court_id, path, subject_id in rows:
        due_on = rules.stage_due(stage, since)
        if due_on is None:
            continue
        overdue = today > due_on
        if overdue:
            if not fresh(due_on + datetime.timedelta(days=1), today):
                continue
        elif today < due_on - before:
            continue
        if holders is None:
            holders = Holders.load(Role.DISCIPLINE)
        team = holders.reaching(Role.DISCIPLINE, court_id, path) - {subject_id}
        key = f"inspections.referral:{pk}:{stage}:{since.isoformat()}:"
        key += "overdue" if overdue else "due"
        params = {
            "number": number,
            "stage": str(labels.get(stage, stage)),
            "since": day_label(since),
            "due": day_label(due_on),
        }
        url = reverse("inspections:referral-detail", args=[pk])
        dues += [
            Due(
                recipient_id=staff_id,
                court_id=court_id,
                kind=Kinds.STAGE_OVERDUE if overdue else Kinds.STAGE_DUE,
                key=key,
                params=params,
                url=url,
                subject_type="inspections.referral",
                subject_id=str(pk),
            )
            for staff_id in sorted(team)
        ]
    return dues
