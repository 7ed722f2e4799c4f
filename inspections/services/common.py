"""What the services of every area share: void with a reason, the version check, audit."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from integrity.access import policy
from integrity.audit import events
from integrity.concurrency import claim_version

from ..models import Tracked


def today() -> datetime.date:
    return timezone.localdate()


def user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def action(obj: models.Model, verb: str) -> str:
    return f"{obj._meta.label_lower}.{verb}"


def refuse_void(obj: Tracked) -> None:
    if obj.is_void:
        raise ValidationError(_("This record has been voided and can no longer be changed."))


def void(*, actor: Any, obj: Tracked, version: Any, reason: str) -> Tracked:
    """Void a wrong record with a reason. Nothing is deleted: it stays visible to auditors.
    The caller holds the transaction."""
    policy.require(actor, policy.MANAGE, obj)
    refuse_void(obj)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for voiding the record.")]})
    claim_version(obj, version)
    obj.voided_at = timezone.now()
    obj.voided_by = user_or_none(actor)
    obj.void_reason = reason
    obj.save(update_fields=["voided_at", "voided_by", "void_reason", "version", "updated_at"])
    events.record(actor=actor, action=action(obj, "void"), obj=obj, reason=reason)
    return obj


def update(
    *, actor: Any, obj: Tracked, version: Any, fields: dict[str, Any], verb: str = "update"
) -> Tracked:
    """Apply an edit based on ``version``: refused when stale, audited with field changes.
    The caller holds the transaction and has checked which fields may change."""
    policy.require(actor, policy.CHANGE, obj)
    refuse_void(obj)
    before = events.snapshot(obj)
    claim_version(obj, version)
    events.apply(obj, fields)
    obj.full_clean()
    obj.save()
    policy.require(actor, policy.CHANGE, obj)
    events.record(
        actor=actor,
        action=action(obj, verb),
        obj=obj,
        changes=events.diff(before, events.snapshot(obj)),
    )
    return obj
