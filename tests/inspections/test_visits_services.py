"""Follow-up visits through the services: the plan's draw is stratified, reproducible from the
stored seed and verified; visits compute has_problem; a problem becomes a clue once."""

import datetime
from collections import Counter

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from inspections import rules, sampling
from inspections.models import Clue, SampledCase, Visit, VisitPlan
from inspections.services import visits as services
from integrity.audit.models import AuditEvent
from integrity.concurrency import StaleEdit
from integrity.org.models import Case

from ..factories import CaseFactory

PERIOD = (datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))
_numbers = iter(range(100, 100000))


def closed_case(court, case_type=Case.Type.CIVIL, closed_on=datetime.date(2026, 3, 1), judge=None):
    letter = {"civil": "民初", "criminal": "刑初", "administrative": "行初"}.get(case_type, "民初")
    return CaseFactory(
        number=f"(2026){court.code}{letter}{next(_numbers)}号",
        court=court,
        case_type=case_type,
        closed_on=closed_on,
        presiding_judge=judge,
    )


@pytest.fixture
def registry(province):
    """和平: 12 civil, 4 criminal; 沈河: 4 civil; plus cases that must never be drawn."""
    c = province.courts
    cases = {
        "heping_civil": [closed_case(c["heping"]) for _ in range(12)],
        "heping_criminal": [closed_case(c["heping"], Case.Type.CRIMINAL) for _ in range(4)],
        "shenhe_civil": [closed_case(c["shenhe"]) for _ in range(4)],
    }
    cases["outside"] = [
        closed_case(c["heping"], Case.Type.ADMINISTRATIVE),  # type not chosen
        closed_case(c["heping"], closed_on=datetime.date(2025, 12, 31)),  # before the period
        closed_case(c["heping"], closed_on=datetime.date(2026, 7, 1)),  # after the period
        closed_case(c["dalian"]),  # court not chosen
        CaseFactory(number="(2026)辽0102民初99999号", court=c["heping"]),  # still open
    ]
    return cases


@pytest.fixture
def questionnaire(province, logins):
    return services.questionnaire_create(
        actor=logins.supervisor, court=province.courts["high"], name="回访问卷"
    )


def make_plan(province, actor, questionnaire, size=10, **extra):
    c = province.courts
    fields = {
        "court": c["shenyang"],
        "title": "2026年上半年廉政回访",
        "courts": [c["heping"], c["shenhe"]],
        "case_types": [Case.Type.CIVIL, Case.Type.CRIMINAL],
        "closed_from": PERIOD[0],
        "closed_to": PERIOD[1],
        "sample_size": size,
        "questionnaire": questionnaire,
        **extra,
    }
    return services.visit_plan_create(actor=actor, **fields)


@pytest.fixture
def plan(province, logins, questionnaire, registry):
    return make_plan(province, logins.supervisor, questionnaire)


def test_the_draw_is_stratified_and_stays_within_the_criteria(plan, logins, registry, province):
    services.visit_plan_draw(actor=logins.supervisor, plan=plan, version=plan.version, seed=7)
    plan.refresh_from_db()
    assert plan.status == VisitPlan.Status.DRAWN
    assert plan.population == 20
    sample = list(SampledCase.objects.filter(plan=plan).select_related("case"))
    assert len(sample) == 10
    # 10 of 20: 和平 civil 6, 和平 criminal 2, 沈河 civil 2
    heping, shenhe = province.courts["heping"].pk, province.courts["shenhe"].pk
    assert Counter(row.stratum for row in sample) == {
        f"{heping}:civil": 6,
        f"{heping}:criminal": 2,
        f"{shenhe}:civil": 2,
    }
    assert {k: v["drawn"] for k, v in plan.strata.items()} == dict(
        Counter(row.stratum for row in sample)
    )
    outside = {case.pk for case in registry["outside"]}
    assert not outside & {row.case_id for row in sample}
    for row in sample:
        assert PERIOD[0] <= row.case.closed_on <= PERIOD[1]


def test_same_seed_and_criteria_give_the_same_cases_in_the_same_order(
    province, logins, questionnaire, registry
):
    first = make_plan(province, logins.supervisor, questionnaire)
    second = make_plan(province, logins.supervisor, questionnaire)
    third = make_plan(province, logins.supervisor, questionnaire)
    for plan, seed in ((first, 2026), (second, 2026), (third, 2027)):
        services.visit_plan_draw(actor=logins.supervisor, plan=plan, version=1, seed=seed)

    def drawn(plan):
        return list(plan.sample.order_by("position").values_list("case_id", flat=True))

    assert drawn(first) == drawn(second)
    assert drawn(first) != drawn(third)


