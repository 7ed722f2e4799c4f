"""Celery tasks of the early warning: load by id, call the check (detect.py, patterns.py)."""

from __future__ import annotations

from celery import shared_task

from . import detect


@shared_task(acks_late=True)
def check_cases(case_ids: list[int]) -> dict:
    return vars(detect.check_cases(case_ids)) | {"alerts": []}


@shared_task(acks_late=True)
def check_people(relative_ids: list[int], departure_ids: list[int], staff_ids: list[int]) -> dict:
    outcome = detect.check_people(
        relative_ids=relative_ids, departure_ids=departure_ids, staff_ids=staff_ids
    )
    return vars(outcome) | {"alerts": []}


@shared_task(acks_late=True)
def check_interference(interference_ids: list[int]) -> dict:
    return vars(detect.check_interference(interference_ids)) | {"alerts": []}


@shared_task(acks_late=True)
def check_patterns() -> dict:
    from . import patterns

    return vars(patterns.check_patterns()) | {"alerts": []}
