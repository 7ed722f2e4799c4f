import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from integrity.api.viewsets import ScopedReadOnlyViewSet

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
    """Registry cases in the caller's scope, with parties and agents."""

    serializer_class = serializers.CaseSerializer
    filterset_class = CaseFilter

    queryset = Case.objects.prefetch_related("panel", "parties", "agents")
