"""What each list exports (issue 6, "exports exactly what the filters show").

A source reads its filters with the list page's own filter form and its rows with the list
page's own selector, so an export holds the rows the page shows, in the page's order, through
the same scoping policy. It names the columns a discipline office files, headed by the models'
verbose names in the starter's language, and turns the database values into cells: choices as
their labels, dates as dates, flags as booleans, and the regulation rules' results
(ledgers/rules.py) where they cost no extra query.

Rows are read in batches of ``BATCH_SIZE`` by keyset (``WHERE (key) > last ORDER BY key LIMIT
n``) over ``values_list``: memory stays flat whatever the list's length, and each batch costs
a fixed number of queries: the batch, one per many-valued column, and one per directory table
(courts, departments) while the batch names courts or departments not seen yet.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import operator
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import Q, QuerySet
from django.db.models.functions import Left, Length
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inspections.forms import clues as clue_forms
from inspections.forms import inspections as inspection_forms
from inspections.models import Clue, Finding, Inspection, InspectionTarget, Referral
from inspections.selectors import clues as clue_selectors
from inspections.selectors import inspections as inspection_selectors
from integrity.access import policy
from integrity.access.models import Role
from integrity.org import selectors as org_selectors
from integrity.org.models import Court, Department, StaffMember
from integrity.web.paging import int_param
from ledgers import rules
from ledgers import selectors as ledger_selectors
from ledgers.declarations import selectors as declaration_selectors
from ledgers.forms import LedgerFilterForm
from ledgers.models import Declaration, DepartureRecord, RelativePractice, UnplannedContactReport
from ledgers.specs import SPECS, LedgerSpec

BATCH_SIZE = 2000

# The kinds of cell a writer knows how to write.
TEXT, DATE, BOOL, NUMBER = "text", "date", "bool", "number"
# Column widths in Excel's units (about one Latin character; a Chinese character takes two).
_WIDTHS = {DATE: 16, BOOL: 8, NUMBER: 10}

# Distinct keys of a rule's arguments kept per export (Plan.ruled): a few thousand dates, or the
# few dozen combinations of a relative's facts.
_RULE_CACHE = 16384

Cell = str | int | datetime.date | bool | None
Getter = Callable[[tuple, dict], Cell]


class NotExportable(ValidationError):
    """The list asked for does not exist or is not the starter's to read. Its message is lazy:
    a failed job keeps it untranslated and each reader sees it in their own language."""


NO_SUCH_LIST = gettext_lazy("There is no such list to export, or it is not yours to read.")


@dataclass(frozen=True)
class InSql:
    """How a column reads in SQL, for PostgreSQL to write the CSV itself (copy.py): the value
    at ``lookup``, shown by ``labels`` (a choice; a value without a label as itself if
    ``keep``, else as nothing), as a local date (``moment``) or as is. With ``related``, the
    lookup is read in the first row of ``related`` (in its order) whose ``owner`` is the row."""

    lookup: str
    labels: dict | None = None
    moment: bool = False
    keep: bool = True
    related: QuerySet | None = None
    owner: str = ""


@dataclass(frozen=True)
class Listed:
    """A many-valued column in SQL (Plan.joined): the rows of ``related`` whose ``owner`` is
    the row's pk, in ``related``'s order, each its ``parts`` joined, listed with 、."""

    related: QuerySet
    owner: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class RuleCell:
    """A rule's column in SQL: cell ``cell`` of rule group ``group``'s results. The rule runs
    in Python once per distinct key (Plan.rule_keys) and PostgreSQL looks the cells up."""

    group: int
    cell: int


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT
    width: int = 14
    sql: InSql | Listed | RuleCell | None = None  # None: computed in Python only


# The court directory: a few thousand courts and some tens of thousands of departments in the
# whole country. Their names come from a cache filled batch by batch (one query for the names
# not seen yet) rather than from joins, which cost more than the rest of a ledger row.
_DIRECTORY = (Court, Department)

Loader = Callable[[list[tuple], dict], None]


def _shown_field(related: type[models.Model]) -> str:
    """What a foreign key's cell shows of the related row: its name, or its number (a case)."""
    names = {field.name for field in related._meta.concrete_fields}
    return next((name for name in ("name", "number") if name in names), "pk")


