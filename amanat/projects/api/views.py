"""/api/v1/projects/: projects, events with free places, results, volunteer sign-ups.

- Reads are open: anyone sees public projects and their events (volunteers as counts only);
  a signed-in staff member also sees the internal ones in their scope.
- `POST projects/signups/` signs a volunteer up (no account needed; limited per address; a
  signed-in caller may sign themselves up with `{"shift": id, "me": true}`).
- `POST projects/events/{id}/results/` records results; `POST projects/signups/{id}/transition/`
  confirms attendance and hours — both need `projects.manage` on the event's unit.
Errors: 400 bad input field by field (a second sign-up for the same shift, a full shift, a
negative result), 404 not seen, 429 too many sign-ups from the address. Nothing changes then.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from amanat.appeals.api.serializers import ErrorSerializer
from amanat.core.middleware import client_ip
from amanat.projects.choices import AgeGroup, EventKind, SignUpStatus
from amanat.projects.models import Event, EventResult, Project, ProjectKPI, Shift, SignUp
from amanat.projects.permissions import ProjectAction
from amanat.projects.selectors import (
    MAX_ID,
    event_get,
    events_for,
    project_totals,
    projects_for,
    public_events,
    public_projects,
    signups_for,
)
from amanat.projects.services.events import result_save
from amanat.projects.services.signups import (
    Volunteer,
    signup_create,
    signup_rate_limited,
    signup_transition,
    volunteer_from_user,
)

NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Not found, or outside your scope.")
BAD_INPUT = OpenApiResponse(ErrorSerializer, description="Bad input: errors field by field; nothing changed.")


# --- serializers ---------------------------------------------------------------------------


class ProjectKpiSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    measure = serializers.CharField(read_only=True)

    class Meta:
        model = ProjectKPI
        fields = ["id", "name", "name_kk", "name_ru", "name_en", "measure", "yearly_target"]
        read_only_fields = fields


class ProjectSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    goals = serializers.CharField(read_only=True)
    kpis = ProjectKpiSerializer(many=True, read_only=True)
    units = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Project
        fields = [
            *("id", "code", "title", "title_kk", "title_ru", "title_en", "description", "goals"),
            *("org_unit", "units", "is_public", "kpis"),
        ]
        read_only_fields = fields


class ProjectYearTotalSerializer(serializers.Serializer):
    kpi = serializers.IntegerField()
    year = serializers.IntegerField()
    total = serializers.DecimalField(max_digits=16, decimal_places=2)


class ProjectDetailSerializer(ProjectSerializer):
    events_held = serializers.IntegerField(read_only=True)
    volunteers = serializers.IntegerField(read_only=True, help_text="Volunteers whose attendance was confirmed")
    hours = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    totals = ProjectYearTotalSerializer(many=True, read_only=True)

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "events_held", "volunteers", "hours", "totals"]
        read_only_fields = fields


class ProjectShiftSerializer(serializers.ModelSerializer):
    free = serializers.IntegerField(read_only=True)

    class Meta:
        model = Shift
        fields = ["id", "starts_at", "ends_at", "capacity", "taken", "free", "note"]
        read_only_fields = fields


class ProjectEventSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)
    kind = serializers.ChoiceField(choices=EventKind.choices, read_only=True)
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    shifts = ProjectShiftSerializer(many=True, read_only=True)
    free_places = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            *("id", "project", "org_unit", "org_unit_name", "title", "title_kk", "title_ru", "title_en", "kind"),
            *("starts_at", "ends_at", "territory", "address", "shifts", "free_places"),
        ]
        read_only_fields = fields

    def get_free_places(self, event: Event) -> int:
        now = timezone.now()
        return sum(s.free for s in event.shifts.all() if s.starts_at > now)


class ProjectEventResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = EventResult
        fields = ["id", "event", "kpi", "value", "note"]
        read_only_fields = ["id", "event"]


class ProjectEventResultInputSerializer(serializers.Serializer):
    kpi = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    value = serializers.DecimalField(max_digits=14, decimal_places=2)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class VolunteerSignUpInputSerializer(serializers.Serializer):
    shift = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    me = serializers.BooleanField(required=False, default=False, help_text="Sign the signed-in caller up")
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    email = serializers.CharField(max_length=254, required=False, allow_blank=True, default="")
    birth_year = serializers.IntegerField(required=False, allow_null=True, min_value=1900, max_value=2100)
    age_group = serializers.ChoiceField(choices=AgeGroup.choices, required=False, allow_blank=True, default="")
    consent = serializers.BooleanField(required=False, default=False)


class VolunteerSignUpCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    shift = serializers.IntegerField()
    event = serializers.IntegerField()
    status = serializers.CharField()
    cancel_token = serializers.CharField(help_text="Keep it: POST it to the cancel page to cancel")


class VolunteerSignUpSerializer(serializers.ModelSerializer):
    event = serializers.IntegerField(source="shift.event_id", read_only=True)

    class Meta:
        model = SignUp
        fields = [
            *("id", "shift", "event", "name", "phone", "email", "birth_year", "age_group", "is_member"),
            *("status", "hours", "consent_at", "created_at"),
        ]
        read_only_fields = fields


class VolunteerTransitionInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=SignUpStatus.choices)
    hours = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


# --- views ---------------------------------------------------------------------------------


def _visible_projects(request: Request) -> QuerySet[Project]:
    public = public_projects()
    if request.user.is_authenticated:
        return Project.objects.filter(Q(pk__in=public.values("pk")) | Q(pk__in=projects_for(request.user).values("pk")))
    return public


def _visible_events(request: Request) -> QuerySet[Event]:
    public = public_events()
    if request.user.is_authenticated:
        return Event.objects.filter(Q(pk__in=public.values("pk")) | Q(pk__in=events_for(request.user).values("pk")))
    return public


def _pk(value: Any) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk <= MAX_ID:
        raise Http404
    return pk


class ProjectListView(generics.ListAPIView):
    serializer_class = ProjectSerializer
    permission_classes = [AllowAny]
    filter_backends: list[Any] = []

    @extend_schema(summary="Party projects: the public ones, and the internal ones in your scope")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Project]:
        return _visible_projects(self.request).prefetch_related("kpis", "units").order_by("title_ru", "pk")


class ProjectDetailView(generics.GenericAPIView):
    serializer_class = ProjectDetailSerializer
    permission_classes = [AllowAny]
    filter_backends: list[Any] = []

    @extend_schema(
        summary="One project with its indicators and results per year",
        responses={200: ProjectDetailSerializer, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        project = _visible_projects(request).filter(pk=_pk(pk)).prefetch_related("kpis", "units").first()
        if project is None:
            raise Http404
        totals = project_totals(project)
        project.events_held = totals["events_held"]
        project.volunteers = totals["volunteers"]
        project.hours = totals["hours"]
        project.totals = [
            {"kpi": t.kpi.pk, "year": year, "total": value} for t in totals["kpis"] for year, value in t.by_year.items()
        ]
        return Response(ProjectDetailSerializer(project).data)


class EventListView(generics.ListAPIView):
    serializer_class = ProjectEventSerializer
    permission_classes = [AllowAny]
    filter_backends: list[Any] = []

    @extend_schema(
        summary="Project events with their shifts and free places",
        parameters=[
            OpenApiParameter("project", OpenApiTypes.INT, description="Project id"),
            OpenApiParameter("upcoming", OpenApiTypes.BOOL, description="Only events not yet over"),
        ],
        responses={200: ProjectEventSerializer(many=True), 400: BAD_INPUT},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Event]:
        params = self.request.query_params
        queryset = _visible_events(self.request)
        if params.get("project"):
            raw = params["project"]
            if not raw.isdigit() or not 0 < int(raw) <= MAX_ID:
                raise serializers.ValidationError({"project": [_("Give a project id.")]})
            queryset = queryset.filter(project_id=int(raw))
        if params.get("upcoming") in ("1", "true", "True"):
            queryset = queryset.filter(ends_at__gt=timezone.now())
        return queryset.select_related("org_unit").prefetch_related("shifts").order_by("starts_at", "pk")


class EventDetailView(generics.GenericAPIView):
    serializer_class = ProjectEventSerializer
    permission_classes = [AllowAny]
    filter_backends: list[Any] = []

    @extend_schema(
        summary="One project event with its shifts and free places",
        responses={200: ProjectEventSerializer, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        event = _visible_events(request).filter(pk=_pk(pk)).select_related("org_unit").first()
        if event is None:
            raise Http404
        return Response(ProjectEventSerializer(event).data)


class EventResultsView(generics.GenericAPIView):
    serializer_class = ProjectEventResultSerializer
    filter_backends: list[Any] = []
    pagination_class = None

    def get_permissions(self) -> list[Any]:
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(
        summary="An event's results", responses={200: ProjectEventResultSerializer(many=True), 404: NOT_FOUND}
    )
    def get(self, request: Request, pk: int) -> Response:
        event = _visible_events(request).filter(pk=_pk(pk)).first()
        if event is None:
            raise Http404
        return Response(ProjectEventResultSerializer(event.results.all(), many=True).data)

    @extend_schema(
        summary="Record (or correct) an event's result on one indicator",
        request=ProjectEventResultInputSerializer,
        responses={200: ProjectEventResultSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        event = event_get(request.user, _pk(pk), ProjectAction.MANAGE)
        body = ProjectEventResultInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        kpi = ProjectKPI.objects.filter(pk=data["kpi"], project=event.project_id).first()
        if kpi is None:
            raise serializers.ValidationError({"kpi": [_("The indicator belongs to another project.")]})
        try:
            result = result_save(actor=request.user, event=event, kpi=kpi, value=data["value"], note=data["note"])
        except DjangoPermissionDenied:
            raise Http404 from None
        return Response(ProjectEventResultSerializer(result).data)


class SignUpView(generics.ListAPIView):
    """POST (anyone): sign up for a shift. GET (staff): sign-ups in the caller's scope."""

    serializer_class = VolunteerSignUpSerializer
    filter_backends: list[Any] = []

    def get_permissions(self) -> list[Any]:
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    @extend_schema(
        summary="Volunteer sign-ups in your scope",
        parameters=[
            OpenApiParameter("event", OpenApiTypes.INT, description="Event id"),
            OpenApiParameter("status", OpenApiTypes.STR, enum=SignUpStatus.values),
        ],
        responses={200: VolunteerSignUpSerializer(many=True), 400: BAD_INPUT},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[SignUp]:
        queryset = signups_for(self.request.user).select_related("shift").order_by("-created_at", "pk")
        params = self.request.query_params
        if params.get("event"):
            queryset = queryset.filter(shift__event_id=_pk(params["event"]))
        if params.get("status"):
            if params["status"] not in SignUpStatus.values:
                raise serializers.ValidationError({"status": [_("Choose a status from the list.")]})
            queryset = queryset.filter(status=params["status"])
        return queryset

    @extend_schema(
        summary="Sign a volunteer up for a shift (no account needed; limited per address)",
        auth=[],
        request=VolunteerSignUpInputSerializer,
        responses={
            201: VolunteerSignUpCreatedSerializer,
            400: BAD_INPUT,
            429: OpenApiResponse(ErrorSerializer, description="Too many sign-ups from this address."),
        },
    )
    def post(self, request: Request) -> Response:
        ip = client_ip(request)
        if signup_rate_limited(ip):
            return Response(
                {
                    "detail": _("Too many sign-ups from your connection in the last hour. Please try again later."),
                    "code": "throttled",
                },
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        body = VolunteerSignUpInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        user = request.user if request.user.is_authenticated else None
        if data["me"] and user is not None:
            volunteer = volunteer_from_user(user)
        else:
            volunteer = Volunteer(
                name=data["name"],
                phone=data["phone"],
                email=data["email"],
                birth_year=data.get("birth_year"),
                age_group=data["age_group"],
                consent=data["consent"],
            )
        signup = signup_create(shift_id=data["shift"], volunteer=volunteer, user=user)
        signup_rate_limited(ip, count=True)
        out = {
            "id": signup.pk,
            "shift": signup.shift_id,
            "event": signup.shift.event_id,
            "status": signup.status,
            "cancel_token": signup.cancel_token,
        }
        return Response(VolunteerSignUpCreatedSerializer(out).data, status=status.HTTP_201_CREATED)


class SignUpTransitionView(generics.GenericAPIView):
    serializer_class = VolunteerSignUpSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        summary="Confirm attendance and hours, mark a no-show, or cancel a sign-up (the organiser)",
        request=VolunteerTransitionInputSerializer,
        responses={200: VolunteerSignUpSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        signup = signups_for(request.user, ProjectAction.MANAGE).filter(pk=_pk(pk)).first()
        if signup is None:
            raise Http404
        body = VolunteerTransitionInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            signup = signup_transition(
                actor=request.user, signup=signup, to=data["status"], hours=data.get("hours"), note=data["note"]
            )
        except DjangoPermissionDenied:
            raise Http404 from None
        return Response(VolunteerSignUpSerializer(signup).data)


urlpatterns = [
    path("projects/", ProjectListView.as_view(), name="projects-list"),
    path("projects/<int:pk>/", ProjectDetailView.as_view(), name="projects-detail"),
    path("projects/events/", EventListView.as_view(), name="projects-events"),
    path("projects/events/<int:pk>/", EventDetailView.as_view(), name="projects-event"),
    path("projects/events/<int:pk>/results/", EventResultsView.as_view(), name="projects-event-results"),
    path("projects/signups/", SignUpView.as_view(), name="projects-signups"),
    path("projects/signups/<int:pk>/transition/", SignUpTransitionView.as_view(), name="projects-signup-transition"),
]
