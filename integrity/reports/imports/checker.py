"""The dry run of an import, and the write that repeats it.

Every row is read, cleaned (normalize.py), matched to courts, departments and staff
(matching.py) and validated as the service behind the form validates it (the model's
full_clean(), its check constraints, the importer's reach, records that already exist), and
every problem is listed with the sheet's own row number, the column's header and letter. Two
passes over the sheet: the first collects the names it uses, so that courts, departments,
staff and existing records are each loaded in a fixed number of queries whatever the number
of rows; the second checks each row, and when writing hands each good row to the target's
service (columns.Target.write) inside the caller's transaction."""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import openpyxl
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models
from django.http import Http404
from django.utils import formats
from django.utils.translation import gettext as _

from integrity.access import policy
from integrity.org.casenumbers import normalize_case_number
from integrity.org.models import Court, Department
from ledgers.computed import computed_fields, computed_names
from ledgers.models import LedgerRecord

from . import constraints, litigants, normalize, reader
from .columns import Column, Kind, Target
from .matching import AreaIndex, CourtIndex, DepartmentIndex, StaffIndex, WriteReach, chunks
from .normalize import CellError

PREVIEW_ROWS = 20
# The job's progress (rows done) is saved every this many rows.
PROGRESS_EVERY = 200

# Cells read on their own; the others are matched once the row's court is known.
_PLAIN = (Kind.TEXT, Kind.CASE_NUMBER, Kind.DATE, Kind.CHOICE, Kind.BOOL)
_STAFF = (Kind.STAFF_NAME, Kind.STAFF_NUMBER, Kind.STAFF_REF, Kind.STAFF_REFS)
# Cells read once the row's other cells are: a case's parties, then its agents (who may name
# one of the parties), each a list for the service rather than a field of the model.
_LITIGANTS = (Kind.PARTIES, Kind.AGENTS)


def problem(message: str, row: int | None = None, header: str = "", column: str = "") -> dict:
    """One problem as the job keeps it, with the text the page shows:
    第7行 “过问日期”(D列)：无法识别的日期“2020-13-45”…"""
    if row is None:
        text = message
    elif column:
        text = _("Row %(row)d, “%(header)s” (column %(column)s): %(message)s") % {
            "row": row,
            "header": header,
            "column": column,
            "message": message,
        }
    else:
        text = _("Row %(row)d: %(message)s") % {"row": row, "message": message}
    return {"row": row, "column": column, "header": header, "message": message, "text": text}


class RowFailed(Exception):
    """Writing a row failed in its service: the whole import is rolled back."""

    def __init__(self, row: int, error: Exception) -> None:
        super().__init__(row, error)
        self.row, self.error = row, error

    def __str__(self) -> str:
        if isinstance(self.error, ValidationError):
            reason = " ".join(self.error.messages)
        elif isinstance(self.error, PermissionDenied | Http404):
            reason = _("You may not keep records for this court, department or person.")
        else:
            reason = str(self.error) or type(self.error).__name__
        return _("Row %(row)d: %(message)s") % {"row": self.row, "message": reason}


@dataclass
class Outcome:
    """What a dry run found."""

    total: int = 0  # data rows (blank rows not counted)
    rows_ok: int = 0  # rows to write (a repeated row counted once)
    duplicates: int = 0
    # Of the rows to write of a target that upserts: new records, and updates of records
    # registered already or written by an earlier row (None for the other targets).
    creates: int | None = None
    updates: int | None = None
    problems: list[dict] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    matches: dict[tuple[str, str], str] = field(default_factory=dict)
    columns: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)

    def preview(self) -> dict[str, Any]:
        """The first rows as they would be written, the names matched, the notices (and for
        a target that upserts, how many rows create and how many update)."""
        preview = {
            "columns": self.columns,
            "rows": self.rows,
            "matches": [
                {"header": header, "written": written, "matched": matched}
                for (header, written), matched in self.matches.items()
            ],
            "notices": self.notices,
        }
        if self.creates is not None:
            preview["upserts"] = {"create": self.creates, "update": self.updates}
        return preview


@dataclass
class _Row:
    number: int
    written: dict[str, Any] = field(default_factory=dict)  # non-blank cells by column key
    fields: dict[str, Any] = field(default_factory=dict)  # what the service will be given
    problems: list[dict] = field(default_factory=list)
    updates: bool = False  # of a target that upserts: the record exists (or an earlier row)


