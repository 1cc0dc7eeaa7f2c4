"""/api/v1/appeals/ and /api/v1/appeal-categories/: the same scope, filters and services as the pages.

- Reads go through `selectors.appeals_for` / `appeal_get`: an appeal outside the caller's scope
  answers 404, exactly like a missing one.
- Intake (`POST /appeals/`) needs `appeals.register` on the target unit (the `org_unit` given, or
  the one the routing table picks). An `Idempotency-Key` header makes a repeat harmless: the
  first request answers 201, any repeat (even at the same instant) the same appeal with 200 and
  `Idempotent-Replayed: true`. Keys are per user.
- Work (`transitions`, `assign`, `links`) calls the services. Errors:
  400 bad input, errors field by field (also: an extension beyond the maximum);
  403 the caller sees the appeal but may not do this;
  404 the caller does not see the appeal;
  409 `code: "not_allowed"` the step is not possible from the appeal's current status;
  409 `code: "conflict"` the `version` sent is stale: someone changed the appeal meanwhile.
- `POST /appeals/track/` and `GET /appeal-categories/` are public. Tracking answers the same 404
  for an unknown code and a wrong PIN, and 429 after too many wrong PINs for one code or from one
  address (settings.APPEAL_PIN_ATTEMPTS per quarter of an hour).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from amanat.api.errors import call_service
from amanat.appeals.api import serializers as s
from amanat.appeals.choices import AttachmentKind
from amanat.appeals.filtersets import AppealFilterSet
from amanat.appeals.models import Appeal, AppealEvent, Category
from amanat.appeals.permissions import AppealAction
from amanat.appeals.selectors import appeal_get, appeals_for
from amanat.appeals.services import intake as intake_services
from amanat.appeals.services import transitions as services
from amanat.appeals.workflow import Transition
from amanat.core.permissions import has_action

NOT_FOUND = OpenApiResponse(s.ErrorSerializer, description="Not found, or outside your scope.")
BAD_INPUT = OpenApiResponse(s.ErrorSerializer, description="Bad input: errors field by field; nothing changed.")
FORBIDDEN = OpenApiResponse(s.ErrorSerializer, description="You may see this appeal but not do this.")
CONFLICT = OpenApiResponse(
    s.ErrorSerializer,
    description='`code: "not_allowed"`: the step is not possible from the current status; '
    '`code: "conflict"`: the `version` sent is stale (someone changed the appeal). Nothing changed.',
)
THROTTLED = OpenApiResponse(s.ErrorSerializer, description="Too many wrong PINs: try again later.")

IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_MAX = 100
TRACK_WINDOW = 15 * 60  # seconds the wrong-PIN counters live


def _service(fn: Any, **kwargs: Any) -> Any:
    return call_service(
        fn, denied=_("You may not do this with this appeal."), conflicts=("conflict", "not_allowed"), **kwargs
    )


def _idempotency_key(request: Request) -> str | None:
    """The request's idempotency key (1–100 printable ASCII characters), None when not sent."""
    raw = request.META.get("HTTP_IDEMPOTENCY_KEY")
    if raw is None:
        return None
    if not (1 <= len(raw) <= IDEMPOTENCY_MAX) or not all(" " <= c <= "~" for c in raw):
        raise exceptions.ValidationError(
            {IDEMPOTENCY_HEADER: [_("The idempotency key must be 1 to 100 printable ASCII characters.")]}
        )
    return raw


def _client_ip(request: Request) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")[:64]


def _track_keys(request: Request, code: str) -> list[str]:
    """Wrong-PIN counters per code and per address (hashed: any characters make a safe cache key)."""
    return [
        "appeals:api-track:code:" + hashlib.sha256(code.encode()).hexdigest()[:32],
        "appeals:api-track:ip:" + hashlib.sha256(_client_ip(request).encode()).hexdigest()[:32],
    ]


def _track_blocked(keys: list[str]) -> bool:
    limit = settings.APPEAL_PIN_ATTEMPTS
    return any((cache.get(key) or 0) >= limit for key in keys)


