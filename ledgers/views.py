"""The ledger pages: list, detail with history, create, edit, workflow steps, void,
attachments and the entries of relatives (talks) and departures (follow-ups). Thin: reads go
through ledgers.selectors, writes through ledgers.services."""

from __future__ import annotations

import copy
import datetime
import functools
from collections.abc import Callable
from html import escape
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inspections.models import Clue
from integrity.access import policy
from integrity.concurrency import StaleEdit
from integrity.org import selectors as org_selectors
from integrity.org.models import Department
from integrity.web.errors import add_service_errors
from integrity.web.paging import int_param, keyset_page

from . import forms, selectors, services, workflows
from .computed import computed_fields
from .models import Attachment
from .specs import BY_SLUG, SPECS, LedgerSpec


def _today() -> Any:
    return timezone.localdate()


def _spec(slug: str) -> LedgerSpec:
    try:
        return BY_SLUG[slug]
    except KeyError:
        raise Http404 from None


def _add_errors(form: Any, error: Exception) -> None:
    add_service_errors(
        form, error, refused=_("You may not keep records for this court, department or person.")
    )


@login_required
def ledger_index(request: HttpRequest) -> HttpResponse:
    ledgers = [spec for spec in SPECS if policy.may_use(request.user, spec.model)]
    return render(request, "ledgers/index.html", {"ledgers": ledgers})


@login_required
def ledger_list(request: HttpRequest, slug: str) -> HttpResponse:
    spec = _spec(slug)
    courts = org_selectors.court_choices(actor=request.user)
    court_id = int_param(request.GET.get("court"))
    # The departments of the chosen court only: a province has thousands of them. Without a
    # court, only a department asked for (to validate it), or none (no query at all).
    department_id = None if court_id else int_param(request.GET.get("department"))
    if court_id or department_id:
        departments = org_selectors.department_list(actor=request.user, court=court_id)
        if department_id:
            departments = departments.filter(pk=department_id)
    else:
        departments = Department.objects.none()
    form = forms.LedgerFilterForm(
        request.GET or None, model=spec.model, courts=courts, departments=departments
    )
    filters = form.filters() if request.GET else {}
    rows = selectors.ledger_list(actor=request.user, model=spec.model, filters=filters)
    # Only the columns the table shows, as tuples: the page never needs the whole records.
    page = keyset_page(rows.values_list(*_ListRows.fields(spec)), request.GET, key=_first)
    return render(
        request,
        "ledgers/list.html",
        {
            "spec": spec,
            "form": form,
            "page": page,
            "headings": _ListRows.headings(spec),
            "table_rows": _ListRows(spec, request.path).html(page.rows),
            "may_create": policy.may_use(request.user, spec.model, policy.CHANGE),
        },
    )


def _first(row: tuple) -> Any:
    return row[0]


# The date format codes that are plain numbers (django.utils.dateformat), as str.format fields.
_NUMERIC_DATE_CODES = {
    "Y": "{0.year:04d}",
    "y": "{1:02d}",
    "m": "{0.month:02d}",
    "n": "{0.month}",
    "d": "{0.day:02d}",
    "j": "{0.day}",
}


@functools.lru_cache(maxsize=16)
def _date_formatter(fmt: str) -> Callable[[datetime.date], str]:
    """A function that writes a date as ``dateformat.format(value, fmt)`` does. A format of
    plain numbers (Chinese: Y年n月j日) is compiled once into str.format; any other (English
    month names) goes through Django's own formatter."""
    fields = []
    for index, piece in enumerate(dateformat.re_formatchars.split(fmt)):
        if index % 2:
            if piece not in _NUMERIC_DATE_CODES:
                return functools.partial(dateformat.format, format_string=fmt)
            fields.append(_NUMERIC_DATE_CODES[piece])
        elif piece:
            fields.append(
                dateformat.re_escaped.sub(r"\1", piece).replace("{", "{{").replace("}", "}}")
            )
    template = "".join(fields)
    return lambda value: template.format(value, value.year % 100)


