"""GET /api/v1/reports/dashboard/: the dashboard's figures as JSON, for the same court and
period parameters as the page and through the same scoping policy (figures.py)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from .. import stats
from . import figures
from .forms import DashboardForm


class CourtRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class BucketSerializer(CourtRefSerializer):
    own = serializers.BooleanField(help_text="The chosen court's own records.")
    below = serializers.BooleanField(help_text="Rolls up the courts below this one.")


class CourtCountSerializer(serializers.Serializer):
    court = serializers.IntegerField()
    count = serializers.IntegerField()


class MonthCountSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="The first day of the month.")
    count = serializers.IntegerField()


class ChoiceCountSerializer(serializers.Serializer):
    value = serializers.CharField(allow_blank=True)
    label = serializers.CharField()
    count = serializers.IntegerField()


class FormCountSerializer(ChoiceCountSerializer):
    value = serializers.IntegerField()


class LedgerFiguresSerializer(serializers.Serializer):
    ledger = serializers.CharField()
    title = serializers.CharField()
    total = serializers.IntegerField()
    staff = serializers.IntegerField(help_text="Distinct staff members concerned.")
    sentence = serializers.CharField()
    by_court = CourtCountSerializer(many=True)
    by_month = MonthCountSerializer(many=True)
    by_category = ChoiceCountSerializer(many=True)


class RegulationNatureSerializer(serializers.Serializer):
    regulation = serializers.CharField()
    nature = serializers.CharField(allow_blank=True, help_text="Empty: not yet screened.")
    count = serializers.IntegerField()


class InterferenceSerializer(serializers.Serializer):
    by_nature = ChoiceCountSerializer(many=True)
    by_regulation_and_nature = RegulationNatureSerializer(many=True)


def _integers(name: str, fields: tuple[str, ...]) -> type[serializers.Serializer]:
    """A serializer of whole numbers named as the figures of integrity/reports/stats.py."""
    return type(name, (serializers.Serializer,), {f: serializers.IntegerField() for f in fields})


RelativesCourtSerializer = _integers("RelativesCourtSerializer", ("court", *stats.RELATIVES_COUNTS))
RectificationCountsSerializer = _integers(
    "RectificationCountsSerializer", stats.RECTIFICATION_COUNTS
)


class RelativesSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    staff = serializers.IntegerField()
    relatives = serializers.IntegerField()
    sentence = serializers.CharField()
    by_status = ChoiceCountSerializer(many=True)
    by_court = RelativesCourtSerializer(many=True)


class RateSerializer(serializers.Serializer):
    filed = serializers.IntegerField()
    zero = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text="zero / filed; null if none.")


class ReportPeriodSerializer(RateSerializer):
    start = serializers.DateField()
    end = serializers.DateField()


class ZeroCourtSerializer(ReportPeriodSerializer):
    court = serializers.IntegerField()


class ZeroDepartmentSerializer(ReportPeriodSerializer):
    department = serializers.IntegerField(allow_null=True)
    name = serializers.CharField(allow_blank=True)


class ZeroReportsSerializer(RateSerializer):
    sentence = serializers.CharField()
    periods = ReportPeriodSerializer(many=True)
    by_court = ZeroCourtSerializer(many=True)
    by_department = ZeroDepartmentSerializer(many=True)


class RectificationCourtSerializer(RectificationCountsSerializer):
    court = serializers.IntegerField()


class RectificationSerializer(RectificationCountsSerializer):
    sentence = serializers.CharField()
    by_court = RectificationCourtSerializer(many=True)


class DispositionCourtSerializer(serializers.Serializer):
    court = serializers.IntegerField()
    form = serializers.IntegerField()
    count = serializers.IntegerField()


class DispositionsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    sentence = serializers.CharField()
    by_form = FormCountSerializer(many=True)
    by_court = DispositionCourtSerializer(many=True)


class DashboardSerializer(serializers.Serializer):
    court = CourtRefSerializer(allow_null=True, help_text="Null: every court in scope.")
    area = serializers.CharField()
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    courts = BucketSerializer(many=True, help_text="The rows of the by-court figures.")
    ledgers = LedgerFiguresSerializer(many=True)
    interference = InterferenceSerializer(allow_null=True)
    relatives = RelativesSerializer(allow_null=True)
    zero_reports = ZeroReportsSerializer(allow_null=True)
    rectification = RectificationSerializer(allow_null=True)
    dispositions = DispositionsSerializer(allow_null=True)


_PARAMETERS = [
    OpenApiParameter(
        "court", OpenApiTypes.INT, description="A court in scope; its subtree is counted."
    ),
    OpenApiParameter(
        "date_from", OpenApiTypes.STR, description="2026-01-01 or 2026年1月1日; 1 January."
    ),
    OpenApiParameter("date_to", OpenApiTypes.STR, description="2026-03-31; today by default."),
]


class OneObjectSchema(AutoSchema):
    """The dashboard answers its ``list`` route with one object, not an array of them."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False


class DashboardViewSet(viewsets.ViewSet):
    """The dashboard's figures: per ledger by court, month and category; interference by
    regulation and nature; relatives practising law and recusal; zero reports; rectification;
    dispositions by the four forms. Sections the caller's roles do not reach are null. Plain
    staff get 404, as for any unknown address."""

    schema = OneObjectSchema()

    @extend_schema(
        parameters=_PARAMETERS,
        # The error body is added with the other errors (integrity/api/schema.py).
        responses={
            200: DashboardSerializer,
            404: OpenApiResponse(description=_("The caller's roles have no dashboard.")),
        },
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = request.user
        if not figures.may_see_dashboard(user):
            raise NotFound
        today = timezone.localdate()
        form = DashboardForm(request.query_params, courts=stats.courts_in_scope(user), today=today)
        if not form.is_valid():
            raise ValidationError(form.errors)
        area, period = form.selection()
        board = figures.dashboard(actor=user, area=area, period=period, today=today)
        return Response(DashboardSerializer(figures.as_data(board)).data)


ROUTES = (("reports/dashboard", DashboardViewSet, "report-dashboard"),)
