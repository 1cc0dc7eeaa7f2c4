"""/api/v1/me/, /users/, /role-grants/, /roles/: the same scope rules as the pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from amanat.accounts import selectors, services
from amanat.accounts.api.serializers import GrantSerializer, MeSerializer, RoleSerializer, UserSerializer
from amanat.accounts.filtersets import UserFilter
from amanat.accounts.models import Role, RoleGrant, User
from amanat.accounts.permissions import AccountsAction
from amanat.core.permissions import has_action


class ScopedViewSetMixin:
    """A caller who holds `action` nowhere gets 404, like any out-of-scope fetch."""

    action_required: Any = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        if not has_action(request.user, self.action_required):
            raise Http404


class MeView(APIView):
    """Who am I: the caller's account, language, two-factor status and grants."""

    serializer_class = MeSerializer

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)


class UserViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Users holding a grant on a unit in the caller's scope (accounts.view_user)."""

    serializer_class = UserSerializer
    filterset_class = UserFilter
    action_required = AccountsAction.VIEW_USER
    queryset = User.objects.none()

    def get_queryset(self) -> models.QuerySet[User]:
        return selectors.user_list(actor=self.request.user)


class RoleGrantViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Grants on units in the caller's scope; granting and revoking need accounts.manage_grants."""

    serializer_class = GrantSerializer
    action_required = AccountsAction.VIEW_USER
    queryset = RoleGrant.objects.none()

    def get_queryset(self) -> models.QuerySet[RoleGrant]:
        if self.action == "revoke":
            return selectors.visible_grants(self.request.user, AccountsAction.MANAGE_GRANTS)
        queryset = selectors.visible_grants(self.request.user)
        user_id = self.request.query_params.get("user")
        if self.action == "list" and user_id:
            queryset = queryset.filter(user_id=user_id) if user_id.isdigit() else queryset.none()
        return queryset

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        if self.action in ("create", "revoke"):
            self.action_required = AccountsAction.MANAGE_GRANTS
        super().initial(request, *args, **kwargs)

    def perform_create(self, serializer: GrantSerializer) -> None:
        data = serializer.validated_data
        try:
            serializer.instance = services.role_grant(
                actor=self.request.user,
                user=data["user"],
                role=data["role"],
                org_unit=data["org_unit"],
                valid_from=data.get("valid_from"),
                valid_to=data.get("valid_to"),
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc

    @extend_schema(request=None, responses={200: GrantSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: Any = None) -> Response:
        grant = self.get_object()
        services.role_revoke(actor=request.user, grant=grant)
        return Response(GrantSerializer(grant, context=self.get_serializer_context()).data, status=status.HTTP_200_OK)


class RoleViewSet(viewsets.ReadOnlyModelViewSet):
    """The roles and the actions each one allows (labels in the caller's language)."""

    serializer_class = RoleSerializer
    queryset = Role.objects.none()
    pagination_class = None

    def get_queryset(self) -> models.QuerySet[Role]:
        return selectors.role_list()
