"""Writing audit events. Services call :func:`record` inside their transaction, so an event is
committed with the change it describes and rolled back with it."""

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

from .context import client_ip
from .models import GENESIS_HASH, AuditEvent, AuditHead


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The concrete field values of ``instance`` (foreign keys as ids), JSON-safe."""
    names = set(fields) if fields is not None else None
    data = {}
    for field in instance._meta.concrete_fields:
        if names is not None and field.name not in names:
            continue
        if field.name in {"created_at", "updated_at"}:
            continue
        data[field.name] = getattr(instance, field.attname)
    return _json_safe(data)


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Field-level changes as ``{field: [old, new]}``."""
    keys = sorted(set(before) | set(after))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def court_id_of(obj: models.Model | None) -> int | None:
    """The court an object belongs to, by the same path the scoping policy uses."""
    if obj is None:
        return None
    from integrity.access.policy import rule_for

    try:
        lookup = rule_for(obj._meta.model).court
    except LookupError:
        return None
    if not lookup:
        return obj.pk
    target: Any = obj
    *hops, last = lookup.split("__")
    for hop in hops:
        target = getattr(target, hop, None)
        if target is None:
            return None
    return getattr(target, f"{last}_id", None)


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    changes: Mapping[str, Any] | None = None,
    reason: str = "",
    actor_name: str = "",
    court_id: int | None = None,
) -> AuditEvent:
    """Append one event to the chain in the caller's transaction."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        _advance_head()
        head = AuditHead.objects.get(pk=1)
        event = AuditEvent(
            seq=head.seq,
            created_at=timezone.now(),
            actor=user,
            actor_name=(user.get_username() if user else actor_name)[:150],
            ip=client_ip.get(),
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
            object_repr=str(obj)[:200] if obj is not None else "",
            court_id=court_id if court_id is not None else court_id_of(obj),
            changes=_json_safe(dict(changes or {})),
            reason=reason,
            prev_hash=head.last_hash,
        )
        event.hash = event.compute_hash()
        event.save(force_insert=True)
        AuditHead.objects.filter(pk=1).update(last_hash=event.hash)
    return event


def _advance_head() -> None:
    # The UPDATE takes the row lock (PostgreSQL) or the database write lock (SQLite) before
    # the head is read, so two writers cannot both link to the same previous event.
    if AuditHead.objects.filter(pk=1).update(seq=F("seq") + 1):
        return
    try:
        with transaction.atomic():
            AuditHead.objects.create(pk=1, seq=1, last_hash=GENESIS_HASH)
    except IntegrityError:
        AuditHead.objects.filter(pk=1).update(seq=F("seq") + 1)


def apply(instance: models.Model, fields: Mapping[str, Any]) -> None:
    for name, value in fields.items():
        setattr(instance, name, value)


def save_audited(
    *, actor: Any, instance: models.Model, fields: Mapping[str, Any], verb: str, reason: str = ""
) -> Any:
    """Check scope, validate and save ``instance`` with ``fields`` applied, recording the
    field-level changes as ``<app>.<model>.<verb>``. The caller holds the transaction, so a
    refusal after the save rolls the save back."""
    from integrity.access.policy import CHANGE, require

    before = snapshot(instance) if instance.pk else {}
    if instance.pk:
        require(actor, CHANGE, instance)
    apply(instance, fields)
    instance.full_clean()
    instance.save()
    require(actor, CHANGE, instance)  # and it must still be in scope after the change
    changes = diff(before, snapshot(instance))
    if changes or verb == "create":
        record(
            actor=actor,
            action=f"{instance._meta.label_lower}.{verb}",
            obj=instance,
            changes=changes,
            reason=reason,
        )
    return instance
