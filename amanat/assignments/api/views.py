"""/api/v1/assignments/: the same services and scope as the pages.

- `assignments/` GET list in scope (filters status, control_level, overdue, q), POST issue;
- `assignments/{id}/` GET the control view (counts); `assignments/{id}/executions/` the recipients
  (filters status, state=not_done|overdue|late); `assignments/{id}/remove/` POST (reason);
- `assignments/mine/` my executions; `assignments/executions/{id}/` GET; POST `…/start/`,
  `…/report/` (multipart: text, files), `…/accept/`, `…/return/` (reason), `…/extension/`
  (new_deadline, reason); `assignments/extensions/{id}/decide/` (approve, note).
Out of scope answers 404; a recipient's step from someone else, or an issuer's step from someone
who is not on the issuing side, answers 403 and changes nothing; bad input answers 400.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from amanat.appeals.api.serializers import ErrorSerializer
from amanat.assignments import selectors, services
from amanat.assignments.choices import OPEN, ControlLevel, ExecutionStatus
from amanat.assignments.filtersets import AssignmentFilterSet, ExecutionFilterSet
from amanat.assignments.models import Assignment, Execution, ExtensionRequest
from amanat.assignments.permissions import AssignmentAction
from amanat.core.permissions import has_action, units_for
from amanat.org.models import OrgUnit

MAX_ID = 2**31 - 1
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Not found, or outside your scope.")
BAD_INPUT = OpenApiResponse(ErrorSerializer, description="Bad input: errors field by field; nothing changed.")
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="You may see this but not do this step.")


def _id(pk: int) -> int:
    if not 1 <= pk <= MAX_ID:
        raise Http404
    return pk


class AssignmentSerializer(serializers.ModelSerializer):
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    recipients = serializers.IntegerField(source="n_total", read_only=True, default=None)
    done = serializers.IntegerField(source="n_done", read_only=True, default=None)
    reported = serializers.IntegerField(source="n_reported", read_only=True, default=None)
    overdue = serializers.IntegerField(source="n_overdue", read_only=True, default=None)

    class Meta:
        model = Assignment
        fields = ["id", "org_unit", "org_unit_name", "issuer_post", "title", "text_kk", "text_ru", "issued_on",
                  "deadline", "control_level", "status", "removal_reason", "recipients", "done", "reported", "overdue"]  # fmt: skip
        read_only_fields = fields


class ExecutionSerializer(serializers.ModelSerializer):
    recipient = serializers.SerializerMethodField()
    is_late = serializers.BooleanField(read_only=True)
    assignment_title = serializers.CharField(source="assignment.title", read_only=True)

    class Meta:
        model = Execution
        fields = ["id", "assignment", "assignment_title", "recipient_unit", "recipient_user", "recipient", "status",
                  "deadline", "report_text", "reported_on", "accepted_on", "return_reason", "escalation_level",
                  "is_late"]  # fmt: skip
        read_only_fields = fields

    def get_recipient(self, obj: Execution) -> str:
        return str(obj.recipient)


class IssueSerializer(serializers.Serializer):
    org_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.none())
    title = serializers.CharField(max_length=500)
    text = serializers.CharField(allow_blank=True, required=False, default="")
    text_kk = serializers.CharField(allow_blank=True, required=False, default="")
    issuer_post = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    deadline_days = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=365)
    control_level = serializers.ChoiceField(choices=ControlLevel.choices, default=ControlLevel.REGULAR)
    unit_recipients = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.none(), many=True, required=False)
    user_recipients = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.none(), many=True, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            units = units_for(request.user, AssignmentAction.ISSUE)
            self.fields["org_unit"].queryset = units
            self.fields["unit_recipients"].child_relation.queryset = units
            self.fields["user_recipients"].child_relation.queryset = get_user_model().objects.filter(is_active=True)


class ReportSerializer(serializers.Serializer):
    text = serializers.CharField()
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ExtensionSerializer(serializers.Serializer):
    new_deadline = serializers.DateField()
    reason = serializers.CharField()


class ExtensionOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExtensionRequest
        fields = ["id", "execution", "reason", "old_deadline", "new_deadline", "status", "decision_note"]
        read_only_fields = fields


class DecideSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(allow_blank=True, required=False, default="")


class AssignmentListView(generics.GenericAPIView):
    serializer_class = AssignmentSerializer
    filter_backends: list[Any] = []

    @extend_schema(summary="Assignments issued in your scope", responses={200: AssignmentSerializer(many=True)})
    def get(self, request: Request) -> Response:
        if not has_action(request.user, AssignmentAction.VIEW):
            raise Http404
        queryset = selectors.assignments_for(request.user)
        filterset = AssignmentFilterSet(request.query_params or None, queryset=queryset, request=request)
        if filterset.is_bound:
            if not filterset.is_valid():
                raise exceptions.ValidationError(filterset.errors)
            queryset = filterset.qs
        queryset = selectors.with_counts(queryset.select_related("org_unit")).order_by("-issued_on", "-id")
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(AssignmentSerializer(page, many=True).data)

    @extend_schema(
        summary="Issue an assignment to units and/or people",
        request=IssueSerializer,
        responses={201: AssignmentSerializer, 400: BAD_INPUT, 403: FORBIDDEN},
    )
    def post(self, request: Request) -> Response:
        if not has_action(request.user, AssignmentAction.ISSUE):
            raise exceptions.PermissionDenied
        data = IssueSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        v = data.validated_data
        assignment = services.assignment_issue(
            actor=request.user, org_unit=v["org_unit"], title=v["title"], text=v["text"], text_kk=v["text_kk"],
            issuer_post=v["issuer_post"], deadline=v["deadline"], deadline_days=v["deadline_days"],
            control_level=v["control_level"], unit_recipients=v.get("unit_recipients", []),
            user_recipients=v.get("user_recipients", []),
        )  # fmt: skip
        fresh = selectors.with_counts(Assignment.objects.filter(pk=assignment.pk).select_related("org_unit")).get()
        return Response(AssignmentSerializer(fresh).data, status=status.HTTP_201_CREATED)


class AssignmentDetailView(generics.GenericAPIView):
    serializer_class = AssignmentSerializer
    filter_backends: list[Any] = []

    @extend_schema(summary="One assignment with its counts", responses={200: AssignmentSerializer, 404: NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        selectors.assignment_get(actor=request.user, pk=_id(pk))
        assignment = selectors.with_counts(Assignment.objects.filter(pk=pk).select_related("org_unit")).get()
        return Response(AssignmentSerializer(assignment).data)


class AssignmentExecutionsView(generics.GenericAPIView):
    serializer_class = ExecutionSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        summary="Every recipient of an assignment", responses={200: ExecutionSerializer(many=True), 404: NOT_FOUND}
    )
    def get(self, request: Request, pk: int) -> Response:
        assignment = selectors.assignment_get(actor=request.user, pk=_id(pk))
        queryset = assignment.executions.select_related("assignment", "recipient_unit", "recipient_user")
        filterset = ExecutionFilterSet(request.query_params or None, queryset=queryset, request=request)
        if filterset.is_bound:
            if not filterset.is_valid():
                raise exceptions.ValidationError(filterset.errors)
            queryset = filterset.qs
        page = self.paginate_queryset(queryset.order_by("id"))
        return self.get_paginated_response(ExecutionSerializer(page, many=True).data)


class AssignmentRemoveView(generics.GenericAPIView):
    serializer_class = ReasonSerializer
    filter_backends: list[Any] = []

    @extend_schema(summary="Remove from control (issuer only)", responses={200: AssignmentSerializer, 400: BAD_INPUT,
                   403: FORBIDDEN, 404: NOT_FOUND})  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        assignment = selectors.assignment_get(actor=request.user, pk=_id(pk))
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.assignment_remove_from_control(
            actor=request.user, assignment=assignment, reason=data.validated_data["reason"]
        )
        return Response(AssignmentSerializer(assignment).data)


class MineView(generics.GenericAPIView):
    serializer_class = ExecutionSerializer
    filter_backends: list[Any] = []

    @extend_schema(summary="What I carry out, overdue first", responses={200: ExecutionSerializer(many=True)})
    def get(self, request: Request) -> Response:
        today = timezone.localdate()
        queryset = selectors.my_executions(request.user).select_related(
            "assignment", "recipient_unit", "recipient_user"
        )
        wanted = request.query_params.get("status")
        if wanted:
            if wanted not in ExecutionStatus.values:
                raise exceptions.ValidationError({"status": ["Unknown status."]})
            queryset = queryset.filter(status=wanted)
        late = Q(status__in=OPEN, deadline__lt=today)
        from django.db.models import Case, IntegerField, Value, When

        queryset = queryset.annotate(
            rank=Case(When(late, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        page = self.paginate_queryset(queryset.order_by("rank", "deadline", "id"))
        return self.get_paginated_response(ExecutionSerializer(page, many=True).data)


class ExecutionDetailView(generics.GenericAPIView):
    serializer_class = ExecutionSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        summary="One execution (its recipient or the issuer's side)",
        responses={200: ExecutionSerializer, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(ExecutionSerializer(selectors.execution_get(actor=request.user, pk=_id(pk))).data)


class _StepView(generics.GenericAPIView):
    filter_backends: list[Any] = []
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    step = ""

    def post(self, request: Request, pk: int) -> Response:
        execution = selectors.execution_get(actor=request.user, pk=_id(pk))
        result = self.run(request, execution)
        if isinstance(result, ExtensionRequest):
            return Response(ExtensionOutSerializer(result).data, status=status.HTTP_201_CREATED)
        execution.refresh_from_db()
        return Response(ExecutionSerializer(execution).data)

    def run(self, request: Request, execution: Execution) -> Any:
        raise NotImplementedError


def _step_schema(summary: str, body: Any = None) -> Any:
    return extend_schema(
        summary=summary,
        request=body,
        responses={200: ExecutionSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )


class StartView(_StepView):
    serializer_class = ExecutionSerializer

    @_step_schema("Take the assignment in hand (recipient)")
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def run(self, request: Request, execution: Execution) -> Any:
        return services.execution_start(actor=request.user, execution=execution)


class ReportView(_StepView):
    serializer_class = ReportSerializer

    @_step_schema("Report on the assignment (recipient), with files", ReportSerializer)
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def run(self, request: Request, execution: Execution) -> Any:
        data = ReportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        files = request.FILES.getlist("files") if hasattr(request, "FILES") else []
        return services.execution_report(
            actor=request.user, execution=execution, text=data.validated_data["text"], files=files
        )


class AcceptView(_StepView):
    serializer_class = ExecutionSerializer

    @_step_schema("Accept the report (issuer's side)")
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def run(self, request: Request, execution: Execution) -> Any:
        return services.execution_accept(actor=request.user, execution=execution)


class ReturnView(_StepView):
    serializer_class = ReasonSerializer

    @_step_schema("Return the report for rework (issuer's side)", ReasonSerializer)
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def run(self, request: Request, execution: Execution) -> Any:
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return services.execution_return(actor=request.user, execution=execution, reason=data.validated_data["reason"])


class ExtensionView(_StepView):
    serializer_class = ExtensionSerializer

    @extend_schema(summary="Ask for a deadline extension (recipient)", request=ExtensionSerializer,
                   responses={201: ExtensionOutSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND})  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def run(self, request: Request, execution: Execution) -> Any:
        data = ExtensionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return services.extension_request(actor=request.user, execution=execution, **data.validated_data)


class DecideView(generics.GenericAPIView):
    serializer_class = DecideSerializer
    filter_backends: list[Any] = []

    @extend_schema(summary="Approve or refuse an extension (issuer's side)", request=DecideSerializer,
                   responses={200: ExtensionOutSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND})  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        ext = ExtensionRequest.objects.visible_to(request.user, AssignmentAction.VIEW).filter(pk=_id(pk)).first()
        if ext is None:
            raise Http404
        data = DecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ext = services.extension_decide(actor=request.user, request=ext, **data.validated_data)
        return Response(ExtensionOutSerializer(ext).data)


urlpatterns = [
    path("assignments/", AssignmentListView.as_view(), name="assignments-api-list"),
    path("assignments/mine/", MineView.as_view(), name="assignments-api-mine"),
    path("assignments/<int:pk>/", AssignmentDetailView.as_view(), name="assignments-api-detail"),
    path("assignments/<int:pk>/executions/", AssignmentExecutionsView.as_view(), name="assignments-api-executions"),
    path("assignments/<int:pk>/remove/", AssignmentRemoveView.as_view(), name="assignments-api-remove"),
    path("assignments/executions/<int:pk>/", ExecutionDetailView.as_view(), name="assignments-api-execution"),
    path("assignments/executions/<int:pk>/start/", StartView.as_view(), name="assignments-api-start"),
    path("assignments/executions/<int:pk>/report/", ReportView.as_view(), name="assignments-api-report"),
    path("assignments/executions/<int:pk>/accept/", AcceptView.as_view(), name="assignments-api-accept"),
    path("assignments/executions/<int:pk>/return/", ReturnView.as_view(), name="assignments-api-return"),
    path("assignments/executions/<int:pk>/extension/", ExtensionView.as_view(), name="assignments-api-extension"),
    path("assignments/extensions/<int:pk>/decide/", DecideView.as_view(), name="assignments-api-decide"),
]
