"""Base views for the API: every queryset and every object goes through the scoping policy."""

from typing import Any

from django.db.models import QuerySet
from rest_framework import viewsets

from integrity.access import policy


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """Lists start from ``policy.scope``; a detail out of scope is the same 404 as a missing one.

    Subclasses set DRF's ``queryset`` with the select/prefetch the serializer needs, so the
    query count is fixed per page."""

    def get_queryset(self) -> QuerySet:
        return policy.scope(self.request.user, super().get_queryset())

    def get_object(self) -> Any:
        obj = policy.get_or_404(self.request.user, self.queryset.all(), self.kwargs["pk"])
        self.check_object_permissions(self.request, obj)
        return obj
