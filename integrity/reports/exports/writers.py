"""The two file formats of an export, both written row by row in constant memory.

- CSV: UTF-8 with a byte-order mark, so that Excel opens Chinese text correctly; dates written
  as the starter's language writes them (2024年3月5日), flags as 是/否.
- .xlsx: the package made by XlsxWriter, the rows written as the sheet's XML to disk as they
  come (XlsxWriter's ``constant_memory`` cells at a tenth of their cost); a frozen header row,
  column widths from the columns' kinds, dates as real Excel dates shown as 2024年3月5日.

Both neutralise formula injection (OWASP "CSV injection"): a text cell that begins with
= + - @, a tab or a carriage return (or their full-width forms, which Excel also reads as
formula signs) is written with a leading apostrophe, and .xlsx cells are always written as
strings, never as formulas. A case number "-" or a name "=HYPERLINK(…)" is shown as text.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import shutil
import tempfile
import zipfile
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import xlsxwriter
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from ledgers.reminders import DayLabels

from .sources import BOOL, DATE, NUMBER, TEXT, Cell, Column

# Day 0 of Excel's dates (its 1900 date system, leap-year bug included: serials from 1 March
# 1900 on, all an office files, count from here).
_EXCEL_EPOCH = datetime.date(1899, 12, 30)

FORMULA_SIGNS = frozenset("=+-@\t\r＝＋－＠")


def neutralise(text: str) -> str:
    """``text`` as a spreadsheet shows it, never as a formula it runs."""
    return "'" + text if text and text[0] in FORMULA_SIGNS else text


class Writer(ABC):
    """One export file. ``write`` takes the rows' cells in the columns' order; the first
    column, 序号 (msgid "number"), is the row's number in the file."""

    extension: str
    content_type: str

    def __init__(self, path: Path, columns: Sequence[Column], title: str) -> None:
        self.path = path
        self.columns = [Column(_("number"), NUMBER, 8), *columns]
        self.title = title
        self.yes, self.no = _("Yes"), _("No")
        # Where each kind of cell is (the serial number aside), to format a row in place.
        self.texts, self.dates, self.flags = (
            [i for i, column in enumerate(columns) if column.kind == kind]
            for kind in (TEXT, DATE, BOOL)
        )

    @abstractmethod
    def write(self, number: int, cells: list[Cell]) -> None: ...

    @abstractmethod
    def close(self) -> None: ...

    def discard(self) -> None:
        """Stop writing a file that is given up (its export failed)."""
        self.close()

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, exc_type: Any, *exc: Any) -> None:
        if exc_type is None:
            self.close()
        else:
            self.discard()


class CsvWriter(Writer):
    extension = "csv"
    content_type = "text/csv; charset=utf-8"

    def __init__(self, path: Path, columns: Sequence[Column], title: str) -> None:
        super().__init__(path, columns, title)
        self.file = path.open("w", encoding="utf-8-sig", newline="")
        # Lines end in CRLF (RFC 4180), so that a carriage return inside a cell is quoted too.
        self.csv = csv.writer(self.file)
        # Each distinct date is formatted once: a ledger has a few thousand of them.
        self.date_texts = DayLabels()
        self.csv.writerow([neutralise(column.header) for column in self.columns])

    def write(self, number: int, cells: list[Cell]) -> None:
        # Inline loops over the cells of each kind: a function call per cell would cost more
        # than writing the row.
        for i in self.texts:
            value = cells[i]
            if value and value[0] in FORMULA_SIGNS:
                cells[i] = "'" + value
        for i in self.dates:
            value = cells[i]
            if value is not None:
                cells[i] = self.date_texts[value]
        for i in self.flags:
            value = cells[i]
            if value is not None:
                cells[i] = self.yes if value else self.no
        self.csv.writerow([number, *cells])

    def close(self) -> None:
        self.file.close()


