"""Cells as real sheets hold them: full-width digits and letters, stray and full-width spaces,
numbers where text was meant, dates written five ways or stored as Excel serials, 是/否 and
√/× for yes and no. Each function turns one cell into a clean Python value or raises
:class:`CellError` with a message in plain Chinese (the active language)."""

from __future__ import annotations

import datetime
import re
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from integrity.web.dates import parse_chinese_date

# Full-width digits and Latin letters (U+FF10–FF19, U+FF21–FF3A, U+FF41–FF5A) and the
# ideographic and non-breaking spaces. Chinese punctuation in free text stays as written.
_HALF_WIDTH = str.maketrans(
    {
        **{code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)},
        **{code: code - 0xFEE0 for code in range(0xFF21, 0xFF3B)},
        **{code: code - 0xFEE0 for code in range(0xFF41, 0xFF5B)},
        0x3000: " ",
        0x00A0: " ",
    }
)
_WHITESPACE = re.compile(r"\s+")
# Spaces between two Chinese characters: names padded to line up (张　三 under 欧阳娜娜).
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
# Larger integers lose digits as floating-point numbers: Excel keeps 15 significant digits,
# so a licence number typed into a number cell comes back rounded.
_EXACT_FLOAT_LIMIT = 2**53
# Excel serial day numbers of 1949-01-01 and 2100-12-31: anything else is not a plausible date.
_SERIAL_RANGE = (17899, 73415)
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL = re.compile(r"^\d{5}(\.\d+)?$")
_BRACKETED_TAIL = re.compile(r"\([^()]*\)$")

_TRUE = {"是", "√", "✓", "✔", "对", "有", "y", "yes", "true", "1"}
_FALSE = {"否", "×", "✗", "✘", "不是", "无", "n", "no", "false", "0"}


class CellError(ValueError):
    """A cell that cannot be read; the message says why, in the active language."""


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.translate(_HALF_WIDTH).strip())


def text(value: Any) -> str:
    """A text cell: full-width digits, letters and spaces made half-width, the ends stripped,
    no spaces between Chinese characters. A number where text was meant (a staff number typed
    into a number cell) is written back without a decimal point; one Excel has already rounded
    is refused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, float):
        if abs(value) >= _EXACT_FLOAT_LIMIT:
            raise CellError(
                _(
                    "Excel has rounded the long number %(value)s; format the column as text and "
                    "type it again."
                )
                % {"value": f"{value:.0f}"}
            )
        if value.is_integer():
            value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return _CJK_GAP.sub("", str(value).translate(_HALF_WIDTH)).strip()


def fold(value: Any) -> str:
    """The form in which written names, labels and headers are compared: NFKC (full-width
    forms and brackets half-width), no whitespace, no required-marks (*), case-folded."""
    folded = unicodedata.normalize("NFKC", text(value))
    return _WHITESPACE.sub("", folded).replace("*", "").casefold()


def fold_variants(value: Any) -> list[str]:
    """``fold(value)``, and that without a bracketed note at its end ("过问日期（年月日）")."""
    folded = fold(value)
    bare = _BRACKETED_TAIL.sub("", folded)
    return [folded, bare] if bare and bare != folded else [folded]


def date(value: Any) -> datetime.date:
    """A date written as 2020年3月5日, 2020-3-5, 2020/3/5, 2020.3.5 or 20200305, an Excel
    serial day number, or a real date cell."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        written = text(value)
    except CellError:
        raise CellError(_unreadable_date(value)) from None
    if _SERIAL.match(written) and _SERIAL_RANGE[0] <= float(written) <= _SERIAL_RANGE[1]:
        return from_excel(float(written)).date()
    compact = _COMPACT_DATE.match(written)
    try:
        if compact:
            return datetime.date(*(int(part) for part in compact.groups()))
        return parse_chinese_date(written)
    except (ValueError, ValidationError):
        raise CellError(_unreadable_date(value)) from None


def _unreadable_date(value: Any) -> str:
    return _(
        "Unrecognised date “%(value)s” (write it as 2020年3月5日, 2020-3-5, 2020/3/5 or 2020.3.5)."
    ) % {"value": value}


def boolean(value: Any) -> bool:
    """是/否, √/×, yes/no, true/false or 1/0."""
    if isinstance(value, bool):
        return value
    folded = fold(value)
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise CellError(_("“%(value)s” is not a yes or no (write 是 or 否).") % {"value": text(value)})


def split_names(value: Any) -> list[str]:
    """Several names in one cell, separated by 、 , ， ; ； / or line breaks."""
    return [part for part in re.split(r"[、,，;；/\n]+", text(value)) if part.strip()]
