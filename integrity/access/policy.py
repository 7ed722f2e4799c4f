"""THE scoping policy: who may see or change which records. Every door calls this module.

A user's scope is the set of their active role assignments: each names a role, a court, an
optional department and whether it covers the courts below. A model registers a
:class:`ScopeRule` saying how its rows reach a court (and a department, and the staff members
who "own" a row) and how far each role reaches for each action. :func:`scope` turns that into
one queryset filter; :func:`get_or_404` fetches one object through it, so that "not yours" and
"not found" are the same 404. Object grants (django-guardian, direct foreign-key permission
models) add single named rows on top of the scope; they never replace it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from integrity.org.models import Court

from .models import Role, RoleAssignment

M = TypeVar("M", bound=models.Model)

VIEW = "view"
CHANGE = "change"
# Deciding on a record: status transitions (screening, approval, closing) and voiding.
MANAGE = "manage"
# Handing one record to a named person (an object grant), e.g. the discipline team sharing a
# clue or a reporter's identity. No role has it unless a model's rule says so.
SHARE = "share"
WRITE_ACTIONS = (CHANGE, MANAGE)


class Reach(enum.Enum):
    NONE = "none"  # the role sees nothing of this model
    OWN = "own"  # only rows whose owner is the user's own staff record
    JURISDICTION = "jurisdiction"  # rows of the assignment's court (and below, if it covers)


# How far each role reaches unless a model says otherwise. Ordinary staff see only their own
# records; every other role sees its jurisdiction. A department-limited assignment (a chief's)
# is narrowed to its department wherever the model has one.
DEFAULT_REACH: dict[str, dict[str, Reach]] = {
    VIEW: {
        Role.STAFF: Reach.OWN,
        Role.OFFICER: Reach.JURISDICTION,
        Role.CHIEF: Reach.JURISDICTION,
        Role.LEADER: Reach.JURISDICTION,
        Role.SUPERVISOR: Reach.JURISDICTION,
        Role.DISCIPLINE: Reach.JURISDICTION,
        Role.ADMIN: Reach.JURISDICTION,
    },
    CHANGE: {
        Role.OFFICER: Reach.JURISDICTION,
        Role.ADMIN: Reach.JURISDICTION,
    },
    MANAGE: {
        Role.OFFICER: Reach.JURISDICTION,
    },
}


@dataclass(frozen=True)
class ScopeRule:
    """How one model's rows reach the scope.

    ``court``: lookup from the model to its Court ("" when the model *is* Court).
    ``department``: lookup to its Department, or None when the model has no department.
    ``owners``: lookups to the StaffMember(s) a row belongs to, for the OWN reach.
    ``creator``: lookup to the login (User) a row belongs to, for the OWN reach of rows that
    belong to a login rather than a staff member (export and import jobs).
    ``reach``: per action, per role overrides of DEFAULT_REACH.
    ``grants``: the django-guardian direct permission model for object grants, if any.
    ``restrict``: rows a non-superuser may never reach, whatever the role (e.g. superusers'
    logins are out of every court administrator's reach).
    ``narrow``: ``narrow(grant, user)`` returns a filter that one role assignment's reach is
    further limited by (or None): e.g. a clue about a court leader is reached only by the
    discipline team and by the courts above that leader's court.
    ``exclude``: ``exclude(user)`` returns rows this user may never reach, even by an object
    grant (or None): e.g. a clue about the user themselves.
    ``superusers``: whether the superuser flag alone reaches every row (True); False keeps
    superusers to their roles and grants like anyone else (a whistle-blower's identity).
    """

    court: str
    department: str | None = None
    owners: tuple[str, ...] = ()
    creator: str | None = None
    reach: dict[str, dict[str, Reach]] = field(default_factory=dict)
    grants: type[models.Model] | None = None
    restrict: Q | None = None
    narrow: Callable[[Grant, Any], Q | None] | None = None
    exclude: Callable[[Any], Q | None] | None = None
    superusers: bool = True

    def reach_for(self, action: str, role: str) -> Reach:
        override = self.reach.get(action, {})
        if role in override:
            return override[role]
        return DEFAULT_REACH.get(action, {}).get(role, Reach.NONE)


_RULES: dict[type[models.Model], ScopeRule] = {}


def register(model: type[models.Model], rule: ScopeRule) -> None:
    _RULES[model] = rule


def rule_for(model: type[models.Model]) -> ScopeRule:
    """The model's rule; a proxy model without its own rule uses its concrete model's."""
    if model in _RULES:
        return _RULES[model]
    concrete = model._meta.concrete_model
    try:
        return _RULES[concrete]
    except KeyError:
        raise LookupError(f"{model._meta.label} has no scope rule; register one.") from None


@dataclass(frozen=True)
class Grant:
    """One active role assignment, flattened for filtering."""

    role: str
    court_id: int
    court_path: str
    department_id: int | None
    covers_subordinates: bool


def grants_of(user: Any) -> tuple[Grant, ...]:
    """The user's active assignments, read once per request and kept on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    cached = getattr(user, "_qinglian_grants", None)
    if cached is None:
        today = timezone.localdate()
        rows = RoleAssignment.objects.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=today),
            Q(valid_until__isnull=True) | Q(valid_until__gte=today),
            user=user,
            is_active=True,
            court__is_active=True,
        ).values_list("role", "court_id", "court__path", "department_id", "covers_subordinates")
        cached = tuple(Grant(*row) for row in rows)
        user._qinglian_grants = cached
    return cached


def roles_of(user: Any) -> set[str]:
    return {grant.role for grant in grants_of(user)}


