"""Celery tasks of the reminder engine: thin, they call the sweep and the delivery.

Both are safe to run twice or at once (late acknowledgement is global, so a task whose worker
died runs again): the sweep writes each (recipient, key) once, and delivery claims each email
with a compare-and-set before sending it."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.utils import timezone

from . import delivery, reminders, services

logger = logging.getLogger(__name__)


@shared_task
def run_sweep(today: str | None = None, only: list[str] | None = None) -> dict:
    """The reminder sweep (Celery beat, hourly by default; and on demand, see
    ``services.sweep_soon``). ``today`` is an ISO date, the local date by default."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    result = reminders.sweep(day, only=only)
    if result.emails:
        services.deliver_soon()
    logger.info(
        "reminder sweep %s for %s: %s due, %s new", result.run, day, result.unique, result.created
    )
    return {
        "run": result.run,
        "today": day.isoformat(),
        "found": result.found,
        "created": result.created,
        "existed": result.existed,
    }


@shared_task
def deliver_emails() -> dict:
    """Send the emails that are due (Celery beat, every minute by default)."""
    return delivery.deliver_all().as_dict()
