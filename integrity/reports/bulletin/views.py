"""The quarterly bulletin (季度通报) at /reports/bulletin/: choose a court and a quarter (by
default the last finished quarter and the widest court the user speaks for), read it as a
print-ready page or download it as a .docx. Both are audited ("report.bulletin"). A court out
of the user's scope is the same 404 as a missing one."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from integrity.access import policy
from integrity.audit import events
from integrity.org.models import Court
from integrity.reports import stats

from . import content, docx, figures
from .forms import BulletinForm
from .quarters import Quarter

AUDIT_ACTION = "report.bulletin"
TEMPLATE = "reports/bulletin/bulletin.html"


def record_bulletin(actor: Any, court: Court, quarter: Quarter, kind: str) -> None:
    """Who produced which court's bulletin for which quarter, and in which format."""
    events.record(
        actor=actor,
        action=AUDIT_ACTION,
        obj=court,
        changes={
            "court": [None, court.pk],
            "quarter": [None, str(quarter)],
            "format": [None, kind],
        },
    )


def _form(request: HttpRequest, courts: list[stats.CourtRow]) -> BulletinForm:
    """The form bound to the request; a missing court or quarter takes its default."""
    user: Any = request.user
    today = timezone.localdate()
    data = {
        "court": request.GET.get("court") or figures.default_court_id(user),
        "quarter": request.GET.get("quarter") or str(Quarter.last_finished(today)),
    }
    return BulletinForm(data, today=today, courts=[(row.id, row.name) for row in courts])


def _bulletin(request: HttpRequest) -> tuple[BulletinForm, Court | None, content.Text | None]:
    """The form, and when it is valid the court (through the scope: 404 when out of it) and
    the bulletin's text."""
    user: Any = request.user
    if not figures.may_have_bulletin(user):
        raise Http404
    courts = stats.courts_in_scope(user)
    form = _form(request, courts)
    if not form.is_valid():
        return form, None, None
    court = policy.get_or_404(user, Court.objects.all(), form.cleaned_data["court"])
    data = figures.bulletin_figures(
        actor=user,
        court=court,
        courts=courts,
        quarter=form.cleaned_data["quarter"],
        today=form.today,
    )
    return form, court, content.write(data, today=form.today)


@login_required
def bulletin_page(request: HttpRequest) -> HttpResponse:
    form, court, text = _bulletin(request)
    if text is None:
        return render(request, TEMPLATE, {"form": form}, status=400)
    quarter = form.cleaned_data["quarter"]
    record_bulletin(request.user, court, quarter, "html")
    query = urlencode({"court": court.pk, "quarter": str(quarter)})
    context = {
        "form": form,
        "text": text,
        "docx_url": f"{reverse('reports:bulletin-docx')}?{query}",
    }
    return render(request, TEMPLATE, context)


@login_required
def bulletin_docx(request: HttpRequest) -> HttpResponse:
    form, court, text = _bulletin(request)
    if text is None:
        return render(request, TEMPLATE, {"form": form}, status=400)
    record_bulletin(request.user, court, form.cleaned_data["quarter"], "docx")
    return FileResponse(
        BytesIO(docx.bulletin_docx(text)),
        as_attachment=True,
        filename=text.filename,
        content_type=docx.CONTENT_TYPE,
    )
