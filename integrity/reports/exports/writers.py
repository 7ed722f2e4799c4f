"""The two file formats of an export, both written row by row in constant memory.

- CSV: UTF-8 with a byte-order mark, so that Excel opens Chinese text correctly; dates written
  as the starter's language writes them (2024年3月5日), flags as 是/否.
- .xlsx: XlsxWriter in ``constant_memory`` mode (each row goes to disk as soon as the next one
  starts); a frozen header row, column widths from the columns' kinds, dates as real Excel
  dates shown as 2024年3月5日.

Both neutralise formula injection (OWASP "CSV injection"): a text cell that begins with
= + - @, a tab or a carriage return (or their full-width forms, which Excel also reads as
formula signs) is written with a leading apostrophe, and .xlsx cells are always written as
strings, never as formulas. A case number "-" or a name "=HYPERLINK(…)" is shown as text.
"""

from __future__ import annotations

import csv
import datetime
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import xlsxwriter
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

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

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


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
    extension = "xlsx"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    # Excel's limit is 1,048,576 rows a sheet: one header row and the rest data.
    rows_per_sheet = 1_048_575

    def __init__(self, path: Path, columns: Sequence[Column], title: str) -> None:
        super().__init__(path, columns, title)
        self.book = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "tmpdir": str(path.parent),
                # Every string stays a string: no formula, number or link is read into one.
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        self.header_format = self.book.add_format(
            {
                "bold": True,
                "text_wrap": True,
                "valign": "vcenter",
                "border": 1,
                "bg_color": "#E8EEF4",
            }
        )
        self.date_cell = self.book.add_format(
            # Translators: an Excel number format for dates; Chinese: yyyy"年"m"月"d"日"
            {"num_format": pgettext("Excel date format", "yyyy-mm-dd")}
        )
        self.numbers = [i for i, column in enumerate(columns) if column.kind == NUMBER]
        self.sheets = 0
        self.sheet: Any = None
        self.row_in_sheet = 0
        self._new_sheet()

    def _new_sheet(self) -> None:
        self.sheets += 1
        name = self.title if self.sheets == 1 else f"{self.title} ({self.sheets})"
        # Excel forbids []:*?/\ in sheet names and allows 31 characters.
        name = "".join(" " if char in "[]:*?/\\" else char for char in name)[:31]
        self.sheet = self.book.add_worksheet(name)
        self.sheet.freeze_panes(1, 0)
        for index, column in enumerate(self.columns):
            self.sheet.set_column(index, index, column.width)
        self.sheet.set_row(0, 30)
        for index, column in enumerate(self.columns):
            self.sheet.write_string(0, index, neutralise(column.header), self.header_format)
        self.row_in_sheet = 0

    def write(self, number: int, cells: list[Cell]) -> None:
        if self.row_in_sheet == self.rows_per_sheet:
            self._new_sheet()
        self.row_in_sheet += 1
        row, sheet = self.row_in_sheet, self.sheet
        sheet.write_number(row, 0, number)
        # Empty cells are not written at all; text is always a string, never a formula.
        for i in self.texts:
            value = cells[i]
            if value:
                sheet.write_string(row, i + 1, "'" + value if value[0] in FORMULA_SIGNS else value)
        # A date is its Excel serial number shown in the date format: what write_datetime
        # stores, without its conversion per cell.
        date_cell, epoch = self.date_cell, _EXCEL_EPOCH
        for i in self.dates:
            value = cells[i]
            if value is not None:
                sheet.write_number(row, i + 1, (value - epoch).days, date_cell)
        for i in self.flags:
            value = cells[i]
            if value is not None:
                sheet.write_string(row, i + 1, self.yes if value else self.no)
        for i in self.numbers:
            value = cells[i]
            if value is not None:
                sheet.write_number(row, i + 1, value)

    def close(self) -> None:
        self.book.close()


WRITERS: dict[str, type[Writer]] = {"csv": CsvWriter, "xlsx": XlsxWriter}
