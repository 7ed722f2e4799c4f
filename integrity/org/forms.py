from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Case, Court, Department, StaffMember


class StaffFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or staff number"), required=False)
    court = forms.ModelChoiceField(label=_("Court"), queryset=Court.objects.none(), required=False)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False
    )
    post = forms.ChoiceField(
        label=_("Post"), required=False, choices=[("", "---------"), *StaffMember.Post.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", "---------"), *StaffMember.Status.choices]
    )

    def __init__(self, *args: Any, courts: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["court"].queryset = courts
        self.fields["department"].queryset = departments

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "q": data["q"],
            "post": data["post"],
            "status": data["status"],
            "court": data["court"].pk if data["court"] else None,
            "department": data["department"].pk if data["department"] else None,
        }


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Case number, party, agent or law firm"), required=False)
    court = forms.ModelChoiceField(label=_("Court"), queryset=Court.objects.none(), required=False)
    case_type = forms.ChoiceField(
        label=_("Case type"), required=False, choices=[("", "---------"), *Case.Type.choices]
    )

    def __init__(self, *args: Any, courts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["court"].queryset = courts

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "q": data["q"],
            "case_type": data["case_type"],
            "court": data["court"].pk if data["court"] else None,
        }
