"""/api/v1/akim/: rural akim election campaigns.

- Staff (signed in, `akim.view` in scope): `GET akim/campaigns/` (filters: unit, status, year),
  `GET akim/campaigns/{id}/` with events, other candidates, outcomes and status history.
- `akim.manage` on the campaign's branch: `POST akim/campaigns/`, `PATCH akim/campaigns/{id}/`,
  `POST …/{id}/nominee/` (a decision, an internal vote, or `{"take_winner": true, "election": id}`),
  `POST …/{id}/transition/`, `POST …/{id}/events/`, `PATCH|DELETE akim/events/{id}/`,
  `POST …/{id}/candidates/`, `DELETE akim/candidates/{id}/`, `POST …/{id}/outcome/`.
- Anyone: `GET akim/public/campaigns/` and `…/{id}/` — announced nominees, no other personal data.
Errors: 400 bad input field by field, 403 a branch the caller does not manage, 404 not seen.
Nothing changes then.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from amanat.akim.api.serializers import (
    AkimCampaignDetailSerializer,
    AkimCampaignInputSerializer,
    AkimCampaignSerializer,
    AkimCandidateInputSerializer,
    AkimCandidateSerializer,
    AkimEventInputSerializer,
    AkimEventSerializer,
    AkimNomineeInputSerializer,
    AkimOutcomeInputSerializer,
    AkimOutcomeSerializer,
    AkimTransitionInputSerializer,
    PublicAkimCampaignDetailSerializer,
    PublicAkimCampaignSerializer,
)
from amanat.akim.filtersets import CampaignFilterSet
from amanat.akim.models import AkimCampaign
from amanat.akim.permissions import AkimAction
from amanat.akim.selectors import (
    campaign_get,
    campaigns_for,
    candidate_get,
    event_get,
    nominee_votes,
    public_campaign_get,
    public_campaigns,
)
from amanat.akim.services import activity
from amanat.akim.services import campaigns as services
from amanat.api.errors import call_service
from amanat.appeals.api.serializers import ErrorSerializer
from amanat.core.permissions import in_subtree
from amanat.documents.models import Document
from amanat.org.models import Member

NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Not found, or outside your scope.")
BAD_INPUT = OpenApiResponse(ErrorSerializer, description="Bad input: errors field by field; nothing changed.")
DENIED = OpenApiResponse(ErrorSerializer, description="You do not run campaigns of this branch.")


def _denied() -> str:
    return _("You do not run campaigns of this branch.")


def _manage(fn: Any, **kwargs: Any) -> Any:
    """A service call on a campaign the caller has already fetched in scope: a refused right
    answers 404, like an object out of scope."""
    try:
        return fn(**kwargs)
    except DjangoPermissionDenied:
        raise Http404 from None


# --- views ---------------------------------------------------------------------------------


def _detail(request: Request, pk: Any) -> Response:
    campaign = campaign_get(request.user, pk)
    return Response(AkimCampaignDetailSerializer(campaign).data)


class CampaignListView(generics.ListCreateAPIView):
    serializer_class = AkimCampaignSerializer
    filterset_class = CampaignFilterSet

    @extend_schema(summary="Akim election campaigns in your scope", responses={200: AkimCampaignSerializer(many=True),
                   400: BAD_INPUT})  # fmt: skip
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[AkimCampaign]:
        return campaigns_for(self.request.user).order_by("-election_date", "pk")

    @extend_schema(
        summary="Add a campaign in a rural okrug",
        request=AkimCampaignInputSerializer,
        responses={201: AkimCampaignDetailSerializer, 400: BAD_INPUT, 403: DENIED},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = AkimCampaignInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        campaign = call_service(
            services.campaign_create, denied=_denied(), actor=request.user, values=body.validated_data
        )
        data = AkimCampaignDetailSerializer(campaign_get(request.user, campaign.pk)).data
        return Response(data, status=status.HTTP_201_CREATED)


class CampaignDetailView(generics.GenericAPIView):
    serializer_class = AkimCampaignDetailSerializer
    filter_backends: list[Any] = []

    @extend_schema(summary="One campaign with its events, candidates, outcomes and history",
                   responses={200: AkimCampaignDetailSerializer, 404: NOT_FOUND})  # fmt: skip
    def get(self, request: Request, pk: int) -> Response:
        return _detail(request, pk)

    @extend_schema(
        summary="Change a campaign's okrug, dates, branch or public text",
        request=AkimCampaignInputSerializer(partial=True),
        responses={200: AkimCampaignDetailSerializer, 400: BAD_INPUT, 403: DENIED, 404: NOT_FOUND},
    )
    def patch(self, request: Request, pk: int) -> Response:
        campaign = campaign_get(request.user, pk, AkimAction.MANAGE)
        body = AkimCampaignInputSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        call_service(services.campaign_update, denied=_denied(), actor=request.user, campaign=campaign,
                     values=body.validated_data)  # fmt: skip
        return _detail(request, pk)


class NomineeView(generics.GenericAPIView):
    serializer_class = AkimCampaignDetailSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        summary="Choose the nominee: by a decision, by an internal vote, or take the vote's winner",
        request=AkimNomineeInputSerializer,
        responses={200: AkimCampaignDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        campaign = campaign_get(request.user, pk, AkimAction.MANAGE)
        body = AkimNomineeInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        errors: dict[str, list[str]] = {}
        election = None
        if data.get("election"):
            election = nominee_votes(campaign).filter(pk=data["election"]).first()
            if election is None:
                errors["election"] = [_("No internal vote for an akim nominee of this branch has this id.")]
        if data.pop("take_winner"):
            if election is None and not errors:
                errors["election"] = [_("Choose the internal vote.")]
            if errors:
                raise serializers.ValidationError(errors)
            _manage(services.campaign_take_winner, actor=request.user, campaign=campaign, election=election)
            return _detail(request, pk)
        if data.get("nominee"):
            data["nominee"] = (
                Member.objects.filter(pk=data["nominee"]).filter(in_subtree("org_unit", campaign.org_unit)).first()
            )
            if data["nominee"] is None:
                errors["nominee"] = [_("No member of the branch has this id.")]
        if data.get("decision_document"):
            data["decision_document"] = Document.objects.filter(pk=data["decision_document"]).first()
            if data["decision_document"] is None:
                errors["decision_document"] = [_("No document has this id.")]
        if errors:
            raise serializers.ValidationError(errors)
        data["election"] = election
        data["chosen_by"] = data.get("chosen_by") or ""
        note = data.pop("note")
        _manage(services.campaign_choose_nominee, actor=request.user, campaign=campaign, values=data, note=note)
        return _detail(request, pk)


class TransitionView(generics.GenericAPIView):
    serializer_class = AkimCampaignDetailSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        summary="Move the campaign on: registered, campaigning, back to planning, withdrawn",
        request=AkimTransitionInputSerializer,
        responses={200: AkimCampaignDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        campaign = campaign_get(request.user, pk, AkimAction.MANAGE)
        body = AkimTransitionInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        _manage(services.campaign_transition, actor=request.user, campaign=campaign, to=data["to"], note=data["note"],
                registered_on=data.get("registered_on"))  # fmt: skip
        return _detail(request, pk)


class EventCreateView(generics.GenericAPIView):
    serializer_class = AkimEventSerializer
    filter_backends: list[Any] = []

    @extend_schema(summary="Add a campaign event (a meeting with voters)", request=AkimEventInputSerializer,
                   responses={201: AkimEventSerializer, 400: BAD_INPUT, 404: NOT_FOUND})  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        campaign = campaign_get(request.user, pk, AkimAction.MANAGE)
        body = AkimEventInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        event = _manage(activity.event_create, actor=request.user, campaign=campaign, values=body.validated_data)
        return Response(AkimEventSerializer(event).data, status=status.HTTP_201_CREATED)


class EventDetailView(generics.GenericAPIView):
    serializer_class = AkimEventSerializer
    filter_backends: list[Any] = []

    @extend_schema(summary="Change an event or record its attendance", request=AkimEventInputSerializer,
                   responses={200: AkimEventSerializer, 400: BAD_INPUT, 404: NOT_FOUND})  # fmt: skip
    def patch(self, request: Request, pk: int) -> Response:
        event = event_get(request.user, pk)
        body = AkimEventInputSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        event = _manage(activity.event_update, actor=request.user, event=event, values=body.validated_data)
        return Response(AkimEventSerializer(event).data)

    @extend_schema(summary="Remove an event (kept and audited)", responses={204: None, 404: NOT_FOUND})
    def delete(self, request: Request, pk: int) -> Response:
        event = event_get(request.user, pk)
        _manage(activity.event_delete, actor=request.user, event=event)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CandidateCreateView(generics.GenericAPIView):
    serializer_class = AkimCandidateSerializer
    filter_backends: list[Any] = []

    @extend_schema(summary="Add another candidate registered in the okrug", request=AkimCandidateInputSerializer,
                   responses={201: AkimCandidateSerializer, 400: BAD_INPUT, 404: NOT_FOUND})  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        campaign = campaign_get(request.user, pk, AkimAction.MANAGE)
        body = AkimCandidateInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        candidate = _manage(activity.candidate_create, actor=request.user, campaign=campaign, **body.validated_data)
        return Response(AkimCandidateSerializer(candidate).data, status=status.HTTP_201_CREATED)


class CandidateDetailView(generics.GenericAPIView):
    serializer_class = AkimCandidateSerializer
    filter_backends: list[Any] = []

    @extend_schema(summary="Remove another candidate from the list", responses={204: None, 404: NOT_FOUND})
    def delete(self, request: Request, pk: int) -> Response:
        candidate = candidate_get(request.user, pk)
        _manage(activity.candidate_delete, actor=request.user, candidate=candidate)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OutcomeView(generics.GenericAPIView):
    serializer_class = AkimOutcomeSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        summary="Record or correct the outcome of a round; a win or a loss completes the campaign",
        request=AkimOutcomeInputSerializer,
        responses={200: AkimOutcomeSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        campaign = campaign_get(request.user, pk, AkimAction.MANAGE)
        body = AkimOutcomeInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data) | {"round": int(body.validated_data["round"])}
        result = _manage(activity.outcome_save, actor=request.user, campaign=campaign, values=data)
        return Response(AkimOutcomeSerializer(result).data)


class PublicCampaignListView(generics.ListAPIView):
    serializer_class = PublicAkimCampaignSerializer
    permission_classes = [AllowAny]
    filter_backends: list[Any] = []

    @extend_schema(summary="The party's announced nominees for rural akim, with outcomes", auth=[])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[AkimCampaign]:
        return public_campaigns().prefetch_related("outcomes").order_by("-election_date", "pk")


class PublicCampaignDetailView(generics.GenericAPIView):
    serializer_class = PublicAkimCampaignDetailSerializer
    permission_classes = [AllowAny]
    filter_backends: list[Any] = []

    @extend_schema(summary="One announced nominee's campaign: events and outcome", auth=[],
                   responses={200: PublicAkimCampaignDetailSerializer, 404: NOT_FOUND})  # fmt: skip
    def get(self, request: Request, pk: int) -> Response:
        return Response(PublicAkimCampaignDetailSerializer(public_campaign_get(pk)).data)


urlpatterns = [
    path("akim/campaigns/", CampaignListView.as_view(), name="akim-campaigns"),
    path("akim/campaigns/<int:pk>/", CampaignDetailView.as_view(), name="akim-campaign"),
    path("akim/campaigns/<int:pk>/nominee/", NomineeView.as_view(), name="akim-campaign-nominee"),
    path("akim/campaigns/<int:pk>/transition/", TransitionView.as_view(), name="akim-campaign-transition"),
    path("akim/campaigns/<int:pk>/events/", EventCreateView.as_view(), name="akim-campaign-events"),
    path("akim/campaigns/<int:pk>/candidates/", CandidateCreateView.as_view(), name="akim-campaign-candidates"),
    path("akim/campaigns/<int:pk>/outcome/", OutcomeView.as_view(), name="akim-campaign-outcome"),
    path("akim/events/<int:pk>/", EventDetailView.as_view(), name="akim-event"),
    path("akim/candidates/<int:pk>/", CandidateDetailView.as_view(), name="akim-candidate"),
    path("akim/public/campaigns/", PublicCampaignListView.as_view(), name="akim-public-campaigns"),
    path("akim/public/campaigns/<int:pk>/", PublicCampaignDetailView.as_view(), name="akim-public-campaign"),
]
