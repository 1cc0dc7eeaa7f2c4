"""The user's notifications: the list, opening one, marking read, the badge, preferences."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import ListView

from amanat.notifications.badge import badge_html
from amanat.notifications.choices import Channel
from amanat.notifications.forms import PreferencesForm
from amanat.notifications.models import Notification
from amanat.notifications.selectors import notification_list, preferences_for, unread_count
from amanat.notifications.services import (
    notification_mark_read,
    notifications_mark_all_read,
    preferences_save,
)

# htmx treats 286 as "stop polling": a logged-out badge stops asking.
STOP_POLLING = 286


def _safe_url(request: HttpRequest, url: str) -> str | None:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


class NotificationListView(LoginRequiredMixin, ListView):
    """Newest first; unread ones highlighted. `?unread=1` shows only unread."""

    template_name = "notifications/list.html"
    context_object_name = "notifications"
    paginate_by = 30

    def get_queryset(self) -> Any:
        return notification_list(user=self.request.user, unread_only=self.request.GET.get("unread") == "1")

    def paginate_queryset(self, queryset: Any, page_size: int) -> Any:
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop(self.page_kwarg, None)
        context["query_without_page"] = query.urlencode()
        context["unread_only"] = self.request.GET.get("unread") == "1"
        context["unread_total"] = unread_count(self.request.user)
        return context


def _own(request: HttpRequest, pk: int) -> Notification:
    # Someone else's notification answers 404, like a missing one.
    return get_object_or_404(Notification.objects.for_user(request.user), pk=pk)


@login_required
@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Following a notification's link marks it read, then goes where it points."""
    notification = notification_mark_read(user=request.user, notification=_own(request, pk))
    return HttpResponseRedirect(_safe_url(request, notification.url) or reverse("notifications:list"))


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = notification_mark_read(user=request.user, notification=_own(request, pk))
    if getattr(request, "htmx", False):
        return render(request, "notifications/list.html#item", {"notification": notification})
    return HttpResponseRedirect(_safe_url(request, request.POST.get("next", "")) or reverse("notifications:list"))


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")


@require_GET
def badge(request: HttpRequest) -> HttpResponse:
    """The navbar's bell with the unread count; htmx polls it every minute."""
    if not request.user.is_authenticated:
        return HttpResponse("", status=STOP_POLLING)
    return HttpResponse(badge_html(unread_count(request.user)))


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """Per kind of notification: e-mail on/off, SMS on/off. In-app is always on."""
    rows = preferences_for(request.user)
    form = PreferencesForm(request.POST if request.method == "POST" else None, user=request.user, rows=rows)
    if request.method == "POST" and form.is_valid():
        preferences_save(user=request.user, choices=form.choices())
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "language": request.user.get_language_display(),
            "email_available": form.available[Channel.EMAIL],
            "sms_available": form.available[Channel.SMS],
        },
    )
