"""The downloadable template of each import target: the first sheet has the columns' headers
(the fields' names in the reader's language, required ones in red, a note on each), text
columns formatted as text so that Excel keeps staff numbers' leading zeros and licence numbers'
seventeen digits, date columns as dates, drop-down lists of the allowed values; the second
sheet (填写说明) explains every column: required or not, what to write, the date forms
accepted. A filled-in template imports without a problem."""

from __future__ import annotations

import io
import re
from typing import Any

import xlsxwriter
from django.http import FileResponse, Http404
from django.utils import translation
from django.utils.translation import gettext as _
from xlsxwriter.utility import xl_col_to_name

from .columns import Column, Kind, Target, available_target

_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
# Data validation and cell formats cover this many rows below the header.
_ROWS = 5000


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Columns formatted as text, so that Excel keeps leading zeros and seventeen-digit licence
# numbers as written.
_TEXT_KINDS = (
    Kind.TEXT,
    Kind.CASE_NUMBER,
    Kind.STAFF_NUMBER,
    Kind.STAFF_REF,
    Kind.PARTIES,
    Kind.AGENTS,
)


def template_download(actor: Any, key: str) -> FileResponse:
    """The template of ``key`` as a download, if ``actor`` may import it (else a 404)."""
    target = available_target(actor, key)
    if target is None:
        raise Http404
    return FileResponse(
        io.BytesIO(template_workbook(target)),
        as_attachment=True,
        filename=_("%(title)s import template") % {"title": target.title} + ".xlsx",
        content_type=XLSX,
    )


def template_workbook(target: Target) -> bytes:
    """The template of ``target`` as .xlsx bytes, in the active language."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet(_sheet_name(str(target.title)))
    guide = workbook.add_worksheet(_sheet_name(_("Instructions")))
    lists = workbook.add_worksheet(_sheet_name(_("Allowed values")))
    lists.hide()
    header = workbook.add_format({"bold": True, "bg_color": "#EEF0F3", "border": 1})
    required = workbook.add_format(
        {"bold": True, "bg_color": "#EEF0F3", "border": 1, "font_color": "#B22222"}
    )
    as_text = workbook.add_format({"num_format": "@"})
    as_date = workbook.add_format({"num_format": _date_format()})
    for index, column in enumerate(target.columns):
        sheet.write(0, index, column.header, required if column.required else header)
        sheet.write_comment(0, index, describe(column), {"x_scale": 2, "y_scale": 1.5})
        cell_format = as_date if column.kind is Kind.DATE else None
        if column.kind in _TEXT_KINDS:
            cell_format = as_text
        sheet.set_column(index, index, max(12, 2 * len(column.header) + 2), cell_format)
        values = allowed_values(column)
        if values:
            letter = xl_col_to_name(index)
            lists.write_column(0, index, values)
            source = f"='{lists.name}'!${letter}$1:${letter}${len(values)}"
            sheet.data_validation(
                1,
                index,
                _ROWS,
                index,
                {"validate": "list", "source": source, "error_type": "warning"},
            )
    sheet.freeze_panes(1, 0)
    _write_guide(guide, target, header, workbook.add_format({"text_wrap": True, "valign": "top"}))
    workbook.close()
    return buffer.getvalue()


def _sheet_name(title: str) -> str:
    return _SHEET_NAME.sub("", title)[:31]


def _date_format() -> str:
    if (translation.get_language() or "").startswith("zh"):
        return 'yyyy"年"m"月"d"日"'
    return "yyyy-mm-dd"


def allowed_values(column: Column) -> list[str]:
    """The values a drop-down offers: the choices' labels, or 是 and 否."""
    if column.kind is Kind.BOOL:
        return [_("Yes"), _("No")]
    if column.kind is Kind.CHOICE:
        return [str(label) for value, label in column.field.flatchoices if value != ""]
    return []


def describe(column: Column) -> str:
    """What to write in ``column``, for the note on its header and the instructions sheet."""
    parts = [_KIND_TEXT[column.kind]()]
    if column.kind is Kind.CHOICE:
        parts = [_("One of: %(values)s.") % {"values": "、".join(allowed_values(column))}]
        default = column.field.get_default()
        if default not in (None, ""):
            label = dict(column.field.flatchoices).get(default, default)
            parts.append(_("Empty means “%(value)s”.") % {"value": label})
    max_length = getattr(column.field, "max_length", None)
    if column.kind is Kind.TEXT and max_length:
        parts.append(_("At most %(count)d characters.") % {"count": max_length})
    if column.field.help_text and column.kind not in (Kind.STAFF_NUMBER, Kind.STAFF_NAME):
        parts.append(str(column.field.help_text))
    return " ".join(part for part in parts if part)


_KIND_TEXT = {
    Kind.TEXT: lambda: "",
    Kind.CASE_NUMBER: lambda: _(
        "A case number such as (2024)辽01民初123号; full-width brackets and digits are fine."
    ),
    Kind.DATE: lambda: _(
        "A date, written as 2020年3月5日, 2020-3-5, 2020/3/5 or 2020.3.5, or an Excel date."
    ),
    Kind.CHOICE: lambda: "",
    Kind.BOOL: lambda: _("是 or 否 (√ and × are read too). Empty means 否."),
    Kind.COURT: lambda: _(
        "The court: its full name, a usual short form (和平区法院, 沈阳中院) or its code "
        "(辽0102). Only courts within your jurisdiction."
    ),
    Kind.DEPARTMENT: lambda: _("A department of the row's court, e.g. 民事审判第一庭 or 民一庭."),
    Kind.STAFF_NUMBER: lambda: _(
        "The staff member's staff number in the row's court. Give it, the name, or both."
    ),
    Kind.STAFF_NAME: lambda: _(
        "The staff member's name. If two people of the court share it, give the staff number."
    ),
    Kind.STAFF_REF: lambda: _("A staff member of the row's court, by name or staff number."),
    Kind.STAFF_REFS: lambda: _(
        "Staff members of the row's court, by name or staff number, separated by 、."
    ),
    Kind.AREA_COURT: lambda: _("A court of the province of the row's court, by name or code."),
    Kind.AREA_COURTS: lambda: _(
        "Courts of the province of the row's court, by name or code, separated by 、."
    ),
    # The columns' own notes (help_text) say how to write them.
    Kind.PARTIES: lambda: "",
    Kind.AGENTS: lambda: "",
}


def _write_guide(sheet: object, target: Target, header: object, wrap: object) -> None:
    notes = (
        _("How to fill in the template for %(title)s") % {"title": target.title},
        _(
            "Enter one record per row below the header of the first sheet. A title above the "
            "header, blank rows and columns of your own (such as 序号) are skipped."
        ),
        _(
            "Required columns have red headers. A row repeating another row exactly is "
            "imported once."
        ),
        _(
            "Nothing is written until the check finds no problem at all and you confirm the "
            "import; then every row is written, or none."
        ),
    )
    for row, note in enumerate(notes):
        sheet.write(row, 0, note)
    first = len(notes) + 1
    titles = (_("Column"), _("Letter"), _("Required"), _("What to write"))
    for index, title in enumerate(titles):
        sheet.write(first, index, title, header)
    for offset, column in enumerate(target.columns, start=1):
        sheet.write_row(
            first + offset,
            0,
            (
                column.header,
                xl_col_to_name(offset - 1),
                _("Yes") if column.required else _("No"),
                describe(column),
            ),
            wrap,
        )
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 2, 8)
    sheet.set_column(3, 3, 90)
