"""`{% object_history obj %}` for detail pages, and filters that make audit events readable.

{% load audit %}
{% object_history appeal %}          {# the caller has already checked the user sees it #}
{{ event.verb|verb_label }}
"""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.utils.formats import localize
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from amanat.audit.selectors import history_for
from amanat.audit.services import REDACTED
from amanat.audit.services import verb_label as _verb_label

register = template.Library()


def object_type_label(content_type: ContentType | None) -> str:
    if content_type is None:
        return ""
    model = content_type.model_class()
    if model is None:
        return f"{content_type.app_label}.{content_type.model}"
    return capfirst(str(model._meta.verbose_name))


def _content_type(event: Any) -> ContentType:
    # From ContentType's own cache: no query per row, whether or not the caller joined it.
    return ContentType.objects.get_for_id(event.target_type_id)


def _field_label(model: Any, name: str) -> str:
    if model is not None:
        try:
            return capfirst(str(model._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:
            pass
    return capfirst(name.replace("_", " "))


def show_value(value: Any) -> str:
    """A stored before/after value as a person reads it."""
    if value is None or value == "":
        return "—"
    if value == REDACTED:
        return _("(hidden)")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(show_value(v) for v in value) or "—"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(localize(value))


def change_rows(event: Any) -> list[dict[str, str]]:
    """[{"field", "before", "after"}] for an event's changes, with the fields' labels."""
    model = _content_type(event).model_class() if event.target_type_id else None
    rows = []
    for name, pair in (event.changes or {}).items():
        before, after = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
        rows.append({"field": _field_label(model, name), "before": show_value(before), "after": show_value(after)})
    return rows


def detail_rows(event: Any) -> list[dict[str, str]]:
    """The event's details; keys that name a field of the target get that field's label."""
    model = _content_type(event).model_class() if event.target_type_id else None
    return [{"key": _field_label(model, str(k)), "value": show_value(v)} for k, v in (event.data or {}).items()]


@register.filter
def verb_label(verb: str) -> str:
    return str(_verb_label(verb))


@register.filter
def object_type(event: Any) -> str:
    return object_type_label(_content_type(event)) if event.target_type_id else ""


@register.simple_tag
def audit_changes(event: Any) -> list[dict[str, str]]:
    return change_rows(event)


@register.simple_tag
def audit_details(event: Any) -> list[dict[str, str]]:
    return detail_rows(event)


@register.inclusion_tag("audit/_history.html")
def object_history(obj: Any, limit: int = 50) -> dict[str, Any]:
    """Who did what to obj and when, newest first, with changed fields before → after."""
    if obj is None or getattr(obj, "pk", None) is None:
        return {"events": []}
    events = list(history_for(obj, limit=limit))
    return {"events": events, "limit": limit, "truncated": len(events) >= limit}
