"""Demo follow-up visits for `make run`: the province's questionnaire, a plan of 沈阳中院 (辽01)
and 和平区法院 (辽0102) over the cases closed this year with its sample drawn, a few visits and
one problem turned into a clue. Entered through the services as the supervision login."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from integrity.access.models import User
from integrity.org import services as org_services
from integrity.org.models import Case, CaseAgent, CaseParty, Court, StaffMember

from .. import rules
from ..models import Questionnaire
from ..services import visits as services

# At least this many cases closed this year at each court of the plan, so the draw has strata.
CLOSED_PER_COURT = 10
SAMPLE_SIZE = 8
SURNAMES = "王李张刘陈杨赵黄周吴"
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军"]
TYPES = [
    ("民初", Case.Type.CIVIL),
    ("刑初", Case.Type.CRIMINAL),
    ("行初", Case.Type.ADMINISTRATIVE),
]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)


def _closed_cases(rng: random.Random, court: Court, today: datetime.date) -> int:
    """Top the registry up with cases closed this year (the demo registry spreads its cases
    over three years, so a court may have only one or two)."""
    start = today.replace(month=1, day=1)
    have = Case.objects.filter(court=court, closed_on__gte=start, closed_on__lte=today).count()
    judges = list(
        StaffMember.objects.filter(
            court=court, post__in=["judge", "chief"], status=StaffMember.Status.SERVING
        ).order_by("pk")[:5]
    )
    created = 0
    for sequence in range(have, CLOSED_PER_COURT):
        code, case_type = TYPES[sequence % 3 if sequence % 4 else 0]
        number = f"({today.year}){court.code}{code}{900 + sequence}号"
        if Case.objects.filter(number=number).exists():
            continue
        closed = start + datetime.timedelta(days=rng.randrange(max((today - start).days, 1)))
        judge = judges[sequence % len(judges)] if judges else None
        case = org_services.case_save(
            actor=None,
            number=number,
            court=court,
            department=judge.department if judge else None,
            case_type=case_type,
            cause="民间借贷纠纷" if case_type == Case.Type.CIVIL else "",
            filed_on=closed - datetime.timedelta(days=60),
            closed_on=closed,
            presiding_judge=judge,
        )
        party = org_services.case_party_save(
            actor=None, case=case, name=_name(rng), role=CaseParty.Role.PLAINTIFF
        )
        org_services.case_party_save(
            actor=None, case=case, name=_name(rng), role=CaseParty.Role.DEFENDANT
        )
        org_services.case_agent_save(
            actor=None,
            case=case,
            party=party,
            name=_name(rng),
            law_firm="辽宁正和律师事务所",
            licence_number=f"1210{rng.randrange(10**12, 10**13)}",
            kind=CaseAgent.Kind.LAWYER,
        )
        created += 1
    return created


def seed(rng: random.Random) -> int:
    if Questionnaire.objects.exists():
        return 0
    supervisor = User.objects.filter(username="supervisor").first()
    courts = {c.code: c for c in Court.objects.filter(code__in=["辽", "辽01", "辽0102"])}
    if supervisor is None or len(courts) < 3:
        return 0
    today = timezone.localdate()
    created = sum(_closed_cases(rng, courts[code], today) for code in ("辽01", "辽0102"))
    questionnaire = services.questionnaire_create(
        actor=supervisor, court=courts["辽"], name="廉政回访问卷（全省通用）"
    )
    plan = services.visit_plan_create(
        actor=supervisor,
        court=courts["辽01"],
        title=f"{today.year}年度沈阳两级法院廉政回访",
        courts=[courts["辽01"], courts["辽0102"]],
        closed_from=today.replace(month=1, day=1),
        closed_to=today,
        sample_size=SAMPLE_SIZE,
        questionnaire=questionnaire,
    )
    plan = services.visit_plan_draw(
        actor=supervisor, plan=plan, version=plan.version, seed=rng.randrange(2**63)
    )
    created += 2 + plan.sample.count()
    fair, unfair = (
        rules.default_questions()[4]["choices"][0],
        rules.default_questions()[4]["problem"][0],
    )
    sample = list(plan.sample.select_related("case").order_by("position")[:3])
    for index, sampled in enumerate(sample):
        parties = list(CaseParty.objects.filter(case=sampled.case).values_list("name", flat=True))
        problem = index == 1
        visit = services.visit_create(
            actor=supervisor,
            sampled=sampled,
            respondent_kind="party",
            respondent_name=parties[0] if parties else _name(rng),
            method="phone",
            visited_on=today - datetime.timedelta(days=3 - index),
            answers={
                "gifts": "no",
                "meals": "yes" if problem else "no",
                "private_meetings": "no",
                "delays": "no",
                "fairness": unfair if problem else fair,
                "comments": "承办法官曾接受对方当事人宴请。" if problem else "",
            },
            comments="" if problem else "对办案过程满意。",
        )
        created += 1
        if problem:
            services.visit_raise_clue(actor=supervisor, visit=visit, version=visit.version)
            created += 1
    officer = User.objects.filter(username="officer").first()
    if officer is not None:
        # The basic court's own round, drawn, waiting for its visits.
        own = services.visit_plan_create(
            actor=officer,
            court=courts["辽0102"],
            title=f"{today.year}年度和平区法院廉政回访",
            courts=[courts["辽0102"]],
            closed_from=today.replace(month=1, day=1),
            closed_to=today,
            sample_size=5,
            questionnaire=questionnaire,
        )
        own = services.visit_plan_draw(
            actor=officer, plan=own, version=own.version, seed=rng.randrange(2**63)
        )
        created += 1 + own.sample.count()
    return created
