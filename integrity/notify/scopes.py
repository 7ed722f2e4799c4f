"""A notification is its recipient's alone, whatever roles they hold."""

from integrity.access.models import Role
from integrity.access.policy import CHANGE, MANAGE, VIEW, Reach, ScopeRule, register

from .models import Notification

_OWN = {role: Reach.OWN for role in Role.values}

register(
    Notification,
    ScopeRule(
        court="court",
        owners=("recipient",),
        reach={VIEW: _OWN, CHANGE: _OWN, MANAGE: {}},
    ),
)
