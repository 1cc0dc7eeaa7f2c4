"""/api/v1/programme/control/: party control work through the API, the same services as the pages.

- `visits/` list (filters `status`, `plan`, `org_unit`, `kind`) and create; `visits/{id}/` read and
  PATCH (linked `items` and `members` are ids and replace the old ones when sent);
  `visits/{id}/photos/` lists photos with their download URLs and takes a multipart `file`;
  `photos/{id}/file/` downloads one; DELETE `photos/{id}/` removes it.
- `recommendations/` list (filters `status`, `overdue`, `addressee`, `visit`);
  `visits/{id}/recommendations/` issues one; `recommendations/{id}/` read and PATCH (only while
  open); `recommendations/{id}/close/` closes it as carried out or rejected, with the response.
- `posts/` list and create, `posts/{id}/` read (with its checks) and PATCH, `posts/{id}/checks/`
  list and add a check.

Reads need `programme.view` on the commission's branch: anything else answers 404 like a missing
record. Writes need `programme.verify`: 403 when the caller sees the record but may not change it.
Bad input answers 400 with errors field by field and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Q, QuerySet
from django.http import FileResponse, Http404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from amanat.api.errors import call_service
from amanat.appeals.api.serializers import ErrorSerializer
from amanat.core.permissions import has_action, units_for
from amanat.org.models import Official, OrgUnit, StateBody, Territory
from amanat.programme.models import (
    CheckResult,
    ControlPlan,
    ControlPost,
    Item,
    MonitoringVisit,
    ObjectKind,
    PostCheck,
    Recommendation,
    RecommendationStatus,
    VisitPhoto,
    VisitStatus,
)
from amanat.programme.permissions import ProgrammeAction
from amanat.programme.services import control as services

VIEW, VERIFY = ProgrammeAction.VIEW, ProgrammeAction.VERIFY
MAX_ID = 2**31 - 1
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Not found, or outside your scope.")
BAD_INPUT = OpenApiResponse(ErrorSerializer, description="Bad input: errors field by field; nothing changed.")
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="You may see this record but not change it.")
REC_FIELDS = ("text", "addressee_body", "addressee_official", "issued_on", "deadline_days")


# --- helpers -------------------------------------------------------------------------------


def _get(queryset: QuerySet, user: Any, pk: int, action: str = VIEW) -> Any:
    """One record in the caller's scope; missing, out of scope and absurd ids all answer 404."""
    if not 1 <= pk <= MAX_ID:
        raise Http404
    found = queryset.visible_to(user, action).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _service(fn: Any, **kwargs: Any) -> Any:
    return call_service(fn, denied=_("You may not change party control work of this branch."), conflicts=(), **kwargs)


def _need_verify_somewhere(user: Any) -> None:
    if not has_action(user, VERIFY):
        raise exceptions.PermissionDenied(_("You may not change party control work of this branch."))


