"""Staff pages for receptions: the offices, hosts' weekly hours, slots, bookings, "my reception day".

Receptions, hours, slots and bookings are scoped by `appeals.manage_receptions` on the
reception's unit (out of scope answers 404). A host (`appeals.host_reception`) sees their own
day and marks who came.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from amanat.appeals.choices import BookingStatus
from amanat.appeals.forms.receptions import (
    DayForm,
    GenerateForm,
    HoursForm,
    MarkForm,
    ReceptionForm,
    SlotCancelForm,
)
from amanat.appeals.models import Booking, Reception, ReceptionHours, ReceptionSlot
from amanat.appeals.permissions import AppealAction
from amanat.appeals.services import receptions as services
from amanat.core.lists import ScopedListView
from amanat.core.permissions import get_visible_or_404, has_action, need

MANAGE = AppealAction.MANAGE_RECEPTIONS
FORM_TEMPLATE = "appeals/receptions/form.html"


def _reception(user: Any, pk: int) -> Reception:
    return get_visible_or_404(Reception.objects.select_related("org_unit", "territory"), user, MANAGE, pk=pk)


def _hours(user: Any, pk: int) -> ReceptionHours:
    return get_visible_or_404(ReceptionHours.objects.select_related("reception__org_unit", "host"), user, MANAGE, pk=pk)


def _slot(user: Any, pk: int) -> ReceptionSlot:
    return get_visible_or_404(ReceptionSlot.objects.select_related("reception__org_unit", "host"), user, MANAGE, pk=pk)


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=services.zone())
    return start, start + dt.timedelta(days=1)


def _render_form(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    form = context.get("form")
    refused = request.method == "POST" and form is not None and form.is_bound and bool(form._errors)
    return render(request, FORM_TEMPLATE, context, status=400 if refused else 200)


def _apply(form: Any, call: Any) -> Any:
    try:
        return call()
    except ValidationError as exc:
        form.add_service_errors(exc)
        return None


def new_appeal_url(booking: Booking) -> str:
    """The intake page, told which booking the appeal comes from (it fills in the visitor)."""
    try:
        return f"{reverse('appeals:new')}?booking={booking.pk}"
    except NoReverseMatch:
        return ""


def _back(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


# --- receptions -----------------------------------------------------------------------------


class ReceptionListView(ScopedListView):
    model = Reception
    action = MANAGE
    template_name = "appeals/receptions/list.html"
    export_filename = "receptions"
    export_columns = (
        (gettext_lazy("Name"), "name"),
        (gettext_lazy("Unit"), "org_unit"),
        (gettext_lazy("Territory"), "territory"),
        (gettext_lazy("Address"), "address"),
        (gettext_lazy("Opening hours"), "hours"),
        (gettext_lazy("Phone"), "phone"),
        (gettext_lazy("E-mail"), "email"),
        (gettext_lazy("Open"), "is_active"),
    )

    def base_queryset(self) -> Any:
        return Reception.objects.select_related("org_unit", "territory").order_by("org_unit__path", "name_ru")


@login_required
@require_http_methods(["GET", "POST"])
def reception_create(request: HttpRequest) -> HttpResponse:
    need(request.user, MANAGE)
    form = ReceptionForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.changes()
        staff = list(data.pop("staff", []) or [])
        unit = data.pop("org_unit")
        reception = _apply(
            form, lambda: services.reception_create(actor=request.user, org_unit=unit, staff=staff, **data)
        )
        if reception is not None:
            messages.success(request, _("Reception %(name)s opened.") % {"name": reception})
            return redirect("appeals:reception-detail", pk=reception.pk)
    return _render_form(
        request, {"form": form, "title": _("New reception"), "cancel_url": reverse("appeals:reception-list")}
    )


@login_required
@require_http_methods(["GET", "POST"])
def reception_edit(request: HttpRequest, pk: int) -> HttpResponse:
    reception = _reception(request.user, pk)
    form = ReceptionForm(request.POST or None, instance=reception, actor=request.user)
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        changes["staff"] = list(changes.get("staff") or [])
        done = _apply(form, lambda: services.reception_update(actor=request.user, reception=reception, changes=changes))
        if done is not None:
            messages.success(request, _("Reception saved."))
            return redirect("appeals:reception-detail", pk=reception.pk)
    return _render_form(
        request,
        {
            "form": form,
            "title": _("Edit %(name)s") % {"name": reception},
            "cancel_url": reverse("appeals:reception-detail", args=[reception.pk]),
            "history_object": reception,
        },
    )


@login_required
def reception_detail(request: HttpRequest, pk: int) -> HttpResponse:
    reception = _reception(request.user, pk)
    hours = list(reception.hours_set.select_related("host").order_by("weekday", "start_time"))
    now = timezone.now()
    live = Booking.objects.exclude(status=BookingStatus.CANCELLED)
    upcoming = list(
        reception.slots.filter(starts_at__gte=now, starts_at__lt=now + dt.timedelta(days=services.PUBLIC_DAYS))
        .select_related("host")
        .prefetch_related(Prefetch("bookings", queryset=live, to_attr="live_bookings"))
        .order_by("starts_at")
    )
    days: dict[dt.date, list[ReceptionSlot]] = {}
    for slot in upcoming:
        days.setdefault(timezone.localtime(slot.starts_at, services.zone()).date(), []).append(slot)
    return render(
        request,
        "appeals/receptions/detail.html",
        {
            "reception": reception,
            "hours": hours,
            "days": sorted(days.items()),
            "generate_form": GenerateForm(),
            "cancel_form": SlotCancelForm(),
            "staff": list(reception.staff.order_by("full_name")),
        },
    )


# --- hours ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def hours_create(request: HttpRequest, pk: int) -> HttpResponse:
    reception = _reception(request.user, pk)
    form = HoursForm(request.POST or None, reception=reception, initial={"valid_from": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        hours = _apply(form, lambda: services.hours_create(actor=request.user, reception=reception, **form.changes()))
        if hours is not None:
            added = services.slots_generate(hours=hours, weeks=services.SWEEP_WEEKS, actor=request.user)
            messages.success(
                request, _("Hours added; %(count)s bookable times made for the next weeks.") % {"count": added}
            )
            return redirect("appeals:reception-detail", pk=reception.pk)
    return _render_form(
        request,
        {
            "form": form,
            "title": _("New reception hours at %(name)s") % {"name": reception},
            "intro": _("The person who receives must hold reception hours at this reception's unit."),
            "cancel_url": reverse("appeals:reception-detail", args=[reception.pk]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def hours_edit(request: HttpRequest, pk: int) -> HttpResponse:
    hours = _hours(request.user, pk)
    reception = hours.reception
    form = HoursForm(request.POST or None, instance=hours, reception=reception)
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        done = _apply(form, lambda: services.hours_update(actor=request.user, hours=hours, changes=changes))
        if done is not None:
            services.slots_generate(hours=done, weeks=services.SWEEP_WEEKS, actor=request.user)
            messages.success(request, _("Hours saved."))
            return redirect("appeals:reception-detail", pk=reception.pk)
    return _render_form(
        request,
        {
            "form": form,
            "title": _("Reception hours: %(hours)s") % {"hours": hours},
            "cancel_url": reverse("appeals:reception-detail", args=[reception.pk]),
            "history_object": hours,
            "delete_url": reverse("appeals:hours-delete", args=[hours.pk]),
        },
    )


@login_required
@require_POST
def hours_delete(request: HttpRequest, pk: int) -> HttpResponse:
    hours = _hours(request.user, pk)
    reception_pk = hours.reception_id
    services.hours_delete(actor=request.user, hours=hours)
    messages.success(request, _("Hours removed; times already booked stay until you cancel them."))
    return redirect("appeals:reception-detail", pk=reception_pk)


# --- slots and bookings ---------------------------------------------------------------------


@login_required
@require_POST
def slots_generate(request: HttpRequest, pk: int) -> HttpResponse:
    reception = _reception(request.user, pk)
    form = GenerateForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("appeals:reception-detail", pk=reception.pk)
    weeks = form.cleaned_data["weeks"]
    added = sum(
        services.slots_generate(hours=hours, weeks=weeks, actor=request.user)
        for hours in reception.hours_set.select_related("reception__org_unit")
    )
    messages.success(request, _("%(count)s new bookable times made.") % {"count": added})
    return redirect("appeals:reception-detail", pk=reception.pk)


@login_required
@require_POST
def slot_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    slot = _slot(request.user, pk)
    form = SlotCancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.slot_cancel(actor=request.user, slot=slot, reason=reason)
    messages.success(request, _("The time is cancelled; a citizen who booked it has been told."))
    return redirect(_back(request, reverse("appeals:reception-detail", args=[slot.reception_id])))


def _day_slots(slots: Any, day: dt.date) -> list[ReceptionSlot]:
    start, end = _day_bounds(day)
    bookings = Booking.objects.order_by("created_at")
    return list(
        slots.filter(starts_at__gte=start, starts_at__lt=end)
        .select_related("reception", "host")
        .prefetch_related(Prefetch("bookings", queryset=bookings, to_attr="all_bookings"))
        .order_by("starts_at", "host__full_name")
    )


def _decorate(slots: list[ReceptionSlot]) -> None:
    for slot in slots:
        slot.live = next((b for b in slot.all_bookings if b.status != BookingStatus.CANCELLED), None)
        slot.cancelled_bookings = [b for b in slot.all_bookings if b.status == BookingStatus.CANCELLED]
        slot.new_appeal_url = new_appeal_url(slot.live) if slot.live else ""


@login_required
def booking_list(request: HttpRequest, pk: int) -> HttpResponse:
    reception = _reception(request.user, pk)
    day_form = DayForm(request.GET or None)
    day = day_form.chosen()
    slots = _day_slots(ReceptionSlot.objects.visible_to(request.user, MANAGE).filter(reception=reception), day)
    _decorate(slots)
    return render(
        request,
        "appeals/receptions/bookings.html",
        {
            "reception": reception,
            "day": day,
            "day_form": day_form,
            "slots": slots,
            "booked": sum(1 for s in slots if s.live),
            "prev_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1),
            "mark_choices": MarkForm.base_fields["status"].choices,
        },
    )


@login_required
@require_POST
def booking_mark(request: HttpRequest, pk: int) -> HttpResponse:
    base = Booking.objects.select_related("slot__reception__org_unit")
    booking = base.filter(pk=pk, slot__host=request.user).first() if request.user.is_authenticated else None
    if booking is None:
        booking = get_visible_or_404(base, request.user, MANAGE, pk=pk)
    form = MarkForm(request.POST)
    fallback = reverse("appeals:booking-list", args=[booking.slot.reception_id])
    if not form.is_valid():
        messages.error(request, _("Choose whether the visitor came."))
        return redirect(_back(request, fallback))
    try:
        services.booking_mark(actor=request.user, booking=booking, status=form.cleaned_data["status"])
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Booking %(code)s marked.") % {"code": booking.code})
    return redirect(_back(request, fallback))


@login_required
def my_day(request: HttpRequest) -> HttpResponse:
    """The host's reception day: their times and who booked them, on a phone."""
    if not (has_action(request.user, AppealAction.HOST_RECEPTION) or has_action(request.user, MANAGE)):
        raise Http404
    day_form = DayForm(request.GET or None)
    day = day_form.chosen()
    slots = _day_slots(ReceptionSlot.objects.filter(host=request.user), day)
    _decorate(slots)
    return render(
        request,
        "appeals/receptions/my_day.html",
        {
            "day": day,
            "day_form": day_form,
            "slots": slots,
            "booked": sum(1 for s in slots if s.live),
            "prev_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1),
            "today": timezone.localdate(),
            "mark_choices": MarkForm.base_fields["status"].choices,
            "upcoming": _next_days_with_slots(request.user, day),
        },
    )


