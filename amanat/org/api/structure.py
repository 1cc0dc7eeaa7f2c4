"""/api/v1/ territories, org-units, maslikhats, factions, deputies, state-bodies, officials.

The same scope, filters and services as the staff pages: lists and fetches go through
`visible_to(user, action)` (an id outside the caller's scope answers 404), writes call the
services (bad input answers 400 with errors field by field, a missing right 403), and nothing is
ever deleted here (DELETE answers 405).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from amanat.org.api import serializers_structure as s
from amanat.org.filtersets.structure import (
    DeputyFilterSet,
    FactionFilterSet,
    MaslikhatFilterSet,
    OfficialFilterSet,
    OrgUnitFilterSet,
    StateBodyFilterSet,
    TerritoryFilterSet,
)
from amanat.org.selectors import structure as sel
from amanat.org.services import structure as services

NOT_FOUND = OpenApiResponse(description="Not found, or outside your scope.")
BAD_INPUT = OpenApiResponse(description="Bad input: errors field by field.")
FORBIDDEN = OpenApiResponse(description="You may see this but not change it.")


def _schema(noun: str, serializer: Any, update_serializer: Any) -> Any:
    """The same documented answers for every structure viewset."""
    return extend_schema_view(
        list=extend_schema(summary=f"{noun}: list (filters, search `q`, pages)"),
        retrieve=extend_schema(summary=f"{noun}: one", responses={200: serializer, 404: NOT_FOUND}),
        create=extend_schema(
            summary=f"{noun}: create",
            request=serializer,
            responses={201: serializer, 400: BAD_INPUT, 403: FORBIDDEN},
        ),
        update=extend_schema(
            summary=f"{noun}: change",
            request=update_serializer,
            responses={200: update_serializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
        ),
        partial_update=extend_schema(
            summary=f"{noun}: change some fields",
            request=update_serializer,
            responses={200: update_serializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
        ),
    )


class StructureViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """List, fetch, create and change through the services; no delete."""

    lookup_value_regex = r"[0-9]+"
    update_serializer_class: Any = None
    # The service that changes one object, and the keyword it takes the object by.
    update_service: Any = None
    instance_kwarg = ""

    def get_serializer_class(self) -> Any:
        if self.action in ("update", "partial_update") and self.update_serializer_class is not None:
            return self.update_serializer_class
        return self.serializer_class

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        obj = self.update_service(
            actor=self.request.user,
            **{self.instance_kwarg: serializer.instance},
            changes=dict(serializer.validated_data),
        )
        serializer.instance = self.reloaded(obj)

    def reloaded(self, obj: Any) -> Any:
        """The object as the list shows it (annotations, joins) after a write."""
        return self.get_queryset().filter(pk=obj.pk).first() or obj


@_schema("Territories", s.TerritorySerializer, s.TerritoryUpdateSerializer)
class TerritoryViewSet(StructureViewSet):
    """The KATO tree. Anyone with org.view_unit reads it; changing it needs org.change_unit on the
    regional branch (or above)."""

    serializer_class = s.TerritorySerializer
    update_serializer_class = s.TerritoryUpdateSerializer
    filterset_class = TerritoryFilterSet
    update_service = staticmethod(services.territory_update)
    instance_kwarg = "territory"

    def get_queryset(self) -> Any:
        return sel.territory_list(actor=self.request.user)

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        parent = data.pop("parent", None)
        territory = services.territory_create(actor=self.request.user, parent=parent, **data)
        serializer.instance = self.reloaded(territory)


@_schema("Org units", s.OrgUnitSerializer, s.OrgUnitUpdateSerializer)
class OrgUnitViewSet(StructureViewSet):
    """Units in the caller's scope (their grants' subtrees), in tree order."""

    serializer_class = s.OrgUnitSerializer
    update_serializer_class = s.OrgUnitUpdateSerializer
    filterset_class = OrgUnitFilterSet
    update_service = staticmethod(services.org_unit_update)
    instance_kwarg = "unit"

    def get_queryset(self) -> Any:
        return sel.unit_list(actor=self.request.user)

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        parent = data.pop("parent")
        unit = services.org_unit_create(actor=self.request.user, parent=parent, **data)
        serializer.instance = self.reloaded(unit)

    @extend_schema(
        summary="Org units: deactivate (refused while it has active members or active units)",
        request=s.DeactivateSerializer,
        responses={200: s.OrgUnitSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, pk: Any = None) -> Response:
        unit = self.get_object()
        body = s.DeactivateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        unit = services.org_unit_deactivate(actor=request.user, unit=unit, reason=body.validated_data.get("reason", ""))
        return Response(s.OrgUnitSerializer(self.reloaded(unit), context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Org units: reactivate",
        request=None,
        responses={200: s.OrgUnitSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def reactivate(self, request: Request, pk: Any = None) -> Response:
        unit = services.org_unit_reactivate(actor=request.user, unit=self.get_object())
        return Response(s.OrgUnitSerializer(self.reloaded(unit), context=self.get_serializer_context()).data)


@_schema("Maslikhats", s.MaslikhatSerializer, s.MaslikhatSerializer)
class MaslikhatViewSet(StructureViewSet):
    serializer_class = s.MaslikhatSerializer
    filterset_class = MaslikhatFilterSet
    update_service = staticmethod(services.maslikhat_update)
    instance_kwarg = "maslikhat"

    def get_queryset(self) -> Any:
        return sel.maslikhat_list(actor=self.request.user)

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        unit = data.pop("org_unit")
        maslikhat = services.maslikhat_create(actor=self.request.user, org_unit=unit, **data)
        serializer.instance = self.reloaded(maslikhat)


@_schema("Party factions", s.FactionSerializer, s.FactionUpdateSerializer)
class FactionViewSet(StructureViewSet):
    serializer_class = s.FactionSerializer
    update_serializer_class = s.FactionUpdateSerializer
    filterset_class = FactionFilterSet
    update_service = staticmethod(services.faction_update)
    instance_kwarg = "faction"

    def get_queryset(self) -> Any:
        return sel.faction_list(actor=self.request.user)

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        maslikhat = data.pop("maslikhat")
        faction = services.faction_create(actor=self.request.user, maslikhat=maslikhat, **data)
        serializer.instance = self.reloaded(faction)


@_schema("Deputies", s.DeputySerializer, s.DeputyUpdateSerializer)
class DeputyViewSet(StructureViewSet):
    serializer_class = s.DeputySerializer
    update_serializer_class = s.DeputyUpdateSerializer
    filterset_class = DeputyFilterSet
    update_service = staticmethod(services.deputy_update)
    instance_kwarg = "deputy"

    def get_queryset(self) -> Any:
        return sel.deputy_list(actor=self.request.user)

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        maslikhat, person = data.pop("maslikhat"), data.pop("person")
        deputy = services.deputy_create(actor=self.request.user, maslikhat=maslikhat, person=person, **data)
        serializer.instance = self.reloaded(deputy)


@_schema("State bodies", s.StateBodySerializer, s.StateBodyUpdateSerializer)
class StateBodyViewSet(StructureViewSet):
    """Shared reference data: visible to anyone holding org.view_state_body anywhere."""

    serializer_class = s.StateBodySerializer
    update_serializer_class = s.StateBodyUpdateSerializer
    filterset_class = StateBodyFilterSet
    update_service = staticmethod(services.statebody_update)
    instance_kwarg = "body"

    def get_queryset(self) -> Any:
        return sel.statebody_list(actor=self.request.user)

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        parent = data.pop("parent", None)
        body = services.statebody_create(actor=self.request.user, parent=parent, **data)
        serializer.instance = self.reloaded(body)


class OfficialEndSerializer(serializers.Serializer):
    ended_on = serializers.DateField()


@_schema("Officials", s.OfficialSerializer, s.OfficialUpdateSerializer)
class OfficialViewSet(StructureViewSet):
    serializer_class = s.OfficialSerializer
    update_serializer_class = s.OfficialUpdateSerializer
    filterset_class = OfficialFilterSet
    update_service = staticmethod(services.official_update)
    instance_kwarg = "official"

    def get_queryset(self) -> Any:
        return sel.official_list(actor=self.request.user)

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        body, person = data.pop("body"), data.pop("person")
        official = services.official_appoint(actor=self.request.user, body=body, person=person, **data)
        serializer.instance = self.reloaded(official)

    @extend_schema(
        summary="Officials: end the term",
        request=OfficialEndSerializer,
        responses={200: s.OfficialSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: Any = None) -> Response:
        official = self.get_object()
        body = OfficialEndSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        official = services.official_end(
            actor=request.user, official=official, ended_on=body.validated_data["ended_on"]
        )
        return Response(s.OfficialSerializer(self.reloaded(official), context=self.get_serializer_context()).data)


def register(router: Any) -> None:
    router.register("territories", TerritoryViewSet, basename="territory")
    router.register("org-units", OrgUnitViewSet, basename="org-unit")
    router.register("maslikhats", MaslikhatViewSet, basename="maslikhat")
    router.register("factions", FactionViewSet, basename="faction")
    router.register("deputies", DeputyViewSet, basename="deputy")
    router.register("state-bodies", StateBodyViewSet, basename="state-body")
    router.register("officials", OfficialViewSet, basename="official")
