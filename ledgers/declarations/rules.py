"""Who signs a declaration, in which order (领导背书; shared/DOMAIN.md, ledger 3).

Each staff member's declaration of relatives (including "none") is signed off in a chain: the
division chief of the filer's department, then the court leader; for chiefs and leaders the
chain starts one level up. The chain of each post is one row of :data:`CHAINS`:

- staff in a department (judges, assistants, clerks, enforcement officers, judicial police,
  administrative staff, and deputy chiefs, whose chief is the head of their division): the
  division chief of their department, then a leader of their court;
- a division chief: a leader of their court;
- a vice president: a leader of their court (the president, or another leader);
- the president: the leaders of the court above; at the top of the tree, where there is no
  court above, another leader of the same court.

Staff without a department have no division chief: a leader of their court signs alone.
Nobody signs their own declaration, and nobody signs two stages of one filing (checked by the
service, which knows who is signing).

A stage is ``{"role": <Role>, "court": <court id>, "department": <department id or None>}``:
whoever holds that role at that court (for a chief, at that department) may sign it.
"""

from __future__ import annotations

import enum

from integrity.access.models import Role
from integrity.org.models import StaffMember

Post = StaffMember.Post


class Signer(enum.Enum):
    """Who signs a stage, relative to the filer."""

    DIVISION_CHIEF = "division_chief"  # the chief of the filer's department
    COURT_LEADER = "court_leader"  # a leader of the filer's court
    LEADER_ABOVE = "leader_above"  # a leader of the court above (the top court: its own)


DEPARTMENT_STAFF = (Signer.DIVISION_CHIEF, Signer.COURT_LEADER)

# One row per post: the signers of its declarations, in order.
CHAINS: dict[str, tuple[Signer, ...]] = {
    Post.PRESIDENT: (Signer.LEADER_ABOVE,),
    Post.VICE_PRESIDENT: (Signer.COURT_LEADER,),
    Post.CHIEF: (Signer.COURT_LEADER,),
    Post.DEPUTY_CHIEF: DEPARTMENT_STAFF,
    Post.JUDGE: DEPARTMENT_STAFF,
    Post.ASSISTANT: DEPARTMENT_STAFF,
    Post.CLERK: DEPARTMENT_STAFF,
    Post.ENFORCEMENT_OFFICER: DEPARTMENT_STAFF,
    Post.BAILIFF: DEPARTMENT_STAFF,
    Post.ADMINISTRATIVE: DEPARTMENT_STAFF,
}

# Kept for readers of the posts that sign at the court level.
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
    stages = []
    for signer in CHAINS.get(post, DEPARTMENT_STAFF):
        if signer is Signer.DIVISION_CHIEF:
            if department_id is None:
                continue  # no division: the court leader signs alone
            stages.append(stage(Role.CHIEF, court_id, department_id))
        elif signer is Signer.COURT_LEADER:
            stages.append(stage(Role.LEADER, court_id))
        else:
            stages.append(stage(Role.LEADER, parent_court_id or court_id))
    return stages
