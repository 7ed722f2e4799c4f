"""``/api/v1/notifications/``: the caller's own notifications. Thin: reads through
``services.inbox`` (the scoping policy), writes through the services, like the pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from integrity.access import policy

from .. import services
from . import serializers


class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Your notifications, newest first (cursor pages). Another person's notification is the
    same 404 as a missing one."""

    serializer_class = serializers.NotificationSerializer

    def get_queryset(self) -> Any:
        rows = services.inbox(actor=self.request.user)
        if self.action == "list":
            query = serializers.InboxQuerySerializer(data=self.request.query_params)
            query.is_valid(raise_exception=True)
            if query.validated_data["unread"]:
                rows = rows.filter(read_at__isnull=True)
        return rows

    def get_object(self) -> Any:
        action_ = policy.CHANGE if self.action == "read" else policy.VIEW
        return policy.get_or_404(
            self.request.user, services.inbox(actor=self.request.user), self.kwargs["pk"], action_
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("unread", OpenApiTypes.BOOL, description="Only unread notifications")
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses=serializers.NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: Any = None) -> Response:
        """Mark the notification read (the first reading time is kept)."""
        notification = self.get_object()
        services.mark_read(actor=request.user, notification=notification)
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses=serializers.MarkedSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        """Mark every unread notification read."""
        return Response({"marked": services.mark_all_read(actor=request.user)})

    @extend_schema(responses=serializers.UnreadCountSerializer)
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request: Request) -> Response:
        """How many notifications are unread (the header's badge)."""
        count = services.inbox(actor=request.user).filter(read_at__isnull=True).count()
        return Response({"unread": count})
