"""GET /api/v1/integrity-files/<staff id>/: the integrity file (廉政档案) of one staff member,
the same sections as the page (inspections/selectors/files.py), each read through its own
model's scope; every view is audited. Leaders and the discipline team within their scope; 404
for everyone else."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from ..models import IntegrityFile
from ..selectors import files as selectors
from ..views.files import record_view


def _label(field: str) -> serializers.CharField:
    return serializers.CharField(source=f"get_{field}_display", read_only=True)


class StaffSerializer(serializers.ModelSerializer):
    court_name = serializers.CharField(source="court.name", read_only=True)
    department_name = serializers.CharField(
        source="department.name", read_only=True, allow_null=True, default=None
    )
    post_label = _label("post")
    status = serializers.CharField(read_only=True)
    status_label = _label("status")

    class Meta:
        model = IntegrityFile
        fields = [
            "id",
            "name",
            "staff_number",
            "court",
            "court_name",
            "department",
            "department_name",
            "post",
            "post_label",
            "status",
            "status_label",
        ]
        read_only_fields = fields


class DeclarationRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    campaign = serializers.IntegerField(source="campaign_id")
    campaign_title = serializers.CharField(source="campaign.title")
    kind = serializers.CharField(source="campaign.kind")
    revision = serializers.IntegerField()
    status = serializers.CharField()
    status_label = _label("status")
    has_nothing = serializers.BooleanField()
    filed_at = serializers.DateTimeField(allow_null=True)
    signed_at = serializers.DateTimeField(allow_null=True)


class SignatureRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    declaration = serializers.IntegerField(source="declaration_id")
    signer_name = serializers.CharField()
    role = serializers.CharField()
    decision = serializers.CharField()
    decision_label = _label("decision")
    decided_at = serializers.DateTimeField()


class RelativeRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="record.pk")
    relative_name = serializers.CharField(source="record.relative_name")
    relationship = serializers.CharField(source="record.relationship")
    law_firm = serializers.CharField(source="record.law_firm")
    status = serializers.CharField(source="record.status")
    status_label = serializers.CharField(source="record.get_status_display")
    recusal_required = serializers.BooleanField()
    recusal_reason = serializers.CharField()
    application_due = serializers.DateField(allow_null=True)
    post_change_due = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()


class InterferenceRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    occurred_on = serializers.DateField()
    interferer_name = serializers.CharField()
    case_number = serializers.CharField()
    nature = serializers.CharField()
    status = serializers.CharField()
    status_label = _label("status")


class ContactCaseRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    occurred_on = serializers.DateField()
    counterpart_name = serializers.CharField()
    behaviour = serializers.CharField()
    behaviour_label = _label("behaviour")
    handling = serializers.CharField()
    status = serializers.CharField()
    status_label = _label("status")


class ApprovalRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    planned_on = serializers.DateField()
    counterpart_name = serializers.CharField()
    status = serializers.CharField()
    status_label = _label("status")


class UnplannedRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    contact_on = serializers.DateField()
    reported_on = serializers.DateField()
    reported_late = serializers.BooleanField()
    counterpart_name = serializers.CharField()
    status = serializers.CharField()
    status_label = _label("status")


class TalkRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    record = serializers.IntegerField(source="record_id")
    talked_on = serializers.DateField()
    talked_by = serializers.CharField()


class ClueRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    received_on = serializers.DateField()
    summary = serializers.CharField()
    source = serializers.CharField()
    source_label = _label("source")
    status = serializers.CharField()
    status_label = _label("status")


class ReferralRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    clue = serializers.IntegerField(source="clue_id")
    number = serializers.CharField()
    referred_on = serializers.DateField()
    way = serializers.CharField()
    stage = serializers.CharField()
    stage_label = _label("stage")


class DispositionRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    referral = serializers.IntegerField(source="referral_id")
    decided_on = serializers.DateField()
    form = serializers.IntegerField()
    form_label = _label("form")
    measure = serializers.CharField()
    measure_label = _label("measure")


class DepartureRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="record.pk")
    left_on = serializers.DateField(source="record.left_on")
    how = serializers.CharField(source="record.how")
    how_label = serializers.CharField(source="record.get_how_display")
    restriction_ends = serializers.DateField(allow_null=True, help_text="Null: lifelong")
    agent_ban_ends = serializers.DateField(allow_null=True)
    employment_ban_ends = serializers.DateField(allow_null=True)
    law_firm_ban_lifetime = serializers.BooleanField()
    restricted_now = serializers.BooleanField()


class FindingRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    inspection = serializers.IntegerField(source="inspection_id")
    inspection_title = serializers.CharField(source="inspection.title")
    deadline = serializers.DateField()
    status = serializers.CharField()
    status_label = _label("status")


class IntegrityFileSerializer(serializers.Serializer):
    staff = StaffSerializer()
    today = serializers.DateField()
    declarations = DeclarationRowSerializer(many=True)
    signatures = SignatureRowSerializer(many=True)
    relatives = RelativeRowSerializer(many=True)
    interference = InterferenceRowSerializer(many=True)
    contact_cases = ContactCaseRowSerializer(many=True)
    approvals = ApprovalRowSerializer(many=True)
    unplanned = UnplannedRowSerializer(many=True)
    talks = TalkRowSerializer(many=True)
    clues = ClueRowSerializer(many=True)
    referrals = ReferralRowSerializer(many=True)
    dispositions = DispositionRowSerializer(many=True)
    departures = DepartureRowSerializer(many=True)
    rectification = FindingRowSerializer(many=True)


class IntegrityFileViewSet(viewsets.GenericViewSet):
    """The integrity file of one staff member (retrieve only; there is no list)."""

    serializer_class = IntegrityFileSerializer
    queryset = IntegrityFile.objects.none()
    filter_backends: list = []
    pagination_class = None
    lookup_value_regex = r"\d+"

    def retrieve(self, request: Request, pk: Any = None) -> Response:
        staff = selectors.file_get(request.user, pk)
        data = selectors.file_sections(request.user, staff)
        record_view(request.user, staff, "api")
        return Response(IntegrityFileSerializer(data).data)


ROUTES = [("integrity-files", IntegrityFileViewSet, "integrity-file")]
