"""Every write to the ledgers: check access, validate, apply the regulation rules, save and
audit, in one transaction. The pages, the API, the admin, imports and tasks call these, so a
record behaves the same whichever door it comes through."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from integrity.access import policy
from integrity.audit import events
from integrity.concurrency import claim_version
from integrity.org.casenumbers import normalize_case_number
from integrity.org.models import Case

from . import filetypes, workflows
from .models import (
    Attachment,
    InterferenceRecord,
    LedgerRecord,
    RelativePractice,
    UnplannedContactReport,
)
from .specs import PLACE_FIELDS, spec_for


def _today() -> datetime.date:
    return timezone.localdate()


def _split_many(model: type[models.Model], fields: Mapping[str, Any]) -> tuple[dict, dict]:
    many = {f.name for f in model._meta.many_to_many}
    plain = {k: v for k, v in fields.items() if k not in many}
    return plain, {k: v for k, v in fields.items() if k in many}


def _snapshot(record: LedgerRecord) -> dict[str, Any]:
    data = events.snapshot(record)
    data.pop("search_text", None)
    if record.pk:
        for field in record._meta.many_to_many:
            data[field.name] = sorted(getattr(record, field.name).values_list("pk", flat=True))
    return data


def _apply_rules(record: LedgerRecord) -> None:
    """Computed consequences of the regulations, applied on every save."""
    # 法发〔2020〕13号 art. 2: a record that the rules say needs recusal is tracked from the day
    # it became known, so that the one- and six-month deadlines run.
    if (
        isinstance(record, RelativePractice)
        # Without a staff member or court, full_clean says so (the rules need both).
        and record.staff_id is not None
        and record.court_id is not None
        and record.relationship in RelativePractice.Relationship.values
        and record.role in RelativePractice.LegalRole.values
        and record.status == record.Status.NOT_REQUIRED
        and record.recusal()
    ):
        record.status = record.Status.PENDING
        record.recusal_required_on = record.recusal_required_on or record.reported_on or _today()
    if isinstance(record, InterferenceRecord) and record.case_number:
        # Link the registry's case when the number is known there (one form per case).
        try:
            number = normalize_case_number(record.case_number)
        except ValidationError:
            number = None  # full_clean reports the bad number
        if number and (record.case_id is None or record.case.number != number):
            record.case = Case.objects.filter(number=number).first()
    if isinstance(record, UnplannedContactReport) and not record.reported_on:
        record.reported_on = _today()


def editable_fields(actor: Any, record: LedgerRecord) -> set[str]:
    spec = spec_for(record._meta.model)
    if actor is None or policy.can(actor, policy.MANAGE, record) or not spec.own_fields:
        return set(spec.edit_fields)
    return {*spec.own_fields, "notes"}


def _check_fields(allowed: set[str], fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise PermissionDenied(f"Fields not editable here: {', '.join(sorted(unknown))}")


def _refuse_void(record: LedgerRecord) -> None:
    if record.is_void:
        raise ValidationError(_("This record has been voided and can no longer be changed."))


def _save(record: LedgerRecord, many: Mapping[str, Any]) -> None:
    _apply_rules(record)
    record.full_clean()
    record.save()
    for name, values in many.items():
        getattr(record, name).set(values)


def _action(record: models.Model, verb: str) -> str:
    return f"{record._meta.label_lower}.{verb}"


@transaction.atomic
def ledger_create(
    *,
    actor: Any,
    model: type[LedgerRecord],
    fields: Mapping[str, Any],
    about_self: bool = False,
) -> LedgerRecord:
    """Enter a new ledger record. A staff member without an officer's reach, or anyone with
    ``about_self``, records about themselves (逢问必录): court, department and staff member
    are their own."""
    spec = spec_for(model)
    plain, many = _split_many(model, fields)
    record = model(entered_by=actor if getattr(actor, "is_authenticated", False) else None)
    events.apply(record, plain)
    if about_self or enters_only_own(actor, model):
        if not spec.own_fields or not getattr(actor, "staff_id", None):
            raise PermissionDenied
        _check_fields({*spec.own_fields, "notes", *PLACE_FIELDS}, fields)
        staff = actor.staff
        record.court_id, record.department_id, record.staff_id = (
            staff.court_id,
            staff.department_id,
            staff.pk,
        )
    else:
        _check_fields(set(spec.edit_fields), fields)
    _save(record, many)
    if not (actor is None or policy.can(actor, policy.CHANGE, record)):
        raise ValidationError(
            {"staff": [_("You may not keep records for this court, department or person.")]}
        )
    events.record(
        actor=actor,
        action=_action(record, "create"),
        obj=record,
        changes=events.diff({}, _snapshot(record)),
    )
    return record


def enters_only_own(actor: Any, model: type[LedgerRecord]) -> bool:
    """Whether ``actor`` enters records of ``model`` only about themselves."""
    if actor is None or actor.is_superuser:
        return False
    rule = policy.rule_for(model)
    reaches = {rule.reach_for(policy.CHANGE, g.role) for g in policy.grants_of(actor)}
    return policy.Reach.JURISDICTION not in reaches and bool(getattr(actor, "staff_id", None))


@transaction.atomic
def ledger_update(
    *, actor: Any, record: LedgerRecord, version: Any, fields: Mapping[str, Any]
) -> LedgerRecord:
    """Correct a record. Refused if someone changed it since ``version`` was read, or if a
    staff member tries to change their own record after the office has taken it up."""
    policy.require(actor, policy.CHANGE, record)
    _refuse_void(record)
    allowed = editable_fields(actor, record)
    _check_fields(allowed, fields)
    initial = record._meta.get_field("status").default
    if allowed != set(spec_for(record._meta.model).edit_fields) and record.status != initial:
        raise ValidationError(
            _("The office has taken this record up; ask a discipline officer to correct it.")
        )
    before = _snapshot(record)
    claim_version(record, version)
    plain, many = _split_many(record._meta.model, fields)
    events.apply(record, plain)
    _save(record, many)
    policy.require(actor, policy.CHANGE, record)
    events.record(
        actor=actor,
        action=_action(record, "update"),
        obj=record,
        changes=events.diff(before, _snapshot(record)),
    )
    return record


@transaction.atomic
def ledger_transition(
    *,
    actor: Any,
    record: LedgerRecord,
    version: Any,
    target: str,
    fields: Mapping[str, Any] | None = None,
) -> LedgerRecord:
    """Move a record along its workflow (ledgers/workflows.py), only from an allowed state."""
    model = record._meta.model
    policy.require(actor, policy.VIEW, record)
    step = workflows.find(model, record.status, target)
    if step is None:
        raise ValidationError(
            _("A record in status “%(source)s” cannot move to “%(target)s”.")
            % {"source": record.get_status_display(), "target": target}
        )
    policy.require(actor, step.action, record)
    _refuse_void(record)
    fields = dict(fields or {})
    _check_fields(set(step.fields), fields)
    before = _snapshot(record)
    claim_version(record, version)
    events.apply(record, fields)
    missing = {
        name: [_("This field is required for this step.")]
        for name in step.required
        if getattr(record, name) in (None, "")
    }
    if missing:
        raise ValidationError(missing)
    if step.check is not None:
        problem = step.check(record, _today())
        if problem:
            raise ValidationError(str(problem))
    record.status = step.target
    _save(record, {})
    events.record(
        actor=actor,
        action=_action(record, "transition"),
        obj=record,
        changes=events.diff(before, _snapshot(record)),
    )
    return record


@transaction.atomic
def ledger_void(*, actor: Any, record: LedgerRecord, version: Any, reason: str) -> LedgerRecord:
    """Void a wrong record with a reason. Nothing is deleted: it stays visible to auditors."""
    policy.require(actor, policy.MANAGE, record)
    _refuse_void(record)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for voiding the record.")]})
    claim_version(record, version)
    record.voided_at = timezone.now()
    record.voided_by = actor if getattr(actor, "is_authenticated", False) else None
    record.void_reason = reason
    record.save(update_fields=["voided_at", "voided_by", "void_reason", "version", "updated_at"])
    events.record(actor=actor, action=_action(record, "void"), obj=record, reason=reason)
    return record


@transaction.atomic
def child_add(*, actor: Any, record: LedgerRecord, fields: Mapping[str, Any]) -> models.Model:
    """Add a reminder talk (relatives) or a follow-up (departed staff) to a record."""
    spec = spec_for(record._meta.model)
    if spec.child is None:
        raise PermissionDenied
    policy.require(actor, policy.CHANGE, record)
    _refuse_void(record)
    _check_fields(set(spec.child_fields), fields)
    child = spec.child(record=record, **fields)
    child.full_clean()
    child.save()
    events.record(
        actor=actor,
        action=_action(record, f"{spec.child._meta.model_name}.add"),
        obj=record,
        changes=events.diff({}, events.snapshot(child)),
    )
    return child


def _read_head(upload: File) -> bytes:
    upload.seek(0)
    head = upload.read(32)
    upload.seek(0)
    return head


@transaction.atomic
def attachment_add(
    *, actor: Any, record: LedgerRecord, upload: File, description: str = ""
) -> Attachment:
    """Attach a scan, photo, PDF or recording. The type is read from the content; the size is
    limited by ATTACHMENT_MAX_BYTES; the file is stored under MEDIA_ROOT by its hash."""
    policy.require(actor, policy.CHANGE, record)
    _refuse_void(record)
    attachment = store_attachment(
        actor=actor, record=record, upload=upload, description=description
    )
    events.record(
        actor=actor,
        action=_action(record, "attachment.add"),
        obj=record,
        changes={
            "attachment": attachment.pk,
            "file": attachment.original_name,
            "type": attachment.mime_type,
            "size": attachment.size,
            "sha256": attachment.sha256,
        },
    )
    return attachment


def store_attachment(
    *, actor: Any, record: models.Model, upload: File, description: str = ""
) -> Attachment:
    """Check an upload (type read from the content, size limited by ATTACHMENT_MAX_BYTES) and
    store it under MEDIA_ROOT by its hash, attached to ``record`` (any model: the attachment is
    generic). The caller checks access, holds the transaction and audits."""
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            {
                "file": [
                    _("The file is larger than %(limit)d MB.")
                    % {"limit": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)}
                ]
            }
        )
    kind = filetypes.sniff(_read_head(upload))
    if kind is None:
        raise ValidationError(
            {
                "file": [
                    _("This kind of file cannot be attached. Allowed: %(types)s.")
                    % {"types": filetypes.ALLOWED_DESCRIPTION}
                ]
            }
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        record=record,
        original_name=(getattr(upload, "name", "") or "file")[:200].rsplit("/", 1)[-1],
        mime_type=kind.mime,
        extension=kind.extension,
        size=upload.size,
        sha256=digest.hexdigest(),
        description=description[:200],
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    attachment.file.save(attachment.original_name, upload, save=False)
    attachment.save()
    return attachment


def _check_belongs(record: LedgerRecord, attachment: Attachment) -> None:
    if attachment.object_id != record.pk or attachment.content_type.model_class() is not (
        record._meta.model
    ):
        raise PermissionDenied


def attachment_opened(*, actor: Any, record: LedgerRecord, attachment: Attachment) -> None:
    """Every download of a confidential record's attachment is recorded."""
    _check_belongs(record, attachment)
    if record.is_confidential:
        events.record(
            actor=actor,
            action=_action(record, "attachment.download"),
            obj=record,
            changes={"attachment": attachment.pk, "file": attachment.original_name},
        )


