"""Imports as every door runs them: the import page, the API and the Celery worker call
these services, so the checks, the scope and the audit are the same whichever door is used.

An upload is stored under ``IMPORT_ROOT`` by its content hash and checked in a dry run that
writes nothing (checker.py): every problem by row and column, the rows it would write, the
names it matched. Only a file without a single problem can be confirmed; the confirmation
checks the file again and writes every row through the service behind the form
(columns.Target.write: same validation, same rules, same audit events) in ONE transaction, so
that any failure writes nothing at all. Files of more than ``IMPORT_INLINE_MAX_ROWS`` rows are
checked and written by a Celery task with progress. The dry run and the confirmation are audit
events ("report.import.check", "report.import.confirm") with their counts."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import openpyxl
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from integrity.access import policy
from integrity.audit import events

from ..models import ImportJob
from . import columns, reader
from .checker import Checker, Outcome

logger = logging.getLogger(__name__)
Stage, Status = ImportJob.Stage, ImportJob.Status
CANCELLABLE = (Stage.UPLOADED, Stage.CHECKED, Stage.REJECTED)


class NotConfirmable(Exception):
    """The import is not (or no longer) waiting for confirmation: it has problems, it was
    confirmed already, or it was cancelled."""

    def __str__(self) -> str:
        return _(
            "This import cannot be confirmed: it has problems, or it was already confirmed "
            "or cancelled."
        )


class NotCancellable(Exception):
    def __str__(self) -> str:
        return _("This import can no longer be cancelled.")


def path_of(job: ImportJob) -> Path:
    return settings.IMPORT_ROOT / job.upload


def import_upload(*, actor: Any, target: str, upload: UploadedFile) -> ImportJob:
    """Store an uploaded workbook for ``target`` and check it: now if it is small, in a
    Celery task after commit if it has more than IMPORT_INLINE_MAX_ROWS rows. A target the
    actor may not import is refused like an unknown one; a file too large or not a real
    .xlsx is refused with the reason."""
    chosen = columns.available_target(actor, target)
    if chosen is None:
        raise PermissionDenied
    reader.check_upload(upload, upload.size)
    stored, digest = _store(upload)
    grants = policy.grants_of(actor)
    job = ImportJob.objects.create(
        created_by=actor,
        court_id=grants[0].court_id if grants else None,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        target=chosen.key,
        upload=stored,
        original_name=(upload.name or "upload.xlsx").rsplit("/", 1)[-1][:200],
        sha256=digest,
    )
    if _rows_claimed(path_of(job)) <= settings.IMPORT_INLINE_MAX_ROWS:
        import_check(job=job)
    else:
        from .tasks import check_import

        transaction.on_commit(lambda: check_import.delay(job.pk))
    return job


def _store(upload: UploadedFile) -> tuple[str, str]:
    """Save the upload as ``<yyyy>/<mm>/<sha256>.xlsx`` under IMPORT_ROOT (written to a
    temporary file first, so a half-written file is never read)."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    sha256 = digest.hexdigest()
    relative = f"{timezone.localdate():%Y/%m}/{sha256}.xlsx"
    target = settings.IMPORT_ROOT / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as temporary:
            for chunk in upload.chunks():
                temporary.write(chunk)
        os.replace(temporary.name, target)
    upload.seek(0)
    return relative, sha256


def _rows_claimed(path: Path) -> int:
    """The data rows the workbook's largest visible sheet says it has (the size written in
    the sheet, read without reading the rows): decides whether the check runs in the request.
    A sheet that does not say counts as large."""
    try:
        workbook = openpyxl.load_workbook(path, read_only=True)
    except Exception:  # a damaged workbook: the check (in the request) says what is wrong
        return 0
    try:
        sizes = [ws.max_row for ws in workbook.worksheets if ws.sheet_state == "visible"]
    finally:
        workbook.close()
    if not sizes or None in sizes:
        return settings.IMPORT_INLINE_MAX_ROWS + 1
    return max(sizes) - 1