class _ListRows:
    """The rows of a ledger list as HTML, built in Python: fifty rows of eight cells through
    the template engine cost several times the SQL that reads them. Every value is escaped
    (html.escape, as Django's escape does); choice labels are looked up once per page and
    dates formatted once per distinct value, in the request's language."""

    _LEAD = ("pk", "voided_at", "court__name", "department__name", "staff__name", "status")

    @classmethod
    def fields(cls, spec: LedgerSpec) -> tuple[str, ...]:
        return (*cls._LEAD, *spec.columns)

    @staticmethod
    def headings(spec: LedgerSpec) -> list[Any]:
        return [spec.model._meta.get_field(name).verbose_name for name in spec.columns]

    def __init__(self, spec: LedgerSpec, base: str) -> None:
        meta = spec.model._meta
        self.base = escape(base)
        self.columns = [meta.get_field(name) for name in spec.columns]
        self.status_labels = self._labels(meta.get_field("status"))
        self.column_labels = [self._labels(field) if field.choices else None for field in self]
        self.voided = escape(_("Voided"))
        self.dates: dict[Any, str] = {}
        self.date_text = _date_formatter(get_format("DATE_FORMAT"))

    def __iter__(self) -> Any:
        return iter(self.columns)

    @staticmethod
    def _labels(field: Any) -> dict[Any, str]:
        """A choice field's labels in the current language (what get_FOO_display shows)."""
        return {value: str(label) for value, label in field.flatchoices}

    def text(self, value: Any, labels: dict[Any, str] | None = None) -> str:
        if labels is not None:
            value = labels.get(value, value)
        if value is None or value == "":
            return "—"
        if isinstance(value, datetime.date):
            formatted = self.dates.get(value)
            if formatted is None:
                formatted = self.dates[value] = self.date_text(value)
            return escape(formatted)
        return escape(str(value))

    def html(self, rows: list[tuple]) -> SafeString:
        lead = len(self._LEAD)
        status_labels, column_labels, text = self.status_labels, self.column_labels, self.text
        parts = []
        for row in rows:
            pk, voided_at, court, department, staff, status = row[:lead]
            cells = "".join(
                f"<td>{text(value, labels)}</td>"
                for value, labels in zip(row[lead:], column_labels, strict=True)
            )
            void = voided_at is not None
            parts.append(
                ('<tr class="void">' if void else "<tr>")
                + f'<td><a href="{self.base}{pk}/">{pk}</a></td>'
                + f"<td>{escape(' '.join(filter(None, (court, department))))}</td>"
                + f"<td>{escape(str(staff))}</td>{cells}<td>{text(status, status_labels)}"
                + (f' <span class="badge">{self.voided}</span>' if void else "")
                + "</td></tr>\n"
            )
        return mark_safe("".join(parts))  # noqa: S308 - every value is escaped above


def _place_for(request: HttpRequest, court_id: Any) -> dict[str, Any]:
    return forms.place_querysets(
        courts=org_selectors.court_choices(actor=request.user), court_id=court_id
    )


def _own_only(request: HttpRequest, spec: LedgerSpec) -> bool:
    return services.enters_only_own(request.user, spec.model)


@login_required
def ledger_create(request: HttpRequest, slug: str) -> HttpResponse:
    spec = _spec(slug)
    if not policy.may_use(request.user, spec.model, policy.CHANGE):
        raise Http404
    own = _own_only(request, spec)
    if own and not (spec.own_fields and request.user.staff_id):
        raise Http404
    fields = (*spec.own_fields, "notes") if own else spec.edit_fields
    form_class = forms.ledger_form_class(spec, fields)
    data = request.POST if request.method == "POST" else None
    court_id = int_param((data or request.GET).get("court")) or _default_court(request)
    form = form_class(
        data,
        initial={"court": court_id},
        place=_place_for(request, court_id),
        options_url=reverse("ledgers:staff-options"),
    )
    if data is not None and form.is_valid():
        try:
            record = services.ledger_create(
                actor=request.user, model=spec.model, fields=form.payload()
            )
        except (ValidationError, PermissionDenied) as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The record was saved."))
            return redirect("ledgers:detail", slug=spec.slug, pk=record.pk)
    return render(
        request, "ledgers/form.html", {"spec": spec, "form": form, "record": None, "own": own}
    )


def _default_court(request: HttpRequest) -> Any:
    grants = policy.grants_of(request.user)
    return grants[0].court_id if grants else None


@login_required
def staff_options(request: HttpRequest) -> HttpResponse:
    """The department and staff choices for the court picked in a form (htmx swaps them)."""
    court_id = int_param(request.GET.get("court"))
    courts = org_selectors.court_choices(actor=request.user)
    if court_id and not courts.filter(pk=court_id).exists():
        court_id = None
    place = _place_for(request, court_id)
    return render(
        request,
        "ledgers/_place_options.html",
        {"departments": place["department"], "staff": place["staff"]},
    )