@dataclass
class Plan:
    """How one export reads and writes: the values read per row (the keyset first) and the
    columns written. A row's cells are first copied from the values read, by position; then
    the columns that need it are filled in place: choices by their labels, courts and
    departments by their names, moments by their local date, and the remaining columns by a
    getter (rule results, many-valued columns). ``per_batch`` loaders fetch what a batch needs
    from other tables (one query each) into the context those getters read."""

    order: tuple[str, ...]
    fields: list[str] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)  # per column: the value it starts from
    mapped: list[tuple[int, dict, bool]] = field(default_factory=list)  # labels, names
    moments: list[tuple[int, Any]] = field(default_factory=list)  # (column, time zone)
    getters: list[tuple[int, Getter]] = field(default_factory=list)
    rule_groups: list[tuple[slice, Callable, Callable, dict]] = field(default_factory=list)
    # per rule group: its key in SQL (Django expressions, one per argument of its rule), or
    # None where the key is made in Python only
    rule_keys: list[tuple[Any, ...] | None] = field(default_factory=list)
    per_batch: list[Loader] = field(default_factory=list)
    directory: dict[type[models.Model], tuple[dict, list[int]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in self.order:
            self.read(name.lstrip("-"))

    def read(self, lookup: str) -> int:
        """The position of ``lookup`` in each row read, reading it if not read yet."""
        if lookup not in self.fields:
            self.fields.append(lookup)
        return self.fields.index(lookup)

    def add(
        self,
        header: Any,
        kind: str,
        width: int | None = None,
        sql: InSql | Listed | RuleCell | None = None,
        *,
        index: int = 0,
    ) -> int:
        """A column starting from the value at ``index``; returns the column's position."""
        title = str(header)
        # A Chinese character is two units wide; leave room for the filter arrow.
        title_width = sum(2 if ord(char) > 0x2E80 else 1 for char in title) + 3
        width = max(width or _WIDTHS.get(kind, 14), title_width)
        self.columns.append(Column(title, kind, width, sql))
        self.positions.append(index)
        return len(self.columns) - 1

    def value(self, header: Any, lookup: str, kind: str = TEXT, width: int | None = None) -> None:
        """A column showing one value as read."""
        self.add(header, kind, width, InSql(lookup), index=self.read(lookup))

    def computed(
        self,
        header: Any,
        kind: str,
        getter: Getter,
        width: int | None = None,
        sql: InSql | Listed | None = None,
    ) -> None:
        """A column a getter fills from the row and the batch's context (``sql``: the same
        value in SQL, if it has one)."""
        self.getters.append((self.add(header, kind, width, sql), getter))

    def model_field(
        self, model: type[models.Model], name: str, lookup: str = "", header: Any = None
    ) -> None:
        """A column for a model field, headed by its verbose name: choices as their labels,
        moments as their local date, a foreign key as the related row's name."""
        model_field = model._meta.get_field(name)
        title = header or model_field.verbose_name
        kind, width = _kind_of(model_field)
        if model_field.is_relation and model_field.related_model in _DIRECTORY and not lookup:
            index = self.read(model_field.attname)
            column = self.add(title, TEXT, width, InSql(f"{name}__name"), index=index)
            self.mapped.append((column, self._names(model_field.related_model, index), False))
            return
        if not lookup and model_field.is_relation:
            lookup = f"{name}__{_shown_field(model_field.related_model)}"
        lookup = lookup or name
        index = self.read(lookup)
        if model_field.choices:
            labels = {value: str(label) for value, label in model_field.flatchoices}
            self.labelled(title, lookup, labels, width)
        elif isinstance(model_field, models.DateTimeField):
            column = self.add(title, DATE, None, InSql(lookup, moment=True), index=index)
            self.moments.append((column, timezone.get_current_timezone()))
        else:
            self.add(title, kind, width, InSql(lookup), index=index)

    def labelled(self, header: Any, lookup: str, labels: dict, width: int | None = None) -> None:
        """A column showing the label of the value read (a choice), or the value itself."""
        sql = InSql(lookup, labels=labels)
        column = self.add(header, TEXT, width, sql, index=self.read(lookup))
        self.mapped.append((column, labels, True))

    def _names(self, related: type[models.Model], index: int) -> dict:
        """The plan's cache of court or department names, filled for each batch."""
        if related not in self.directory:
            self.directory[related] = ({}, [])
            self.per_batch.append(functools.partial(_fill_names, related, *self.directory[related]))
        names, positions = self.directory[related]
        positions.append(index)
        return names

    def joined(
        self,
        header: Any,
        related: QuerySet,
        owner: str,
        parts: tuple[str, ...],
        width: int = 36,
    ) -> None:
        """A many-valued column: the rows of ``related`` whose ``owner`` is the row (read for
        the batch's rows in one query, in ``related``'s order); each such row's ``parts`` are
        joined, and they are listed with 、."""
        position = self.read("pk")
        key = f"joined:{len(self.columns)}"

        def load(batch: list[tuple], context: dict) -> None:
            ids = [row[position] for row in batch]
            rows = related.filter(**{f"{owner}__in": ids}).values_list(owner, *parts)
            found: dict[Any, list[str]] = {}
            for row_owner, *row_parts in rows:
                found.setdefault(row_owner, []).append("".join(part for part in row_parts if part))
            context[key] = {row_owner: "、".join(texts) for row_owner, texts in found.items()}

        self.per_batch.append(load)
        self.computed(
            header,
            TEXT,
            lambda row, ctx: ctx[key].get(row[position]),
            width,
            Listed(related, owner, tuple(parts)),
        )

    def rule(
        self, header: Any, kind: str, needs: tuple[str, ...], compute: Callable[..., Cell]
    ) -> None:
        """A column computed from other values of the row (a regulation rule's result)."""
        self.ruled((header, kind), needs=needs, compute=lambda *values: (compute(*values),))

    def ruled(
        self,
        *columns: tuple[Any, str],
        needs: tuple[str, ...],
        compute: Callable[..., tuple[Cell, ...]],
        narrow: Callable[[tuple], tuple] | None = None,
        sql: tuple[Any, ...] | None = None,
    ) -> None:
        """Adjacent columns computed together from other values of the row (one regulation
        rule's results): ``compute(*key)`` gives their cells, where the key is the values
        ``needs`` names, or what ``narrow`` makes of them (only what the rule reads, so that
        rows share keys). Rows repeat their keys often: each distinct key is computed once,
        in a cache emptied when full to keep the memory flat.

        In SQL (copy.py) the key is the values ``needs`` names, or, with ``narrow``, the
        Django expressions ``sql`` (the same key as ``narrow`` makes; without them the columns
        are written in Python only)."""
        indexes = [self.read(lookup) for lookup in needs]
        first = len(self.columns)
        keys = sql if narrow is not None else tuple(models.F(lookup) for lookup in needs)
        group = len(self.rule_groups)
        for cell, (header, kind) in enumerate(columns):
            self.add(header, kind, sql=None if keys is None else RuleCell(group, cell))
        self.rule_keys.append(None if keys is None else tuple(keys))
        key_of = operator.itemgetter(*indexes)
        if len(indexes) == 1:
            key_of = _as_tuple(key_of)
        if narrow is not None:
            key_of = _narrowed(key_of, narrow)
        self.rule_groups.append((slice(first, len(self.columns)), key_of, compute, {}))

    def rows(self, batch: list[tuple]) -> Iterator[list[Cell]]:
        context: dict[str, Any] = {}
        for load in self.per_batch:
            load(batch, context)
        positions, mapped, moments, getters, rule_groups = (
            self.positions,
            self.mapped,
            self.moments,
            self.getters,
            self.rule_groups,
        )
        # Inline loops over the columns that need work: a call per cell would cost more than
        # writing the row.
        for row in batch:
            cells = [row[i] for i in positions]
            for column, mapping, keep in mapped:
                value = cells[column]
                cells[column] = mapping.get(value, value if keep else None)
            for column, zone in moments:
                value = cells[column]
                if value is not None:
                    cells[column] = value.astimezone(zone).date()
            for column, get in getters:
                cells[column] = get(row, context)
            for place, key_of, compute, known in rule_groups:
                key = key_of(row)
                found = known.get(key)
                if found is None:
                    if len(known) >= _RULE_CACHE:
                        known.clear()
                    found = known[key] = compute(*key)
                cells[place] = found
            yield cells


def _as_tuple(get: Callable[[tuple], Any]) -> Callable[[tuple], tuple]:
    return lambda row: (get(row),)


def _narrowed(get: Callable[[tuple], tuple], narrow: Callable[[tuple], tuple]) -> Callable:
    return lambda row: narrow(get(row))


def _fill_names(
    model: type[models.Model], names: dict, positions: list[int], batch: list[tuple], _ctx: dict
) -> None:
    missing = {row[i] for row in batch for i in positions} - names.keys() - {None}
    if missing:
        rows = model._base_manager.filter(pk__in=missing).order_by().values_list("pk", "name")
        names.update(rows)


def _kind_of(model_field: models.Field) -> tuple[str, int | None]:
    if model_field.is_relation:
        return TEXT, 24  # a court's, a department's or a person's name
    if isinstance(model_field, models.BooleanField):
        return BOOL, None
    if isinstance(model_field, models.DateField):
        return DATE, None
    if isinstance(model_field, models.IntegerField) and not model_field.choices:
        return NUMBER, None
    if isinstance(model_field, models.TextField):
        return TEXT, 40
    length = getattr(model_field, "max_length", None) or 20
    return TEXT, min(36, max(12, length // 4 + 10))


# --- reading in batches ----------------------------------------------------------------------
def beyond(order: tuple[str, ...], last: tuple) -> Q:
    """Rows after ``last`` in the ordering ``order`` (all ascending or all descending)."""
    names = [name.lstrip("-") for name in order]
    op = "lt" if order[0].startswith("-") else "gt"
    where = Q()
    for position, name in enumerate(names):
        equal = {names[i]: last[i] for i in range(position)}
        where |= Q(**equal, **{f"{name}__{op}": last[position]})
    return where


def batches(qs: QuerySet, plan: Plan) -> Iterator[list[tuple]]:
    """The rows of ``qs`` as ``plan`` reads them, ``BATCH_SIZE`` at a time, by keyset: each
    batch is one indexed query, whatever its depth in the list."""
    size = BATCH_SIZE
    rows = qs.order_by(*plan.order).values_list(*plan.fields)
    keys = len(plan.order)
    with _serial_plans(qs.db):
        batch = list(rows[:size])
        while batch:
            yield batch
            if len(batch) < size:
                return
            batch = list(rows.filter(beyond(plan.order, batch[-1][:keys]))[:size])


@contextlib.contextmanager
def _serial_plans(alias: str) -> Iterator[None]:
    """PostgreSQL without parallel workers for the batches: it plans a batch of a large ledger
    as a parallel index scan whose workers take longer to start than the batch to read (on a
    million-record ledger, half the batch's time). The connection's setting is restored (two
    queries an export)."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('max_parallel_workers_per_gather'),"
            " set_config('max_parallel_workers_per_gather', '0', false)"
        )
        workers = cursor.fetchone()[0]
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('max_parallel_workers_per_gather', %s, false)", [workers]
            )


# --- sources ---------------------------------------------------------------------------------
class Source(ABC):
    """One exportable list. Subclasses read the filters and the rows as its page does."""

    key: str
    title: Any  # what the file is called: a register's name as an office files it
    model: type[models.Model]

    def may_export(self, actor: Any) -> bool:
        return policy.may_use(actor, self.model)

    @abstractmethod
    def filters(self, actor: Any, params: Mapping[str, str]) -> dict[str, Any]: ...

    @abstractmethod
    def queryset(self, actor: Any, filters: dict[str, Any]) -> QuerySet: ...

    @abstractmethod
    def plan(self, filters: dict[str, Any]) -> Plan: ...

    def court_id(self, filters: dict[str, Any]) -> int | None:
        return filters.get("court") or None


# Fields every ledger record has that the export places itself (or leaves out: internals).
_LEDGER_PLACED = {
    "id",
    "court",
    "department",
    "staff",
    "status",
    "notes",
    "is_confidential",
    "search_text",
    "version",
    "entered_by",
    "voided_at",
    "voided_by",
    "void_reason",
    "created_at",
    "updated_at",
    "case",  # the registry link; the case number is its own column
}


class LedgerSource(Source):
    """One of the six ledgers (ledgers/specs.py), as ledgers.views.ledger_list shows it."""

    def __init__(self, spec: LedgerSpec, title: Any) -> None:
        self.spec = spec
        self.key = f"ledger:{spec.slug}"
        self.title = title
        self.model = spec.model

    def filters(self, actor: Any, params: Mapping[str, str]) -> dict[str, Any]:
        if not params:
            return {}
        court_id = int_param(params.get("court"))
        form = LedgerFilterForm(
            params,
            model=self.model,
            courts=org_selectors.court_choices(actor=actor),
            departments=org_selectors.department_list(actor=actor, court=court_id),
        )
        return form.filters()

    def queryset(self, actor: Any, filters: dict[str, Any]) -> QuerySet:
        return ledger_selectors.ledger_list(actor=actor, model=self.model, filters=filters)

    def plan(self, filters: dict[str, Any]) -> Plan:
        model = self.model
        plan = Plan(order=("-pk",))
        plan.value(_("No."), "pk", NUMBER)
        for name in ("court", "department", "staff"):
            plan.model_field(model, name)
        meta = model._meta
        for model_field in sorted(
            (*meta.concrete_fields, *meta.many_to_many), key=lambda f: f.creation_counter
        ):
            if model_field.name in _LEDGER_PLACED:
                continue
            if model_field.many_to_many:
                _many_names(plan, model_field)
            else:
                plan.model_field(model, model_field.name)
        plan.model_field(model, "status")
        if model in _RULE_COLUMNS:
            _RULE_COLUMNS[model](plan)
        for name in ("notes", "is_confidential", "created_at", "voided_at", "void_reason"):
            plan.model_field(model, name)
        return plan


def _many_names(plan: Plan, many: models.ManyToManyField) -> None:
    """A many-valued field (the courts a departed person served in), names listed with 、."""
    through = many.remote_field.through
    owner, target = many.m2m_field_name(), many.m2m_reverse_field_name()
    plan.joined(
        many.verbose_name,
        through.objects.order_by(f"{target}__path"),
        f"{owner}_id",
        (f"{target}__name",),
    )


def _relative_rules(plan: Plan) -> None:
    """法发〔2020〕13号 arts. 1–2: who must report, whether post recusal is required and why,
    and the deadlines it sets (the same rules as the record's page). The decision reads the
    courts' paths only to place the firm in the jurisdiction: narrowed to that, the keys are
    a few dozen combinations, each decided once."""

    def jurisdiction(values: tuple) -> tuple:
        relationship, role, cadre, trial, court_path, area_path, acts = values
        firm_in = bool(area_path and rules.within_jurisdiction(court_path, area_path))
        return relationship, role, cadre, trial, firm_in, acts

    # The same key in SQL (rules.within_jurisdiction is a prefix test of the courts' paths;
    # tests/reports/test_exports_copy.py proves both forms agree).
    firm_in = models.Case(
        models.When(
            Exact(Left("firm_area__path", Length("court__path")), models.F("court__path")),
            court__path__gt="",
            firm_area__path__gt="",
            then=models.Value(True),
        ),
        default=models.Value(False),
        output_field=models.BooleanField(),
    )
    in_sql = (
        *(models.F(name) for name in ("relationship", "role")),
        *(models.F(f"staff__{name}") for name in ("is_leading_cadre", "is_trial_post")),
        firm_in,
        models.F("acts_in_jurisdiction"),
    )

    def decision(relationship, role, cadre, trial, firm_in, acts) -> tuple[Cell, ...]:
        found = rules.recusal_required(
            relationship=relationship,
            role=role,
            is_leading_cadre=cadre,
            is_trial_post=trial,
            firm_in_jurisdiction=firm_in,
            acts_in_jurisdiction=acts,
        )
        return rules.must_report(relationship), found.required, str(found.reason)

    plan.ruled(
        (_("must be reported"), BOOL),
        (_("post recusal required"), BOOL),
        (_("Reason for the recusal decision"), TEXT),
        needs=(
            "relationship",
            "role",
            "staff__is_leading_cadre",
            "staff__is_trial_post",
            "court__path",
            "firm_area__path",
            "acts_in_jurisdiction",
        ),
        compute=decision,
        narrow=jurisdiction,
        sql=in_sql,
    )
    plan.ruled(
        (_("recusal application due"), DATE),
        (_("post change due"), DATE),
        needs=("recusal_required_on",),
        compute=lambda day: (
            (rules.recusal_application_due(day), rules.recusal_post_change_due(day))
            if day
            else (None, None)
        ),
    )


def _departure_rules(plan: Plan) -> None:
    """法官法 art. 36, 律师法 art. 41, 司发通〔2021〕61号: the restrictions' end dates, four
    columns of one computation."""

    def restrictions(left_on, how, leadership, grade, assistant) -> tuple[Cell, ...]:
        found = rules.departure_restrictions(
            left_on=left_on,
            how=how,
            was_leadership=leadership,
            grade=grade,
            senior_assistant=assistant,
        )
        return (
            found.restriction_ends,
            found.agent_ban_ends,
            found.employment_ban_ends,
            found.law_firm_ban_lifetime,
        )

    plan.ruled(
        (_("restrictions end"), DATE),
        (_("no agent or defender as a lawyer until"), DATE),
        (_("no work in the former court's area until"), DATE),
        (_("banned from law firms for life"), BOOL),
        needs=("left_on", "how", "was_leadership", "last_grade", "senior_assistant"),
        compute=restrictions,
    )


def _report_rules(plan: Plan) -> None:
    """司发通〔2021〕60号: an unplanned contact is reported within the days the setting gives."""

    def due(contact_on, reported_on) -> tuple[Cell, ...]:
        day = rules.unplanned_contact_report_due(contact_on)
        return day, reported_on > day

    plan.ruled(
        (_("report due"), DATE),
        (_("reported late"), BOOL),
        needs=("contact_on", "reported_on"),
        compute=due,
    )


_RULE_COLUMNS: dict[type[models.Model], Callable[[Plan], None]] = {
    RelativePractice: _relative_rules,
    DepartureRecord: _departure_rules,
    UnplannedContactReport: _report_rules,
}


class DeclarationSource(Source):
    """A campaign's declarations in the reader's scope, as its progress page counts them
    (ledgers.declarations.selectors.campaign_progress): the current revisions, optionally of one
    court, in the order of the page's lists (by id)."""

    key = "declarations"
    title = gettext_lazy("Declaration progress")
    model = Declaration

    def filters(self, actor: Any, params: Mapping[str, str]) -> dict[str, Any]:
        campaign_id = int_param(params.get("campaign"))
        if campaign_id is None:
            raise NotExportable(
                gettext_lazy("Choose the campaign whose declarations are exported.")
            )
        status = params.get("status") or None
        return {
            "campaign": campaign_id,
            "court": int_param(params.get("court")),
            "status": status if status in Declaration.Status.values else None,
        }

    def queryset(self, actor: Any, filters: dict[str, Any]) -> QuerySet:
        campaign = declaration_selectors.campaign_get(actor, filters["campaign"])
        qs = policy.scope(actor, Declaration.objects.filter(campaign=campaign, is_current=True))
        if filters.get("court"):
            qs = qs.filter(court_id=filters["court"])
        if filters.get("status"):
            qs = qs.filter(status=filters["status"])
        return qs

    def plan(self, filters: dict[str, Any]) -> Plan:
        today = timezone.localdate()
        plan = Plan(order=("pk",))
        for name in ("court", "department", "staff"):
            plan.model_field(Declaration, name)
        plan.model_field(StaffMember, "staff_number", "staff__staff_number")
        plan.model_field(StaffMember, "post", "staff__post")
        plan.model_field(Declaration, "status")
        plan.model_field(Declaration, "has_nothing")
        plan.model_field(Declaration, "filed_at")
        awaiting = {value: str(label) for value, label in Role.choices}
        plan.labelled(_("Awaiting the signature of"), "next_role", awaiting)
        plan.model_field(Declaration, "signed_at")
        plan.model_field(Declaration, "returned_at")
        plan.model_field(Declaration, "return_reason")
        plan.rule(
            _("Overdue"),
            BOOL,
            ("status", "campaign__due_on", "campaign__voided_at"),
            lambda status, due_on, voided: bool(
                status in (Declaration.Status.PENDING, Declaration.Status.RETURNED)
                and today > due_on
                and voided is None
            ),
        )
        plan.model_field(Declaration, "revision")
        return plan


class InspectionSource(Source):
    """The inspections list (inspections.views.inspections.inspection_list) with its four
    counts of the problem list."""

    key = "inspections"
    title = gettext_lazy("Inspection register")
    model = Inspection

    def filters(self, actor: Any, params: Mapping[str, str]) -> dict[str, Any]:
        if not params:
            return {}
        form = inspection_forms.InspectionFilterForm(
            params, courts=org_selectors.court_choices(actor=actor)
        )
        return form.filters()

    def queryset(self, actor: Any, filters: dict[str, Any]) -> QuerySet:
        return inspection_selectors.inspection_list(actor, today=timezone.localdate(), **filters)

    def plan(self, filters: dict[str, Any]) -> Plan:
        plan = Plan(order=("-pk",))
        for name in ("number", "title", "kind", "court", "starts_on", "ends_on", "scope"):
            plan.model_field(Inspection, name)
        plan.joined(
            _("Inspected units"),
            InspectionTarget.objects.order_by("court__path", "pk"),
            "inspection_id",
            ("court__name", "department__name"),
        )
        plan.model_field(Inspection, "status")
        plan.model_field(Inspection, "closed_on")
        for header, name in (
            (_("Found"), "found"),
            (_("Rectified"), "rectified"),
            (_("Overdue"), "overdue"),
            (_("Returned"), "returned"),
        ):
            plan.value(header, name, NUMBER)
        plan.model_field(Inspection, "voided_at")
        plan.model_field(Inspection, "void_reason")
        return plan


class FindingSource(Source):
    """Findings (问题清单 → 整改清单): one inspection's, in the order of its page; or the
    unit's own open items (``mine``, inspections.views.inspections.finding_mine); or all in
    scope, newest first."""

    key = "findings"
    title = gettext_lazy("Problem and rectification list")
    model = Finding

    def filters(self, actor: Any, params: Mapping[str, str]) -> dict[str, Any]:
        form = inspection_forms.FindingFilterForm(params or None)
        chosen = form.cleaned_data if params and form.is_valid() else {}
        return {
            "inspection": int_param(params.get("inspection")),
            "court": int_param(params.get("court")),
            "mine": params.get("mine") not in (None, "", "0", "false", "False"),
            "status": chosen.get("status") or None,
            "overdue": chosen.get("overdue") or False,
        }

    def queryset(self, actor: Any, filters: dict[str, Any]) -> QuerySet:
        if filters["inspection"] and not filters["mine"]:
            inspection = inspection_selectors.inspection_get(actor, filters["inspection"])
            return inspection_selectors.inspection_findings(actor, inspection)
        return inspection_selectors.finding_list(
            actor,
            inspection=filters["inspection"],
            court=filters["court"],
            status=filters["status"],
            overdue=filters["overdue"],
            mine=filters["mine"],
            today=timezone.localdate(),
        )

    def plan(self, filters: dict[str, Any]) -> Plan:
        one_inspection = bool(filters.get("inspection") and not filters.get("mine"))
        plan = Plan(order=("sequence", "pk") if one_inspection else ("-pk",))
        plan.model_field(Inspection, "title", "inspection__title")
        plan.model_field(Inspection, "number", "inspection__number")
        plan.model_field(Finding, "sequence", header=_("No."))
        for name in ("court", "department", "responsible_staff"):
            plan.model_field(Finding, name)
        for name in ("category", "severity", "description", "rectification_required"):
            plan.model_field(Finding, name)
        plan.model_field(Finding, "deadline")
        plan.model_field(Finding, "status")
        today = timezone.localdate()
        plan.rule(
            _("Overdue"),
            BOOL,
            ("status", "deadline", "voided_at"),
            lambda status, deadline, voided: bool(
                status != Finding.Status.CLOSED and voided is None and deadline < today
            ),
        )
        for name in ("times_returned", "closed_on", "voided_at", "void_reason"):
            plan.model_field(Finding, name)
        return plan


class ClueSource(Source):
    """The clues list (inspections.views.clues.clue_list): a clue about a court leader is
    absent for that leader's court exactly as on the page. The summary is exported, never the
    details, the evidence or a whistle-blower's identity."""

    key = "clues"
    title = gettext_lazy("Clue register")
    model = Clue

    def filters(self, actor: Any, params: Mapping[str, str]) -> dict[str, Any]:
        if not params:
            return {}
        form = clue_forms.ClueFilterForm(params, courts=org_selectors.court_choices(actor=actor))
        return form.filters()

    def queryset(self, actor: Any, filters: dict[str, Any]) -> QuerySet:
        return clue_selectors.clue_list(actor=actor, filters=filters)

    def plan(self, filters: dict[str, Any]) -> Plan:
        plan = Plan(order=("-pk",))
        plan.value(_("No."), "pk", NUMBER)
        for name in ("received_on", "court", "department", "subject", "summary", "source"):
            plan.model_field(Clue, name)
        plan.model_field(Clue, "status")
        position = plan.read("pk")
        # A clue has one standing referral (the services refuse a second); were there two,
        # both the Python and the SQL form show the first.
        standing = Referral.objects.filter(voided_at__isnull=True).order_by("-pk")

        def referrals(batch: list[tuple], context: dict) -> None:
            rows = standing.filter(clue_id__in=[row[position] for row in batch]).values_list(
                "clue_id", "number", "stage", "way"
            )
            context["referral"] = {row[0]: row[1:] for row in rows}

        def in_sql(name: str, labels: dict | None = None) -> InSql:
            first = standing.order_by("pk")
            return InSql(name, labels, keep=False, related=first, owner="clue_id")

        plan.per_batch.append(referrals)
        stages = {value: str(label) for value, label in Referral.Stage.choices}
        ways = {value: str(label) for value, label in Referral.Way.choices}
        for header, pick, sql in (
            (
                Referral._meta.get_field("number").verbose_name,
                lambda found: found[0],
                in_sql("number"),
            ),
            (_("Referral stage"), lambda found: stages.get(found[1]), in_sql("stage", stages)),
            (
                Referral._meta.get_field("way").verbose_name,
                lambda found: ways.get(found[2]),
                in_sql("way", ways),
            ),
        ):
            plan.computed(header, TEXT, _referral_getter(position, pick), sql=sql)
        for name in ("about_leader", "is_confidential", "voided_at", "void_reason"):
            plan.model_field(Clue, name)
        return plan


def _referral_getter(position: int, pick: Callable[[tuple], Cell]) -> Getter:
    def get(row: tuple, context: dict) -> Cell:
        found = context["referral"].get(row[position])
        return pick(found) if found else None

    return get


# What each ledger's file is called (干预过问记录台账_2026-11-21.xlsx).
_LEDGER_TITLES = {
    "interference": gettext_lazy("Interference and inquiry ledger"),
    "contacts": gettext_lazy("Improper contact ledger"),
    "approvals": gettext_lazy("Contact approval ledger"),
    "reports": gettext_lazy("Unplanned contact report ledger"),
    "relatives": gettext_lazy("Relatives practising law ledger"),
    "departures": gettext_lazy("Departed staff ledger"),
}

SOURCES: dict[str, Source] = {
    source.key: source
    for source in (
        *(LedgerSource(spec, _LEDGER_TITLES[spec.slug]) for spec in SPECS),
        DeclarationSource(),
        InspectionSource(),
        FindingSource(),
        ClueSource(),
    )
}


def source_for(key: str) -> Source:
    try:
        return SOURCES[key]
    except KeyError:
        raise NotExportable(NO_SUCH_LIST) from None
