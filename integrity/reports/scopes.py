"""A job is its starter's: every page, download and API call reaches only the reader's own
jobs. The files hold rows of the starter's scope, so not even an administrator of the same
court opens someone else's."""

from integrity.access.models import Role
from integrity.access.policy import CHANGE, MANAGE, VIEW, Reach, ScopeRule, register

from .models import ExportJob, ImportJob

_OWN = {role: Reach.OWN for role in Role.values}
_NONE = {role: Reach.NONE for role in Role.values}

for _model in (ExportJob, ImportJob):
    register(
        _model,
        ScopeRule(
            court="court",
            creator="created_by",
            reach={VIEW: _OWN, CHANGE: _OWN, MANAGE: _NONE},
        ),
    )