class XlsxWriter(Writer):
    """An .xlsx file: XlsxWriter makes the package (the workbook, the styles, each sheet's
    header row, frozen pane and column widths), and the data rows are written here as the
    sheet's XML, one ``<row>`` per record, into a file per sheet beside the export, which
    :meth:`close` streams into the sheet. The cells are the ones XlsxWriter's ``constant_memory``
    mode writes (inline strings, numbers, dates as serial numbers in the date style), escaped
    by its rules (``&<>``; control characters as ``_xHHHH_``; ``xml:space="preserve"`` for
    leading or trailing space; strings cut at Excel's 32,767 characters), at a tenth of its
    cost per cell: XlsxWriter's ``write_*`` calls cost about 8 µs a cell, and a 200,000-row
    ledger has seven million (issue 6: "200,000 rows to .xlsx in under 30 s")."""

    extension = "xlsx"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    # Excel's limit is 1,048,576 rows a sheet: one header row and the rest data.
    rows_per_sheet = 1_048_575
    # zlib's default level, as XlsxWriter's: on a 200,000-row ledger its fastest level saved
    # 1.6 s of 9.8 and made the file a quarter larger (44 MB instead of 36).
    compress_level = 6

    def __init__(self, path: Path, columns: Sequence[Column], title: str) -> None:
        super().__init__(path, columns, title)
        self.yes_xml, self.no_xml = (_inline(flag) for flag in (self.yes, self.no))
        _package, self.date_style = self._package(sheets=1)
        self.layout = [
            (index, column.kind, xl_col_to_name(index + 1)) for index, column in enumerate(columns)
        ]
        self.parts: list[Path] = []
        self.out: Any = None
        self.rows_in_sheets: list[int] = []
        self._new_sheet()

    def _new_sheet(self) -> None:
        if self.out is not None:
            self.out.close()
        handle, name = tempfile.mkstemp(
            dir=self.path.parent, prefix=self.path.name + ".", suffix=".rows"
        )
        self.parts.append(Path(name))
        self.out = open(handle, "w", encoding="utf-8", buffering=1 << 20)  # noqa: SIM115
        self.rows_in_sheets.append(0)

    def write(self, number: int, cells: list[Cell]) -> None:
        if self.rows_in_sheets[-1] == self.rows_per_sheet:
            self._new_sheet()
        self.rows_in_sheets[-1] += 1
        row = str(self.rows_in_sheets[-1] + 1)  # the header is row 1
        xml = [f'<row r="{row}"><c r="A{row}"><v>{number}</v></c>']
        add = xml.append
        # One pass over the columns in their order (Excel wants a row's cells in order); empty
        # cells are not written at all.
        for i, kind, letters in self.layout:
            value = cells[i]
            if value is None:
                continue
            if kind == TEXT:
                if not value:
                    continue
                if value[0] in FORMULA_SIGNS:
                    value = "'" + value
                if _SPECIAL.search(value) or len(value) > _SHORT:
                    add(f'<c r="{letters}{row}" t="inlineStr"><is>{_inline(value)}</is></c>')
                else:
                    add(f'<c r="{letters}{row}" t="inlineStr"><is><t>{value}</t></is></c>')
            elif kind == DATE:
                serial = (value - _EXCEL_EPOCH).days
                add(f'<c r="{letters}{row}" s="{self.date_style}"><v>{serial}</v></c>')
            elif kind == BOOL:
                flag = self.yes_xml if value else self.no_xml
                add(f'<c r="{letters}{row}" t="inlineStr"><is>{flag}</is></c>')
            else:
                add(f'<c r="{letters}{row}"><v>{value:.16G}</v></c>')
        add("</row>")
        self.out.write("".join(xml))

    def close(self) -> None:
        """Put the package together: XlsxWriter's parts as it made them, each sheet's rows
        streamed into its ``<sheetData>`` (memory stays flat whatever the size)."""
        try:
            self.out.close()
            package, date_style = self._package(sheets=len(self.parts))
            if date_style != self.date_style:
                raise RuntimeError("XlsxWriter numbered the date style differently.")
            with zipfile.ZipFile(
                self.path,
                "w",
                compression=zipfile.ZIP_DEFLATED,
                compresslevel=self.compress_level,
                allowZip64=True,
            ) as book:
                for name, data in package.items():
                    sheet = _SHEET_PART.fullmatch(name)
                    if sheet is None:
                        book.writestr(name, data)
                        continue
                    number = int(sheet.group(1)) - 1
                    self._write_sheet(book, name, data.decode(), number)
        finally:
            self.discard()

    def _write_sheet(self, book: zipfile.ZipFile, name: str, xml: str, number: int) -> None:
        probe = _PROBE_ROW.search(xml)
        if probe is None:
            raise RuntimeError("XlsxWriter wrote the sheet without its probe row.")
        last = xl_rowcol_to_cell(self.rows_in_sheets[number], len(self.columns) - 1)
        head = _DIMENSION.sub(f'<dimension ref="A1:{last}"/>', xml[: probe.start()], count=1)
        with book.open(name, "w", force_zip64=True) as sheet:
            sheet.write(head.encode())
            with self.parts[number].open("rb") as rows:
                shutil.copyfileobj(rows, sheet, 1 << 20)
            sheet.write(xml[probe.end() :].encode())

    def discard(self) -> None:
        if self.out is not None:
            self.out.close()
        for part in self.parts:
            part.unlink(missing_ok=True)

    def _package(self, *, sheets: int) -> tuple[dict[str, bytes], str]:
        """XlsxWriter's package with ``sheets`` sheets: each with the header row and a probe
        row holding a date, whose style number the rows use; the parts by name."""
        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
        header_format = book.add_format(
            {
                "bold": True,
                "text_wrap": True,
                "valign": "vcenter",
                "border": 1,
                "bg_color": "#E8EEF4",
            }
        )
        date_cell = book.add_format(
            # Translators: an Excel number format for dates; Chinese: yyyy"年"m"月"d"日"
            {"num_format": pgettext("Excel date format", "yyyy-mm-dd")}
        )
        for number in range(1, sheets + 1):
            name = self.title if number == 1 else f"{self.title} ({number})"
            # Excel forbids []:*?/\ in sheet names and allows 31 characters.
            name = "".join(" " if char in "[]:*?/\\" else char for char in name)[:31]
            sheet = book.add_worksheet(name)
            sheet.freeze_panes(1, 0)
            for index, column in enumerate(self.columns):
                sheet.set_column(index, index, column.width)
            sheet.set_row(0, 30)
            for index, column in enumerate(self.columns):
                sheet.write_string(0, index, neutralise(column.header), header_format)
            sheet.write_number(1, 0, 0, date_cell)
        book.close()
        with zipfile.ZipFile(buffer) as made:
            parts = {info.filename: made.read(info) for info in made.infolist()}
        probe = _PROBE_ROW.search(parts["xl/worksheets/sheet1.xml"].decode())
        style = _STYLE.search(probe.group()) if probe else None
        if style is None:
            raise RuntimeError("XlsxWriter wrote no date style.")
        return parts, style.group(1)


