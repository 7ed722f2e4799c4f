"""The dashboard page (/reports/): figures of the reader's scope for a court and period, as
charts with the tables behind them. Thin: the figures come from figures.py (through the
scoping policy), the charts and tables from page.py."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .. import stats
from . import figures, page
from .forms import DashboardForm
from .links import Links


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not figures.may_see_dashboard(user):
        raise Http404
    today = timezone.localdate()
    form = DashboardForm(request.GET or None, courts=stats.courts_in_scope(user), today=today)
    area, period = form.selection()
    board = figures.dashboard(actor=user, area=area, period=period, today=today)
    return render(
        request,
        "reports/dashboards/index.html",
        {
            "form": form,
            "board": board,
            "area_name": figures.area_name(area),
            "sections": page.sections(board, Links(area, period)),
        },
    )
