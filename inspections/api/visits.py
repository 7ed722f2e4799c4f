"""The follow-up visits' API: /api/v1/questionnaires/, /api/v1/visit-plans/ (with draw, verify,
close, void and the sample) and /api/v1/visits/ (with the one-action clue). Thin: reads through
inspections.selectors.visits, writes through inspections.services.visits, like the pages. A
change names the ``version`` it is based on: a stale one is refused with 409."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from integrity.api.errors import named_in_body
from integrity.org.models import Case, Court
from integrity.web.paging import int_param
from ledgers.api.serializers import LedgerDateField, VersionSerializer, VoidSerializer

from ..models import Questionnaire, SampledCase, Visit, VisitPlan
from ..selectors import visits as selectors
from ..services import visits as services

# Named once in the OpenAPI schema (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).
PLAN_STATUSES = VisitPlan.Status
VISIT_METHODS = Visit.Method
CASE_TYPES = Case.Type


class QuestionSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Letters, digits or underscores; unique")
    text = serializers.CharField()
    kind = serializers.ChoiceField(choices=list(services.QUESTION_KINDS))
    choices = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    problem = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        default=list,
        help_text="The answers that reveal a problem (yes/no, or some of the choices)",
    )


class QuestionnaireSerializer(serializers.ModelSerializer):
    court_name = serializers.CharField(source="court.name", read_only=True)
    questions = QuestionSerializer(many=True, required=False)
    is_void = serializers.BooleanField(read_only=True)

    class Meta:
        model = Questionnaire
        fields = [
            "id",
            "court",
            "court_name",
            "name",
            "questions",
            "is_active",
            "is_void",
            "version",
            "voided_at",
            "void_reason",
            "created_at",
        ]
        read_only_fields = ["version", "voided_at", "void_reason", "created_at"]
        extra_kwargs = {"questions": {"help_text": "Left out: the default questionnaire"}}


class QuestionnaireUpdateSerializer(VersionSerializer):
    name = serializers.CharField(required=False, max_length=100)
    questions = QuestionSerializer(many=True, required=False)
    is_active = serializers.BooleanField(required=False)


class QuestionnaireViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Questionnaires of follow-up visits, kept by a court and used there and below."""

    serializer_class = QuestionnaireSerializer
    queryset = Questionnaire.objects.all()
    filter_backends: list = []
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Questionnaire]:
        return selectors.questionnaire_list(self.request.user)

    def get_object(self) -> Questionnaire:
        return selectors.questionnaire_get(self.request.user, self.kwargs["pk"])

    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        saved = services.questionnaire_create(actor=request.user, **data)
        return Response(self.get_serializer(saved).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=QuestionnaireUpdateSerializer)
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        questionnaire = self.get_object()
        data = QuestionnaireUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version = fields.pop("version")
        services.questionnaire_update(
            actor=request.user, questionnaire=questionnaire, version=version, fields=fields
        )
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=VoidSerializer)
    @action(detail=True, methods=["post"])
    def void(self, request: Request, pk: Any = None) -> Response:
        questionnaire = self.get_object()
        data = VoidSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.questionnaire_void(
            actor=request.user, questionnaire=questionnaire, **data.validated_data
        )
        return Response(self.get_serializer(self.get_object()).data)


# --- plans ------------------------------------------------------------------------------------
class StratumSerializer(serializers.Serializer):
    court = serializers.IntegerField()
    case_type = serializers.CharField()
    eligible = serializers.IntegerField()
    drawn = serializers.IntegerField()


class VisitPlanSerializer(serializers.ModelSerializer):
    court_name = serializers.CharField(source="court.name", read_only=True)
    courts = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Court.objects.all(), help_text="Courts visited"
    )
    case_types = serializers.ListField(
        child=serializers.ChoiceField(choices=Case.Type.choices),
        required=False,
        default=list,
        help_text="Empty: every case type",
    )
    closed_from = LedgerDateField()
    closed_to = LedgerDateField()
    strata = serializers.DictField(
        child=StratumSerializer(), read_only=True, help_text="Per stratum 'court id:case type'"
    )
    is_void = serializers.BooleanField(read_only=True)

    class Meta:
        model = VisitPlan
        fields = [
            "id",
            "court",
            "court_name",
            "title",
            "courts",
            "case_types",
            "closed_from",
            "closed_to",
            "sample_size",
            "questionnaire",
            "status",
            "seed",
            "population",
            "strata",
            "drawn_at",
            "drawn_by",
            "is_void",
            "version",
            "voided_at",
            "void_reason",
            "created_at",
        ]
        read_only_fields = [
            "status",
            "seed",
            "population",
            "drawn_at",
            "drawn_by",
            "version",
            "voided_at",
            "void_reason",
            "created_at",
        ]


