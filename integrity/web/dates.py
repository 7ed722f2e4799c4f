"""Dates as Chinese users write them: 2024年3月5日, 2024-3-5, 2024/03/05, 2024.3.5, with
full-width digits too. Used by every date field on the pages."""

from __future__ import annotations

import datetime
import re
import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_DATE = re.compile(r"^\s*(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?\s*$")


def parse_chinese_date(text: str) -> datetime.date:
    """Read a date written as 2024年3月5日 or 2024-03-05 (any of - / . 年月日, full-width
    digits allowed). Raises ValidationError with a translated message otherwise."""
    normalised = unicodedata.normalize("NFKC", text or "")
    match = _DATE.match(normalised)
    if not match:
        raise ValidationError(
            _("Enter a date such as 2024年3月5日 or 2024-03-05."), code="invalid_date"
        )
    year, month, day = (int(part) for part in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ValidationError(
            _("There is no such day in the calendar."), code="no_such_day"
        ) from None


class ChineseDateField(forms.DateField):
    widget = forms.TextInput(attrs={"placeholder": "2024年3月5日", "inputmode": "numeric"})

    def to_python(self, value: Any) -> datetime.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        return parse_chinese_date(str(value))

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, datetime.date):
            return f"{value.year}年{value.month}月{value.day}日"
        return value
