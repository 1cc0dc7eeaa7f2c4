"""/api/v1/councils/: public councils through the API, the same services as the pages.

- `councils/` list and create; `councils/{id}/` read;
- `councils/{id}/members/` list and add; `councils/members/{id}/end-term/` ends a term;
- `councils/{id}/sessions/` list and create; `councils/sessions/{id}/` read (with attendance);
  `councils/sessions/{id}/attendance/` records who was present;
  `councils/sessions/{id}/recommendations/` drafts a recommendation for the vote;
- `councils/recommendations/` list (filters `status`, `overdue`, `addressee`, `council`);
  `councils/recommendations/{id}/` read; then the steps: `votes/`, `decide/`, `send/`,
  `response/`, `progress/`, `implementation/`, `assessment/`.

Reads need `councils.view` on the council's branch: anything else answers 404 like a missing
record. Writes need `councils.manage`: 403 when the caller sees the record but may not change it.
Bad input answers 400 with errors field by field and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from amanat.api.errors import call_service
from amanat.appeals.api.serializers import ErrorSerializer
from amanat.core.permissions import has_action, units_for
from amanat.councils.choices import (
    Assessment,
    MemberKind,
    MemberRole,
    RecommendationStatus,
    ResponseKind,
    VoteChoice,
)
from amanat.councils.models import Council, CouncilMember, CouncilSession, Recommendation
from amanat.councils.permissions import CouncilAction
from amanat.councils.selectors import REC_JOINS, overdue_q
from amanat.councils.services import councils as council_services
from amanat.councils.services import recommendations as rec_services
from amanat.org.models import Official, OrgUnit, StateBody

VIEW, MANAGE = CouncilAction.VIEW, CouncilAction.MANAGE
MAX_ID = 2**31 - 1
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Not found, or outside your scope.")
BAD_INPUT = OpenApiResponse(ErrorSerializer, description="Bad input: errors field by field; nothing changed.")
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="You may see this record but not change it.")


def _get(queryset: QuerySet, user: Any, pk: int, action: str = VIEW) -> Any:
    """One record in the caller's scope; missing, out of scope and absurd ids all answer 404."""
    if not 1 <= pk <= MAX_ID:
        raise Http404
    found = queryset.visible_to(user, action).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _service(fn: Any, **kwargs: Any) -> Any:
    return call_service(fn, denied=_("You may not change this council's work."), conflicts=(), **kwargs)


# --- serializers ---------------------------------------------------------------------------


class CouncilSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)

    class Meta:
        model = Council
        fields = [
            "id", "org_unit", "state_body", "title", "title_kk", "title_ru", "title_en", "description_kk",
            "description_ru", "description_en", "established_on", "is_public", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class CouncilWriteSerializer(serializers.Serializer):
    org_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.none())
    state_body = serializers.PrimaryKeyRelatedField(queryset=StateBody.objects.all(), required=False, allow_null=True)
    title_kk = serializers.CharField(max_length=300, allow_blank=True)
    title_ru = serializers.CharField(max_length=300, allow_blank=True)
    title_en = serializers.CharField(max_length=300, required=False, allow_blank=True)
    description_kk = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    description_ru = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    description_en = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    established_on = serializers.DateField(required=False, allow_null=True)
    is_public = serializers.BooleanField(required=False, default=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["org_unit"].queryset = units_for(request.user, MANAGE)


class CouncilMemberSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = CouncilMember
        fields = [
            "id", "council", "person", "full_name", "last_name", "first_name", "middle_name", "kind", "kind_display",
            "role", "role_display", "organisation", "term_start", "term_end", "end_reason",
        ]  # fmt: skip
        read_only_fields = fields


class CouncilMemberWriteSerializer(serializers.Serializer):
    person = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)
    last_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    first_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    middle_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=MemberKind.choices, required=False, default=MemberKind.CITIZEN)
    role = serializers.ChoiceField(choices=MemberRole.choices, required=False, default=MemberRole.MEMBER)
    organisation = serializers.CharField(max_length=300, required=False, allow_blank=True)
    term_start = serializers.DateField()
    term_end = serializers.DateField(required=False, allow_null=True)


