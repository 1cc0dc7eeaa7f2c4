"""/api/v1/notifications/: the user's own notifications — list, read one, mark read."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from amanat.notifications.models import Notification
from amanat.notifications.registry import get_kind
from amanat.notifications.selectors import notification_list, unread_count
from amanat.notifications.services import notification_mark_read, notifications_mark_all_read


class NotificationSerializer(serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField()
    is_unread = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "title", "body", "url", "created_at", "read_at", "is_unread"]
        read_only_fields = fields

    def get_kind_label(self, obj: Notification) -> str:
        try:
            return str(get_kind(obj.kind).label)
        except LookupError:
            return obj.kind


class NotificationFilter(django_filters.FilterSet):
    # A choice, not a boolean, so that "?unread=perhaps" is refused instead of ignored.
    unread = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")], method="filter_unread", label=_("Unread only")
    )

    class Meta:
        model = Notification
        fields = ["unread", "kind"]

    def filter_unread(self, queryset: models.QuerySet, name: str, value: str) -> models.QuerySet:
        return queryset.filter(read_at__isnull=value == "true")


CountSerializer = inline_serializer("NotificationCount", fields={"count": serializers.IntegerField()})


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Only ever the requesting user's notifications; another user's id answers 404."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    queryset = Notification.objects.none()  # for the schema; get_queryset is per user

    def get_queryset(self) -> models.QuerySet[Notification]:
        return notification_list(user=self.request.user)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: Any = None) -> Response:
        notification = notification_mark_read(user=request.user, notification=self.get_object())
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses=CountSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        return Response({"count": notifications_mark_all_read(user=request.user)})

    @extend_schema(responses=CountSerializer)
    @action(detail=False, methods=["get"], url_path="unread-count", filterset_class=None)
    def unread_count(self, request: Request) -> Response:
        return Response({"count": unread_count(request.user)})


def register(router: Any) -> None:
    router.register("notifications", NotificationViewSet, basename="notification")
