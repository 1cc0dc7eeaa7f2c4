"""/api/v1/elections/: administration, nominations, the census, credentials and the key ceremony.

- `GET elections/` — staff see the elections in their scope; anyone else the public ones.
  `POST elections/` drafts one (elections.manage on its unit).
- `GET|PATCH elections/{uuid}/` — one election; changes are refused with 409 once the rules are
  frozen (the unit and the cut-off once the census is).
- `POST elections/{uuid}/phase/` — `{"step": "open_nominations" | "close_nominations" | "freeze" |
  "cancel", "reason"}`; 409 when the phase does not allow it or the election is not ready.
- `GET|POST elections/{uuid}/commission/`, `GET|POST elections/{uuid}/trustees/`.
- `GET|POST elections/{uuid}/candidates/` — the candidates (public fields); POST proposes one:
  `{"by": "self"}`, `{"by": "primary", "member": id}`, `{"by": "commission", "member": id}`, or
  for a poll `{"label_kk", "label_ru", "label_en"}`.
- `POST elections/candidates/{id}/{respond|decide|withdraw|profile}/`.
- `GET elections/{uuid}/census/` — the census for `amanat-credentials` (the secretary only; audited).
- `POST elections/{uuid}/credentials/` — the secretary's `public.json` (JSON body or file).
- `GET|POST elections/{uuid}/ceremony/` — the ceremony's state; a trustee posts the file
  `amanat-trustee` wrote for the current step.
Errors: 400 with field errors (nothing changed), 403 when the caller may not do it, 404 when the
election is out of the caller's scope, 409 when its phase does not allow it.
"""

from __future__ import annotations

import json
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from amanat.accounts.models import User
from amanat.api.errors import call_service
from amanat.appeals.api.serializers import ErrorSerializer
from amanat.core.permissions import has_action
from amanat.elections import selectors as sel
from amanat.elections.choices import CommissionRole, ElectionKind
from amanat.elections.models import Candidate, CommissionMember, Election, Trustee
from amanat.elections.permissions import ElectionAction
from amanat.elections.services import census, ceremony, nominations
from amanat.elections.services import elections as svc
from amanat.org.models import Member, OrgUnit

NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Not found, or outside your scope.")
BAD_INPUT = OpenApiResponse(ErrorSerializer, description="Bad input: errors field by field; nothing changed.")
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="You may not do this.")
CONFLICT = OpenApiResponse(ErrorSerializer, description="The election's phase does not allow it; nothing changed.")
CONFLICTS = ("phase", "not_ready")


# --- serializers ---------------------------------------------------------------------------


class ElectionSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)
    unit = serializers.PrimaryKeyRelatedField(read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Election
        fields = [
            *("id", "uuid", "kind", "unit", "unit_name", "title", "title_kk", "title_ru", "title_en"),
            *("description_kk", "description_ru", "description_en", "method", "seats", "min_choices"),
            *("max_choices", "joined_before", "min_unit_voters", "threshold", "nominations_open_at"),
            *("nominations_close_at", "voting_opens_at", "voting_closes_at", "phase", "census_hash"),
            *("census_count", "credentials_hash", "public_key", "manifest_hash"),
        ]
        read_only_fields = fields


class ElectionInputSerializer(serializers.Serializer):
    """What a client may set; the service checks the rules, the phase and the right."""

    kind = serializers.ChoiceField(choices=ElectionKind.choices, required=False)
    unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all(), required=False)
    title_kk = serializers.CharField(max_length=300, required=False, allow_blank=True)
    title_ru = serializers.CharField(max_length=300, required=False, allow_blank=True)
    title_en = serializers.CharField(max_length=300, required=False, allow_blank=True)
    description_kk = serializers.CharField(required=False, allow_blank=True)
    description_ru = serializers.CharField(required=False, allow_blank=True)
    description_en = serializers.CharField(required=False, allow_blank=True)
    method = serializers.ChoiceField(choices=["single", "approval"], required=False)
    seats = serializers.IntegerField(min_value=1, max_value=1000, required=False)
    min_choices = serializers.IntegerField(min_value=0, max_value=1000, required=False)
    max_choices = serializers.IntegerField(min_value=1, max_value=1000, required=False)
    joined_before = serializers.DateField(required=False)
    min_unit_voters = serializers.IntegerField(min_value=1, max_value=1_000_000, required=False)
    threshold = serializers.IntegerField(min_value=1, max_value=100, required=False)
    nominations_open_at = serializers.DateTimeField(required=False, allow_null=True)
    nominations_close_at = serializers.DateTimeField(required=False, allow_null=True)
    voting_opens_at = serializers.DateTimeField(required=False)
    voting_closes_at = serializers.DateTimeField(required=False)


class PhaseInputSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=["open_nominations", "close_nominations", "freeze", "cancel"])
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class SeatSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = CommissionMember
        fields = ["id", "user", "name", "role"]
        read_only_fields = ["id", "name"]
        validators: list[Any] = []


class SeatInputSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    role = serializers.ChoiceField(choices=CommissionRole.choices)


class TrusteeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Trustee
        fields = ["id", "index", "name", "status", "public", "verification_key"]
        read_only_fields = fields


class TrusteeInputSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CandidateSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = Candidate
        fields = [
            *("id", "name", "label_kk", "label_ru", "label_en", "nominated_by", "nominating_unit", "status"),
            *("reason", "position", "biography_kk", "biography_ru", "biography_en", "programme_kk"),
            *("programme_ru", "programme_en"),
        ]
        read_only_fields = fields

    def get_name(self, candidate: Candidate) -> str:
        return str(candidate)


class NominationInputSerializer(serializers.Serializer):
    by = serializers.ChoiceField(choices=["self", "primary", "commission"], required=False)
    member = serializers.PrimaryKeyRelatedField(queryset=Member.objects.all(), required=False)
    label_kk = serializers.CharField(max_length=300, required=False, allow_blank=True)
    label_ru = serializers.CharField(max_length=300, required=False, allow_blank=True)
    label_en = serializers.CharField(max_length=300, required=False, allow_blank=True)


class RespondInputSerializer(serializers.Serializer):
    accept = serializers.BooleanField()


class DecideInputSerializer(serializers.Serializer):
    validate = serializers.BooleanField()
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ProfileInputSerializer(serializers.Serializer):
    biography_kk = serializers.CharField(required=False, allow_blank=True)
    biography_ru = serializers.CharField(required=False, allow_blank=True)
    biography_en = serializers.CharField(required=False, allow_blank=True)
    programme_kk = serializers.CharField(required=False, allow_blank=True)
    programme_ru = serializers.CharField(required=False, allow_blank=True)
    programme_en = serializers.CharField(required=False, allow_blank=True)


class CeremonySerializer(serializers.Serializer):
    step = serializers.CharField()
    your_step = serializers.CharField(allow_null=True)
    threshold = serializers.IntegerField()
    public_key = serializers.CharField()
    trustees = TrusteeSerializer(many=True)


# --- helpers -------------------------------------------------------------------------------


def _staff_election(request: Request, uuid: Any) -> Election:
    """The election if it is in the caller's scope or the caller sits on its commission."""
    election = Election.objects.filter(uuid=uuid).only("pk").first()
    if election is None:
        raise Http404
    return sel.election_get(request.user, election.pk)


def _readable_election(request: Request, uuid: Any) -> Election:
    try:
        return _staff_election(request, uuid)
    except Http404:
        return sel.public_election(uuid)


def _any_election(uuid: Any) -> Election:
    election = Election.objects.select_related("unit").filter(uuid=uuid).first()
    if election is None:
        raise Http404
    return election


def _body(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


def _call(fn: Any, **kwargs: Any) -> Any:
    return call_service(fn, denied=_("You may not do this in this election."), conflicts=CONFLICTS, **kwargs)


# --- elections -----------------------------------------------------------------------------


class ElectionListView(generics.ListAPIView):
    serializer_class = ElectionSerializer
    filter_backends: list[Any] = []

    def get_permissions(self) -> list[Any]:
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    def get_queryset(self) -> QuerySet[Election]:
        user = self.request.user
        if has_action(user, ElectionAction.VIEW):
            return sel.elections_for(user).order_by("-voting_opens_at", "pk")
        return sel.public_elections().order_by("-voting_opens_at", "pk")

    @extend_schema(summary="Elections: in your scope (staff) or the public ones")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Draft an election",
        request=ElectionInputSerializer,
        responses={201: ElectionSerializer, 400: BAD_INPUT, 403: FORBIDDEN},
    )
    def post(self, request: Request) -> Response:
        values = _body(ElectionInputSerializer, request)
        election = _call(svc.election_create, actor=request.user, values=values)
        return Response(ElectionSerializer(election).data, status=status.HTTP_201_CREATED)


