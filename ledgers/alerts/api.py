"""The API of the alert queue: /api/v1/alerts/. Thin: reads through
ledgers.alerts.selectors (the scoping policy: the discipline team and the leaders in scope, an
alert about a court leader hidden from that court's leaders, never an alert about oneself),
the actions through the same services as the pages. An action names the ``version`` it is
based on: a stale one is refused with 409 and changes nothing; an alert that is no longer open,
or a recusal not yet recorded in ledger 3, is a 400 with the reason."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from integrity.api.fields import IdField
from integrity.api.pagination import IdCursorPagination
from ledgers.api.serializers import LedgerDateField, VersionSerializer

from . import evidence, selectors, services
from .models import Alert
from .selectors import ALL


class AlertSerializer(serializers.ModelSerializer):
    rule_label = serializers.CharField(source="get_rule_display", read_only=True)
    rule_source = serializers.SerializerMethodField(help_text="The regulation the rule applies")
    rule_action = serializers.SerializerMethodField(help_text="What the discipline team does")
    evidence = serializers.SerializerMethodField(
        help_text="The evidence as one sentence in the caller's language"
    )
    is_weaker = serializers.BooleanField(read_only=True)
    court_name = serializers.CharField(source="court.name", read_only=True)
    subject_name = serializers.CharField(
        source="subject.name", read_only=True, allow_null=True, default=None
    )
    case_number = serializers.CharField(
        source="case.number", read_only=True, allow_null=True, default=None
    )
    handled_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Alert
        fields = [
            "id",
            "rule",
            "rule_label",
            "rule_source",
            "rule_action",
            "severity",
            "strength",
            "is_weaker",
            "status",
            "evidence",
            "facts",
            "court",
            "court_name",
            "department",
            "subject",
            "subject_name",
            "about_leader",
            "case",
            "case_number",
            "agent",
            "interference",
            "relative",
            "departure",
            "first_seen_at",
            "last_seen_at",
            "changed_at",
            "reopened",
            "handled_at",
            "handled_by",
            "reason",
            "clue",
            "version",
        ]
        read_only_fields = fields

    def get_rule_source(self, alert: Alert) -> str:
        return str(alert.info.source)

    def get_rule_action(self, alert: Alert) -> str:
        return str(alert.info.action)

    @extend_schema_field(OpenApiTypes.STR)
    def get_evidence(self, alert: Alert) -> str:
        return evidence.sentence(alert)


class DismissSerializer(VersionSerializer):
    reason = serializers.CharField(help_text="Why the facts are no conflict")


class DoneSerializer(VersionSerializer):
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="For a withdrawal (required): how the judge withdrew from the case",
    )
    done_on = LedgerDateField(required=False, help_text="The day it was done; today if left out")


class AlertFilterSerializer(serializers.Serializer):
    rule = serializers.ChoiceField(choices=Alert.Rule.choices, required=False)
    status = serializers.ChoiceField(
        choices=[*Alert.Status.values, ALL], required=False, allow_blank=True
    )
    severity = serializers.ChoiceField(choices=Alert.Severity.choices, required=False)
    court = IdField(required=False)
    weaker = serializers.BooleanField(required=False, default=False)
    case = serializers.CharField(required=False, allow_blank=True)
    q = serializers.CharField(required=False, allow_blank=True)


ALERT_FILTERS = [
    OpenApiParameter("rule", OpenApiTypes.STR, enum=Alert.Rule.values),
    OpenApiParameter(
        "status",
        OpenApiTypes.STR,
        enum=[*Alert.Status.values, ALL],
        description="Open unless given; 'all' for every status",
    ),
    OpenApiParameter("severity", OpenApiTypes.STR, enum=Alert.Severity.values),
    OpenApiParameter("court", OpenApiTypes.INT, description="Court id"),
    OpenApiParameter(
        "weaker",
        OpenApiTypes.BOOL,
        description="Only weaker evidence (a name-only match, a possible undeclared relation)",
    ),
    OpenApiParameter("case", OpenApiTypes.STR, description="Case number, as written"),
    OpenApiParameter(
        "q", OpenApiTypes.STR, description="Staff member's, agent's or relative's name, case number"
    ),
]


class AlertPagination(IdCursorPagination):
    """Keyset pagination on the queue's order: the newest change first."""

    ordering = ("-changed_at", "-id")


class AlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Early-warning alerts (预警) in the caller's scope, each with its evidence, severity and
    the rule's source; the discipline team and the leaders in scope dismiss them with a
    reason, turn them into clues, or mark the recusal done."""

    serializer_class = AlertSerializer
    queryset = Alert.objects.all()
    pagination_class = AlertPagination
    filter_backends: list = []
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Alert]:
        filters = AlertFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.alert_list(actor=self.request.user, filters=filters.validated_data)

    def get_object(self) -> Alert:
        return selectors.alert_get(actor=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(parameters=ALERT_FILTERS)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """One alert; each view of its evidence is recorded."""
        alert = self.get_object()
        services.alert_viewed(actor=request.user, alert=alert)
        return Response(self.get_serializer(alert).data)

    def _answer(self, alert: Alert) -> Response:
        fresh = selectors.alert_get(actor=self.request.user, pk=alert.pk)
        return Response(self.get_serializer(fresh).data)

    @extend_schema(request=DismissSerializer, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request: Request, pk: Any = None) -> Response:
        """Dismiss the open alert with a reason; it comes back only if its facts change."""
        alert = self.get_object()
        data = DismissSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.alert_dismiss(actor=request.user, alert=alert, **data.validated_data)
        return self._answer(alert)

    @extend_schema(request=VersionSerializer, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def clue(self, request: Request, pk: Any = None) -> Response:
        """Turn the open alert into a clue (its ``clue`` then names it)."""
        alert = self.get_object()
        data = VersionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.alert_to_clue(actor=request.user, alert=alert, **data.validated_data)
        return self._answer(alert)

    @extend_schema(request=DoneSerializer, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def done(self, request: Request, pk: Any = None) -> Response:
        """Mark the recusal done: the judge withdrew (say how), or the post recusal is recorded
        as implemented or resolved in ledger 3."""
        alert = self.get_object()
        data = DoneSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        services.alert_mark_done(
            actor=request.user,
            alert=alert,
            version=values["version"],
            note=values.get("note", ""),
            done_on=values.get("done_on"),
        )
        return self._answer(alert)


ROUTES = [("alerts", AlertViewSet, "alert")]
