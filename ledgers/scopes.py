"""Who reaches which ledger records (see integrity/access/policy.py for what a rule means).

Officers keep the ledgers of their courts; chiefs see their department, leaders and the
supervision and discipline staff their jurisdiction. A staff member records inquiries about
their own cases, asks for contact approval and reports unplanned contact themselves, and sees
their own records of those kinds and of their relatives."""

from integrity.access.models import Role
from integrity.access.policy import CHANGE, MANAGE, VIEW, Reach, ScopeRule, register

from .models import (
    Campaign,
    ContactApproval,
    ContactCase,
    Declaration,
    DeclaredRelative,
    DepartureRecord,
    FollowUp,
    InterferenceRecord,
    RelativePractice,
    ReminderTalk,
    Signature,
    UnplannedContactReport,
)

_SELF_SERVICE = {CHANGE: {Role.STAFF: Reach.OWN}}

register(
    InterferenceRecord,
    ScopeRule(court="court", department="department", owners=("staff",), reach=_SELF_SERVICE),
)
register(
    UnplannedContactReport,
    ScopeRule(
        court="court",
        department="department",
        owners=("staff",),
        reach={**_SELF_SERVICE, MANAGE: {Role.CHIEF: Reach.JURISDICTION}},
    ),
)
# A contact approval is decided by the staff member's chief or a court leader.
register(
    ContactApproval,
    ScopeRule(
        court="court",
        department="department",
        owners=("staff",),
        reach={
            **_SELF_SERVICE,
            MANAGE: {Role.CHIEF: Reach.JURISDICTION, Role.LEADER: Reach.JURISDICTION},
        },
    ),
)
# Disciplinary matters under verification are not shown to the staff member concerned.
register(
    ContactCase,
    ScopeRule(
        court="court",
        department="department",
        owners=("staff",),
        reach={VIEW: {Role.STAFF: Reach.NONE}},
    ),
)
register(
    RelativePractice,
    ScopeRule(court="court", department="department", owners=("staff",)),
)
# Former staff have no login of their own; their records are kept by the officers.
register(
    DepartureRecord,
    ScopeRule(
        court="court",
        department="department",
        owners=("staff",),
        reach={VIEW: {Role.STAFF: Reach.NONE}},
    ),
)
register(
    ReminderTalk,
    ScopeRule(court="record__court", department="record__department", owners=("record__staff",)),
)
register(
    FollowUp,
    ScopeRule(
        court="record__court",
        department="record__department",
        reach={VIEW: {Role.STAFF: Reach.NONE}},
    ),
)

# Declarations (issue 4). A campaign is opened and managed by officers (and administrators)
# for their courts; signers and leaders see the campaigns of their jurisdiction.
register(Campaign, ScopeRule(court="court", reach={VIEW: {Role.STAFF: Reach.NONE}}))
# A staff member files their own declaration; chiefs (their department) and leaders (their
# court) sign. Which stage of the chain a signer may sign is checked by the service.
register(
    Declaration,
    ScopeRule(
        court="court",
        department="department",
        owners=("staff",),
        reach={
            CHANGE: {Role.STAFF: Reach.OWN, Role.CHIEF: Reach.OWN, Role.LEADER: Reach.OWN},
            MANAGE: {
                Role.CHIEF: Reach.JURISDICTION,
                Role.LEADER: Reach.JURISDICTION,
                Role.OFFICER: Reach.JURISDICTION,
            },
        },
    ),
)
register(
    DeclaredRelative,
    ScopeRule(
        court="declaration__court",
        department="declaration__department",
        owners=("declaration__staff",),
    ),
)
register(
    Signature,
    ScopeRule(
        court="declaration__court",
        department="declaration__department",
        owners=("declaration__staff",),
    ),
)
