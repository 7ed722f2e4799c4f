"""Who reaches which records of the supervision side (integrity/access/policy.py says what a
rule means).

- Inspections are run by supervision staff; their team members from other courts reach the
  inspection by object grant and the inspected units by temporary role assignments that hold
  only for the inspection's dates (services/inspections.py).
- A finding belongs to the responsible unit: its chief, the court's leaders and officers see it
  and report the rectification; the responsible person sees their own items.
- Clues, referrals and dispositions are discipline matters: never shown to the staff member
  concerned, and a clue about a court leader (院长、副院长) is hidden from that leader and from
  everyone of that court below them; it is reached only by the discipline team and by the
  courts above.
- A public complaint's reporter identity is reached only by the discipline team and explicit
  grantees.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from integrity.access.models import Role
from integrity.access.policy import (
    CHANGE,
    MANAGE,
    SHARE,
    VIEW,
    Grant,
    Reach,
    ScopeRule,
    register,
)

from .models import (
    Clue,
    ClueUserObjectPermission,
    Complaint,
    ComplaintMessage,
    ComplaintUserObjectPermission,
    Disposition,
    Finding,
    Inspection,
    InspectionTarget,
    InspectionUserObjectPermission,
    IntegrityFile,
    LookBackCheck,
    Questionnaire,
    RectificationReport,
    Referral,
    Reporter,
    ReporterUserObjectPermission,
    SampledCase,
    TeamMember,
    Visit,
    VisitPlan,
)

J, NONE, OWN = Reach.JURISDICTION, Reach.NONE, Reach.OWN


def _only(**roles: Reach) -> dict[str, Reach]:
    """Every role reaches nothing except those named."""
    return {role: roles.get(role, NONE) for role in Role.values}


def hidden_from_leaders(prefix: str = ""):
    """A row about a court leader is reached, outside the discipline team, only through an
    assignment at a court above the row's court (never at the court itself)."""

    def narrow(grant: Grant, user: Any) -> Q | None:
        if grant.role == Role.DISCIPLINE:
            return None
        return Q(**{f"{prefix}about_leader": False}) | ~Q(**{f"{prefix}court": grant.court_id})

    return narrow


def not_about_self(lookup: str):
    """Nobody reaches a discipline matter about themselves, not even by object grant."""

    def exclude(user: Any) -> Q | None:
        staff_id = getattr(user, "staff_id", None)
        return Q(**{lookup: staff_id}) if staff_id else None

    return exclude


# --- inspections -----------------------------------------------------------------------------
_RUN_BY_SUPERVISION = {
    VIEW: {Role.STAFF: NONE, Role.CHIEF: NONE},
    CHANGE: _only(supervisor=J),
    MANAGE: _only(supervisor=J),
}
register(
    Inspection,
    ScopeRule(court="court", reach=_RUN_BY_SUPERVISION, grants=InspectionUserObjectPermission),
)
register(InspectionTarget, ScopeRule(court="inspection__court", reach=_RUN_BY_SUPERVISION))
register(TeamMember, ScopeRule(court="inspection__court", reach=_RUN_BY_SUPERVISION))
register(LookBackCheck, ScopeRule(court="inspection__court", reach=_RUN_BY_SUPERVISION))
# The responsible unit reports (CHANGE); the inspectors verify, close and return (MANAGE).
_RECTIFICATION = {
    CHANGE: _only(staff=OWN, chief=J, leader=J, officer=J),
    MANAGE: _only(supervisor=J),
}
register(
    Finding,
    ScopeRule(
        court="court",
        department="department",
        owners=("responsible_staff",),
        reach=_RECTIFICATION,
    ),
)
register(
    RectificationReport,
    ScopeRule(
        court="finding__court",
        department="finding__department",
        owners=("finding__responsible_staff",),
        reach=_RECTIFICATION,
    ),
)

# --- follow-up visits ------------------------------------------------------------------------
_VISITS = {
    VIEW: _only(supervisor=J, officer=J, discipline=J, leader=J, admin=J),
    CHANGE: _only(supervisor=J, officer=J),
    MANAGE: _only(supervisor=J, officer=J),
}
register(Questionnaire, ScopeRule(court="court", reach=_VISITS))
register(VisitPlan, ScopeRule(court="court", reach=_VISITS))
register(SampledCase, ScopeRule(court="plan__court", reach=_VISITS))
register(Visit, ScopeRule(court="plan__court", reach=_VISITS))

# --- clues, referrals, dispositions ----------------------------------------------------------
register(
    Clue,
    ScopeRule(
        court="court",
        department="department",
        reach={
            VIEW: _only(officer=J, leader=J, supervisor=J, discipline=J),
            CHANGE: _only(officer=J, supervisor=J, discipline=J),
            MANAGE: _only(officer=J, discipline=J),
            # Only the discipline team shares a clue with a named person.
            SHARE: _only(discipline=J),
        },
        grants=ClueUserObjectPermission,
        narrow=hidden_from_leaders(),
        exclude=not_about_self("subject"),
    ),
)
_DISCIPLINE_WORK = {
    VIEW: _only(officer=J, leader=J, discipline=J),
    CHANGE: _only(discipline=J),
    MANAGE: _only(discipline=J),
}
register(
    Referral,
    ScopeRule(
        court="clue__court",
        department="clue__department",
        reach=_DISCIPLINE_WORK,
        narrow=hidden_from_leaders("clue__"),
        exclude=not_about_self("clue__subject"),
    ),
)
register(
    Disposition,
    ScopeRule(
        court="referral__clue__court",
        department="referral__clue__department",
        reach=_DISCIPLINE_WORK,
        narrow=hidden_from_leaders("referral__clue__"),
        exclude=not_about_self("subject"),
    ),
)

# --- public complaints -----------------------------------------------------------------------
_COMPLAINTS = {
    VIEW: _only(officer=J, leader=J, discipline=J),
    CHANGE: _only(officer=J, discipline=J),
    MANAGE: _only(officer=J, discipline=J),
}
register(
    Complaint,
    ScopeRule(
        court="court",
        department="department",
        reach=_COMPLAINTS,
        grants=ComplaintUserObjectPermission,
        narrow=hidden_from_leaders(),
        exclude=not_about_self("subject"),
    ),
)
register(
    ComplaintMessage,
    ScopeRule(
        court="complaint__court",
        department="complaint__department",
        reach=_COMPLAINTS,
        narrow=hidden_from_leaders("complaint__"),
        exclude=not_about_self("complaint__subject"),
    ),
)
register(
    Reporter,
    ScopeRule(
        court="complaint__court",
        # The discipline team sees the identity and may show it to a named person.
        reach={
            VIEW: _only(discipline=J),
            CHANGE: _only(),
            MANAGE: _only(),
            SHARE: _only(discipline=J),
        },
        grants=ReporterUserObjectPermission,
        exclude=not_about_self("complaint__subject"),
        # Not even the superuser flag opens a whistle-blower's identity (shared/DOMAIN.md).
        superusers=False,
    ),
)

# --- the integrity file: leaders and the discipline team, within their jurisdiction ----------
register(
    IntegrityFile,
    ScopeRule(
        court="court",
        department="department",
        reach={VIEW: _only(leader=J, discipline=J), CHANGE: _only(), MANAGE: _only()},
    ),
)
