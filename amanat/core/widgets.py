"""Select widgets that render their options in Python instead of one template per option.

Django renders each `<option>` through `select_option.html` and `attrs.html`: a list page with a
few filter selects of 10–100 options spends more time there than in its queries. These widgets
write the same HTML (the same attributes, `selected` on the chosen values, escaped labels) with
string joins, and read a model choice field's options in one query rather than through a
server-side cursor. `quick_selects(form)` swaps them into a form's select fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe


def _options(choices: Iterable[Any], selected: set[str]) -> list[str]:
    html: list[str] = []
    for value, label in choices:
        if isinstance(label, list | tuple):  # an optgroup
            html.append(f'<optgroup label="{escape(value)}">')
            html += _options(label, selected)
            html.append("</optgroup>")
            continue
        key = "" if value is None else str(value)
        chosen = " selected" if key in selected else ""
        html.append(f'<option value="{escape(key)}"{chosen}>{conditional_escape(label)}</option>')
    return html


def _choices(choices: Any) -> Iterable[Any]:
    """A model field's choices from one plain query (ModelChoiceIterator would use .iterator(),
    a server-side cursor on PostgreSQL: three round trips for a list of fifty)."""
    if not isinstance(choices, ModelChoiceIterator):
        return choices
    field = choices.field
    rows = list(choices.queryset.all())
    head = [("", field.empty_label)] if field.empty_label is not None else []
    return head + [choices.choice(obj) for obj in rows]


class QuickSelect(forms.Select):
    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        values = self.format_value(value)
        selected = {str(v) for v in values}
        if not self.allow_multiple_selected and len(selected) > 1:
            selected = {str(values[0])}
        final = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final["multiple"] = True
        options = "\n  ".join(_options(_choices(self.choices), selected))
        # Every part is escaped: the name, the attributes (flatatt) and each option (_options).
        return mark_safe(f'<select name="{escape(name)}"{flatatt(final)}>\n  {options}\n</select>')


class QuickSelectMultiple(QuickSelect, forms.SelectMultiple):
    allow_multiple_selected = True


def quick_selects(form: forms.BaseForm) -> forms.BaseForm:
    """Give the form's plain select fields the quick widgets (same attributes and choices)."""
    for field in form.fields.values():
        widget = field.widget
        if type(widget) is forms.Select:
            quick = QuickSelect(attrs=widget.attrs, choices=widget.choices)
        elif type(widget) is forms.SelectMultiple:
            quick = QuickSelectMultiple(attrs=widget.attrs, choices=widget.choices)
        else:
            continue
        quick.is_required = widget.is_required
        field.widget = quick
    return form
