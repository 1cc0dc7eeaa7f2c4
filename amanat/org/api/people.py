"""/api/v1/people/, /api/v1/members/, /api/v1/positions/: the same scope, filters and services as the pages.

Ids outside the caller's scope answer 404; bad input answers 400 with errors field by field.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from amanat.org.api.serializers_people import (
    MemberAdmitSerializer,
    MemberSerializer,
    MemberTransitionSerializer,
    PersonSerializer,
    PositionEndSerializer,
    PositionSerializer,
)
from amanat.org.filtersets.people import MemberFilterSet, PersonFilterSet, PositionFilterSet
from amanat.org.selectors import people as selectors
from amanat.org.services import people as services

NOT_FOUND = OpenApiResponse(description="Not found, or outside your scope.")
BAD_INPUT = OpenApiResponse(description="Bad input: errors field by field.")


@extend_schema_view(
    list=extend_schema(summary="People in your scope (IIN masked; q = start of name or a full IIN)"),
    retrieve=extend_schema(summary="One person", responses={200: PersonSerializer, 404: NOT_FOUND}),
    create=extend_schema(summary="Add a person", responses={201: PersonSerializer, 400: BAD_INPUT}),
    update=extend_schema(responses={200: PersonSerializer, 400: BAD_INPUT, 404: NOT_FOUND}),
    partial_update=extend_schema(responses={200: PersonSerializer, 400: BAD_INPUT, 404: NOT_FOUND}),
)
class PersonViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = PersonSerializer
    filterset_class = PersonFilterSet

    def get_queryset(self) -> Any:
        return selectors.person_list(actor=self.request.user)

    def perform_create(self, serializer: BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        iin = data.pop("iin", "")
        serializer.instance = services.person_create(
            actor=self.request.user, org_unit=data.pop("org_unit"), iin=iin, **data
        )

    def perform_update(self, serializer: BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        iin = data.pop("iin", None)
        serializer.instance = services.person_update(
            actor=self.request.user, person=serializer.instance, changes=data, iin=iin
        )


@extend_schema_view(
    list=extend_schema(summary="Party members in your scope (unit = that unit and its subtree)"),
    retrieve=extend_schema(summary="One membership", responses={200: MemberSerializer, 404: NOT_FOUND}),
)
class MemberViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = MemberSerializer
    filterset_class = MemberFilterSet

    def get_queryset(self) -> Any:
        return selectors.member_list(actor=self.request.user)

    @extend_schema(
        summary="Admit a person to a primary organisation",
        request=MemberAdmitSerializer,
        responses={201: MemberSerializer, 400: BAD_INPUT},
    )
    def create(self, request: Request) -> Response:
        payload = MemberAdmitSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        member = services.member_admit(actor=request.user, **payload.validated_data)
        member = selectors.member_get(actor=request.user, pk=member.pk)
        return Response(MemberSerializer(member).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change the membership status (active, suspended, left) through the transition table",
        request=MemberTransitionSerializer,
        responses={200: MemberSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        member = selectors.member_get(actor=request.user, pk=pk)
        payload = MemberTransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        member = services.member_transition(
            actor=request.user,
            member=member,
            to=data["to"],
            on=data.get("date") or timezone.localdate(),
            reason=data.get("reason", ""),
        )
        return Response(MemberSerializer(member).data)


@extend_schema_view(
    list=extend_schema(summary="Positions in party bodies (current = term covers today)"),
    retrieve=extend_schema(summary="One position", responses={200: PositionSerializer, 404: NOT_FOUND}),
    create=extend_schema(summary="Appoint a person", responses={201: PositionSerializer, 400: BAD_INPUT}),
)
class PositionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = PositionSerializer
    filterset_class = PositionFilterSet

    def get_queryset(self) -> Any:
        return selectors.position_list(actor=self.request.user)

    def perform_create(self, serializer: BaseSerializer) -> None:
        serializer.instance = services.position_appoint(actor=self.request.user, **serializer.validated_data)

    @extend_schema(
        summary="End a term",
        request=PositionEndSerializer,
        responses={200: PositionSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str | None = None) -> Response:
        position = selectors.position_get(actor=request.user, pk=pk)
        payload = PositionEndSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        position = services.position_end(
            actor=request.user, position=position, ended_on=payload.validated_data["ended_on"]
        )
        return Response(PositionSerializer(position, context=self.get_serializer_context()).data)


def register(router: Any) -> None:
    router.register("people", PersonViewSet, basename="person")
    router.register("members", MemberViewSet, basename="member")
    router.register("positions", PositionViewSet, basename="position")
