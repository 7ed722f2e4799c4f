"""API representations of the ledgers, built from ledgers/specs.py so that the API offers the
same fields as the pages; the regulation rules' results are read-only fields."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from rest_framework import serializers

from integrity.web.dates import parse_chinese_date
from ledgers.computed import computed_names
from ledgers.models import Attachment, LedgerRecord
from ledgers.specs import LedgerSpec
from ledgers.workflows import TRANSITIONS

READ_ONLY = (
    "status",
    "version",
    "entered_by",
    "voided_at",
    "void_reason",
    "created_at",
    "updated_at",
)


class LedgerDateField(serializers.DateField):
    """ISO dates, and dates as Chinese users write them (2024年3月5日)."""

    def to_internal_value(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return parse_chinese_date(value)
            except DjangoValidationError as error:
                raise serializers.ValidationError(error.messages) from None
        return super().to_internal_value(value)


_COMPUTED_FIELDS = {
    "must_report": lambda source: serializers.BooleanField(source=source, read_only=True),
    "recusal_required": lambda source: serializers.BooleanField(source=source, read_only=True),
    "recusal_reason": lambda source: serializers.CharField(source=source, read_only=True),
    "application_due": lambda source: serializers.DateField(
        source=source, read_only=True, allow_null=True
    ),
    "post_change_due": lambda source: serializers.DateField(
        source=source, read_only=True, allow_null=True
    ),
    "restriction_ends": lambda source: serializers.DateField(
        source=source, read_only=True, allow_null=True
    ),
    "agent_ban_ends": lambda source: serializers.DateField(source=source, read_only=True),
    "employment_ban_ends": lambda source: serializers.DateField(
        source=source, read_only=True, allow_null=True
    ),
    "law_firm_ban_lifetime": lambda source: serializers.BooleanField(source=source, read_only=True),
    "senior": lambda source: serializers.BooleanField(source=source, read_only=True),
    "lifetime_courts": lambda source: serializers.ListField(
        source=source, child=serializers.IntegerField(), read_only=True
    ),
    "report_due": lambda source: serializers.DateField(source=source, read_only=True),
    "reported_late": lambda source: serializers.BooleanField(source=source, read_only=True),
}


class OmittedBooleanField(serializers.BooleanField):
    """A checkbox missing from a form-encoded body is left out (not read as False), so that a
    partial update or a step changes only what the caller sent."""

    default_empty_html = serializers.empty


class DateAwareSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        **{
            model_field: LedgerDateField
            for model_field, field in serializers.ModelSerializer.serializer_field_mapping.items()
            if field is serializers.DateField
        },
        models.BooleanField: OmittedBooleanField,
    }


class LedgerSerializer(DateAwareSerializer):
    staff_name = serializers.CharField(source="staff.name", read_only=True)
    court_name = serializers.CharField(source="court.name", read_only=True)


def ledger_serializer(spec: LedgerSpec) -> type[LedgerSerializer]:
    names = computed_names(spec.model)
    # The rules' results, read from LedgerRecord.computed_values (computed once per record).
    attrs: dict[str, Any] = {
        name: _COMPUTED_FIELDS[name](f"computed_values.{name}") for name in names
    }
    meta = type(
        "Meta",
        (),
        {
            "model": spec.model,
            "fields": [
                "id",
                "court",
                "court_name",
                "department",
                "staff",
                "staff_name",
                *spec.fields,
                "notes",
                "is_confidential",
                *READ_ONLY,
                *names,
            ],
            "read_only_fields": READ_ONLY,
            "extra_kwargs": {
                "court": {"required": False},
                "staff": {"required": False},
            },
        },
    )
    attrs["Meta"] = meta
    return type(f"{spec.model.__name__}Serializer", (LedgerSerializer,), attrs)


class VersionSerializer(serializers.Serializer):
    version_help = "The version the change is based on; a stale one is refused with 409."
    version = serializers.IntegerField(help_text=version_help)


class VoidSerializer(VersionSerializer):
    reason = serializers.CharField()


def update_serializer(serializer_class: type[LedgerSerializer]) -> type[LedgerSerializer]:
    """What an update sends (for the schema): the record's fields and the ``version``."""
    name = serializer_class.__name__.removesuffix("Serializer")
    return type(
        f"{name}UpdateSerializer",
        (serializer_class,),
        {"version": serializers.IntegerField(help_text=VersionSerializer.version_help)},
    )


def transition_serializer(spec: LedgerSpec) -> type[serializers.Serializer]:
    steps = TRANSITIONS.get(spec.model, ())
    targets = sorted({step.target for step in steps})
    fields = sorted({name for step in steps for name in step.fields})
    meta = type(
        "Meta",
        (),
        {
            "model": spec.model,
            "fields": ["version", "target", *fields],
            "extra_kwargs": {name: {"required": False} for name in fields},
        },
    )
    return type(
        f"{spec.model.__name__}TransitionSerializer",
        (DateAwareSerializer,),
        {
            "Meta": meta,
            "version": serializers.IntegerField(help_text=VersionSerializer.version_help),
            "target": serializers.ChoiceField(choices=targets),
        },
    )


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = [
            "id",
            "original_name",
            "mime_type",
            "size",
            "sha256",
            "description",
            "uploaded_at",
            "voided_at",
            "void_reason",
        ]
        read_only_fields = fields


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    description = serializers.CharField(required=False, allow_blank=True, default="")


def child_serializer(spec: LedgerSpec) -> type[serializers.ModelSerializer] | None:
    if spec.child is None:
        return None
    meta = type("Meta", (), {"model": spec.child, "fields": ["id", *spec.child_fields]})
    return type(f"{spec.child.__name__}Serializer", (DateAwareSerializer,), {"Meta": meta})


def record_ref(record: LedgerRecord) -> dict[str, Any]:
    return {"id": record.pk, "version": record.version, "status": record.status}
