"""Forms of the declaration pages: opening and editing a campaign, filing a declaration
(relatives practising law, or the 三个规定 report with its inquiries), signing and returning.
Choices of courts and inquiries come from the scoping policy; the rules of what may be filed
and signed live in ledgers/declarations/services.py, which the views call."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from integrity.access import policy
from integrity.org.models import Court
from integrity.web.dates import ChineseDateField
from integrity.web.widgets import FastSelect

from ..models import Campaign, Declaration, DeclaredRelative, InterferenceRecord
from . import selectors

_BLANK = [("", "---------")]

# Days between opening a campaign and its default due date.
RELATIVES_DUE_DAYS = 30
THREE_RULES_DUE_DAYS = 10


def _month_start(day: datetime.date, months_back: int) -> datetime.date:
    index = day.year * 12 + (day.month - 1) - months_back
    return datetime.date(index // 12, index % 12 + 1, 1)


def default_period(kind: str, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The period a new campaign covers unless the officer says otherwise: for the 三个规定
    report the last ``THREE_RULES_REPORT_MONTHS`` full months (monthly under 司发通〔2021〕60号
    unless configured otherwise); for the relatives declarations the current year."""
    if kind == Campaign.Kind.THREE_RULES:
        months = max(1, int(getattr(settings, "THREE_RULES_REPORT_MONTHS", 1)))
        end = today.replace(day=1) - datetime.timedelta(days=1)
        return _month_start(end, months - 1), end
    return datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)


def default_due(kind: str, today: datetime.date) -> datetime.date:
    days = THREE_RULES_DUE_DAYS if kind == Campaign.Kind.THREE_RULES else RELATIVES_DUE_DAYS
    return today + datetime.timedelta(days=days)


def _month_text(day: datetime.date) -> str:
    return str(_("%(year)s/%(month)s")) % {"year": day.year, "month": day.month}


def default_title(kind: str, start: datetime.date, end: datetime.date) -> str:
    """A title that names the kind and the period, e.g. 2026年度近亲属从事律师职业报告."""
    if kind == Campaign.Kind.THREE_RULES:
        if (start.year, start.month) == (end.year, end.month):
            period = _month_text(start)
        else:
            period = str(_("%(start)s to %(end)s")) % {
                "start": _month_text(start),
                "end": _month_text(end),
            }
        return str(_("Three regulations report for %(period)s")) % {"period": period}
    if kind == Campaign.Kind.OTHER_RELATIVES:
        return str(_("Report of other relatives practising law, %(year)s")) % {"year": start.year}
    return str(_("Declaration of relatives practising law, %(year)s")) % {"year": start.year}


class CampaignFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        widget=FastSelect,
        choices=[
            *_BLANK,
            (selectors.STATUS_OPEN, _("In progress")),
            (selectors.STATUS_CLOSED, _("Ended")),
            (selectors.STATUS_VOID, _("Voided")),
        ],
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        widget=FastSelect,
        choices=_BLANK + list(Campaign.Kind.choices),
    )
    court = forms.ModelChoiceField(
        label=_("Court"), queryset=Court.objects.none(), required=False, widget=FastSelect
    )

    def __init__(self, *args: Any, courts: QuerySet[Court], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["court"].queryset = courts

    def filters(self) -> dict[str, Any]:
        """The valid filters; an invalid one is shown with its error and left out."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "status": data.get("status") or None,
            "kind": data.get("kind") or None,
            "court": data["court"].pk if data.get("court") else None,
        }


class CampaignForm(forms.ModelForm):
    """Open a campaign. The title may be left empty: it is then made from the kind and the
    period."""

    class Meta:
        model = Campaign
        fields = [
            "kind",
            "title",
            "court",
            "covers_subordinates",
            "period_start",
            "period_end",
            "due_on",
            "notes",
        ]
        field_classes = {
            "period_start": ChineseDateField,
            "period_end": ChineseDateField,
            "due_on": ChineseDateField,
        }
        widgets = {
            "kind": FastSelect,
            "court": FastSelect,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(
        self, *args: Any, courts: QuerySet[Court], reload_url: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["court"].queryset = courts
        # Choosing another kind reloads the form with that kind's default period and title.
        self.fields["kind"].widget.attrs.update(
            {
                "hx-get": reload_url,
                "hx-include": "[name=kind],[name=court]",
                "hx-target": "#campaign-form",
                "hx-select": "#campaign-form",
                "hx-swap": "outerHTML",
            }
        )
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Leave empty for a title naming the kind and period.")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        parts = (data.get("kind"), data.get("period_start"), data.get("period_end"))
        if not data.get("title") and all(parts):
            data["title"] = default_title(*parts)
        return data

    def _post_clean(self) -> None:
        # The model's checks run in the service (campaign_open), which reports them per field.
        pass

    def payload(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def campaign_initial(kind: str, today: datetime.date, court_id: int | None) -> dict[str, Any]:
    start, end = default_period(kind, today)
    return {
        "kind": kind,
        "title": default_title(kind, start, end),
        "court": court_id,
        "period_start": start,
        "period_end": end,
        "due_on": default_due(kind, today),
    }


class CampaignEditForm(forms.Form):
    """Change the title, the due date or the notes of an open campaign."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Title"), max_length=200)
    due_on = ChineseDateField(label=_("Due on"))
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    @classmethod
    def for_campaign(cls, campaign: Campaign, data: Any = None) -> CampaignEditForm:
        return cls(
            data,
            initial={
                "version": campaign.version,
                "title": campaign.title,
                "due_on": campaign.due_on,
                "notes": campaign.notes,
            },
        )

    def changed_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("title", "due_on", "notes")}


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class CampaignVoidForm(VersionForm):
    reason = forms.CharField(
        label=_("Reason for voiding"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The campaign and its declarations stay visible to auditors with this reason."),
    )


class SignForm(VersionForm):
    statement = forms.CharField(
        label=_("Attestation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "You sign for what was declared: your name, the time and this statement are recorded."
        ),
    )


class ReturnForm(VersionForm):
    reason = forms.CharField(
        label=_("Reason for returning"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The filer sees this reason and files again."),
    )


# --- Filing ---------------------------------------------------------------------------------


def firm_areas(court_id: int) -> QuerySet[Court]:
    """The courts of the filer's province: the area where a relative's firm practises (the
    court directory is not confidential)."""
    path = Court.objects.filter(pk=court_id).values_list("path", flat=True).first() or ""
    root = path.split("/", 1)[0] + "/" if path else "-"
    return Court.objects.filter(path__startswith=root, is_active=True).only("id", "name", "path")


class RelativeForm(forms.ModelForm):
    """One relative practising law, as the staff member declares them."""

    class Meta:
        model = DeclaredRelative
        fields = [
            "relative_name",
            "relationship",
            "law_firm",
            "licence_number",
            "firm_area",
            "role",
            "acts_in_jurisdiction",
            "practising_since",
        ]
        field_classes = {"practising_since": ChineseDateField}
        widgets = {"relationship": FastSelect, "role": FastSelect, "firm_area": FastSelect}

    def _post_clean(self) -> None:
        # Checked by the service with the declaration (declaration_file).
        pass

    def payload(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class BaseRelativeFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, areas: QuerySet[Court], **kwargs: Any) -> None:
        self.areas = areas
        self._area_choices: list[tuple[Any, str]] | None = None
        super().__init__(*args, **kwargs)

    def _construct_form(self, i: int, **kwargs: Any) -> forms.Form:
        # A row left (or made) empty is no relative, whether it was shown filled in or not.
        kwargs["empty_permitted"] = True
        kwargs["use_required_attribute"] = False
        return super()._construct_form(i, **kwargs)

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        # The area choices are read once for all the rows, not once per row.
        if self._area_choices is None:
            self._area_choices = _BLANK + [(court.pk, court.name) for court in self.areas]
        field = form.fields["firm_area"]
        field.queryset = self.areas
        field.choices = self._area_choices

    def relatives(self) -> list[dict[str, Any]]:
        """The filled rows that were not marked for removal."""
        rows = []
        for form in self.forms:
            if not form.has_changed() or self._should_delete_form(form):
                continue
            rows.append(form.payload())
        return rows


MAX_RELATIVES = 30
SPARE_ROWS = 3


def relative_formset(spare: int = SPARE_ROWS) -> type[BaseRelativeFormSet]:
    """The relatives' formset with ``spare`` empty rows below those already declared."""
    return forms.formset_factory(
        RelativeForm,
        formset=BaseRelativeFormSet,
        extra=max(1, min(spare, MAX_RELATIVES)),
        can_delete=True,
        max_num=MAX_RELATIVES,
        validate_max=True,
    )


def relative_initial(declaration: Declaration) -> list[dict[str, Any]]:
    return [
        {
            "relative_name": row.relative_name,
            "relationship": row.relationship,
            "law_firm": row.law_firm,
            "licence_number": row.licence_number,
            "firm_area": row.firm_area_id,
            "role": row.role,
            "acts_in_jurisdiction": row.acts_in_jurisdiction,
            "practising_since": row.practising_since,
        }
        for row in declaration.relatives.all()
    ]


class InquiryChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: InterferenceRecord) -> str:
        day = f"{obj.occurred_on.year}年{obj.occurred_on.month}月{obj.occurred_on.day}日"
        return " ".join(filter(None, [day, obj.case_number, obj.interferer_name]))


def own_inquiries(actor: Any, declaration: Declaration) -> QuerySet[InterferenceRecord]:
    """The filer's own inquiry records of the campaign's period (逢问必录), not voided, as
    the scoping policy lets the actor see them."""
    campaign = declaration.campaign
    qs = InterferenceRecord.objects.filter(
        staff_id=declaration.staff_id,
        occurred_on__gte=campaign.period_start,
        occurred_on__lte=campaign.period_end,
        voided_at__isnull=True,
    ).only("id", "occurred_on", "case_number", "interferer_name")
    return policy.scope(actor, qs).order_by("occurred_on", "pk")


class DeclarationForm(forms.Form):
    """What the filer states besides the relatives: nothing to declare (none / zero report),
    the inquiries of the period (三个规定 report) and remarks. ``version`` is the version the
    filer saw: a stale submit is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    has_nothing = forms.BooleanField(required=False)
    inquiries = InquiryChoiceField(
        label=_("Inquiries reported"),
        queryset=InterferenceRecord.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    statement = forms.CharField(
        label=_("Remarks"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self, *args: Any, declaration: Declaration, inquiries: QuerySet | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if declaration.campaign.is_relatives:
            self.fields["has_nothing"].label = _("I have no relative to declare")
            self.fields["has_nothing"].help_text = _(
                "Tick this only if none of your relatives practises law: the declaration of "
                "“none” is signed off like any other."
            )
            del self.fields["inquiries"]
        else:
            self.fields["has_nothing"].label = _("Zero report")
            self.fields["has_nothing"].help_text = _(
                "Nobody inquired about or tried to influence any of your cases in the period."
            )
            self.fields["inquiries"].queryset = inquiries

    @classmethod
    def initial_for(cls, declaration: Declaration) -> dict[str, Any]:
        return {
            "version": declaration.version,
            "has_nothing": declaration.has_nothing,
            "statement": declaration.statement,
            "inquiries": [record.pk for record in declaration.inquiries.all()]
            if not declaration.campaign.is_relatives
            else [],
        }