class CouncilEndTermSerializer(serializers.Serializer):
    ended_on = serializers.DateField()
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class CouncilSessionSerializer(serializers.ModelSerializer):
    attendees = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = CouncilSession
        fields = ["id", "council", "number", "starts_at", "ends_at", "place", "agenda", "attendees", "guests"]
        read_only_fields = fields


class CouncilSessionWriteSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(required=False, allow_null=True)
    place = serializers.CharField(max_length=300, required=False, allow_blank=True)
    agenda = serializers.CharField(max_length=20000, required=False, allow_blank=True)


class CouncilAttendanceSerializer(serializers.Serializer):
    members = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), max_length=500)
    guests = serializers.IntegerField(min_value=0, max_value=100000, required=False, default=0)


class CouncilRecommendationSerializer(serializers.ModelSerializer):
    org_unit = serializers.IntegerField(source="council.org_unit_id", read_only=True)
    session_number = serializers.IntegerField(source="session.number", read_only=True)
    addressee_name = serializers.StringRelatedField(source="addressee_body")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Recommendation
        fields = [
            "id", "council", "org_unit", "session", "session_number", "text", "addressee_body", "addressee_name",
            "addressee_official", "response_days", "status", "status_display", "votes_for", "votes_against",
            "votes_abstain", "present", "decided_on", "sent_on", "response_deadline", "is_overdue", "response_kind",
            "response_text", "response_reasons", "response_on", "implemented", "implementation_on", "assessment",
            "assessment_note", "assessed_on", "escalation_level",
        ]  # fmt: skip
        read_only_fields = fields


class CouncilRecommendationWriteSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=20000, allow_blank=True)
    addressee_body = serializers.PrimaryKeyRelatedField(queryset=StateBody.objects.all())
    addressee_official = serializers.PrimaryKeyRelatedField(
        queryset=Official.objects.all(), required=False, allow_null=True
    )
    response_days = serializers.IntegerField(min_value=1, max_value=365, required=False)


class CouncilRecommendationFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=RecommendationStatus.choices, required=False)
    overdue = serializers.BooleanField(required=False)
    addressee = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    council = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class CouncilVoteItemSerializer(serializers.Serializer):
    member = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    choice = serializers.ChoiceField(choices=VoteChoice.choices)


class CouncilVotesSerializer(serializers.Serializer):
    votes = CouncilVoteItemSerializer(many=True, allow_empty=False, max_length=500)


class CouncilSendSerializer(serializers.Serializer):
    sent_on = serializers.DateField(required=False)


class CouncilResponseSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ResponseKind.choices)
    text = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    reasons = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    received_on = serializers.DateField(required=False)


class CouncilProgressSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=20000, allow_blank=True)
    noted_on = serializers.DateField(required=False)


class CouncilImplementationSerializer(serializers.Serializer):
    done = serializers.BooleanField()
    note = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    on = serializers.DateField(required=False)


class CouncilAssessmentSerializer(serializers.Serializer):
    assessment = serializers.ChoiceField(choices=Assessment.choices)
    note = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    on = serializers.DateField(required=False)


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    body = serializer_class(data=request.data, context={"request": request})
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


# --- views ---------------------------------------------------------------------------------


class CouncilListView(generics.GenericAPIView):
    serializer_class = CouncilSerializer
    filter_backends: list[Any] = []

    @extend_schema(summary="Public councils in your scope", responses={200: CouncilSerializer(many=True)})
    def get(self, request: Request) -> Response:
        councils = Council.objects.visible_to(request.user, VIEW).order_by("id")
        page = self.paginate_queryset(councils)
        return self.get_paginated_response(CouncilSerializer(page, many=True).data)

    @extend_schema(
        summary="Set up a public council",
        request=CouncilWriteSerializer,
        responses={201: CouncilSerializer, 400: BAD_INPUT, 403: FORBIDDEN},
    )
    def post(self, request: Request) -> Response:
        if not has_action(request.user, MANAGE):
            raise exceptions.PermissionDenied(_("You may not change this council's work."))
        data = _valid(CouncilWriteSerializer, request)
        council = _service(council_services.council_create, actor=request.user, **data)
        return Response(CouncilSerializer(council).data, status=status.HTTP_201_CREATED)