class ElectionDetailView(generics.GenericAPIView):
    serializer_class = ElectionSerializer
    filter_backends: list[Any] = []

    def get_permissions(self) -> list[Any]:
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(summary="One election", responses={200: ElectionSerializer, 404: NOT_FOUND})
    def get(self, request: Request, uuid: Any) -> Response:
        return Response(ElectionSerializer(_readable_election(request, uuid)).data)

    @extend_schema(
        summary="Change an election's texts, rules or timetable (refused once frozen)",
        request=ElectionInputSerializer,
        responses={200: ElectionSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    def patch(self, request: Request, uuid: Any) -> Response:
        election = _staff_election(request, uuid)
        values = _body(ElectionInputSerializer, request)
        election = _call(svc.election_update, actor=request.user, election=election, values=values)
        return Response(ElectionSerializer(election).data)


PHASE_STEPS = {
    "open_nominations": svc.open_nominations,
    "close_nominations": svc.close_nominations,
    "freeze": svc.freeze,
}


class PhaseView(generics.GenericAPIView):
    serializer_class = ElectionSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        summary="Move the election to its next phase, or cancel it",
        request=PhaseInputSerializer,
        responses={200: ElectionSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request: Request, uuid: Any) -> Response:
        election = _staff_election(request, uuid)
        data = _body(PhaseInputSerializer, request)
        if data["step"] == "cancel":
            _call(svc.cancel, actor=request.user, election=election, reason=data["reason"])
        else:
            _call(PHASE_STEPS[data["step"]], actor=request.user, election=election)
        election.refresh_from_db()
        return Response(ElectionSerializer(election).data)


class CommissionView(generics.GenericAPIView):
    serializer_class = SeatSerializer
    filter_backends: list[Any] = []
    pagination_class = None

    @extend_schema(summary="The election's commission", responses={200: SeatSerializer(many=True), 404: NOT_FOUND})
    def get(self, request: Request, uuid: Any) -> Response:
        election = _staff_election(request, uuid)
        seats = election.commission.select_related("user").order_by("role", "pk")
        return Response(SeatSerializer(seats, many=True).data)

    @extend_schema(
        summary="Seat a user on the commission (or change their role)",
        request=SeatInputSerializer,
        responses={200: SeatSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request: Request, uuid: Any) -> Response:
        election = _staff_election(request, uuid)
        data = _body(SeatInputSerializer, request)
        seat = _call(svc.commission_set, actor=request.user, election=election, user=data["user"], role=data["role"])
        return Response(SeatSerializer(seat).data)


class TrusteesView(generics.GenericAPIView):
    serializer_class = TrusteeSerializer
    filter_backends: list[Any] = []
    pagination_class = None

    def get_permissions(self) -> list[Any]:
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(summary="The election's trustees", responses={200: TrusteeSerializer(many=True), 404: NOT_FOUND})
    def get(self, request: Request, uuid: Any) -> Response:
        election = _readable_election(request, uuid)
        return Response(TrusteeSerializer(election.trustees.order_by("index"), many=True).data)

    @extend_schema(
        summary="Name a trustee (before the key ceremony begins)",
        request=TrusteeInputSerializer,
        responses={201: TrusteeSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request: Request, uuid: Any) -> Response:
        election = _staff_election(request, uuid)
        data = _body(TrusteeInputSerializer, request)
        trustee = _call(svc.trustee_add, actor=request.user, election=election, user=data["user"], name=data["name"])
        return Response(TrusteeSerializer(trustee).data, status=status.HTTP_201_CREATED)


# --- candidates ----------------------------------------------------------------------------


class CandidatesView(generics.GenericAPIView):
    serializer_class = CandidateSerializer
    filter_backends: list[Any] = []
    pagination_class = None

    def get_permissions(self) -> list[Any]:
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(
        summary="Candidates (staff: every nomination; the public: those standing)",
        responses={200: CandidateSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request: Request, uuid: Any) -> Response:
        try:
            election = _staff_election(request, uuid)
            candidates = sel.candidates_of(election)
        except Http404:
            election = sel.public_election(uuid)
            candidates = sel.public_candidates(election)
        data = CandidateSerializer(candidates, many=True).data
        if not svc.runs(request.user, election):
            for row in data:
                if row["status"] != "rejected":
                    row["reason"] = ""
        return Response(data)

    @extend_schema(
        summary="Propose a candidate (self, by a primary organisation, by the commission) or add a poll answer",
        request=NominationInputSerializer,
        responses={201: CandidateSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request: Request, uuid: Any) -> Response:
        data = _body(NominationInputSerializer, request)
        if "by" not in data:
            election = _staff_election(request, uuid)
            candidate = _call(nominations.poll_answer_add, actor=request.user, election=election, values=data)
        elif data["by"] == "self":
            election = sel.public_election(uuid)
            candidate = _call(nominations.nominate_self, actor=request.user, election=election)
        elif data["by"] == "primary":
            election = sel.public_election(uuid)
            candidate = _call(
                nominations.nominate_by_primary, actor=request.user, election=election, member=data.get("member")
            )
        else:
            election = _staff_election(request, uuid)
            candidate = _call(
                nominations.nominate_by_commission, actor=request.user, election=election, member=data.get("member")
            )
        return Response(CandidateSerializer(candidate).data, status=status.HTTP_201_CREATED)


def _candidate(request: Request, pk: Any) -> Candidate:
    """A candidate the caller may act on: their own nomination, or one in an election they see."""
    pk = sel.clean_pk(pk)
    candidate = Candidate.objects.select_related("election__unit", "member__person").filter(pk=pk).first()
    if candidate is None:
        raise Http404
    if nominations.is_candidate(request.user, candidate):
        return candidate
    sel.election_get(request.user, candidate.election_id)
    return candidate


CANDIDATE_ANSWERS = {200: CandidateSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT}


class CandidateRespondView(generics.GenericAPIView):
    serializer_class = CandidateSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        summary="The nominated member accepts or declines",
        request=RespondInputSerializer,
        responses=CANDIDATE_ANSWERS,
    )
    def post(self, request: Request, pk: Any) -> Response:
        candidate = _candidate(request, pk)
        data = _body(RespondInputSerializer, request)
        result = _call(nominations.candidate_respond, actor=request.user, candidate=candidate, accept=data["accept"])
        return Response(CandidateSerializer(result).data)


class CandidateDecideView(generics.GenericAPIView):
    serializer_class = CandidateSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        summary="The commission registers or refuses (with a reason) an accepted nomination",
        request=DecideInputSerializer,
        responses=CANDIDATE_ANSWERS,
    )
    def post(self, request: Request, pk: Any) -> Response:
        candidate = _candidate(request, pk)
        data = _body(DecideInputSerializer, request)
        result = _call(
            nominations.candidate_decide,
            actor=request.user,
            candidate=candidate,
            validate=data["validate"],
            reason=data["reason"],
        )
        return Response(CandidateSerializer(result).data)


class CandidateWithdrawView(generics.GenericAPIView):
    serializer_class = CandidateSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        summary="Withdraw a nomination (the candidate or the commission), before the freeze",
        request=ReasonInputSerializer,
        responses=CANDIDATE_ANSWERS,
    )
    def post(self, request: Request, pk: Any) -> Response:
        candidate = _candidate(request, pk)
        data = _body(ReasonInputSerializer, request)
        result = _call(nominations.candidate_withdraw, actor=request.user, candidate=candidate, reason=data["reason"])
        return Response(CandidateSerializer(result).data)


class CandidateProfileView(generics.GenericAPIView):
    serializer_class = CandidateSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        summary="The candidate's biography and programme (kk/ru/en), until the freeze",
        request=ProfileInputSerializer,
        responses=CANDIDATE_ANSWERS,
    )
    def post(self, request: Request, pk: Any) -> Response:
        candidate = _candidate(request, pk)
        data = _body(ProfileInputSerializer, request)
        result = _call(nominations.candidate_profile_update, actor=request.user, candidate=candidate, values=data)
        return Response(CandidateSerializer(result).data)


# --- secretary and trustees ----------------------------------------------------------------


class CensusMemberSerializer(serializers.Serializer):
    number = serializers.CharField()
    name = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()


class CensusSerializer(serializers.Serializer):
    election = serializers.CharField()
    members = CensusMemberSerializer(many=True)


class CensusView(generics.GenericAPIView):
    serializer_class = CensusSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        summary="The census for amanat-credentials (the commission's secretary only; audited)",
        responses={200: CensusSerializer, 404: NOT_FOUND, 409: CONFLICT},
    )
    def get(self, request: Request, uuid: Any) -> Response:
        election = _any_election(uuid)
        if not census.is_secretary(request.user, election):
            raise Http404
        data = _call(census.census_export, actor=request.user, election=election)
        response = Response(data)
        response["Cache-Control"] = "no-store"
        return response


class CredentialsInputSerializer(serializers.Serializer):
    election = serializers.CharField()
    credentials = serializers.ListField(child=serializers.CharField())


class CredentialsView(generics.GenericAPIView):
    serializer_class = CredentialsInputSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        summary="Publish the public credentials (the secretary's public.json, as a JSON body or a file)",
        request=CredentialsInputSerializer,
        responses={201: OpenApiResponse(description="Published"), 400: BAD_INPUT, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request: Request, uuid: Any) -> Response:
        election = _any_election(uuid)
        if not census.is_secretary(request.user, election):
            raise Http404
        upload = request.FILES.get("file")
        raw: Any = upload.read(census.MAX_CREDENTIALS_FILE + 1) if upload else request.data
        if not upload and not isinstance(raw, dict):
            raw = dict(raw)
        count = _call(census.credentials_upload, actor=request.user, election=election, raw=raw)
        return Response({"count": count}, status=status.HTTP_201_CREATED)


UPLOADS = {
    ceremony.Step.REGISTER: ceremony.trustee_register,
    ceremony.Step.DEAL: ceremony.trustee_deal,
    ceremony.Step.CHECK: ceremony.trustee_check,
}


class CeremonyView(generics.GenericAPIView):
    serializer_class = CeremonySerializer
    filter_backends: list[Any] = []

    def get_permissions(self) -> list[Any]:
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    def _state(self, request: Request, election: Election) -> dict[str, Any]:
        mine = election.trustees.filter(user=request.user).first() if request.user.is_authenticated else None
        return {
            "step": ceremony.step(election),
            "your_step": ceremony.trustee_step(mine) if mine else None,
            "threshold": election.threshold,
            "public_key": election.public_key,
            "trustees": election.trustees.order_by("index"),
        }

    @extend_schema(summary="Where the key ceremony stands", responses={200: CeremonySerializer, 404: NOT_FOUND})
    def get(self, request: Request, uuid: Any) -> Response:
        election = _readable_election(request, uuid)
        return Response(CeremonySerializer(self._state(request, election)).data)

    @extend_schema(
        summary="A trustee uploads what amanat-trustee wrote for the current step (registration, deal, check)",
        request={"application/json": dict},
        responses={200: CeremonySerializer, 400: BAD_INPUT, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request: Request, uuid: Any) -> Response:
        election = _any_election(uuid)
        trustee = election.trustees.filter(user=request.user).first()
        if trustee is None:
            raise Http404
        todo = ceremony.trustee_step(trustee)
        upload = request.FILES.get("file")
        raw: Any = upload.read(2**20) if upload else (request.data if isinstance(request.data, dict) else None)
        if raw is None:
            raise serializers.ValidationError({"file": [_("Send the JSON that amanat-trustee wrote.")]})
        if todo is None:
            return Response(
                {"detail": _("Nothing is expected from you now."), "code": "phase"}, status=status.HTTP_409_CONFLICT
            )
        if isinstance(raw, dict):
            raw = json.loads(json.dumps(raw))  # a plain dict, whatever the parser gave
        _call(UPLOADS[todo], actor=request.user, trustee=trustee, raw=raw)
        election.refresh_from_db()
        return Response(CeremonySerializer(self._state(request, election)).data)


urlpatterns = [
    path("elections/", ElectionListView.as_view(), name="elections-list"),
    path("elections/<uuid:uuid>/", ElectionDetailView.as_view(), name="elections-detail"),
    path("elections/<uuid:uuid>/phase/", PhaseView.as_view(), name="elections-phase"),
    path("elections/<uuid:uuid>/commission/", CommissionView.as_view(), name="elections-commission"),
    path("elections/<uuid:uuid>/trustees/", TrusteesView.as_view(), name="elections-trustees"),
    path("elections/<uuid:uuid>/candidates/", CandidatesView.as_view(), name="elections-candidates"),
    path("elections/candidates/<int:pk>/respond/", CandidateRespondView.as_view(), name="elections-candidate-respond"),
    path("elections/candidates/<int:pk>/decide/", CandidateDecideView.as_view(), name="elections-candidate-decide"),
    path(
        "elections/candidates/<int:pk>/withdraw/", CandidateWithdrawView.as_view(), name="elections-candidate-withdraw"
    ),
    path("elections/candidates/<int:pk>/profile/", CandidateProfileView.as_view(), name="elections-candidate-profile"),
    path("elections/<uuid:uuid>/census/", CensusView.as_view(), name="elections-census"),
    path("elections/<uuid:uuid>/credentials/", CredentialsView.as_view(), name="elections-credentials"),
    path("elections/<uuid:uuid>/ceremony/", CeremonyView.as_view(), name="elections-ceremony"),
]
