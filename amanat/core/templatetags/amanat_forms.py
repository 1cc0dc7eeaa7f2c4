"""A filter field (label, widget, errors) written in Python: a list page has a dozen of them, and
an include per field costs the template engine more than the widget itself."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString, mark_safe

from amanat.core.widgets import escape

register = template.Library()

FIELD_CSS = "col-12 col-sm-6 col-lg-3"


@register.simple_tag
def filter_field(field: BoundField, css: str = FIELD_CSS) -> SafeString:
    errors = ""
    if field.errors:
        text = " ".join(escape(error) for error in field.errors)
        errors = f'<div class="invalid-feedback d-block" id="{escape(field.auto_id)}_error" role="alert">{text}</div>'
    return mark_safe(  # the label, the ids and the errors are escaped; the widget escapes itself
        f'<div class="{escape(css)}">'
        f'<label class="form-label small mb-1" for="{escape(field.id_for_label)}">{escape(field.label)}</label>'
        f"{field}{errors}</div>"
    )
