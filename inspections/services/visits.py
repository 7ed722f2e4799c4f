"""Integrity follow-up visits (廉政回访, shared/DOMAIN.md "Inspections"): questionnaires, visit
plans with a reproducible stratified random draw of closed cases (the seed is stored so that
the draw can be recomputed and audited), the visits themselves, and the one action that turns
a problem a party reported into a clue."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from integrity.access import policy
from integrity.audit import events
from integrity.concurrency import claim_version
from integrity.org.models import Case, Court

from .. import rules, sampling
from ..models import Clue, Questionnaire, SampledCase, Visit, VisitPlan
from ..selectors import visits as selectors
from . import common
from .clues import clue_create

QUESTION_KINDS = (rules.YES_NO, rules.CHOICE, rules.TEXT)
YES, NO = "yes", "no"
MAX_QUESTIONS = 50


# --- questionnaires ---------------------------------------------------------------------------


def validate_questions(questions: Any) -> list[dict]:
    """The questions in their stored form, or a ValidationError naming what is wrong. Each
    question has a unique key (letters, digits, underscores), a text, a kind (yes_no, choice,
    text), choices for a choice question, and the answers that reveal a problem (which must be
    possible answers)."""
    if not isinstance(questions, list) or not questions:
        raise ValidationError({"questions": [_("Add at least one question.")]})
    if len(questions) > MAX_QUESTIONS:
        raise ValidationError(
            {
                "questions": [
                    _("A questionnaire has at most %(n)s questions.") % {"n": MAX_QUESTIONS}
                ]
            }
        )
    cleaned, keys, errors = [], set(), []
    for number, question in enumerate(questions, start=1):
        if not isinstance(question, Mapping):
            errors.append(_("Question %(n)s is not a question.") % {"n": number})
            continue
        key = str(question.get("key") or "").strip()
        text = str(question.get("text") or "").strip()
        kind = str(question.get("kind") or "").strip()
        choices = [str(c).strip() for c in question.get("choices") or () if str(c).strip()]
        problem = [str(p).strip() for p in question.get("problem") or () if str(p).strip()]
        if not key or not key.replace("_", "").isalnum() or not key.isascii():
            errors.append(
                _("Question %(n)s: the key must be letters, digits or underscores.") % {"n": number}
            )
        elif key in keys:
            errors.append(
                _("Question %(n)s: the key %(key)s is used twice.") % {"n": number, "key": key}
            )
        keys.add(key)
        if not text:
            errors.append(_("Question %(n)s has no text.") % {"n": number})
        if kind not in QUESTION_KINDS:
            errors.append(
                _("Question %(n)s: the kind must be yes_no, choice or text.") % {"n": number}
            )
        if kind == rules.CHOICE and len(choices) < 2:
            errors.append(_("Question %(n)s: a choice needs at least two answers.") % {"n": number})
        if kind != rules.CHOICE:
            choices = []
        possible = {rules.YES_NO: {YES, NO}, rules.CHOICE: set(choices)}.get(kind)
        if kind == rules.TEXT and problem:
            errors.append(
                _("Question %(n)s: a free text answer cannot be marked as a problem.")
                % {"n": number}
            )
        elif possible is not None and not set(problem) <= possible:
            errors.append(
                _("Question %(n)s: a problem answer must be one of the possible answers.")
                % {"n": number}
            )
        row: dict[str, Any] = {"key": key, "text": text, "kind": kind, "problem": problem}
        if kind == rules.CHOICE:
            row["choices"] = choices
        cleaned.append(row)
    if errors:
        raise ValidationError({"questions": errors})
    return cleaned


@transaction.atomic
def questionnaire_create(
    *,
    actor: Any,
    court: Court,
    name: str,
    questions: Sequence[Mapping] | None = None,
    is_active: bool = True,
) -> Questionnaire:
    """Keep a questionnaire for ``court`` (used there and below). Without questions it starts
    from the default one (inspections/rules.py)."""
    questionnaire = Questionnaire(
        court=court,
        name=name,
        questions=validate_questions(
            list(questions) if questions is not None else rules.default_questions()
        ),
        is_active=is_active,
        entered_by=common.user_or_none(actor),
    )
    questionnaire.full_clean()
    questionnaire.save()
    policy.require(actor, policy.CHANGE, questionnaire)
    events.record(
        actor=actor,
        action="inspections.questionnaire.create",
        obj=questionnaire,
        changes=events.diff({}, events.snapshot(questionnaire)),
    )
    return questionnaire


QUESTIONNAIRE_FIELDS = {"name", "questions", "is_active"}


@transaction.atomic
def questionnaire_update(
    *, actor: Any, questionnaire: Questionnaire, version: Any, fields: Mapping[str, Any]
) -> Questionnaire:
    """Change a questionnaire's name, questions or whether it is in use. Visits already made
    keep their answers; plans that use it show the new questions from now on."""
    unknown = set(fields) - QUESTIONNAIRE_FIELDS
    if unknown:
        raise PermissionDenied(f"Fields not editable here: {', '.join(sorted(unknown))}")
    fields = dict(fields)
    if "questions" in fields:
        fields["questions"] = validate_questions(fields["questions"])
    return common.update(actor=actor, obj=questionnaire, version=version, fields=fields)


@transaction.atomic
def questionnaire_void(
    *, actor: Any, questionnaire: Questionnaire, version: Any, reason: str
) -> Questionnaire:
    return common.void(actor=actor, obj=questionnaire, version=version, reason=reason)


# --- visit plans ------------------------------------------------------------------------------

PLAN_CRITERIA = (
    "court",
    "title",
    "courts",
    "case_types",
    "closed_from",
    "closed_to",
    "sample_size",
    "questionnaire",
)


def _check_criteria(actor: Any, plan: VisitPlan, courts: Iterable[Court]) -> list[Court]:
    courts = list(courts)
    errors: dict[str, list[str]] = {}
    if not courts:
        errors["courts"] = [_("Choose at least one court to visit.")]
    else:
        ids = {court.pk for court in courts}
        reached = (
            set(policy.scope(actor, Court.objects.filter(pk__in=ids)).values_list("pk", flat=True))
            if actor is not None
            else ids
        )
        organiser = plan.court
        outside = [
            c.name for c in courts if c.pk not in reached or not c.path.startswith(organiser.path)
        ]
        if outside:
            errors["courts"] = [
                _("These courts are outside your scope or below another court: %(names)s.")
                % {"names": "、".join(outside)}
            ]
    unknown = set(plan.case_types) - set(Case.Type.values)
    if unknown:
        errors["case_types"] = [_("Unknown case types: %(types)s.") % {"types": ", ".join(unknown)}]
    questionnaire = plan.questionnaire
    if questionnaire.is_void or not questionnaire.is_active:
        errors["questionnaire"] = [_("This questionnaire is no longer in use.")]
    elif not (
        plan.court.path.startswith(questionnaire.court.path)
        and (
            actor is None
            or selectors.questionnaires_usable(actor, plan.court)
            .filter(pk=questionnaire.pk)
            .exists()
        )
    ):
        errors["questionnaire"] = [
            _("This questionnaire is kept by a court outside this one or outside your scope.")
        ]
    if plan.closed_to and plan.closed_to > common.today():
        errors["closed_to"] = [
            _("Only cases already closed can be drawn: end the period today or earlier.")
        ]
    if errors:
        raise ValidationError(errors)
    return courts


@transaction.atomic
def visit_plan_create(
    *,
    actor: Any,
    court: Court,
    title: str,
    courts: Iterable[Court],
    closed_from: datetime.date,
    closed_to: datetime.date,
    sample_size: int,
    questionnaire: Questionnaire,
    case_types: Sequence[str] = (),
) -> VisitPlan:
    """Plan a round of follow-up visits: which courts, case types and closing period the cases
    are drawn from, how many, and the questionnaire. The plan starts as a draft."""
    plan = VisitPlan(
        court=court,
        title=title,
        case_types=sorted(set(case_types)),
        closed_from=closed_from,
        closed_to=closed_to,
        sample_size=sample_size,
        questionnaire=questionnaire,
        entered_by=common.user_or_none(actor),
    )
    plan.full_clean()
    courts = _check_criteria(actor, plan, courts)
    plan.save()
    plan.courts.set(courts)
    policy.require(actor, policy.CHANGE, plan)
    after = {**events.snapshot(plan), "courts": sorted(c.pk for c in courts)}
    events.record(
        actor=actor, action="inspections.visitplan.create", obj=plan, changes=events.diff({}, after)
    )
    return plan


def _refuse_unless_draft(plan: VisitPlan) -> None:
    common.refuse_void(plan)
    if plan.status != VisitPlan.Status.DRAFT:
        raise ValidationError(
            _(
                "The sample has been drawn: the plan's criteria can no longer change. "
                "Make a new plan instead."
            )
        )


@transaction.atomic
def visit_plan_update(
    *, actor: Any, plan: VisitPlan, version: Any, fields: Mapping[str, Any]
) -> VisitPlan:
    """Change a draft plan's criteria (never after the draw)."""
    unknown = set(fields) - set(PLAN_CRITERIA)
    if unknown:
        raise PermissionDenied(f"Fields not editable here: {', '.join(sorted(unknown))}")
    policy.require(actor, policy.CHANGE, plan)
    _refuse_unless_draft(plan)
    fields = dict(fields)
    courts = fields.pop("courts", None)
    if "case_types" in fields:
        fields["case_types"] = sorted(set(fields["case_types"]))
    before = {**events.snapshot(plan), "courts": sorted(plan.courts.values_list("pk", flat=True))}
    claim_version(plan, version)
    events.apply(plan, fields)
    plan.full_clean()
    checked = _check_criteria(actor, plan, courts if courts is not None else plan.courts.all())
    plan.save()
    if courts is not None:
        plan.courts.set(checked)
    policy.require(actor, policy.CHANGE, plan)
    after = {**events.snapshot(plan), "courts": sorted(c.pk for c in checked)}
    events.record(
        actor=actor,
        action="inspections.visitplan.update",
        obj=plan,
        changes=events.diff(before, after),
    )
    return plan