def import_check(*, job: ImportJob) -> ImportJob:
    """The dry run. It writes nothing but the job: every problem by row and column, the rows
    it would write and the names it matched; a job found without problems awaits
    confirmation. Safe to run twice (a task delivered again): only an uploaded job is checked."""
    started = ImportJob.objects.filter(pk=job.pk, stage=Stage.UPLOADED).update(
        status=Status.RUNNING, started_at=timezone.now(), done=0
    )
    if started:
        try:
            with translation.override(job.language):
                outcome = _checker(job, progress=_saved_progress(job)).run()
                preview = outcome.preview()
                preview["notices"] += _earlier_imports(job)
            _finish_check(job, outcome, preview)
        except Exception:  # a fault of the system, not of the file: the job says so
            logger.exception("import %s: the check failed", job.pk)
            ImportJob.objects.filter(pk=job.pk, stage=Stage.UPLOADED).update(
                stage=Stage.REJECTED, status=Status.FAILED, error=_failed(job)
            )
    job.refresh_from_db()
    return job


def _checker(job: ImportJob, progress: Callable[[int, int], None] | None) -> Checker:
    return Checker(
        actor=job.created_by,
        target=columns.BY_KEY[job.target],
        path=path_of(job),
        progress=progress,
    )


def _saved_progress(job: ImportJob) -> Callable[[int, int], None]:
    def save(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(done=done, total=total)

    return save


def _earlier_imports(job: ImportJob) -> list[str]:
    earlier = (
        ImportJob.objects.filter(created_by=job.created_by, sha256=job.sha256)
        .filter(stage=Stage.IMPORTED)
        .exclude(pk=job.pk)
        .order_by("-pk")
        .first()
    )
    if earlier is None:
        return []
    return [
        _("This file was already imported on %(date)s (import %(id)d).")
        % {
            "date": formats.date_format(timezone.localtime(earlier.created_at), "DATE_FORMAT"),
            "id": earlier.pk,
        }
    ]


@transaction.atomic
def _finish_check(job: ImportJob, outcome: Outcome, preview: dict) -> None:
    stage = Stage.REJECTED if outcome.problems else Stage.CHECKED
    finished = ImportJob.objects.filter(pk=job.pk, stage=Stage.UPLOADED).update(
        stage=stage,
        status=Status.DONE,
        problems=outcome.problems,
        preview=preview,
        rows_ok=outcome.rows_ok,
        duplicates=outcome.duplicates,
        total=outcome.total,
        done=outcome.total,
        finished_at=timezone.now(),
    )
    if finished:  # not cancelled meanwhile
        _audit(job, "report.import.check", outcome, rows_ok=outcome.rows_ok)


def import_confirm(*, actor: Any, job: ImportJob) -> ImportJob:
    """Write a checked import. The stage moves from "checked" to "importing" in one
    compare-and-set, so a second confirmation (a double click, a retried API call) finds
    nothing to confirm and writes nothing."""
    policy.require(actor, policy.CHANGE, job)
    claimed = ImportJob.objects.filter(pk=job.pk, stage=Stage.CHECKED).update(
        stage=Stage.IMPORTING,
        status=Status.RUNNING,
        done=0,
        started_at=timezone.now(),
        finished_at=None,
    )
    if not claimed:
        raise NotConfirmable
    if (job.total or 0) <= settings.IMPORT_INLINE_MAX_ROWS:
        return import_write(job=job)
    from .tasks import write_import

    transaction.on_commit(lambda: write_import.delay(job.pk))
    job.refresh_from_db()
    return job


class _Rejected(Exception):
    def __init__(self, outcome: Outcome) -> None:
        super().__init__()
        self.outcome = outcome


def import_write(*, job: ImportJob) -> ImportJob:
    """Check the file again (the organisation may have changed since the dry run) and write
    every row through its service, all in one transaction: a row that now has a problem, or
    a service that refuses one, rolls everything back and the job says why."""
    job.refresh_from_db()
    if job.stage != Stage.IMPORTING:
        return job  # written already (a task delivered twice)
    try:
        with translation.override(job.language), _progress_outside(job) as progress:
            _verify(job)
            with transaction.atomic():
                outcome = _checker(job, progress).run(write=True)
                if outcome.problems:
                    raise _Rejected(outcome)
                _finish_write(job, outcome)
    except _Rejected as rejected:
        ImportJob.objects.filter(pk=job.pk).update(
            stage=Stage.REJECTED,
            status=Status.DONE,
            problems=rejected.outcome.problems,
            rows_ok=rejected.outcome.rows_ok,
            error=_("The file no longer passes the check; nothing was written."),
            finished_at=timezone.now(),
        )
    except Exception as error:  # whatever failed, nothing was written: say why
        logger.exception("import %s: the write was rolled back", job.pk)
        with translation.override(job.language):
            reason = _("Nothing was written. %(reason)s") % {"reason": error}
        ImportJob.objects.filter(pk=job.pk).update(
            stage=Stage.REJECTED, status=Status.FAILED, error=reason, finished_at=timezone.now()
        )
    job.refresh_from_db()
    return job


def _verify(job: ImportJob) -> None:
    digest = hashlib.sha256()
    with path_of(job).open("rb") as stored:
        for block in iter(lambda: stored.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != job.sha256:
        raise ValidationError(_("The stored file has changed since it was checked."))


def _finish_write(job: ImportJob, outcome: Outcome) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        stage=Stage.IMPORTED,
        status=Status.DONE,
        written=outcome.rows_ok,
        done=outcome.total,
        total=outcome.total,
        error="",
        finished_at=timezone.now(),
    )
    _audit(job, "report.import.confirm", outcome, written=outcome.rows_ok)


def _audit(job: ImportJob, action: str, outcome: Outcome, **counts: int) -> None:
    """The dry run or the write as an audit event: which file, for what, and the counts."""
    events.record(
        actor=job.created_by,
        action=action,
        obj=job,
        changes={
            "target": job.target,
            "file": job.original_name,
            "sha256": job.sha256,
            "rows": outcome.total,
            "duplicates": outcome.duplicates,
            "problems": len(outcome.problems),
            **counts,
        },
    )


@contextmanager
def _progress_outside(job: ImportJob) -> Iterator[Callable[[int, int], None] | None]:
    """The job's progress while its rows are written. The write is one transaction, so the
    progress is saved through a second connection to be seen before the commit. SQLite lets
    one connection write at a time: there the progress shows when the transaction commits."""
    if connection.vendor == "sqlite":
        yield None
        return
    side = connections.create_connection(DEFAULT_DB_ALIAS)
    table = side.ops.quote_name(ImportJob._meta.db_table)
    statement = f"UPDATE {table} SET done = %s, total = %s WHERE id = %s"  # noqa: S608 - the table's own name

    def save(done: int, total: int) -> None:
        with side.cursor() as cursor:
            cursor.execute(statement, [done, total, job.pk])

    try:
        yield save
    finally:
        side.close()


@transaction.atomic
def import_cancel(*, actor: Any, job: ImportJob) -> ImportJob:
    """Drop an import that is not being written or written already; nothing is written."""
    policy.require(actor, policy.CHANGE, job)
    cancelled = ImportJob.objects.filter(pk=job.pk, stage__in=CANCELLABLE).update(
        stage=Stage.CANCELLED, finished_at=timezone.now()
    )
    if not cancelled:
        raise NotCancellable
    events.record(
        actor=actor,
        action="report.import.cancel",
        obj=job,
        changes={"target": job.target, "file": job.original_name},
    )
    job.refresh_from_db()
    return job


def _failed(job: ImportJob) -> str:
    with translation.override(job.language):
        return _(
            "The check failed. Upload the file again; if it fails again, tell the administrator."
        )
