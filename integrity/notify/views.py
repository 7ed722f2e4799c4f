"""The inbox: the reader's own notifications, newest first in keyset pages, each in the
reader's language, with "open" (marks read and follows the link), "mark read" and "mark all
read". Thin: reads through ``services.inbox`` (the scoping policy), writes through the
services."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from integrity.access import policy
from integrity.web.paging import keyset_page

from . import services
from .kinds import body_of, title_of
from .models import Notification

PAGE_SIZE = 30


@dataclass
class Item:
    """One notification as the page shows it."""

    notification: Notification
    title: str
    body: str

    @property
    def pk(self) -> int:
        return self.notification.pk


def _safe(request: HttpRequest, url: str | None) -> str | None:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


def _back(request: HttpRequest) -> HttpResponse:
    return redirect(_safe(request, request.POST.get("next")) or "notify:inbox")


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    show = "unread" if request.GET.get("show") == "unread" else "all"
    rows = services.inbox(actor=request.user)
    if show == "unread":
        rows = rows.filter(read_at__isnull=True)
    page = keyset_page(rows, request.GET, size=PAGE_SIZE)
    page.rows = [Item(n, title_of(n.kind, n.params), body_of(n.kind, n.params)) for n in page.rows]
    return render(
        request,
        "notify/inbox.html",
        {"page": page, "show": show, "has_staff": bool(request.user.staff_id)},
    )


def _mine(request: HttpRequest, pk: int) -> Notification:
    return policy.get_or_404(request.user, services.inbox(actor=request.user), pk, policy.CHANGE)


@login_required
@require_GET
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link (from the inbox or from its email): it counts as read."""
    notification = _mine(request, pk)
    services.mark_read(actor=request.user, notification=notification)
    return redirect(_safe(request, notification.url) or "notify:inbox")


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    services.mark_read(actor=request.user, notification=_mine(request, pk))
    return _back(request)


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(actor=request.user)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)d notification marked read.",
                "%(count)d notifications marked read.",
                count,
            )
            % {"count": count},
        )
    return _back(request)
