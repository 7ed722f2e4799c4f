"""Forms of the clue, referral and disposition pages. Court and staff choices come from the
scoping policy; dates are accepted as Chinese users write them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from integrity.access.models import User
from integrity.org.models import Court, Department, StaffMember
from integrity.web.dates import ChineseDateField
from ledgers.forms import AttachmentForm, VoidForm
from ledgers.models import ContactCase
from ledgers.models.contacts import Counterpart

from ..models import Clue, Disposition, Referral

__all__ = [
    "AttachmentForm",
    "ClueFilterForm",
    "ClueForm",
    "DispositionForm",
    "ReferForm",
    "ReferralFilterForm",
    "ShareForm",
    "StepForm",
    "VoidForm",
]

_BLANK = [("", "---------")]


class ClueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, help_text=_("Summary or the staff member's name")
    )
    court = forms.ModelChoiceField(label=_("Court"), queryset=Court.objects.none(), required=False)
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=_BLANK + list(Clue.Source.choices)
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_BLANK + list(Clue.Status.choices)
    )
    stage = forms.ChoiceField(
        label=_("Referral stage"), required=False, choices=_BLANK + list(Referral.Stage.choices)
    )
    voided = forms.ChoiceField(
        label=_("Voided records"),
        required=False,
        choices=[("", _("Hide")), ("include", _("Show too")), ("only", _("Only voided"))],
    )

    def __init__(self, *args: Any, courts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["court"].queryset = courts

    def filters(self) -> dict[str, Any]:
        """The valid filters; an invalid one is shown with its error and left out."""
        self.is_valid()
        data = dict(self.cleaned_data)
        data["court"] = data["court"].pk if data.get("court") else None
        return data


class ReferralFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, help_text=_("Number, summary or name"))
    court = forms.ModelChoiceField(label=_("Court"), queryset=Court.objects.none(), required=False)
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=_BLANK + list(Referral.Stage.choices)
    )
    way = forms.ChoiceField(
        label=_("Disposal way"), required=False, choices=_BLANK + list(Referral.Way.choices)
    )

    def __init__(self, *args: Any, courts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["court"].queryset = courts

    def filters(self) -> dict[str, Any]:
        self.is_valid()
        data = dict(self.cleaned_data)
        data["court"] = data["court"].pk if data.get("court") else None
        return data


class ClueForm(forms.Form):
    """Register or correct a clue. The court is chosen first (a reload offers its
    departments and staff); ``version`` carries the version the editor saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    court = forms.ModelChoiceField(label=_("Court"), queryset=Court.objects.none())
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False
    )
    subject = forms.ModelChoiceField(
        label=_("Staff member concerned"),
        queryset=StaffMember.objects.none(),
        required=False,
        help_text=_("Leave empty while the person is not yet identified."),
    )
    source = forms.ChoiceField(label=_("Source"), choices=Clue.Source.choices)
    summary = forms.CharField(label=_("Summary"), max_length=200)
    details = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea)
    evidence = forms.CharField(
        label=_("Evidence"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What supports the clue; attach files on the clue's page."),
    )
    received_on = ChineseDateField(label=_("Received on"), required=False)
    is_confidential = forms.BooleanField(label=_("Confidential"), required=False, initial=True)

    CREATE = ("court", "department", "subject", "source", "summary", "details", "evidence")
    EDIT = ("department", "subject", "summary", "details", "evidence")

    def __init__(
        self, *args: Any, courts: Any, court_id: Any, editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        self.fields["court"].queryset = courts
        self.fields["department"].queryset = Department.objects.filter(
            court_id=court_id or 0, is_active=True
        )
        self.fields["subject"].queryset = StaffMember.objects.filter(
            court_id=court_id or 0
        ).order_by("name")
        if editing:
            del self.fields["court"]
            del self.fields["source"]

    def payload(self) -> dict[str, Any]:
        names = (*(self.EDIT if self.editing else self.CREATE), "received_on", "is_confidential")
        data = {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}
        if not data.get("received_on"):
            data.pop("received_on", None)
        return data


class ShareForm(forms.Form):
    username = forms.CharField(
        label=_("Login name of the person"),
        max_length=150,
        help_text=_("The clue is shared with this one person, who can then view it."),
    )
    reason = forms.CharField(label=_("Why"), required=False, max_length=500)

    def grantee(self) -> Any:
        return User.objects.filter(username=self.cleaned_data["username"].strip()).first()


class ReferForm(forms.Form):
    letter = forms.CharField(
        label=_("Referral letter"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("The text of the referral letter (移送函) to the discipline team."),
    )
    referred_on = ChineseDateField(label=_("Referred on"), required=False)


class StepForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    on = ChineseDateField(label=_("Date"), required=False, help_text=_("Today if left empty."))
    way = forms.ChoiceField(label=_("Disposal way"), choices=Referral.Way.choices)
    findings = forms.CharField(
        label=_("Verification findings"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, target: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if target != Referral.Stage.WAY_CHOSEN:
            del self.fields["way"]
        if target not in (Referral.Stage.FILED, Referral.Stage.CLOSED):
            del self.fields["findings"]


class DispositionForm(forms.Form):
    """The disposition; when it concerns improper contact, the contact's particulars feed
    ledger 2 (needed only when the clue did not come from a ledger-2 record)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    form = forms.TypedChoiceField(
        label=_("Form (四种形态)"), choices=Disposition.Form.choices, coerce=int
    )
    measure = forms.ChoiceField(label=_("Measure"), choices=Disposition.Measure.choices)
    decided_on = ChineseDateField(label=_("Decided on"))
    decision = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 4}))
    concerns_improper_contact = forms.BooleanField(
        label=_("Concerns improper contact or interference"),
        required=False,
        help_text=_("Such a disposition also appears in ledger 2 (improper contact cases)."),
    )
    counterpart_type = forms.ChoiceField(
        label=_("Counterpart"), required=False, choices=_BLANK + list(Counterpart.choices)
    )
    counterpart_name = forms.CharField(
        label=_("Counterpart's name"), required=False, max_length=100
    )
    behaviour = forms.ChoiceField(
        label=_("Behaviour"),
        required=False,
        choices=_BLANK + list(ContactCase.Behaviour.choices),
    )
    occurred_on = ChineseDateField(label=_("Date of the contact"), required=False)

    CONTACT = ("counterpart_type", "counterpart_name", "behaviour", "occurred_on")

    def fields_payload(self) -> dict[str, Any]:
        names = ("form", "measure", "decided_on", "decision", "concerns_improper_contact")
        return {name: self.cleaned_data[name] for name in names}

    def contact_payload(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.CONTACT}
