"""Who reads the audit trail: administrators and the discipline team, for their courts."""

from integrity.access.models import Role
from integrity.access.policy import CHANGE, VIEW, Reach, ScopeRule, register

from .models import AuditEvent

register(
    AuditEvent,
    ScopeRule(
        court="court",
        reach={
            VIEW: {role: Reach.NONE for role in Role if role not in {Role.ADMIN, Role.DISCIPLINE}},
            CHANGE: {role: Reach.NONE for role in Role},
        },
    ),
)
