"""/api/v1/documents/: list (filters kind, year, q, unit), detail with versions, create.

Reads need `documents.view` on the adopting branch (404 otherwise); create needs
`documents.manage` there (403); bad input answers 400 field by field.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from amanat.appeals.api.serializers import ErrorSerializer
from amanat.core.permissions import has_action, units_for
from amanat.documents import selectors
from amanat.documents.choices import DocumentKind
from amanat.documents.filtersets import DocumentFilterSet
from amanat.documents.models import Document, DocumentVersion
from amanat.documents.permissions import DocumentAction
from amanat.documents.services import documents as services
from amanat.org.models import OrgUnit

MAX_ID = 2**31 - 1


class VersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = DocumentVersion
        fields = ["id", "number", "dated_on", "note", "file_kk", "file_ru"]
        read_only_fields = fields


class DocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Document
        fields = ["id", "kind", "org_unit", "number", "adopted_on", "title_kk", "title_ru", "title_en", "summary_kk",
                  "summary_ru", "is_public"]  # fmt: skip
        read_only_fields = ["id"]


class DocumentDetailSerializer(DocumentSerializer):
    versions = VersionSerializer(many=True, read_only=True)

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "versions"]


class DocumentCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    org_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.none())
    number = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    adopted_on = serializers.DateField()
    title_kk = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    title_ru = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    title_en = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    summary_kk = serializers.CharField(required=False, allow_blank=True, default="")
    summary_ru = serializers.CharField(required=False, allow_blank=True, default="")
    is_public = serializers.BooleanField(required=False, default=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["org_unit"].queryset = units_for(request.user, DocumentAction.MANAGE)


class DocumentListView(generics.GenericAPIView):
    serializer_class = DocumentSerializer
    filter_backends: list[Any] = []

    @extend_schema(summary="Party documents in your scope", responses={200: DocumentSerializer(many=True)})
    def get(self, request: Request) -> Response:
        if not has_action(request.user, DocumentAction.VIEW):
            raise Http404
        queryset = selectors.documents_for(request.user)
        filterset = DocumentFilterSet(request.query_params or None, queryset=queryset, request=request)
        if filterset.is_bound:
            if not filterset.is_valid():
                raise exceptions.ValidationError(filterset.errors)
            queryset = filterset.qs
        page = self.paginate_queryset(queryset.order_by("-adopted_on", "-id"))
        return self.get_paginated_response(DocumentSerializer(page, many=True).data)

    @extend_schema(
        summary="Add a party document",
        request=DocumentCreateSerializer,
        responses={
            201: DocumentSerializer,
            400: OpenApiResponse(ErrorSerializer),
            403: OpenApiResponse(ErrorSerializer),
        },
    )
    def post(self, request: Request) -> Response:
        if not has_action(request.user, DocumentAction.MANAGE):
            raise exceptions.PermissionDenied
        data = DocumentCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        document = services.document_create(actor=request.user, **data.validated_data)
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class DocumentDetailView(generics.GenericAPIView):
    serializer_class = DocumentDetailSerializer
    filter_backends: list[Any] = []

    @extend_schema(summary="One party document with its versions", responses={200: DocumentDetailSerializer})
    def get(self, request: Request, pk: int) -> Response:
        if not 1 <= pk <= MAX_ID:
            raise Http404
        document = selectors.with_versions(selectors.documents_for(request.user)).filter(pk=pk).first()
        if document is None:
            raise Http404
        return Response(DocumentDetailSerializer(document).data)


urlpatterns = [
    path("documents/", DocumentListView.as_view(), name="documents-api-list"),
    path("documents/<int:pk>/", DocumentDetailView.as_view(), name="documents-api-detail"),
]
