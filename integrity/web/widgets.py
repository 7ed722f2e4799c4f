"""Form widgets and labels rendered in Python. Django renders each widget, each option of a
select and each label through a template, which costs tens of milliseconds for the hundred-odd
courts of a province and several milliseconds for a filter form of eight fields; these build
the same HTML directly, every value escaped."""

from html import escape
from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.forms.models import ModelChoiceIterator
from django.forms.widgets import Input
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


def html_text(value: Any) -> str:
    """``value`` as HTML: escaped unless it is already safe (Django's conditional_escape,
    without the lazy-string wrapper, which costs more than the escaping)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))


def attributes(attrs: dict[str, Any] | None) -> SafeString:
    """HTML attributes as Django's attrs.html writes them, in order: True as a bare name,
    False left out."""
    return mark_safe(  # noqa: S308 - names are the code's, values are escaped
        "".join(
            f" {name}" if value is True else f' {name}="{html_text(value)}"'
            for name, value in (attrs or {}).items()
            if value is not False
        )
    )


class FastSelect(forms.Select):
    def render(
        self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None
    ) -> SafeString:
        # What Select's optgroups() and templates do, without a dict per option: a value is
        # selected when it is one of the widget's values (for a single select, the first
        # one only); groups are flattened.
        values = set(self.format_value(value))
        multiple = self.allow_multiple_selected
        final_attrs = self.build_attrs(self.attrs, attrs)
        if multiple:
            final_attrs["multiple"] = True
        choices = self.choices
        if isinstance(choices, ModelChoiceIterator) and choices.queryset.query.is_empty():
            # A model choice with no possible rows (``.none()``): no query to build.
            empty = choices.field.empty_label
            choices = [] if empty is None else [("", empty)]
        has_selected = False
        parts = [f'<select name="{html_text(name)}"{attributes(final_attrs)}>']
        for option_value, option_label in choices:
            if isinstance(option_label, (list, tuple)):
                group = option_label
            else:
                group = ((option_value, option_label),)
            for subvalue, sublabel in group:
                text = "" if subvalue is None else str(subvalue)
                selected = (multiple or not has_selected) and text in values
                has_selected |= selected
                parts.append(
                    f'<option value="{html_text(text)}"{" selected" if selected else ""}>'
                    f"{html_text(sublabel)}</option>"
                )
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above


class FastSelectMultiple(FastSelect, forms.SelectMultiple):
    pass


class OneQueryChoiceIterator(ModelChoiceIterator):
    """A model choice field's options read with one plain query. Django's iterator() streams
    them through a server-side cursor on PostgreSQL: three round trips (declare, fetch,
    close) for a list of a few hundred courts. With the field's ``label_field``, the options
    are (id, that column) pairs: no model instance per option."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.label_field:
            key = self.field.to_field_name or "pk"
            yield from self.queryset.values_list(key, self.field.label_field)
        else:
            for obj in self.queryset:
                yield self.choice(obj)


class FastModelChoiceField(forms.ModelChoiceField):
    """A model choice drop-down: options in one query, rendered without templates.
    ``label_field`` names the column that labels an option, where that is what the model's
    ``__str__`` shows (a court's name); without it each option is a model instance."""

    iterator = OneQueryChoiceIterator
    widget = FastSelect

    def __init__(self, *args: Any, label_field: str | None = None, **kwargs: Any) -> None:
        self.label_field = label_field
        super().__init__(*args, **kwargs)


class FastInput(Input):
    """An <input> as Django's input.html renders it."""

    def render(
        self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None
    ) -> SafeString:
        value = self.format_value(value)
        shown = "" if value is None else f' value="{html_text(value)}"'
        attrs = attributes(self.build_attrs(self.attrs, attrs))
        return mark_safe(  # noqa: S308 - every value is escaped
            f'<input type="{html_text(self.input_type)}" name="{html_text(name)}"{shown}{attrs}>'
        )


class FastTextInput(FastInput, forms.TextInput):
    pass


class FastBoundField(BoundField):
    """A bound field whose label is rendered as Django's label.html does, without the
    template (Django 5.2: ``Form.bound_field_class``)."""

    def label_tag(
        self,
        contents: Any = None,
        attrs: dict | None = None,
        label_suffix: Any = None,
        tag: str | None = None,
    ) -> SafeString:
        contents = html_text(contents or self.label)
        if label_suffix is None:
            label_suffix = (
                self.field.label_suffix
                if self.field.label_suffix is not None
                else self.form.label_suffix
            )
        # Only add the suffix if the label does not end in punctuation (as Django does; an
        # escaped character ends in ";", which is not punctuation here either).
        if label_suffix and contents and contents[-1] not in _(":?.!"):
            contents += html_text(label_suffix)
        widget = self.field.widget
        id_ = widget.attrs.get("id") or self.auto_id
        if not id_:
            return mark_safe(contents)  # noqa: S308 - escaped above
        id_for_label = widget.id_for_label(id_)
        if id_for_label:
            attrs = {**(attrs or {}), "for": id_for_label}
        if self.field.required and hasattr(self.form, "required_css_class"):
            attrs = attrs or {}
            if "class" in attrs:
                attrs["class"] += " " + self.form.required_css_class
            else:
                attrs["class"] = self.form.required_css_class
        tag = html_text(tag or "label")
        return mark_safe(f"<{tag}{attributes(attrs)}>{contents}</{tag}>")  # noqa: S308