class Checker:
    """One run over one uploaded sheet for one target, as ``actor``."""

    def __init__(
        self,
        *,
        actor: Any,
        target: Target,
        path: Any,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self.actor, self.target, self.path, self.progress = actor, target, path, progress
        self.meta = target.model._meta
        self.reach = WriteReach.of(actor, target.model)
        self.outcome = Outcome()
        if target.upserts:
            self.outcome.creates = self.outcome.updates = 0
        self.where: dict[str, tuple[int, Column]] = {}
        self._seen: dict[bytes, int] = {}
        self._identities: dict[tuple, int] = {}

    def run(self, *, write: bool = False) -> Outcome:
        """Check every row; with ``write``, hand each good row to the target's service as it
        goes (the caller holds the transaction and rolls back if any problem is found)."""
        try:
            workbook = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds on a damaged workbook
            self._fail(_("The workbook cannot be read (%(error)s).") % {"error": error})
            return self.outcome
        try:
            found = reader.find_header(workbook, self.target)
            if found is None:
                self._fail(
                    _(
                        "No header row found: none of the first %(rows)d rows of any sheet "
                        "names the template's columns (such as %(examples)s)."
                    )
                    % {
                        "rows": reader.HEADER_SCAN_ROWS,
                        "examples": "、".join(f"“{c.header}”" for c in self.target.columns[:3]),
                    }
                )
            elif self._accept(found[1]):
                self._prepare(*found)
                if self.outcome.total:
                    self._check(*found, write=write)
                    if self.target.upserts:
                        self._note_upserts()
                else:
                    self._fail(_("The sheet has no rows to import below its header."))
        finally:
            workbook.close()
        return self.outcome

    def _fail(self, message: str) -> None:
        self.outcome.problems.append(problem(message))

    def _note_upserts(self) -> None:
        self.outcome.notices.append(
            _(
                "%(create)d rows register new records; %(update)d rows update records "
                "registered already or by an earlier row (what is unchanged stays as it is)."
            )
            % {"create": self.outcome.creates, "update": self.outcome.updates}
        )

    # --- the header ------------------------------------------------------------------------

    def _accept(self, header: reader.Header) -> bool:
        """Note the columns found; a required one missing or one given twice is a problem,
        a column the template does not have is ignored with a notice."""
        self.where = {column.key: (index, column) for index, column in header.columns.items()}
        for column in self.target.columns:
            missing = column.required and column.key not in self.where
            if column.kind is Kind.STAFF_NAME:
                missing = not ({"staff", "staff_number"} & set(self.where))
            if missing:
                self._fail(_("The column “%(header)s” is missing.") % {"header": column.header})
        for column, first, again in header.twice:
            self._fail(
                _("The column “%(header)s” appears twice (columns %(first)s and %(again)s).")
                % {"header": column.header, "first": first, "again": again}
            )
        for letter, written in header.ignored:
            self.outcome.notices.append(
                _("Column %(column)s “%(header)s” is not a column of the template; it is ignored.")
                % {"column": letter, "header": written}
            )
        self.outcome.columns = [column.header for _index, column in sorted(header.columns.items())]
        if computed_names(self.target.model):
            self.outcome.columns.append(_("Computed by the rules"))
        return not self.outcome.problems

    # --- pass 1: what the sheet names ------------------------------------------------------

    def _prepare(self, sheet: reader.Sheet, header: reader.Header) -> None:
        written: dict[Kind, set[str]] = defaultdict(set)
        keys: set[Any] = set()
        identity = self.target.identity[0]
        for _number, values, blank in sheet.rows(header.row + 1):
            if blank:
                continue
            self.outcome.total += 1
            for index, column in header.columns.items():
                value = reader.cell(values, index)
                if normalize.is_blank(value):
                    continue
                try:
                    if column.kind is Kind.COURT:
                        written[Kind.COURT].add(normalize.text(value))
                    elif column.kind is Kind.STAFF_REFS:
                        written[Kind.STAFF_REF].update(normalize.split_names(value))
                    elif column.kind in _STAFF:
                        written[Kind.STAFF_REF].add(normalize.text(value))
                    elif column.key == identity:
                        keys.add(self._parse(column, value))
                except CellError:
                    continue  # reported in the second pass
        self.courts = CourtIndex(self.reach.courts())
        named = [self._found(self.courts, text) for text in written[Kind.COURT]]
        courts = [court for court in named if court is not None]
        self.departments = DepartmentIndex.load(courts)
        self.staff = StaffIndex.load(courts, written[Kind.STAFF_REF])
        self.areas = AreaIndex()
        self.existing = self._existing(keys)

    @staticmethod
    def _found(index: CourtIndex, text: str) -> Court | None:
        try:
            return index.find(text)
        except CellError:
            return None

    def _existing(self, keys: set[Any]) -> set[tuple]:
        """The identities (columns.Target.identity) of the records that already exist among
        those the sheet could repeat: of the staff it names, or with its numbers."""
        first = self.meta.get_field(self.target.identity[0])
        values = sorted(m.pk for m in self.staff.members) if first.is_relation else sorted(keys)
        rows = self.target.model._base_manager.all()
        if issubclass(self.target.model, LedgerRecord):
            rows = rows.filter(voided_at__isnull=True)
        names = [self.meta.get_field(name).attname for name in self.target.identity]
        existing: set[tuple] = set()
        self.out_of_reach: set[tuple] = set()
        for batch in chunks(values):
            found = rows.filter(**{f"{first.attname}__in": batch})
            identities = set(found.values_list(*names))
            existing |= identities
            if self.target.upserts and identities:
                # A row updating a record the importer may not change is refused (as the
                # service refuses it), in the words used for a court out of reach.
                mine = policy.scope(self.actor, found, policy.CHANGE).values_list(*names)
                self.out_of_reach |= identities - set(mine)
        return existing

    # --- pass 2: each row --------------------------------------------------------------------

    def _check(self, sheet: reader.Sheet, header: reader.Header, *, write: bool) -> None:
        done = 0
        for number, values, blank in sheet.rows(header.row + 1):
            if blank:
                continue
            fields = self._row(number, values, header)
            if fields is not None and write:
                try:
                    self.target.write(self.actor, fields)
                except Exception as error:  # any failure: the caller rolls everything back
                    raise RowFailed(number, error) from error
            done += 1
            if self.progress is not None and done % PROGRESS_EVERY == 0:
                self.progress(done, self.outcome.total)

    def _row(self, number: int, values: tuple, header: reader.Header) -> dict | None:
        signature = _signature(values, header)
        first = self._seen.setdefault(signature, number)
        if first != number:
            self.outcome.duplicates += 1
            self.outcome.notices.append(
                _("Row %(row)d repeats row %(first)d; it is imported once.")
                % {"row": number, "first": first}
            )
            return None
        row = _Row(number)
        for index, column in header.columns.items():
            value = reader.cell(values, index)
            if normalize.is_blank(value):
                if column.required:
                    self._problem(row, column.key, _("This column must be filled in."))
                continue
            row.written[column.key] = value
            if column.kind in _PLAIN:
                try:
                    row.fields[column.key] = self._parse(column, value)
                except CellError as error:
                    self._problem(row, column.key, str(error))
                    continue
                if column.kind is Kind.CHOICE and normalize.fold(value) not in column.choices:
                    label = dict(column.field.flatchoices)[row.fields[column.key]]
                    self.outcome.matches[(column.header, normalize.text(value))] = str(label)
        self._read_litigants(row)
        court = self._match(row, "court", self.courts.find) if "court" in row.written else None
        if court is not None:
            self._match_in_court(row, court)
        instance = None if row.problems else self._validate(row, court)
        self.outcome.problems += sorted(row.problems, key=_by_column)
        if row.problems:
            return None
        self.outcome.rows_ok += 1
        if self.target.upserts:
            if row.updates:
                self.outcome.updates += 1
            else:
                self.outcome.creates += 1
        if len(self.outcome.rows) < PREVIEW_ROWS:
            self.outcome.rows.append({"row": number, "cells": self._shown(row, instance)})
        return row.fields

    def _read_litigants(self, row: _Row) -> None:
        """A case's parties cell, then its agents cell (an agent may name a party of the row
        as the one acted for): each entry read, or the cell is a problem saying which entry
        cannot be read and why."""
        parties: list[dict] = []
        for kind in _LITIGANTS:
            for key, (_index, column) in self.where.items():
                if column.kind is not kind or key not in row.written:
                    continue
                try:
                    if kind is Kind.PARTIES:
                        parties = row.fields[key] = litigants.parse_parties(row.written[key])
                    else:
                        row.fields[key] = litigants.parse_agents(row.written[key], parties)
                except CellError as error:
                    self._problem(row, key, str(error))

    def _parse(self, column: Column, value: Any) -> Any:
        if column.kind is Kind.DATE:
            return normalize.date(value)
        if column.kind is Kind.BOOL:
            return normalize.boolean(value)
        if column.kind is Kind.CHOICE:
            choice = column.choice(value)
            if choice is None:
                labels = [str(label) for code, label in column.field.flatchoices if code != ""]
                raise CellError(
                    _("“%(value)s” is not one of the allowed values: %(choices)s.")
                    % {"value": normalize.text(value), "choices": "、".join(labels)}
                )
            return choice
        if column.kind is Kind.CASE_NUMBER:
            try:
                return normalize_case_number(normalize.text(value))
            except ValidationError as error:
                raise CellError(" ".join(error.messages)) from None
        return normalize.text(value)

    def _match(self, row: _Row, key: str, find: Callable[..., Any], *context: Any) -> Any:
        """Find what the cell ``key`` names; show the match when it was written otherwise."""
        written = row.written[key]
        try:
            found = find(*context, written)
        except CellError as error:
            self._problem(row, key, str(error))
            return None
        _index, column = self.where[key]
        if column.kind is not Kind.STAFF_NUMBER and normalize.fold(written) != normalize.fold(
            found.name
        ):
            self.outcome.matches[(column.header, normalize.text(written))] = found.name
        return found

    def _match_in_court(self, row: _Row, court: Court) -> None:
        row.fields["court"] = court
        department = None
        if "department" in row.written:
            department = self._match(row, "department", self.departments.find, court)
            row.fields["department"] = department
        for key, (_index, column) in self.where.items():
            if key not in row.written:
                continue
            if column.kind is Kind.AREA_COURT:
                row.fields[key] = self._match(row, key, self.areas.find, court)
            elif column.kind is Kind.AREA_COURTS:
                row.fields[key] = self._match_each(row, key, self.areas.find, court)
            elif column.kind is Kind.STAFF_REF:
                row.fields[key] = self._match(row, key, self.staff.by_number_or_name, court)
            elif column.kind is Kind.STAFF_REFS:
                row.fields[key] = self._match_each(row, key, self.staff.by_number_or_name, court)
        if self.target.column("staff") and self.target.column("staff").kind is Kind.STAFF_NAME:
            row.fields["staff"] = self._ledger_staff(row, court, department)

    def _match_each(self, row: _Row, key: str, find: Callable[..., Any], court: Court) -> list:
        found = []
        for name in normalize.split_names(row.written[key]):
            try:
                found.append(find(court, name))
            except CellError as error:
                self._problem(row, key, str(error))
        return found

    def _ledger_staff(self, row: _Row, court: Court, department: Department | None) -> Any:
        """The staff member a ledger row is about: by staff number if given (and the name,
        if given too, must be theirs), else by name within the court (and department)."""
        number, name = row.written.get("staff_number"), row.written.get("staff")
        if number is not None:
            staff = self._match(row, "staff_number", self.staff.by_staff_number, court)
            if staff and name is not None and normalize.fold(name) != normalize.fold(staff.name):
                self._problem(
                    row,
                    "staff",
                    _("Staff number %(number)s belongs to %(name)s, not to “%(value)s”.")
                    % {
                        "number": staff.staff_number,
                        "name": staff.name,
                        "value": normalize.text(name),
                    },
                )
            return staff
        if name is not None:
            return self._match(
                row, "staff", lambda written: self.staff.by_staff_name(court, written, department)
            )
        self._problem(row, "staff", _("Give the staff member's name or staff number."))
        return None

    def _validate(self, row: _Row, court: Court) -> models.Model:
        """The model's own validation (full_clean: the checks the form's service runs), its
        check constraints, the importer's reach and the records that already exist. Relations
        were matched above; unique values are compared with the loaded identities."""
        model = self.target.model
        many = {f.name for f in self.meta.many_to_many}
        many |= {c.key for c in self.target.columns if c.kind in _LITIGANTS}
        instance = model(**{k: v for k, v in row.fields.items() if k not in many})
        relations = [f.name for f in self.meta.fields if f.is_relation] + list(many)
        try:
            instance.full_clean(
                exclude=relations, validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                self._field_problem(row, name, " ".join(messages))
        said = {item["message"] for item in row.problems}
        for message in constraints.violations(instance):
            if message not in said:  # most constraints repeat a check of clean()
                self._problem(row, None, message)
        if not self.reach.allows(court, instance.department_id):
            self._problem(
                row,
                "department" if "department" in row.written else "court",
                _("You may not keep records for this court, department or person."),
            )
        self._check_identity(row, instance)
        return instance

    def _check_identity(self, row: _Row, instance: models.Model) -> None:
        names = self.target.identity
        identity = tuple(getattr(instance, self.meta.get_field(n).attname) for n in names)
        if self.target.upserts:
            if identity in self.out_of_reach:
                self._problem(
                    row,
                    names[0],
                    _("You may not keep records for this court, department or person."),
                )
            first = self._identities.setdefault(identity, row.number)
            row.updates = identity in self.existing or first != row.number
            return
        if identity in self.existing:
            self._problem(
                row,
                None,
                _("This record already exists (%(key)s).") % {"key": self._described(instance)},
            )
            return
        first = self._identities.setdefault(identity, row.number)
        if first != row.number:
            self._problem(
                row,
                None,
                _(
                    "Rows %(first)d and %(row)d are the same record (%(key)s) with different "
                    "contents; keep one of them."
                )
                % {"first": first, "row": row.number, "key": self._described(instance)},
            )

    def _described(self, instance: models.Model) -> str:
        """What identifies the record, as 涉及干警 张三、过问日期 2024年3月5日…"""
        return "、".join(
            f"{self.meta.get_field(name).verbose_name} {_show(getattr(instance, name))}"
            for name in self.target.identity
        )

    def _field_problem(self, row: _Row, name: str, message: str) -> None:
        if name in self.where:
            self._problem(row, name, message)
        elif name == "staff" and "staff_number" in self.where:
            self._problem(row, "staff_number", message)
        elif name == NON_FIELD_ERRORS:
            self._problem(row, None, message)
        else:
            label = self.meta.get_field(name).verbose_name
            self._problem(
                row, None, _("“%(field)s”: %(message)s") % {"field": label, "message": message}
            )

    def _problem(self, row: _Row, key: str | None, message: str) -> None:
        if key is not None and key in self.where:
            index, column = self.where[key]
            row.problems.append(problem(message, row.number, column.header, reader.letter(index)))
        else:
            row.problems.append(problem(message, row.number))

    def _shown(self, row: _Row, instance: models.Model) -> list[str]:
        """The row's cells as they will be written: matched names, choice labels, dates in
        the reader's format, and what the regulation rules compute from them."""
        cells = []
        for _index, column in sorted(self.where.values(), key=lambda pair: pair[0]):
            if column.kind is Kind.STAFF_NUMBER:
                cells.append(row.fields["staff"].staff_number)
            elif column.kind is Kind.PARTIES:
                cells.append(litigants.describe_parties(row.fields.get(column.key, [])))
            elif column.kind is Kind.AGENTS:
                cells.append(litigants.describe_agents(row.fields.get(column.key, [])))
            elif column.field.many_to_many:
                cells.append(_show(row.fields.get(column.key, [])))
            elif column.kind is Kind.CHOICE:
                cells.append(str(dict(column.field.flatchoices).get(getattr(instance, column.key))))
            else:
                cells.append(_show(getattr(instance, column.key)))
        if isinstance(instance, LedgerRecord) and computed_names(self.target.model):
            cells.append(
                "；".join(
                    f"{item.label}：{_show(item.value)}"
                    for item in computed_fields(instance)
                    if not isinstance(item.value, list) and item.value not in (None, "")
                )
            )
        return cells


def _by_column(problem: dict) -> tuple[int, int, str]:
    """A row's problems from column A rightwards, the row's own last."""
    letter = problem["column"]
    return (0, len(letter), letter) if letter else (1, 0, "")


def _signature(values: tuple, header: reader.Header) -> bytes:
    """What makes two rows the same: their cells in the template's columns, as folded."""
    parts = []
    for index in sorted(header.columns):
        value = reader.cell(values, index)
        parts.append(normalize.fold(value) if isinstance(value, str) else repr(value))
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).digest()


def _show(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return "、".join(_show(item) for item in value)
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    return str(getattr(value, "name", value))
