"""/api/v1/elections/: casting a ballot, reading the bulletin board, finding a tracker.

- `POST elections/{uuid}/ballots/` casts a ballot for the calling member (token or session):
  201 with the tracker, 200 when the same ballot is already on the board; refusals answer
  {"detail", "code"}: 400 for a ballot that fails its checks, 403 when the caller may not cast it
  (not in the census, a credential bound to someone else), 409 when voting is not open.
- `GET elections/{uuid}/board/` lists the board's entries, paginated (`?type=ballot` filters);
  open to anyone, like the board page.
- `GET elections/trackers/{tracker}/` says where a ballot stands on its board; open to anyone.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import APIException, NotFound
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from amanat.appeals.api.serializers import ErrorSerializer
from amanat.core.middleware import client_ip
from amanat.core.ratelimit import hourly_limited
from amanat.elections.models import BoardEntry
from amanat.elections.services.voting import cast_ballot
from amanat.elections.views.vote import (
    ENTRY_TYPES,
    TRACKER_RE,
    cast_answer,
    normalise_tracker,
    public_election,
    refusal_status,
    tracker_lookups_per_hour,
    tracker_status,
)


class Refused(APIException):
    """A refused ballot: the status depends on the reason (see refusal_status)."""

    def __init__(self, detail: str, code: str, status_code: int) -> None:
        super().__init__(detail=detail, code=code)
        self.status_code = status_code


class BallotInputSerializer(serializers.Serializer):
    ballot = serializers.DictField(help_text="The ballot of protocol §5, as the booth makes it.")


class CastSerializer(serializers.Serializer):
    tracker = serializers.CharField()
    replaced = serializers.BooleanField()
    seq = serializers.IntegerField()
    tracker_url = serializers.CharField()


class BoardEntrySerializer(serializers.ModelSerializer):
    payload = serializers.SerializerMethodField()

    class Meta:
        model = BoardEntry
        fields = ["seq", "prev", "type", "at", "payload", "hash"]
        read_only_fields = fields

    def get_payload(self, entry: BoardEntry) -> dict[str, Any]:
        return json.loads(entry.payload)


class TrackerSerializer(serializers.Serializer):
    election = serializers.UUIDField()
    seq = serializers.IntegerField()
    hash = serializers.CharField()
    at = serializers.CharField()
    replaced = serializers.BooleanField()
    replaced_by_seq = serializers.IntegerField(allow_null=True)
    checkpoint_seq = serializers.IntegerField(allow_null=True)


class BallotCastView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=BallotInputSerializer,
        responses={
            201: CastSerializer,
            200: CastSerializer,
            400: OpenApiResponse(ErrorSerializer, description="The ballot fails a check; nothing stored."),
            403: OpenApiResponse(ErrorSerializer, description="Not in the census, or another member's credential."),
            404: OpenApiResponse(ErrorSerializer, description="No such election."),
            409: OpenApiResponse(ErrorSerializer, description="Voting is not open."),
        },
    )
    def post(self, request: Request, uuid: Any) -> Response:
        election = public_election(uuid)
        incoming = BallotInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            ballot, replaced = cast_ballot(election, request.user, incoming.validated_data["ballot"])
        except ValidationError as exc:
            code = exc.code or "invalid"
            raise Refused(exc.messages[0], code, refusal_status(code)) from exc
        return Response(cast_answer(ballot, replaced), status=200 if ballot.repeat else 201)


class BoardEntryList(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = BoardEntrySerializer
    filter_backends: list = []

    def get_queryset(self) -> Any:
        election = public_election(self.kwargs["uuid"])
        entries = BoardEntry.objects.filter(election=election).order_by("seq")
        kind = self.request.query_params.get("type")
        if kind in ENTRY_TYPES:
            entries = entries.filter(type=kind)
        return entries


class TrackerLookup(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        responses={
            200: TrackerSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Not a tracker."),
            404: OpenApiResponse(ErrorSerializer, description="On no public board."),
            429: OpenApiResponse(ErrorSerializer, description="Too many look-ups from the address."),
        }
    )
    def get(self, request: Request, tracker: str) -> Response:
        ip = client_ip(request)
        if hourly_limited("election-tracker", ip, tracker_lookups_per_hour()):
            return Response(
                {"detail": _("Too many look-ups from your address. Try again in an hour."), "code": "throttled"},
                status=429,
            )
        hourly_limited("election-tracker", ip, tracker_lookups_per_hour(), count=True)
        code = normalise_tracker(tracker)
        if not TRACKER_RE.match(code):
            return Response(
                {
                    "detail": _("A tracker is 64 characters: digits 0–9 and letters a–f. Check what you typed."),
                    "code": "invalid",
                    "errors": {"tracker": [_("A tracker is 64 characters: digits 0–9 and letters a–f.")]},
                },
                status=400,
            )
        found = tracker_status(code)
        if found is None:
            raise NotFound(_("No ballot with this tracker is on any public board."))
        return Response(
            {
                "election": str(found["election"].uuid),
                "seq": found["seq"],
                "hash": found["hash"],
                "at": found["at"],
                "replaced": found["replaced"],
                "replaced_by_seq": found["replaced_by_seq"],
                "checkpoint_seq": found["checkpoint"].seq if found["checkpoint"] else None,
            }
        )


urlpatterns = [
    path("elections/<uuid:uuid>/ballots/", BallotCastView.as_view(), name="election-ballots"),
    path("elections/<uuid:uuid>/board/", BoardEntryList.as_view(), name="election-board"),
    path("elections/trackers/<str:tracker>/", TrackerLookup.as_view(), name="election-tracker"),
]
