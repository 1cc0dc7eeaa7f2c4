"""/api/v1/elections/<uuid>/tally/ and /shares/: the encrypted tally and the trustees' shares.

- `GET elections/<uuid>/tally/` (anyone: the board is public) — phase, the encrypted tally as on
  the board, which trustees' shares are in, and the result once published.
- `POST elections/<uuid>/shares/` (the election's trustee, signed in) — the body is the share.json
  that `amanat-trustee decrypt` wrote. 201 when accepted; 400 with `errors.share` when it is
  malformed or its proofs fail; 409 for a second share or outside the `tallied` phase; 404 for
  anyone who is not a trustee of that election. Nothing changes on a refusal.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from amanat.api.errors import call_service
from amanat.appeals.api.serializers import ErrorSerializer
from amanat.elections.choices import Phase
from amanat.elections.models import DecryptionShare, Election, Trustee
from amanat.elections.services.tally import accept_share, tally_entry, tally_payload

NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Not found, or you are not a trustee of this election.")
HIDDEN = (Phase.DRAFT, Phase.CANCELLED)


def _election(uuid: Any) -> Election:
    election = Election.objects.exclude(phase__in=HIDDEN).filter(uuid=uuid).first()
    if election is None:
        raise Http404
    return election


class TallySerializer(serializers.Serializer):
    election = serializers.UUIDField()
    phase = serializers.CharField()
    threshold = serializers.IntegerField()
    tally = serializers.JSONField(allow_null=True)
    tally_seq = serializers.IntegerField(allow_null=True)
    shares = serializers.ListField(child=serializers.DictField())
    result = serializers.JSONField(allow_null=True)


class ShareAcceptedSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    phase = serializers.CharField()
    shares = serializers.IntegerField()
    threshold = serializers.IntegerField()


class TallyView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="An election's encrypted tally, shares in and result",
        auth=[],
        responses={200: TallySerializer, 404: NOT_FOUND},
    )
    def get(self, request: Request, uuid: Any) -> Response:
        election = _election(uuid)
        entry = tally_entry(election)
        shares = [
            {"index": s.trustee.index, "name": s.trustee.name, "at": s.created_at.isoformat()}
            for s in DecryptionShare.objects.filter(election=election)
            .select_related("trustee")
            .order_by("trustee__index")
        ]
        data = {
            "election": election.uuid,
            "phase": election.phase,
            "threshold": election.threshold,
            "tally": tally_payload(election),
            "tally_seq": entry.seq if entry else None,
            "shares": shares,
            "result": election.result if election.phase == Phase.PUBLISHED else None,
        }
        return Response(TallySerializer(data).data)


class ShareView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Upload a trustee's decryption share (the share.json of amanat-trustee decrypt)",
        request=OpenApiTypes.OBJECT,
        responses={
            201: ShareAcceptedSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Malformed share or failing proof; nothing stored."),
            404: NOT_FOUND,
            409: OpenApiResponse(ErrorSerializer, description="A second share, or not the time for shares."),
        },
    )
    def post(self, request: Request, uuid: Any) -> Response:
        election = _election(uuid)
        trustee = Trustee.objects.filter(election=election, user=request.user).first()
        if trustee is None:
            raise Http404
        call_service(
            accept_share,
            denied=_("Only the trustee may upload their share."),
            election=election,
            trustee=trustee,
            payload=request.data if type(request.data) is dict else None,  # a form post is not a share
            actor=request.user,
        )
        out = {
            "index": trustee.index,
            "phase": election.phase,
            "shares": DecryptionShare.objects.filter(election=election).count(),
            "threshold": election.threshold,
        }
        return Response(ShareAcceptedSerializer(out).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("elections/<uuid:uuid>/tally/", TallyView.as_view(), name="elections-tally"),
    path("elections/<uuid:uuid>/shares/", ShareView.as_view(), name="elections-shares"),
]
