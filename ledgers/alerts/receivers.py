"""What makes the checks run (triggers.py): the facts they read changed."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from integrity.org.models import Case, StaffMember
from integrity.org.signals import cases_changed
from ledgers.models import (
    Campaign,
    Declaration,
    DepartureRecord,
    InterferenceRecord,
    RelativePractice,
)

from .triggers import check_soon


@receiver(cases_changed)
def _cases(sender: Any, case_ids: Any, **kwargs: Any) -> None:
    check_soon(case_ids=case_ids)


@receiver(m2m_changed, sender=Case.panel.through)
def _panel(sender: Any, instance: Any, action: str, **kwargs: Any) -> None:
    if action.startswith("post_") and isinstance(instance, Case):
        check_soon(case_ids=[instance.pk])


@receiver(post_save, sender=RelativePractice)
def _relative(sender: Any, instance: RelativePractice, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        check_soon(relative_ids=[instance.pk])


@receiver(post_save, sender=DepartureRecord)
def _departure(sender: Any, instance: DepartureRecord, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        check_soon(departure_ids=[instance.pk])


@receiver(m2m_changed, sender=DepartureRecord.served_courts.through)
def _served(sender: Any, instance: Any, action: str, **kwargs: Any) -> None:
    if action.startswith("post_") and isinstance(instance, DepartureRecord):
        check_soon(departure_ids=[instance.pk])


@receiver(post_save, sender=StaffMember)
def _staff(sender: Any, instance: StaffMember, raw: bool = False, **kwargs: Any) -> None:
    # A post, a leading-cadre or trial flag, or a court decides the post-recusal rule.
    if not raw and not kwargs.get("created"):
        check_soon(staff_ids=[instance.pk])


@receiver(post_save, sender=Declaration)
def _declaration(sender: Any, instance: Declaration, raw: bool = False, **kwargs: Any) -> None:
    if raw or instance.status not in (Declaration.Status.FILED, Declaration.Status.SIGNED):
        return
    # Only a relatives declaration matters; the campaign is not loaded just to ask.
    cached = Declaration.campaign.is_cached(instance)
    if not cached or instance.campaign.kind == Campaign.Kind.RELATIVES:
        check_soon(staff_ids=[instance.staff_id])


@receiver(post_save, sender=InterferenceRecord)
def _interference(
    sender: Any, instance: InterferenceRecord, raw: bool = False, **kwargs: Any
) -> None:
    if not raw:
        check_soon(interference_ids=[instance.pk])
