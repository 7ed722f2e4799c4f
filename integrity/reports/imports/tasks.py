"""Celery tasks of the imports: thin, they load the job by id and call the services. Both are
safe to deliver twice: a job already checked is not checked again, and a job already
written (or whose write was rolled back) is not written again."""

from __future__ import annotations

from celery import shared_task

from ..models import ImportJob
from . import services


@shared_task
def check_import(job_id: int) -> dict:
    """The dry run of a large upload (services.import_check)."""
    job = services.import_check(job=ImportJob.objects.get(pk=job_id))
    return {"job": job.pk, "stage": job.stage, "problems": len(job.problems)}


@shared_task
def write_import(job_id: int) -> dict:
    """The write of a large confirmed import (services.import_write)."""
    job = services.import_write(job=ImportJob.objects.get(pk=job_id))
    return {"job": job.pk, "stage": job.stage, "written": job.written}
