"""Writes to logins, role assignments and object grants, each audited."""

from typing import Any

from django.db import models, transaction
from guardian.shortcuts import assign_perm, remove_perm

from integrity.audit import events

from . import policy
from .models import RoleAssignment, User

_SECRET_FIELDS = {"password"}


@transaction.atomic
def user_save(*, actor: Any, user: User, reason: str = "") -> User:
    """Save a login as edited by a form; the password hash never enters the audit log."""
    before = {}
    if user.pk:
        before = events.snapshot(User._base_manager.get(pk=user.pk))
    verb = "update" if user.pk else "create"
    user.full_clean(exclude=["password"])
    user.save()
    changes = events.diff(before, events.snapshot(user))
    for name in _SECRET_FIELDS & set(changes):
        changes[name] = ["***", "***"]
    changes.pop("last_login", None)
    if changes or verb == "create":
        events.record(
            actor=actor,
            action=f"access.user.{verb}",
            obj=user,
            changes=changes,
            reason=reason,
            court_id=user.staff.court_id if user.staff_id else None,
        )
    policy.forget(user)
    return user


@transaction.atomic
def role_assignment_save(
    *, actor: Any, assignment: RoleAssignment | None = None, **fields: Any
) -> RoleAssignment:
    """Give (or change) a role at a court; ending a role is ``is_active=False``, never a delete."""
    verb = "update" if assignment and assignment.pk else "create"
    saved = events.save_audited(
        actor=actor, instance=assignment or RoleAssignment(), fields=fields, verb=verb
    )
    policy.forget(saved.user)
    return saved


@transaction.atomic
def object_grant(
    *, actor: Any, user: User, obj: models.Model, action: str = policy.VIEW, reason: str
) -> None:
    """A named exception to the scope: let ``user`` ``action`` this one object."""
    assign_perm(f"{action}_{obj._meta.model_name}", user, obj)
    events.record(
        actor=actor,
        action="access.grant",
        obj=obj,
        reason=reason,
        changes={"user": user.username, "action": action},
    )


@transaction.atomic
def object_revoke(
    *, actor: Any, user: User, obj: models.Model, action: str = policy.VIEW, reason: str
) -> None:
    remove_perm(f"{action}_{obj._meta.model_name}", user, obj)
    events.record(
        actor=actor,
        action="access.revoke",
        obj=obj,
        reason=reason,
        changes={"user": user.username, "action": action},
    )