class VisitPlanUpdateSerializer(VersionSerializer):
    title = serializers.CharField(required=False, max_length=200)
    courts = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Court.objects.all(), required=False
    )
    case_types = serializers.ListField(
        child=serializers.ChoiceField(choices=Case.Type.choices), required=False
    )
    closed_from = LedgerDateField(required=False)
    closed_to = LedgerDateField(required=False)
    sample_size = serializers.IntegerField(required=False, min_value=1)
    questionnaire = serializers.PrimaryKeyRelatedField(
        queryset=Questionnaire.objects.all(), required=False
    )


class DrawSerializer(VersionSerializer):
    seed = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=2**63 - 1,
        help_text="Left out: a new random seed (stored with the draw)",
    )


class VerificationSerializer(serializers.Serializer):
    matches = serializers.BooleanField()
    seed = serializers.IntegerField()
    population_then = serializers.IntegerField()
    population_now = serializers.IntegerField()
    stored = serializers.ListField(child=serializers.IntegerField(), help_text="Case ids")
    recomputed = serializers.ListField(child=serializers.IntegerField(), help_text="Case ids")


class SampledCaseSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    case_type = serializers.CharField(source="case.case_type", read_only=True)
    closed_on = serializers.DateField(source="case.closed_on", read_only=True)
    court_name = serializers.CharField(source="court.name", read_only=True)
    visit_count = serializers.IntegerField(read_only=True)
    problem_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = SampledCase
        fields = [
            "id",
            "position",
            "case",
            "case_number",
            "case_type",
            "closed_on",
            "court",
            "court_name",
            "stratum",
            "visit_count",
            "problem_count",
        ]
        read_only_fields = fields


PLAN_FILTERS = [
    OpenApiParameter("status", OpenApiTypes.STR, enum=VisitPlan.Status.values),
    OpenApiParameter("court", OpenApiTypes.INT, description="Organising court id"),
]


class VisitPlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Follow-up visit plans. A plan is a draft until its stratified random sample is drawn
    (once, with a stored seed); the draw can be verified at any time from the seed and the
    criteria. Plans are never deleted, they are voided with a reason."""

    serializer_class = VisitPlanSerializer
    queryset = VisitPlan.objects.all()
    filter_backends: list = []
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[VisitPlan]:
        params = self.request.query_params
        plan_status = params.get("status")
        court = params.get("court")
        return selectors.visit_plan_list(
            self.request.user,
            status=plan_status if plan_status in VisitPlan.Status.values else None,
            court=int_param(court),
        ).prefetch_related("courts")

    def get_object(self) -> VisitPlan:
        return selectors.visit_plan_get(self.request.user, self.kwargs["pk"])

    def _reloaded(self, plan: VisitPlan) -> VisitPlan:
        return selectors.visit_plan_get(self.request.user, plan.pk)

    @extend_schema(parameters=PLAN_FILTERS)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def create(self, request: Request) -> Response:
        """Plan a round of visits (a draft)."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = services.visit_plan_create(actor=request.user, **serializer.validated_data)
        return Response(
            self.get_serializer(self._reloaded(plan)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=VisitPlanUpdateSerializer)
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        """Change a draft's criteria (refused once the sample is drawn)."""
        plan = self.get_object()
        data = VisitPlanUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version = fields.pop("version")
        services.visit_plan_update(actor=request.user, plan=plan, version=version, fields=fields)
        return Response(self.get_serializer(self._reloaded(plan)).data)

    @extend_schema(request=DrawSerializer)
    @action(detail=True, methods=["post"])
    def draw(self, request: Request, pk: Any = None) -> Response:
        """Draw the stratified random sample (once)."""
        plan = self.get_object()
        data = DrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.visit_plan_draw(actor=request.user, plan=plan, **data.validated_data)
        return Response(self.get_serializer(self._reloaded(plan)).data)

    @extend_schema(request=None, responses=VerificationSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: Any = None) -> Response:
        """Recompute the draw from the stored seed and criteria and compare (audited)."""
        verification = services.visit_plan_verify(actor=request.user, plan=self.get_object())
        return Response(VerificationSerializer(verification).data)

    @extend_schema(request=VersionSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: Any = None) -> Response:
        """End the round: no more visits."""
        plan = self.get_object()
        data = VersionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.visit_plan_close(actor=request.user, plan=plan, **data.validated_data)
        return Response(self.get_serializer(self._reloaded(plan)).data)

    @extend_schema(request=VoidSerializer)
    @action(detail=True, methods=["post"])
    def void(self, request: Request, pk: Any = None) -> Response:
        plan = self.get_object()
        data = VoidSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.visit_plan_void(actor=request.user, plan=plan, **data.validated_data)
        return Response(self.get_serializer(self._reloaded(plan)).data)

    @extend_schema(responses=SampledCaseSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def sample(self, request: Request, pk: Any = None) -> Response:
        """The sampled cases in drawing order, with their visit counts."""
        rows = selectors.plan_sample(request.user, self.get_object())
        return Response(SampledCaseSerializer(rows, many=True).data)


# --- visits -----------------------------------------------------------------------------------
class VisitSerializer(serializers.ModelSerializer):
    sampled = serializers.PrimaryKeyRelatedField(
        queryset=SampledCase.objects.all(), help_text="The sampled case visited"
    )
    case_number = serializers.CharField(source="sampled.case.number", read_only=True)
    visited_on = LedgerDateField()
    answers = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        help_text="Question key → answer (yes/no, one of the choices, or text)",
    )
    clue = serializers.SerializerMethodField(help_text="The clue raised, if visible to you")
    is_void = serializers.BooleanField(read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "plan",
            "sampled",
            "case_number",
            "court",
            "respondent_kind",
            "respondent_name",
            "method",
            "visited_on",
            "answers",
            "has_problem",
            "comments",
            "clue",
            "is_void",
            "version",
            "voided_at",
            "void_reason",
            "created_at",
        ]
        read_only_fields = [
            "plan",
            "court",
            "has_problem",
            "version",
            "voided_at",
            "void_reason",
            "created_at",
        ]

    def get_clue(self, visit: Visit) -> int | None:
        clues = self.context.get("clues")
        if clues is not None:
            return clues.get(visit.pk)
        _raised, clue = selectors.visit_clue_visible(self.context["request"].user, visit)
        return clue.pk if clue is not None else None


class ClueRaisedSerializer(serializers.Serializer):
    clue = serializers.IntegerField(allow_null=True, help_text="Null when hidden from you")


VISIT_FILTERS = [
    OpenApiParameter("plan", OpenApiTypes.INT, description="Plan id"),
    OpenApiParameter("problem", OpenApiTypes.BOOL, description="Only visits with(out) problem"),
]


class VisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Follow-up visits of sampled cases. ``has_problem`` is computed from the answers; a
    visit with a problem becomes a clue with one action (``clue``), once."""

    serializer_class = VisitSerializer
    queryset = Visit.objects.all()
    filter_backends: list = []
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[Visit]:
        params = self.request.query_params
        plan = params.get("plan")
        problem = params.get("problem")
        return selectors.visit_list(
            self.request.user,
            plan=int_param(plan),
            problem={"true": True, "false": False}.get((problem or "").lower()),
        )

    def get_object(self) -> Visit:
        return selectors.visit_get(self.request.user, self.kwargs["pk"])

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["clues"] = getattr(self, "_clues_of_page", None)
        return context

    @extend_schema(parameters=VISIT_FILTERS)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        self._clues_of_page = selectors.visible_clues_of(request.user, page)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    def create(self, request: Request) -> Response:
        """Record a visit of a sampled case."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        named = data.pop("sampled").pk
        with named_in_body("sampled", named):
            sampled = selectors.sampled_get(request.user, named)
        visit = services.visit_create(actor=request.user, sampled=sampled, **data)
        return Response(
            self.get_serializer(self.get_object_by(visit.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    def get_object_by(self, pk: int) -> Visit:
        return selectors.visit_get(self.request.user, pk)

    @extend_schema(request=VersionSerializer, responses={201: ClueRaisedSerializer})
    @action(detail=True, methods=["post"])
    def clue(self, request: Request, pk: Any = None) -> Response:
        """转为问题线索: the visit's problem answers become a clue (once per visit)."""
        visit = self.get_object()
        data = VersionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.visit_raise_clue(actor=request.user, visit=visit, **data.validated_data)
        _raised, shown = selectors.visit_clue_visible(request.user, visit)
        return Response(
            {"clue": shown.pk if shown is not None else None}, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=VoidSerializer)
    @action(detail=True, methods=["post"])
    def void(self, request: Request, pk: Any = None) -> Response:
        visit = self.get_object()
        data = VoidSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.visit_void(actor=request.user, visit=visit, **data.validated_data)
        return Response(self.get_serializer(self.get_object()).data)


ROUTES = [
    ("questionnaires", QuestionnaireViewSet, "questionnaire"),
    ("visit-plans", VisitPlanViewSet, "visit-plan"),
    ("visits", VisitViewSet, "visit"),
]
