"""The API of inspections and findings: /api/v1/inspections/ and /api/v1/findings/. Thin:
reads through inspections.selectors.inspections (which start from the scoping policy), writes
through inspections.services.inspections, like the pages. A change names the ``version`` it is
based on: a stale one is refused with 409 and changes nothing."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from integrity.access import policy
from integrity.api.errors import named_in_body
from integrity.api.fields import IdField
from integrity.org.models import Court, Department, StaffMember
from ledgers.api.serializers import (
    AttachmentSerializer,
    AttachmentUploadSerializer,
    DateAwareSerializer,
    LedgerDateField,
    VersionSerializer,
    VoidSerializer,
)

from ..models import Finding, Inspection, LookBackCheck, RectificationReport, TeamMember
from ..selectors import inspections as selectors
from ..services import inspections as services

# Named once in the OpenAPI schema (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).
INSPECTION_KINDS = Inspection.Kind
INSPECTION_STATUSES = Inspection.Status
FINDING_STATUSES = Finding.Status
FINDING_SEVERITIES = Finding.Severity


def _today() -> Any:
    return timezone.localdate()


# --- serializers -----------------------------------------------------------------------------
class InspectionCountsSerializer(serializers.Serializer):
    found = serializers.IntegerField(help_text="Standing (not voided) findings")
    rectified = serializers.IntegerField(help_text="Closed (销号)")
    overdue = serializers.IntegerField(help_text="Not closed, deadline passed")
    returned = serializers.IntegerField(help_text="Currently returned to the unit")


class TargetSerializer(serializers.Serializer):
    court = serializers.PrimaryKeyRelatedField(queryset=Court.objects.all())
    court_name = serializers.CharField(source="court.name", read_only=True)
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), allow_null=True, required=False, default=None
    )
    department_name = serializers.CharField(
        source="department.name", read_only=True, allow_null=True, default=None
    )


class TeamMemberSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True)
    )
    name = serializers.CharField(source="user.display_name", read_only=True)
    function = serializers.ChoiceField(
        choices=TeamMember.Function.choices, default=TeamMember.Function.MEMBER
    )


class InspectionListSerializer(DateAwareSerializer):
    court_name = serializers.CharField(source="court.name", read_only=True)
    is_void = serializers.BooleanField(read_only=True)
    status = serializers.ChoiceField(choices=INSPECTION_STATUSES.choices, read_only=True)
    counts = serializers.SerializerMethodField()

    class Meta:
        model = Inspection
        fields = [
            "id",
            "court",
            "court_name",
            "number",
            "title",
            "kind",
            "starts_on",
            "ends_on",
            "scope",
            "status",
            "closed_on",
            "is_void",
            "voided_at",
            "void_reason",
            "version",
            "counts",
        ]
        read_only_fields = ["closed_on", "voided_at", "void_reason", "version"]

    @extend_schema_field(InspectionCountsSerializer)
    def get_counts(self, obj: Inspection) -> dict[str, int]:
        if hasattr(obj, "found"):
            return {k: getattr(obj, k) for k in ("found", "rectified", "overdue", "returned")}
        return selectors.inspection_counts(obj, _today())


class InspectionSerializer(InspectionListSerializer):
    targets = TargetSerializer(many=True)
    team = TeamMemberSerializer(many=True)

    class Meta(InspectionListSerializer.Meta):
        fields = [*InspectionListSerializer.Meta.fields, "targets", "team"]


class InspectionUpdateSerializer(VersionSerializer):
    number = serializers.CharField(required=False, allow_blank=True, max_length=64)
    title = serializers.CharField(required=False, max_length=200)
    kind = serializers.ChoiceField(choices=Inspection.Kind.choices, required=False)
    starts_on = LedgerDateField(required=False)
    ends_on = LedgerDateField(required=False)
    scope = serializers.CharField(required=False)
    targets = TargetSerializer(many=True, required=False)
    team = TeamMemberSerializer(many=True, required=False)


class InspectionTransitionSerializer(VersionSerializer):
    target = serializers.ChoiceField(choices=INSPECTION_STATUSES.choices)


class LookBackRowSerializer(serializers.Serializer):
    finding = serializers.IntegerField(source="pk")
    inspection = serializers.IntegerField(source="inspection_id")
    inspection_title = serializers.CharField(source="inspection.title")
    sequence = serializers.IntegerField()
    court_name = serializers.CharField(source="court.name")
    department_name = serializers.CharField(source="department.name", allow_null=True, default=None)
    description = serializers.CharField()
    status = serializers.ChoiceField(choices=FINDING_STATUSES.choices)
    result = serializers.CharField(allow_null=True, help_text="held, relapsed, unfinished")
    note = serializers.CharField(allow_null=True)
    checked_on = serializers.DateField(allow_null=True)


class LookBackRecordSerializer(serializers.Serializer):
    finding = serializers.IntegerField()
    result = serializers.ChoiceField(choices=LookBackCheck.Result.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class LookBackCheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = LookBackCheck
        fields = ["id", "inspection", "finding", "result", "note", "checked_by", "checked_on"]
        read_only_fields = fields


INSPECTION_FILTERS = [
    OpenApiParameter("court", OpenApiTypes.INT, description="Organising court id"),
    OpenApiParameter("kind", OpenApiTypes.STR, enum=Inspection.Kind.values),
    OpenApiParameter(
        "status", OpenApiTypes.STR, enum=[*Inspection.Status.values, selectors.STATUS_VOID]
    ),
    OpenApiParameter("year", OpenApiTypes.INT, description="Year the inspection starts"),
    OpenApiParameter("q", OpenApiTypes.STR, description="Text in the title or number"),
]


class InspectionFilterSerializer(serializers.Serializer):
    court = IdField(required=False)
    kind = serializers.ChoiceField(choices=Inspection.Kind.choices, required=False)
    status = serializers.ChoiceField(
        choices=[*Inspection.Status.values, selectors.STATUS_VOID], required=False
    )
    year = serializers.IntegerField(required=False, min_value=1990, max_value=2100)
    q = serializers.CharField(required=False, allow_blank=True)


def _targets(rows: list[dict]) -> list[tuple[Court, Department | None]]:
    return [(row["court"], row.get("department")) for row in rows]


def _team(rows: list[dict]) -> list[tuple[Any, str]]:
    return [(row["user"], row["function"]) for row in rows]


class InspectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Inspections (督察/巡查) the caller may see: supervision staff, officers and leaders in
    jurisdiction of the organising court, and the team by object grant. Supervision staff plan
    and run them; the team reaches the inspected units only between the start and end dates.
    Inspections are never deleted, they are voided with a reason."""

    queryset = Inspection.objects.all()
    serializer_class = InspectionSerializer
    filter_backends: list = []
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return InspectionListSerializer if self.action == "list" else InspectionSerializer

    def get_queryset(self) -> QuerySet[Inspection]:
        filters = InspectionFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.inspection_list(
            self.request.user, today=_today(), **filters.validated_data
        )

    def get_object(self) -> Inspection:
        return selectors.inspection_get(self.request.user, self.kwargs["pk"])

    def _answer(self, inspection: Inspection, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.inspection_get(self.request.user, inspection.pk)
        return Response(InspectionSerializer(fresh).data, status=code)

    @extend_schema(parameters=INSPECTION_FILTERS)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def create(self, request: Request) -> Response:
        """Plan an inspection with its targets and team."""
        serializer = InspectionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        targets, team = data.pop("targets"), data.pop("team")
        fields = {k: v for k, v in data.items() if k in services.INSPECTION_FIELDS}
        inspection = services.inspection_create(
            actor=request.user, fields=fields, targets=_targets(targets), team=_team(team)
        )
        return self._answer(inspection, status.HTTP_201_CREATED)

    @extend_schema(request=InspectionUpdateSerializer, responses=InspectionSerializer)
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        """Correct the inspection, its targets or its team."""
        inspection = self.get_object()
        data = InspectionUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version = fields.pop("version")
        targets, team = fields.pop("targets", None), fields.pop("team", None)
        services.inspection_update(
            actor=request.user,
            inspection=inspection,
            version=version,
            fields=fields,
            targets=_targets(targets) if targets is not None else None,
            team=_team(team) if team is not None else None,
        )
        return self._answer(inspection)

    @extend_schema(request=InspectionTransitionSerializer, responses=InspectionSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: Any = None) -> Response:
        """Move the inspection: planned → in_progress → rectifying → closed (closed only when
        every standing finding is closed)."""
        inspection = self.get_object()
        data = InspectionTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.inspection_transition(
            actor=request.user, inspection=inspection, **data.validated_data
        )
        return self._answer(inspection)

    @extend_schema(request=VoidSerializer, responses=InspectionSerializer)
    @action(detail=True, methods=["post"])
    def void(self, request: Request, pk: Any = None) -> Response:
        """Void with a reason: the team's temporary access ends at once."""
        inspection = self.get_object()
        data = VoidSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.inspection_void(actor=request.user, inspection=inspection, **data.validated_data)
        return self._answer(inspection)

    @extend_schema(request=None, responses=InspectionCountsSerializer)
    @action(detail=True, methods=["get"])
    def counts(self, request: Request, pk: Any = None) -> Response:
        """Found, rectified (closed), overdue and returned findings."""
        inspection = self.get_object()
        return Response(selectors.inspection_counts(inspection, _today()))

    @extend_schema(methods=["GET"], request=None, responses=LookBackRowSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=LookBackRecordSerializer, responses=LookBackCheckSerializer
    )
    @action(detail=True, methods=["get", "post"], url_path="look-back")
    def look_back(self, request: Request, pk: Any = None) -> Response:
        """A look-back inspection (回头看): the earlier findings of its targets with the verdict
        recorded so far (GET), or record whether one held (POST)."""
        inspection = self.get_object()
        if inspection.kind != Inspection.Kind.LOOK_BACK:
            raise Http404
        if request.method == "POST":
            data = LookBackRecordSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            finding = selectors.finding_get(request.user, data.validated_data["finding"])
            check = services.look_back_record(
                actor=request.user,
                inspection=inspection,
                finding=finding,
                result=data.validated_data["result"],
                note=data.validated_data["note"],
            )
            return Response(LookBackCheckSerializer(check).data)
        checks = selectors.look_back_checks(inspection)
        rows = []
        for finding in selectors.look_back_findings(request.user, inspection)[:500]:
            check = checks.get(finding.pk)
            finding.result = check.result if check else None
            finding.note = check.note if check else None
            finding.checked_on = check.checked_on if check else None
            rows.append(finding)
        return Response(LookBackRowSerializer(rows, many=True).data)


# --- findings --------------------------------------------------------------------------------
class ReportSerializer(serializers.ModelSerializer):
    evidence = AttachmentSerializer(many=True, read_only=True)
    outcome = serializers.ChoiceField(choices=RectificationReport.Outcome.choices, read_only=True)

    class Meta:
        model = RectificationReport
        fields = [
            "id",
            "measures",
            "completed_on",
            "reported_by",
            "reported_at",
            "outcome",
            "reviewed_by",
            "reviewed_at",
            "review_note",
            "evidence",
        ]
        read_only_fields = fields


class FindingListSerializer(DateAwareSerializer):
    inspection_title = serializers.CharField(source="inspection.title", read_only=True)
    court_name = serializers.CharField(source="court.name", read_only=True)
    department_name = serializers.CharField(
        source="department.name", read_only=True, allow_null=True, default=None
    )
    responsible_staff_name = serializers.CharField(
        source="responsible_staff.name", read_only=True, allow_null=True, default=None
    )
    status = serializers.ChoiceField(choices=FINDING_STATUSES.choices, read_only=True)
    is_void = serializers.BooleanField(read_only=True)
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), allow_null=True, required=False
    )
    responsible_staff = serializers.PrimaryKeyRelatedField(
        queryset=StaffMember.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Finding
        fields = [
            "id",
            "inspection",
            "inspection_title",
            "sequence",
            "court",
            "court_name",
            "department",
            "department_name",
            "responsible_staff",
            "responsible_staff_name",
            "category",
            "severity",
            "description",
            "rectification_required",
            "deadline",
            "status",
            "times_returned",
            "closed_on",
            "closed_by",
            "is_void",
            "voided_at",
            "void_reason",
            "version",
        ]
        read_only_fields = [
            "sequence",
            "times_returned",
            "closed_on",
            "closed_by",
            "voided_at",
            "void_reason",
            "version",
        ]
        extra_kwargs = {"court": {"required": False}}


class FindingSerializer(FindingListSerializer):
    reports = serializers.SerializerMethodField()

    class Meta(FindingListSerializer.Meta):
        fields = [*FindingListSerializer.Meta.fields, "reports"]

    @extend_schema_field(ReportSerializer(many=True))
    def get_reports(self, obj: Finding) -> list[dict]:
        return ReportSerializer(selectors.finding_reports(obj), many=True).data


class FindingUpdateSerializer(VersionSerializer):
    court = serializers.PrimaryKeyRelatedField(queryset=Court.objects.all(), required=False)
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), allow_null=True, required=False
    )
    responsible_staff = serializers.PrimaryKeyRelatedField(
        queryset=StaffMember.objects.all(), allow_null=True, required=False
    )
    category = serializers.ChoiceField(choices=Finding.Category.choices, required=False)
    severity = serializers.ChoiceField(choices=Finding.Severity.choices, required=False)
    description = serializers.CharField(required=False)
    rectification_required = serializers.CharField(required=False)
    deadline = LedgerDateField(required=False)