def forget(user: Any) -> None:
    """Drop the cached scope (after the user's assignments change within one request)."""
    for name in ("_qinglian_grants", "_qinglian_subtrees"):
        if hasattr(user, name):
            delattr(user, name)


def _subtree_ids(user: Any, path: str) -> list[int]:
    """The ids of the court at ``path`` and every court below it, kept on the user object
    for the request like the grants."""
    cache = getattr(user, "_qinglian_subtrees", None)
    if cache is None:
        cache = user._qinglian_subtrees = {}
    if path not in cache:
        cache[path] = list(
            Court.objects.filter(path__startswith=path).order_by("pk").values_list("pk", flat=True)
        )
    return cache[path]


def _prefix(lookup: str, name: str) -> str:
    return f"{lookup}__{name}" if lookup else name


def _grant_filter(
    model: type[models.Model], rule: ScopeRule, grant: Grant, reach: Reach, user: Any
) -> Q | None:
    if reach is Reach.NONE:
        return None
    if reach is Reach.OWN:
        if rule.creator:
            return Q(**{rule.creator: user.pk})
        if not user.staff_id or not rule.owners:
            return None
        own = Q()
        for owner in rule.owners:
            if _crosses_many(model, owner):
                own |= Q(pk__in=model._base_manager.filter(**{owner: user.staff_id}).values("pk"))
            else:
                own |= Q(**{owner: user.staff_id})
        return own
    if grant.covers_subordinates and rule.court:
        # The subtree as a list of court ids (read once per request): the database then uses
        # each table's (court, id) index instead of joining courts and filtering on the path.
        where = Q(**{f"{rule.court}__in": _subtree_ids(user, grant.court_path)})
    elif grant.covers_subordinates:
        where = Q(path__startswith=grant.court_path)
    else:
        where = Q(**{rule.court or "pk": grant.court_id})
    if grant.department_id and rule.department is not None:
        where &= Q(**{rule.department: grant.department_id})
    if rule.narrow is not None:
        narrower = rule.narrow(grant, user)
        if narrower is not None:
            where &= narrower
    return where


def _crosses_many(model: type[models.Model], lookup: str) -> bool:
    opts = model._meta
    for part in lookup.split("__"):
        try:
            field_ = opts.get_field(part)
        except FieldDoesNotExist:  # a transform or lookup name at the end of the path
            return False
        if field_.many_to_many or field_.one_to_many:
            return True
        if not field_.is_relation:
            return False
        opts = field_.related_model._meta
    return False


def scope_filter(user: Any, model: type[models.Model], action: str = VIEW) -> Q | None:
    """The filter selecting what ``user`` may ``action`` of ``model``; None means nothing."""
    rule = rule_for(model)
    where: Q | None = None
    for grant in grants_of(user):
        part = _grant_filter(model, rule, grant, rule.reach_for(action, grant.role), user)
        if part is not None:
            where = part if where is None else where | part
    if rule.grants is not None and getattr(user, "is_authenticated", False):
        codename = f"{action}_{model._meta.model_name}"
        granted = rule.grants.objects.filter(user=user, permission__codename=codename)
        by_grant = Q(pk__in=granted.values("content_object_id"))
        where = by_grant if where is None else where | by_grant
    return where


def scope(user: Any, queryset: QuerySet[M], action: str = VIEW) -> QuerySet[M]:
    """Filter any queryset down to what ``user`` may ``action``. Superusers see everything."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    rule = rule_for(queryset.model)
    if user.is_superuser and rule.superusers:
        return queryset
    where = scope_filter(user, queryset.model, action)
    if where is None:
        return queryset.none()
    if rule.restrict is not None:
        where &= rule.restrict
    if rule.exclude is not None:
        excluded = rule.exclude(user)
        if excluded is not None:
            where &= ~excluded
    return queryset.filter(where)


def get_or_404(user: Any, queryset: QuerySet[M] | type[M], pk: Any, action: str = VIEW) -> M:
    """Fetch one object through the scope. Out of scope and missing are the same 404; an
    attempt on an existing object out of scope is recorded in the audit log."""
    if not isinstance(queryset, QuerySet):
        queryset = queryset._default_manager.all()
    try:
        return scope(user, queryset, action).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        pass
    _record_denial(user, queryset, pk, action)
    raise Http404


def _record_denial(user: Any, queryset: QuerySet, pk: Any, action: str) -> None:
    from integrity.audit import events

    try:
        target = queryset.model._base_manager.filter(pk=pk).first()
    except (ValueError, TypeError):
        target = None
    if target is not None and getattr(user, "is_authenticated", False):
        events.record(actor=user, action="access.denied", obj=target, changes={"action": action})


def can(user: Any, action: str, obj: models.Model) -> bool:
    """Whether ``user`` may ``action`` this particular object."""
    return scope(user, obj._meta.model._default_manager.filter(pk=obj.pk), action).exists()


def require(user: Any, action: str, obj: models.Model) -> None:
    """Services call this before and after a write. ``user=None`` is the system itself
    (migrations, the demo seeder, scheduled tasks) and is not limited by any scope."""
    if user is None:
        return
    if not can(user, action, obj):
        raise PermissionDenied


def may_use(user: Any, model: type[models.Model], action: str = VIEW) -> bool:
    """Whether ``user`` may ``action`` at least some rows of ``model`` (for menus and admin)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    rule = rule_for(model)
    if user.is_superuser and rule.superusers:
        return True
    return any(rule.reach_for(action, g.role) is not Reach.NONE for g in grants_of(user))