class ScopedFieldsMixin:
    """Fills the querysets of related fields from the caller: only what they may choose."""

    def scoped_querysets(self, user: Any) -> dict[str, QuerySet]:
        return {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        request = self.context.get("request")  # type: ignore[attr-defined]
        if request is None:  # the schema generator: the fields' empty querysets stay
            return
        user = request.user
        for name, queryset in self.scoped_querysets(user).items():
            field = self.fields[name]  # type: ignore[attr-defined]
            getattr(field, "child_relation", field).queryset = queryset


def _ids(queryset: QuerySet, **extra: Any) -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(queryset=queryset, many=True, required=False, **extra)


# --- serializers: visits and photos --------------------------------------------------------


class VisitPhotoSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = VisitPhoto
        fields = ["id", "visit", "original_name", "content_type", "size", "uploaded_by", "uploaded_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, photo: VisitPhoto) -> str:
        url = reverse("api:programme-control-photo-file", args=[photo.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class VisitSerializer(serializers.ModelSerializer):
    members = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    items = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    photos = VisitPhotoSerializer(many=True, read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = MonitoringVisit
        fields = [
            "id",
            "plan",
            "org_unit",
            "object_name",
            "kind",
            "kind_display",
            "address",
            "territory",
            "visited_on",
            "status",
            "status_display",
            "findings",
            "members",
            "items",
            "photos",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class VisitWriteSerializer(ScopedFieldsMixin, serializers.Serializer):
    org_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.none())
    plan = serializers.PrimaryKeyRelatedField(queryset=ControlPlan.objects.none(), required=False, allow_null=True)
    object_name = serializers.CharField(max_length=300, allow_blank=True)
    kind = serializers.ChoiceField(choices=ObjectKind.choices, required=False)
    address = serializers.CharField(max_length=500, required=False, allow_blank=True)
    territory = serializers.PrimaryKeyRelatedField(queryset=Territory.objects.all(), required=False, allow_null=True)
    visited_on = serializers.DateField()
    status = serializers.ChoiceField(choices=VisitStatus.choices, required=False)
    findings = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    members = _ids(get_user_model().objects.none(), help_text="User ids of the visiting members.")
    items = _ids(Item.objects.none(), help_text="Ids of the programme items the object answers to.")

    def scoped_querysets(self, user: Any) -> dict[str, QuerySet]:
        return {
            "org_unit": units_for(user, VERIFY),
            "plan": ControlPlan.objects.visible_to(user, VERIFY),
            "members": get_user_model().objects.visible_to(user, VERIFY).filter(is_active=True),
            "items": Item.objects.visible_to(user, VIEW),
        }


class VisitFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=VisitStatus.choices, required=False)
    kind = serializers.ChoiceField(choices=ObjectKind.choices, required=False)
    plan = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    org_unit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class PhotoUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A JPEG or PNG photo, or a PDF document.")


# --- serializers: recommendations ----------------------------------------------------------


class RecommendationSerializer(serializers.ModelSerializer):
    org_unit = serializers.IntegerField(source="visit.org_unit_id", read_only=True)
    object_name = serializers.CharField(source="visit.object_name", read_only=True)
    addressee_name = serializers.StringRelatedField(source="addressee_body")
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "visit",
            "org_unit",
            "object_name",
            "text",
            "addressee_body",
            "addressee_name",
            "addressee_official",
            "issued_on",
            "deadline_days",
            "deadline",
            "status",
            "status_display",
            "response",
            "closed_on",
            "reminder_sent_on",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class RecommendationWriteSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=20000, allow_blank=True)
    addressee_body = serializers.PrimaryKeyRelatedField(queryset=StateBody.objects.all())
    addressee_official = serializers.PrimaryKeyRelatedField(
        queryset=Official.objects.filter(ended_on__isnull=True), required=False, allow_null=True
    )
    issued_on = serializers.DateField()
    deadline_days = serializers.IntegerField(
        required=False,
        max_value=365,
        help_text=f"Working days to carry it out (default {services.DEFAULT_DEADLINE_DAYS}).",
    )


class RecommendationCloseSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[(s.value, s.label) for s in services.CLOSING])
    response = serializers.CharField(max_length=20000, allow_blank=True)
    closed_on = serializers.DateField(required=False, allow_null=True)


class RecommendationFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=RecommendationStatus.choices, required=False)
    overdue = serializers.BooleanField(required=False, help_text="Past the deadline and not closed (or the opposite).")
    addressee = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    visit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


# --- serializers: posts and checks ---------------------------------------------------------


class PostCheckSerializer(serializers.ModelSerializer):
    has_issues = serializers.BooleanField(read_only=True)

    class Meta:
        model = PostCheck
        fields = [
            "id",
            "post",
            "checked_on",
            "by",
            *(name for aspect in services.CHECK_ASPECTS for name in (aspect, f"{aspect}_note")),
            "has_issues",
            "created_at",
        ]
        read_only_fields = fields


class PostSerializer(serializers.ModelSerializer):
    items = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    check_count = serializers.IntegerField(read_only=True)
    last_checked_on = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = ControlPost
        fields = [
            "id",
            "org_unit",
            "object_name",
            "address",
            "territory",
            "items",
            "opened_on",
            "closed_on",
            "check_count",
            "last_checked_on",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PostDetailSerializer(PostSerializer):
    checks = PostCheckSerializer(many=True, read_only=True)

    class Meta(PostSerializer.Meta):
        fields = [*PostSerializer.Meta.fields, "checks"]
        read_only_fields = fields


class PostWriteSerializer(ScopedFieldsMixin, serializers.Serializer):
    org_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.none())
    object_name = serializers.CharField(max_length=300, allow_blank=True)
    address = serializers.CharField(max_length=500, required=False, allow_blank=True)
    territory = serializers.PrimaryKeyRelatedField(queryset=Territory.objects.all(), required=False, allow_null=True)
    items = _ids(Item.objects.none(), help_text="Ids of the programme items the site answers to.")
    opened_on = serializers.DateField()
    closed_on = serializers.DateField(required=False, allow_null=True)

    def scoped_querysets(self, user: Any) -> dict[str, QuerySet]:
        return {"org_unit": units_for(user, VERIFY), "items": Item.objects.visible_to(user, VIEW)}


class PostCheckWriteSerializer(serializers.Serializer):
    checked_on = serializers.DateField()
    quality = serializers.ChoiceField(choices=CheckResult.choices)
    quality_note = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    spending = serializers.ChoiceField(choices=CheckResult.choices)
    spending_note = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    safety = serializers.ChoiceField(choices=CheckResult.choices)
    safety_note = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    wage_arrears = serializers.ChoiceField(choices=CheckResult.choices)
    wage_arrears_note = serializers.CharField(max_length=5000, required=False, allow_blank=True)


# --- querysets -----------------------------------------------------------------------------


def _visits(user: Any) -> QuerySet:
    return (
        MonitoringVisit.objects.visible_to(user, VIEW)
        .prefetch_related("members", "items", "photos")
        .order_by("-visited_on", "-id")
    )


def _recommendations(user: Any) -> QuerySet:
    return Recommendation.objects.visible_to(user, VIEW).select_related("visit", "addressee_body")


def _posts(user: Any) -> QuerySet:
    return (
        ControlPost.objects.visible_to(user, VIEW)
        .prefetch_related("items")
        .annotate(check_count=Count("checks"), last_checked_on=Max("checks__checked_on"))
        .order_by("-opened_on", "-id")
    )


def _filters(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    # A plain dict: a missing `overdue` must stay missing, not read as "false" like an HTML form.
    filters = serializer_class(data=dict(request.query_params.items()))
    filters.is_valid(raise_exception=True)
    return dict(filters.validated_data)


# --- views: visits and photos --------------------------------------------------------------


class VisitListView(generics.GenericAPIView):
    serializer_class = VisitSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        summary="Monitoring visits in your scope, newest first",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=VisitStatus.values),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=ObjectKind.values),
            OpenApiParameter("plan", OpenApiTypes.INT, description="Control plan id"),
            OpenApiParameter("org_unit", OpenApiTypes.INT, description="Party branch id"),
        ],
        responses={200: VisitSerializer(many=True), 400: BAD_INPUT},
    )
    def get(self, request: Request) -> Response:
        wanted = _filters(VisitFilterSerializer, request)
        visits = _visits(request.user)
        for name in ("status", "kind"):
            if wanted.get(name):
                visits = visits.filter(**{name: wanted[name]})
        for name in ("plan", "org_unit"):
            if wanted.get(name):
                visits = visits.filter(**{f"{name}_id": wanted[name]})
        page = self.paginate_queryset(visits)
        return self.get_paginated_response(VisitSerializer(page, many=True, context={"request": request}).data)

    @extend_schema(
        summary="Record a monitoring visit",
        request=VisitWriteSerializer,
        responses={201: VisitSerializer, 400: BAD_INPUT, 403: FORBIDDEN},
    )
    def post(self, request: Request) -> Response:
        _need_verify_somewhere(request.user)
        body = VisitWriteSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        members, items = data.pop("members", []), data.pop("items", [])
        visit = _service(services.monitoring_visit_create, actor=request.user, members=members, items=items, **data)
        visit = _visits(request.user).get(pk=visit.pk)
        return Response(VisitSerializer(visit, context={"request": request}).data, status=status.HTTP_201_CREATED)


