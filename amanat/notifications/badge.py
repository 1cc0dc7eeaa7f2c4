"""The navbar's bell with the unread count: on every workspace page, and polled by htmx every
minute. Written in Python and kept per count, language and URL prefix: a template for it cost a
list page ~1 ms, for one link."""

from __future__ import annotations

import functools

from django.urls import get_script_prefix, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext


def badge_html(unread: int) -> SafeString:
    return _badge(min(unread, 100), get_language(), get_script_prefix())


@functools.lru_cache(maxsize=512)
def _badge(unread: int, language: str | None, prefix: str) -> SafeString:
    count = ""
    if unread:
        count = format_html(
            '<span class="badge rounded-pill bg-danger">{}<span class="visually-hidden"> {}</span></span>',
            "99+" if unread > 99 else unread,
            gettext("unread"),
        )
    return format_html(
        '<a id="notifications-badge" class="nav-link position-relative text-light px-2" href="{}" '
        'hx-get="{}" hx-trigger="every 60s" hx-swap="outerHTML">'
        '<i class="bi bi-bell" aria-hidden="true"></i><span class="visually-hidden">{}</span>{}</a>',
        reverse("notifications:list"),
        reverse("notifications:badge"),
        gettext("Notifications"),
        count or mark_safe(""),
    )
