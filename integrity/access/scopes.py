"""Scope rules of the organisation and account models (see policy.py for what they mean)."""

from django.db.models import Q

from integrity.org.models import (
    Case,
    CaseUserObjectPermission,
    Court,
    Department,
    StaffMember,
    StaffMemberUserObjectPermission,
)

from .models import Role, RoleAssignment, User
from .policy import CHANGE, VIEW, Reach, ScopeRule, register

_ADMIN_ONLY = {
    VIEW: {role: Reach.NONE for role in Role if role != Role.ADMIN},
    CHANGE: {role: Reach.NONE for role in Role if role != Role.ADMIN},
}

# Everyone may see the courts and departments of the court they work at: the directory is
# not confidential within a court. Only administrators change the organisation.
register(
    Court,
    ScopeRule(
        court="",
        reach={VIEW: {Role.STAFF: Reach.JURISDICTION}, CHANGE: {Role.OFFICER: Reach.NONE}},
    ),
)
register(
    Department,
    ScopeRule(
        court="court",
        reach={VIEW: {Role.STAFF: Reach.JURISDICTION}, CHANGE: {Role.OFFICER: Reach.NONE}},
    ),
)
# Staff records are kept by the political department's officers; a staff member sees their own.
register(
    StaffMember,
    ScopeRule(
        court="court",
        department="department",
        owners=("pk",),
        grants=StaffMemberUserObjectPermission,
    ),
)
# A judge sees the cases they preside over or sit on.
register(
    Case,
    ScopeRule(
        court="court",
        department="department",
        owners=("presiding_judge", "panel"),
        grants=CaseUserObjectPermission,
    ),
)
register(RoleAssignment, ScopeRule(court="court", reach=_ADMIN_ONLY))
register(User, ScopeRule(court="staff__court", reach=_ADMIN_ONLY, restrict=Q(is_superuser=False)))
