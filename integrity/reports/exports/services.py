"""Exports as every door starts them: the list pages' export buttons, the API and the Celery
worker call these services, so the checks, the scope and the audit are the same whichever
door is used (DESIGN.md).

A list of up to ``EXPORT_INLINE_MAX_ROWS`` rows is written within the request; a longer one is
queued for a worker, which updates the job's progress once per batch. The file goes to
``EXPORT_ROOT/<yyyy>/<mm>/<uuid>.<ext>`` and is downloaded only through its job, by the login
that started it. Writing a file and downloading it are audit events ("report.export",
"report.export.download"): an export is a copy of confidential records leaving the system.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from integrity.access import policy
from integrity.audit import events
from integrity.org import selectors as org_selectors

from ..models import ExportJob
from . import copy, sources
from .writers import WRITERS, CsvWriter, Writer

logger = logging.getLogger(__name__)

# Kept untranslated on the job and translated where it is shown.
FAILED = gettext_lazy(
    "The export failed. Start it again; if it fails again, tell the administrator."
)
NOT_READY = gettext_lazy("The export is not finished yet.")
EXPIRED = gettext_lazy("The file was deleted after %(days)s days. Export the list again.")


class NotDownloadable(ValidationError):
    """The job has no file to download (yet, or any more)."""


@dataclass(frozen=True)
class Written:
    file: str  # relative to EXPORT_ROOT
    rows: int
    size: int


def clean_params(params: Mapping[str, Any] | None) -> dict[str, str]:
    """The list's filters as its page's query string has them: one text value each, empty
    ones and the keyset page's position (``after``, ``before``) left out."""
    cleaned: dict[str, str] = {}
    for key, value in (params or {}).items():
        if isinstance(value, bool):
            value = "1" if value else ""
        elif isinstance(value, int | float):
            value = str(value)
        elif value is not None and not isinstance(value, str):
            raise ValidationError({"filters": gettext_lazy("Each filter takes one value.")})
        value = (value or "").strip()
        if value and key not in ("after", "before"):
            cleaned[str(key)] = value
    return cleaned


def _rows_of(
    origin: sources.Source, actor: Any, params: Mapping[str, str]
) -> tuple[dict, QuerySet]:
    """The list's filters and rows as its page reads them, for ``actor``'s scope now. A
    campaign or an inspection out of scope is the same answer as a missing one."""
    try:
        filters = origin.filters(actor, params)
        return filters, origin.queryset(actor, filters)
    except Http404:
        raise sources.NotExportable(sources.NO_SUCH_LIST) from None


def _court_of(origin: sources.Source, actor: Any, filters: dict[str, Any]) -> int | None:
    """The court the export is about: the list's court filter, else the starter's court."""
    chosen = origin.court_id(filters)
    if chosen and org_selectors.court_choices(actor=actor).filter(pk=chosen).exists():
        return chosen
    grants = policy.grants_of(actor)
    return grants[0].court_id if grants else None


def export_start(*, actor: Any, source: str, fmt: str, params: Mapping[str, Any]) -> ExportJob:
    """Export the list ``source`` as its page shows it with the filters ``params`` (the page's
    query parameters), to ``fmt`` ("xlsx" or "csv"). A short list is written at once and the
    job returned finished; a longer one is queued and the job returned waiting."""
    job, estimate = export_create(actor=actor, source=source, fmt=fmt, params=params)
    if estimate <= settings.EXPORT_INLINE_MAX_ROWS:
        return export_run(job_id=job.pk)
    from .tasks import run_export

    transaction.on_commit(lambda: run_export.delay(job.pk))
    return job


def export_create(
    *, actor: Any, source: str, fmt: str, params: Mapping[str, Any]
) -> tuple[ExportJob, int]:
    """Check the request and record the job, not yet written; with it, how many rows the list
    has, counted only up to ``EXPORT_INLINE_MAX_ROWS + 1`` (a request never counts a whole
    large list)."""
    origin = sources.source_for(source)
    if fmt not in WRITERS:
        raise ValidationError({"format": gettext_lazy("Choose Excel (.xlsx) or CSV.")})
    if not origin.may_export(actor):
        raise sources.NotExportable(sources.NO_SUCH_LIST)
    params = clean_params(params)
    filters, rows = _rows_of(origin, actor, params)
    estimate = rows.order_by().values("pk")[: settings.EXPORT_INLINE_MAX_ROWS + 1].count()
    job = ExportJob.objects.create(
        created_by=actor,
        court_id=_court_of(origin, actor, filters),
        language=translation.get_language() or settings.LANGUAGE_CODE,
        source=origin.key,
        format=fmt,
        filters=params,
    )
    return job, estimate


