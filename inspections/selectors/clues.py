"""Every read of clues, referrals and dispositions starts from the scoping policy
(inspections/scopes.py): a clue about a court leader is hidden from that leader and from
everyone of their court below them, and a clue is never shown to the person it is about,
in lists, details, searches, counts, attachments and the API alike."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from integrity.access import policy
from integrity.audit.models import AuditEvent
from integrity.audit.selectors import object_history
from ledgers.models import Attachment

from .. import rules
from ..models import Clue, ClueUserObjectPermission, Disposition, Referral


def clue_list(*, actor: Any, filters: dict[str, Any] | None = None) -> QuerySet[Clue]:
    """The clues in the actor's scope, with the list filters: court, source, status, stage of
    the referral, free text on the summary and the subject's name, voided or not."""
    filters = filters or {}
    qs = policy.scope(actor, Clue.objects.select_related("court", "department", "subject"))
    if filters.get("court"):
        qs = qs.filter(court_id=filters["court"])
    if filters.get("source"):
        qs = qs.filter(source=filters["source"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("stage"):
        qs = qs.filter(
            Exists(
                Referral.objects.filter(
                    clue_id=OuterRef("pk"), stage=filters["stage"], voided_at__isnull=True
                )
            )
        )
    text = (filters.get("q") or "").strip()
    if text:
        qs = qs.filter(Q(summary__icontains=text) | Q(subject__name__icontains=text))
    voided = filters.get("voided")
    if voided == "only":
        qs = qs.filter(voided_at__isnull=False)
    elif voided != "include":
        qs = qs.filter(voided_at__isnull=True)
    return qs


def clue_get(*, actor: Any, pk: Any) -> Clue:
    return policy.get_or_404(
        actor,
        Clue.objects.select_related(
            "court", "department", "subject", "entered_by", "voided_by", "source_type"
        ),
        pk,
    )


def active_referral(clue: Clue) -> Referral | None:
    return clue.referrals.filter(voided_at__isnull=True).first()


def referral_list(*, actor: Any, filters: dict[str, Any] | None = None) -> QuerySet[Referral]:
    """The discipline team's queue: referrals in scope, with filters on court, stage and
    way; voided ones hidden."""
    filters = filters or {}
    qs = policy.scope(
        actor,
        Referral.objects.select_related("clue", "clue__court", "clue__subject").filter(
            voided_at__isnull=True
        ),
    )
    if filters.get("court"):
        qs = qs.filter(clue__court_id=filters["court"])
    if filters.get("stage"):
        qs = qs.filter(stage=filters["stage"])
    if filters.get("way"):
        qs = qs.filter(way=filters["way"])
    text = (filters.get("q") or "").strip()
    if text:
        qs = qs.filter(
            Q(number__icontains=text)
            | Q(clue__summary__icontains=text)
            | Q(clue__subject__name__icontains=text)
        )
    return qs


def referral_get(*, actor: Any, pk: Any) -> Referral:
    return policy.get_or_404(
        actor,
        Referral.objects.select_related(
            "clue", "clue__court", "clue__department", "clue__subject", "court"
        ),
        pk,
    )


def stage_due(referral: Referral) -> datetime.date | None:
    """When the referral's current stage is due (REFERRAL_STAGE_DAYS)."""
    return rules.stage_due(referral.stage, referral.stage_since)


def disposition_of(referral: Referral) -> Disposition | None:
    return (
        Disposition.objects.filter(referral=referral)
        .select_related("subject", "contact_case")
        .first()
    )


def dispositions_of_staff(*, actor: Any, staff: Any) -> QuerySet[Disposition]:
    """The dispositions about one staff member that ``actor`` reaches (the integrity file,
    廉政档案), newest first."""
    return policy.scope(
        actor,
        Disposition.objects.filter(subject=staff, voided_at__isnull=True).select_related(
            "referral", "referral__clue", "contact_case"
        ),
    ).order_by("-decided_on", "-pk")


def attachments_of(clue: Clue) -> QuerySet[Attachment]:
    """The clue's evidence files (reached only through a clue the user may see)."""
    return Attachment.objects.filter(
        content_type__app_label=clue._meta.app_label,
        content_type__model=clue._meta.model_name,
        object_id=clue.pk,
    ).select_related("uploaded_by")


def grantees_of(clue: Clue) -> list[Any]:
    """Who the clue was shared with by name."""
    rows = ClueUserObjectPermission.objects.filter(
        content_object=clue, permission__codename="view_clue"
    ).select_related("user", "user__staff")
    return [row.user for row in rows]


def history_of(obj: Any, *, limit: int = 200) -> list[AuditEvent]:
    """The object's trail in the audit chain, newest first (shown through
    integrity/audit/display.py)."""
    return object_history(obj, limit=limit)


def source_label(clue: Clue) -> str:
    """What the clue came from, for its page."""
    if clue.source_type_id is None:
        return ""
    model = clue.source_type.model_class()
    return f"{model._meta.verbose_name} #{clue.source_id}" if model else ""
