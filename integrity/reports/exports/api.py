"""The export jobs' API: /api/v1/reports/exports/. Thin: jobs are read through .selectors (the
caller's own only) and started, written and downloaded through .services, like the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from ..models import ExportJob
from . import selectors, services
from .sources import SOURCES
from .writers import WRITERS


class Gone(exceptions.APIException):
    status_code = status.HTTP_410_GONE
    default_code = "expired"


class NotReady(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "not_ready"


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "string"},
        "example": {"court": "12", "status": "recorded", "date_from": "2024年1月1日"},
    }
)
class FiltersField(serializers.DictField):
    """The list's filters as its page's query parameters (names and values as on the page)."""


class ExportJobSerializer(serializers.ModelSerializer):
    filters = FiltersField(read_only=True)
    percent = serializers.IntegerField(read_only=True)
    expired = serializers.SerializerMethodField()
    error = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "source",
            "format",
            "filters",
            "status",
            "total",
            "done",
            "percent",
            "error",
            "filename",
            "size",
            "expired",
            "download_url",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_expired(self, job: ExportJob) -> bool:
        return services.is_expired(job)

    def get_error(self, job: ExportJob) -> str:
        return gettext(job.error) if job.error else ""

    # A path on this site, null until the file can be downloaded.
    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download_url(self, job: ExportJob) -> str | None:
        if job.status != ExportJob.Status.DONE or services.is_expired(job):
            return None
        return reverse("report-export-download", kwargs={"pk": job.pk})


class ExportRequestSerializer(serializers.Serializer):
    source = serializers.ChoiceField(
        choices=sorted(SOURCES),
        help_text="The list: ledger:<ledger>, declarations (with filters.campaign), inspections, "
        "findings (filters.inspection or filters.mine), clues.",
    )
    format = serializers.ChoiceField(choices=ExportJob.Format.choices)
    filters = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        default=dict,
        help_text='The list page\'s filters, e.g. {"court": 12, "date_from": "2024年1月1日"}.',
    )


class ExportJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Exports of the caller's lists. ``POST`` starts one (201 with the finished job for a short
    list, 202 with the queued job for a long one: follow its ``percent``); ``GET <id>/download/``
    returns the file. Only the caller's own jobs exist here; files expire after
    ``EXPORT_KEEP_DAYS`` days (410)."""

    serializer_class = ExportJobSerializer
    queryset = ExportJob.objects.all()
    filter_backends: list = []
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[ExportJob]:
        return selectors.export_list(actor=self.request.user)

    def get_object(self) -> ExportJob:
        return selectors.export_get(actor=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(
        request=ExportRequestSerializer,
        responses={
            201: OpenApiResponse(ExportJobSerializer, description="Written at once"),
            202: OpenApiResponse(ExportJobSerializer, description="Queued; poll the job"),
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ExportRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.export_start(
            actor=request.user,
            source=data.validated_data["source"],
            fmt=data.validated_data["format"],
            params=data.validated_data["filters"],
        )
        code = status.HTTP_201_CREATED if job.is_finished else status.HTTP_202_ACCEPTED
        return Response(self.get_serializer(job).data, status=code)

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The .xlsx or CSV file"
            ),
            404: OpenApiResponse(description="No such job of the caller's"),
            409: OpenApiResponse(description="Not finished yet"),
            410: OpenApiResponse(description="The file expired"),
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: Any = None) -> FileResponse:
        """The job's file (the download is recorded in the audit trail)."""
        job = self.get_object()
        try:
            handle = services.export_open(actor=request.user, job=job)
        except services.NotDownloadable as error:
            message = " ".join(error.messages)
            raise (NotReady if job.status != ExportJob.Status.DONE else Gone)(message) from None
        return FileResponse(
            handle,
            as_attachment=True,
            filename=job.filename,
            content_type=WRITERS[job.format].content_type,
        )


ROUTES: tuple = (("reports/exports", ExportJobViewSet, "report-export"),)
