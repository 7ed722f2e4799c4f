"""Quarters as Chinese users write them: 2026Q3, 2026-3, 2026年第三季度, 2026年三季度 (full-width
digits too). The quarterly bulletin (季度通报) covers one quarter."""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ledgers.reminders import quarter_end

from .writing import written_number

CHINESE_DIGITS = "一二三四五六七八九十"

# A year, a separator (Q, a dash or slash, 年 with an optional 第), the quarter's number in
# digits or Chinese, and an optional 季度.
_QUARTER = re.compile(
    r"^(?P<year>\d{4})\s*(?:-\s*Q?|/|Q|年\s*第?)\s*(?P<number>\d{1,2}|[一二三四五六七八九十]+)"
    r"\s*(?:季度?)?$",
    re.IGNORECASE,
)

INVALID = gettext_lazy("Enter a quarter such as 2026年第三季度, 2026Q3 or 2026-3.")
NO_SUCH_QUARTER = gettext_lazy("A year has four quarters: enter 1, 2, 3 or 4.")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    def __str__(self) -> str:
        """The form used in addresses and audit events: 2026Q3."""
        return f"{self.year}Q{self.number}"

    @classmethod
    def containing(cls, day: datetime.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def last_finished(cls, today: datetime.date) -> Quarter:
        """The quarter a bulletin is usually written for: the one before today's."""
        return cls.containing(today).previous()

    def previous(self) -> Quarter:
        if self.number == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.number - 1)

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> datetime.date:
        return quarter_end(self.year, self.number)

    def label(self) -> str:
        """The quarter as the active language writes it: 2026年第三季度, or Q3 2026."""
        return _("Q%(quarter)s %(year)s") % {
            "quarter": written_number(self.number),
            "year": self.year,
        }


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if len(text) == 1:
        return CHINESE_DIGITS.index(text) + 1
    return 0  # 十一 and the like: no quarter has such a number


def parse_quarter(text: str) -> Quarter:
    """Read a quarter written as 2026Q3, 2026-3, 2026年第三季度 or 2026年三季度. Raises
    ValidationError with a translated message otherwise."""
    normalised = unicodedata.normalize("NFKC", text or "").strip()
    match = _QUARTER.match(normalised)
    if not match:
        raise ValidationError(INVALID, code="invalid_quarter")
    number = _number(match["number"])
    if not 1 <= number <= 4:
        raise ValidationError(NO_SUCH_QUARTER, code="no_such_quarter")
    return Quarter(int(match["year"]), number)
