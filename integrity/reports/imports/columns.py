"""What can be imported and what each sheet holds: the six ledgers (the fields of
ledgers/specs.py, as the officers' forms offer them), the staff roster and the case registry.
A column is a model field, read by its kind; its header is the field's verbose name in the
active language (either language is recognised on upload). Each target names the service that
writes a row, so that an imported row is created exactly as the form would create it."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from integrity.org import services as org_services
from integrity.org.models import Case, Court, Department, StaffMember
from ledgers import services as ledger_services
from ledgers.specs import PLACE_FIELDS, SPECS, LedgerSpec

from . import normalize
from .matching import WriteReach


class Kind(enum.Enum):
    TEXT = "text"
    CASE_NUMBER = "case_number"  # normalised to (2024)辽01民初123号 as the models store it
    DATE = "date"
    CHOICE = "choice"
    BOOL = "bool"
    COURT = "court"  # the row's court: matched among the courts the importer may write to
    DEPARTMENT = "department"  # a department of the row's court
    AREA_COURT = "area_court"  # a court of the row's province (where a firm practises)
    AREA_COURTS = "area_courts"  # several of them (courts where a person served)
    STAFF_NAME = "staff_name"  # the staff member a ledger row is about, by name ...
    STAFF_NUMBER = "staff_number"  # ... or by staff number
    STAFF_REF = "staff_ref"  # a staff member of the row's court by name or staff number
    STAFF_REFS = "staff_refs"  # several of them (a case's panel)


@dataclass(frozen=True)
class Column:
    """One column of a target's sheet: ``key`` is the model field it fills (or
    ``staff_number``, the second way of naming a ledger row's staff member)."""

    key: str
    kind: Kind
    field: models.Field
    label: Any = None  # the header, if not the field's verbose name
    aliases: tuple[str, ...] = ()  # other headers offices write for it

    @property
    def header(self) -> str:
        return str(self.label or self.field.verbose_name)

    @property
    def required(self) -> bool:
        """Must be filled in on every row: the model says so and offers no default. The
        staff member of a ledger row is required as name or number (checked per row)."""
        if self.kind in (Kind.BOOL, Kind.STAFF_NAME, Kind.STAFF_NUMBER):
            return False
        return not self.field.blank and not self.field.has_default()

    @cached_property
    def choices(self) -> dict[str, str]:
        """Every way of writing a choice, folded, to its value: the label in each language,
        and the value itself."""
        ways: dict[str, str] = {}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                for value, label in self.field.flatchoices:
                    ways.setdefault(normalize.fold(label), value)
        for value, _label in self.field.flatchoices:
            ways.setdefault(normalize.fold(value), value)
        return ways

    def choice(self, written: Any) -> str | None:
        """The choice ``written`` names: a label or value as written, else the one label
        that contains it (内部人员 for 司法机关内部人员); None if none or several do."""
        folded = normalize.fold(written)
        if folded in self.choices:
            return self.choices[folded]
        fits = {value for way, value in self.choices.items() if len(folded) >= 2 and folded in way}
        return fits.pop() if len(fits) == 1 else None

    def headers(self) -> set[str]:
        """Every header that names this column, folded: the label in each language (with and
        without a bracketed note) and the key."""
        names = {normalize.fold(self.key), *(normalize.fold(alias) for alias in self.aliases)}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                names.update(normalize.fold_variants(self.header))
                names.update(normalize.fold_variants(self.field.verbose_name))
        return names


@dataclass(frozen=True)
class Target:
    """Something that can be imported: its model, its columns in the template's order, the
    fields that identify a record (a row repeating an existing record is refused; the first is
    the one to look existing records up by), and the service that writes one row."""

    key: str
    title: Any
    model: type[models.Model]
    columns: tuple[Column, ...]
    identity: tuple[str, ...]
    write: Callable[[Any, dict[str, Any]], models.Model]

    def column(self, key: str) -> Column | None:
        return next((column for column in self.columns if column.key == key), None)


