"""The import pages: my imports, a new import (what, its template, the upload) and the job's
page: its progress while a large file is checked or written (htmx polls a small fragment;
without JavaScript the page refreshes itself), the first rows as they would be written with
the names matched, every problem grouped by row, the notices, and confirm or cancel. Thin:
reads through imports.selectors, writes through imports.services. Only those who may import
something (officers, administrators) see these pages; for anyone else they do not exist."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from integrity.web.errors import submit
from integrity.web.paging import keyset_page

from ..models import ImportJob
from . import columns, selectors, services
from .forms import ImportUploadForm
from .templates_xlsx import template_download

Stage = ImportJob.Stage


def _targets(request: HttpRequest) -> list[columns.Target]:
    targets = columns.available(request.user)
    if not targets:
        raise Http404
    return targets


def title_of(job: ImportJob) -> str:
    target = columns.BY_KEY.get(job.target)
    return str(target.title) if target else job.target


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    _targets(request)
    page = keyset_page(selectors.import_list(actor=request.user), request.GET)
    for job in page.rows:
        job.title = title_of(job)
    return render(request, "reports/imports/list.html", {"page": page})


@login_required
def import_new(request: HttpRequest) -> HttpResponse:
    targets = _targets(request)
    form = ImportUploadForm(
        request.POST or None,
        request.FILES or None,
        targets=targets,
        initial={"target": request.GET.get("target")},
    )
    job = submit(
        request,
        form,
        lambda data: services.import_upload(
            actor=request.user, target=data["target"], upload=data["file"]
        ),
        done=_("The file was uploaded."),
        refused=_("You may not import this."),
    )
    if job:
        return redirect("reports:import-detail", pk=job.pk)
    return render(request, "reports/imports/new.html", {"form": form, "targets": targets})


@login_required
def import_template(request: HttpRequest, target: str) -> FileResponse:
    return template_download(request.user, target)


def _job_context(job: ImportJob) -> dict[str, Any]:
    preview = job.preview if isinstance(job.preview, dict) else {}
    return {
        "job": job,
        "title": title_of(job),
        "running": job.stage in (Stage.UPLOADED, Stage.IMPORTING)
        and job.status != ImportJob.Status.FAILED,
        "preview": preview,
        "problem_rows": _by_row(job.problems),
        "may_confirm": job.stage == Stage.CHECKED,
        "may_cancel": job.stage in services.CANCELLABLE,
    }


def _by_row(problems: list[dict]) -> list[tuple[int | None, list[str]]]:
    """The problems grouped by row (the file's own first), each as “header” (column X): …"""
    rows: dict[int | None, list[str]] = {}
    for item in problems:
        if item.get("column"):
            text = _("“%(header)s” (column %(column)s): %(message)s") % item
        else:
            text = item["message"]
        rows.setdefault(item.get("row"), []).append(text)
    return list(rows.items())


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.import_get(actor=request.user, pk=pk)
    return render(request, "reports/imports/detail.html", _job_context(job))


@login_required
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment the job's page polls. Once the job is no longer running, htmx
    reloads the whole page, which then shows the result."""
    job = selectors.import_get(actor=request.user, pk=pk)
    context = _job_context(job)
    if request.htmx and not context["running"]:
        return HttpResponseClientRefresh()
    return render(request, "reports/imports/_progress.html", context)


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.import_get(actor=request.user, pk=pk)
    try:
        job = services.import_confirm(actor=request.user, job=job)
    except PermissionDenied:
        raise Http404 from None
    except services.NotConfirmable as refusal:
        messages.error(request, str(refusal))
    else:
        if job.stage == Stage.IMPORTED:
            messages.success(
                request, _("The import is done: %(count)d rows written.") % {"count": job.written}
            )
        elif job.stage == Stage.IMPORTING:
            messages.success(request, _("The rows are being written."))
        else:
            messages.error(request, job.error)
    return redirect("reports:import-detail", pk=job.pk)


@login_required
@require_POST
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.import_get(actor=request.user, pk=pk)
    try:
        services.import_cancel(actor=request.user, job=job)
    except PermissionDenied:
        raise Http404 from None
    except services.NotCancellable as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("The import was cancelled; nothing was written."))
    return redirect("reports:import-detail", pk=job.pk)