@login_required
def ledger_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    spec = _spec(slug)
    record = selectors.ledger_get(actor=request.user, model=spec.model, pk=pk)
    # Two policy checks whatever the record's state, so the page's query count is fixed.
    may = {action: policy.can(request.user, action, record) for action in policy.WRITE_ACTIONS}
    may_change, may_manage = may[policy.CHANGE], may[policy.MANAGE]
    steps = [
        step for step in workflows.transitions_from(spec.model, record.status) if may[step.action]
    ]
    context = {
        "spec": spec,
        "record": record,
        "rows": _rows(record, spec),
        "computed": computed_fields(record),
        "history": selectors.history_of(record),
        "attachments": selectors.attachments_of(record),
        "children": selectors.children_of(record),
        "child_meta": spec.child._meta if spec.child else None,
        "child_columns": [spec.child._meta.get_field(n) for n in spec.child_fields]
        if spec.child
        else [],
        "may_change": may_change and not record.is_void,
        "may_manage": may_manage and not record.is_void,
        # Whoever registers clues (officers, supervision, discipline) may raise one from here;
        # read from the cached assignments, no query.
        "may_raise_clue": policy.may_use(request.user, Clue, policy.CHANGE) and not record.is_void,
        "steps": [] if record.is_void else steps,
        "void_form": forms.VoidForm(initial={"version": record.version}),
        "attachment_form": forms.AttachmentForm(),
        "child_form": forms.child_form_class(spec)() if spec.child else None,
    }
    return render(request, "ledgers/detail.html", context)


def _rows(record: Any, spec: LedgerSpec) -> list[tuple[Any, Any]]:
    rows = []
    for name in (*spec.edit_fields, "status", "entered_by", "created_at"):
        field = record._meta.get_field(name)
        if field.many_to_many:
            value = "、".join(str(item) for item in getattr(record, name).all())
        elif field.choices:
            value = getattr(record, f"get_{name}_display")()
        else:
            value = getattr(record, name)
        rows.append((field.verbose_name, value))
    return rows


@login_required
def ledger_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    spec = _spec(slug)
    record = selectors.ledger_get(actor=request.user, model=spec.model, pk=pk)
    if not policy.can(request.user, policy.CHANGE, record) or record.is_void:
        raise Http404
    fields = tuple(sorted(services.editable_fields(request.user, record), key=_order(spec)))
    form_class = forms.ledger_form_class(spec, fields)
    data = request.POST if request.method == "POST" else None
    court_id = int_param((data or {}).get("court")) or record.court_id
    form = form_class(
        data,
        instance=copy.copy(record),
        place=_place_for(request, court_id),
        options_url=reverse("ledgers:staff-options"),
    )
    if data is not None and form.is_valid():
        try:
            services.ledger_update(
                actor=request.user,
                record=record,
                version=form.cleaned_data["version"],
                fields=form.payload(),
            )
        except (ValidationError, PermissionDenied, StaleEdit) as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The record was saved."))
            return redirect("ledgers:detail", slug=spec.slug, pk=record.pk)
    return render(
        request, "ledgers/form.html", {"spec": spec, "form": form, "record": record, "own": False}
    )


def _order(spec: LedgerSpec) -> Any:
    order = {name: index for index, name in enumerate(spec.edit_fields)}
    return lambda name: order.get(name, len(order))


@login_required
def ledger_step(request: HttpRequest, slug: str, pk: int, target: str) -> HttpResponse:
    spec = _spec(slug)
    record = selectors.ledger_get(actor=request.user, model=spec.model, pk=pk)
    step = workflows.find(spec.model, record.status, target)
    if step is None or record.is_void or not policy.can(request.user, step.action, record):
        raise Http404
    form_class = forms.transition_form_class(spec, step)
    data = request.POST if request.method == "POST" else None
    form = form_class(data, instance=copy.copy(record), initial={"version": record.version})
    if data is not None and form.is_valid():
        values = {name: form.cleaned_data[name] for name in step.fields}
        try:
            services.ledger_transition(
                actor=request.user,
                record=record,
                version=form.cleaned_data["version"],
                target=target,
                fields=values,
            )
        except (ValidationError, PermissionDenied, StaleEdit) as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("The status is now “%(status)s”.") % {"status": record.get_status_display()},
            )
            return redirect("ledgers:detail", slug=spec.slug, pk=record.pk)
    return render(
        request, "ledgers/step.html", {"spec": spec, "form": form, "record": record, "step": step}
    )


