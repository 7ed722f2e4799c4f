from rest_framework import serializers

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