def population(plan: VisitPlan) -> list[sampling.Candidate]:
    """The cases the plan draws from: closed within the period, at one of its courts, of one of
    its case types (all types when none is named). One query whatever the registry's size:
    ids, courts and types only."""
    cases = Case.objects.filter(
        closed_on__isnull=False,
        closed_on__gte=plan.closed_from,
        closed_on__lte=plan.closed_to,
        court__in=VisitPlan.courts.through.objects.filter(visitplan_id=plan.pk).values("court_id"),
    )
    if plan.case_types:
        cases = cases.filter(case_type__in=plan.case_types)
    rows = cases.order_by().values_list("id", "court_id", "case_type")
    return [sampling.Candidate(*row) for row in rows]


def _criteria(plan: VisitPlan) -> dict[str, Any]:
    return {
        "courts": sorted(plan.courts.values_list("pk", flat=True)),
        "case_types": plan.case_types,
        "closed_from": plan.closed_from.isoformat(),
        "closed_to": plan.closed_to.isoformat(),
        "sample_size": plan.sample_size,
        "questionnaire": plan.questionnaire_id,
    }


@transaction.atomic
def visit_plan_draw(
    *, actor: Any, plan: VisitPlan, version: Any, seed: int | None = None
) -> VisitPlan:
    """Draw the stratified random sample of the plan (inspections/sampling.py) with a stored
    seed (a new random one unless given), store the sampled cases in order with the population
    and the per-stratum table, and audit the draw with its seed and criteria. Once only: a
    drawn plan is never redrawn."""
    policy.require(actor, policy.MANAGE, plan)
    _refuse_unless_draft(plan)
    if seed is None:
        seed = sampling.new_seed()
    elif not 0 <= int(seed) < 2**sampling.SEED_BITS:
        raise ValidationError({"seed": [_("The seed must be a whole number from 0 to 2⁶³−1.")]})
    claim_version(plan, version)
    result = sampling.draw(population(plan), plan.sample_size, int(seed))
    if not result.population:
        raise ValidationError(_("No closed case matches the plan's criteria: nothing to draw."))
    SampledCase.objects.bulk_create(
        SampledCase(
            plan=plan,
            case_id=candidate.case_id,
            court_id=candidate.court_id,
            stratum=candidate.stratum,
            position=position,
        )
        for position, candidate in enumerate(result.selection, start=1)
    )
    before = events.snapshot(plan)
    plan.seed = result.seed
    plan.population = result.population
    plan.strata = result.strata_table()
    plan.drawn_at = timezone.now()
    plan.drawn_by = common.user_or_none(actor)
    plan.status = VisitPlan.Status.DRAWN
    plan.save()
    events.record(
        actor=actor,
        action="inspections.visitplan.draw",
        obj=plan,
        changes={
            **events.diff(before, events.snapshot(plan)),
            "criteria": [None, _criteria(plan)],
            "sample": [None, result.case_ids],
        },
    )
    return plan


