"""The inspection pages under /inspections/: the list, planning and editing an inspection with
its targets and team, its page (targets, team, counts, findings, history), the printable
notice (督察通知书), status steps and voiding; the problem list (findings), the rectification
report with evidence, verification (销号) or return, the responsible unit's own items, and the
look-back (回头看). Thin: reads through the selectors, writes through the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from integrity.access import policy
from integrity.audit.selectors import object_history
from integrity.concurrency import StaleEdit
from integrity.org import selectors as org_selectors
from integrity.web.errors import add_service_errors, submit
from integrity.web.paging import keyset_page

from ..forms import inspections as forms
from ..models import Finding, Inspection
from ..selectors import inspections as selectors
from ..services import inspections as services

S = Inspection.Status


def _today() -> Any:
    return timezone.localdate()


def _submit(request: HttpRequest, form: Any, write: Callable[[dict], Any], *, done: str) -> Any:
    return submit(
        request, form, write, done=done, refused=_("You may not do this with this record.")
    )


def _history(obj: Any) -> list[Any]:
    return object_history(obj)


# --- inspections -----------------------------------------------------------------------------
@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not policy.may_use(user, Inspection):
        raise Http404
    form = forms.InspectionFilterForm(
        request.GET or None, courts=org_selectors.court_choices(actor=user)
    )
    filters = form.filters() if request.GET else {}
    page = keyset_page(selectors.inspection_list(user, today=_today(), **filters), request.GET)
    context = {
        "form": form,
        "page": page,
        "may_create": policy.may_use(user, Inspection, policy.CHANGE),
        "may_report": policy.may_use(user, Finding, policy.CHANGE),
    }
    return render(request, "inspections/inspections/list.html", context)


def _inspection_form(request: HttpRequest, data: Any, **kwargs: Any) -> forms.InspectionForm:
    user = request.user
    return forms.InspectionForm(
        data,
        courts=org_selectors.court_choices(actor=user),
        departments=org_selectors.department_list(actor=user),
        **kwargs,
    )


@login_required
def inspection_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not policy.may_use(user, Inspection, policy.CHANGE):
        raise Http404
    data = request.POST if request.method == "POST" else None
    form = _inspection_form(request, data)
    if data is not None and form.is_valid():
        try:
            inspection = services.inspection_create(actor=user, **form.payload())
        except (ValidationError, PermissionDenied) as error:
            add_service_errors(form, error, refused=_("You may not run inspections here."))
        else:
            messages.success(request, _("The inspection was planned."))
            return redirect("inspections:inspection-detail", pk=inspection.pk)
    return render(request, "inspections/inspections/form.html", {"form": form})


@login_required
def inspection_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    inspection = selectors.inspection_get(user, pk, policy.CHANGE)
    data = request.POST if request.method == "POST" else None
    form = _inspection_form(request, data, initial=forms.InspectionForm.initial_for(inspection))
    if data is not None and form.is_valid():
        try:
            services.inspection_update(
                actor=user,
                inspection=inspection,
                version=form.cleaned_data["version"],
                **form.payload(),
            )
        except (ValidationError, PermissionDenied, StaleEdit) as error:
            add_service_errors(form, error, refused=_("You may not change this inspection."))
        else:
            messages.success(request, _("The inspection was saved."))
            return redirect("inspections:inspection-detail", pk=inspection.pk)
    return render(
        request, "inspections/inspections/form.html", {"form": form, "inspection": inspection}
    )


def _inspection_page(
    request: HttpRequest, inspection: Inspection, *, status: int = 200, **bound: Any
) -> HttpResponse:
    user: Any = request.user
    today = _today()
    may_change = policy.can(user, policy.CHANGE, inspection)
    may_manage = policy.can(user, policy.MANAGE, inspection)
    live = not inspection.is_void and inspection.status != S.CLOSED
    steps = services.INSPECTION_STEPS.get(inspection.status, ()) if may_manage and live else ()
    context = {
        "inspection": inspection,
        "today": today,
        "targets": selectors.inspection_targets(inspection),
        "team": selectors.inspection_team(inspection),
        "counts": selectors.inspection_counts(inspection, today),
        "findings": list(selectors.inspection_findings(user, inspection)),
        "history": _history(inspection),
        "may_change": may_change and live,
        "may_add_finding": live and inspection.status in services.FINDINGS_OPEN_IN,
        "steps": [(value, Inspection.Status(value).label) for value in steps],
        "may_void": may_manage and not inspection.is_void,
        "step_form": bound.get("step_form")
        or forms.VersionForm(initial={"version": inspection.version}),
        "void_form": bound.get("void_form")
        or forms.VoidForm(initial={"version": inspection.version}),
        "is_look_back": inspection.kind == Inspection.Kind.LOOK_BACK,
    }
    return render(request, "inspections/inspections/detail.html", context, status=status)


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _inspection_page(request, selectors.inspection_get(request.user, pk))


@login_required
def inspection_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable inspection notice (督察通知书)."""
    inspection = selectors.inspection_get(request.user, pk)
    context = {
        "inspection": inspection,
        "targets": selectors.inspection_targets(inspection),
        "team": selectors.inspection_team(inspection),
        "today": _today(),
    }
    return render(request, "inspections/inspections/notice.html", context)


