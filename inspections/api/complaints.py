"""The officer side of the public complaint channel: /api/v1/complaints/. Thin: reads through
inspections.selectors.complaints (which start from the scoping policy), writes through
inspections.services.complaints, like the pages. A complaint never carries its reporter's
identity; the ``reporter`` action shows it to the discipline team and named grantees (404 for
anyone else) and records each view. Changes carry the ``version`` they are based on: a stale
one is refused with 409 and changes nothing."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from integrity.org.models import StaffMember
from integrity.web.paging import int_param
from ledgers.api.serializers import VersionSerializer

from ..models import Complaint, ComplaintAttachment, ComplaintMessage, Reporter
from ..selectors import complaints as selectors
from ..services import complaints as services

# Named once in the OpenAPI schema (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).
COMPLAINT_STATUSES = Complaint.Status


class ComplaintSerializer(serializers.ModelSerializer):
    court_name = serializers.CharField(source="court.name", read_only=True)
    department_name = serializers.CharField(
        source="department.name", read_only=True, allow_null=True, default=None
    )
    subject_staff_name = serializers.CharField(
        source="subject.name",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="The staff member the officer matched the report to",
    )

    class Meta:
        model = Complaint
        fields = [
            "id",
            "locator",
            "court",
            "court_name",
            "department",
            "department_name",
            "subject_name",
            "subject_description",
            "subject",
            "subject_staff_name",
            "about_leader",
            "case_number",
            "occurred_on",
            "account",
            "clue",
            "status",
            "received_on",
            "version",
        ]
        read_only_fields = fields


class ComplaintMessageSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(
        source="author.display_name", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = ComplaintMessage
        fields = ["id", "from_public", "author", "author_name", "body", "sent_on"]
        read_only_fields = fields


class ComplaintAttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ComplaintAttachment
        fields = ["id", "message", "original_name", "mime_type", "size", "sha256"]
        read_only_fields = fields


class ReporterSerializer(serializers.ModelSerializer):
    # As given, possibly empty: not declared as an e-mail address, which "" is not.
    email = serializers.CharField(read_only=True)
    anonymous = serializers.SerializerMethodField()

    class Meta:
        model = Reporter
        fields = ["name", "phone", "email", "address", "relation", "anonymous"]
        read_only_fields = fields

    def get_anonymous(self, reporter: Reporter) -> bool:
        return not any(getattr(reporter, name) for name in services.CONTACT_FIELDS)


class ReplySerializer(serializers.Serializer):
    body = serializers.CharField(max_length=10000)


class ComplaintStatusSerializer(VersionSerializer):
    status = serializers.ChoiceField(
        choices=Complaint.Status.choices,
        help_text="received → handling → answered → closed (answered may go back to handling)",
    )


class MatchSerializer(VersionSerializer):
    subject = serializers.IntegerField(
        allow_null=True, help_text="A staff member of the court concerned; null: not identified"
    )


class GrantSerializer(serializers.Serializer):
    user = serializers.IntegerField(help_text="The user to be shown the reporter's identity")


COMPLAINT_FILTERS = [
    OpenApiParameter("status", OpenApiTypes.STR, enum=Complaint.Status.values),
    OpenApiParameter("court", OpenApiTypes.INT, description="Court id"),
]


class ComplaintViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Public complaints of the courts in scope (officers, leaders and the discipline team of
    the court concerned). Officers and the discipline team reply to the reporter, move the
    status and match the staff member concerned."""

    serializer_class = ComplaintSerializer
    queryset = Complaint.objects.all()
    filter_backends: list = []
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Complaint]:
        params = self.request.query_params
        wanted = params.get("status", "")
        court = params.get("court", "")
        return selectors.complaint_list(
            self.request.user,
            status=wanted if wanted in Complaint.Status.values else "",
            court=int_param(court),
        )

    def get_object(self) -> Complaint:
        return selectors.complaint_get(self.request.user, self.kwargs["pk"])

    @extend_schema(parameters=COMPLAINT_FILTERS)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def _answer(self, complaint: Complaint, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.complaint_get(self.request.user, complaint.pk)
        return Response(ComplaintSerializer(fresh).data, status=code)

    @extend_schema(request=None, responses=ReporterSerializer)
    @action(detail=True, methods=["get"])
    def reporter(self, request: Request, pk: Any = None) -> Response:
        """The reporter's identity and contact details: the discipline team and named grantees
        only (404 for anyone else). Each view is recorded in the audit log."""
        complaint = self.get_object()
        reporter = selectors.reporter_get(request.user, complaint)
        services.reporter_viewed(
            actor=request.user, complaint=complaint, reporter=reporter, door="api"
        )
        return Response(ReporterSerializer(reporter).data)

    @extend_schema(request=None, responses=ComplaintMessageSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def messages(self, request: Request, pk: Any = None) -> Response:
        """The messages exchanged with the reporter, oldest first."""
        complaint = self.get_object()
        return Response(
            ComplaintMessageSerializer(selectors.messages_of(complaint), many=True).data
        )

    @extend_schema(request=None, responses=ComplaintAttachmentSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def attachments(self, request: Request, pk: Any = None) -> Response:
        """The files the reporter sent (download them on the complaint's page)."""
        complaint = self.get_object()
        return Response(
            ComplaintAttachmentSerializer(selectors.attachments_of(complaint), many=True).data
        )

    @extend_schema(request=ReplySerializer, responses={201: ComplaintMessageSerializer})
    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk: Any = None) -> Response:
        """Write to the reporter, who reads it with the receipt code."""
        complaint = self.get_object()
        data = ReplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        message = services.complaint_reply(
            actor=request.user, complaint=complaint, body=data.validated_data["body"]
        )
        return Response(ComplaintMessageSerializer(message).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ComplaintStatusSerializer, responses=ComplaintSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request: Request, pk: Any = None) -> Response:
        """Move the report along received → handling → answered → closed."""
        complaint = self.get_object()
        data = ComplaintStatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.complaint_set_status(
            actor=request.user,
            complaint=complaint,
            version=data.validated_data["version"],
            status=data.validated_data["status"],
        )
        return self._answer(complaint)

    @extend_schema(request=MatchSerializer, responses=ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def match(self, request: Request, pk: Any = None) -> Response:
        """Record which staff member the report is about; the clue gets the same subject. A
        report about a court leader then leaves that leader's (and their court's) sight and
        goes to the discipline team; the answer may then be a 404 for the caller too."""
        complaint = self.get_object()
        data = MatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subject_id = data.validated_data["subject"]
        subject = None
        if subject_id is not None:
            subject = StaffMember.objects.filter(pk=subject_id).first()
            if subject is None:
                raise serializers.ValidationError({"subject": ["No such staff member."]})
        services.complaint_match_subject(
            actor=request.user,
            complaint=complaint,
            version=data.validated_data["version"],
            subject=subject,
        )
        return self._answer(complaint)

    @extend_schema(request=GrantSerializer, responses={204: None})
    @action(detail=True, methods=["post"], url_path="grant-reporter")
    def grant_reporter(self, request: Request, pk: Any = None) -> Response:
        """The discipline team names one person who may see the reporter's identity."""
        complaint = self.get_object()
        if not services.may_grant_reporter(request.user, complaint):
            raise Http404
        data = GrantSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        grantee = get_user_model().objects.filter(pk=data.validated_data["user"]).first()
        if grantee is None:
            raise serializers.ValidationError({"user": ["No such user."]})
        services.reporter_grant(actor=request.user, complaint=complaint, grantee=grantee)
        return Response(status=status.HTTP_204_NO_CONTENT)


ROUTES = [("complaints", ComplaintViewSet, "complaint")]