@login_required
@require_POST
def ledger_void(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    spec = _spec(slug)
    record = selectors.ledger_get(actor=request.user, model=spec.model, pk=pk)
    if not policy.can(request.user, policy.MANAGE, record):
        raise Http404
    form = forms.VoidForm(request.POST)
    if form.is_valid():
        try:
            services.ledger_void(
                actor=request.user,
                record=record,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, StaleEdit) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("The record was voided."))
    else:
        messages.error(request, _("Give the reason for voiding the record."))
    return redirect("ledgers:detail", slug=spec.slug, pk=record.pk)


@login_required
@require_POST
def attachment_upload(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    spec = _spec(slug)
    record = selectors.ledger_get(actor=request.user, model=spec.model, pk=pk)
    if not policy.can(request.user, policy.CHANGE, record):
        raise Http404
    form = forms.AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(
                actor=request.user,
                record=record,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The file was attached."))
    else:
        messages.error(request, _("Choose a file to attach."))
    return redirect("ledgers:detail", slug=spec.slug, pk=record.pk)


def _attachment(request: HttpRequest, slug: str, pk: int, aid: int) -> tuple[Any, Attachment]:
    spec = _spec(slug)
    record = selectors.ledger_get(actor=request.user, model=spec.model, pk=pk)
    attachment = selectors.attachments_of(record).filter(pk=aid).first()
    if attachment is None:
        raise Http404
    return record, attachment


@login_required
def attachment_download(request: HttpRequest, slug: str, pk: int, aid: int) -> HttpResponse:
    record, attachment = _attachment(request, slug, pk, aid)
    services.attachment_opened(actor=request.user, record=record, attachment=attachment)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.mime_type,
    )


@login_required
@require_POST
def attachment_void(request: HttpRequest, slug: str, pk: int, aid: int) -> HttpResponse:
    record, attachment = _attachment(request, slug, pk, aid)
    if not policy.can(request.user, policy.MANAGE, record):
        raise Http404
    try:
        services.attachment_void(
            actor=request.user,
            record=record,
            attachment=attachment,
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The attachment was voided."))
    return redirect("ledgers:detail", slug=slug, pk=pk)


@login_required
@require_POST
def child_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    spec = _spec(slug)
    if spec.child is None:
        raise Http404
    record = selectors.ledger_get(actor=request.user, model=spec.model, pk=pk)
    if not policy.can(request.user, policy.CHANGE, record):
        raise Http404
    form = forms.child_form_class(spec)(request.POST)
    if form.is_valid():
        try:
            services.child_add(actor=request.user, record=record, fields=form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The entry was added."))
            return redirect("ledgers:detail", slug=spec.slug, pk=record.pk)
    else:
        for field_errors in form.errors.values():
            messages.error(request, " ".join(field_errors))
    return redirect("ledgers:detail", slug=spec.slug, pk=record.pk)


@login_required
@require_POST
def quick_inquiry(request: HttpRequest) -> HttpResponse:
    """逢问必录 from the home page: a staff member records an inquiry about their own case."""
    spec = BY_SLUG["interference"]
    if not request.user.staff_id:
        raise Http404
    form = forms.ledger_form_class(spec, spec.own_fields)(request.POST)
    if form.is_valid():
        try:
            record = services.ledger_create(
                actor=request.user,
                model=spec.model,
                fields={name: form.cleaned_data[name] for name in spec.own_fields},
                about_self=True,
            )
        except (ValidationError, PermissionDenied) as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The inquiry was recorded. Thank you for recording it."))
            return redirect("ledgers:detail", slug=spec.slug, pk=record.pk)
    return render(
        request, "ledgers/form.html", {"spec": spec, "form": form, "record": None, "own": True}
    )


def quick_inquiry_form(*, actor: Any) -> Any:
    """The 逢问必录 form of the home page; the case number offers the user's own cases."""
    spec = BY_SLUG["interference"]
    form = forms.ledger_form_class(spec, spec.own_fields)(initial={"occurred_on": _today()})
    form.fields["case_number"].widget.attrs["list"] = "my-cases"
    form.my_cases = org_selectors.own_case_numbers(actor=actor)
    return form


def my_recent_inquiries(*, actor: Any) -> list[Any]:
    """The staff member's own latest inquiry records, for the home page."""
    spec = BY_SLUG["interference"]
    rows = selectors.ledger_list(actor=actor, model=spec.model, filters={"staff": actor.staff_id})
    return list(rows.order_by("-pk")[:5])
