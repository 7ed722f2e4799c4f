"""A notification is its recipient's: every page and API call reads the reader's own inbox
(integrity/notify/services.py ``inbox``). Administrators also see, read-only in the admin, the
notifications of their jurisdiction, to tell a staff member whether a reminder reached them
and why an email failed; nobody changes anyone else's."""

from integrity.access.models import Role
from integrity.access.policy import CHANGE, MANAGE, VIEW, Reach, ScopeRule, register

from .models import Notification

_OWN = {role: Reach.OWN for role in Role.values}
# An empty override would fall back to the default reach (officers manage their jurisdiction).
_NONE = {role: Reach.NONE for role in Role.values}

register(
    Notification,
    ScopeRule(
        court="court",
        owners=("recipient",),
        reach={VIEW: {**_OWN, Role.ADMIN: Reach.JURISDICTION}, CHANGE: _OWN, MANAGE: _NONE},
    ),
)
