"""The follow-up visit pages under /inspections/visits/: plans (list, new, edit while a draft,
draw, verify the draw, close, void), the visits of a sampled case (record, view, void, turn a
problem into a clue) and the questionnaires. Thin: reads through inspections.selectors.visits,
writes through inspections.services.visits; the policy decides who may do what."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from integrity.access import policy
from integrity.audit.selectors import object_history
from integrity.org import selectors as org_selectors
from integrity.web.errors import submit
from integrity.web.paging import keyset_page

from .. import rules
from ..forms import visits as forms
from ..models import Questionnaire, Visit, VisitPlan
from ..selectors import visits as selectors
from ..services import visits as services

REFUSED = _("You may not do this with this plan or visit.")


def _submit(request: HttpRequest, form: Any, write: Callable[[dict], Any], *, done: str) -> Any:
    return submit(request, form, write, done=done, refused=REFUSED)


def _changeable_courts(user: Any) -> Any:
    return org_selectors.court_choices(actor=user)


# --- plans ------------------------------------------------------------------------------------
@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not policy.may_use(user, VisitPlan):
        raise Http404
    form = forms.VisitPlanFilterForm(request.GET or None)
    status = form.cleaned_data.get("status") if form.is_valid() else None
    page = keyset_page(selectors.visit_plan_list(user, status=status or None), request.GET)
    context = {
        "form": form,
        "page": page,
        "may_plan": policy.may_use(user, VisitPlan, policy.CHANGE),
    }
    return render(request, "inspections/visits/plan_list.html", context)


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not policy.may_use(user, VisitPlan, policy.CHANGE):
        raise Http404
    data = request.POST if request.method == "POST" else None
    today = timezone.localdate()
    form = forms.VisitPlanForm(
        data,
        courts=_changeable_courts(user),
        questionnaires=selectors.questionnaires_usable(user),
        initial={
            "closed_from": today.replace(month=1, day=1),
            "closed_to": today,
            "sample_size": 20,
        },
    )
    plan = _submit(
        request,
        form,
        lambda _data: services.visit_plan_create(actor=user, **form.payload()),
        done=_("The plan was saved as a draft. Draw its sample when the criteria are right."),
    )
    if plan:
        return redirect("inspections:visit-plan-detail", pk=plan.pk)
    return render(request, "inspections/visits/plan_form.html", {"form": form, "plan": None})


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    plan = selectors.visit_plan_get(user, pk, policy.CHANGE)
    if plan.status != VisitPlan.Status.DRAFT or plan.is_void:
        messages.error(request, _("Only a draft plan can be changed."))
        return redirect("inspections:visit-plan-detail", pk=plan.pk)
    data = request.POST if request.method == "POST" else None
    form = forms.VisitPlanForm(
        data,
        courts=_changeable_courts(user),
        questionnaires=selectors.questionnaires_usable(user),
        initial=forms.VisitPlanForm.initial_for(plan),
    )

    def write(cleaned: dict) -> Any:
        payload = form.payload()
        return services.visit_plan_update(
            actor=user, plan=plan, version=cleaned["version"], fields=payload
        )

    if _submit(request, form, write, done=_("The plan was saved.")):
        return redirect("inspections:visit-plan-detail", pk=plan.pk)
    return render(request, "inspections/visits/plan_form.html", {"form": form, "plan": plan})


def _plan_page(
    request: HttpRequest, plan: VisitPlan, *, status: int = 200, **extra: Any
) -> HttpResponse:
    user: Any = request.user
    courts = selectors.plan_courts(plan)
    may_change = policy.can(user, policy.CHANGE, plan)
    is_draft = plan.status == VisitPlan.Status.DRAFT and not plan.is_void
    context = {
        "plan": plan,
        "courts": courts,
        "strata": selectors.strata_rows(plan, courts),
        "sample": selectors.plan_sample(user, plan) if plan.seed is not None else [],
        "visits": list(selectors.plan_visits(user, plan)[:200]),
        "history": object_history(plan),
        "may_change": may_change and not plan.is_void,
        "may_edit": may_change and is_draft,
        "may_draw": is_draft and policy.can(user, policy.MANAGE, plan),
        "may_visit": may_change and plan.status == VisitPlan.Status.DRAWN and not plan.is_void,
        "may_close": plan.status == VisitPlan.Status.DRAWN
        and not plan.is_void
        and policy.can(user, policy.MANAGE, plan),
        "may_void": not plan.is_void and policy.can(user, policy.MANAGE, plan),
        "draw_form": extra.get("draw_form") or forms.DrawForm(initial={"version": plan.version}),
        "close_form": extra.get("close_form")
        or forms.VersionForm(initial={"version": plan.version}),
        "void_form": extra.get("void_form") or forms.VoidForm(initial={"version": plan.version}),
        "verification": extra.get("verification"),
    }
    context["case_types"] = _case_type_labels(plan.case_types)
    return render(request, "inspections/visits/plan_detail.html", context, status=status)


def _case_type_labels(values: list[str]) -> list[str]:
    from integrity.org.models import Case

    labels = dict(Case.Type.choices)
    return [str(labels.get(value, value)) for value in values]


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_page(request, selectors.visit_plan_get(request.user, pk))


def _fresh(request: HttpRequest, plan: VisitPlan) -> VisitPlan:
    return selectors.visit_plan_get(request.user, plan.pk)


@login_required
@require_POST
def plan_draw(request: HttpRequest, pk: int) -> HttpResponse:
    """Draw the sample: once, with the seed stored."""
    plan = selectors.visit_plan_get(request.user, pk)
    form = forms.DrawForm(request.POST)
    if _submit(
        request,
        form,
        lambda data: services.visit_plan_draw(
            actor=request.user, plan=plan, version=data["version"], seed=data.get("seed")
        ),
        done=_("The sample was drawn and stored with its seed."),
    ):
        return redirect("inspections:visit-plan-detail", pk=plan.pk)
    return _plan_page(request, _fresh(request, plan), draw_form=form)


@login_required
@require_POST
def plan_verify(request: HttpRequest, pk: int) -> HttpResponse:
    """Recompute the draw from the stored seed and criteria and show whether it matches."""
    plan = selectors.visit_plan_get(request.user, pk)
    try:
        verification = services.visit_plan_verify(actor=request.user, plan=plan)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [])) or REFUSED)
        return redirect("inspections:visit-plan-detail", pk=plan.pk)
    return _plan_page(request, plan, verification=verification)


@login_required
@require_POST
def plan_close(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.visit_plan_get(request.user, pk)
    form = forms.VersionForm(request.POST)
    if _submit(
        request,
        form,
        lambda data: services.visit_plan_close(
            actor=request.user, plan=plan, version=data["version"]
        ),
        done=_("The plan was closed."),
    ):
        return redirect("inspections:visit-plan-detail", pk=plan.pk)
    return _plan_page(request, _fresh(request, plan), close_form=form)


@login_required
@require_POST
def plan_void(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.visit_plan_get(request.user, pk)
    form = forms.VoidForm(request.POST)
    if _submit(
        request,
        form,
        lambda data: services.visit_plan_void(
            actor=request.user, plan=plan, version=data["version"], reason=data["reason"]
        ),
        done=_("The plan was voided."),
    ):
        return redirect("inspections:visit-plan-detail", pk=plan.pk)
    return _plan_page(request, _fresh(request, plan), void_form=form)


# --- visits -----------------------------------------------------------------------------------
@login_required
def visit_create(request: HttpRequest, sampled: int) -> HttpResponse:
    """Record a visit of one sampled case, the plan's questionnaire as fields."""
    user: Any = request.user
    row = selectors.sampled_get(user, sampled)
    plan = row.plan
    if not policy.can(user, policy.CHANGE, plan):
        raise Http404
    data = request.POST if request.method == "POST" else None
    form = forms.VisitForm(
        data,
        questions=plan.questionnaire.questions,
        initial={"visited_on": timezone.localdate()},
    )
    visit = _submit(
        request,
        form,
        lambda _data: services.visit_create(actor=user, sampled=row, **form.payload()),
        done=_("The visit was recorded."),
    )
    if visit:
        return redirect("inspections:visit-detail", pk=visit.pk)
    context = {"form": form, "sampled": row, "plan": plan, "names": selectors.case_contacts(row)}
    return render(request, "inspections/visits/visit_form.html", context)


