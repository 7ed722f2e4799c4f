"""Reading an uploaded workbook as offices fill them in: a title row or two above the header,
header cells merged across columns or rows (a group header over its sub-headers), cells of
one court merged down several rows, blank rows, extra columns of their own (序号), sheets in
any order. The header row is the one that names most of the target's columns; a merged
cell's value applies to its whole range. Sheets are read in openpyxl's read-only mode, so a
large file is streamed rather than held in memory."""

from __future__ import annotations

import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any
from xml.parsers import expat

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from .columns import Column, Target
from .normalize import fold_variants, is_blank, text

# The header is looked for in this many rows at the top of each sheet.
HEADER_SCAN_ROWS = 20
# A header names at least this many of the target's columns.
HEADER_MIN_COLUMNS = 2
# An .xlsx compresses text about five to ten times; a file that unpacks to far more than that
# is refused before it is read (a "zip bomb").
UNPACKED_RATIO = 30


def check_upload(upload: IO[bytes], size: int) -> None:
    """Refuse a file that is too large or not an Excel workbook, by its content (a zip
    archive holding xl/workbook.xml), whatever its name says."""
    limit_mb = settings.IMPORT_MAX_BYTES // (1024 * 1024)
    if size > settings.IMPORT_MAX_BYTES:
        raise ValidationError(
            {
                "file": _("The file is larger than %(limit)d MB; split it into smaller files.")
                % {"limit": limit_mb}
            }
        )
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        names, unpacked = set(), 0
    finally:
        upload.seek(0)
    if "xl/workbook.xml" not in names:
        raise ValidationError(
            {
                "file": _(
                    "This is not an Excel workbook (.xlsx). Save it in Excel as “Excel "
                    "Workbook (*.xlsx)” and upload it again."
                )
            }
        )
    if unpacked > settings.IMPORT_MAX_BYTES * UNPACKED_RATIO:
        raise ValidationError(
            {
                "file": _(
                    "The workbook unpacks to more than %(limit)d MB; split it into smaller files."
                )
                % {"limit": limit_mb * UNPACKED_RATIO}
            }
        )


def letter(index: int) -> str:
    """The column letter of a 0-based column index (0 → A)."""
    return get_column_letter(index + 1)


def cell(values: tuple, index: int) -> Any:
    return values[index] if index < len(values) else None


@dataclass
class Header:
    """Where a sheet's header is and which columns it names (0-based index → column)."""

    row: int
    columns: dict[int, Column] = field(default_factory=dict)
    ignored: list[tuple[str, str]] = field(default_factory=list)  # (letter, header) not known
    twice: list[tuple[Column, str, str]] = field(default_factory=list)  # (column, first, again)


class Sheet:
    """One worksheet with its merged ranges applied: every cell of a merged range reads as
    the range's top-left cell."""

    def __init__(self, worksheet: Any) -> None:
        self.worksheet = worksheet
        self.title = worksheet.title
        # openpyxl's read-only sheets report the size the file claims, which some programs
        # write wrongly; read every row there is instead.
        worksheet.reset_dimensions()
        # Per row: the columns whose value is a merged range's (and that range's top-left
        # cell), and the top-left cells whose values later rows take.
        self._fills: dict[int, list[tuple[int, tuple[int, int]]]] = defaultdict(list)
        self._anchors: dict[int, list[int]] = defaultdict(list)
        for merged in merged_ranges(worksheet):
            anchor = (merged.min_row, merged.min_col - 1)
            self._anchors[anchor[0]].append(anchor[1])
            for row, column in merged.cells:
                if (row, column - 1) != anchor:
                    self._fills[row].append((column - 1, anchor))

    def rows(self, start: int = 1) -> Iterator[tuple[int, tuple, bool]]:
        """(row number, values with merges applied, whether the row as written is blank)
        for every row from ``start``."""
        anchored: dict[tuple[int, int], Any] = {}
        rows = self.worksheet.iter_rows(min_row=1, min_col=1, values_only=True)
        for number, written in enumerate(rows, start=1):
            for column in self._anchors.get(number, ()):
                anchored[(number, column)] = cell(written, column)
            if number < start:
                continue
            blank = all(is_blank(value) for value in written)
            values = list(written)
            for column, anchor in self._fills.get(number, ()):
                values.extend([None] * (column + 1 - len(values)))
                values[column] = anchored.get(anchor)
            yield number, tuple(values), blank


def merged_ranges(worksheet: Any) -> list[CellRange]:
    """The merged ranges of a read-only sheet. openpyxl's read-only mode does not load them,
    and the sheet's XML lists them after its rows, so they are picked out of the XML in one
    streaming pass (expat: nothing of the sheet is kept in memory)."""
    ranges: list[CellRange] = []

    def start(name: str, attributes: dict[str, str]) -> None:
        if name.rpartition(":")[2] == "mergeCell" and attributes.get("ref"):
            ranges.append(CellRange(attributes["ref"]))

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    # The sheet's part in the archive: openpyxl 3.1 reads read-only sheets from it the same way.
    with worksheet._get_source() as source:
        parser.ParseFile(source)
    return ranges


def find_header(workbook: Any, target: Target) -> tuple[Sheet, Header] | None:
    """The sheet and row whose cells name most of the target's columns (at least
    HEADER_MIN_COLUMNS). Within a sheet a later row wins a tie, so that of a header merged
    down two rows the lower row is the header; across sheets the first wins."""
    names = {name: column for column in target.columns for name in column.headers()}
    best: tuple[Sheet, Header] | None = None
    for worksheet in workbook.worksheets:
        if worksheet.sheet_state != "visible":
            continue
        sheet = Sheet(worksheet)
        above: tuple = ()
        found: Header | None = None
        for number, values, _blank in sheet.rows():
            if number > HEADER_SCAN_ROWS:
                break
            header = _read_header(number, values, above, names)
            if found is None or len(header.columns) >= len(found.columns):
                found = header
            above = values
        score = len(found.columns) if found else 0
        if score >= HEADER_MIN_COLUMNS and (best is None or score > len(best[1].columns)):
            best = (sheet, found)
    return best


def _read_header(number: int, values: tuple, above: tuple, names: dict[str, Column]) -> Header:
    header = Header(number)
    where: dict[str, int] = {}
    for index, value in enumerate(values):
        if is_blank(value):
            continue
        # A sub-header under a group header may only make sense with it: 干警 + 工号.
        group = cell(above, index)
        column = _known(value, names) or (
            _known(text(group) + text(value), names) if not is_blank(group) else None
        )
        if column is None:
            header.ignored.append((letter(index), text(value)))
        elif column.key in where:
            header.twice.append((column, letter(where[column.key]), letter(index)))
        else:
            where[column.key] = index
            header.columns[index] = column
    return header


def _known(value: Any, names: dict[str, Column]) -> Column | None:
    return next((names[n] for n in fold_variants(value) if n in names), None)
