"""Demo clues, referrals and dispositions for `make run`, entered through the services: at
和平区法院 (辽0102), a clue raised from a ledger-2 record and carried to a disposition that
flowed back into ledger 2, clues entered directly or from a letter at several stages of the
discipline team's work, and a clue about a vice president of the court, referred to the team
at once and hidden from that court."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from integrity.access.models import User
from integrity.org.models import Court, StaffMember
from ledgers.models import ContactCase

from .. import rules
from ..models import Clue, Disposition, Referral
from ..services import clues as clue_services
from ..services import referrals as referral_services

S, W = Referral.Stage, Referral.Way
DEMO_SOURCES = (Clue.Source.LEDGER, Clue.Source.DIRECT, Clue.Source.LETTER)


def seed(rng: random.Random) -> int:
    """Create the demo clues once; returns how many rows were created (0 on a second run)."""
    if Clue.objects.filter(source__in=DEMO_SOURCES).exists():
        return 0
    court = Court.objects.filter(code="辽0102").first()
    officer = User.objects.filter(username="officer").first()
    team = User.objects.filter(username="discipline").first()
    if court is None or officer is None or team is None:
        return 0
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    staff = list(
        StaffMember.objects.filter(court=court, status=StaffMember.Status.SERVING)
        .exclude(post__in=rules.LEADER_POSTS)
        .exclude(pk__in=[u.staff_id for u in (officer, team) if u.staff_id])
        .order_by("id")[:6]
    )
    if len(staff) < 4:
        return 0
    created = 0

    def clue(subject: StaffMember | None, summary: str, source: str, **extra) -> Clue:
        nonlocal created
        created += 1
        return clue_services.clue_create(
            actor=officer,
            fields={
                "court": court,
                "subject": subject,
                "summary": summary,
                "source": source,
                "received_on": extra.pop("received_on", today - 60 * day),
                **extra,
            },
        )

    def refer(item: Clue, on: datetime.date) -> Referral:
        nonlocal created
        created += 1
        return referral_services.referral_create(actor=officer, clue=item, referred_on=on)

    def step(referral: Referral, target: str, on: datetime.date, **kw) -> None:
        referral_services.referral_step(
            actor=team, referral=referral, version=referral.version, target=target, on=on, **kw
        )

    # 1. From a ledger-2 record, carried to a disposition that completed that record.
    record = (
        ContactCase.objects.filter(court=court, voided_at__isnull=True)
        .exclude(status__in=[ContactCase.Status.HANDLED, ContactCase.Status.DISMISSED])
        .order_by("id")
        .first()
    )
    if record is not None:
        created += 1
        from_ledger = clue_services.clue_create(
            actor=officer,
            fields={
                **clue_services.fields_from_record(record),
                "summary": "与案件代理律师在非工作场所吃饭",
                "details": record.description,
                "received_on": today - 70 * day,
            },
            source_object=record,
        )
        if from_ledger.about_leader:  # referred at once when it names a court leader
            referral = from_ledger.referrals.get()
        else:
            referral = refer(from_ledger, today - 65 * day)
        step(referral, S.WAY_CHOSEN, today - 60 * day, way=W.VERIFY)
        step(referral, S.VERIFYING, today - 58 * day)
        step(referral, S.FILED, today - 20 * day, findings="经初步核实，反映问题属实。")
        created += 1
        referral_services.disposition_create(
            actor=team,
            referral=referral,
            version=referral.version,
            fields={
                "form": Disposition.Form.FIRST,
                "measure": Disposition.Measure.ADMONITION,
                "decided_on": today - 10 * day,
                "decision": "给予诫勉处理，责令其作出书面检查。",
                "concerns_improper_contact": True,
            },
        )

    # 2. Entered directly, at different stages of the team's work.
    received = clue(staff[0], "反映某法官在执行案件中拖延不办", Clue.Source.DIRECT)
    refer(received, today - 3 * day)
    chosen = clue(staff[1], "来信反映某法官与当事人私下会见", Clue.Source.LETTER)
    referral = refer(chosen, today - 40 * day)
    step(referral, S.WAY_CHOSEN, today - 32 * day, way=W.TALK_OR_LETTER)
    verifying = clue(staff[2], "反映某法官收受当事人购物卡", Clue.Source.DIRECT)
    referral = refer(verifying, today - 100 * day)
    step(referral, S.WAY_CHOSEN, today - 95 * day, way=W.VERIFY)
    step(referral, S.VERIFYING, today - 88 * day)  # due in two days: reminded
    clue(staff[3], "反映某书记员泄露合议庭评议情况", Clue.Source.DIRECT)  # not yet referred
    clue(None, "匿名反映某庭有人打探案情", Clue.Source.LETTER, is_confidential=True)

    # 3. About a vice president of the court: hidden from that court, referred at once.
    vice = (
        StaffMember.objects.filter(court=court, post=StaffMember.Post.VICE_PRESIDENT)
        .order_by("id")
        .first()
    )
    if vice is not None:
        clue(vice, "反映副院长过问他人承办案件", Clue.Source.LETTER)
        created += 1  # and its referral, made at once
    return created