def _visit_page(request: HttpRequest, visit: Visit, **extra: Any) -> HttpResponse:
    user: Any = request.user
    questions = visit.plan.questionnaire.questions
    problems = set(rules.problem_keys(questions, visit.answers))
    raised, clue = selectors.visit_clue_visible(user, visit)
    may_change = policy.can(user, policy.CHANGE, visit) and not visit.is_void
    context = {
        "visit": visit,
        "case": visit.sampled.case,
        "answers": [
            {
                "text": q["text"],
                "answer": visit.answers.get(q["key"], ""),
                "problem": q["key"] in problems,
                "kind": q["kind"],
            }
            for q in questions
        ],
        "clue_raised": raised,
        "clue": clue,
        "may_raise": may_change and visit.has_problem and not raised,
        "may_void": not visit.is_void and policy.can(user, policy.MANAGE, visit),
        "clue_form": extra.get("clue_form")
        or forms.VersionForm(initial={"version": visit.version}),
        "void_form": extra.get("void_form") or forms.VoidForm(initial={"version": visit.version}),
        "history": object_history(visit),
    }
    return render(request, "inspections/visits/visit_detail.html", context)


@login_required
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _visit_page(request, selectors.visit_get(request.user, pk))


@login_required
@require_POST
def visit_raise_clue(request: HttpRequest, pk: int) -> HttpResponse:
    """转为问题线索: one action, once per visit."""
    visit = selectors.visit_get(request.user, pk)
    form = forms.VersionForm(request.POST)
    if _submit(
        request,
        form,
        lambda data: services.visit_raise_clue(
            actor=request.user, visit=visit, version=data["version"]
        ),
        done=_("The problem was registered as a clue."),
    ):
        return redirect("inspections:visit-detail", pk=visit.pk)
    return _visit_page(request, selectors.visit_get(request.user, pk), clue_form=form)


