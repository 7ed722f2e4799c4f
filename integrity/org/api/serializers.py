from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..casenumbers import normalize_case_number, normalize_licence_number
from ..models import Case, CaseAgent, CaseParty, Court, Department, StaffMember


class CourtSerializer(serializers.ModelSerializer):
    class Meta:
        model = Court
        fields = ["id", "name", "code", "level", "parent", "region", "is_active"]


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "court", "name", "is_trial", "is_active"]


class StaffMemberSerializer(serializers.ModelSerializer):
    court_name = serializers.CharField(source="court.name", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True, default=None)

    class Meta:
        model = StaffMember
        fields = [
            "id",
            "court",
            "court_name",
            "department",
            "department_name",
            "name",
            "staff_number",
            "gender",
            "post",
            "grade",
            "is_leading_cadre",
            "is_trial_post",
            "status",
            "joined_on",
            "left_on",
        ]


class CasePartySerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseParty
        fields = ["id", "name", "role", "is_organisation"]


class CaseAgentSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseAgent
        fields = ["id", "party", "name", "kind", "role", "law_firm", "licence_number"]


class CaseSerializer(serializers.ModelSerializer):
    parties = CasePartySerializer(many=True, read_only=True)
    agents = CaseAgentSerializer(many=True, read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "year",
            "court",
            "department",
            "case_type",
            "cause",
            "filed_on",
            "closed_on",
            "presiding_judge",
            "panel",
            "parties",
            "agents",
        ]


# --- Case intake (POST /api/v1/cases/) --------------------------------------------------------


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}], "example": 12})
class ReferenceField(serializers.Field):
    """A record named by its id (a number) or by its code (text): a court by id or court
    code (辽0102), a staff member of the case's court by id or staff number."""

    default_error_messages = {
        "invalid": _("Give an id (a number) or a code (text)."),
    }

    def to_internal_value(self, data: Any) -> int | str:
        if isinstance(data, int) and not isinstance(data, bool):
            return data
        if isinstance(data, str) and data.strip():
            return data.strip()
        self.fail("invalid")

    def to_representation(self, value: Any) -> Any:
        return value


class PartyIntakeSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseParty
        fields = ["name", "role", "is_organisation"]


class AgentIntakeSerializer(serializers.ModelSerializer):
    party_name = serializers.CharField(
        label=_("party represented"),
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=_("The name of the party (among the case's parties) the agent acts for."),
    )

    class Meta:
        model = CaseAgent
        fields = ["name", "kind", "role", "law_firm", "licence_number", "party_name"]

    def validate_licence_number(self, value: str) -> str:
        try:
            return normalize_licence_number(value)
        except ValidationError as error:
            raise serializers.ValidationError(error.messages) from error


class CaseIntakeSerializer(serializers.ModelSerializer):
    """A case as the case-management system hands it over. The case number identifies it
    (full-width forms accepted): a new number registers the case, a known one updates it."""

    court = ReferenceField(help_text=_("The court's id, or its code such as 辽0102."))
    presiding_judge = ReferenceField(
        required=False,
        allow_null=True,
        help_text=_("A staff member of the court: id, or staff number."),
    )
    panel = serializers.ListField(
        child=ReferenceField(),
        required=False,
        help_text=_("Staff members of the court: ids or staff numbers. Replaces the panel."),
    )
    parties = PartyIntakeSerializer(many=True, required=False)
    agents = AgentIntakeSerializer(many=True, required=False)

    class Meta:
        model = Case
        fields = [
            "number",
            "court",
            "department",
            "case_type",
            "cause",
            "filed_on",
            "closed_on",
            "presiding_judge",
            "panel",
            "parties",
            "agents",
        ]
        # A known number is an update, not a duplicate.
        extra_kwargs = {"number": {"validators": []}}

    def validate_number(self, value: str) -> str:
        try:
            return normalize_case_number(value)
        except ValidationError as error:
            raise serializers.ValidationError(error.messages) from error
