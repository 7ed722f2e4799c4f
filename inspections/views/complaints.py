"""The officer side of the public complaint channel under /inspections/complaints/: the list
of complaints in scope, one complaint with its messages and attachments, replying to the
reporter, the status, matching the staff member concerned, and the reporter's identity for
the discipline team and named grantees (each view recorded). Thin: reads through
inspections.selectors.complaints, writes through inspections.services.complaints."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from integrity.access import policy
from integrity.audit.selectors import object_history
from integrity.org import selectors as org_selectors
from integrity.web.errors import submit
from integrity.web.paging import keyset_page

from ..forms import complaints as forms
from ..models import Complaint
from ..selectors import complaints as selectors
from ..services import complaints as services


def _submit(request: HttpRequest, form: Any, write: Callable[[dict], Any], *, done: str) -> Any:
    return submit(
        request, form, write, done=done, refused=_("You may not do this with this complaint.")
    )


@login_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    """The public complaints of the courts in scope, newest first."""
    user: Any = request.user
    if not policy.may_use(user, Complaint):
        raise Http404
    form = forms.ComplaintFilterForm(
        request.GET or None, courts=org_selectors.court_choices(actor=user)
    )
    filters = form.filters() if request.GET else {}
    page = keyset_page(selectors.complaint_list(user, **filters), request.GET)
    return render(
        request, "inspections/complaints/complaint_list.html", {"form": form, "page": page}
    )


def _page(
    request: HttpRequest,
    complaint: Complaint,
    *,
    reporter: Any = None,
    status: int = 200,
    **bound: Any,
) -> HttpResponse:
    user: Any = request.user
    may_change = policy.can(user, policy.CHANGE, complaint)
    may_manage = policy.can(user, policy.MANAGE, complaint)
    is_open = complaint.status != Complaint.Status.CLOSED
    context = {
        "complaint": complaint,
        "messages_": selectors.messages_of(complaint),
        "attachments": selectors.attachments_of(complaint),
        "may_view_reporter": selectors.may_view_reporter(user, complaint),
        "reporter": reporter,
        "may_grant": services.may_grant_reporter(user, complaint),
        "may_reply": may_change and is_open,
        "may_match": may_change,
        "may_status": may_manage and bool(services.next_statuses(complaint.status)),
        "history": object_history(complaint),
        "reply_form": bound.get("reply_form") or forms.ReplyForm(),
        "status_form": bound.get("status_form")
        or forms.StatusForm(initial={"version": complaint.version}, complaint=complaint),
        "match_form": bound.get("match_form")
        or forms.MatchForm(
            initial={"version": complaint.version, "subject": complaint.subject_id},
            subjects=selectors.subject_choices(complaint),
        ),
        "grant_form": bound.get("grant_form") or forms.GrantForm(),
    }
    if context["may_grant"]:
        context["grantees"] = selectors.grants_of_reporter(complaint)
    return render(request, "inspections/complaints/complaint_detail.html", context, status=status)


@login_required
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, selectors.complaint_get(request.user, pk))


def _reloaded(request: HttpRequest, pk: int) -> Complaint:
    return selectors.complaint_get(request.user, pk)


@login_required
@require_POST
def complaint_reply(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_get(request.user, pk)
    form = forms.ReplyForm(request.POST)
    if _submit(
        request,
        form,
        lambda data: services.complaint_reply(
            actor=request.user, complaint=complaint, body=data["body"]
        ),
        done=_("Your reply was sent; the reporter reads it with the receipt code."),
    ):
        return redirect("inspections:complaint-detail", pk=complaint.pk)
    return _page(request, _reloaded(request, pk), reply_form=form)


@login_required
@require_POST
def complaint_status(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_get(request.user, pk)
    form = forms.StatusForm(request.POST, complaint=complaint)
    if _submit(
        request,
        form,
        lambda data: services.complaint_set_status(
            actor=request.user,
            complaint=complaint,
            version=data["version"],
            status=data["status"],
        ),
        done=_("The status was changed."),
    ):
        return redirect("inspections:complaint-detail", pk=complaint.pk)
    return _page(request, _reloaded(request, pk), status_form=form)


@login_required
@require_POST
def complaint_match(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_get(request.user, pk)
    form = forms.MatchForm(request.POST, subjects=selectors.subject_choices(complaint))
    if _submit(
        request,
        form,
        lambda data: services.complaint_match_subject(
            actor=request.user,
            complaint=complaint,
            version=data["version"],
            subject=data["subject"],
        ),
        done=_("The staff member concerned was recorded on the complaint and its clue."),
    ):
        if policy.can(request.user, policy.VIEW, complaint):
            return redirect("inspections:complaint-detail", pk=complaint.pk)
        messages.info(
            request,
            _("The complaint concerns a court leader and is now with the discipline team."),
        )
        return redirect("inspections:complaint-list")
    return _page(request, _reloaded(request, pk), match_form=form)


@login_required
@require_POST
def complaint_reporter(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the reporter's identity (discipline team and grantees; 404 for anyone else).
    A POST, so that each view is a deliberate act; each is recorded."""
    complaint = selectors.complaint_get(request.user, pk)
    reporter = selectors.reporter_get(request.user, complaint)
    services.reporter_viewed(
        actor=request.user, complaint=complaint, reporter=reporter, door="page"
    )
    return _page(request, complaint, reporter=reporter)


@login_required
@require_POST
def complaint_grant(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_get(request.user, pk)
    if not services.may_grant_reporter(request.user, complaint):
        raise Http404
    form = forms.GrantForm(request.POST)
    if _submit(
        request,
        form,
        lambda data: services.reporter_grant(
            actor=request.user, complaint=complaint, grantee=data["username"]
        ),
        done=_("The person may now see the reporter's identity."),
    ):
        return redirect("inspections:complaint-detail", pk=complaint.pk)
    return _page(request, _reloaded(request, pk), grant_form=form)


@login_required
def complaint_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """A file the reporter sent, to those who may see the complaint; each download recorded."""
    complaint, attachment = selectors.attachment_get(request.user, pk, attachment_pk)
    services.attachment_opened(actor=request.user, complaint=complaint, attachment=attachment)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.mime_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
