"""Widgets that render in Python instead of through Django's widget templates.

Django renders each `<option>` through `select_option.html` and `attrs.html`, and each `<input>`
through `input.html`: a list page with a dozen filters spends more time there than in its queries.
These widgets write the same HTML (the same attributes, `selected` on the chosen values, escaped
labels and values) with string joins. A model choice field's options come from this process's copy
(`core.process_cache.model_choices`: no query, no model objects, until a row changes).
`quick_selects(form)` swaps them into a form's selects and plain inputs.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.safestring import SafeString, mark_safe

from amanat.core.process_cache import model_choices


def escape(value: Any) -> str:
    """Django's conditional_escape without its lazy-argument wrapper (~4 µs a call; a page has
    hundreds): marked-safe text as it is, anything else escaped as `html.escape` does."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def attributes(attrs: dict[str, Any]) -> str:
    """The attributes as Django's `attrs.html` writes them: in their order (`flatatt` sorts them),
    a True one as a bare name, a False one left out."""
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(f" {escape(name)}")
        elif value is not False:
            parts.append(f' {escape(name)}="{escape(value)}"')
    return "".join(parts)


def _options(choices: Iterable[Any], selected: set[str]) -> list[str]:
    parts: list[str] = []
    for value, label in choices:
        if isinstance(label, list | tuple):  # an optgroup
            parts.append(f'<optgroup label="{escape(value)}">')
            parts += _options(label, selected)
            parts.append("</optgroup>")
            continue
        key = "" if value is None else str(value)
        chosen = " selected" if key in selected else ""
        parts.append(f'<option value="{escape(key)}"{chosen}>{escape(label)}</option>')
    return parts


def _option_tags(choices: Any, selected: set[str]) -> list[str]:
    """The <option> tags; a model field's from the process's copy, written once per copy (a
    region's unit list has hundreds), with `selected` put into the chosen ones.
    ModelChoiceIterator would read the rows with .iterator(), a server-side cursor on PostgreSQL:
    three round trips for a list of fifty."""
    if not isinstance(choices, ModelChoiceIterator):
        return _options(choices, selected)
    field = choices.field
    head = _options([("", field.empty_label)], selected) if field.empty_label is not None else []
    listed = model_choices(field)
    if listed.html is None:
        listed.html = "\n  ".join(_options(listed, set()))
    body = listed.html
    for key in selected - {""}:
        plain = f'<option value="{escape(key)}">'
        body = body.replace(plain, plain[:-1] + " selected>", 1)
    return [*head, body] if body else head


class QuickSelect(forms.Select):
    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        values = self.format_value(value)
        selected = {str(v) for v in values}
        if not self.allow_multiple_selected and len(selected) > 1:
            selected = {str(values[0])}
        final = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final["multiple"] = True
        options = "\n  ".join(_option_tags(self.choices, selected))
        # Every part is escaped: the name, the attributes and each option (_options).
        return mark_safe(f'<select name="{escape(name)}"{attributes(final)}>\n  {options}\n</select>')


class QuickSelectMultiple(QuickSelect, forms.SelectMultiple):
    allow_multiple_selected = True


class QuickInput:
    """What `input.html` writes: type, name, the value unless None, then the attributes."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        shown = "" if widget["value"] is None else f' value="{escape(widget["value"])}"'
        return mark_safe(
            f'<input type="{escape(widget["type"])}" name="{escape(name)}"{shown}{attributes(widget["attrs"])}>'
        )


# The plain inputs, each with a quick twin that keeps its format and type (DateInput's format).
QUICK_INPUTS: dict[type, type] = {
    cls: type(f"Quick{cls.__name__}", (QuickInput, cls), {})
    for cls in (forms.TextInput, forms.NumberInput, forms.EmailInput, forms.URLInput, forms.DateInput)
}


def quick_selects(form: forms.BaseForm) -> forms.BaseForm:
    """Give the form's plain selects and inputs the quick widgets (same attributes and choices)."""
    for field in form.fields.values():
        widget = field.widget
        if type(widget) is forms.Select:
            quick = QuickSelect(attrs=widget.attrs, choices=widget.choices)
        elif type(widget) is forms.SelectMultiple:
            quick = QuickSelectMultiple(attrs=widget.attrs, choices=widget.choices)
        elif type(widget) in QUICK_INPUTS:
            # The form's own copy of the widget, given the quick renderer: every setting stays.
            widget.__class__ = QUICK_INPUTS[type(widget)]
            continue
        else:
            continue
        quick.is_required = widget.is_required
        field.widget = quick
    return form
