"""The import jobs' API: /api/v1/reports/imports/. Thin: jobs are read through .selectors (the
caller's own only; another login's job is a 404) and uploaded, confirmed and cancelled through
.services, like the pages.

- ``POST /reports/imports/`` (multipart: ``target``, ``file``): upload and check. 201 with the
  problems and the preview when checked at once; 202 when a large file is being checked (poll
  the job).
- ``POST /reports/imports/{id}/confirm/``: write every row, or none. 409 when the import has
  problems, was confirmed or cancelled already, or its write was rolled back (the job says why).
- ``GET /reports/imports/templates/{target}/``: the .xlsx template to fill in."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from integrity.api.errors import Conflict

from ..models import ImportJob
from . import columns, selectors, services
from .templates_xlsx import XLSX, template_download
from .views import title_of


def _values(choices: type) -> str:
    return ", ".join(choices.values)


class ProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField(
        allow_null=True, help_text="The sheet's own row number; null for the file as a whole."
    )
    column = serializers.CharField(help_text="The column's letter (A, B, …); empty for a row.")
    header = serializers.CharField(help_text="The column's header as the sheet has it.")
    message = serializers.CharField()
    text = serializers.CharField(help_text="Row, column and message as the page shows them.")


class MatchSerializer(serializers.Serializer):
    header = serializers.CharField()
    written = serializers.CharField(help_text="The name as the sheet writes it.")
    matched = serializers.CharField(help_text="The one record it was matched to.")


class PreviewRowSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    cells = serializers.ListField(child=serializers.CharField(allow_blank=True))


class PreviewSerializer(serializers.Serializer):
    columns = serializers.ListField(child=serializers.CharField())
    rows = PreviewRowSerializer(many=True, help_text="The first rows as they will be written.")
    matches = MatchSerializer(many=True)
    notices = serializers.ListField(child=serializers.CharField())


class ImportJobSummarySerializer(serializers.ModelSerializer):
    # Plain strings in the schema: an enum would share its name with other models' fields of
    # these names (Referral.stage, ExportJob.status) and need a settings override.
    stage = serializers.CharField(read_only=True, help_text=f"One of: {_values(ImportJob.Stage)}.")
    status = serializers.CharField(
        read_only=True, help_text=f"The running work: {_values(ImportJob.Status)}."
    )
    target_title = serializers.SerializerMethodField()
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "target",
            "target_title",
            "original_name",
            "stage",
            "status",
            "total",
            "done",
            "percent",
            "rows_ok",
            "duplicates",
            "written",
            "error",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_target_title(self, job: ImportJob) -> str:
        return title_of(job)


class ImportJobSerializer(ImportJobSummarySerializer):
    problems = ProblemSerializer(many=True, read_only=True)
    preview = serializers.SerializerMethodField()

    class Meta(ImportJobSummarySerializer.Meta):
        fields = [*ImportJobSummarySerializer.Meta.fields, "sha256", "problems", "preview"]
        read_only_fields = fields

    @extend_schema_field(PreviewSerializer)
    def get_preview(self, job: ImportJob) -> dict[str, Any]:
        preview = job.preview if isinstance(job.preview, dict) else {}
        return PreviewSerializer(
            {key: preview.get(key, []) for key in ("columns", "rows", "matches", "notices")}
        ).data


class ImportUploadSerializer(serializers.Serializer):
    target = serializers.ChoiceField(
        choices=[(target.key, target.key) for target in columns.TARGETS],
        help_text="What the file holds: a ledger (interference, contacts, approvals, reports, "
        "relatives, departures), the staff roster (staff) or the case registry (cases).",
    )
    file = serializers.FileField(help_text="The filled-in workbook (.xlsx).")

    def validate_target(self, value: str) -> str:
        if columns.available_target(self.context["request"].user, value) is None:
            raise serializers.ValidationError(_("You may not import this."))
        return value


class ImportJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's own imports, newest first."""

    serializer_class = ImportJobSerializer
    queryset = ImportJob.objects.all()
    filter_backends: list = []
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[ImportJob]:
        return selectors.import_list(actor=self.request.user)

    def get_object(self) -> ImportJob:
        return selectors.import_get(actor=self.request.user, pk=self.kwargs["pk"])

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return ImportJobSummarySerializer if self.action == "list" else ImportJobSerializer

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            201: OpenApiResponse(ImportJobSerializer, description="Checked: see the problems."),
            202: OpenApiResponse(ImportJobSerializer, description="A large file being checked."),
        },
    )
    def create(self, request: Request) -> Response:
        """Upload a workbook and check it (a dry run: nothing is written)."""
        upload = ImportUploadSerializer(data=request.data, context={"request": request})
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        job = services.import_upload(actor=request.user, target=data["target"], upload=data["file"])
        code = status.HTTP_202_ACCEPTED if job.stage == job.Stage.UPLOADED else 201
        return Response(ImportJobSerializer(job).data, status=code)

    @extend_schema(
        request=None,
        responses={
            200: OpenApiResponse(ImportJobSerializer, description="Every row written."),
            202: OpenApiResponse(ImportJobSerializer, description="A large file being written."),
            409: OpenApiResponse(
                description="Problems, confirmed or cancelled already, or the "
                "write was rolled back (the job's error says why)."
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: Any = None) -> Response:
        """Write every row of a checked import without problems, in one transaction."""
        try:
            job = services.import_confirm(actor=request.user, job=self.get_object())
        except services.NotConfirmable as refusal:
            raise Conflict(str(refusal)) from None
        if job.stage == job.Stage.REJECTED:
            raise Conflict(job.error)
        code = status.HTTP_202_ACCEPTED if job.stage == job.Stage.IMPORTING else 200
        return Response(ImportJobSerializer(job).data, status=code)

    @extend_schema(request=None, responses={200: ImportJobSerializer, 409: OpenApiResponse()})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: Any = None) -> Response:
        """Drop an import that is not written; nothing is written."""
        try:
            job = services.import_cancel(actor=request.user, job=self.get_object())
        except services.NotCancellable as refusal:
            raise Conflict(str(refusal)) from None
        return Response(ImportJobSerializer(job).data)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "target",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=[target.key for target in columns.TARGETS],
            )
        ],
        responses={(200, XLSX): OpenApiTypes.BINARY},
    )
    @action(detail=False, methods=["get"], url_path=r"templates/(?P<target>[a-z]+)")
    def template(self, request: Request, target: str = "") -> FileResponse:
        """The .xlsx template of ``target`` (what the caller may import), in their language."""
        return template_download(request.user, target)


ROUTES: tuple = (("reports/imports", ImportJobViewSet, "report-import"),)
