"""The bulletin's choice of court and quarter. The court is checked against the scope by the
view (a court out of scope is the same 404 as a missing one), not by the form."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from integrity.web.widgets import FastBoundField, FastSelect, FastTextInput

from .quarters import Quarter, parse_quarter


class QuarterField(forms.CharField):
    """A quarter as Chinese users write it (2026年第三季度, 2026年三季度, 2026Q3, 2026-3)."""

    widget = FastTextInput(attrs={"placeholder": "2026年第三季度"})

    def to_python(self, value: Any) -> Quarter | None:
        if isinstance(value, Quarter):
            return value
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        return parse_quarter(text)


class BulletinForm(forms.Form):
    bound_field_class = FastBoundField

    court = forms.IntegerField(label=_("Court"), widget=FastSelect)
    quarter = QuarterField(
        label=_("Quarter"), help_text=_("e.g. 2026年第三季度, 2026年三季度, 2026Q3 or 2026-3")
    )

    def __init__(
        self, data: dict[str, Any], *, today: datetime.date, courts: list[tuple[int, str]]
    ) -> None:
        super().__init__(data)
        self.today = today
        self.fields["court"].widget.choices = courts

    def clean_quarter(self) -> Quarter:
        quarter = self.cleaned_data["quarter"]
        if quarter.first_day > self.today:
            raise ValidationError(_("That quarter has not begun yet."), code="future")
        return quarter
