"""/api/v1/ receptions and bookings: the public directory and free times, booking a time (for a
future bot: no account, limited per address), and the staff's list of bookings.

Errors follow the platform's format (amanat/api/errors.py); a time someone else holds answers
409 with code `slot_taken`, too many bookings from one address 429.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from amanat.appeals.choices import BookingStatus
from amanat.appeals.models import Booking, Reception
from amanat.appeals.permissions import AppealAction
from amanat.appeals.services import receptions as services
from amanat.core.middleware import client_ip

MAX_ID = 2**31 - 1
NOT_FOUND = OpenApiResponse(description="Not found, or not open.")
ERROR = inline_serializer(
    "ReceptionError",
    fields={
        "detail": serializers.CharField(),
        "code": serializers.CharField(),
        "errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False),
    },
)


class ReceptionSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    address = serializers.CharField(read_only=True)
    hours = serializers.CharField(read_only=True)
    org_unit_code = serializers.CharField(source="org_unit.code", read_only=True)

    class Meta:
        model = Reception
        fields = [
            "id",
            "name",
            "name_kk",
            "name_ru",
            "name_en",
            "org_unit",
            "org_unit_code",
            "territory",
            "address",
            "address_kk",
            "address_ru",
            "hours",
            "hours_kk",
            "hours_ru",
            "phone",
            "email",
        ]
        read_only_fields = fields


class FreeSlotSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    starts_at = serializers.DateTimeField(read_only=True)
    ends_at = serializers.DateTimeField(read_only=True)
    host = serializers.IntegerField(source="host_id", read_only=True)
    host_name = serializers.CharField(source="host.full_name", read_only=True)


class BookingCreateSerializer(serializers.Serializer):
    slot = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    name = serializers.CharField(max_length=255)
    phone = serializers.CharField(max_length=32)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    topic = serializers.CharField(max_length=500)
    consent = serializers.BooleanField(help_text="The citizen agrees to the processing of personal data.")


class BookingCreatedSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Confirmation code: with the phone it cancels the booking.")
    slot = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    reception = serializers.IntegerField()
    reception_name = serializers.CharField()
    address = serializers.CharField()


class StaffBookingSerializer(serializers.ModelSerializer):
    starts_at = serializers.DateTimeField(source="slot.starts_at", read_only=True)
    ends_at = serializers.DateTimeField(source="slot.ends_at", read_only=True)
    reception = serializers.IntegerField(source="slot.reception_id", read_only=True)
    host = serializers.IntegerField(source="slot.host_id", read_only=True)
    host_name = serializers.CharField(source="slot.host.full_name", read_only=True)

    class Meta:
        model = Booking
        fields = [
            "id",
            "code",
            "slot",
            "reception",
            "starts_at",
            "ends_at",
            "host",
            "host_name",
            "name",
            "phone",
            "email",
            "topic",
            "status",
            "consent_at",
            "created_at",
            "appeal",
        ]
        read_only_fields = fields


class BookingFilterSerializer(serializers.Serializer):
    reception = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    day = serializers.DateField(required=False)
    status = serializers.ChoiceField(choices=BookingStatus.choices, required=False)


@extend_schema(summary="Receptions: the open public receptions (no account needed)", auth=[])
class ReceptionListView(generics.ListAPIView):
    serializer_class = ReceptionSerializer
    permission_classes = [AllowAny]
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return Reception.objects.filter(is_active=True).select_related("org_unit").order_by("org_unit__path", "pk")


@extend_schema(
    summary="Receptions: free times of a reception in the next two weeks (no account needed)",
    auth=[],
    responses={200: FreeSlotSerializer(many=True), 404: NOT_FOUND},
)
class FreeSlotListView(generics.ListAPIView):
    serializer_class = FreeSlotSerializer
    permission_classes = [AllowAny]
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        pk = int(self.kwargs["pk"])
        if pk > MAX_ID or not Reception.objects.filter(pk=pk, is_active=True).exists():
            raise Http404
        horizon = timezone.now() + dt.timedelta(days=services.PUBLIC_DAYS)
        return (
            services.bookable_slots()
            .filter(reception_id=pk, starts_at__lt=horizon)
            .select_related("host")
            .order_by("starts_at", "pk")
        )


def _error(detail: str, code: str, http_status: int, errors: dict[str, list[str]] | None = None) -> Response:
    body: dict[str, Any] = {"detail": detail, "code": code}
    if errors:
        body["errors"] = errors
    return Response(body, status=http_status)


class BookingView(generics.ListAPIView):
    """POST (anyone): book a free time. GET (staff): bookings in the caller's scope."""

    serializer_class = StaffBookingSerializer
    filter_backends: list[Any] = []

    def get_permissions(self) -> list[Any]:
        if self.request.method == "POST":
            return [AllowAny()]
        return [IsAuthenticated()]

    @extend_schema(
        summary="Bookings: book a free time for a citizen (no account; limited per address)",
        auth=[],
        request=BookingCreateSerializer,
        responses={
            201: BookingCreatedSerializer,
            400: ERROR,
            409: OpenApiResponse(ERROR, description="Someone holds this time: choose another."),
            429: OpenApiResponse(ERROR, description="Too many bookings from this address."),
        },
    )
    def post(self, request: Request) -> Response:
        ip = client_ip(request)
        if services.booking_rate_limited(ip):
            return _error(_("Too many bookings from your connection: please try again in an hour."), "throttled", 429)
        body = BookingCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            booking = services.booking_create(
                slot_id=data["slot"],
                name=data["name"],
                phone=data["phone"],
                email=data.get("email") or "",
                topic=data["topic"],
                consent=data["consent"],
            )
        except services.SlotTakenError:
            message = str(services.TAKEN_MESSAGE)
            return _error(message, "slot_taken", status.HTTP_409_CONFLICT, {"slot": [message]})
        services.booking_rate_limited(ip, count=True)
        slot = booking.slot
        out = BookingCreatedSerializer(
            {
                "code": booking.code,
                "slot": slot.pk,
                "starts_at": slot.starts_at,
                "ends_at": slot.ends_at,
                "reception": slot.reception_id,
                "reception_name": str(slot.reception.name),
                "address": str(slot.reception.address),
            }
        )
        return Response(out.data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Bookings: the caller's receptions' bookings (staff), by reception, day and status",
        parameters=[
            OpenApiParameter("reception", OpenApiTypes.INT, description="Reception id"),
            OpenApiParameter("day", OpenApiTypes.DATE, description="Day of the visit (local time)"),
            OpenApiParameter("status", OpenApiTypes.STR, enum=BookingStatus.values),
        ],
        responses={200: StaffBookingSerializer(many=True), 400: ERROR},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        filters = BookingFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        wanted = filters.validated_data
        queryset = (
            Booking.objects.visible_to(self.request.user, AppealAction.MANAGE_RECEPTIONS)
            .select_related("slot__host")
            .order_by("slot__starts_at", "pk")
        )
        if wanted.get("reception"):
            queryset = queryset.filter(slot__reception_id=wanted["reception"])
        if wanted.get("day"):
            start = dt.datetime.combine(wanted["day"], dt.time.min, tzinfo=services.zone())
            queryset = queryset.filter(slot__starts_at__gte=start, slot__starts_at__lt=start + dt.timedelta(days=1))
        if wanted.get("status"):
            queryset = queryset.filter(status=wanted["status"])
        return queryset


urlpatterns = [
    path("receptions/", ReceptionListView.as_view(), name="reception-list"),
    path("receptions/<int:pk>/slots/", FreeSlotListView.as_view(), name="reception-slots"),
    path("reception-bookings/", BookingView.as_view(), name="reception-bookings"),
]
