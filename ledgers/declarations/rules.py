"""Who signs a declaration, in which order (领导背书; shared/DOMAIN.md, ledger 3).

The division chief of the filer's department signs first, then a leader of the court. For
chiefs and court leaders the chain starts one level up: a division chief's declaration goes
to a court leader; a vice president's to a court leader (the president); a president's to
the leaders of the court above (or, at the top of the tree, to another leader of the same
court). Nobody signs their own declaration (checked by the service).

A stage is ``{"role": <Role>, "court": <court id>, "department": <department id or None>}``:
whoever holds that role at that court (for a chief, at that department) may sign it.
"""

from __future__ import annotations

from integrity.access.models import Role
from integrity.org.models import StaffMember

Post = StaffMember.Post

COURT_LEADER_POSTS = frozenset({Post.PRESIDENT, Post.VICE_PRESIDENT})
DIVISION_CHIEF_POSTS = frozenset({Post.CHIEF})


def stage(role: str, court_id: int, department_id: int | None = None) -> dict:
    return {"role": str(role), "court": court_id, "department": department_id}


def sign_chain(
    *,
    post: str,
    court_id: int,
    parent_court_id: int | None,
    department_id: int | None,
) -> list[dict]:
    """The stages that must sign, in order, for a filer with this post and place."""
    if post == Post.PRESIDENT:
        return [stage(Role.LEADER, parent_court_id or court_id)]
    if post in COURT_LEADER_POSTS or post in DIVISION_CHIEF_POSTS or department_id is None:
        return [stage(Role.LEADER, court_id)]
    return [stage(Role.CHIEF, court_id, department_id), stage(Role.LEADER, court_id)]