@transaction.atomic
def attachment_void(
    *, actor: Any, record: LedgerRecord, attachment: Attachment, reason: str
) -> Attachment:
    """Withdraw a wrong attachment with a reason; the file is kept."""
    policy.require(actor, policy.MANAGE, record)
    _check_belongs(record, attachment)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for voiding the attachment.")]})
    if attachment.voided_at is not None:
        raise ValidationError(_("This attachment has already been voided."))
    attachment.voided_at = timezone.now()
    attachment.void_reason = reason
    attachment.save(update_fields=["voided_at", "void_reason"])
    events.record(
        actor=actor,
        action=_action(record, "attachment.void"),
        obj=record,
        changes={"attachment": attachment.pk, "file": attachment.original_name},
        reason=reason,
    )
    return attachment


@transaction.atomic
def recusal_found_in_case(
    *, record: RelativePractice, case: Case, on: datetime.date, actor_name: str
) -> bool:
    """法发〔2020〕13号 art. 2: the early-warning check (ledgers/alerts) found this relative
    acting as agent or defender in ``case``, a case within the court's jurisdiction. The
    record now says so, with the case as evidence, and when the rules then require recusal it
    moves to "required, pending" from ``on`` (the one- and six-month deadlines run from the
    day it became known). Only a record whose recusal is not yet required changes; returns
    whether it did. A write of the system, audited under ``actor_name``."""
    record = (
        RelativePractice.objects.select_for_update(of=("self",))
        .select_related("staff", "court", "firm_area")
        .get(pk=record.pk)
    )
    if record.is_void or record.status != RelativePractice.Status.NOT_REQUIRED:
        return False
    before = _snapshot(record)
    claim_version(record, record.version)
    record.acts_in_jurisdiction = True
    record.recusal_case = case
    if record.recusal():
        record.recusal_required_on = on
    _save(record, {})
    events.record(
        actor=None,
        actor_name=actor_name,
        action=_action(record, "recusal_found"),
        obj=record,
        changes=events.diff(before, _snapshot(record)),
        reason=case.number,
    )
    return True