def export_run(*, job_id: int) -> ExportJob:
    """Write the job's file: read the list again through the starter's scope, batch by batch,
    updating the progress once per batch. A job already done is left alone (a task delivered
    twice); any failure marks the job failed with a message for its page."""
    job = ExportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status == ExportJob.Status.DONE:
        return job
    with translation.override(job.language):
        try:
            written = _write(job)
        except sources.NotExportable as refused:
            _fail(job, refused.message)
        except Exception:
            logger.exception("export job %s failed", job.pk)
            _fail(job, FAILED)
        else:
            _finish(job, written)
    job.refresh_from_db()
    return job


def _write(job: ExportJob) -> Written:
    origin = sources.source_for(job.source)
    filters, rows = _rows_of(origin, job.created_by, job.filters)
    plan = origin.plan(filters)
    started = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.RUNNING, started_at=started, total=rows.count(), done=0, error=""
    )
    local = timezone.localtime(started)
    relative = Path(f"{local:%Y}") / f"{local:%m}" / f"{uuid.uuid4().hex}.{job.format}"
    target = settings.EXPORT_ROOT / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    try:
        with WRITERS[job.format](partial, plan.columns, str(origin.title)) as out:
            done = _fill(job, out, rows, plan)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return Written(str(relative), done, target.stat().st_size)


def _fill(job: ExportJob, out: Writer, rows: QuerySet, plan: sources.Plan) -> int:
    """Write the rows, moving the job's progress once per batch (one UPDATE); PostgreSQL
    writes a CSV itself where it can (copy.py). Returns how many rows were written."""
    progress = ExportJob.objects.filter(pk=job.pk)
    if isinstance(out, CsvWriter) and copy.usable(plan):
        done = 0
        for done in copy.copy_csv(rows, plan, out.file):
            progress.update(done=done)
        return done
    done = 0
    for batch in sources.batches(rows, plan):
        for cells in plan.rows(batch):
            done += 1
            out.write(done, cells)
        progress.update(done=done)
    return done


def _filename(job: ExportJob) -> str:
    title = str(sources.source_for(job.source).title)
    return f"{title}_{timezone.localdate():%Y-%m-%d}.{job.format}"


@transaction.atomic
def _finish(job: ExportJob, written: Written) -> None:
    job.status = ExportJob.Status.DONE
    job.file = written.file
    job.filename = _filename(job)
    job.size = written.size
    job.done = job.total = written.rows
    job.error = ""
    job.finished_at = timezone.now()
    job.save(
        update_fields=[
            "status",
            "file",
            "filename",
            "size",
            "done",
            "total",
            "error",
            "finished_at",
        ]
    )
    events.record(
        actor=job.created_by,
        action="report.export",
        obj=job,
        changes={
            "source": job.source,
            "format": job.format,
            "filters": job.filters,
            "rows": written.rows,
        },
    )


def _fail(job: ExportJob, message: Any) -> None:
    # The message is kept as its English original and translated where it is shown.
    with translation.override(None):
        text = str(message)
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.FAILED, error=text, finished_at=timezone.now()
    )


def _path_of(job: ExportJob) -> Path:
    root = Path(settings.EXPORT_ROOT).resolve()
    path = (root / job.file).resolve()
    if root not in path.parents:
        raise Http404
    return path


def is_expired(job: ExportJob) -> bool:
    """Whether the job's file was deleted by :func:`exports_expire` (the job stays)."""
    return job.status == ExportJob.Status.DONE and not job.file


def export_open(*, actor: Any, job: ExportJob) -> BinaryIO:
    """The file of the actor's own finished job, opened for download; the download is
    recorded. The caller fetched ``job`` through the scoping policy (its starter's only)."""
    if job.status != ExportJob.Status.DONE:
        raise NotDownloadable(NOT_READY)
    try:
        handle = _path_of(job).open("rb") if job.file else None
    except FileNotFoundError:
        handle = None
    if handle is None:
        raise NotDownloadable(EXPIRED, params={"days": settings.EXPORT_KEEP_DAYS})
    events.record(
        actor=actor, action="report.export.download", obj=job, changes={"file": job.filename}
    )
    return handle


def exports_expire(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of exports finished more than ``EXPORT_KEEP_DAYS`` days ago: a ledger
    export is a copy of confidential records and is kept no longer than it is needed. The jobs
    and their audit trail stay; a job without its file shows as expired. Returns how many
    files were deleted."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.EXPORT_KEEP_DAYS)
    old = ExportJob.objects.filter(status=ExportJob.Status.DONE, finished_at__lt=cutoff).exclude(
        file=""
    )
    deleted = 0
    for job in old.iterator(chunk_size=500):
        with transaction.atomic():
            _path_of(job).unlink(missing_ok=True)
            job.file = ""
            job.save(update_fields=["file"])
            events.record(
                actor=None,
                actor_name="system",
                action="report.export.expire",
                obj=job,
                changes={"file": job.filename, "kept_days": settings.EXPORT_KEEP_DAYS},
            )
        deleted += 1
    return deleted
