"""The shell every user passes through: home, own profile, health check."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from integrity.access.models import RoleAssignment
from integrity.celery import app as celery_app
from integrity.org import selectors as org_selectors
from ledgers.declarations.views import home_awaiting, home_tasks
from ledgers.views import my_recent_inquiries, quick_inquiry_form


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What awaits the user: their roles and where they hold them, and what they can open."""
    user: Any = request.user
    assignments = (
        RoleAssignment.objects.filter(user=user, is_active=True)
        .select_related("court", "department")
        .order_by("court__path", "role")
    )
    context = {
        "assignments": assignments,
        "staff": user.staff if user.staff_id else None,
        "court_count": org_selectors.court_list(actor=user).count(),
        "inquiry_form": quick_inquiry_form(actor=user) if user.staff_id else None,
        "my_inquiries": my_recent_inquiries(actor=user) if user.staff_id else [],
        # Declarations to file (with due dates and overdue marks) and, for chiefs and court
        # leaders, those awaiting their signature.
        "tasks": home_tasks(actor=user, today=timezone.localdate()),
        "awaiting": home_awaiting(actor=user),
    }
    return render(request, "web/home.html", context)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The user's own staff record: the one record every staff member may always read."""
    user: Any = request.user
    staff = None
    if user.staff_id:
        staff = org_selectors.staff_get(actor=user, pk=user.staff_id)
    return render(request, "web/profile.html", {"staff": staff})


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True, connection.vendor
    except Exception as error:
        return False, type(error).__name__


def _broker_ok() -> tuple[bool, str]:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=3)
            return True, conn.transport.driver_type
    except Exception as error:
        return False, type(error).__name__


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages that name no icon (the admin, downloads)."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and compose: 200 when the database and the broker answer, else 503."""
    db_ok, db_detail = _database_ok()
    broker_ok, broker_detail = _broker_ok()
    body = {
        "status": "ok" if db_ok and broker_ok else "fail",
        "database": {"ok": db_ok, "detail": db_detail},
        "broker": {"ok": broker_ok, "detail": broker_detail},
    }
    return JsonResponse(body, status=200 if db_ok and broker_ok else 503)
