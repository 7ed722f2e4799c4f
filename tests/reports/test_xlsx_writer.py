""".xlsx files written by our writer (the rows written as the sheet's XML, XlsxWriter making the
package) hold exactly what XlsxWriter's own cell calls write: the same values, types, number
formats, sheets, header, frozen pane and column widths, for every kind of awkward cell."""

from __future__ import annotations

import datetime
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from django.utils import translation

from integrity.reports.exports import writers
from integrity.reports.exports.sources import BOOL, DATE, NUMBER, TEXT, Column
from integrity.reports.exports.writers import FORMULA_SIGNS, XlsxWriter, neutralise

COLUMNS = [
    Column("编号", NUMBER, 10),
    Column("姓名", TEXT, 14),
    Column("日期", DATE, 16),
    Column("是否", BOOL, 8),
    Column("=备注", TEXT, 40),
]

AWKWARD = [
    "张三",
    "",
    "=1+1",
    "＋86",
    "-",
    "@SUM(A1)",
    "\tx",
    "\rx",
    "a & b <c> d",
    "ctrl\x01\x02\x1f",
    "_x0041_ and _x00e9_",
    " leading",
    "trailing ",
    "line\nbreak",
    "ends with a newline\n",
    "non-character \ufffe\uffff",
    '"quoted", comma',
    "emoji 🙂 and 𠀀",
    "长" * 40_000,
    "🙂" * 20_000,
    "x" * 32_767,
    "a" + "🙂" * 16_383,
]


def rows() -> list[list]:
    """One row per awkward text, with every kind of cell, empties and flags of both values."""
    made = []
    for index, text in enumerate(AWKWARD):
        made.append(
            [
                index * 1_000_003 if index % 5 else None,
                text,
                datetime.date(2024, 3, 5) + datetime.timedelta(days=index) if index % 4 else None,
                (index % 3 == 0) if index % 7 else None,
                AWKWARD[-1 - index],
            ]
        )
    return made


class ReferenceWriter:
    """What XlsxWriter's own cell calls write in ``constant_memory`` mode: the export's writer
    before it wrote the rows' XML itself."""

    rows_per_sheet = XlsxWriter.rows_per_sheet

    def __init__(self, path: Path, columns: list[Column], title: str) -> None:
        self.columns = [Column("序号", NUMBER, 8), *columns]
        self.title = title
        self.book = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        self.header = self.book.add_format(
            {"bold": True, "text_wrap": True, "valign": "vcenter", "border": 1}
        )
        self.date_cell = self.book.add_format({"num_format": 'yyyy"年"m"月"d"日"'})
        self.sheets = 0
        self.row = 0
        self.new_sheet()

    def new_sheet(self) -> None:
        self.sheets += 1
        name = self.title if self.sheets == 1 else f"{self.title} ({self.sheets})"
        self.sheet = self.book.add_worksheet(name[:31])
        self.sheet.freeze_panes(1, 0)
        for index, column in enumerate(self.columns):
            self.sheet.set_column(index, index, column.width)
            self.sheet.write_string(0, index, neutralise(column.header), self.header)
        self.row = 0

    def write(self, number: int, cells: list) -> None:
        if self.row == self.rows_per_sheet:
            self.new_sheet()
        self.row += 1
        self.sheet.write_number(self.row, 0, number)
        for index, (column, value) in enumerate(zip(self.columns[1:], cells, strict=True)):
            if value is None or value == "":
                continue
            if column.kind == TEXT:
                text = "'" + value if value[0] in FORMULA_SIGNS else value
                self.sheet.write_string(self.row, index + 1, text)
            elif column.kind == DATE:
                serial = (value - datetime.date(1899, 12, 30)).days
                self.sheet.write_number(self.row, index + 1, serial, self.date_cell)
            elif column.kind == BOOL:
                self.sheet.write_string(self.row, index + 1, "是" if value else "否")
            else:
                self.sheet.write_number(self.row, index + 1, value)

    def close(self) -> None:
        self.book.close()


def write(writer_class, path: Path, data: list[list]) -> Path:
    with translation.override("zh-hans"):
        out = writer_class(path, COLUMNS, "干预过问记录台账")
        for number, cells in enumerate(data, start=1):
            out.write(number, list(cells))
        out.close()
    return path


def cells_of(path: Path) -> list[list[tuple]]:
    """Each sheet's cells as (value, type, number format) by row, with the sheet's name, frozen
    pane and column widths."""
    book = openpyxl.load_workbook(path)
    sheets = []
    for sheet in book.worksheets:
        widths = [sheet.column_dimensions[letter].width for letter in "ABCDEF"]
        found = [(sheet.title, sheet.freeze_panes, widths, sheet.max_row, sheet.max_column)]
        for row in sheet.iter_rows():
            found.append(
                [
                    (cell.value, cell.data_type, cell.number_format if cell.value else None)
                    for cell in row
                ]
            )
        sheets.append(found)
    return sheets