@dataclass(frozen=True)
class Verification:
    matches: bool
    seed: int
    population_then: int
    population_now: int
    stored: list[int]
    recomputed: list[int]

    @property
    def missing(self) -> list[int]:
        """Cases of the recomputed draw absent from the stored sample."""
        return [case for case in self.recomputed if case not in set(self.stored)]

    @property
    def extra(self) -> list[int]:
        """Stored cases the recomputed draw does not give."""
        return [case for case in self.stored if case not in set(self.recomputed)]


@transaction.atomic
def visit_plan_verify(*, actor: Any, plan: VisitPlan) -> Verification:
    """Recompute the draw from the stored seed and criteria and compare it, case by case and
    in order, with the stored sample. The check is audited with its outcome."""
    policy.require(actor, policy.VIEW, plan)
    if plan.seed is None:
        raise ValidationError(_("The sample has not been drawn yet."))
    result = sampling.draw(population(plan), plan.sample_size, plan.seed)
    stored = list(
        SampledCase.objects.filter(plan=plan).order_by("position").values_list("case_id", flat=True)
    )
    verification = Verification(
        matches=stored == result.case_ids,
        seed=plan.seed,
        population_then=plan.population or 0,
        population_now=result.population,
        stored=stored,
        recomputed=result.case_ids,
    )
    events.record(
        actor=actor,
        action="inspections.visitplan.verify",
        obj=plan,
        changes={
            "matches": [None, verification.matches],
            "population_now": [verification.population_then, result.population],
        },
    )
    return verification


