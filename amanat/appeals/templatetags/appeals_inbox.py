"""The inbox's table rows, written in Python.

A page of 50 appeals has ~600 values to print; through the template engine each costs a variable
lookup, a localisation check and an escape (~20 ms of the page on a small server). The view
prepares every cell's text (`AppealListView.get_context_data`); this tag escapes and joins them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from amanat.core.widgets import escape

register = template.Library()


def _deadline_cell(appeal: Any) -> str:
    if appeal.days_left is not None:
        css = escape(appeal.deadline_css)
        return (
            f'<span class="{css}">{escape(appeal.deadline_text)}</span><br>'
            f'<small class="{css}" data-days-left="{appeal.days_left}">{escape(appeal.deadline_label)}</small>'
        )
    if appeal.status == "paused":
        return f'<small class="text-muted">{escape(gettext("clock paused"))}</small>'
    if appeal.deadline:
        return f'<span class="text-muted">{escape(appeal.deadline_text)}</span>'
    return "—"


@register.simple_tag
def inbox_rows(appeals: Iterable[Any], can_assign: bool) -> SafeString:
    rows = []
    for appeal in appeals:
        pk = int(appeal.pk)
        pick = ""
        if can_assign:
            disabled = "" if appeal.is_open_now else " disabled"
            pick = (
                f'<td><input class="form-check-input" type="checkbox" name="appeal" value="{pk}" id="pick-{pk}" '
                f'aria-labelledby="number-{pk}"{disabled}></td>'
            )
        rows.append(
            f"<tr>{pick}"
            f'<td class="text-nowrap" id="number-{pk}"><a href="{escape(appeal.detail_url)}">{escape(appeal.number)}</a></td>'
            f'<td class="d-none d-md-table-cell text-nowrap">{escape(appeal.received_label)}</td>'
            f'<td class="d-none d-lg-table-cell">{escape(appeal.type_label)}</td>'
            f'<td class="d-none d-lg-table-cell">{escape(appeal.category_label)}</td>'
            f"<td>{escape(appeal.summary)}</td>"
            f'<td class="d-none d-xl-table-cell">{escape(appeal.unit_label)}</td>'
            f'<td class="d-none d-md-table-cell">{escape(appeal.executor_label)}</td>'
            f'<td><span class="badge {escape(appeal.status_css)}">{escape(appeal.status_label)}</span></td>'
            f'<td class="text-nowrap">{_deadline_cell(appeal)}</td>'
            "</tr>"
        )
    return mark_safe("\n".join(rows))  # every value above is escaped or an integer
