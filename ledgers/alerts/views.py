"""The alert queue's pages under /alerts/ (namespace ``alerts``). Thin: reads go through
ledgers.alerts.selectors (the scoping policy), the actions through the services, whose
refusals (a stale version, an alert no longer open, a recusal not yet in ledger 3) become the
form's errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inspections.models import Clue
from integrity.access import policy
from integrity.org import selectors as org_selectors
from integrity.web.errors import submit

from . import evidence, forms, selectors, services
from .models import Alert


def _submit(request: HttpRequest, form: Any, write: Callable[[dict], Any], *, done: str) -> Any:
    return submit(
        request, form, write, done=done, refused=_("You may not do this with this alert.")
    )


@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    """The queue: open alerts first of all, newest change first, with the rule's counts."""
    if not policy.may_use(request.user, Alert):
        raise Http404
    form = forms.AlertFilterForm(
        request.GET or None, courts=org_selectors.court_choices(actor=request.user)
    )
    filters = form.filters() if request.GET else {}
    page = selectors.alert_page(
        selectors.alert_list(actor=request.user, filters=filters), request.GET
    )
    counts = selectors.open_counts(actor=request.user)
    rows = [
        {
            "alert": alert,
            "evidence": evidence.sentence(alert),
            "status": evidence.status_label(alert),
        }
        for alert in page.rows
    ]
    return render(
        request,
        "alerts/alert_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "counts": [(rule, label, counts.get(rule, 0)) for rule, label in Alert.Rule.choices],
            "open_total": sum(counts.values()),
        },
    )


@login_required
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.alert_get(actor=request.user, pk=pk)
    services.alert_viewed(actor=request.user, alert=alert)
    return _page(request, alert)


def _page(request: HttpRequest, alert: Alert, **bound: Any) -> HttpResponse:
    user = request.user
    acting = alert.status == Alert.Status.OPEN and policy.can(user, policy.CHANGE, alert)
    recusal = selectors.recusal_status(alert)
    initial = {"version": alert.version}
    context = {
        "alert": alert,
        "info": alert.info,
        "evidence": evidence.sentence(alert),
        "status": evidence.status_label(alert),
        "links": selectors.links_of(actor=user, alert=alert),
        "recusal": recusal,
        "recusal_recorded": selectors.recusal_recorded(alert),
        "history": selectors.history_of(alert),
        "may_dismiss": acting,
        "may_clue": acting and policy.may_use(user, Clue, policy.CHANGE),
        "may_done": acting and alert.rule in services.DONE_RULES,
        "dismiss_form": bound.get("dismiss_form") or forms.DismissForm(initial=initial),
        "clue_form": bound.get("clue_form") or forms.ClueForm(initial=initial),
        "done_form": bound.get("done_form") or forms.DoneForm(initial=initial),
    }
    return render(request, "alerts/alert_detail.html", context)


def _alert_for_change(request: HttpRequest, pk: int) -> Alert:
    alert = selectors.alert_get(actor=request.user, pk=pk)
    if not policy.can(request.user, policy.CHANGE, alert):
        raise Http404
    return alert


def _after(request: HttpRequest, alert: Alert, form_name: str, form: Any) -> HttpResponse:
    """Back to the alert's page after an action; a refused one shows the page again with the
    form's errors and the alert as it now stands."""
    fresh = selectors.alert_get(actor=request.user, pk=alert.pk)
    return _page(request, fresh, **{form_name: form})


@login_required
@require_POST
def alert_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _alert_for_change(request, pk)
    form = forms.DismissForm(request.POST)
    if _submit(
        request,
        form,
        lambda data: services.alert_dismiss(
            actor=request.user, alert=alert, version=data["version"], reason=data["reason"]
        ),
        done=_("The alert was dismissed."),
    ):
        return redirect("alerts:detail", pk=alert.pk)
    return _after(request, alert, "dismiss_form", form)


@login_required
@require_POST
def alert_clue(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _alert_for_change(request, pk)
    form = forms.ClueForm(request.POST)
    if _submit(
        request,
        form,
        lambda data: services.alert_to_clue(
            actor=request.user, alert=alert, version=data["version"]
        ),
        done=_("The alert was turned into a clue."),
    ):
        clue = alert.clue
        if clue is not None and policy.can(request.user, policy.VIEW, clue):
            return redirect("inspections:clue-detail", pk=clue.pk)
        return redirect("alerts:detail", pk=alert.pk)
    return _after(request, alert, "clue_form", form)


@login_required
@require_POST
def alert_done(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _alert_for_change(request, pk)
    if alert.rule not in services.DONE_RULES:
        raise Http404
    form = forms.DoneForm(request.POST)
    if _submit(
        request,
        form,
        lambda data: services.alert_mark_done(
            actor=request.user,
            alert=alert,
            version=data["version"],
            note=data["note"],
            done_on=data.get("done_on"),
        ),
        done=_("The recusal was marked done."),
    ):
        return redirect("alerts:detail", pk=alert.pk)
    return _after(request, alert, "done_form", form)