@transaction.atomic
def visit_plan_close(*, actor: Any, plan: VisitPlan, version: Any) -> VisitPlan:
    """End the round: no more visits are recorded."""
    policy.require(actor, policy.MANAGE, plan)
    common.refuse_void(plan)
    if plan.status != VisitPlan.Status.DRAWN:
        raise ValidationError(_("Only a plan whose sample has been drawn can be closed."))
    claim_version(plan, version)
    plan.status = VisitPlan.Status.CLOSED
    plan.save(update_fields=["status", "version", "updated_at"])
    events.record(
        actor=actor,
        action="inspections.visitplan.close",
        obj=plan,
        changes={"status": [VisitPlan.Status.DRAWN, VisitPlan.Status.CLOSED]},
    )
    return plan


@transaction.atomic
def visit_plan_void(*, actor: Any, plan: VisitPlan, version: Any, reason: str) -> VisitPlan:
    return common.void(actor=actor, obj=plan, version=version, reason=reason)


# --- visits -----------------------------------------------------------------------------------


def clean_answers(questions: list[dict], answers: Mapping[str, Any]) -> dict[str, str]:
    """The answers to ``questions`` (every yes/no and choice question answered, free text
    optional), or a ValidationError naming the questions answered wrongly."""
    if not isinstance(answers, Mapping):
        raise ValidationError({"answers": [_("The answers are not readable.")]})
    known = {q["key"] for q in questions}
    errors = []
    unknown = set(answers) - known
    if unknown:
        errors.append(
            _("These are not questions of this questionnaire: %(keys)s.")
            % {"keys": ", ".join(sorted(unknown))}
        )
    cleaned: dict[str, str] = {}
    for question in questions:
        key, kind = question["key"], question["kind"]
        value = answers.get(key)
        value = "" if value is None else str(value).strip()
        if kind == rules.YES_NO and value not in (YES, NO):
            errors.append(_("Answer yes or no to: %(text)s") % {"text": question["text"]})
        elif kind == rules.CHOICE and value not in question.get("choices", ()):
            errors.append(_("Choose one of the answers to: %(text)s") % {"text": question["text"]})
        if value:
            cleaned[key] = value
    if errors:
        raise ValidationError({"answers": errors})
    return cleaned


