"""The export pages under /reports/exports/: the lists' export buttons post here, a job's page
shows its progress (htmx polls a small fragment every second; without JavaScript the page
refreshes itself) and its download, and the user's own exports are listed in keyset pages.
Thin: reads through .selectors, writes through .services."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from integrity.web.paging import keyset_page

from ..models import ExportJob
from . import selectors, services
from .sources import SOURCES
from .writers import WRITERS

# The list's filters travel as "f:<name>" fields, apart from the export's own fields (a list
# may have a filter called "source", as the clue list does).
FILTER_PREFIX = "f:"


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("reports:export-list")


@login_required
@require_POST
def export_new(request: HttpRequest) -> HttpResponse:
    """An export button: the list, the format and the list's filters as the page has them."""
    params = {
        key.removeprefix(FILTER_PREFIX): value
        for key, value in request.POST.items()
        if key.startswith(FILTER_PREFIX)
    }
    try:
        job = services.export_start(
            actor=request.user,
            source=request.POST.get("source", ""),
            fmt=request.POST.get("format", ""),
            params=params,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_back(request))
    return redirect("reports:export-detail", pk=job.pk)


def title_of(job: ExportJob) -> str:
    source = SOURCES.get(job.source)
    return str(source.title) if source else job.source


def _job_context(job: ExportJob) -> dict[str, Any]:
    expired = services.is_expired(job)
    return {
        "job": job,
        "title": title_of(job),
        "expired": expired,
        "expired_text": services.EXPIRED % {"days": settings.EXPORT_KEEP_DAYS} if expired else "",
        # Kept untranslated on the job: shown in the reader's language.
        "error": gettext(job.error) if job.error else "",
    }


@login_required
def export_list(request: HttpRequest) -> HttpResponse:
    page = keyset_page(selectors.export_list(actor=request.user), request.GET)
    rows = [_job_context(job) for job in page.rows]
    context = {"page": page, "rows": rows, "keep_days": settings.EXPORT_KEEP_DAYS}
    return render(request, "reports/exports/list.html", context)


@login_required
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.export_get(actor=request.user, pk=pk)
    return render(request, "reports/exports/detail.html", _job_context(job))


@login_required
def export_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment the job's page polls; it stops polling once the job is over."""
    job = selectors.export_get(actor=request.user, pk=pk)
    return render(request, "reports/exports/_progress.html", _job_context(job))


@login_required
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.export_get(actor=request.user, pk=pk)
    try:
        handle = services.export_open(actor=request.user, job=job)
    except services.NotDownloadable as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reports:export-detail", pk=job.pk)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=job.filename,
        content_type=WRITERS[job.format].content_type,
    )
