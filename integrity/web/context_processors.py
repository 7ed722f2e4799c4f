"""The navigation bar: each user sees the entries their roles open."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from integrity.access import policy
from integrity.access.models import Role
from integrity.access.scoped_admin import ADMIN_ROLES
from integrity.org.models import Case, StaffMember
from ledgers.models import Campaign
from ledgers.specs import SPECS


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = [(_("Home"), reverse("home"), "home")]
    if policy.may_use(user, StaffMember):
        items.append((_("Staff directory"), reverse("staff-list"), "staff"))
    if policy.may_use(user, Case):
        items.append((_("Case registry"), reverse("case-list"), "cases"))
    if any(policy.may_use(user, spec.model) for spec in SPECS):
        items.append((_("Ledgers"), reverse("ledgers:index"), "ledgers"))
    # Everyone with a staff record files declarations; no query (the grants are cached).
    if user.staff_id or policy.may_use(user, Campaign):
        items.append((_("Declarations"), reverse("declarations:index"), "declarations"))
    roles = policy.roles_of(user)
    if user.is_superuser or roles & ADMIN_ROLES:
        items.append((_("Administration"), reverse("admin:index"), "admin"))
    items.append((_("API"), reverse("api-docs"), "api"))
    return {"nav_items": items, "nav_roles": sorted(Role(r).label for r in roles)}
