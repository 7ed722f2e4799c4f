"""Forms of the inspection pages: planning and editing an inspection (its targets and team),
entering findings, reporting rectification with evidence, verifying (销号) or returning, the
look-back verdicts. Choices come from the scoping policy; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from integrity.org.models import Court, Department, StaffMember
from integrity.web.dates import ChineseDateField
from integrity.web.widgets import FastSelect

from ..models import Finding, Inspection, LookBackCheck, TeamMember
from ..selectors.inspections import STATUS_VOID

_BLANK = [("", "---------")]


class InspectionFilterForm(forms.Form):
    court = forms.ModelChoiceField(
        label=_("Organising court"), queryset=Court.objects.none(), required=False
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[*_BLANK, *Inspection.Kind.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[*_BLANK, *Inspection.Status.choices, (STATUS_VOID, _("Voided"))],
        required=False,
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2100)
    q = forms.CharField(label=_("Title or number"), required=False, max_length=100)

    def __init__(self, *args: Any, courts: QuerySet[Court], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["court"].queryset = courts
        self.fields["court"].widget = FastSelect(choices=self.fields["court"].choices)

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "court": data["court"].pk if data.get("court") else None,
            "kind": data.get("kind") or None,
            "status": data.get("status") or None,
            "year": data.get("year"),
            "q": data.get("q") or None,
        }


def _usernames(text: str) -> list[str]:
    return [part for part in text.replace(",", " ").replace("，", " ").split() if part]


class InspectionForm(forms.Form):
    """Plan or correct an inspection. Targets: whole courts, or departments of them. Team: the
    logins of the leader, deputies and members (they may work at another court)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    court = forms.ModelChoiceField(label=_("Organising court"), queryset=Court.objects.none())
    number = forms.CharField(
        label=_("Document number"),
        max_length=64,
        required=False,
        help_text=_("The number of the inspection notice, e.g. 辽高法督〔2026〕3号."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Inspection.Kind.choices)
    starts_on = ChineseDateField(label=_("Starts on"))
    ends_on = ChineseDateField(label=_("Ends on"))
    scope = forms.CharField(label=_("Scope and content"), widget=forms.Textarea(attrs={"rows": 4}))
    target_courts = forms.ModelMultipleChoiceField(
        label=_("Inspected courts (whole court)"),
        queryset=Court.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    target_departments = forms.ModelMultipleChoiceField(
        label=_("Inspected departments"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Choose departments to inspect only them; their court need not be chosen."),
    )
    team_leader = forms.CharField(label=_("Team leader (login)"), max_length=150)
    team_deputies = forms.CharField(
        label=_("Deputy team leaders (logins)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One or more logins, separated by spaces or new lines."),
    )
    team_members = forms.CharField(
        label=_("Members (logins)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or more logins, separated by spaces or new lines."),
    )

    def __init__(
        self,
        *args: Any,
        courts: QuerySet[Court],
        departments: QuerySet[Department],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["court"].queryset = courts
        self.fields["target_courts"].queryset = courts
        self.fields["target_departments"].queryset = departments
        self.fields["target_departments"].label_from_instance = lambda d: (
            f"{d.court.name} · {d.name}"
        )

    @classmethod
    def initial_for(cls, inspection: Inspection) -> dict[str, Any]:
        targets = list(inspection.targets.all())
        team = list(inspection.team.select_related("user"))

        def logins(function: str) -> str:
            return "\n".join(m.user.username for m in team if m.function == function)

        return {
            "version": inspection.version,
            "court": inspection.court_id,
            "number": inspection.number,
            "title": inspection.title,
            "kind": inspection.kind,
            "starts_on": inspection.starts_on,
            "ends_on": inspection.ends_on,
            "scope": inspection.scope,
            "target_courts": [t.court_id for t in targets if t.department_id is None],
            "target_departments": [t.department_id for t in targets if t.department_id],
            "team_leader": logins(TeamMember.Function.LEADER),
            "team_deputies": logins(TeamMember.Function.DEPUTY),
            "team_members": logins(TeamMember.Function.MEMBER),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        courts = list(data.get("target_courts") or [])
        departments = list(data.get("target_departments") or [])
        if not courts and not departments and not self.errors:
            self.add_error("target_courts", _("Name at least one court or department."))
        data["targets"] = [(c, None) for c in courts] + [(d.court, d) for d in departments]
        wanted = [
            (name, TeamMember.Function.LEADER) for name in _usernames(data.get("team_leader", ""))
        ]
        wanted += [
            (name, TeamMember.Function.DEPUTY) for name in _usernames(data.get("team_deputies", ""))
        ]
        wanted += [
            (name, TeamMember.Function.MEMBER) for name in _usernames(data.get("team_members", ""))
        ]
        users = {
            u.username: u
            for u in get_user_model().objects.filter(
                username__in=[n for n, _f in wanted], is_active=True
            )
        }
        missing = sorted({n for n, _f in wanted if n not in users})
        if missing:
            self.add_error(
                None,
                _("No active login is called: %(names)s.") % {"names": "、".join(missing)},
            )
        team: dict[int, tuple[Any, str]] = {}
        for name, function in wanted:  # the first function named for a login counts
            if name in users and users[name].pk not in team:
                team[users[name].pk] = (users[name], function)
        data["team"] = list(team.values())
        return data

    def payload(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "fields": {
                "court": data["court"],
                "number": data["number"],
                "title": data["title"],
                "kind": data["kind"],
                "starts_on": data["starts_on"],
                "ends_on": data["ends_on"],
                "scope": data["scope"],
            },
            "targets": data["targets"],
            "team": data["team"],
        }


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class TransitionForm(VersionForm):
    target = forms.ChoiceField(choices=Inspection.Status.choices, widget=forms.HiddenInput)


class VoidForm(VersionForm):
    reason = forms.CharField(
        label=_("Reason for voiding"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The record stays visible to auditors with this reason."),
    )


class FindingForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    court = forms.ModelChoiceField(label=_("Responsible court"), queryset=Court.objects.none())
    department = forms.ModelChoiceField(
        label=_("Responsible department"),
        queryset=Department.objects.none(),
        required=False,
        help_text=_("Leave empty for an item of the whole court."),
    )
    responsible_staff = forms.ModelChoiceField(
        label=_("Responsible person"), queryset=StaffMember.objects.none(), required=False
    )
    category = forms.ChoiceField(label=_("Category"), choices=Finding.Category.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Finding.Severity.choices)
    description = forms.CharField(
        label=_("Problem found"), widget=forms.Textarea(attrs={"rows": 3})
    )
    rectification_required = forms.CharField(
        label=_("Rectification required"), widget=forms.Textarea(attrs={"rows": 3})
    )
    deadline = ChineseDateField(label=_("Rectification deadline"))

    FIELDS = (
        "court",
        "department",
        "responsible_staff",
        "category",
        "severity",
        "description",
        "rectification_required",
        "deadline",
    )

    def __init__(self, *args: Any, inspection: Inspection, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        court_ids = list(inspection.targets.values_list("court_id", flat=True))
        self.fields["court"].queryset = Court.objects.filter(pk__in=court_ids)
        self.fields["department"].queryset = Department.objects.filter(
            court_id__in=court_ids
        ).select_related("court")
        self.fields["department"].label_from_instance = lambda d: f"{d.court.name} · {d.name}"
        self.fields["responsible_staff"].queryset = StaffMember.objects.filter(
            court_id__in=court_ids, status=StaffMember.Status.SERVING
        ).select_related("department")
        self.fields["responsible_staff"].label_from_instance = lambda s: (
            f"{s.name} · {s.department.name}" if s.department_id else s.name
        )

    @classmethod
    def initial_for(cls, finding: Finding) -> dict[str, Any]:
        return {
            "version": finding.version,
            **{name: getattr(finding, f"{name}_id", None) for name in ("court", "department")},
            "responsible_staff": finding.responsible_staff_id,
            **{
                name: getattr(finding, name)
                for name in (
                    "category",
                    "severity",
                    "description",
                    "rectification_required",
                    "deadline",
                )
            },
        }

    def fields_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.FIELDS}

    def changed_fields(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data.get(name) for name in self.FIELDS if name in self.changed_data
        }


class ReportForm(VersionForm):
    measures = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 4}))
    completed_on = ChineseDateField(label=_("Completed on"))
    file = forms.FileField(label=_("Evidence file"), required=False)
    description = forms.CharField(
        label=_("Description of the file"), required=False, max_length=200
    )


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Evidence file"))
    description = forms.CharField(
        label=_("Description of the file"), required=False, max_length=200
    )


class CloseForm(VersionForm):
    note = forms.CharField(
        label=_("Verification note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReturnForm(VersionForm):
    reason = forms.CharField(
        label=_("Reason for returning"),
        required=False,  # the service refuses an empty reason, on this form
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class LookBackForm(forms.Form):
    finding = forms.IntegerField(widget=forms.HiddenInput)
    result = forms.ChoiceField(label=_("Result"), choices=LookBackCheck.Result.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class FindingFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[*_BLANK, *Finding.Status.choices, (STATUS_VOID, _("Voided"))],
        required=False,
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