class CouncilDetailView(generics.GenericAPIView):
    serializer_class = CouncilSerializer
    filter_backends: list[Any] = []

    @extend_schema(summary="One council", responses={200: CouncilSerializer, 404: NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        return Response(CouncilSerializer(_get(Council.objects.all(), request.user, pk)).data)


class MemberListView(generics.GenericAPIView):
    serializer_class = CouncilMemberSerializer
    filter_backends: list[Any] = []
    pagination_class = None

    @extend_schema(
        summary="The council's members, past and present", responses={200: CouncilMemberSerializer(many=True)}
    )
    def get(self, request: Request, pk: int) -> Response:
        council = _get(Council.objects.all(), request.user, pk)
        return Response(CouncilMemberSerializer(council.members.all(), many=True).data)

    @extend_schema(
        summary="Seat a member on the council for a term",
        request=CouncilMemberWriteSerializer,
        responses={201: CouncilMemberSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        council = _get(Council.objects.all(), request.user, pk)
        data = _valid(CouncilMemberWriteSerializer, request)
        if data.get("person"):
            from amanat.org.models import Person

            person = Person.objects.visible_to(request.user, MANAGE).filter(pk=data["person"]).first()
            if person is None:
                raise exceptions.ValidationError({"person": [_("No such person in your scope.")]})
            data["person"] = person
        member = _service(council_services.member_add, actor=request.user, council=council, **data)
        return Response(CouncilMemberSerializer(member).data, status=status.HTTP_201_CREATED)


class MemberEndTermView(generics.GenericAPIView):
    serializer_class = CouncilEndTermSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        summary="End a member's term on a day",
        request=CouncilEndTermSerializer,
        responses={200: CouncilMemberSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        member = _get(CouncilMember.objects.all(), request.user, pk)
        data = _valid(CouncilEndTermSerializer, request)
        member = _service(council_services.member_end_term, actor=request.user, member=member, **data)
        return Response(CouncilMemberSerializer(member).data)


class SessionListView(generics.GenericAPIView):
    serializer_class = CouncilSessionSerializer
    filter_backends: list[Any] = []
    pagination_class = None

    @extend_schema(summary="The council's sessions", responses={200: CouncilSessionSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        council = _get(Council.objects.all(), request.user, pk)
        return Response(CouncilSessionSerializer(council.sessions.prefetch_related("attendees"), many=True).data)

    @extend_schema(
        summary="Schedule a session (it cannot end before it starts)",
        request=CouncilSessionWriteSerializer,
        responses={201: CouncilSessionSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        council = _get(Council.objects.all(), request.user, pk)
        data = _valid(CouncilSessionWriteSerializer, request)
        session = _service(council_services.session_create, actor=request.user, council=council, **data)
        return Response(CouncilSessionSerializer(session).data, status=status.HTTP_201_CREATED)


class SessionDetailView(generics.GenericAPIView):
    serializer_class = CouncilSessionSerializer
    filter_backends: list[Any] = []

    @extend_schema(summary="One session with who attended", responses={200: CouncilSessionSerializer, 404: NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        return Response(CouncilSessionSerializer(_get(CouncilSession.objects.all(), request.user, pk)).data)


class AttendanceView(generics.GenericAPIView):
    serializer_class = CouncilAttendanceSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        summary="Record who was present (member ids; replaces the list)",
        request=CouncilAttendanceSerializer,
        responses={200: CouncilSessionSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        session = _get(CouncilSession.objects.select_related("council__org_unit"), request.user, pk)
        data = _valid(CouncilAttendanceSerializer, request)
        ids = set(data["members"])
        members = list(CouncilMember.objects.filter(pk__in=ids))
        if len(members) != len(ids):
            raise exceptions.ValidationError({"members": [_("Only members of this council can be marked present.")]})
        session = _service(
            council_services.attendance_record, actor=request.user, session=session, members=members,
            guests=data["guests"],
        )  # fmt: skip
        return Response(CouncilSessionSerializer(session).data)


class SessionRecommendationsView(generics.GenericAPIView):
    serializer_class = CouncilRecommendationSerializer
    filter_backends: list[Any] = []
    pagination_class = None

    @extend_schema(summary="The session's recommendations", responses={200: CouncilRecommendationSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        session = _get(CouncilSession.objects.all(), request.user, pk)
        recs = session.recommendations.select_related(*REC_JOINS).order_by("id")
        return Response(CouncilRecommendationSerializer(recs, many=True).data)

    @extend_schema(
        summary="Put a draft recommendation before the session, for the vote",
        request=CouncilRecommendationWriteSerializer,
        responses={201: CouncilRecommendationSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        session = _get(CouncilSession.objects.select_related("council__org_unit"), request.user, pk)
        data = _valid(CouncilRecommendationWriteSerializer, request)
        data.setdefault("response_days", rec_services.DEFAULT_RESPONSE_DAYS)
        rec = _service(rec_services.recommendation_draft, actor=request.user, session=session, **data)
        return Response(CouncilRecommendationSerializer(rec).data, status=status.HTTP_201_CREATED)


class RecommendationListView(generics.GenericAPIView):
    serializer_class = CouncilRecommendationSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        summary="Council recommendations in your scope",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=RecommendationStatus.values),
            OpenApiParameter("overdue", OpenApiTypes.BOOL, description="Sent, with no response past the deadline."),
            OpenApiParameter("addressee", OpenApiTypes.INT, description="Addressee state body id"),
            OpenApiParameter("council", OpenApiTypes.INT, description="Council id"),
        ],
        responses={200: CouncilRecommendationSerializer(many=True), 400: BAD_INPUT},
    )
    def get(self, request: Request) -> Response:
        filters = CouncilRecommendationFilterSerializer(data=dict(request.query_params.items()))
        filters.is_valid(raise_exception=True)
        wanted = filters.validated_data
        recs = Recommendation.objects.visible_to(request.user, VIEW).select_related(*REC_JOINS).order_by("-id")
        if wanted.get("status"):
            recs = recs.filter(status=wanted["status"])
        if wanted.get("addressee"):
            recs = recs.filter(addressee_body_id=wanted["addressee"])
        if wanted.get("council"):
            recs = recs.filter(council_id=wanted["council"])
        if "overdue" in wanted:
            recs = recs.filter(overdue_q()) if wanted["overdue"] else recs.exclude(overdue_q())
        page = self.paginate_queryset(recs)
        return self.get_paginated_response(CouncilRecommendationSerializer(page, many=True).data)


class RecommendationDetailView(generics.GenericAPIView):
    serializer_class = CouncilRecommendationSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        summary="One recommendation and its fate", responses={200: CouncilRecommendationSerializer, 404: NOT_FOUND}
    )
    def get(self, request: Request, pk: int) -> Response:
        rec = _get(Recommendation.objects.select_related(*REC_JOINS), request.user, pk)
        return Response(CouncilRecommendationSerializer(rec).data)


def _rec(request: Request, pk: int) -> Recommendation:
    return _get(Recommendation.objects.select_related(*REC_JOINS), request.user, pk)


class VotesView(generics.GenericAPIView):
    serializer_class = CouncilVotesSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        summary="Record the votes of members present (all or none; a member whose term ended cannot vote)",
        request=CouncilVotesSerializer,
        responses={200: CouncilRecommendationSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        rec = _rec(request, pk)
        data = _valid(CouncilVotesSerializer, request)
        ids = [item["member"] for item in data["votes"]]
        if len(set(ids)) != len(ids):
            raise exceptions.ValidationError({"votes": [_("A member can vote only once.")]})
        members = CouncilMember.objects.in_bulk(ids)
        if len(members) != len(ids):
            raise exceptions.ValidationError({"votes": [_("Only members of this council can vote.")]})
        votes = {members[item["member"]]: item["choice"] for item in data["votes"]}
        _service(rec_services.votes_record, actor=request.user, recommendation=rec, votes=votes)
        return Response(CouncilRecommendationSerializer(_rec(request, pk)).data)


def _step(service: Any, body: type[serializers.Serializer] | None, summary: str) -> type[generics.GenericAPIView]:
    class StepView(generics.GenericAPIView):
        serializer_class = body or serializers.Serializer
        filter_backends: list[Any] = []

        @extend_schema(
            summary=summary,
            request=body,
            responses={200: CouncilRecommendationSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
        )
        def post(self, request: Request, pk: int) -> Response:
            rec = _rec(request, pk)
            data = _valid(body, request) if body is not None else {}
            _service(service, actor=request.user, recommendation=rec, **data)
            return Response(CouncilRecommendationSerializer(_rec(request, pk)).data)

    StepView.__name__ = StepView.__qualname__ = f"{service.__name__.title().replace('_', '')}View"
    return StepView


class ProgressView(generics.GenericAPIView):
    serializer_class = CouncilProgressSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        summary="Add a follow-up note on the recommendation's progress",
        request=CouncilProgressSerializer,
        responses={200: CouncilRecommendationSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        rec = _rec(request, pk)
        data = _valid(CouncilProgressSerializer, request)
        _service(rec_services.progress_note_add, actor=request.user, recommendation=rec, **data)
        return Response(CouncilRecommendationSerializer(_rec(request, pk)).data)


DecideView = _step(rec_services.recommendation_decide, None, "Count the votes: adopted by majority, or not adopted")
SendView = _step(
    rec_services.recommendation_send, CouncilSendSerializer, "Send the adopted recommendation to its addressee"
)
ResponseView = _step(
    rec_services.recommendation_respond,
    CouncilResponseSerializer,
    "Record the response (reasons required unless accepted)",
)
ImplementationView = _step(
    rec_services.recommendation_implementation, CouncilImplementationSerializer, "Record whether it was implemented"
)
AssessmentView = _step(
    rec_services.recommendation_assess, CouncilAssessmentSerializer, "Record the council's assessment"
)


P = "councils/"
urlpatterns = [
    path(P, CouncilListView.as_view(), name="councils-list"),
    path(f"{P}<int:pk>/", CouncilDetailView.as_view(), name="councils-detail"),
    path(f"{P}<int:pk>/members/", MemberListView.as_view(), name="councils-members"),
    path(f"{P}members/<int:pk>/end-term/", MemberEndTermView.as_view(), name="councils-member-end-term"),
    path(f"{P}<int:pk>/sessions/", SessionListView.as_view(), name="councils-sessions"),
    path(f"{P}sessions/<int:pk>/", SessionDetailView.as_view(), name="councils-session-detail"),
    path(f"{P}sessions/<int:pk>/attendance/", AttendanceView.as_view(), name="councils-session-attendance"),
    path(
        f"{P}sessions/<int:pk>/recommendations/",
        SessionRecommendationsView.as_view(),
        name="councils-session-recommendations",
    ),
    path(f"{P}recommendations/", RecommendationListView.as_view(), name="councils-recommendation-list"),
    path(f"{P}recommendations/<int:pk>/", RecommendationDetailView.as_view(), name="councils-recommendation-detail"),
    path(f"{P}recommendations/<int:pk>/votes/", VotesView.as_view(), name="councils-recommendation-votes"),
    path(f"{P}recommendations/<int:pk>/decide/", DecideView.as_view(), name="councils-recommendation-decide"),
    path(f"{P}recommendations/<int:pk>/send/", SendView.as_view(), name="councils-recommendation-send"),
    path(f"{P}recommendations/<int:pk>/response/", ResponseView.as_view(), name="councils-recommendation-response"),
    path(f"{P}recommendations/<int:pk>/progress/", ProgressView.as_view(), name="councils-recommendation-progress"),
    path(
        f"{P}recommendations/<int:pk>/implementation/",
        ImplementationView.as_view(),
        name="councils-recommendation-implementation",
    ),
    path(
        f"{P}recommendations/<int:pk>/assessment/", AssessmentView.as_view(), name="councils-recommendation-assessment"
    ),
]