def _kind(field: models.Field) -> Kind:
    related = field.related_model
    if related is Court:
        if field.many_to_many:
            return Kind.AREA_COURTS
        return Kind.COURT if field.name == "court" else Kind.AREA_COURT
    if related is Department:
        return Kind.DEPARTMENT
    if related is StaffMember:
        return Kind.STAFF_REFS if field.many_to_many else Kind.STAFF_REF
    if field.name == "case_number" or field is Case._meta.get_field("number"):
        return Kind.CASE_NUMBER
    if isinstance(field, models.DateField):
        return Kind.DATE
    if isinstance(field, models.BooleanField):
        return Kind.BOOL
    return Kind.CHOICE if field.choices else Kind.TEXT


def _columns(model: type[models.Model], names: tuple[str, ...], **renamed: Any) -> tuple:
    """Columns for the fields ``names``; ``renamed`` gives some a (label, aliases) of their own."""
    meta = model._meta
    columns = []
    for name in names:
        label, aliases = renamed.get(name, (None, ()))
        columns.append(
            Column(name, _kind(meta.get_field(name)), meta.get_field(name), label, aliases)
        )
    return tuple(columns)


# What identifies a ledger record besides its staff member: the same person, day and
# counterpart (or relative, or departure) entered twice is one record.
_LEDGER_IDENTITY = {
    "interference": ("occurred_on", "case_number", "interferer_name"),
    "contacts": ("occurred_on", "counterpart_name", "behaviour"),
    "approvals": ("planned_on", "counterpart_name"),
    "reports": ("contact_on", "counterpart_name"),
    "relatives": ("relative_name",),
    "departures": ("left_on",),
}


def _ledger_target(spec: LedgerSpec) -> Target:
    meta = spec.model._meta
    court, department, _staff = PLACE_FIELDS
    staff_number = StaffMember._meta.get_field("staff_number")
    columns = (
        *_columns(spec.model, (court, department)),
        Column("staff_number", Kind.STAFF_NUMBER, staff_number),
        Column("staff", Kind.STAFF_NAME, meta.get_field("staff"), aliases=("干警", "干警姓名")),
        *_columns(spec.model, (*spec.fields, "notes", "is_confidential")),
    )

    def write(actor: Any, fields: dict[str, Any]) -> models.Model:
        return ledger_services.ledger_create(actor=actor, model=spec.model, fields=fields)

    return Target(
        key=spec.slug,
        title=spec.title,
        model=spec.model,
        columns=columns,
        identity=("staff", *_LEDGER_IDENTITY[spec.slug]),
        write=write,
    )


def _write_staff(actor: Any, fields: dict[str, Any]) -> models.Model:
    return org_services.staff_save(actor=actor, **fields)


def _write_case(actor: Any, fields: dict[str, Any]) -> models.Model:
    return org_services.case_save(actor=actor, **fields)


def _editable(model: type[models.Model]) -> tuple[str, ...]:
    """The fields of a registry record a form edits, in the model's order: every editable
    field and many-to-many relation but the timestamps (the staff roster, the case registry)."""
    meta = model._meta
    fields = [f for f in (*meta.concrete_fields, *meta.many_to_many) if f.editable]
    return tuple(f.name for f in fields if not f.primary_key)


TARGETS: tuple[Target, ...] = (
    *(_ledger_target(spec) for spec in SPECS),
    Target(
        key="staff",
        title=_("Staff roster"),
        model=StaffMember,
        # The name's verbose name is 名称; a roster says 姓名.
        columns=_columns(StaffMember, _editable(StaffMember), name=(_("Full name"), ("姓名",))),
        identity=("staff_number", "court"),
        write=_write_staff,
    ),
    Target(
        key="cases",
        title=_("Case registry"),
        model=Case,
        columns=_columns(Case, _editable(Case)),
        identity=("number",),
        write=_write_case,
    ),
)

BY_KEY = {target.key: target for target in TARGETS}


def available(actor: Any) -> list[Target]:
    """What ``actor`` may import: the targets whose rows they may create for a whole court
    (officers, administrators). Staff who enter only their own records import nothing."""
    return [target for target in TARGETS if WriteReach.of(actor, target.model).reaches_any]


def available_target(actor: Any, key: str) -> Target | None:
    """The target ``key`` if ``actor`` may import it, else None (the same as an unknown one)."""
    target = BY_KEY.get(key)
    if target is None or not WriteReach.of(actor, target.model).reaches_any:
        return None
    return target