def _next_days_with_slots(user: Any, day: dt.date) -> list[dt.date]:
    start, _end = _day_bounds(day + dt.timedelta(days=1))
    found = (
        ReceptionSlot.objects.filter(host=user, is_cancelled=False, starts_at__gte=start)
        .filter(Q(starts_at__lt=start + dt.timedelta(days=30)))
        .values_list("starts_at", flat=True)
        .order_by("starts_at")
    )
    days: list[dt.date] = []
    for starts_at in found:
        d = timezone.localtime(starts_at, services.zone()).date()
        if d not in days:
            days.append(d)
        if len(days) >= 5:
            break
    return days


urlpatterns = [
    path("receptions/", ReceptionListView.as_view(), name="reception-list"),
    path("receptions/new/", reception_create, name="reception-create"),
    path("receptions/<int:pk>/", reception_detail, name="reception-detail"),
    path("receptions/<int:pk>/edit/", reception_edit, name="reception-edit"),
    path("receptions/<int:pk>/hours/new/", hours_create, name="hours-create"),
    path("receptions/<int:pk>/slots/generate/", slots_generate, name="slots-generate"),
    path("receptions/<int:pk>/bookings/", booking_list, name="booking-list"),
    path("reception-hours/<int:pk>/edit/", hours_edit, name="hours-edit"),
    path("reception-hours/<int:pk>/delete/", hours_delete, name="hours-delete"),
    path("reception-slots/<int:pk>/cancel/", slot_cancel, name="slot-cancel"),
    path("bookings/<int:pk>/mark/", booking_mark, name="booking-mark"),
    path("my-day/", my_day, name="my-day"),
]