def _track_failed(keys: list[str]) -> None:
    for key in keys:
        cache.add(key, 0, TRACK_WINDOW)
        try:
            cache.incr(key)
        except ValueError:  # expired in between
            cache.set(key, 1, TRACK_WINDOW)


def _detail(appeal: Appeal, request: Request) -> Response:
    appeal = (
        Appeal.objects.select_related("org_unit", "category", "territory", "executor", "state_body")
        .prefetch_related("attachments")
        .get(pk=appeal.pk)
    )
    return Response(s.AppealDetailSerializer(appeal, context={"request": request}).data)


@extend_schema_view(
    list=extend_schema(
        summary="Appeals in your scope (the inbox's filters, search `q`, pages)",
        responses={
            200: s.AppealSerializer(many=True),
            400: BAD_INPUT,
            404: OpenApiResponse(s.ErrorSerializer, description="A page beyond the last."),
        },
    ),
    retrieve=extend_schema(
        summary="One appeal: text, forwarding, attachments, links, the time left and the steps you may take",
        responses={200: s.AppealDetailSerializer, 404: NOT_FOUND},
    ),
)
class AppealViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.AppealSerializer
    filterset_class = AppealFilterSet
    lookup_value_regex = r"[0-9]+"
    queryset = Appeal.objects.none()

    def get_queryset(self) -> Any:
        return appeals_for(self.request.user).select_related("org_unit", "category", "territory", "executor")

    def get_serializer_class(self) -> Any:
        return s.AppealDetailSerializer if self.action == "retrieve" else s.AppealSerializer

    def get_object(self) -> Appeal:
        return appeal_get(self.request.user, self.kwargs.get("pk"))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return _detail(self.get_object(), request)

    # --- intake ----------------------------------------------------------------------------

    @extend_schema(
        summary="Register an appeal (a bot, a mobile app); repeat-safe with an Idempotency-Key",
        description=(
            "Needs `appeals.register` on the target unit: `org_unit`, or the unit the routing table picks "
            "for the category and place. With the `Idempotency-Key` header (1–100 printable ASCII "
            "characters, per user) a repeated request makes no second appeal: it answers 200 with the "
            "first appeal and `Idempotent-Replayed: true`; the PIN is given only on 201."
        ),
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                str,
                OpenApiParameter.HEADER,
                required=False,
                description="1–100 printable ASCII characters; the same key returns the same appeal.",
            )
        ],
        request=s.IntakeSerializer,
        responses={
            201: s.RegisteredSerializer,
            200: OpenApiResponse(s.RegisteredSerializer, description="A repeat: the appeal the key made first."),
            400: BAD_INPUT,
            403: OpenApiResponse(s.ErrorSerializer, description="You may not register appeals for that unit."),
        },
    )
    def create(self, request: Request) -> Response:
        key = _idempotency_key(request)
        stored_key = f"{request.user.pk}:{key}" if key is not None else None
        try:
            registered = self._register(request, stored_key)
        except (exceptions.APIException, DjangoValidationError, DjangoPermissionDenied):
            # A repeat answers with the first appeal even when it could not be registered now (the
            # body is refused, the caller lost the right): the key alone decides, as it always did.
            first = intake_services.appeal_with_key(stored_key) if stored_key else None
            if first is None:
                raise
            return self._registered(first, pin=None)
        return self._registered(registered.appeal, pin=registered.pin if registered.created else None)

    def _register(self, request: Request, stored_key: str | None) -> intake_services.Registered:
        body = s.IntakeSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        unit = data.pop("org_unit", None)
        rule = None
        if unit is None:
            rule = intake_services.route(data.get("category"), data.get("territory"))
            unit = rule.org_unit if rule is not None else intake_services.default_unit()
            if not has_action(request.user, AppealAction.REGISTER, unit):
                raise exceptions.PermissionDenied(
                    _("You may not register appeals for %(unit)s, where the routing sends this one: give org_unit.")
                    % {"unit": unit.name}
                )
        elif not has_action(request.user, AppealAction.REGISTER, unit):
            raise exceptions.PermissionDenied(_("You may not register appeals for this unit."))
        intake = intake_services.Intake(org_unit=unit, rule=rule, **data)
        return _service(intake_services.appeal_register, actor=request.user, intake=intake, idempotency_key=stored_key)

    def _registered(self, appeal: Appeal, *, pin: str | None) -> Response:
        data = s.RegisteredSerializer(appeal, context={"request": self.request, "pin": pin}).data
        if pin:
            return Response(data, status=status.HTTP_201_CREATED)
        return Response(data, status=status.HTTP_200_OK, headers={"Idempotent-Replayed": "true"})

    @extend_schema(
        summary="Attach a file to an appeal (JPEG, PNG or PDF; size and type checked)",
        request={"multipart/form-data": s.AttachmentUploadSerializer},
        responses={201: s.AttachmentSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request: Request, pk: Any = None) -> Response:
        appeal = self.get_object()
        user = request.user
        if not (
            has_action(user, AppealAction.REGISTER, appeal.org_unit)
            or services.can_act(user, appeal, Transition.TAKE)  # works on it
        ):
            raise exceptions.PermissionDenied(_("You may not add files to this appeal."))
        body = s.AttachmentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        kind = body.validated_data["kind"]
        if (
            kind == AttachmentKind.APPLICANT
            and appeal.attachments.filter(kind=AttachmentKind.APPLICANT).count() >= settings.APPEAL_ATTACHMENTS_MAX
        ):
            raise exceptions.ValidationError(
                {"file": [_("At most %(n)s files from the applicant.") % {"n": settings.APPEAL_ATTACHMENTS_MAX}]}
            )
        try:
            with transaction.atomic():
                attachment = intake_services.attachment_add(
                    appeal=appeal, upload=body.validated_data["file"], actor=user, kind=kind
                )
        except DjangoValidationError as exc:
            raise exceptions.ValidationError({"file": exc.messages}) from exc
        return Response(s.AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    # --- reading the history ---------------------------------------------------------------

    @extend_schema(
        summary="The appeal's timeline: every step, who, when, why",
        responses={200: s.EventSerializer(many=True), 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def events(self, request: Request, pk: Any = None) -> Response:
        appeal = self.get_object()
        events = AppealEvent.objects.filter(appeal=appeal).select_related("actor").order_by("at", "id")
        return Response(s.EventSerializer(events, many=True).data)

    @extend_schema(
        summary="The answers sent to the applicant, with the applicant's rating of each",
        responses={200: s.AnswerSerializer(many=True), 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def answers(self, request: Request, pk: Any = None) -> Response:
        appeal = self.get_object()
        answers = appeal.answers.select_related("signed_by", "feedback").order_by("created_at", "id")
        return Response(s.AnswerSerializer(answers, many=True).data)

    # --- work ------------------------------------------------------------------------------

    @extend_schema(
        summary="Make a named transition (take, forward, pause, extend, answer, close, dismiss…)",
        request=s.TransitionSerializer,
        responses={200: s.AppealDetailSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def transitions(self, request: Request, pk: Any = None) -> Response:
        appeal = self.get_object()
        body = s.TransitionSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = body.validated_data
        appeal = _service(
            services.appeal_transition,
            appeal=appeal,
            transition=data["transition"],
            actor=request.user,
            reason=data.get("reason", ""),
            expected_version=data["version"],
            **body.details(),
        )
        return _detail(appeal, request)

    @extend_schema(
        summary="Assign the appeal to an executor (a deputy or staff member of its unit)",
        request=s.AssignSerializer,
        responses={200: s.AppealDetailSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def assign(self, request: Request, pk: Any = None) -> Response:
        appeal = self.get_object()
        body = s.AssignSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        appeal = _service(
            services.appeal_assign,
            appeal=appeal,
            executor=body.validated_data["executor"],
            actor=request.user,
            expected_version=body.validated_data["version"],
        )
        return _detail(appeal, request)

    @extend_schema(
        summary="Link the appeal with another (a repeat, a duplicate, related)",
        request=s.LinkCreateSerializer,
        responses={201: s.LinkSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def links(self, request: Request, pk: Any = None) -> Response:
        appeal = self.get_object()
        body = s.LinkCreateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        other = body.validated_data["other"]
        link = _service(
            services.appeal_link, appeal=appeal, other=other, kind=body.validated_data["kind"], actor=request.user
        )
        data = {"appeal": other.pk, "number": other.number, "kind": link.kind, "direction": "out"}
        return Response(s.LinkSerializer(data).data, status=status.HTTP_201_CREATED)

    # --- the applicant's tracking ----------------------------------------------------------

    @extend_schema(
        summary="Public: an appeal's progress by tracking code and PIN (no personal data)",
        description=(
            "An unknown code and a wrong PIN answer the same 404. After "
            "settings.APPEAL_PIN_ATTEMPTS wrong PINs for one code or from one address within "
            "15 minutes every answer is 429 until the quarter of an hour has passed."
        ),
        request=s.TrackSerializer,
        responses={200: s.TrackedAppealSerializer, 400: BAD_INPUT, 404: NOT_FOUND, 429: THROTTLED},
        auth=[],
    )
    @action(
        detail=False,
        methods=["post"],
        permission_classes=[AllowAny],
        authentication_classes=[],
        filterset_class=None,
    )
    def track(self, request: Request) -> Response:
        body = s.TrackSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        code = "".join(body.validated_data["code"].split()).upper()
        keys = _track_keys(request, code)
        if _track_blocked(keys):
            raise exceptions.Throttled(wait=TRACK_WINDOW, detail=str(_("Too many wrong PINs. Try again later.")))
        appeal = Appeal.objects.filter(tracking_code=code).first()
        if appeal is None or not intake_services.pin_matches(appeal, body.validated_data["pin"]):
            _track_failed(keys)
            raise exceptions.NotFound(_("No appeal has this tracking code and PIN."))
        events = appeal.events.filter(is_public=True).order_by("at", "id")
        answers = appeal.answers.order_by("created_at", "id")
        data = {
            "number": appeal.number,
            "appeal_type": appeal.appeal_type,
            "status": appeal.status,
            "status_display": appeal.get_status_display(),
            "received_at": appeal.received_at,
            "registered_on": appeal.registered_on,
            "deadline": appeal.deadline,
            "answered_at": appeal.answered_at,
            "closed_at": appeal.closed_at,
            "events": [{"kind": e.kind, "status": e.to_status or appeal.status, "at": e.at} for e in events],
            "answers": [{"language": a.language, "text": a.text, "created_at": a.created_at} for a in answers],
        }
        return Response(s.TrackedAppealSerializer(data).data)


@extend_schema_view(
    list=extend_schema(
        summary="Public: the active category tree (kk/ru/en names, parent id), in tree order",
        auth=[],
    ),
)
class CategoryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.CategorySerializer
    permission_classes = [AllowAny]
    authentication_classes: list = []
    pagination_class = None
    filterset_class = None
    filter_backends: list = []
    queryset = Category.objects.none()

    def get_queryset(self) -> Any:
        return Category.objects.order_by("path")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        by_path: dict[str, Category] = {}
        active: list[Category] = []
        for category in self.get_queryset():
            parent = by_path.get(category.path[: -category.steplen]) if category.depth > 1 else None
            by_path[category.path] = category
            # A category is offered only when it and all its ancestors are in use.
            category.in_use_ = category.is_active and (parent is None or getattr(parent, "in_use_", False))
            if category.depth > 1 and parent is None:
                category.in_use_ = False
            category.parent_id_ = parent.pk if parent is not None else None
            if category.in_use_:
                active.append(category)
        return Response(s.CategorySerializer(active, many=True).data)


router = SimpleRouter()
router.register("appeals", AppealViewSet, basename="appeal")
router.register("appeal-categories", CategoryViewSet, basename="appeal-category")

urlpatterns = router.urls
