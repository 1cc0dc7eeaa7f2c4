"""The quick select widgets write what Django's template-rendered selects write."""

from __future__ import annotations

import pytest
from django import forms

from amanat.core.process_cache import drop_choices
from amanat.core.widgets import QUICK_INPUTS, QuickSelect, QuickSelectMultiple, quick_selects
from amanat.org.models import OrgUnit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_lists():
    drop_choices()


class PickForm(forms.Form):
    one = forms.ChoiceField(choices=[("a", "Alpha & <b>"), ("b", "Beta")], required=False)
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y"), ("z", "Z")], required=False)
    grouped = forms.ChoiceField(choices=[("Group", [("g1", "G1"), ("g2", "G2")]), ("solo", "Solo")])
    unit = forms.ModelChoiceField(queryset=OrgUnit.objects.order_by("path"), empty_label="Any unit", required=False)


def test_quick_selects_render_like_django(tree):
    data = {"one": "a", "many": ["x", "z"], "grouped": "g2", "unit": str(tree.makat.pk)}
    plain = PickForm(data)
    quick = quick_selects(PickForm(data))
    assert isinstance(quick.fields["one"].widget, QuickSelect)
    assert isinstance(quick.fields["many"].widget, QuickSelectMultiple)
    for name in ("one", "many", "grouped", "unit"):
        assert _normal(str(quick[name])) == _normal(str(plain[name])), name


def test_quick_select_marks_only_the_chosen_and_escapes_labels(tree):
    html = str(quick_selects(PickForm({"one": "b", "many": ["y"]}))["one"])
    assert '<option value="b" selected>Beta</option>' in html
    assert '<option value="a">Alpha &amp; &lt;b&gt;</option>' in html
    many = str(quick_selects(PickForm({"many": ["y"]}))["many"])
    assert "multiple" in many and '<option value="y" selected>' in many and '<option value="x">' in many


def test_model_choices_are_read_in_one_query(tree, django_assert_num_queries):
    form = quick_selects(PickForm())
    with django_assert_num_queries(1):
        html = str(form["unit"])
    assert '<option value="" selected>Any unit</option>' in html
    assert f'<option value="{tree.inder.pk}">' in html


class TypeForm(forms.Form):
    text = forms.CharField(required=False, widget=forms.TextInput(attrs={"placeholder": 'Say "hi" & <go>'}))
    number = forms.IntegerField(required=False, min_value=1, max_value=60)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    mail = forms.EmailField(required=False)


@pytest.mark.parametrize(
    "data", [{}, {"text": '<b>"x"</b>', "number": "7", "day": "2026-11-24", "mail": "a@b.kz"}, {"number": "x"}]
)
def test_quick_inputs_render_like_django(data):
    plain = TypeForm(data or None)
    quick = quick_selects(TypeForm(data or None))
    for name in ("text", "number", "day", "mail"):
        assert type(quick.fields[name].widget) in QUICK_INPUTS.values(), name
        assert str(quick[name]) == str(plain[name]), name


def test_a_kept_option_list_marks_each_forms_own_choice(tree, django_assert_num_queries):
    str(quick_selects(PickForm())["unit"])  # the list is read and written once
    with django_assert_num_queries(0):  # unbound forms: a bound one reads its chosen row to check it
        makat = str(quick_selects(PickForm(initial={"unit": tree.makat.pk}))["unit"])
        inder = str(quick_selects(PickForm(initial={"unit": tree.inder.pk}))["unit"])
    assert f'<option value="{tree.makat.pk}" selected>' in makat and f'<option value="{tree.inder.pk}">' in makat
    assert f'<option value="{tree.inder.pk}" selected>' in inder and f'<option value="{tree.makat.pk}">' in inder
    assert " selected>" not in str(quick_selects(PickForm())["unit"]).replace('value="" selected', "")


def _normal(html: str) -> str:
    return " ".join(html.split()).replace("> <", "><")