def test_the_rows_are_what_xlsxwriter_writes(tmp_path):
    data = rows()
    ours = cells_of(write(XlsxWriter, tmp_path / "ours.xlsx", data))
    reference = cells_of(write(ReferenceWriter, tmp_path / "reference.xlsx", data))
    assert ours == reference
    sheet = ours[0]
    assert sheet[0][:2] == ("干预过问记录台账", "A2")
    assert [value for value, _type, _fmt in sheet[1]] == [
        "序号",
        "编号",
        "姓名",
        "日期",
        "是否",
        "'=备注",
    ]
    # A few cells spelled out, so that the comparison cannot pass on two empty files.
    by_text = {row[2][0]: row for row in sheet[2:] if row[2][0] is not None}
    assert by_text["'=1+1"][2][1] == "s"
    assert by_text["a & b <c> d"][2][0] == "a & b <c> d"
    assert by_text[" leading"][2][0] == " leading"
    assert len(by_text["长" * 32_767][2][0]) == 32_767
    dated = next(row for row in sheet[2:] if row[3][0] is not None)
    assert dated[3][0].date() == datetime.date(2024, 3, 6)
    assert dated[3][2] == 'yyyy"年"m"月"d"日"'
    assert [row[4][0] for row in sheet[2:6]] == [None, "否", "否", "是"]


def test_a_text_like_xml_stays_text(tmp_path):
    """XlsxWriter writes a text that begins with <r> and ends with </r> into the sheet as raw
    XML (its rich strings): a name or a note like that came out empty, or broke the file. Ours
    is the text."""
    texts = ["<r>rich?</r>", "<r><t>x</t></r>", "<r>", "</sheetData></r>"]
    data = [[1, text, None, None, text] for text in texts]
    sheet = cells_of(write(XlsxWriter, tmp_path / "ours.xlsx", data))[0]
    assert [row[2][0] for row in sheet[2:]] == texts
    assert [row[5][0] for row in sheet[2:]] == texts
    broken = cells_of(write(ReferenceWriter, tmp_path / "reference.xlsx", data[:1]))[0]
    assert broken[2][2][0] == ""


def test_a_ledger_longer_than_a_sheet_goes_on_in_more_sheets(tmp_path, monkeypatch):
    data = rows()
    monkeypatch.setattr(XlsxWriter, "rows_per_sheet", 10)
    monkeypatch.setattr(ReferenceWriter, "rows_per_sheet", 10)
    ours = cells_of(write(XlsxWriter, tmp_path / "ours.xlsx", data))
    assert ours == cells_of(write(ReferenceWriter, tmp_path / "reference.xlsx", data))
    assert [sheet[0][0] for sheet in ours] == [
        "干预过问记录台账",
        "干预过问记录台账 (2)",
        "干预过问记录台账 (3)",
    ]
    assert [sheet[0][3] for sheet in ours] == [11, 11, 3]
    assert [sheet[-1][0][0] for sheet in ours] == [10, 20, 22]


def test_the_sheets_dimension_is_the_rows_written(tmp_path):
    path = write(XlsxWriter, tmp_path / "ours.xlsx", rows())
    with zipfile.ZipFile(path) as book:
        assert book.testzip() is None
        xml = book.read("xl/worksheets/sheet1.xml").decode()
    assert '<dimension ref="A1:F23"/>' in xml
    assert '<row r="2">' in xml
    assert '<row r="24"' not in xml
    # Excel's escapes: a control character as _xHHHH_, a text that looks like one escaped.
    assert "<t>ctrl_x0001__x0002__x001F_</t>" in xml
    assert "<t>_x005F_x0041_ and _x005F_x00e9_</t>" in xml
    assert '<t xml:space="preserve"> leading</t>' in xml
    assert "<t>a &amp; b &lt;c&gt; d</t>" in xml


def test_an_empty_export_is_the_header_alone(tmp_path):
    sheet = cells_of(write(XlsxWriter, tmp_path / "ours.xlsx", []))[0]
    assert sheet[0][3] == 1
    assert len(sheet) == 2


def test_a_failed_export_leaves_no_files_behind(tmp_path):
    path = tmp_path / "ours.xlsx"

    def fail() -> None:
        with XlsxWriter(path, COLUMNS, "台账") as out:
            out.write(1, rows()[0])
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        fail()
    assert list(tmp_path.iterdir()) == []


def test_the_rows_wait_on_disk_not_in_memory(tmp_path):
    out = XlsxWriter(tmp_path / "ours.xlsx", COLUMNS, "台账")
    for number in range(1, 2001):
        out.write(number, rows()[number % len(AWKWARD)])
    out.out.flush()
    assert sum(part.stat().st_size for part in out.parts) > 2000 * 200
    out.close()
    assert [path.name for path in tmp_path.iterdir()] == ["ours.xlsx"]


def test_a_changed_style_numbering_is_refused(tmp_path, monkeypatch):
    out = XlsxWriter(tmp_path / "ours.xlsx", COLUMNS, "台账")
    out.write(1, rows()[1])
    out.date_style = "99"
    with pytest.raises(RuntimeError):
        out.close()
    assert not (tmp_path / "ours.xlsx").exists() or not zipfile.is_zipfile(tmp_path / "ours.xlsx")
    assert not list(tmp_path.glob("*.rows"))
    assert writers  # the module under test