VISIT_FIELDS = ("respondent_kind", "respondent_name", "method", "visited_on", "comments")


@transaction.atomic
def visit_create(
    *,
    actor: Any,
    sampled: SampledCase,
    respondent_kind: str,
    respondent_name: str,
    method: str,
    visited_on: datetime.date,
    answers: Mapping[str, Any],
    comments: str = "",
) -> Visit:
    """Record one visit of a sampled case: who was asked (a party or an agent), how, when, and
    the answers to the plan's questionnaire. ``has_problem`` is computed from the answers
    (rules.problem_keys), never entered."""
    plan = sampled.plan
    policy.require(actor, policy.CHANGE, plan)
    common.refuse_void(plan)
    if plan.status != VisitPlan.Status.DRAWN:
        raise ValidationError(
            _("Visits are recorded only while the plan's sample is drawn and the plan is open.")
        )
    if visited_on and visited_on > common.today():
        raise ValidationError({"visited_on": [_("The visit cannot be in the future.")]})
    questions = plan.questionnaire.questions
    cleaned = clean_answers(questions, answers)
    visit = Visit(
        plan=plan,
        sampled=sampled,
        court_id=sampled.court_id,
        respondent_kind=respondent_kind,
        respondent_name=(respondent_name or "").strip(),
        method=method,
        visited_on=visited_on,
        answers=cleaned,
        comments=comments or "",
        has_problem=bool(rules.problem_keys(questions, cleaned)),
        entered_by=common.user_or_none(actor),
    )
    visit.full_clean()
    visit.save()
    policy.require(actor, policy.CHANGE, visit)
    events.record(
        actor=actor,
        action="inspections.visit.create",
        obj=visit,
        changes=events.diff({}, events.snapshot(visit)),
    )
    return visit


@transaction.atomic
def visit_void(*, actor: Any, visit: Visit, version: Any, reason: str) -> Visit:
    return common.void(actor=actor, obj=visit, version=version, reason=reason)


def visit_clue(visit: Visit) -> Clue | None:
    """The clue raised from ``visit`` (unscoped: the caller scopes what it shows)."""
    return (
        Clue.objects.filter(
            source_type=ContentType.objects.get_for_model(Visit), source_id=visit.pk
        )
        .order_by("pk")
        .first()
    )


def problem_details(visit: Visit) -> str:
    """The problem answers as the clue's details: question, answer; then the comments."""
    questions = visit.plan.questionnaire.questions
    keys = set(rules.problem_keys(questions, visit.answers))
    shown = {YES: _("Yes"), NO: _("No")}
    lines = [
        f"{q['text']} — {shown.get(visit.answers.get(q['key']), visit.answers.get(q['key']))}"
        for q in questions
        if q["key"] in keys
    ]
    if visit.comments:
        lines.append(_("Comments: %(text)s") % {"text": visit.comments})
    return "\n".join(lines)


@transaction.atomic
def visit_raise_clue(*, actor: Any, visit: Visit, version: Any) -> Clue:
    """转为问题线索: the problem a party or agent reported becomes a clue of the case's court
    about the case's presiding judge (if any), with the problem answers as details. Once per
    visit."""
    policy.require(actor, policy.CHANGE, visit)
    common.refuse_void(visit)
    if not visit.has_problem:
        raise ValidationError(_("No answer of this visit reveals a problem."))
    claim_version(visit, version)  # also locks the visit: two clicks make one clue
    if visit_clue(visit) is not None:
        raise ValidationError(_("A clue has already been raised from this visit."))
    case = visit.sampled.case
    # A clue about a court leader is routed to the discipline team by clue_create and then
    # hidden from the visitor if they work at that leader's court.
    clue = clue_create(
        actor=actor,
        fields={
            "court": case.court,
            "subject": case.presiding_judge,
            "summary": _("Problem reported in the follow-up visit of case %(number)s")
            % {"number": case.number},
            "details": problem_details(visit),
            "source": Clue.Source.VISIT,
            "received_on": visit.visited_on,
        },
        source_object=visit,
    )
    Visit.objects.filter(pk=visit.pk).update(updated_at=timezone.now())
    events.record(
        actor=actor,
        action="inspections.visit.raise_clue",
        obj=visit,
        changes={"clue": [None, clue.pk]},
    )
    return clue
