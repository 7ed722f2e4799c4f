"""The public complaint channel at /complaints/: no login, plain POST forms that work without
JavaScript, Chinese by default. A member of the public reports a staff member's conduct and
follows the report by receipt code. Nothing here stores the client's address or browser: the
services write their audit events without an address, and the rate limit counts addresses in
the cache only under a keyed hash that changes with every window."""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from integrity.audit.middleware import request_ip
from integrity.web.errors import add_service_errors
from integrity.web.paging import int_param

from ..forms import complaints as forms
from ..models import Complaint
from ..selectors import complaints as selectors
from ..services import complaints as services

SUBMIT, MESSAGE, CODE = "submit", "message", "code"


# --- per-address rate limiting ---------------------------------------------------------------


def _window() -> tuple[int, int]:
    seconds = max(1, int(settings.COMPLAINT_RATE_WINDOW_SECONDS))
    return int(time.time() // seconds), seconds


def _rate_key(request: HttpRequest, bucket: str) -> tuple[str, int]:
    """The cache key of this address's count in this window: an HMAC of the address (keyed by
    SECRET_KEY and the window), never the address itself."""
    window, seconds = _window()
    address = request_ip(request) or "-"
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{bucket}|{window}|{address}".encode(), hashlib.sha256
    ).hexdigest()
    return f"complaints:rate:{bucket}:{window}:{digest}", seconds


def over_limit(request: HttpRequest, *buckets: str) -> bool:
    limit = int(settings.COMPLAINT_RATE_LIMIT)
    return any((cache.get(_rate_key(request, b)[0]) or 0) >= limit for b in buckets)


def count(request: HttpRequest, bucket: str) -> None:
    key, seconds = _rate_key(request, bucket)
    if cache.add(key, 1, timeout=seconds):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "complaints/limited.html",
        {
            "minutes": max(1, int(settings.COMPLAINT_RATE_WINDOW_SECONDS) // 60),
        },
        status=429,
    )


def _refused(form: Any, error: Exception) -> None:
    add_service_errors(form, error, refused=_("The report could not be accepted."))


# --- the report ------------------------------------------------------------------------------


def _complaint_form(data: Any = None, *, files: Any = None, initial: Any = None, search: str = ""):
    source = data if data is not None else (initial or {})
    court_id = int_param(str(source.get("court") or ""))
    return forms.ComplaintForm(
        data,
        files,
        initial=initial,
        courts=selectors.public_courts(search),
        departments=selectors.public_departments(court_id),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def complaint_form(request: HttpRequest) -> HttpResponse:
    """Report a court staff member's conduct. The two helper buttons (find a court, list its
    departments) post the form back without filing it, so that nothing typed lands in a URL."""
    if request.method != "POST":
        return render(request, "complaints/form.html", {"form": _complaint_form()})
    step = request.POST.get("step", "")
    if step in ("find", "departments"):
        initial = {
            k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "step")
        }
        search = initial.get("court_search", "") if step == "find" else ""
        form = _complaint_form(initial=initial, search=search)
        return render(request, "complaints/form.html", {"form": form, "step": step})
    if over_limit(request, SUBMIT):
        return _too_many(request)
    form = _complaint_form(request.POST, files=request.FILES)
    if form.is_valid():
        try:
            complaint, code = services.complaint_submit(
                fields=form.complaint_fields(),
                contact=form.contact(),
                uploads=form.cleaned_data["attachments"],
            )
        except (ValidationError, PermissionDenied) as error:
            _refused(form, error)
        else:
            count(request, SUBMIT)
            return render(
                request, "complaints/receipt.html", {"complaint": complaint, "code": code}
            )
    return render(request, "complaints/form.html", {"form": form}, status=200)


# --- the follow-up by receipt code -----------------------------------------------------------


def _follow_page(
    request: HttpRequest,
    complaint: Complaint,
    code: str,
    *,
    message_form: Any = None,
    sent: bool = False,
) -> HttpResponse:
    context = {
        "complaint": complaint,
        "messages_": selectors.public_messages(complaint),
        "attachments": complaint.attachments.only("id", "original_name", "message_id"),
        "message_form": message_form or forms.PublicMessageForm(initial={"code": code}),
        "sent": sent,
        "closed": complaint.status == Complaint.Status.CLOSED,
    }
    return render(request, "complaints/follow.html", context)


def _wrong_code(request: HttpRequest) -> HttpResponse:
    """One answer for every code that does not open a report: malformed, unknown locator or
    wrong secret look the same (no oracle), and each failure counts against the address."""
    count(request, CODE)
    context = {
        "form": forms.CodeForm(),
        "error": _("This receipt code is not valid. Check it and try again."),
    }
    return render(request, "complaints/follow_code.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def follow(request: HttpRequest) -> HttpResponse:
    """Enter the receipt code to see the report's status and the messages. No account and no
    session: the code travels in the posted form, never in a URL."""
    if request.method != "POST":
        return render(request, "complaints/follow_code.html", {"form": forms.CodeForm()})
    if over_limit(request, CODE):
        return _too_many(request)
    form = forms.CodeForm(request.POST)
    if not form.is_valid():
        return render(request, "complaints/follow_code.html", {"form": form})
    complaint = selectors.complaint_by_code(form.cleaned_data["code"])
    if complaint is None:
        return _wrong_code(request)
    return _follow_page(request, complaint, form.cleaned_data["code"])


@never_cache
@require_POST
def follow_message(request: HttpRequest) -> HttpResponse:
    """The reporter writes to the handling officer, with attachments if they wish."""
    if over_limit(request, CODE, MESSAGE):
        return _too_many(request)
    form = forms.PublicMessageForm(request.POST, request.FILES)
    complaint = selectors.complaint_by_code(request.POST.get("code", ""))
    if complaint is None:
        return _wrong_code(request)
    code = request.POST.get("code", "")
    if form.is_valid():
        try:
            services.complaint_public_message(
                complaint=complaint,
                body=form.cleaned_data["body"],
                uploads=form.cleaned_data["attachments"],
            )
        except (ValidationError, PermissionDenied) as error:
            _refused(form, error)
        else:
            count(request, MESSAGE)
            return _follow_page(request, complaint, code, sent=True)
    return _follow_page(request, complaint, code, message_form=form)
