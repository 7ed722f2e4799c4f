"""The widgets and labels rendered in Python (integrity/web/widgets.py) write what Django's
templates write, escape what they escape, and read a drop-down's options in one query."""

import datetime
import re

import pytest
from django import forms
from django.utils import dateformat

from integrity.org.models import Court
from integrity.web.widgets import (
    FastBoundField,
    FastModelChoiceField,
    FastSelect,
    FastSelectMultiple,
    FastTextInput,
)
from ledgers.views import _date_formatter

HOSTILE = "<b>\"&'</b>"


def _squash(html: str) -> str:
    """Django's select template puts each option on its own line."""
    return re.sub(r">\s+<", "><", html).strip()


CHOICES = [("", "---------"), ("a", "Alpha"), ("b", HOSTILE), (3, "three")]


@pytest.mark.parametrize(
    "value", [None, "", "a", "b", "3", 3, "missing", HOSTILE], ids=lambda value: repr(value)
)
def test_select_writes_what_django_select_writes(value):
    attrs = {"id": "id_x", "aria-invalid": "true", "data-note": HOSTILE, "disabled": True}
    fast = FastSelect(choices=CHOICES).render("x", value, attrs)
    django = forms.Select(choices=CHOICES).render("x", value, attrs)

    assert fast == _squash(django)


def test_select_multiple_writes_what_django_writes():
    choices = CHOICES[1:]
    fast = FastSelectMultiple(choices=choices).render("x", ["a", "3"], {"id": "id_x"})
    django = forms.SelectMultiple(choices=choices).render("x", ["a", "3"], {"id": "id_x"})

    assert fast == _squash(django)


@pytest.mark.parametrize("value", [None, "", "2024年3月5日", HOSTILE, 7])
def test_text_input_writes_what_django_writes(value):
    attrs = {"placeholder": "2024年3月5日", "required": True, "hidden": False}
    fast = FastTextInput(attrs=attrs).render("when", value, {"id": "id_when"})
    django = forms.TextInput(attrs=attrs).render("when", value, {"id": "id_when"})

    assert fast == django


class _Plain(forms.Form):
    required_css_class = "required"

    name = forms.CharField(label=HOSTILE)
    asked = forms.CharField(label="Why?", required=False)
    lazy = forms.CharField(label=forms.CharField.default_error_messages["required"])


class _Fast(_Plain):
    bound_field_class = FastBoundField


@pytest.mark.parametrize("auto_id", ["id_%s", False])
@pytest.mark.parametrize("name", ["name", "asked", "lazy"])
def test_labels_are_what_django_writes(name, auto_id):
    plain, fast = _Plain(auto_id=auto_id)[name], _Fast(auto_id=auto_id)[name]

    assert fast.label_tag() == plain.label_tag()
    assert fast.label_tag(attrs={"class": "x"}, label_suffix="：") == plain.label_tag(
        attrs={"class": "x"}, label_suffix="："
    )
    assert fast.legend_tag() == plain.legend_tag()


@pytest.mark.django_db
def test_model_choices_come_in_one_query_and_still_validate(province, django_assert_num_queries):
    courts = Court.objects.filter(path__startswith=province.courts["shenyang"].path).order_by(
        "path"
    )
    fast = FastModelChoiceField(queryset=courts, required=False, label_field="name")
    django = forms.ModelChoiceField(queryset=courts, required=False)

    with django_assert_num_queries(1):
        html = fast.widget.render("court", None)
    assert html == _squash(forms.Select(choices=list(django.choices)).render("court", None))
    chosen = province.courts["heping"]
    assert fast.clean(str(chosen.pk)) == chosen
    with pytest.raises(forms.ValidationError):
        fast.clean(str(province.courts["dalian"].pk))


@pytest.mark.django_db
def test_a_model_choice_of_none_reads_nothing(django_assert_num_queries):
    field = FastModelChoiceField(queryset=Court.objects.none(), required=False)

    with django_assert_num_queries(0):
        html = field.widget.render("court", None)
    assert html == '<select name="court"><option value="" selected>---------</option></select>'


@pytest.mark.parametrize("fmt", ["Y年n月j日", "Y-m-d", "d/m/y", r"\Y Y {0} j.n", "N j, Y"])
@pytest.mark.parametrize(
    "day", [datetime.date(2024, 3, 5), datetime.date(987, 12, 31), datetime.date(2010, 10, 1)]
)
def test_list_dates_are_written_as_django_writes_them(fmt, day):
    assert _date_formatter(fmt)(day) == dateformat.format(day, fmt)
