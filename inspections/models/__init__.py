"""The supervision and discipline side (shared/DOMAIN.md "Inspections", "Clues, referrals and
dispositions"): one module per area."""

from .base import Tracked
from .clues import Clue, ClueUserObjectPermission, Disposition, Referral
from .complaints import (
    Complaint,
    ComplaintAttachment,
    ComplaintMessage,
    ComplaintUserObjectPermission,
    Reporter,
    ReporterUserObjectPermission,
)
from .files import IntegrityFile
from .inspections import (
    Finding,
    Inspection,
    InspectionTarget,
    InspectionUserObjectPermission,
    LookBackCheck,
    RectificationReport,
    TeamMember,
)
from .visits import Questionnaire, SampledCase, Visit, VisitPlan

__all__ = [
    "Clue",
    "ClueUserObjectPermission",
    "Complaint",
    "ComplaintAttachment",
    "ComplaintMessage",
    "ComplaintUserObjectPermission",
    "Disposition",
    "Finding",
    "Inspection",
    "InspectionTarget",
    "InspectionUserObjectPermission",
    "IntegrityFile",
    "LookBackCheck",
    "Questionnaire",
    "RectificationReport",
    "Referral",
    "Reporter",
    "ReporterUserObjectPermission",
    "SampledCase",
    "TeamMember",
    "Tracked",
    "Visit",
    "VisitPlan",
]
