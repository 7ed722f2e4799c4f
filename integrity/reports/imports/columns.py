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
    PARTIES = "parties"  # a case's parties with their standing (litigants.py)
    AGENTS = "agents"  # a case's agents and defenders with firm, licence and capacity


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
    fields that identify a record (the first is the one to look existing records up by), and
    the service that writes one row. A row repeating an existing record is refused, unless
    the target ``upserts``: then it updates that record (the case registry, whose monthly
    export repeats the cases still open), and so does a later row of the same record."""

    key: str
    title: Any
    model: type[models.Model]
    columns: tuple[Column, ...]
    identity: tuple[str, ...]
    write: Callable[[Any, dict[str, Any]], models.Model]
    upserts: bool = False

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
    """A row of the case registry: registered, or the registered case brought up to date with
    its parties, agents and panel (org.services.case_upsert); a blank cell changes nothing."""
    fields = dict(fields)
    case, _created = org_services.case_upsert(
        actor=actor,
        number=fields.pop("number"),
        parties=fields.pop("parties", ()),
        agents=fields.pop("agents", ()),
        panel=fields.pop("panel", None),
        fields=fields,
    )
    return case


def _editable(model: type[models.Model]) -> tuple[str, ...]:
    """The fields of a registry record a form edits, in the model's order: every editable
    field and many-to-many relation but the timestamps (the staff roster, the case registry)."""
    meta = model._meta
    fields = [f for f in (*meta.concrete_fields, *meta.many_to_many) if f.editable]
    return tuple(f.name for f in fields if not f.primary_key)


def _cell_field(name: str, verbose_name: Any, help_text: Any) -> models.Field:
    """A column that is no field of the model (a case's parties and agents, read from one
    cell each): a free-standing text field giving its name, header and note."""
    field = models.TextField(verbose_name, blank=True, help_text=help_text)
    field.set_attributes_from_name(name)
    return field


# A case-management system's export: one row per case, its parties and agents in one cell each.
_CASE_COLUMNS = (
    *_columns(
        Case,
        _editable(Case),
        number=(None, ("案件编号", "案件号")),
        court=(None, ("承办法院", "受理法院", "审理法院")),
        department=(_("Handling department"), ("承办庭室", "承办部门", "庭室", "审判庭")),
        case_type=(None, ("案件类别", "案件类型")),
        filed_on=(None, ("立案时间", "收案日期", "受理日期")),
        closed_on=(None, ("结案时间", "审结日期")),
        presiding_judge=(
            _("Presiding or handling judge"),
            ("审判长/承办法官", "审判长", "承办法官", "承办人", "主审法官", "审判长或承办法官"),
        ),
        panel=(None, ("合议庭", "合议庭组成人员", "合议庭成员")),
    ),
    Column(
        "parties",
        Kind.PARTIES,
        _cell_field(
            "parties",
            _("Parties"),
            _("Each with their standing, as 原告：张三；被告：沈阳某某有限公司."),
        ),
        aliases=("当事人", "当事人信息", "当事人名称", "诉讼参与人"),
    ),
    Column(
        "agents",
        Kind.AGENTS,
        _cell_field(
            "agents",
            _("Agents or defenders"),
            _(
                "Each with law firm, licence number and capacity in brackets, as 李四（辽宁某某"
                "律师事务所，执业证号21010201810000001）；王五（法律援助律师）. Capacity words: "
                "辩护人、诉讼代理人、律师、基层法律服务工作者、监护人、近亲属."
            ),
        ),
        aliases=(
            "诉讼代理人/辩护人",
            "诉讼代理人",
            "辩护人",
            "代理人",
            "委托代理人",
            "诉讼代理人或辩护人",
            "代理人/辩护人",
            "代理人或辩护人",
            "辩护人/诉讼代理人",
            "律师",
        ),
    ),
)


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
        columns=_CASE_COLUMNS,
        identity=("number",),
        write=_write_case,
        upserts=True,
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