@login_required
@require_POST
def visit_void(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_get(request.user, pk)
    form = forms.VoidForm(request.POST)
    if _submit(
        request,
        form,
        lambda data: services.visit_void(
            actor=request.user, visit=visit, version=data["version"], reason=data["reason"]
        ),
        done=_("The visit was voided."),
    ):
        return redirect("inspections:visit-detail", pk=visit.pk)
    return _visit_page(request, selectors.visit_get(request.user, pk), void_form=form)


# --- questionnaires ---------------------------------------------------------------------------
@login_required
def questionnaire_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not policy.may_use(user, Questionnaire):
        raise Http404
    page = keyset_page(selectors.questionnaire_list(user), request.GET)
    context = {"page": page, "may_add": policy.may_use(user, Questionnaire, policy.CHANGE)}
    return render(request, "inspections/visits/questionnaire_list.html", context)


@login_required
def questionnaire_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not policy.may_use(user, Questionnaire, policy.CHANGE):
        raise Http404
    data = request.POST if request.method == "POST" else None
    form = forms.QuestionnaireForm(
        data, courts=_changeable_courts(user), initial=forms.QuestionnaireForm.initial_for(None)
    )
    saved = _submit(
        request,
        form,
        lambda d: services.questionnaire_create(
            actor=user,
            court=d["court"],
            name=d["name"],
            questions=d["questions"],
            is_active=d["is_active"],
        ),
        done=_("The questionnaire was saved."),
    )
    if saved:
        return redirect("inspections:questionnaire-detail", pk=saved.pk)
    return render(
        request,
        "inspections/visits/questionnaire_form.html",
        {"form": form, "questionnaire": None},
    )


@login_required
def questionnaire_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The questionnaire, and its edit form for whoever may change it."""
    user: Any = request.user
    questionnaire = selectors.questionnaire_get(user, pk)
    may_change = policy.can(user, policy.CHANGE, questionnaire) and not questionnaire.is_void
    form = None
    if may_change:
        data = request.POST if request.method == "POST" else None
        form = forms.QuestionnaireForm(
            data,
            courts=_changeable_courts(user),
            editing=True,
            initial=forms.QuestionnaireForm.initial_for(questionnaire),
        )
        if _submit(
            request,
            form,
            lambda d: services.questionnaire_update(
                actor=user,
                questionnaire=questionnaire,
                version=d["version"],
                fields={k: d[k] for k in ("name", "questions", "is_active")},
            ),
            done=_("The questionnaire was saved."),
        ):
            return redirect("inspections:questionnaire-detail", pk=questionnaire.pk)
        if data is not None:
            questionnaire = selectors.questionnaire_get(user, pk)
    elif request.method == "POST":
        raise Http404
    context = {
        "questionnaire": questionnaire,
        "form": form,
        "history": object_history(questionnaire),
    }
    return render(request, "inspections/visits/questionnaire_form.html", context)
