import unicodedata
from typing import Any

import django_filters
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from integrity.access import policy
from integrity.api.viewsets import ScopedReadOnlyViewSet

from .. import services
from ..casenumbers import normalize_case_number
from ..models import Case, Court, Department, StaffMember
from . import serializers


class CourtFilter(django_filters.FilterSet):
    class Meta:
        model = Court
        fields = ["level", "parent", "code", "is_active"]


class CourtViewSet(ScopedReadOnlyViewSet):
    """Courts in the caller's scope."""

    serializer_class = serializers.CourtSerializer
    filterset_class = CourtFilter

    queryset = Court.objects.all()


class DepartmentViewSet(ScopedReadOnlyViewSet):
    """Departments of the courts in the caller's scope."""

    serializer_class = serializers.DepartmentSerializer
    filterset_fields = ["court", "is_trial", "is_active"]

    queryset = Department.objects.all()


class StaffFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="name or staff number")

    class Meta:
        model = StaffMember
        fields = ["court", "department", "post", "status", "is_leading_cadre", "is_trial_post"]

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(name__contains=value.strip()) | Q(staff_number=value.strip()))


class StaffMemberViewSet(ScopedReadOnlyViewSet):
    """Staff members in the caller's scope (a staff member sees their own record)."""

    serializer_class = serializers.StaffMemberSerializer
    filterset_class = StaffFilter

    queryset = StaffMember.objects.select_related("court", "department")


class CaseFilter(django_filters.FilterSet):
    number = django_filters.CharFilter(
        method="filter_number", label="case number, full- or half-width"
    )
    closed_from = django_filters.DateFilter(field_name="closed_on", lookup_expr="gte")
    closed_to = django_filters.DateFilter(field_name="closed_on", lookup_expr="lte")

    class Meta:
        model = Case
        fields = ["court", "department", "case_type", "year", "presiding_judge"]

    def filter_number(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        try:
            return queryset.filter(number=normalize_case_number(value))
        except ValidationError:
            return queryset.none()


class CaseViewSet(ScopedReadOnlyViewSet):
    """Registry cases in the caller's scope, with parties and agents. POST registers a case
    or updates the registered one with the same number (case intake)."""

    serializer_class = serializers.CaseSerializer
    filterset_class = CaseFilter

    queryset = Case.objects.prefetch_related("panel", "parties", "agents")

    @extend_schema(
        request=serializers.CaseIntakeSerializer,
        responses={
            201: OpenApiResponse(serializers.CaseSerializer, description="Registered"),
            200: OpenApiResponse(
                serializers.CaseSerializer,
                description="Already registered: updated, or unchanged if nothing differed",
            ),
            400: OpenApiResponse(description="Invalid data; nothing was written"),
            404: OpenApiResponse(
                description="No such court or case within the caller's jurisdiction"
            ),
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Case intake from the case-management system, idempotent on the case number:
        parties are matched by name and standing, agents by licence number, then name and law
        firm, then name; none is ever removed. Sending the same case again changes nothing.
        For those who may change cases of the court (officers, administrators)."""
        if not policy.may_use(request.user, Case, policy.CHANGE):
            raise PermissionDenied
        intake = serializers.CaseIntakeSerializer(data=request.data)
        intake.is_valid(raise_exception=True)
        data = dict(intake.validated_data)
        number, court = data.pop("number"), _court(data.pop("court"))
        parties, agents = data.pop("parties", []), data.pop("agents", [])
        panel = data.pop("panel", None)
        case, created = services.case_upsert(
            actor=request.user,
            number=number,
            fields={"court": court, **data},
            parties=parties,
            agents=agents,
            panel=panel,
        )
        case = self.queryset.get(pk=case.pk)
        return Response(
            serializers.CaseSerializer(case).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


def _court(reference: int | str) -> Court:
    """The court an intake names by id or code (full-width forms folded); 404 if none (the
    service answers the same for a court out of the caller's jurisdiction)."""
    if isinstance(reference, int):
        court = Court.objects.filter(pk=reference).first()
    else:
        court = Court.objects.filter(code=unicodedata.normalize("NFKC", reference)).first()
    if court is None:
        raise Http404
    return court
