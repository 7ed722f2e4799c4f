"""Forms of the alert queue: the filters, and the three actions (dismiss with a reason, turn
into a clue, mark the recusal done), each carrying the version the user saw."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from integrity.org.models import Court
from integrity.web.dates import ChineseDateField

from .evidence import STATUS_LABELS
from .models import Alert
from .selectors import ALL

_BLANK = [("", "---------")]


class AlertFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        help_text=_("Name of the staff member, agent or relative, or a case number"),
    )
    case = forms.CharField(label=_("Case number"), required=False)
    rule = forms.ChoiceField(
        label=_("Rule"), required=False, choices=_BLANK + list(Alert.Rule.choices)
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            *((value, STATUS_LABELS[value]) for value in Alert.Status.values),
            (ALL, pgettext_lazy("alert status", "All")),
        ],
    )
    severity = forms.ChoiceField(
        label=_("Severity"), required=False, choices=_BLANK + list(Alert.Severity.choices)
    )
    court = forms.ModelChoiceField(label=_("Court"), queryset=Court.objects.none(), required=False)
    weaker = forms.BooleanField(label=_("Weaker evidence only"), required=False)

    def __init__(self, *args: Any, courts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["court"].queryset = courts

    def filters(self) -> dict[str, Any]:
        """The valid filters; an invalid one is shown with its error and left out."""
        self.is_valid()
        data = dict(self.cleaned_data)
        data["court"] = data["court"].pk if data.get("court") else None
        return data


class DismissForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the facts are no conflict. The alert comes back if they change."),
    )


class ClueForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class DoneForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    done_on = ChineseDateField(label=_("Done on"), required=False)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a withdrawal: how the judge withdrew from the case."),
    )
