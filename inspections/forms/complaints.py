"""Forms of the public complaint channel (the public form, the follow-up by receipt code) and of
the officer side (filters, reply, status, matching the staff member, naming a grantee). The
rules live in inspections/services/complaints.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from integrity.org.models import Court, Department, StaffMember
from integrity.web.dates import ChineseDateField

from ..models import Complaint
from ..services import complaints as services

_BLANK = [("", "---------")]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the Django documentation's recipe)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def court_groups(courts: list[Court]) -> list[tuple[str, list[tuple[int, str]]]]:
    """The courts as option groups (no JavaScript needed to find one): each intermediate
    court with the basic courts below it; higher and other courts in groups of their own."""
    groups: dict[int, tuple[str, list[tuple[int, str]]]] = {}
    for court in courts:
        if court.level == Court.Level.BASIC and court.parent_id:
            key, label = court.parent_id, court.parent.name
        else:
            key, label = court.pk, court.name
        groups.setdefault(key, (label, []))[1].append((court.pk, court.name))
    return list(groups.values())


class ComplaintForm(forms.Form):
    """The public report. Only what happened and the court are required; the reporter may
    stay anonymous."""

    court_search = forms.CharField(label=_("Find a court by name"), required=False, max_length=50)
    court = forms.TypedChoiceField(label=_("Court concerned"), coerce=int, choices=())
    department = forms.TypedChoiceField(
        label=_("Department (if known)"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=(),
        help_text=_("Choose the court, then press “List its departments”."),
    )
    subject_name = forms.CharField(
        label=_("Name of the staff member"), required=False, max_length=50
    )
    subject_description = forms.CharField(
        label=_("Post or description"),
        required=False,
        max_length=200,
        help_text=_("e.g. judge of the first civil division, clerk, bailiff."),
    )
    case_number = forms.CharField(
        label=_("Case number (if any)"),
        required=False,
        max_length=64,
        help_text=_("e.g. (2024)辽0102民初123号; full-width brackets are fine."),
    )
    occurred_on = ChineseDateField(label=_("When it happened"), required=False)
    account = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10000,
    )
    name = forms.CharField(label=_("Your name"), required=False, max_length=50)
    phone = forms.CharField(label=_("Telephone"), required=False, max_length=32)
    email = forms.EmailField(label=_("Email"), required=False)
    address = forms.CharField(label=_("Address"), required=False, max_length=200)
    relation = forms.CharField(
        label=_("Your relation to the matter"),
        required=False,
        max_length=100,
        help_text=_("e.g. party, agent, relative of a party."),
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_(
            "PDF, photos or audio recordings, at most %(count)d files. Choose them last: "
            "listing departments or finding a court clears them."
        )
        % {"count": services.MAX_FILES},
    )

    CONTACT = services.CONTACT_FIELDS

    def __init__(
        self, *args: Any, courts: list[Court], departments: list[Department], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["court"].choices = [*_BLANK, *court_groups(courts)]
        self.fields["department"].choices = [*_BLANK, *((d.pk, d.name) for d in departments)]

    def complaint_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "court": Court.objects.get(pk=data["court"]),
            "department": Department.objects.get(pk=data["department"])
            if data.get("department")
            else None,
            "subject_name": data["subject_name"],
            "subject_description": data["subject_description"],
            "case_number": data["case_number"],
            "occurred_on": data["occurred_on"],
            "account": data["account"],
        }

    def contact(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name) or "" for name in self.CONTACT}


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Receipt code"),
        max_length=64,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class PublicMessageForm(CodeForm):
    code = forms.CharField(max_length=64, widget=forms.HiddenInput)
    body = forms.CharField(
        label=_("Your message"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, photos or audio recordings, at most %(count)d files.")
        % {"count": services.MAX_FILES},
    )


# --- the officer side ------------------------------------------------------------------------


class ComplaintFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[*_BLANK, *Complaint.Status.choices]
    )
    court = forms.TypedChoiceField(
        label=_("Court"), required=False, coerce=int, empty_value=None, choices=()
    )

    def __init__(self, *args: Any, courts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["court"].choices = [*_BLANK, *((c.pk, c.name) for c in courts)]

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {
            "status": self.cleaned_data.get("status") or "",
            "court": self.cleaned_data.get("court"),
        }


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Reply to the reporter"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
    )


class StatusForm(VersionForm):
    status = forms.ChoiceField(label=_("New status"), choices=())

    def __init__(self, *args: Any, complaint: Complaint, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (value, Complaint.Status(value).label)
            for value in services.next_statuses(complaint.status)
        ]


class MatchForm(VersionForm):
    subject = forms.ModelChoiceField(
        label=_("Staff member concerned"),
        queryset=StaffMember.objects.none(),
        required=False,
        help_text=_("Empty: not yet identified."),
    )

    def __init__(self, *args: Any, subjects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = subjects
        self.fields["subject"].label_from_instance = lambda s: f"{s.name}（{s.get_post_display()}）"


class GrantForm(forms.Form):
    username = forms.CharField(
        label=_("Login name of the person to be shown the reporter's identity"), max_length=150
    )

    def clean_username(self) -> Any:
        User = get_user_model()
        user = User.objects.filter(
            **{User.USERNAME_FIELD: self.cleaned_data["username"].strip()}, is_active=True
        ).first()
        if user is None:
            raise forms.ValidationError(_("There is no active user with this login name."))
        return user
