"""The API of clues and referrals: /api/v1/clues/ and /api/v1/referrals/. Thin: reads
through inspections.selectors.clues (the scoping policy: a clue about a court leader is
hidden from that leader and their court, a clue never shown to its subject), writes through
the services like the pages. A change names the ``version`` it is based on: a stale one is
refused with 409 and changes nothing."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from integrity.access.models import User
from integrity.api.fields import IdField
from integrity.org.models import Court, Department, StaffMember
from ledgers.api.serializers import (
    DateAwareSerializer,
    LedgerDateField,
    VersionSerializer,
    VoidSerializer,
)
from ledgers.models import ContactCase
from ledgers.models.contacts import Counterpart

from ..models import Clue, Disposition, Referral
from ..selectors import clues as selectors
from ..services import clues as services
from ..services import referrals as referral_services


class DispositionSerializer(DateAwareSerializer):
    subject_name = serializers.CharField(source="subject.name", read_only=True)

    class Meta:
        model = Disposition
        fields = [
            "id",
            "subject",
            "subject_name",
            "form",
            "measure",
            "decided_on",
            "decision",
            "concerns_improper_contact",
            "contact_case",
            "created_at",
        ]
        read_only_fields = fields


class ReferralSerializer(serializers.ModelSerializer):
    clue_summary = serializers.CharField(source="clue.summary", read_only=True)
    court_name = serializers.CharField(source="clue.court.name", read_only=True)
    subject_name = serializers.CharField(
        source="clue.subject.name", read_only=True, allow_null=True, default=None
    )
    stage_due = serializers.SerializerMethodField()
    # Empty until the way is chosen (a read-only field would otherwise drop the blank choice).
    way = serializers.ChoiceField(choices=Referral.Way.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "number",
            "clue",
            "clue_summary",
            "court_name",
            "subject_name",
            "referred_on",
            "letter",
            "stage",
            "stage_since",
            "stage_due",
            "way",
            "way_chosen_on",
            "verification_started_on",
            "filed_on",
            "closed_on",
            "findings",
            "version",
            "voided_at",
            "void_reason",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.DATE)
    def get_stage_due(self, referral: Referral) -> Any:
        due = selectors.stage_due(referral)
        return due.isoformat() if due else None


# --- clues -----------------------------------------------------------------------------------


class ClueSerializer(DateAwareSerializer):
    court = serializers.PrimaryKeyRelatedField(queryset=Court.objects.all())
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), allow_null=True, required=False
    )
    subject = serializers.PrimaryKeyRelatedField(
        queryset=StaffMember.objects.all(), allow_null=True, required=False
    )
    court_name = serializers.CharField(source="court.name", read_only=True)
    subject_name = serializers.CharField(
        source="subject.name", read_only=True, allow_null=True, default=None
    )
    is_void = serializers.BooleanField(read_only=True)

    class Meta:
        model = Clue
        fields = [
            "id",
            "court",
            "court_name",
            "department",
            "subject",
            "subject_name",
            "about_leader",
            "summary",
            "details",
            "evidence",
            "source",
            "received_on",
            "is_confidential",
            "status",
            "is_void",
            "version",
            "voided_at",
            "void_reason",
            "created_at",
        ]
        read_only_fields = [
            "about_leader",
            "status",
            "version",
            "voided_at",
            "void_reason",
            "created_at",
        ]
        extra_kwargs = {"received_on": {"required": False}}


class ClueUpdateSerializer(VersionSerializer):
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), allow_null=True, required=False
    )
    subject = serializers.PrimaryKeyRelatedField(
        queryset=StaffMember.objects.all(), allow_null=True, required=False
    )
    summary = serializers.CharField(required=False, max_length=200)
    details = serializers.CharField(required=False, allow_blank=True)
    evidence = serializers.CharField(required=False, allow_blank=True)
    received_on = LedgerDateField(required=False)
    is_confidential = serializers.BooleanField(required=False)


class ReferSerializer(serializers.Serializer):
    letter = serializers.CharField(
        required=False, allow_blank=True, help_text="Left out: the standard letter."
    )
    referred_on = LedgerDateField(required=False)


class ShareSerializer(serializers.Serializer):
    username = serializers.CharField(help_text="The login name of the one person to share with")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


CLUE_FILTERS = [
    OpenApiParameter("court", OpenApiTypes.INT, description="Court id"),
    OpenApiParameter("source", OpenApiTypes.STR, enum=Clue.Source.values),
    OpenApiParameter("status", OpenApiTypes.STR, enum=Clue.Status.values),
    OpenApiParameter("stage", OpenApiTypes.STR, enum=Referral.Stage.values),
    OpenApiParameter("q", OpenApiTypes.STR, description="Summary or the staff member's name"),
    OpenApiParameter("voided", OpenApiTypes.STR, enum=["", "include", "only"]),
]


class ClueFilterSerializer(serializers.Serializer):
    court = IdField(required=False)
    source = serializers.ChoiceField(choices=Clue.Source.choices, required=False)
    status = serializers.ChoiceField(choices=Clue.Status.choices, required=False)
    stage = serializers.ChoiceField(choices=Referral.Stage.choices, required=False)
    q = serializers.CharField(required=False, allow_blank=True)
    voided = serializers.ChoiceField(choices=["", "include", "only"], required=False)


class ClueViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Clues (问题线索) in the caller's scope. A clue about a court leader is hidden from that
    leader and everyone of their court below them and referred to the discipline team at once;
    a clue is never shown to the person it is about. Never deleted: voided with a reason."""

    serializer_class = ClueSerializer
    queryset = Clue.objects.all()
    filter_backends: list = []
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Clue]:
        filters = ClueFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.clue_list(actor=self.request.user, filters=filters.validated_data)

    def get_object(self) -> Clue:
        return selectors.clue_get(actor=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(parameters=CLUE_FILTERS)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """One clue; each view of a confidential clue is recorded."""
        clue = self.get_object()
        services.clue_viewed(actor=request.user, clue=clue)
        return Response(self.get_serializer(clue).data)

    def _answer(self, clue: Clue, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(clue).data, status=code)

    def create(self, request: Request) -> Response:
        """Register a clue (a leader clue goes to the discipline team at once)."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        clue = services.clue_create(actor=request.user, fields=serializer.validated_data)
        return self._answer(clue, status.HTTP_201_CREATED)

    @extend_schema(request=ClueUpdateSerializer)
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        """Correct or complete the clue, based on ``version``."""
        clue = self.get_object()
        data = ClueUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version = fields.pop("version")
        services.clue_update(actor=request.user, clue=clue, version=version, fields=fields)
        return self._answer(clue)

    @extend_schema(request=VoidSerializer)
    @action(detail=True, methods=["post"])
    def void(self, request: Request, pk: Any = None) -> Response:
        """Void the clue with a reason; it stays visible with ``voided=include``."""
        clue = self.get_object()
        data = VoidSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.clue_void(actor=request.user, clue=clue, **data.validated_data)
        return self._answer(clue)

    @extend_schema(request=ReferSerializer, responses={201: ReferralSerializer})
    @action(detail=True, methods=["post"])
    def refer(self, request: Request, pk: Any = None) -> Response:
        """Refer the clue to the discipline team with a referral letter."""
        clue = self.get_object()
        data = ReferSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        referral = referral_services.referral_create(
            actor=request.user,
            clue=clue,
            letter=data.validated_data.get("letter", ""),
            referred_on=data.validated_data.get("referred_on"),
        )
        return Response(ReferralSerializer(referral).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ShareSerializer)
    @action(detail=True, methods=["post"])
    def share(self, request: Request, pk: Any = None) -> Response:
        """Share the clue with one named person (the discipline team only)."""
        clue = self.get_object()
        data = ShareSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        grantee = User.objects.filter(username=data.validated_data["username"]).first()
        services.clue_share(
            actor=request.user, clue=clue, grantee=grantee, reason=data.validated_data["reason"]
        )
        return self._answer(clue)


# --- referrals -------------------------------------------------------------------------------


class StepSerializer(VersionSerializer):
    target = serializers.ChoiceField(
        choices=[s for s in Referral.Stage.values if s != Referral.Stage.DISPOSED]
    )
    on = LedgerDateField(required=False, help_text="The step's date; today if left out.")
    way = serializers.ChoiceField(
        choices=Referral.Way.choices, required=False, help_text="Needed to choose the way."
    )
    findings = serializers.CharField(required=False, allow_blank=True, default="")


class DispositionCreateSerializer(VersionSerializer):
    form = serializers.ChoiceField(choices=Disposition.Form.choices)
    measure = serializers.ChoiceField(choices=Disposition.Measure.choices)
    decided_on = LedgerDateField()
    decision = serializers.CharField()
    concerns_improper_contact = serializers.BooleanField(required=False, default=False)
    counterpart_type = serializers.ChoiceField(choices=Counterpart.choices, required=False)
    counterpart_name = serializers.CharField(required=False, max_length=100)
    behaviour = serializers.ChoiceField(choices=ContactCase.Behaviour.choices, required=False)
    occurred_on = LedgerDateField(required=False)


REFERRAL_FILTERS = [
    OpenApiParameter("court", OpenApiTypes.INT, description="Court id of the clue"),
    OpenApiParameter("stage", OpenApiTypes.STR, enum=Referral.Stage.values),
    OpenApiParameter("way", OpenApiTypes.STR, enum=Referral.Way.values),
    OpenApiParameter("q", OpenApiTypes.STR, description="Number, summary or name"),
]


class ReferralFilterSerializer(serializers.Serializer):
    court = IdField(required=False)
    stage = serializers.ChoiceField(choices=Referral.Stage.choices, required=False)
    way = serializers.ChoiceField(choices=Referral.Way.choices, required=False)
    q = serializers.CharField(required=False, allow_blank=True)


class ReferralViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Referrals of clues to the embedded discipline team (驻院纪检监察组) and the team's work:
    the disposal way, verification, filing or closing, and the disposition (四种形态)."""

    serializer_class = ReferralSerializer
    queryset = Referral.objects.all()
    filter_backends: list = []
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Referral]:
        filters = ReferralFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.referral_list(actor=self.request.user, filters=filters.validated_data)

    def get_object(self) -> Referral:
        return selectors.referral_get(actor=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(parameters=REFERRAL_FILTERS)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def _answer(self, referral: Referral, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.referral_get(actor=self.request.user, pk=referral.pk)
        return Response(ReferralSerializer(fresh).data, status=code)

    @extend_schema(request=StepSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def step(self, request: Request, pk: Any = None) -> Response:
        """Move the referral to its next stage (the way decides which)."""
        referral = self.get_object()
        data = StepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        referral_services.referral_step(
            actor=request.user,
            referral=referral,
            version=values["version"],
            target=values["target"],
            on=values.get("on"),
            way=values.get("way", ""),
            findings=values.get("findings", ""),
        )
        return self._answer(referral)

    @extend_schema(request=DispositionCreateSerializer, responses={201: DispositionSerializer})
    @action(detail=True, methods=["post"])
    def disposition(self, request: Request, pk: Any = None) -> Response:
        """Record the disposition of a filed or closed referral; one about improper contact
        flows into ledger 2."""
        referral = self.get_object()
        data = DispositionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        version = values.pop("version")
        contact = {name: values.pop(name, None) for name in referral_services.CONTACT_FIELDS}
        disposition = referral_services.disposition_create(
            actor=request.user,
            referral=referral,
            version=version,
            fields=values,
            contact=contact,
        )
        return Response(DispositionSerializer(disposition).data, status=status.HTTP_201_CREATED)


ROUTES = [
    ("clues", ClueViewSet, "clue"),
    ("referrals", ReferralViewSet, "referral"),
]
