"""The declarations' API: /api/v1/declarations/campaigns/ and /api/v1/declarations/. Thin:
reads through ledgers.declarations.selectors (which start from the scoping policy), writes
through ledgers.declarations.services, like the pages. A change names the ``version`` it is
based on: a stale one is refused with 409 and changes nothing."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from integrity.api.fields import IdField
from integrity.org.models import Court
from integrity.web.paging import int_param
from ledgers.api.serializers import DateAwareSerializer, LedgerDateField, VersionSerializer

from ..models import Campaign, Declaration, DeclaredRelative, RelativePractice, Signature
from . import forms, selectors, services

# Named once in the OpenAPI schema (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).
DECLARATION_STATUSES = Declaration.Status
LEGAL_ROLES = RelativePractice.LegalRole

# --- Campaigns -------------------------------------------------------------------------------


class CampaignSerializer(DateAwareSerializer):
    court_name = serializers.CharField(source="court.name", read_only=True)
    is_void = serializers.BooleanField(read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "kind",
            "title",
            "court",
            "court_name",
            "covers_subordinates",
            "period_start",
            "period_end",
            "due_on",
            "notes",
            "status",
            "is_void",
            "task_count",
            "version",
            "closed_at",
            "voided_at",
            "void_reason",
            "created_at",
        ]
        read_only_fields = [
            "status",
            "task_count",
            "version",
            "closed_at",
            "voided_at",
            "void_reason",
            "created_at",
        ]
        extra_kwargs = {
            "title": {
                "required": False,
                "allow_blank": True,
                "help_text": "Left out or empty: a title naming the kind and the period.",
            },
        }


class CampaignUpdateSerializer(VersionSerializer):
    title = serializers.CharField(required=False, max_length=200)
    due_on = LedgerDateField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True)
    period_start = LedgerDateField(
        required=False, help_text="Only while nothing has been filed in the campaign."
    )
    period_end = LedgerDateField(
        required=False, help_text="Only while nothing has been filed in the campaign."
    )


class CampaignVoidSerializer(VersionSerializer):
    reason = serializers.CharField()


class CampaignFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[selectors.STATUS_OPEN, selectors.STATUS_CLOSED, selectors.STATUS_VOID],
        required=False,
    )
    kind = serializers.ChoiceField(choices=Campaign.Kind.choices, required=False)
    court = IdField(required=False)


class CountsSerializer(serializers.Serializer):
    tasks = serializers.IntegerField()
    pending = serializers.IntegerField(help_text="To be filed")
    overdue = serializers.IntegerField(help_text="To be filed or returned, after the due date")
    awaiting_chief = serializers.IntegerField()
    awaiting_leader = serializers.IntegerField()
    signed = serializers.IntegerField()
    returned = serializers.IntegerField()
    nothing = serializers.IntegerField(help_text="Filed or signed as none / zero report")


class DepartmentProgressSerializer(serializers.Serializer):
    department_id = serializers.IntegerField(allow_null=True)
    department_name = serializers.CharField()
    counts = CountsSerializer()


class CourtProgressSerializer(serializers.Serializer):
    court_id = serializers.IntegerField()
    court_name = serializers.CharField()
    counts = CountsSerializer()
    departments = DepartmentProgressSerializer(many=True)


class AwaitedSerializer(serializers.Serializer):
    role = serializers.CharField(help_text="chief or leader")
    court_id = serializers.IntegerField()
    court_name = serializers.CharField()
    department_id = serializers.IntegerField(allow_null=True)
    department_name = serializers.CharField()
    count = serializers.IntegerField()
    signers = serializers.ListField(child=serializers.CharField(), help_text="Who may sign it")


class ProgressRowSerializer(serializers.ModelSerializer):
    staff_name = serializers.CharField(source="staff.name", read_only=True)
    court_name = serializers.CharField(source="court.name", read_only=True)
    department_name = serializers.CharField(
        source="department.name", read_only=True, allow_null=True, default=None
    )
    awaited_signers = serializers.ListField(
        child=serializers.CharField(), read_only=True, default=list
    )

    class Meta:
        model = Declaration
        fields = [
            "id",
            "staff",
            "staff_name",
            "court",
            "court_name",
            "department",
            "department_name",
            "status",
            "filed_at",
            "next_role",
            "awaited_signers",
        ]
        read_only_fields = fields


class ProgressSerializer(serializers.Serializer):
    today = serializers.DateField()
    is_overdue = serializers.BooleanField()
    totals = CountsSerializer()
    courts = CourtProgressSerializer(many=True)
    awaited = AwaitedSerializer(many=True)
    overdue = ProgressRowSerializer(many=True)
    overdue_next = serializers.IntegerField(
        allow_null=True, help_text="Pass as overdue_after for the next page"
    )
    awaiting = ProgressRowSerializer(many=True)
    awaiting_next = serializers.IntegerField(
        allow_null=True, help_text="Pass as awaiting_after for the next page"
    )


PROGRESS_PARAMETERS = [
    OpenApiParameter("court", OpenApiTypes.INT, description="One court of the campaign"),
    OpenApiParameter("overdue_after", OpenApiTypes.INT, description="Next page of the overdue"),
    OpenApiParameter(
        "awaiting_after", OpenApiTypes.INT, description="Next page of those awaiting signature"
    ),
]
CAMPAIGN_FILTERS = [
    OpenApiParameter("status", OpenApiTypes.STR, enum=["open", "closed", "void"]),
    OpenApiParameter("kind", OpenApiTypes.STR, enum=Campaign.Kind.values),
    OpenApiParameter("court", OpenApiTypes.INT, description="Court id"),
]


class CampaignViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Declaration campaigns the caller may follow. Officers (and administrators) open them
    for their courts: every serving staff member in scope gets a task. Changes carry the
    ``version`` they are based on; campaigns are never deleted, they are voided with a
    reason."""

    serializer_class = CampaignSerializer
    queryset = Campaign.objects.all()
    filter_backends: list = []
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Campaign]:
        filters = CampaignFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.campaign_list(self.request.user, **filters.validated_data)

    def get_object(self) -> Campaign:
        return selectors.campaign_get(self.request.user, self.kwargs["pk"])

    @extend_schema(parameters=CAMPAIGN_FILTERS)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def create(self, request: Request) -> Response:
        """Open a campaign."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.setdefault("covers_subordinates", False)
        if not (data.get("title") or "").strip():
            data["title"] = forms.default_title(
                data["kind"], data["period_start"], data["period_end"]
            )
        campaign = services.campaign_open(actor=request.user, **data)
        return Response(
            self.get_serializer(self._reloaded(campaign)).data, status=status.HTTP_201_CREATED
        )

    def _reloaded(self, campaign: Campaign) -> Campaign:
        return selectors.campaign_get(self.request.user, campaign.pk)

    @extend_schema(request=CampaignUpdateSerializer)
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        """Change the title, due date or notes (the period only while nothing is filed)."""
        campaign = self.get_object()
        data = CampaignUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version = fields.pop("version")
        services.campaign_update(
            actor=request.user, campaign=campaign, version=version, fields=fields
        )
        return Response(self.get_serializer(self._reloaded(campaign)).data)

    @extend_schema(request=VersionSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: Any = None) -> Response:
        """Close the campaign: nothing more is filed or reminded."""
        campaign = self.get_object()
        data = VersionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.campaign_close(
            actor=request.user, campaign=campaign, version=data.validated_data["version"]
        )
        return Response(self.get_serializer(self._reloaded(campaign)).data)

    @extend_schema(request=CampaignVoidSerializer)
    @action(detail=True, methods=["post"])
    def void(self, request: Request, pk: Any = None) -> Response:
        """Void a campaign opened by mistake, with a reason; it stays visible."""
        campaign = self.get_object()
        data = CampaignVoidSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.campaign_void(actor=request.user, campaign=campaign, **data.validated_data)
        return Response(self.get_serializer(self._reloaded(campaign)).data)

    @extend_schema(parameters=PROGRESS_PARAMETERS, responses=ProgressSerializer)
    @action(detail=True, methods=["get"])
    def progress(self, request: Request, pk: Any = None) -> Response:
        """Who has filed, who is overdue and who awaits whose signature, with counts per court
        and department of the caller's scope."""
        campaign = self.get_object()
        params = request.query_params
        progress = selectors.campaign_progress(
            request.user,
            campaign,
            timezone.localdate(),
            court=int_param(params.get("court")),
            overdue_after=int_param(params.get("overdue_after")),
            awaiting_after=int_param(params.get("awaiting_after")),
        )
        return Response(ProgressSerializer(progress).data)

    @extend_schema(
        request=None,
        responses=inline_serializer(
            "RemindOverdueResult", {"reminded": serializers.IntegerField()}
        ),
    )
    @action(detail=True, methods=["post"], url_path="remind-overdue")
    def remind_overdue(self, request: Request, pk: Any = None) -> Response:
        """一键催报: remind everyone whose task is overdue now (at most once a day each)."""
        campaign = self.get_object()
        told = services.campaign_remind_overdue(actor=request.user, campaign=campaign)
        return Response({"reminded": told})


