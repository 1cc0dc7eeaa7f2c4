"""/api/v1/programme/: programmes, items (with indicators and values) and quarterly reports.

- Reads go through `selectors.items_for` / `programmes_for`: an item or report outside the
  caller's scope answers 404, exactly like a missing one.
- `POST programme/items/{id}/reports/` gives (or corrects) a report for a quarter through
  `services.reports.report_submit` (JSON, or multipart with `files` and `actuals.<indicator id>`).
- `POST programme/reports/{id}/verdict/` is party control's verdict (`report_verdict`).
  Errors: 400 bad input, field by field; 403 the caller sees the item but may not do this;
  404 not seen; 409 `code: "conflict"` the `version` sent is stale or the report already ruled on.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from amanat.api.errors import call_service
from amanat.appeals.api.serializers import ErrorSerializer
from amanat.programme.choices import VERDICTS, ItemStatus
from amanat.programme.models import Indicator, IndicatorValue, Item, Programme, Report
from amanat.programme.selectors import item_get, items_for, programmes_for
from amanat.programme.services import reports as services

MAX_ID = 2**31 - 1
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Not found, or outside your scope.")
BAD_INPUT = OpenApiResponse(ErrorSerializer, description="Bad input: errors field by field; nothing changed.")
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="You may see this item but not do this.")
CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description='`code: "conflict"`: the `version` sent is stale or the report has been ruled on. Nothing changed.',
)


# --- serializers ---------------------------------------------------------------------------


class ProgrammeSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)

    class Meta:
        model = Programme
        fields = [
            "id",
            "code",
            "title",
            "title_kk",
            "title_ru",
            "title_en",
            "first_year",
            "last_year",
            "version",
            "org_unit",
            "is_published",
        ]
        read_only_fields = fields


class ItemSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=ItemStatus.choices, read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Item
        fields = [
            "id",
            "programme",
            "code",
            "kind",
            "depth",
            "title",
            "title_kk",
            "title_ru",
            "title_en",
            "weight",
            "org_unit",
            "territory",
            "responsible_body",
            "planned_start",
            "planned_end",
            "budget_planned",
            "budget_spent",
            "budget_source",
            "status",
            "status_display",
            "computed_status",
            "status_override",
            "override_reason",
            "progress_claimed",
            "progress_verified",
            "status_changed_at",
        ]
        read_only_fields = fields


class IndicatorValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorValue
        fields = ["year", "quarter", "planned", "actual", "report"]
        read_only_fields = fields


class IndicatorSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    values = IndicatorValueSerializer(many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "name",
            "name_kk",
            "name_ru",
            "name_en",
            "unit",
            "baseline",
            "target",
            "direction",
            "weight",
            "source",
            "values",
        ]
        read_only_fields = fields


class ItemDetailSerializer(ItemSerializer):
    parent = serializers.SerializerMethodField()
    description = serializers.CharField(read_only=True)
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta(ItemSerializer.Meta):
        fields = [*ItemSerializer.Meta.fields, "parent", "description", "indicators"]
        read_only_fields = fields

    def get_parent(self, item: Item) -> int | None:
        if item.depth <= 1:
            return None
        return Item.objects.filter(path=item.path[: -Item.steplen]).values_list("pk", flat=True).first()


class ReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = Report
        fields = [
            "id",
            "item",
            "year",
            "quarter",
            "narrative",
            "money_spent",
            "submitted_at",
            "is_late",
            "state",
            "verdict_at",
            "verdict_comment",
            "version",
        ]
        read_only_fields = fields


class ItemFilterSerializer(serializers.Serializer):
    programme = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    status = serializers.ChoiceField(choices=ItemStatus.choices, required=False)
    territory = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    responsible_body = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    org_unit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class ReportSubmitSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    quarter = serializers.IntegerField(min_value=1, max_value=4)
    narrative = serializers.CharField(max_length=20000, allow_blank=True)
    money_spent = serializers.DecimalField(max_digits=16, decimal_places=2, required=False, allow_null=True)
    actuals = serializers.DictField(
        child=serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True),
        required=False,
        help_text="Indicator id → the actual value for the quarter (multipart: `actuals.<id>`).",
    )
    files = serializers.ListField(child=serializers.FileField(), required=False, max_length=20)

    def validate_actuals(self, value: dict[str, Decimal | None]) -> dict[int, Decimal | None]:
        out: dict[int, Decimal | None] = {}
        for key, number in value.items():
            if not str(key).isdigit() or not (1 <= int(key) <= MAX_ID):
                raise serializers.ValidationError(_("Give each value under its indicator's id."))
            out[int(key)] = number
        return out


class VerdictSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=[(v.value, v.label) for v in VERDICTS])
    comment = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    files = serializers.ListField(child=serializers.FileField(), required=False, max_length=20)


def _service(fn: Any, **kwargs: Any) -> Any:
    return call_service(fn, denied=_("You may not do this with this item."), conflicts=("conflict",), **kwargs)


def _item(request: Request, pk: int) -> Item:
    if pk > MAX_ID:
        raise Http404
    return item_get(request.user, pk)


# --- views ---------------------------------------------------------------------------------


@extend_schema(summary="Programmes in your scope")
class ProgrammeListView(generics.ListAPIView):
    serializer_class = ProgrammeSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return programmes_for(self.request.user).order_by("-first_year", "code")


class ItemListView(generics.ListAPIView):
    serializer_class = ItemSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        summary="Programme items in your scope, by programme, status, territory, body and branch",
        parameters=[
            OpenApiParameter("programme", OpenApiTypes.INT, description="Programme id"),
            OpenApiParameter("status", OpenApiTypes.STR, enum=ItemStatus.values),
            OpenApiParameter("territory", OpenApiTypes.INT, description="Territory id"),
            OpenApiParameter("responsible_body", OpenApiTypes.INT, description="Responsible state body id"),
            OpenApiParameter("org_unit", OpenApiTypes.INT, description="Controlling party branch id"),
        ],
        responses={
            200: ItemSerializer(many=True),
            400: BAD_INPUT,
            404: OpenApiResponse(ErrorSerializer, description="A page beyond the last."),
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        filters = ItemFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        wanted = filters.validated_data
        queryset = items_for(self.request.user).order_by("programme_id", "path")
        for name in ("programme", "territory", "responsible_body", "org_unit"):
            if wanted.get(name):
                queryset = queryset.filter(**{f"{name}_id": wanted[name]})
        if wanted.get("status"):
            chosen = wanted["status"]
            queryset = queryset.filter(Q(status_override=chosen) | Q(status_override="", computed_status=chosen))
        return queryset


@extend_schema(
    summary="One programme item with its indicators and their quarterly values",
    responses={200: ItemDetailSerializer, 404: NOT_FOUND},
)
class ItemDetailView(generics.GenericAPIView):
    serializer_class = ItemDetailSerializer
    filter_backends: list[Any] = []

    def get(self, request: Request, pk: int) -> Response:
        item = _item(request, pk)
        item = Item.objects.prefetch_related("indicators__values").get(pk=item.pk)
        return Response(ItemDetailSerializer(item).data)


class ItemReportsView(generics.GenericAPIView):
    serializer_class = ReportSerializer
    filter_backends: list[Any] = []
    pagination_class = None
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        summary="The item's quarterly reports, newest first",
        responses={200: ReportSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        item = _item(request, pk)
        return Response(ReportSerializer(item.reports.order_by("-year", "-quarter", "-id"), many=True).data)

    @extend_schema(
        summary="Give (or correct, until it is ruled on) the item's report for a quarter (state body)",
        request={"application/json": ReportSubmitSerializer, "multipart/form-data": ReportSubmitSerializer},
        responses={201: ReportSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        item = _item(request, pk)
        body = ReportSubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        report = _service(
            services.report_submit,
            actor=request.user,
            item=item,
            data=services.ReportInput(
                year=data["year"],
                quarter=data["quarter"],
                narrative=data["narrative"],
                actuals=data.get("actuals") or {},
                money_spent=data.get("money_spent"),
                files=data.get("files") or (),
            ),
        )
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)


class VerdictView(generics.GenericAPIView):
    serializer_class = VerdictSerializer
    filter_backends: list[Any] = []
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        summary="Party control's verdict on a report: confirmed, partly or not confirmed",
        request={"application/json": VerdictSerializer, "multipart/form-data": VerdictSerializer},
        responses={200: ReportSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request: Request, pk: int) -> Response:
        if pk > MAX_ID:
            raise Http404
        report = Report.objects.filter(pk=pk, item__in=items_for(request.user)).first()
        if report is None:
            raise Http404
        body = VerdictSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        report = _service(
            services.report_verdict,
            actor=request.user,
            report=report,
            verdict=data["verdict"],
            comment=data.get("comment") or "",
            files=data.get("files") or (),
            version=data["version"],
        )
        return Response(ReportSerializer(report).data)


urlpatterns = [
    path("programme/programmes/", ProgrammeListView.as_view(), name="programme-list"),
    path("programme/items/", ItemListView.as_view(), name="programme-item-list"),
    path("programme/items/<int:pk>/", ItemDetailView.as_view(), name="programme-item-detail"),
    path("programme/items/<int:pk>/reports/", ItemReportsView.as_view(), name="programme-item-reports"),
    path("programme/reports/<int:pk>/verdict/", VerdictView.as_view(), name="programme-report-verdict"),
]
