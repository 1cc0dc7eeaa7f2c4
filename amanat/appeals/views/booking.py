"""Public pages under /receptions/: a reception's free times, booking one, the confirmation, cancelling.

No account is needed. The directory of receptions itself is `core:receptions` (/receptions/).
Spam defences without outside services: a honeypot field and a limit of bookings per address.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from amanat.appeals.forms.receptions import BookingCancelForm, BookingForm
from amanat.appeals.models import Booking, Reception, ReceptionSlot
from amanat.appeals.services import receptions as services
from amanat.core.middleware import client_ip


def free_slots_by_host(reception: Reception) -> list[dict[str, Any]]:
    """[{host, days: [(date, [slots])]}] of the reception's free times in the next two weeks."""
    now = timezone.now()
    slots = (
        services.bookable_slots()
        .filter(reception=reception, starts_at__lt=now + dt.timedelta(days=services.PUBLIC_DAYS))
        .select_related("host")
        .order_by("host__full_name", "host_id", "starts_at")
    )
    hosts: dict[int, dict[str, Any]] = {}
    for slot in slots:
        day = timezone.localtime(slot.starts_at, services.zone()).date()
        if not services.is_reception_day(day):
            continue
        entry = hosts.setdefault(slot.host_id, {"host": slot.host, "days": {}})
        entry["days"].setdefault(day, []).append(slot)
    return [{"host": e["host"], "days": sorted(e["days"].items())} for e in hosts.values()]


def reception_public(request: HttpRequest, pk: int) -> HttpResponse:
    reception = Reception.objects.filter(pk=pk, is_active=True).select_related("org_unit").first()
    if reception is None:
        raise Http404
    return render(
        request,
        "appeals/booking/reception.html",
        {"reception": reception, "hosts": free_slots_by_host(reception), "days": services.PUBLIC_DAYS},
    )


def _public_slot(pk: int) -> ReceptionSlot:
    slot = (
        ReceptionSlot.objects.filter(pk=pk, reception__is_active=True)
        .select_related("reception", "host")
        .prefetch_related(
            Prefetch("bookings", queryset=Booking.objects.exclude(status="cancelled"), to_attr="live_bookings")
        )
        .first()
    )
    if slot is None:
        raise Http404
    return slot


def _unavailable(slot: ReceptionSlot) -> str:
    """Why the slot cannot be booked now, or "" when it can."""
    if slot.is_cancelled:
        return _("This time has been cancelled: choose another.")
    if slot.starts_at <= timezone.now():
        return _("This time has already passed: choose another.")
    if not services.is_reception_day(timezone.localtime(slot.starts_at, services.zone()).date()):
        return _("There is no reception on this day: choose another.")
    if slot.live_bookings:
        return str(services.TAKEN_MESSAGE)
    return ""


@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, pk: int) -> HttpResponse:
    slot = _public_slot(pk)
    form = BookingForm(request.POST or None)
    status = 200
    problem = _unavailable(slot)
    if request.method == "POST":
        ip = client_ip(request)
        if form.is_robot():
            form.is_valid()
            form.add_error(None, _("The form could not be sent. Please try again."))
            status = 400
        elif services.booking_rate_limited(ip):
            form.is_valid()
            form.add_error(None, _("Too many bookings from your connection: please try again in an hour."))
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                booking = services.booking_create(
                    slot_id=slot.pk,
                    name=data["name"],
                    phone=data["phone"],
                    email=data.get("email") or "",
                    topic=data["topic"],
                    consent=data["consent"],
                )
            except services.SlotTakenError as exc:
                form.add_service_errors(exc, rename={"slot": "__all__"})
                status = 409
            except ValidationError as exc:
                form.add_service_errors(exc)
                status = 400
            else:
                services.booking_rate_limited(ip, count=True)
                return redirect("appeals:booking-done", code=booking.code)
        else:
            status = 400
    return render(
        request,
        "appeals/booking/book.html",
        {"slot": slot, "reception": slot.reception, "form": form, "problem": problem},
        status=status,
    )


def booking_done(request: HttpRequest, code: str) -> HttpResponse:
    booking = Booking.objects.filter(code=code.upper()[:12]).select_related("slot__reception", "slot__host").first()
    if booking is None:
        raise Http404
    return render(request, "appeals/booking/done.html", {"booking": booking, "slot": booking.slot})


@require_http_methods(["GET", "POST"])
def booking_cancel(request: HttpRequest) -> HttpResponse:
    form = BookingCancelForm(request.POST or None, initial={"code": request.GET.get("code", "")[:12]})
    cancelled = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                cancelled = services.booking_cancel(code=form.cleaned_data["code"], phone=form.cleaned_data["phone"])
            except ValidationError as exc:
                form.add_service_errors(exc)
                status = 400
        else:
            status = 400
    return render(request, "appeals/booking/cancel.html", {"form": form, "cancelled": cancelled}, status=status)


urlpatterns = [
    path("<int:pk>/", reception_public, name="reception-public"),
    path("book/<int:pk>/", book, name="booking-create"),
    path("booked/<str:code>/", booking_done, name="booking-done"),
    path("cancel/", booking_cancel, name="booking-cancel"),
]