class FindingReportSerializer(VersionSerializer):
    measures = serializers.CharField()
    completed_on = LedgerDateField()
    files = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, help_text="Evidence files"
    )


class FindingCloseSerializer(VersionSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class FindingReturnSerializer(VersionSerializer):
    reason = serializers.CharField(allow_blank=True)


class FindingFilterSerializer(serializers.Serializer):
    inspection = IdField(required=False)
    court = IdField(required=False)
    status = serializers.ChoiceField(
        choices=[*Finding.Status.values, selectors.STATUS_VOID], required=False
    )
    overdue = serializers.BooleanField(required=False, default=False)
    mine = serializers.BooleanField(required=False, default=False)


FINDING_FILTERS = [
    OpenApiParameter("inspection", OpenApiTypes.INT, description="Inspection id"),
    OpenApiParameter("court", OpenApiTypes.INT, description="Responsible court id"),
    OpenApiParameter(
        "status", OpenApiTypes.STR, enum=[*Finding.Status.values, selectors.STATUS_VOID]
    ),
    OpenApiParameter("overdue", OpenApiTypes.BOOL, description="Only overdue items"),
    OpenApiParameter(
        "mine", OpenApiTypes.BOOL, description="Only open items the caller's unit reports on"
    ),
]


class FindingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Findings (问题清单) and their rectification (整改清单). The inspectors enter, correct,
    void, close (销号) or return them; the responsible unit reports what it did with evidence.
    Each change carries the ``version`` it is based on."""

    queryset = Finding.objects.all()
    serializer_class = FindingSerializer
    filter_backends: list = []
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "head", "options"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return FindingListSerializer if self.action == "list" else FindingSerializer

    def get_queryset(self) -> QuerySet[Finding]:
        filters = FindingFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.finding_list(self.request.user, today=_today(), **filters.validated_data)

    def get_object(self) -> Finding:
        return selectors.finding_get(self.request.user, self.kwargs["pk"])

    def _answer(self, finding: Finding, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.finding_get(self.request.user, finding.pk)
        return Response(FindingSerializer(fresh).data, status=code)

    @extend_schema(parameters=FINDING_FILTERS, responses=FindingListSerializer(many=True))
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=FindingListSerializer, responses={201: FindingSerializer})
    def create(self, request: Request) -> Response:
        """Enter a finding of an inspection in progress (the inspectors)."""
        serializer = FindingListSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        named = data.pop("inspection").pk
        with named_in_body("inspection", named):
            inspection = selectors.inspection_get(request.user, named)
        fields = {k: v for k, v in data.items() if k in services.FINDING_FIELDS}
        finding = services.finding_create(actor=request.user, inspection=inspection, fields=fields)
        return self._answer(finding, status.HTTP_201_CREATED)

    @extend_schema(request=FindingUpdateSerializer, responses=FindingSerializer)
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        """Correct a finding (the inspectors)."""
        finding = self.get_object()
        data = FindingUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version = fields.pop("version")
        services.finding_update(actor=request.user, finding=finding, version=version, fields=fields)
        return self._answer(finding)

    @extend_schema(request=VoidSerializer, responses=FindingSerializer)
    @action(detail=True, methods=["post"])
    def void(self, request: Request, pk: Any = None) -> Response:
        finding = self.get_object()
        data = VoidSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.finding_void(actor=request.user, finding=finding, **data.validated_data)
        return self._answer(finding)

    @extend_schema(
        request={"multipart/form-data": FindingReportSerializer}, responses=FindingSerializer
    )
    @action(detail=True, methods=["post"])
    def report(self, request: Request, pk: Any = None) -> Response:
        """The responsible unit reports the rectification, with evidence files."""
        finding = self.get_object()
        data = FindingReportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        services.finding_report(
            actor=request.user,
            finding=finding,
            version=values["version"],
            measures=values["measures"],
            completed_on=values["completed_on"],
            evidence=[(upload, "") for upload in values["files"]],
        )
        return self._answer(finding)

    @extend_schema(
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer},
    )
    @action(detail=True, methods=["post"])
    def evidence(self, request: Request, pk: Any = None) -> Response:
        """Add an evidence file to the report awaiting verification."""
        finding = self.get_object()
        data = AttachmentUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.latest_report(finding)
        if report is None or not policy.can(request.user, policy.CHANGE, report):
            raise ValidationError("There is no report awaiting verification.")
        attachment = services.report_evidence_add(
            actor=request.user,
            report=report,
            upload=data.validated_data["file"],
            description=data.validated_data["description"],
        )
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=FindingCloseSerializer, responses=FindingSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: Any = None) -> Response:
        """Verify the report and close the item (销号)."""
        finding = self.get_object()
        data = FindingCloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.finding_close(actor=request.user, finding=finding, **data.validated_data)
        return self._answer(finding)

    @extend_schema(request=FindingReturnSerializer, responses=FindingSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: Any = None) -> Response:
        """Return the report with a reason."""
        finding = self.get_object()
        data = FindingReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.finding_return(actor=request.user, finding=finding, **data.validated_data)
        return self._answer(finding)


ROUTES = [
    ("inspections", InspectionViewSet, "inspection"),
    ("findings", FindingViewSet, "finding"),
]