# --- Declarations ----------------------------------------------------------------------------


class RelativeSerializer(DateAwareSerializer):
    firm_area = serializers.PrimaryKeyRelatedField(
        queryset=Court.objects.all(), allow_null=True, required=False
    )
    firm_area_name = serializers.CharField(
        source="firm_area.name", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = DeclaredRelative
        fields = [
            "id",
            "relative_name",
            "relationship",
            "law_firm",
            "licence_number",
            "firm_area",
            "firm_area_name",
            "role",
            "acts_in_jurisdiction",
            "practising_since",
            "record",
        ]
        read_only_fields = ["id", "record"]


class SignatureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Signature
        fields = [
            "id",
            "filing",
            "stage",
            "role",
            "signer",
            "signer_name",
            "decision",
            "statement",
            "reason",
            "decided_at",
        ]
        read_only_fields = fields


class StageSerializer(serializers.Serializer):
    role = serializers.CharField()
    court = serializers.IntegerField()
    department = serializers.IntegerField(allow_null=True)


class DeclarationListSerializer(serializers.ModelSerializer):
    campaign_title = serializers.CharField(source="campaign.title", read_only=True)
    kind = serializers.CharField(source="campaign.kind", read_only=True)
    due_on = serializers.DateField(source="campaign.due_on", read_only=True)
    staff_name = serializers.CharField(source="staff.name", read_only=True)
    court_name = serializers.CharField(source="court.name", read_only=True)
    department_name = serializers.CharField(
        source="department.name", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Declaration
        fields = [
            "id",
            "campaign",
            "campaign_title",
            "kind",
            "due_on",
            "staff",
            "staff_name",
            "court",
            "court_name",
            "department",
            "department_name",
            "revision",
            "previous",
            "is_current",
            "status",
            "has_nothing",
            "signatures_done",
            "next_role",
            "next_court",
            "next_department",
            "filed_at",
            "signed_at",
            "returned_at",
            "return_reason",
            "version",
        ]
        read_only_fields = fields


class DeclarationSerializer(DeclarationListSerializer):
    relatives = RelativeSerializer(many=True, read_only=True)
    inquiries = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    chain = StageSerializer(many=True, read_only=True)
    signatures = SignatureSerializer(many=True, read_only=True)

    class Meta(DeclarationListSerializer.Meta):
        fields = [
            *DeclarationListSerializer.Meta.fields,
            "statement",
            "relatives",
            "inquiries",
            "chain",
            "signatures",
        ]
        read_only_fields = fields


class FileSerializer(VersionSerializer):
    has_nothing = serializers.BooleanField(
        help_text="No relative practising law; for the three regulations report, a zero report."
    )
    relatives = RelativeSerializer(many=True, required=False, default=list)
    inquiries = serializers.ListField(
        child=IdField(),
        required=False,
        default=list,
        help_text="Ids of the filer's own inquiry records dated in the period",
    )
    statement = serializers.CharField(required=False, allow_blank=True, default="")


class SignSerializer(VersionSerializer):
    statement = serializers.CharField(
        required=False,
        help_text="The attestation; left out, the standard one.",
    )


class ReturnSerializer(VersionSerializer):
    reason = serializers.CharField()


class DeclarationFilterSerializer(serializers.Serializer):
    campaign = IdField(required=False)
    status = serializers.ChoiceField(choices=Declaration.Status.choices, required=False)
    court = IdField(required=False)
    mine = serializers.BooleanField(required=False, default=False)
    awaiting_me = serializers.BooleanField(required=False, default=False)


DECLARATION_FILTERS = [
    OpenApiParameter("campaign", OpenApiTypes.INT, description="Campaign id"),
    OpenApiParameter("status", OpenApiTypes.STR, enum=Declaration.Status.values),
    OpenApiParameter("court", OpenApiTypes.INT, description="Court id"),
    OpenApiParameter("mine", OpenApiTypes.BOOL, description="Only the caller's own"),
    OpenApiParameter(
        "awaiting_me", OpenApiTypes.BOOL, description="Only those awaiting the caller's signature"
    ),
]


def declaration_list(user: Any, filters: dict[str, Any]) -> QuerySet[Declaration]:
    """The caller's own declarations and those in their scope (or awaiting their signature),
    with the list filters."""
    if filters.get("awaiting_me"):
        qs = selectors.awaiting_signature(user)
    else:
        # The same set a declaration's page shows (declaration_get): the scope, the caller's
        # own, and those they sign or signed.
        qs = selectors._visible_declarations(user, Declaration.objects.all())
    if filters.get("mine"):
        qs = qs.filter(staff_id=user.staff_id or 0)
    if filters.get("campaign"):
        qs = qs.filter(campaign_id=filters["campaign"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("court"):
        qs = qs.filter(court_id=filters["court"])
    return qs.select_related("campaign", "staff", "court", "department")


class DeclarationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Declarations: the caller's own and those in their scope. The filer files (relatives
    or "none"; for the three regulations report the period's inquiries or a zero report); the
    signers of the chain sign in order, or return it with a reason; a signed declaration is
    corrected by a new revision. Each action carries the ``version`` it is based on."""

    queryset = Declaration.objects.all()
    serializer_class = DeclarationSerializer
    filter_backends: list = []
    # Numeric ids only, so that /declarations/campaigns/ is never read as a declaration.
    lookup_value_regex = r"\d+"

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return DeclarationListSerializer if self.action == "list" else DeclarationSerializer

    def get_queryset(self) -> QuerySet[Declaration]:
        filters = DeclarationFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return declaration_list(self.request.user, filters.validated_data)

    def get_object(self) -> Declaration:
        return selectors.declaration_get(self.request.user, self.kwargs["pk"])

    @extend_schema(parameters=DECLARATION_FILTERS, responses=DeclarationListSerializer(many=True))
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def _answer(self, declaration: Declaration, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.declaration_get(self.request.user, declaration.pk)
        return Response(DeclarationSerializer(fresh).data, status=code)

    @extend_schema(request=FileSerializer, responses=DeclarationSerializer)
    @action(detail=True, methods=["post"])
    def file(self, request: Request, pk: Any = None) -> Response:
        """File or refile the declaration (until the first signature)."""
        declaration = self.get_object()
        data = FileSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        relatives = [
            {name: row[name] for name in services.RELATIVE_FIELDS if name in row}
            for row in values["relatives"]
        ]
        services.declaration_file(
            actor=request.user,
            declaration=declaration,
            version=values["version"],
            has_nothing=values["has_nothing"],
            relatives=relatives,
            inquiries=values["inquiries"],
            statement=values["statement"],
        )
        return self._answer(declaration)

    @extend_schema(request=SignSerializer, responses=DeclarationSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: Any = None) -> Response:
        """Sign the awaited stage with an attestation (the chief first, then the leader)."""
        declaration = self.get_object()
        data = SignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        statement = data.validated_data.get("statement") or str(services.DEFAULT_ATTESTATION)
        services.declaration_sign(
            actor=request.user,
            declaration=declaration,
            version=data.validated_data["version"],
            statement=statement,
        )
        return self._answer(declaration)

    @extend_schema(request=ReturnSerializer, responses=DeclarationSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: Any = None) -> Response:
        """Return the declaration to the filer with a reason."""
        declaration = self.get_object()
        data = ReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.declaration_return(
            actor=request.user, declaration=declaration, **data.validated_data
        )
        return self._answer(declaration)

    @extend_schema(request=None, responses={201: DeclarationSerializer})
    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk: Any = None) -> Response:
        """Start a correction of a signed declaration: a new revision to file and sign."""
        declaration = self.get_object()
        correction = services.declaration_correct(actor=request.user, declaration=declaration)
        return self._answer(correction, status.HTTP_201_CREATED)
