"""The follow-up visit pages and API: access, the draw and verify actions, the visit form with
the questionnaire as fields, the one-action clue, and fixed query counts for the lists."""

import datetime

import pytest
from django.urls import reverse

from inspections.models import Clue, Questionnaire, Visit, VisitPlan
from inspections.services import visits as services
from integrity.org.models import Case

from ..factories import CasePartyFactory
from .test_visits_services import closed_case, make_plan


@pytest.fixture
def questionnaire(province, logins):
    return services.questionnaire_create(
        actor=logins.supervisor, court=province.courts["high"], name="回访问卷"
    )


@pytest.fixture
def heping_plan(province, logins, questionnaire):
    """A plan of 和平 (the officer's court) over 8 civil cases closed in the period."""
    for _ in range(8):
        closed_case(province.courts["heping"], judge=province.staff["heping"])
    return make_plan(
        province,
        logins.officer,
        questionnaire,
        court=province.courts["heping"],
        courts=[province.courts["heping"]],
        size=4,
    )


def drawn(plan, actor):
    services.visit_plan_draw(actor=actor, plan=plan, version=plan.version, seed=42)
    plan.refresh_from_db()
    return plan


def test_an_officer_plans_and_draws_on_the_pages(client, province, logins, questionnaire):
    for _ in range(5):
        closed_case(province.courts["heping"])
    client.force_login(logins.officer)
    response = client.post(
        reverse("inspections:visit-plan-create"),
        {
            "court": province.courts["heping"].pk,
            "title": "和平法院回访",
            "courts": [province.courts["heping"].pk],
            "case_types": [Case.Type.CIVIL],
            "closed_from": "2026年1月1日",
            "closed_to": "2026-06-30",
            "sample_size": 3,
            "questionnaire": questionnaire.pk,
        },
    )
    plan = VisitPlan.objects.get()
    assert response.status_code == 302
    response = client.post(
        reverse("inspections:visit-plan-draw", args=[plan.pk]), {"version": plan.version}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == VisitPlan.Status.DRAWN
    assert plan.sample.count() == 3
    page = client.get(reverse("inspections:visit-plan-detail", args=[plan.pk]))
    assert str(plan.seed) in page.content.decode()


def test_verify_the_draw_on_the_page(client, heping_plan, logins):
    plan = drawn(heping_plan, logins.officer)
    client.force_login(logins.officer)
    response = client.post(reverse("inspections:visit-plan-verify", args=[plan.pk]))
    assert response.status_code == 200
    assert response.context["verification"].matches


def test_a_stale_draw_shows_an_error_and_draws_nothing(client, heping_plan, logins):
    client.force_login(logins.officer)
    response = client.post(
        reverse("inspections:visit-plan-draw", args=[heping_plan.pk]), {"version": 99}
    )
    assert response.status_code == 200
    assert response.context["draw_form"].non_field_errors()
    assert not heping_plan.sample.exists()


@pytest.mark.parametrize("who", ["staff", "chief", "outsider"])
def test_others_get_404(client, heping_plan, logins, who):
    client.force_login(getattr(logins, who))
    assert (
        client.get(reverse("inspections:visit-plan-detail", args=[heping_plan.pk])).status_code
        == 404
    )


@pytest.mark.parametrize("who", ["leader", "discipline", "supervisor"])
def test_readers_see_the_plan_but_cannot_draw(client, heping_plan, logins, who):
    client.force_login(getattr(logins, who))
    url = reverse("inspections:visit-plan-detail", args=[heping_plan.pk])
    assert client.get(url).status_code == 200
    if who != "supervisor":
        client.post(reverse("inspections:visit-plan-draw", args=[heping_plan.pk]), {"version": 1})
        assert not heping_plan.sample.exists()


def test_record_a_visit_and_turn_its_problem_into_a_clue(client, heping_plan, logins, province):
    plan = drawn(heping_plan, logins.officer)
    row = plan.sample.order_by("position").first()
    CasePartyFactory(case=row.case, name="李四")
    client.force_login(logins.officer)
    url = reverse("inspections:visit-create", args=[row.pk])
    form_page = client.get(url)
    assert "李四" in form_page.content.decode()  # offered as a suggestion
    unfair = services.rules.default_questions()[4]["problem"][0]
    response = client.post(
        url,
        {
            "respondent_kind": Visit.Respondent.PARTY,
            "respondent_name": "李四",
            "method": Visit.Method.PHONE,
            "visited_on": "2026年11月2日",
            "q_gifts": "no",
            "q_meals": "no",
            "q_private_meetings": "yes",
            "q_delays": "no",
            "q_fairness": unfair,
            "q_comments": "法官单独约见对方",
        },
    )
    visit = Visit.objects.get()
    assert response.status_code == 302
    assert visit.has_problem
    detail = reverse("inspections:visit-detail", args=[visit.pk])
    clue_url = reverse("inspections:visit-raise-clue", args=[visit.pk])
    assert f'action="{clue_url}"' in client.get(detail).content.decode()  # the 转为问题线索 button
    assert client.post(clue_url, {"version": visit.version}).status_code == 302
    clue = Clue.objects.get()
    assert clue.source == Clue.Source.VISIT
    assert clue.subject == province.staff["heping"]
    again = client.post(clue_url, {"version": visit.version + 1})
    assert again.status_code == 200
    assert Clue.objects.count() == 1
    assert f'action="{clue_url}"' not in client.get(detail).content.decode()


def test_a_visit_without_every_answer_is_refused_with_the_form(client, heping_plan, logins):
    plan = drawn(heping_plan, logins.officer)
    row = plan.sample.first()
    client.force_login(logins.officer)
    response = client.post(
        reverse("inspections:visit-create", args=[row.pk]),
        {
            "respondent_kind": "party",
            "respondent_name": "x",
            "method": "phone",
            "visited_on": "2026-11-01",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Visit.objects.exists()


def test_the_questionnaire_form_reads_one_line_per_question(client, province, logins):
    client.force_login(logins.officer)
    response = client.post(
        reverse("inspections:questionnaire-create"),
        {
            "court": province.courts["heping"].pk,
            "name": "简版问卷",
            "questions": "gifts | 是否收礼？ | yes_no | | yes\n"
            "fair | 是否公正？ | choice | 公正/不公正 | 不公正\n"
            "note | 其他意见 | text",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    saved = Questionnaire.objects.get(name="简版问卷")
    assert saved.questions[1] == {
        "key": "fair",
        "text": "是否公正？",
        "kind": "choice",
        "choices": ["公正", "不公正"],
        "problem": ["不公正"],
    }
    bad = client.post(
        reverse("inspections:questionnaire-create"),
        {"court": province.courts["heping"].pk, "name": "坏", "questions": "only | two"},
    )
    assert bad.status_code == 200
    assert bad.context["form"].errors["questions"]


def test_plan_list_and_detail_cost_a_fixed_number_of_queries(
    client, province, logins, questionnaire, django_assert_num_queries
):
    for _ in range(12):
        closed_case(province.courts["heping"], judge=province.staff["heping"])
    plans = []
    for index in range(3):
        plan = make_plan(
            province,
            logins.officer,
            questionnaire,
            court=province.courts["heping"],
            courts=[province.courts["heping"]],
            size=3 + index * 3,
        )
        plans.append(drawn(plan, logins.officer))
    for plan in plans:
        for row in plan.sample.all()[:2]:
            services.visit_create(
                actor=logins.officer,
                sampled=row,
                respondent_kind="party",
                respondent_name="张三",
                method="phone",
                visited_on=datetime.date(2026, 11, 1),
                answers={
                    "gifts": "no",
                    "meals": "yes",
                    "private_meetings": "no",
                    "delays": "no",
                    "fairness": services.rules.default_questions()[4]["choices"][0],
                },
            )
    client.force_login(logins.officer)
    client.get(reverse("inspections:visit-plan-list"))  # warm the session and content types
    with django_assert_num_queries(6):
        client.get(reverse("inspections:visit-plan-list"))
    counts = []
    for plan in (plans[0], plans[2]):
        url = reverse("inspections:visit-plan-detail", args=[plan.pk])
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


# --- API ----------------------------------------------------------------------------------------
def test_api_plan_draw_verify_and_stale(client, heping_plan, logins):
    client.force_login(logins.officer)
    base = f"/api/v1/visit-plans/{heping_plan.pk}/"
    stale = client.post(base + "draw/", {"version": 5}, content_type="application/json")
    assert stale.status_code == 409
    response = client.post(
        base + "draw/", {"version": 1, "seed": 2026}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["seed"] == 2026
    assert body["status"] == "drawn"
    assert body["population"] == 8
    verify = client.post(base + "verify/")
    assert verify.json()["matches"] is True
    sample = client.get(base + "sample/").json()
    assert [row["position"] for row in sample] == [1, 2, 3, 4]
    redraw = client.post(
        base + "draw/", {"version": body["version"]}, content_type="application/json"
    )
    assert redraw.status_code == 400


def test_api_visit_and_clue(client, heping_plan, logins):
    plan = drawn(heping_plan, logins.officer)
    row = plan.sample.first()
    client.force_login(logins.officer)
    response = client.post(
        "/api/v1/visits/",
        {
            "sampled": row.pk,
            "respondent_kind": "agent",
            "respondent_name": "王律师",
            "method": "in_person",
            "visited_on": "2026-11-03",
            "answers": {
                "gifts": "yes",
                "meals": "no",
                "private_meetings": "no",
                "delays": "no",
                "fairness": services.rules.default_questions()[4]["choices"][1],
            },
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    visit = response.json()
    assert visit["has_problem"] is True
    assert visit["clue"] is None
    clue = client.post(
        f"/api/v1/visits/{visit['id']}/clue/",
        {"version": visit["version"]},
        content_type="application/json",
    )
    assert clue.status_code == 201
    assert clue.json()["clue"] == Clue.objects.get().pk
    again = client.get(f"/api/v1/visits/{visit['id']}/").json()
    second = client.post(
        f"/api/v1/visits/{visit['id']}/clue/",
        {"version": again["version"]},
        content_type="application/json",
    )
    assert second.status_code == 400
    assert Clue.objects.count() == 1


def test_api_out_of_scope_is_404(client, heping_plan, logins):
    client.force_login(logins.outsider)
    assert client.get(f"/api/v1/visit-plans/{heping_plan.pk}/").status_code == 404
    assert client.get("/api/v1/visit-plans/").json()["results"] == []


def test_api_visit_list_is_a_fixed_number_of_queries(
    client, heping_plan, logins, django_assert_num_queries
):
    plan = drawn(heping_plan, logins.officer)
    for row in plan.sample.all():
        visit = services.visit_create(
            actor=logins.officer,
            sampled=row,
            respondent_kind="party",
            respondent_name="张三",
            method="phone",
            visited_on=datetime.date(2026, 11, 1),
            answers={
                "gifts": "yes",
                "meals": "no",
                "private_meetings": "no",
                "delays": "no",
                "fairness": services.rules.default_questions()[4]["choices"][0],
            },
        )
        services.visit_raise_clue(actor=logins.officer, visit=visit, version=visit.version)
    client.force_login(logins.officer)
    client.get("/api/v1/visits/")
    with django_assert_num_queries(5):
        body = client.get("/api/v1/visits/").json()
    assert len(body["results"]) == 4
    assert all(row["clue"] for row in body["results"])


def test_the_admin_lists_plans_read_only_and_scoped(client, heping_plan, logins, questionnaire):
    client.force_login(logins.officer)
    listing = client.get("/admin/inspections/visitplan/")
    assert listing.status_code == 200
    assert heping_plan.title in listing.content.decode()
    assert client.get("/admin/inspections/visitplan/add/").status_code == 403
    client.force_login(logins.outsider)
    assert heping_plan.title not in client.get("/admin/inspections/visitplan/").content.decode()
