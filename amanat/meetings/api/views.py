"""/api/v1/meetings/: the same services and scope as the pages.

- `meetings/` list (filters `unit` — with its subtree, `month` YYYY-MM, `kind`, `status`) and
  create; `meetings/{id}/` read with participants, agenda, decisions and raised issues;
  `meetings/{id}/transition/` moves it along the table (hold, sign, cancel);
  `meetings/{id}/issues/` records a raised issue, which becomes an appeal at once;
  `meetings/ical/?unit=` the unit's iCal feed for a token-holding client.

Reads need `meetings.view`: anything out of scope answers 404. Writes need `meetings.manage`
(issues: `meetings.record_issues`): 403 when the caller sees the meeting but may not change it.
Bad input answers 400 with errors field by field and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from amanat.api.errors import call_service
from amanat.appeals.api.serializers import ErrorSerializer
from amanat.appeals.models import Category
from amanat.core.permissions import has_action, units_for
from amanat.meetings import ical, selectors
from amanat.meetings.choices import MeetingKind, MeetingStatus
from amanat.meetings.models import AgendaItem, Decision, Meeting, Participant, RaisedIssue
from amanat.meetings.permissions import MeetingAction
from amanat.meetings.services import issues as issue_services
from amanat.meetings.services import meetings as services
from amanat.meetings.services.issues import ISSUE_TYPES
from amanat.meetings.workflow import TRANSITIONS
from amanat.org.models import OrgUnit, Territory

VIEW, MANAGE = MeetingAction.VIEW, MeetingAction.MANAGE
MAX_ID = 2**31 - 1
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Not found, or outside your scope.")
BAD_INPUT = OpenApiResponse(ErrorSerializer, description="Bad input: errors field by field; nothing changed.")
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="You may see this meeting but not change it.")


def _meeting(user: Any, pk: int) -> Meeting:
    if not 1 <= pk <= MAX_ID:
        raise Http404
    return selectors.meeting_get(actor=user, pk=pk)


def _service(fn: Any, **kwargs: Any) -> Any:
    return call_service(fn, denied=_("You may not change this meeting."), conflicts=(), **kwargs)


class MeetingParticipantSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = Participant
        fields = ["id", "role", "user", "person", "name", "note", "response", "attended"]
        read_only_fields = fields


class MeetingAgendaSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgendaItem
        fields = ["id", "position", "text", "speaker"]
        read_only_fields = fields


class MeetingDecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = ["id", "position", "text"]
        read_only_fields = fields


class RaisedIssueSerializer(serializers.ModelSerializer):
    appeal_number = serializers.CharField(source="appeal.number", read_only=True)
    appeal_status = serializers.CharField(source="appeal.status", read_only=True)
    channel = serializers.CharField(source="appeal.channel", read_only=True)

    class Meta:
        model = RaisedIssue
        fields = ["id", "meeting", "appeal", "appeal_number", "appeal_status", "channel", "created_at"]
        read_only_fields = fields


class MeetingSerializer(serializers.ModelSerializer):
    org_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.none())
    territory = serializers.PrimaryKeyRelatedField(queryset=Territory.objects.all(), required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=MeetingKind.choices)

    class Meta:
        model = Meeting
        fields = [
            "id", "org_unit", "kind", "title_kk", "title_ru", "starts_at", "ends_at", "territory", "address",
            "is_public", "description", "chaired_by", "status", "attendance_count", "protocol_number",
            "protocol_language",
        ]  # fmt: skip
        read_only_fields = ["id", "status", "attendance_count", "protocol_number"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["org_unit"].queryset = units_for(request.user, MANAGE)


class MeetingDetailSerializer(MeetingSerializer):
    participants = MeetingParticipantSerializer(many=True, read_only=True)
    agenda = MeetingAgendaSerializer(many=True, read_only=True)
    decisions = MeetingDecisionSerializer(many=True, read_only=True)
    issues = RaisedIssueSerializer(many=True, read_only=True)

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "participants", "agenda", "decisions", "issues"]


class RaisedIssueInSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, required=False, default="")
    applicant_name = serializers.CharField(allow_blank=True, required=False, default="", max_length=200)
    applicant_phone = serializers.CharField(allow_blank=True, required=False, default="", max_length=16)
    is_collective = serializers.BooleanField(required=False, default=False)
    signatories = serializers.IntegerField(required=False, default=1, min_value=1)
    appeal_type = serializers.ChoiceField(choices=[t.value for t in ISSUE_TYPES], required=False, default="statement")
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all(), required=False, allow_null=True)
    territory = serializers.PrimaryKeyRelatedField(queryset=Territory.objects.all(), required=False, allow_null=True)
    language = serializers.ChoiceField(choices=["kk", "ru"], required=False, default="ru")
    idempotency_key = serializers.CharField(required=False, allow_blank=True, max_length=64, default="")


class MeetingTransitionSerializer(serializers.Serializer):
    transition = serializers.ChoiceField(choices=list(TRANSITIONS))
    note = serializers.CharField(required=False, allow_blank=True, default="")


def _month(raw: str) -> tuple[dt.datetime, dt.datetime] | None:
    try:
        year, month = (int(x) for x in raw.split("-"))
        first = dt.date(year, month, 1)
    except ValueError as exc:
        raise exceptions.ValidationError({"month": [_("Give the month as YYYY-MM.")]}) from exc
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return selectors.local_bounds(first, following)


def _unit(user: Any, raw: str | None, action: str = VIEW) -> OrgUnit | None:
    if not raw:
        return None
    try:
        return units_for(user, action).get(pk=int(raw))
    except (ValueError, OrgUnit.DoesNotExist) as exc:
        raise Http404 from exc


@extend_schema(tags=["meetings"])
class MeetingListCreate(generics.ListCreateAPIView):
    serializer_class = MeetingSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", OpenApiTypes.INT, description="A unit: its meetings and its subtree's."),
            OpenApiParameter("month", OpenApiTypes.STR, description="YYYY-MM, in Asia/Atyrau time."),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=MeetingKind.values),
            OpenApiParameter("status", OpenApiTypes.STR, enum=MeetingStatus.values),
        ],
        responses={200: MeetingSerializer(many=True), 400: BAD_INPUT, 404: NOT_FOUND},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not has_action(request.user, VIEW):
            raise Http404
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        params = self.request.query_params
        kind = params.get("kind") or None
        if kind and kind not in MeetingKind.values:
            raise exceptions.ValidationError({"kind": [_("Unknown kind of meeting.")]})
        queryset = selectors.meetings_in_scope(
            actor=self.request.user, unit=_unit(self.request.user, params.get("unit")), kind=kind
        )
        if params.get("status"):
            queryset = queryset.filter(status=params["status"])
        if params.get("month"):
            start, end = _month(params["month"])
            queryset = queryset.filter(starts_at__gte=start, starts_at__lt=end)
        return queryset.order_by("starts_at", "pk")

    @extend_schema(responses={201: MeetingSerializer, 400: BAD_INPUT, 403: FORBIDDEN})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not has_action(request.user, MANAGE):
            raise exceptions.PermissionDenied(_("You may not plan meetings."))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        meeting = _service(services.meeting_create, actor=request.user, **serializer.validated_data)
        return Response(MeetingSerializer(meeting, context={"request": request}).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["meetings"])
class MeetingDetail(APIView):
    @extend_schema(responses={200: MeetingDetailSerializer, 404: NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        meeting = _meeting(request.user, pk)
        return Response(MeetingDetailSerializer(meeting, context={"request": request}).data)


@extend_schema(tags=["meetings"])
class MeetingTransitionView(APIView):
    @extend_schema(
        request=MeetingTransitionSerializer,
        responses={200: MeetingSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        meeting = _meeting(request.user, pk)
        serializer = MeetingTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        meeting = _service(
            services.meeting_transition, actor=request.user, meeting=meeting, **serializer.validated_data
        )
        return Response(MeetingSerializer(meeting, context={"request": request}).data)


@extend_schema(tags=["meetings"])
class IssueCreate(APIView):
    @extend_schema(
        request=RaisedIssueInSerializer,
        responses={201: RaisedIssueSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        meeting = _meeting(request.user, pk)
        serializer = RaisedIssueInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        key = data.pop("idempotency_key") or None
        issue = _service(
            issue_services.raised_issue_record, actor=request.user, meeting=meeting, idempotency_key=key, **data
        )
        return Response(RaisedIssueSerializer(issue).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["meetings"])
class ICalFeed(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("unit", OpenApiTypes.INT, description="The unit (default: your widest).")],
        responses={(200, "text/calendar"): OpenApiTypes.BINARY, 404: NOT_FOUND},
    )
    def get(self, request: Request) -> HttpResponse:
        unit = (
            _unit(request.user, request.query_params.get("unit"))
            or units_for(request.user, VIEW).order_by("depth", "path").first()
        )
        if unit is None:
            raise Http404
        queryset = selectors.meetings_in_scope(actor=request.user, unit=unit)
        response = HttpResponse(
            ical.render(ical.window(queryset), name=unit.name), content_type="text/calendar; charset=utf-8"
        )
        return response


urlpatterns = [
    path("meetings/", MeetingListCreate.as_view(), name="meetings-list"),
    path("meetings/ical/", ICalFeed.as_view(), name="meetings-ical"),
    path("meetings/<int:pk>/", MeetingDetail.as_view(), name="meetings-detail"),
    path("meetings/<int:pk>/transition/", MeetingTransitionView.as_view(), name="meetings-transition"),
    path("meetings/<int:pk>/issues/", IssueCreate.as_view(), name="meetings-issues"),
]