def test_a_seed_is_chosen_and_stored_and_the_draw_is_audited(plan, logins):
    services.visit_plan_draw(actor=logins.supervisor, plan=plan, version=plan.version)
    plan.refresh_from_db()
    assert plan.seed is not None
    assert 0 <= plan.seed < 2**63
    event = AuditEvent.objects.get(action="inspections.visitplan.draw", object_id=str(plan.pk))
    assert event.changes["seed"] == [None, plan.seed]
    assert event.changes["criteria"][1]["sample_size"] == 10
    assert event.changes["sample"][1] == list(
        plan.sample.order_by("position").values_list("case_id", flat=True)
    )


def test_every_stratum_is_represented_when_the_size_allows(province, logins, questionnaire):
    c = province.courts
    for _ in range(30):
        closed_case(c["heping"])
    lone = closed_case(c["shenhe"], Case.Type.CRIMINAL)
    plan = make_plan(province, logins.supervisor, questionnaire, size=3)
    services.visit_plan_draw(actor=logins.supervisor, plan=plan, version=1, seed=1)
    assert plan.sample.filter(case=lone).exists()
    assert all(row["drawn"] >= 1 for row in plan.strata.values())


def test_a_drawn_plan_is_never_redrawn_nor_changed(plan, logins, province):
    services.visit_plan_draw(actor=logins.supervisor, plan=plan, version=1, seed=3)
    plan.refresh_from_db()
    with pytest.raises(ValidationError):
        services.visit_plan_draw(actor=logins.supervisor, plan=plan, version=plan.version)
    with pytest.raises(ValidationError):
        services.visit_plan_update(
            actor=logins.supervisor, plan=plan, version=plan.version, fields={"sample_size": 5}
        )
    assert plan.sample.count() == 10


def test_a_stale_draw_is_refused_and_draws_nothing(plan, logins):
    with pytest.raises(StaleEdit):
        services.visit_plan_draw(actor=logins.supervisor, plan=plan, version=plan.version + 1)
    assert not plan.sample.exists()


def test_a_draft_can_change_its_criteria(plan, logins, province):
    services.visit_plan_update(
        actor=logins.supervisor,
        plan=plan,
        version=plan.version,
        fields={"courts": [province.courts["heping"]], "case_types": [Case.Type.CRIMINAL]},
    )
    services.visit_plan_draw(actor=logins.supervisor, plan=plan, version=plan.version, seed=1)
    assert plan.population == 4


def test_verify_matches_and_detects_a_changed_registry(plan, logins, province):
    services.visit_plan_draw(actor=logins.supervisor, plan=plan, version=1, seed=11)
    result = services.visit_plan_verify(actor=logins.supervisor, plan=plan)
    assert result.matches
    assert result.stored == result.recomputed
    # A tampered sample no longer matches.
    first = plan.sample.get(position=1)
    other = plan.sample.get(position=2)
    SampledCase.objects.filter(pk=first.pk).update(position=999)
    SampledCase.objects.filter(pk=other.pk).update(position=1)
    SampledCase.objects.filter(pk=first.pk).update(position=2)
    assert not services.visit_plan_verify(actor=logins.supervisor, plan=plan).matches
    assert AuditEvent.objects.filter(action="inspections.visitplan.verify").count() == 2


def test_the_plan_courts_must_be_within_the_planners_scope(province, logins, questionnaire):
    with pytest.raises(ValidationError) as error:
        make_plan(
            province,
            logins.officer,
            questionnaire,
            court=province.courts["heping"],
            courts=[province.courts["heping"], province.courts["shenhe"]],
        )
    assert "courts" in error.value.message_dict


def test_an_officer_plans_for_their_court_with_the_provinces_questionnaire(
    province, logins, questionnaire, registry
):
    plan = make_plan(
        province,
        logins.officer,
        questionnaire,
        court=province.courts["heping"],
        courts=[province.courts["heping"]],
    )
    services.visit_plan_draw(actor=logins.officer, plan=plan, version=1, seed=5)
    assert plan.population == 16


def test_a_leader_may_not_plan(province, logins, questionnaire):
    with pytest.raises((PermissionDenied, ValidationError)):
        make_plan(province, logins.leader, questionnaire)


def test_nothing_to_draw_is_refused(province, logins, questionnaire):
    plan = make_plan(province, logins.supervisor, questionnaire)
    with pytest.raises(ValidationError):
        services.visit_plan_draw(actor=logins.supervisor, plan=plan, version=1)
    plan.refresh_from_db()
    assert plan.status == VisitPlan.Status.DRAFT
    assert plan.version == 1


