"""Celery tasks of the exports: thin, they load by id and call the services."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def run_export(job_id: int) -> dict:
    """Write a queued export's file (started by ``services.export_start`` after commit). Safe
    to deliver twice: a job already done is left alone."""
    job = services.export_run(job_id=job_id)
    return {"job": job.pk, "status": job.status, "rows": job.done}


@shared_task
def expire_exports() -> dict:
    """Delete export files older than EXPORT_KEEP_DAYS (Celery beat, hourly)."""
    return {"deleted": services.exports_expire()}
