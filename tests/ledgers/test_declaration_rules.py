"""Who signs a declaration, in which order (ledgers/declarations/rules.py): one test per row of
the chain table, and the two places where the place changes the chain (no department; the
president of the top court)."""

import pytest

from integrity.access.models import Role
from integrity.org.models import StaffMember
from ledgers.declarations import rules

Post = StaffMember.Post
COURT, PARENT, DEPARTMENT = 11, 7, 23

CHIEF_STAGE = {"role": Role.CHIEF, "court": COURT, "department": DEPARTMENT}
LEADER_STAGE = {"role": Role.LEADER, "court": COURT, "department": None}
LEADER_ABOVE_STAGE = {"role": Role.LEADER, "court": PARENT, "department": None}

# Every row of rules.CHAINS, as the stages a filer of that post at a lower court signs with.
EXPECTED = {
    Post.PRESIDENT: [LEADER_ABOVE_STAGE],
    Post.VICE_PRESIDENT: [LEADER_STAGE],
    Post.CHIEF: [LEADER_STAGE],
    Post.DEPUTY_CHIEF: [CHIEF_STAGE, LEADER_STAGE],
    Post.JUDGE: [CHIEF_STAGE, LEADER_STAGE],
    Post.ASSISTANT: [CHIEF_STAGE, LEADER_STAGE],
    Post.CLERK: [CHIEF_STAGE, LEADER_STAGE],
    Post.ENFORCEMENT_OFFICER: [CHIEF_STAGE, LEADER_STAGE],
    Post.BAILIFF: [CHIEF_STAGE, LEADER_STAGE],
    Post.ADMINISTRATIVE: [CHIEF_STAGE, LEADER_STAGE],
}


def chain(post, *, parent=PARENT, department=DEPARTMENT):
    return rules.sign_chain(
        post=post, court_id=COURT, parent_court_id=parent, department_id=department
    )


def test_the_table_names_every_post():
    assert set(rules.CHAINS) == set(Post.values)
    assert set(EXPECTED) == set(Post.values)


@pytest.mark.parametrize("post", list(EXPECTED), ids=str)
def test_chain_of_each_post_at_a_lower_court(post):
    assert chain(post) == EXPECTED[post]


@pytest.mark.parametrize("post", [p for p, row in EXPECTED.items() if len(row) == 2], ids=str)
def test_without_a_department_the_court_leader_signs_alone(post):
    # Given a filer whose post has a division chief, but who belongs to no department
    # Then there is no chief to sign: a leader of the court signs alone
    assert chain(post, department=None) == [LEADER_STAGE]


def test_president_of_the_top_court_is_signed_by_another_leader_of_the_same_court():
    # At the top of the tree there is no court above
    assert chain(Post.PRESIDENT, parent=None) == [LEADER_STAGE]


def test_president_of_a_lower_court_is_signed_by_the_court_above():
    assert chain(Post.PRESIDENT) == [LEADER_ABOVE_STAGE]


@pytest.mark.parametrize("post", [Post.VICE_PRESIDENT, Post.CHIEF], ids=str)
def test_court_level_posts_at_the_top_court_stay_at_their_court(post):
    assert chain(post, parent=None) == [LEADER_STAGE]


def test_an_unknown_post_is_signed_like_department_staff():
    assert chain("intern") == [CHIEF_STAGE, LEADER_STAGE]


def test_the_chief_always_signs_before_the_leader():
    for row in EXPECTED.values():
        roles = [stage["role"] for stage in row]
        assert roles == sorted(roles, key=[Role.CHIEF, Role.LEADER].index)
        assert roles[-1] == Role.LEADER