def test_reading_the_population_is_one_query(plan, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = services.population(plan)
    assert len(rows) == 20
    assert all(isinstance(r, sampling.Candidate) for r in rows)


# --- visits -----------------------------------------------------------------------------------
@pytest.fixture
def drawn(plan, logins, province, registry):
    judge = province.staff["heping"]
    Case.objects.filter(pk__in=[c.pk for c in registry["heping_civil"]]).update(
        presiding_judge=judge
    )
    services.visit_plan_draw(actor=logins.supervisor, plan=plan, version=1, seed=1)
    plan.refresh_from_db()
    return plan


def answers(**overrides):
    base = {
        "gifts": "no",
        "meals": "no",
        "private_meetings": "no",
        "delays": "no",
        "fairness": str(rules.default_questions()[4]["choices"][0]),
        "comments": "",
    }
    base.update(overrides)
    return base


def record(actor, sampled, **answer_overrides):
    return services.visit_create(
        actor=actor,
        sampled=sampled,
        respondent_kind=Visit.Respondent.PARTY,
        respondent_name="张三",
        method=Visit.Method.PHONE,
        visited_on=datetime.date(2026, 11, 2),
        answers=answers(**answer_overrides),
    )


def heping_civil_sample(plan, province):
    return plan.sample.filter(
        court=province.courts["heping"], case__case_type=Case.Type.CIVIL
    ).first()


def test_answers_decide_has_problem(drawn, logins, province):
    row = heping_civil_sample(drawn, province)
    assert record(logins.supervisor, row).has_problem is False
    assert record(logins.supervisor, row, meals="yes").has_problem is True
    unfair = rules.default_questions()[4]["problem"][0]
    assert record(logins.supervisor, row, fairness=unfair).has_problem is True


def test_answers_must_fit_the_questionnaire(drawn, logins, province):
    row = heping_civil_sample(drawn, province)
    with pytest.raises(ValidationError):
        record(logins.supervisor, row, gifts="maybe")
    with pytest.raises(ValidationError):
        record(logins.supervisor, row, bribes="yes")


def test_visits_only_while_the_sample_is_drawn(plan, logins, province, registry):
    services.visit_plan_draw(actor=logins.supervisor, plan=plan, version=1, seed=1)
    plan.refresh_from_db()
    services.visit_plan_close(actor=logins.supervisor, plan=plan, version=plan.version)
    with pytest.raises(ValidationError):
        record(logins.supervisor, plan.sample.first())


def test_a_problem_becomes_one_clue_about_the_presiding_judge(drawn, logins, province):
    row = heping_civil_sample(drawn, province)
    visit = record(logins.supervisor, row, gifts="yes")
    clue = services.visit_raise_clue(actor=logins.supervisor, visit=visit, version=visit.version)
    assert clue.source == Clue.Source.VISIT
    assert clue.court == province.courts["heping"]
    assert clue.subject == province.staff["heping"]
    assert clue.source_type == ContentType.objects.get_for_model(Visit)
    assert clue.source_id == visit.pk
    assert rules.default_questions()[0]["text"] in clue.details
    assert rules.default_questions()[1]["text"] not in clue.details  # meals: answered no
    visit.refresh_from_db()
    with pytest.raises(ValidationError):
        services.visit_raise_clue(actor=logins.supervisor, visit=visit, version=visit.version)
    assert Clue.objects.filter(source_id=visit.pk).count() == 1


def test_no_clue_from_a_visit_without_problem(drawn, logins, province):
    visit = record(logins.supervisor, heping_civil_sample(drawn, province))
    with pytest.raises(ValidationError):
        services.visit_raise_clue(actor=logins.supervisor, visit=visit, version=visit.version)
    assert not Clue.objects.exists()


def test_a_stale_second_click_makes_no_second_clue(drawn, logins, province):
    visit = record(logins.supervisor, heping_civil_sample(drawn, province), meals="yes")
    services.visit_raise_clue(actor=logins.supervisor, visit=visit, version=1)
    with pytest.raises(StaleEdit):
        services.visit_raise_clue(actor=logins.supervisor, visit=visit, version=1)
    assert Clue.objects.count() == 1


# --- questionnaires ---------------------------------------------------------------------------
def test_questions_are_validated(province, logins):
    bad = [
        {"key": "gifts", "text": "收礼？", "kind": "yes_no", "problem": ["maybe"]},
        {"key": "gifts", "text": "", "kind": "essay"},
        {"key": "fair", "text": "公正？", "kind": "choice", "choices": ["是"]},
    ]
    with pytest.raises(ValidationError) as error:
        services.questionnaire_create(
            actor=logins.officer, court=province.courts["heping"], name="坏问卷", questions=bad
        )
    assert len(error.value.message_dict["questions"]) == 5


def test_a_questionnaire_is_edited_with_its_version(province, logins, questionnaire):
    services.questionnaire_update(
        actor=logins.supervisor,
        questionnaire=questionnaire,
        version=1,
        fields={"name": "新问卷"},
    )
    with pytest.raises(StaleEdit):
        services.questionnaire_update(
            actor=logins.supervisor, questionnaire=questionnaire, version=1, fields={"name": "x"}
        )
