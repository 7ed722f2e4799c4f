"""Who reaches alerts (integrity/access/policy.py says what a rule means).

Alerts are discipline matters: the discipline team and the court leaders see the alerts of the
courts in their jurisdiction and act on them (dismiss, turn into a clue, mark the recusal done);
the staff member concerned never reaches an alert about themselves, not even through an object
grant, and an alert about a court leader (院长、副院长) is hidden from that court and reached
only by the discipline team and the courts above, as a clue about a leader is."""

from __future__ import annotations

from inspections.scopes import hidden_from_leaders, not_about_self
from integrity.access.models import Role
from integrity.access.policy import CHANGE, MANAGE, SHARE, VIEW, Reach, ScopeRule, register

from .models import Alert

J, NONE = Reach.JURISDICTION, Reach.NONE


def _only(**roles: Reach) -> dict[str, Reach]:
    return {role: roles.get(role, NONE) for role in Role.values}


register(
    Alert,
    ScopeRule(
        court="court",
        department="department",
        reach={
            VIEW: _only(discipline=J, leader=J),
            CHANGE: _only(discipline=J, leader=J),
            MANAGE: _only(discipline=J),
            SHARE: _only(),
        },
        narrow=hidden_from_leaders(),
        exclude=not_about_self("subject"),
    ),
)
