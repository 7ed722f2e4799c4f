"""Staff directory and case registry pages; all reads go through org.selectors."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from integrity.audit.selectors import object_history
from integrity.web.paging import keyset_page

from . import selectors
from .forms import CaseFilterForm, StaffFilterForm


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    courts = selectors.court_choices(actor=request.user)
    departments = selectors.department_list(
        actor=request.user, court=request.GET.get("court") or None
    )
    form = StaffFilterForm(request.GET or None, courts=courts, departments=departments)
    rows = selectors.staff_list(actor=request.user, filters=form.filters())
    page = keyset_page(rows, request.GET)
    return render(request, "org/staff_list.html", {"form": form, "page": page})


@login_required
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    staff = selectors.staff_get(actor=request.user, pk=pk)
    return render(
        request,
        "org/staff_detail.html",
        {"staff": staff, "history": object_history(staff, limit=50)},
    )


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    courts = selectors.court_choices(actor=request.user)
    form = CaseFilterForm(request.GET or None, courts=courts)
    rows = selectors.case_list(actor=request.user, filters=form.filters())
    page = keyset_page(rows, request.GET)
    return render(request, "org/case_list.html", {"form": form, "page": page})


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(actor=request.user, pk=pk)
    return render(
        request, "org/case_detail.html", {"case": case, "history": object_history(case, limit=50)}
    )
