"""Forms of the ledger pages. The fields come from ledgers/specs.py; choices of courts, staff
and departments come from the scoping policy."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.forms.models import modelform_factory
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from integrity.org.models import Court, Department, StaffMember
from integrity.web.dates import ChineseDateField
from integrity.web.widgets import (
    FastBoundField,
    FastModelChoiceField,
    FastSelect,
    FastSelectMultiple,
    FastTextInput,
)

from .models import LedgerRecord
from .selectors import VOIDED_EXCLUDE, VOIDED_INCLUDE, VOIDED_ONLY
from .specs import LedgerSpec
from .workflows import Transition

_BLANK = [("", "---------")]
# The filter's date inputs: ChineseDateField's, rendered without the widget template.
_DATE_INPUT = FastTextInput(attrs=ChineseDateField.widget.attrs)


def _formfield(field: models.Field, **kwargs: Any) -> forms.Field | None:
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        return field.formfield(form_class=ChineseDateField, **kwargs)
    if isinstance(field, models.ForeignKey):
        return field.formfield(widget=FastSelect, **kwargs)
    if isinstance(field, models.ManyToManyField):
        return field.formfield(widget=FastSelectMultiple, **kwargs)
    return field.formfield(**kwargs)


class LedgerFilterForm(forms.Form):
    """The list's filters. Shown on every list page, so its labels and widgets render
    without templates (integrity/web/widgets.py)."""

    bound_field_class = FastBoundField

    q = forms.CharField(
        label=_("Search"),
        required=False,
        help_text=_("Names, case numbers or law firms"),
        widget=FastTextInput,
    )
    # Labelled by name, as Court.__str__ is: a province's courts need no model instances.
    court = FastModelChoiceField(
        label=_("Court"), queryset=Court.objects.none(), required=False, label_field="name"
    )
    department = FastModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False
    )
    date_from = ChineseDateField(label=_("From"), required=False, widget=_DATE_INPUT)
    date_to = ChineseDateField(label=_("To"), required=False, widget=_DATE_INPUT)
    status = forms.ChoiceField(label=_("Status"), required=False, widget=FastSelect)
    category = forms.ChoiceField(label=_("Category"), required=False, widget=FastSelect)
    voided = forms.ChoiceField(
        label=_("Voided records"),
        required=False,
        widget=FastSelect,
        choices=[
            (VOIDED_EXCLUDE, _("Hide")),
            (VOIDED_INCLUDE, _("Show too")),
            (VOIDED_ONLY, _("Only voided")),
        ],
    )

    def __init__(
        self, *args: Any, model: type[LedgerRecord], courts: Any, departments: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["court"].queryset = courts
        self.fields["department"].queryset = departments
        self.fields["status"].choices = _BLANK + list(model._meta.get_field("status").choices)
        if model.category_field:
            category = model._meta.get_field(model.category_field)
            self.fields["category"].label = category.verbose_name
            self.fields["category"].choices = _BLANK + list(category.choices)
        else:
            del self.fields["category"]
        date = model._meta.get_field(model.date_field)
        self.fields["date_from"].label = _("%(field)s from") % {"field": date.verbose_name}
        self.fields["date_to"].label = _("%(field)s to") % {"field": date.verbose_name}

    def as_filters(self) -> SafeString:
        """The fields as the list page shows them: a div each with the label, the widget and
        any errors (no template per field: the form is on every list page)."""
        parts = []
        for field in self:
            errors = field.errors
            parts.append(f"<div>{field.label_tag()} {field}{errors if errors else ''}</div>")
        return mark_safe("".join(parts))  # noqa: S308 - labels, widgets, errors are safe HTML

    def filters(self) -> dict[str, Any]:
        """The valid filters; an invalid field is shown with its error and left out, the
        others still apply."""
        self.is_valid()
        data = dict(self.cleaned_data)
        data["court"] = data["court"].pk if data.get("court") else None
        data["department"] = data["department"].pk if data.get("department") else None
        return data


class LedgerForm(forms.ModelForm):
    """Create and edit a record. ``version`` carries the version the editor saw, so that an
    edit based on an old version is refused instead of overwriting someone else's."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        place: dict[str, Any] | None = None,
        options_url: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        place = place or {}
        for name, queryset in place.items():
            if name in self.fields:
                self.fields[name].queryset = queryset
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        if "court" in self.fields:
            self.fields["court"].widget.attrs.update(
                {
                    "hx-get": options_url,
                    "hx-target": "#place-options",
                    "hx-select": "#place-options",
                    "hx-swap": "outerHTML",
                    "hx-include": "[name=court]",
                }
            )

    def payload(self) -> dict[str, Any]:
        """The cleaned values of the fields the form shows, for the service."""
        return {name: self.cleaned_data[name] for name in self.fields if name != "version"}


def ledger_form_class(spec: LedgerSpec, fields: tuple[str, ...]) -> type[LedgerForm]:
    return modelform_factory(
        spec.model, form=LedgerForm, fields=fields, formfield_callback=_formfield
    )


def place_querysets(*, courts: Any, court_id: Any) -> dict[str, Any]:
    """Choices for court, department and staff member: the courts in scope, and the
    departments and staff of the chosen one."""
    province = _province_of(court_id)
    return {
        "court": courts,
        "department": Department.objects.filter(court_id=court_id or 0, is_active=True),
        "staff": StaffMember.objects.filter(court_id=court_id or 0).order_by("name"),
        "firm_area": province,
        "served_courts": province,
    }


def _province_of(court_id: Any) -> Any:
    """The courts of the province of ``court_id``: where a relative's firm practises or where
    a departed person served (the court directory is not confidential)."""
    path = Court.objects.filter(pk=court_id or 0).values_list("path", flat=True).first()
    if not path:
        return Court.objects.none()
    root = path.split("/", 1)[0] + "/"
    return Court.objects.filter(path__startswith=root, is_active=True).only("id", "name", "path")


class StepForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


def transition_form_class(spec: LedgerSpec, step: Transition) -> type[forms.ModelForm]:
    form = modelform_factory(
        spec.model,
        form=StepForm,
        fields=step.fields or ("status",),
        formfield_callback=_formfield,
    )
    if not step.fields:
        del form.base_fields["status"]
    for name in step.required:
        form.base_fields[name].required = True
    return form


class VoidForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for voiding"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The record stays visible to auditors with this reason."),
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))
    description = forms.CharField(label=_("Description"), required=False, max_length=200)


def child_form_class(spec: LedgerSpec) -> type[forms.ModelForm]:
    return modelform_factory(spec.child, fields=spec.child_fields, formfield_callback=_formfield)
