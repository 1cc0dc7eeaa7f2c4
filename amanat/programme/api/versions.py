"""/api/v1/programme/programmes/{id}/versions/: a programme's versions and what each changed.

- `GET …/versions/` lists the versions, newest first (without their frozen trees);
- `POST …/versions/` records the programme as it stands now as its next version
  (`services.versions.version_adopt`): 400 with errors field by field (no basis, a date in the
  future or before the last version's), 403 the caller sees the programme but may not manage it;
- `GET …/versions/{number}/` is one version with its changes against the previous version, or
  against the programme today with `?against=current`.
A programme outside the caller's scope answers 404, like a missing one.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from amanat.api.errors import Conflict
from amanat.appeals.api.serializers import ErrorSerializer
from amanat.programme.models import Programme, ProgrammeVersion
from amanat.programme.permissions import ProgrammeAction
from amanat.programme.services import versions as services

MAX_ID = 2**31 - 1
MAX_NUMBER = 2**15 - 1
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Not found, or outside your scope.")
BAD_INPUT = OpenApiResponse(ErrorSerializer, description="Bad input: errors field by field; nothing changed.")
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="You may see this programme but not manage it.")
CONFLICT = OpenApiResponse(ErrorSerializer, description="Another version was recorded at the same time.")


class VersionSerializer(serializers.ModelSerializer):
    note = serializers.CharField(read_only=True)
    items = serializers.SerializerMethodField()

    class Meta:
        model = ProgrammeVersion
        fields = [
            "id",
            "programme",
            "number",
            "adopted_on",
            "basis",
            "note",
            "note_kk",
            "note_ru",
            "note_en",
            "items",
            "created_at",
        ]
        read_only_fields = fields

    def get_items(self, version: ProgrammeVersion) -> int:
        return len(version.snapshot.get("items", []))


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)
    key = serializers.BooleanField(help_text="A change of dates, money, target or weight.")


class IndicatorChangeSerializer(serializers.Serializer):
    change = serializers.ChoiceField(choices=["added", "removed", "changed"])
    indicator = serializers.DictField()
    fields = FieldChangeSerializer(many=True)
    flags = serializers.ListField(child=serializers.CharField())


class ChangeSerializer(serializers.Serializer):
    change = serializers.ChoiceField(choices=["added", "removed", "changed"])
    item = serializers.DictField(help_text="id, code, title_kk, title_ru, title_en")
    fields = FieldChangeSerializer(many=True)
    indicators = IndicatorChangeSerializer(many=True)
    flags = serializers.ListField(
        child=serializers.CharField(),
        help_text="deadline_later, deadline_earlier, target_weaker, target_stronger, budget_cut",
    )


class VersionDetailSerializer(VersionSerializer):
    against = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField()

    class Meta(VersionSerializer.Meta):
        fields = [*VersionSerializer.Meta.fields, "against", "summary", "changes"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_against(self, version: ProgrammeVersion) -> Any:
        return self.context["against"]

    def get_summary(self, version: ProgrammeVersion) -> dict[str, int]:
        return services.summary(self.context["changes"])

    @extend_schema_field(ChangeSerializer(many=True))
    def get_changes(self, version: ProgrammeVersion) -> list[dict[str, Any]]:
        return self.context["changes"]


class AdoptSerializer(serializers.Serializer):
    adopted_on = serializers.DateField()
    basis = serializers.CharField(max_length=500, allow_blank=True)
    note_kk = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    note_ru = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    note_en = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")


def _programme(request: Request, pk: int) -> Programme:
    if pk > MAX_ID:
        raise Http404
    programme = (
        Programme.objects.visible_to(request.user, ProgrammeAction.VIEW)
        .select_related("org_unit")
        .filter(pk=pk)
        .first()
    )
    if programme is None:
        raise Http404
    return programme


class VersionListView(generics.GenericAPIView):
    serializer_class = VersionSerializer
    filter_backends: list[Any] = []
    pagination_class = None

    @extend_schema(
        summary="A programme's versions, newest first", responses={200: VersionSerializer(many=True), 404: NOT_FOUND}
    )
    def get(self, request: Request, pk: int) -> Response:
        programme = _programme(request, pk)
        versions = ProgrammeVersion.objects.filter(programme=programme).order_by("-number")
        return Response(VersionSerializer(versions, many=True).data)

    @extend_schema(
        summary="Record the programme as it stands now as its next version (a party decision revised it)",
        request=AdoptSerializer,
        responses={201: VersionSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request: Request, pk: int) -> Response:
        programme = _programme(request, pk)
        body = AdoptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            version = services.version_adopt(actor=request.user, programme=programme, **body.validated_data)
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(_("You may not record versions of this programme.")) from exc
        except DjangoValidationError as exc:
            if not hasattr(exc, "error_dict") and getattr(exc, "code", None) == "conflict":
                raise Conflict(detail=exc.messages[0]) from exc
            raise
        return Response(VersionSerializer(version).data, status=status.HTTP_201_CREATED)


class VersionDetailView(generics.GenericAPIView):
    serializer_class = VersionDetailSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        summary="One version with what it changed against the previous one (or, with against=current, what has "
        "changed since it)",
        parameters=[OpenApiParameter("against", OpenApiTypes.STR, enum=["previous", "current"])],
        responses={200: VersionDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int, number: int) -> Response:
        programme = _programme(request, pk)
        against = request.query_params.get("against", "previous")
        if against not in ("previous", "current"):
            raise serializers.ValidationError({"against": [_("Use previous or current.")]})
        if number > MAX_NUMBER:
            raise Http404
        version = ProgrammeVersion.objects.filter(programme=programme, number=number).first()
        if version is None:
            raise Http404
        version.programme = programme
        if against == "current":
            changes, label = services.changes_since(version), "current"
        else:
            changes = services.changes_in(version)
            previous = (
                ProgrammeVersion.objects.filter(programme=programme, number__lt=number)
                .order_by("-number")
                .values_list("number", flat=True)
                .first()
            )
            label = previous
        serializer = VersionDetailSerializer(version, context={"changes": changes, "against": label})
        return Response(serializer.data)


urlpatterns = [
    path("programme/programmes/<int:pk>/versions/", VersionListView.as_view(), name="programme-version-list"),
    path(
        "programme/programmes/<int:pk>/versions/<int:number>/",
        VersionDetailView.as_view(),
        name="programme-version-detail",
    ),
]
