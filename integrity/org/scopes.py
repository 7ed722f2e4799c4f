"""Scope rules of a case's parties and agents: they are the case's, and reach the scope as
their case does (its court, department, presiding judge and panel). The services check them
(policy.require) when a party or agent is saved, whoever saves it: the admin, an import or
the intake API. The rules of the organisation's other models are in integrity/access/scopes.py."""

from integrity.access.policy import ScopeRule, register

from .models import CaseAgent, CaseParty

for _model in (CaseParty, CaseAgent):
    register(
        _model,
        ScopeRule(
            court="case__court",
            department="case__department",
            owners=("case__presiding_judge", "case__panel"),
        ),
    )
