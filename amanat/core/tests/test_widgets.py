"""The quick select widgets write what Django's template-rendered selects write."""

from __future__ import annotations

import pytest
from django import forms

from amanat.core.widgets import QuickSelect, QuickSelectMultiple, quick_selects
from amanat.org.models import OrgUnit

pytestmark = pytest.mark.django_db


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


def _normal(html: str) -> str:
    return " ".join(html.split()).replace("> <", "><")
