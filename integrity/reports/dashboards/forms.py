"""The dashboard's choice of court and period, for the page and the API alike."""

from __future__ import annotations

import datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from django import forms
from django.utils.translation import gettext_lazy as _

from integrity.web.dates import ChineseDateField
from integrity.web.widgets import FastBoundField, FastSelect, FastTextInput

from ..stats import Area, CourtRow, Period, area_of

# A longer period makes a monthly chart of hundreds of points; nobody files such a report.
MAX_YEARS = 10
_DATE_INPUT = FastTextInput(attrs=ChineseDateField.widget.attrs)


class DashboardForm(forms.Form):
    """Court (a court in the reader's scope; its subtree is counted) and period (from, to;
    this year so far unless chosen; dates as 2026年3月5日 or 2026-03-05)."""

    bound_field_class = FastBoundField

    court = forms.TypedChoiceField(
        label=_("Court"), coerce=int, required=False, empty_value=None, widget=FastSelect
    )
    date_from = ChineseDateField(label=_("From"), required=False, widget=_DATE_INPUT)
    date_to = ChineseDateField(label=_("To"), required=False, widget=_DATE_INPUT)

    def __init__(self, data: Any = None, *, courts: list[CourtRow], today: datetime.date) -> None:
        super().__init__(data)
        self.courts = courts
        self.today = today
        default = area_of(courts)
        shallowest = min((court.path.count("/") for court in courts), default=0)
        choices: list[tuple[Any, str]] = [
            # Indented by depth below the reader's topmost courts: the tree reads as a tree.
            (court.id, "\u3000" * (court.path.count("/") - shallowest) + court.name)
            for court in courts
        ]
        if default.court is None:
            choices.insert(0, ("", str(_("All courts in your jurisdiction"))))
        self.fields["court"].choices = choices
        period = Period.year_to_date(today)
        self.initial = {
            "court": default.court.id if default.court else "",
            "date_from": period.start,
            "date_to": period.end,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if "date_from" in self.errors or "date_to" in self.errors:
            return data
        if end is None:
            end = max(self.today, start) if start else self.today
        if start is None:
            start = end.replace(month=1, day=1)
        if start > end:
            self.add_error("date_to", _("The end of the period is before its start."))
        elif start + relativedelta(years=MAX_YEARS) <= end:
            self.add_error(
                "date_to", _("Choose a period of %(years)s years at most.") % {"years": MAX_YEARS}
            )
        data["date_from"], data["date_to"] = start, end
        return data

    def selection(self) -> tuple[Area, Period]:
        """The area and period asked for; this year so far in the reader's whole scope when
        nothing (or something invalid: the form shows why) was asked."""
        if self.is_bound and self.is_valid():
            data = self.cleaned_data
            return area_of(self.courts, data["court"]), Period(data["date_from"], data["date_to"])
        return area_of(self.courts), Period.year_to_date(self.today)