# What the rows' XML needs to know of XlsxWriter's parts: the sheets, their probe row (row 2),
# the date style it holds, and the sheet's dimension (rewritten to the rows written).
_SHEET_PART = re.compile(r"xl/worksheets/sheet(\d+)\.xml")
_PROBE_ROW = re.compile(r'<row r="2"[^>]*>.*?</row>', re.DOTALL)
_STYLE = re.compile(r' s="(\d+)"')
_DIMENSION = re.compile(r'<dimension ref="[^"]*"/>')

# A text needs more than writing between <t> tags when it holds an XML sign, a control
# character (or one of the two non-characters), an Excel escape of its own (_x0041_), or
# leading or trailing space; or when it may be longer than a cell holds.
_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$")
_SHORT = 16_383  # characters: at most 32,767 UTF-16 units, Excel's limit for a cell
_CELL_LIMIT = 32_767
_ESCAPE = re.compile(r"(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_LEADING, _TRAILING = re.compile(r"^\s"), re.compile(r"\s$")


def _inline(text: str) -> str:
    """A text's ``<t>`` element as XlsxWriter writes it in an inline string."""
    if len(text) > _SHORT and len(text.encode("utf-16-le")) > _CELL_LIMIT * 2:
        cut = text.encode("utf-16-le")[: _CELL_LIMIT * 2].decode("utf-16-le", errors="ignore")
        text = cut
    text = _ESCAPE.sub(r"_x005F\1", text)
    text = _CONTROL.sub(lambda match: f"_x{ord(match.group(1)):04X}_", text)
    text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    preserve = _LEADING.search(text) or _TRAILING.search(text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<t xml:space="preserve">{text}</t>' if preserve else f"<t>{text}</t>"


WRITERS: dict[str, type[Writer]] = {"csv": CsvWriter, "xlsx": XlsxWriter}
