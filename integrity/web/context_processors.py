"""The navigation bar: each user sees the entries their roles open."""

from typing import Any

from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from inspections.models import Clue, Complaint, Finding, Inspection, Referral, VisitPlan
from integrity.access import policy
from integrity.access.models import Role
from integrity.access.scoped_admin import ADMIN_ROLES
from integrity.org.models import Case, StaffMember
from integrity.reports.bulletin.figures import may_have_bulletin
from integrity.reports.dashboards.figures import may_see_dashboard
from integrity.reports.imports.columns import available as importable
from ledgers.alerts.models import Alert
from ledgers.models import Campaign
from ledgers.specs import SPECS

# The entries in order: label, URL name, key.
_ENTRIES = (
    (_("Home"), "home", "home"),
    (_("Staff directory"), "staff-list", "staff"),
    (_("Case registry"), "case-list", "cases"),
    (_("Ledgers"), "ledgers:index", "ledgers"),
    (_("Declarations"), "declarations:index", "declarations"),
    (_("Inspections"), "inspections:inspection-list", "inspections"),
    (_("Rectification"), "inspections:finding-mine", "rectification"),
    (_("Follow-up visits"), "inspections:visit-plan-list", "visits"),
    (_("Clues"), "inspections:clue-list", "clues"),
    (_("Referrals"), "inspections:referral-list", "referrals"),
    (_("Complaints"), "inspections:complaint-list", "complaints"),
    (_("Early warning"), "alerts:list", "alerts"),
    (_("Statistics"), "reports:dashboard", "statistics"),
    (_("Quarterly bulletin"), "reports:bulletin", "bulletin"),
    (_("Exports"), "reports:export-list", "exports"),
    (_("Imports"), "reports:import-list", "imports"),
    (_("Administration"), "admin:index", "admin"),
    (_("API"), "api-docs", "api"),
)
# The entries' URLs, reversed once per URLconf and script prefix: they never change between
# requests, and reversing them on every page is a measurable part of a page's cost.
_URLS: dict[tuple[Any, str], dict[str, str]] = {}


def _urls() -> dict[str, str]:
    key = (get_urlconf(), get_script_prefix())
    urls = _URLS.get(key)
    if urls is None:
        urls = _URLS[key] = {name: reverse(name) for _label, name, _key in _ENTRIES}
    return urls


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = policy.roles_of(user)
    shown = {
        "home": True,
        "staff": policy.may_use(user, StaffMember),
        "cases": policy.may_use(user, Case),
        "ledgers": any(policy.may_use(user, spec.model) for spec in SPECS),
        # Everyone with a staff record files declarations; no query (the grants are cached).
        "declarations": bool(user.staff_id) or policy.may_use(user, Campaign),
        "inspections": policy.may_use(user, Inspection),
        # The responsible units (chiefs, the person responsible) see their rectification items.
        "rectification": policy.may_use(user, Finding, policy.CHANGE)
        and not policy.may_use(user, Inspection),
        "visits": policy.may_use(user, VisitPlan),
        "clues": policy.may_use(user, Clue),
        "referrals": policy.may_use(user, Referral, policy.CHANGE),
        "complaints": policy.may_use(user, Complaint),
        # The alert queue: the discipline team and the leaders (no query: the grants are cached).
        "alerts": policy.may_use(user, Alert),
        # The reports: none of these reads the database (the grants are cached).
        "statistics": (statistics := may_see_dashboard(user)),
        "bulletin": may_have_bulletin(user),
        "imports": bool(importable(user)),
        # The list of one's exports: for whoever reads lists across a jurisdiction.
        "exports": statistics,
        "admin": user.is_superuser or bool(roles & ADMIN_ROLES),
        "api": True,
    }
    urls = _urls()
    items = [(str(label), urls[name], key) for label, name, key in _ENTRIES if shown[key]]
    return {"nav_items": items, "nav_roles": sorted(str(Role(r).label) for r in roles)}
