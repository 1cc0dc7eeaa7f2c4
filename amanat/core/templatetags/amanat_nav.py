"""Navigation that modules plug into by adding one line each.

    {% load amanat_nav %}
    {% nav_section _("People") "people" %}
      {% nav_item "org:member-list" _("Members") "person-vcard" "org.view_member" %}
    {% endnav_section %}

An item renders only when its URL name exists (a module not installed yet simply has no link)
and the user holds the action somewhere; a section with no visible item renders nothing.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from typing import Any

from django import template
from django.conf import settings
from django.template.base import NodeList, Parser, Token
from django.template.loader import get_template
from django.urls import NoReverseMatch, get_urlconf, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from amanat.core.permissions import all_actions, grants_for, has_action

register = template.Library()
logger = logging.getLogger(__name__)

# Home pages are "current" only on themselves, not on every page below them.
EXACT_MATCH_URLS = frozenset({"/", "/manage/"})
SIDEBAR_TEMPLATE = "manage/_sidebar.html"
NAV_ITEM_NAME = re.compile(r'{%\s*nav_item\s+"([^"]+)"')


def url_or_none(url_name: str, *args: Any) -> str | None:
    try:
        return reverse(url_name, args=args or None)
    except NoReverseMatch:
        return None


def _user(context: template.Context) -> Any:
    request = context.get("request")
    return context.get("user") or getattr(request, "user", None)


def may_use(user: Any, action: str | None) -> bool:
    """Logged in, and holding `action` on some unit (no action: any logged-in user; "a|b": either)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if not action:
        return True
    alternatives = action.split("|")  # "a|b": either will do
    for name in alternatives:
        if name not in all_actions():
            logger.warning("navigation names an unknown action %r", name)
    return any(has_action(user, name) for name in alternatives)


def sidebar_urls() -> tuple[str, ...]:
    """The addresses the staff sidebar links to (read from its template once per process and URL
    configuration)."""
    return _sidebar_urls(settings.ROOT_URLCONF, get_urlconf())


@functools.cache
def _sidebar_urls(root: str, urlconf: Any) -> tuple[str, ...]:
    source = get_template(SIDEBAR_TEMPLATE).template.source
    return tuple(url for name in NAV_ITEM_NAME.findall(source) if (url := url_or_none(name)) is not None)


def current_state(request: Any, url: str) -> tuple[bool, bool]:
    """(is this the page itself, is the page under this link). A page lies under the sidebar link
    whose address is the longest start of its own: /manage/programme/mandates/ is under "Voters'
    mandates", not also under "Programme items" at /manage/programme/."""
    path = getattr(request, "path", "") or ""
    if path == url:
        return True, True
    if url in EXACT_MATCH_URLS or not path.startswith(url):
        return False, False
    return False, not any(len(other) > len(url) and path.startswith(other) for other in sidebar_urls())


@register.simple_tag(takes_context=True)
def nav_item(
    context: template.Context,
    url_name: str,
    label: Any,
    icon: str = "",
    action: str | None = "",
    *,
    variant: str = "nav",
    badge: Any = None,
    badge_label: Any = None,
) -> SafeString:
    """A navigation link, or nothing when the URL does not exist or the user may not use it.

    `variant="nav"` renders a sidebar `<li>`; `variant="quick"` a list-group link (quick links).
    `badge` is a count shown beside the label when not zero; `badge_label` says to screen readers
    what it counts ("unread" unless told).
    """
    user = _user(context)
    if not may_use(user, action):
        return mark_safe("")
    url = url_or_none(url_name)
    if url is None:
        return mark_safe("")
    is_page, is_within = current_state(context.get("request"), url)
    icon_html = format_html('<i class="bi bi-{} me-2" aria-hidden="true"></i>', icon) if icon else ""
    current = mark_safe(' aria-current="page"') if is_page else ""
    if badge:
        label = format_html(
            '{}<span class="badge rounded-pill text-bg-danger ms-2">{}<span class="visually-hidden"> {}</span></span>',
            label,
            badge,
            badge_label or gettext("unread"),
        )
    if variant == "quick":
        return format_html(
            '<a class="list-group-item list-group-item-action d-flex align-items-center" href="{}"{}>{}{}</a>',
            url,
            current,
            icon_html,
            label,
        )
    css = "nav-link d-flex align-items-center" + (" active" if is_within else "")
    return format_html(
        '<li class="nav-item"><a class="{}" href="{}"{}>{}<span>{}</span></a></li>', css, url, current, icon_html, label
    )


