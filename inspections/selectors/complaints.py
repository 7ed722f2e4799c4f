"""Reads of the public complaint channel. The officer side starts from the scoping policy
(inspections/scopes.py); the public side finds one report by its receipt code only."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from integrity.access import policy
from integrity.org.models import Court, Department, StaffMember

from ..models import Complaint, ComplaintAttachment, ComplaintMessage, Reporter
from ..services import complaints as services

LIST_RELATED = ("court", "department", "subject")


def complaint_list(user: Any, *, status: str = "", court: int | None = None) -> QuerySet:
    """The complaints the user may see, newest first, with the list's filters."""
    # The receipt code's hash never leaves the database on the officer side.
    qs = policy.scope(user, Complaint.objects.select_related(*LIST_RELATED).defer("code_hash"))
    if status:
        qs = qs.filter(status=status)
    if court:
        qs = qs.filter(court_id=court)
    return qs.order_by("-id")


def complaint_get(user: Any, pk: Any, action: str = policy.VIEW) -> Complaint:
    """One complaint through the scope; out of scope is the same 404 as not found."""
    return policy.get_or_404(
        user,
        Complaint.objects.select_related(*LIST_RELATED, "court__parent", "clue").defer("code_hash"),
        pk,
        action,
    )


def messages_of(complaint: Complaint) -> list[ComplaintMessage]:
    return list(complaint.messages.select_related("author"))


def attachments_of(complaint: Complaint) -> list[ComplaintAttachment]:
    return list(complaint.attachments.all())


def attachment_get(user: Any, complaint_pk: Any, pk: Any) -> tuple[Complaint, ComplaintAttachment]:
    complaint = complaint_get(user, complaint_pk)
    attachment = ComplaintAttachment.objects.filter(complaint=complaint, pk=pk).first()
    if attachment is None:
        raise Http404
    return complaint, attachment


def _reporters(user: Any) -> QuerySet[Reporter]:
    # Only the discipline team and named grantees, whatever the superuser flag (scopes.py).
    return policy.scope(user, Reporter.objects.all())


def may_view_reporter(user: Any, complaint: Complaint) -> bool:
    return _reporters(user).filter(complaint_id=complaint.pk).exists()


def reporter_get(user: Any, complaint: Complaint) -> Reporter:
    """The reporter's identity, for the discipline team and grantees only (404 otherwise).
    Callers record the view (services.reporter_viewed)."""
    reporter = _reporters(user).filter(complaint_id=complaint.pk).first()
    if reporter is None:
        raise Http404
    return reporter


def grants_of_reporter(complaint: Complaint) -> list[Any]:
    """Who was named to see the reporter's identity (for the discipline team's page)."""
    from ..models import ReporterUserObjectPermission

    return list(
        ReporterUserObjectPermission.objects.filter(content_object__complaint=complaint)
        .select_related("user")
        .order_by("id")
    )


def subject_choices(complaint: Complaint) -> QuerySet[StaffMember]:
    """The staff of the court concerned, to match the report to one of them."""
    return (
        StaffMember.objects.filter(court_id=complaint.court_id)
        .only("id", "name", "post", "department_id")
        .order_by("name", "id")
    )


# --- the public side -------------------------------------------------------------------------


def public_courts(search: str = "") -> list[Court]:
    """Active courts for the public form, in tree order, with their parent for grouping."""
    qs = Court.objects.filter(is_active=True).select_related("parent").order_by("path")
    search = (search or "").strip()
    if search:
        qs = qs.filter(name__icontains=search)
    return list(qs.only("id", "name", "path", "level", "parent__id", "parent__name"))


def public_departments(court_id: int | None) -> list[Department]:
    if not court_id:
        return []
    return list(
        Department.objects.filter(court_id=court_id, is_active=True, court__is_active=True)
        .only("id", "name")
        .order_by("name", "id")
    )


def complaint_by_code(text: str) -> Complaint | None:
    """The one report whose receipt code this is, or None. A wrong code, a malformed one and
    an unknown locator are the same None, and take the same time."""
    parsed = services.parse_code(text)
    if parsed is None:
        services.code_matches(None, "")
        return None
    locator, secret = parsed
    complaint = Complaint.objects.select_related("court", "department").filter(locator=locator)
    found = complaint.first()
    return found if services.code_matches(found, secret) else None


def public_messages(complaint: Complaint) -> list[ComplaintMessage]:
    """The exchange as the reporter sees it: no officer names."""
    return list(complaint.messages.only("id", "from_public", "body", "sent_on", "complaint_id"))