class VisitDetailView(generics.GenericAPIView):
    serializer_class = VisitSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        summary="One monitoring visit with its linked items and photos",
        responses={200: VisitSerializer, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        visit = _get(_visits(request.user), request.user, pk)
        return Response(VisitSerializer(visit, context={"request": request}).data)

    @extend_schema(
        summary="Change a monitoring visit (only the fields sent; `items` and `members` replace the old)",
        request=VisitWriteSerializer,
        responses={200: VisitSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def patch(self, request: Request, pk: int) -> Response:
        visit = _get(MonitoringVisit.objects.all(), request.user, pk)
        body = VisitWriteSerializer(data=request.data, partial=True, context={"request": request})
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        members, items = values.pop("members", None), values.pop("items", None)
        _service(
            services.monitoring_visit_update,
            actor=request.user,
            visit=visit,
            values=values,
            members=members,
            items=items,
        )
        visit = _visits(request.user).get(pk=visit.pk)
        return Response(VisitSerializer(visit, context={"request": request}).data)


class VisitPhotosView(generics.GenericAPIView):
    serializer_class = VisitPhotoSerializer
    filter_backends: list[Any] = []
    pagination_class = None
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        summary="The visit's photos with their download URLs",
        responses={200: VisitPhotoSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        visit = _get(MonitoringVisit.objects.all(), request.user, pk)
        return Response(VisitPhotoSerializer(visit.photos.all(), many=True, context={"request": request}).data)

    @extend_schema(
        summary="Attach a photo (JPEG, PNG) or a PDF to the visit (multipart, field `file`)",
        request={"multipart/form-data": PhotoUploadSerializer},
        responses={201: VisitPhotoSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        visit = _get(MonitoringVisit.objects.all(), request.user, pk)
        body = PhotoUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        photo = _service(services.visit_photo_add, actor=request.user, visit=visit, upload=body.validated_data["file"])
        return Response(VisitPhotoSerializer(photo, context={"request": request}).data, status=status.HTTP_201_CREATED)


class PhotoDetailView(generics.GenericAPIView):
    serializer_class = VisitPhotoSerializer
    filter_backends: list[Any] = []

    @extend_schema(summary="One photo of a visit", responses={200: VisitPhotoSerializer, 404: NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        photo = _get(VisitPhoto.objects.all(), request.user, pk)
        return Response(VisitPhotoSerializer(photo, context={"request": request}).data)

    @extend_schema(
        summary="Remove a photo from its visit (the file is deleted too)",
        responses={204: None, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def delete(self, request: Request, pk: int) -> Response:
        photo = _get(VisitPhoto.objects.select_related("visit__org_unit"), request.user, pk)
        _service(services.visit_photo_delete, actor=request.user, photo=photo)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PhotoFileView(generics.GenericAPIView):
    filter_backends: list[Any] = []
    serializer_class = None

    @extend_schema(
        summary="Download a photo's file",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        photo = _get(VisitPhoto.objects.all(), request.user, pk)
        return FileResponse(photo.file.open("rb"), filename=photo.original_name, content_type=photo.content_type)


# --- views: recommendations ----------------------------------------------------------------


class RecommendationListView(generics.GenericAPIView):
    serializer_class = RecommendationSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        summary="Recommendations in your scope, by deadline",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=RecommendationStatus.values),
            OpenApiParameter("overdue", OpenApiTypes.BOOL, description="Past the deadline and not closed."),
            OpenApiParameter("addressee", OpenApiTypes.INT, description="Addressee state body id"),
            OpenApiParameter("visit", OpenApiTypes.INT, description="Monitoring visit id"),
        ],
        responses={200: RecommendationSerializer(many=True), 400: BAD_INPUT},
    )
    def get(self, request: Request) -> Response:
        wanted = _filters(RecommendationFilterSerializer, request)
        recs = _recommendations(request.user).order_by("deadline", "id")
        if wanted.get("status"):
            recs = recs.filter(status=wanted["status"])
        if wanted.get("addressee"):
            recs = recs.filter(addressee_body_id=wanted["addressee"])
        if wanted.get("visit"):
            recs = recs.filter(visit_id=wanted["visit"])
        if "overdue" in wanted:
            late = Q(status=RecommendationStatus.OVERDUE) | Q(
                status=RecommendationStatus.OPEN, deadline__lt=timezone.localdate()
            )
            recs = recs.filter(late) if wanted["overdue"] else recs.exclude(late)
        page = self.paginate_queryset(recs)
        return self.get_paginated_response(RecommendationSerializer(page, many=True).data)


class VisitRecommendationsView(generics.GenericAPIView):
    serializer_class = RecommendationSerializer
    filter_backends: list[Any] = []
    pagination_class = None

    @extend_schema(
        summary="The visit's recommendations",
        responses={200: RecommendationSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        visit = _get(MonitoringVisit.objects.all(), request.user, pk)
        recs = _recommendations(request.user).filter(visit=visit).order_by("deadline", "id")
        return Response(RecommendationSerializer(recs, many=True).data)

    @extend_schema(
        summary="Issue a recommendation after the visit; its deadline is counted in working days",
        request=RecommendationWriteSerializer,
        responses={201: RecommendationSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        visit = _get(MonitoringVisit.objects.all(), request.user, pk)
        body = RecommendationWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data.setdefault("deadline_days", services.DEFAULT_DEADLINE_DAYS)
        rec = _service(services.recommendation_create, actor=request.user, visit=visit, **data)
        return Response(RecommendationSerializer(rec).data, status=status.HTTP_201_CREATED)


class RecommendationDetailView(generics.GenericAPIView):
    serializer_class = RecommendationSerializer
    filter_backends: list[Any] = []

    @extend_schema(summary="One recommendation", responses={200: RecommendationSerializer, 404: NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        return Response(RecommendationSerializer(_get(_recommendations(request.user), request.user, pk)).data)

    @extend_schema(
        summary="Correct an open recommendation (only the fields sent); the deadline is counted again",
        request=RecommendationWriteSerializer,
        responses={200: RecommendationSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def patch(self, request: Request, pk: int) -> Response:
        rec = _get(_recommendations(request.user), request.user, pk)
        body = RecommendationWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        values = {name: getattr(rec, name) for name in REC_FIELDS} | dict(body.validated_data)
        rec = _service(services.recommendation_update, actor=request.user, recommendation=rec, **values)
        return Response(RecommendationSerializer(rec).data)


class RecommendationCloseView(generics.GenericAPIView):
    serializer_class = RecommendationCloseSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        summary="Close a recommendation as carried out or rejected, with the addressee's response",
        request=RecommendationCloseSerializer,
        responses={200: RecommendationSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        rec = _get(_recommendations(request.user), request.user, pk)
        body = RecommendationCloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        rec = _service(
            services.recommendation_close,
            actor=request.user,
            recommendation=rec,
            outcome=data["outcome"],
            response=data["response"],
            closed_on=data.get("closed_on"),
        )
        return Response(RecommendationSerializer(rec).data)


# --- views: posts and checks ---------------------------------------------------------------


class PostListView(generics.GenericAPIView):
    serializer_class = PostSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        summary="Party control posts in your scope",
        parameters=[OpenApiParameter("open", OpenApiTypes.BOOL, description="Only posts not closed yet")],
        responses={200: PostSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        posts = _posts(request.user)
        if request.query_params.get("open") in ("1", "true", "True"):
            posts = posts.filter(closed_on__isnull=True)
        page = self.paginate_queryset(posts)
        return self.get_paginated_response(PostSerializer(page, many=True).data)

    @extend_schema(
        summary="Open a party control post on a construction site",
        request=PostWriteSerializer,
        responses={201: PostDetailSerializer, 400: BAD_INPUT, 403: FORBIDDEN},
    )
    def post(self, request: Request) -> Response:
        _need_verify_somewhere(request.user)
        body = PostWriteSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        items = data.pop("items", [])
        post = _service(services.control_post_create, actor=request.user, items=items, **data)
        return Response(PostDetailSerializer(_post(request, post.pk)).data, status=status.HTTP_201_CREATED)


def _post(request: Request, pk: int) -> ControlPost:
    return _get(_posts(request.user).prefetch_related("checks"), request.user, pk)


class PostDetailView(generics.GenericAPIView):
    serializer_class = PostDetailSerializer
    filter_backends: list[Any] = []

    @extend_schema(summary="One control post with its checks", responses={200: PostDetailSerializer, 404: NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        return Response(PostDetailSerializer(_post(request, pk)).data)

    @extend_schema(
        summary="Change a control post (only the fields sent); closing it is setting `closed_on`",
        request=PostWriteSerializer,
        responses={200: PostDetailSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def patch(self, request: Request, pk: int) -> Response:
        post = _get(ControlPost.objects.all(), request.user, pk)
        body = PostWriteSerializer(data=request.data, partial=True, context={"request": request})
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        items = values.pop("items", None)
        _service(services.control_post_update, actor=request.user, post=post, values=values, items=items)
        return Response(PostDetailSerializer(_post(request, post.pk)).data)


class PostChecksView(generics.GenericAPIView):
    serializer_class = PostCheckSerializer
    filter_backends: list[Any] = []
    pagination_class = None

    @extend_schema(
        summary="The post's checks, newest first", responses={200: PostCheckSerializer(many=True), 404: NOT_FOUND}
    )
    def get(self, request: Request, pk: int) -> Response:
        post = _get(ControlPost.objects.all(), request.user, pk)
        return Response(PostCheckSerializer(post.checks.all(), many=True).data)

    @extend_schema(
        summary="Record a check: quality, spending, safety, wage arrears; an issue needs a note",
        request=PostCheckWriteSerializer,
        responses={201: PostCheckSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        post = _get(ControlPost.objects.all(), request.user, pk)
        body = PostCheckWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        check = _service(
            services.post_check_add,
            actor=request.user,
            post=post,
            checked_on=data["checked_on"],
            results={aspect: data[aspect] for aspect in services.CHECK_ASPECTS},
            notes={aspect: data.get(f"{aspect}_note", "") for aspect in services.CHECK_ASPECTS},
        )
        return Response(PostCheckSerializer(check).data, status=status.HTTP_201_CREATED)


P = "programme/control/"
urlpatterns = [
    path(f"{P}visits/", VisitListView.as_view(), name="programme-control-visit-list"),
    path(f"{P}visits/<int:pk>/", VisitDetailView.as_view(), name="programme-control-visit-detail"),
    path(f"{P}visits/<int:pk>/photos/", VisitPhotosView.as_view(), name="programme-control-visit-photos"),
    path(
        f"{P}visits/<int:pk>/recommendations/",
        VisitRecommendationsView.as_view(),
        name="programme-control-visit-recommendations",
    ),
    path(f"{P}photos/<int:pk>/", PhotoDetailView.as_view(), name="programme-control-photo-detail"),
    path(f"{P}photos/<int:pk>/file/", PhotoFileView.as_view(), name="programme-control-photo-file"),
    path(f"{P}recommendations/", RecommendationListView.as_view(), name="programme-control-recommendation-list"),
    path(
        f"{P}recommendations/<int:pk>/",
        RecommendationDetailView.as_view(),
        name="programme-control-recommendation-detail",
    ),
    path(
        f"{P}recommendations/<int:pk>/close/",
        RecommendationCloseView.as_view(),
        name="programme-control-recommendation-close",
    ),
    path(f"{P}posts/", PostListView.as_view(), name="programme-control-post-list"),
    path(f"{P}posts/<int:pk>/", PostDetailView.as_view(), name="programme-control-post-detail"),
    path(f"{P}posts/<int:pk>/checks/", PostChecksView.as_view(), name="programme-control-post-checks"),
]
