"""The ledgers' API: /api/v1/ledgers/<slug>/. Thin: reads through ledgers.selectors and the
scoping policy, writes through ledgers.services, like the pages."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from integrity.audit.models import AuditEvent
from integrity.org import selectors as org_selectors
from integrity.web.paging import int_param
from ledgers import selectors, services
from ledgers.forms import LedgerFilterForm
from ledgers.models import LedgerRecord
from ledgers.specs import SPECS, LedgerSpec

from . import serializers

FILTER_PARAMETERS = [
    OpenApiParameter("court", OpenApiTypes.INT, description="Court id"),
    OpenApiParameter("department", OpenApiTypes.INT, description="Department id"),
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="Main date on or after"),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="Main date on or before"),
    OpenApiParameter("status", OpenApiTypes.STR, description="Status code"),
    OpenApiParameter("category", OpenApiTypes.STR, description="The ledger's category field"),
    OpenApiParameter("q", OpenApiTypes.STR, description="Names, case numbers, law firms"),
    OpenApiParameter(
        "voided", OpenApiTypes.STR, enum=["", "include", "only"], description="Voided records"
    ),
]


# What an attachment is served as: the types ledgers/filetypes.py recognises.
ATTACHMENT_MIME_TYPES = (
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/tiff",
    "audio/wav",
    "audio/mpeg",
    "audio/mp4",
    "audio/amr",
    "audio/ogg",
)


class HistorySerializer(serializers.serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = ["seq", "created_at", "actor_name", "action", "changes", "reason"]


class LedgerViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """A ledger's records in the caller's scope. Updates carry the ``version`` they are based
    on: an edit based on an old version is refused with 409 and changes nothing. Records are
    never deleted; they are voided with a reason."""

    spec: LedgerSpec
    transition_class: type

    def _model(self) -> type[LedgerRecord]:
        return self.spec.model

    def get_queryset(self) -> Any:
        form = LedgerFilterForm(
            self.request.query_params,
            model=self._model(),
            courts=org_selectors.court_choices(actor=self.request.user),
            departments=org_selectors.department_list(
                actor=self.request.user, court=int_param(self.request.query_params.get("court"))
            ),
        )
        if self.action == "list" and not form.is_valid():
            raise ValidationError(form.errors)
        filters = form.cleaned_data if self.action == "list" else {}
        qs = selectors.ledger_list(actor=self.request.user, model=self._model(), filters=filters)
        return selectors.with_related(qs)

    def get_object(self) -> Any:
        return selectors.ledger_get(
            actor=self.request.user, model=self._model(), pk=self.kwargs["pk"]
        )

    @extend_schema(parameters=FILTER_PARAMETERS)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = services.ledger_create(
            actor=request.user, model=self._model(), fields=serializer.validated_data
        )
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, pk: Any = None, partial: bool = False) -> Response:
        record = self.get_object()
        version = serializers.VersionSerializer(data=request.data)
        version.is_valid(raise_exception=True)
        serializer = self.get_serializer(record, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        services.ledger_update(
            actor=request.user,
            record=record,
            version=version.validated_data["version"],
            fields=serializer.validated_data,
        )
        return Response(self.get_serializer(record).data)

    def partial_update(self, request: Request, pk: Any = None) -> Response:
        return self.update(request, pk, partial=True)

    @extend_schema(request=serializers.VoidSerializer)
    @action(detail=True, methods=["post"])
    def void(self, request: Request, pk: Any = None) -> Response:
        """Void the record with a reason; it stays visible with ``voided=include``."""
        record = self.get_object()
        data = serializers.VoidSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.ledger_void(actor=request.user, record=record, **data.validated_data)
        return Response(self.get_serializer(record).data)

    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: Any = None) -> Response:
        """Move the record to ``target`` along its workflow, with the fields the step needs."""
        record = self.get_object()
        data = self.transition_class(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        version, target = values.pop("version"), values.pop("target")
        services.ledger_transition(
            actor=request.user, record=record, version=version, target=target, fields=values
        )
        return Response(self.get_serializer(record).data)

    @extend_schema(responses=HistorySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request: Request, pk: Any = None) -> Response:
        """The record's trail in the audit chain, newest first."""
        record = self.get_object()
        return Response(HistorySerializer(selectors.history_of(record), many=True).data)

    @extend_schema(methods=["GET"], responses=serializers.AttachmentSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": serializers.AttachmentUploadSerializer},
        responses={201: serializers.AttachmentSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def attachments(self, request: Request, pk: Any = None) -> Response:
        """List the record's attachments, or upload one (multipart ``file``)."""
        record = self.get_object()
        if request.method == "POST":
            upload = serializers.AttachmentUploadSerializer(data=request.data)
            upload.is_valid(raise_exception=True)
            attachment = services.attachment_add(
                actor=request.user,
                record=record,
                upload=upload.validated_data["file"],
                description=upload.validated_data["description"],
            )
            return Response(
                serializers.AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED
            )
        rows = selectors.attachments_of(record)
        return Response(serializers.AttachmentSerializer(rows, many=True).data)

    @extend_schema(responses={(200, mime): OpenApiTypes.BINARY for mime in ATTACHMENT_MIME_TYPES})
    @action(detail=True, methods=["get"], url_path=r"attachments/(?P<aid>\d+)")
    def attachment(self, request: Request, pk: Any = None, aid: Any = None) -> FileResponse:
        """Download one attachment; downloads of a confidential record are audited."""
        record = self.get_object()
        attachment = selectors.attachments_of(record).filter(pk=aid).first()
        if attachment is None:
            raise NotFound
        services.attachment_opened(actor=request.user, record=record, attachment=attachment)
        return FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.mime_type,
        )


class EntriesMixin:
    """Reminder talks of a relatives record, follow-ups of a departure record."""

    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def entries(self, request: Request, pk: Any = None) -> Response:
        record = self.get_object()
        serializer_class = serializers.child_serializer(self.spec)
        if request.method == "POST":
            data = serializer_class(data=request.data)
            data.is_valid(raise_exception=True)
            child = services.child_add(
                actor=request.user, record=record, fields=data.validated_data
            )
            return Response(serializer_class(child).data, status=status.HTTP_201_CREATED)
        return Response(serializer_class(selectors.children_of(record), many=True).data)


def _viewset(spec: LedgerSpec) -> type[LedgerViewSet]:
    bases: tuple[type, ...] = (LedgerViewSet,)
    if spec.child is not None:
        bases = (EntriesMixin, LedgerViewSet)
    serializer_class = serializers.ledger_serializer(spec)
    viewset = type(
        f"{spec.model.__name__}ViewSet",
        bases,
        {
            "spec": spec,
            "serializer_class": serializer_class,
            "transition_class": serializers.transition_serializer(spec),
            "queryset": spec.model.objects.all(),
            "__doc__": f"{spec.model._meta.verbose_name_plural}: " + (LedgerViewSet.__doc__ or ""),
        },
    )
    # An update sends the record's fields with the version it is based on.
    update = serializers.update_serializer(serializer_class)
    schemas: dict[str, Any] = {
        "update": extend_schema(request=update),
        "partial_update": extend_schema(request=update),
    }
    child = serializers.child_serializer(spec)
    if child is not None:
        schemas["entries"] = [
            extend_schema(methods=["GET"], responses=child(many=True)),
            extend_schema(methods=["POST"], request=child, responses={201: child}),
        ]
    return extend_schema_view(**schemas)(viewset)


VIEWSETS = {spec.slug: _viewset(spec) for spec in SPECS}
