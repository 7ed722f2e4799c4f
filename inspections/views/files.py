"""The integrity file page (廉政档案) at /inspections/files/<staff id>/: one staff member's
declarations, relatives, interference records, contacts, talks, clues and dispositions,
departure restrictions and rectification items, for leaders and the discipline team within
their scope. Each view is audited."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from integrity.access import policy
from integrity.audit import events

from ..models import IntegrityFile
from ..selectors import files as selectors

VIEW_ACTION = "inspections.integrityfile.view"


def record_view(user: Any, staff: IntegrityFile, door: str) -> None:
    """A view of an integrity file is a view of confidential material: audited."""
    events.record(actor=user, action=VIEW_ACTION, obj=staff, changes={"door": [None, door]})


@login_required
def file_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    staff = selectors.file_get(user, pk)
    data = selectors.file_sections(user, staff)
    record_view(user, staff, "page")
    return render(
        request,
        "inspections/files/file_detail.html",
        {"file": data, "staff": staff, "may_view_clues": policy.may_use(user, IntegrityFile)},
    )