class NavSectionNode(template.Node):
    def __init__(self, nodelist: NodeList, label: Any, icon: Any) -> None:
        self.nodelist = nodelist
        self.label = label
        self.icon = icon

    def render(self, context: template.Context) -> str:
        items = self.nodelist.render(context)
        if not items.strip():
            return ""
        label = self.label.resolve(context)
        icon = self.icon.resolve(context) if self.icon is not None else ""
        icon_html = format_html('<i class="bi bi-{} me-2" aria-hidden="true"></i>', icon) if icon else ""
        return format_html(
            '<li class="nav-section"><h2 class="nav-section-title">{}{}</h2><ul class="nav flex-column">{}</ul></li>',
            icon_html,
            label,
            mark_safe(items),  # rendered by the template engine: already escaped
        )


@register.tag("nav_section")
def do_nav_section(parser: Parser, token: Token) -> NavSectionNode:
    """`{% nav_section label [icon] %}…{% endnav_section %}`: a titled group, hidden when empty."""
    bits = token.split_contents()
    if len(bits) not in (2, 3):
        raise template.TemplateSyntaxError("nav_section takes a label and an optional icon")
    nodelist = parser.parse(("endnav_section",))
    parser.delete_first_token()
    label = parser.compile_filter(bits[1])
    icon = parser.compile_filter(bits[2]) if len(bits) == 3 else None
    return NavSectionNode(nodelist, label, icon)


@register.simple_tag
def url_if_exists(url_name: str, *args: Any) -> str:
    """`{% url_if_exists "appeals:new" as url %}{% if url %}…{% endif %}`: links to modules that may be absent."""
    return url_or_none(url_name, *args) or ""


@register.simple_tag(takes_context=True)
def nav_key(context: template.Context) -> str:
    """What the workspace's navigation depends on besides the page and the language: the actions
    the user holds, on which units, and whether they are staff. A fragment cache keyed on it (the
    sidebar's links, the header's scope) is redrawn as soon as a grant changes."""
    user = _user(context)
    if user is None or not getattr(user, "is_authenticated", False):
        return "anonymous"
    grants = grants_for(user)
    held = "*" if grants.everywhere else repr(sorted((a, p) for a, p in grants.paths_by_action.items() if p))
    return hashlib.sha256(f"{user.is_staff}|{held}".encode()).hexdigest()[:16]


@register.simple_tag(takes_context=True)
def unread_notifications(context: template.Context) -> int:
    """The user's unread notifications (counted once per request), 0 without the module."""
    if "notifications_unread" in context:
        return context["notifications_unread"]
    user = _user(context)
    request = context.get("request")
    cached = getattr(request, "_amanat_unread", None)
    if cached is not None:
        return cached
    count = _unread_count(user) if user is not None and user.is_authenticated else 0
    if request is not None:
        request._amanat_unread = count
    return count


@register.simple_tag(takes_context=True)
def notifications_badge(context: template.Context) -> str:
    """The bell with the unread count, when the notifications module is installed."""
    user = _user(context)
    if user is None or not user.is_authenticated or url_or_none("notifications:list") is None:
        return ""
    from amanat.notifications.badge import badge_html

    return badge_html(unread_notifications(context))


def _unread_count(user: Any) -> int:
    try:
        from amanat.notifications.selectors import unread_count
    except ImportError:
        return 0
    return unread_count(user)


@register.simple_tag(takes_context=True)
def public_nav_link(context: template.Context, url_name: str, label: Any) -> SafeString:
    """An item of the public menu's "The party at work" list, or nothing when the page does not
    exist (yet); marked on the page itself and on the pages under it."""
    url = url_or_none(url_name)
    if url is None:
        return mark_safe("")
    path = getattr(context.get("request"), "path", "") or ""
    is_page, is_within = path == url, url != "/" and path.startswith(url)
    return format_html(
        '<li><a class="dropdown-item{}" href="{}"{}>{}</a></li>',
        " active" if is_within or is_page else "",
        url,
        mark_safe(' aria-current="page"') if is_page else "",
        label,
    )