@login_required
@require_POST
def inspection_transition(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = selectors.inspection_get(request.user, pk)
    form = forms.TransitionForm(request.POST)
    if _submit(
        request,
        form,
        lambda data: services.inspection_transition(
            actor=request.user,
            inspection=inspection,
            version=data["version"],
            target=data["target"],
        ),
        done=_("The inspection's status was changed."),
    ):
        return redirect("inspections:inspection-detail", pk=inspection.pk)
    return _inspection_page(
        request, selectors.inspection_get(request.user, pk), step_form=form, status=400
    )


@login_required
@require_POST
def inspection_void(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = selectors.inspection_get(request.user, pk)
    form = forms.VoidForm(request.POST)
    if _submit(
        request,
        form,
        lambda data: services.inspection_void(
            actor=request.user,
            inspection=inspection,
            version=data["version"],
            reason=data["reason"],
        ),
        done=_("The inspection was voided; the team's access has ended."),
    ):
        return redirect("inspections:inspection-detail", pk=inspection.pk)
    return _inspection_page(
        request, selectors.inspection_get(request.user, pk), void_form=form, status=400
    )


# --- look-back -------------------------------------------------------------------------------
@login_required
def look_back(request: HttpRequest, pk: int) -> HttpResponse:
    """The earlier findings of the inspected units, each with this look-back's verdict."""
    user: Any = request.user
    inspection = selectors.inspection_get(user, pk)
    if inspection.kind != Inspection.Kind.LOOK_BACK:
        raise Http404
    may_record = (
        policy.can(user, policy.MANAGE, inspection)
        and not inspection.is_void
        and inspection.status != S.CLOSED
    )
    form = None
    if request.method == "POST":
        if not may_record:
            raise Http404
        form = forms.LookBackForm(request.POST)
        if form.is_valid():
            finding = selectors.finding_get(user, form.cleaned_data["finding"])
            try:
                services.look_back_record(
                    actor=user,
                    inspection=inspection,
                    finding=finding,
                    result=form.cleaned_data["result"],
                    note=form.cleaned_data["note"],
                )
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, " ".join(getattr(error, "messages", [])) or _("Refused."))
            else:
                messages.success(request, _("The look-back check was recorded."))
                return redirect("inspections:inspection-look-back", pk=inspection.pk)
    checks = selectors.look_back_checks(inspection)
    rows = [
        {
            "finding": f,
            "check": checks.get(f.pk),
            "form": forms.LookBackForm(
                initial={
                    "finding": f.pk,
                    "result": checks[f.pk].result if f.pk in checks else None,
                    "note": checks[f.pk].note if f.pk in checks else "",
                }
            ),
        }
        for f in selectors.look_back_findings(user, inspection)[:200]
    ]
    context = {"inspection": inspection, "rows": rows, "may_record": may_record, "form": form}
    return render(request, "inspections/inspections/look_back.html", context)


# --- findings --------------------------------------------------------------------------------
@login_required
def finding_create(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    inspection = selectors.inspection_get(user, pk)
    data = request.POST if request.method == "POST" else None
    form = forms.FindingForm(data, inspection=inspection, initial={"severity": "minor"})
    if data is not None and form.is_valid():
        try:
            finding = services.finding_create(
                actor=user, inspection=inspection, fields=form.fields_data()
            )
        except (ValidationError, PermissionDenied) as error:
            add_service_errors(
                form, error, refused=_("You may not enter findings for this inspection.")
            )
        else:
            messages.success(request, _("The finding was entered."))
            return redirect("inspections:finding-detail", pk=finding.pk)
    return render(
        request,
        "inspections/inspections/finding_form.html",
        {"form": form, "inspection": inspection},
    )


@login_required
def finding_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    finding = selectors.finding_get(user, pk, policy.MANAGE)
    data = request.POST if request.method == "POST" else None
    form = forms.FindingForm(
        data, inspection=finding.inspection, initial=forms.FindingForm.initial_for(finding)
    )
    if data is not None and form.is_valid():
        try:
            services.finding_update(
                actor=user,
                finding=finding,
                version=form.cleaned_data["version"],
                fields=form.changed_fields(),
            )
        except (ValidationError, PermissionDenied, StaleEdit) as error:
            add_service_errors(form, error, refused=_("You may not change this finding."))
        else:
            messages.success(request, _("The finding was saved."))
            return redirect("inspections:finding-detail", pk=finding.pk)
    context = {"form": form, "inspection": finding.inspection, "finding": finding}
    return render(request, "inspections/inspections/finding_form.html", context)


def _finding_page(
    request: HttpRequest, finding: Finding, *, status: int = 200, **bound: Any
) -> HttpResponse:
    user: Any = request.user
    today = _today()
    live = not finding.is_void and not finding.inspection.is_void
    live = live and finding.inspection.status != S.CLOSED
    may_change = live and policy.can(user, policy.CHANGE, finding)
    may_manage = live and policy.can(user, policy.MANAGE, finding)
    reports = selectors.finding_reports(finding)
    steps = services.FINDING_STEPS
    version = {"version": finding.version}
    context = {
        "finding": finding,
        "inspection": finding.inspection,
        "today": today,
        "overdue": finding.status != Finding.Status.CLOSED
        and not finding.is_void
        and finding.deadline < today,
        "reports": reports,
        "history": _history(finding),
        "may_report": may_change and finding.status in steps["report"].sources,
        "may_verify": may_manage and finding.status in steps["close"].sources,
        "may_edit": may_manage and finding.status != Finding.Status.CLOSED,
        "may_add_evidence": may_change
        and bool(reports)
        and reports[-1].outcome == reports[-1].Outcome.SUBMITTED,
        "report_form": bound.get("report_form")
        or forms.ReportForm(initial={**version, "completed_on": today}),
        "close_form": bound.get("close_form") or forms.CloseForm(initial=version),
        "return_form": bound.get("return_form") or forms.ReturnForm(initial=version),
        "void_form": bound.get("void_form") or forms.VoidForm(initial=version),
        "evidence_form": forms.EvidenceForm(),
    }
    return render(request, "inspections/inspections/finding_detail.html", context, status=status)


@login_required
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _finding_page(request, selectors.finding_get(request.user, pk))


@login_required
def finding_mine(request: HttpRequest) -> HttpResponse:
    """The rectification items the user's unit answers for (整改清单), open ones."""
    user: Any = request.user
    form = forms.FindingFilterForm(request.GET or None)
    filters = {}
    if request.GET and form.is_valid():
        filters = {
            "status": form.cleaned_data.get("status") or None,
            "overdue": form.cleaned_data.get("overdue") or False,
        }
    qs = selectors.finding_list(user, mine=True, today=_today(), **filters)
    page = keyset_page(qs, request.GET)
    return render(
        request,
        "inspections/inspections/finding_mine.html",
        {"page": page, "form": form, "today": _today()},
    )


def _fresh_finding(request: HttpRequest, pk: int) -> Finding:
    return selectors.finding_get(request.user, pk)


@login_required
@require_POST
def rectification_report(request: HttpRequest, pk: int) -> HttpResponse:
    finding = selectors.finding_get(request.user, pk)
    form = forms.ReportForm(request.POST, request.FILES)

    def write(data: dict) -> Any:
        evidence = [(data["file"], data.get("description") or "")] if data.get("file") else []
        return services.finding_report(
            actor=request.user,
            finding=finding,
            version=data["version"],
            measures=data["measures"],
            completed_on=data["completed_on"],
            evidence=evidence,
        )

    if _submit(request, form, write, done=_("The rectification was reported.")):
        return redirect("inspections:finding-detail", pk=pk)
    return _finding_page(request, _fresh_finding(request, pk), report_form=form, status=400)


@login_required
@require_POST
def rectification_close(request: HttpRequest, pk: int) -> HttpResponse:
    finding = selectors.finding_get(request.user, pk)
    form = forms.CloseForm(request.POST)
    if _submit(
        request,
        form,
        lambda data: services.finding_close(
            actor=request.user, finding=finding, version=data["version"], note=data["note"]
        ),
        done=_("The item was verified and closed (销号)."),
    ):
        return redirect("inspections:finding-detail", pk=pk)
    return _finding_page(request, _fresh_finding(request, pk), close_form=form, status=400)


@login_required
@require_POST
def rectification_return(request: HttpRequest, pk: int) -> HttpResponse:
    finding = selectors.finding_get(request.user, pk)
    form = forms.ReturnForm(request.POST)
    if _submit(
        request,
        form,
        lambda data: services.finding_return(
            actor=request.user, finding=finding, version=data["version"], reason=data["reason"]
        ),
        done=_("The report was returned to the responsible unit."),
    ):
        return redirect("inspections:finding-detail", pk=pk)
    return _finding_page(request, _fresh_finding(request, pk), return_form=form, status=400)


@login_required
@require_POST
def finding_void(request: HttpRequest, pk: int) -> HttpResponse:
    finding = selectors.finding_get(request.user, pk)
    form = forms.VoidForm(request.POST)
    if _submit(
        request,
        form,
        lambda data: services.finding_void(
            actor=request.user, finding=finding, version=data["version"], reason=data["reason"]
        ),
        done=_("The finding was voided."),
    ):
        return redirect("inspections:finding-detail", pk=pk)
    return _finding_page(request, _fresh_finding(request, pk), void_form=form, status=400)


@login_required
@require_POST
def rectification_evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    finding = selectors.finding_get(request.user, pk)
    report = services.latest_report(finding)
    form = forms.EvidenceForm(request.POST, request.FILES)
    if report is None or not form.is_valid():
        messages.error(request, _("Choose a file to attach."))
        return redirect("inspections:finding-detail", pk=pk)
    try:
        services.report_evidence_add(
            actor=request.user,
            report=report,
            upload=form.cleaned_data["file"],
            description=form.cleaned_data["description"],
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [])) or _("Refused."))
    else:
        messages.success(request, _("The file was attached."))
    return redirect("inspections:finding-detail", pk=pk)


@login_required
def rectification_evidence(request: HttpRequest, pk: int, aid: int) -> HttpResponse:
    """Download an evidence file, through the scope of its finding's reports."""
    attachment = selectors.evidence_get(request.user, pk, aid)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.mime_type,
    )
