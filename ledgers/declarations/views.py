"""The declaration pages under /declarations/: campaigns (list, open, progress, edit, close,
void, one-click reminder), one declaration (what was declared, the sign-off chain, revisions,
history), filing it, signing or returning it, starting a correction, and the signer's queue.
Thin: reads go through ledgers.declarations.selectors, writes through its services, and what
a user may do is decided by the scoping policy and the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from integrity.access import policy
from integrity.access.models import Role
from integrity.audit.selectors import object_history
from integrity.concurrency import StaleEdit
from integrity.org import selectors as org_selectors
from integrity.org.models import Court, Department
from integrity.web.errors import add_service_errors, submit
from integrity.web.paging import int_param, keyset_page

from ..models import Campaign, Declaration, Signature
from . import forms, selectors, services

OPEN_WORK = (Declaration.Status.PENDING, Declaration.Status.RETURNED)


def _today() -> Any:
    return timezone.localdate()


def _add_errors(form: Any, error: Exception) -> None:
    add_service_errors(
        form, error, refused=_("You may not do this with this declaration or campaign.")
    )


def _submit(request: HttpRequest, form: Any, write: Callable[[dict], Any], *, done: str) -> Any:
    return submit(
        request,
        form,
        write,
        done=done,
        refused=_("You may not do this with this declaration or campaign."),
    )


# --- Campaigns -------------------------------------------------------------------------------


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    """The campaigns in scope (filters: status, kind, court), the user's own open tasks and
    the way to open a new campaign."""
    user: Any = request.user
    # Staff file their own declarations; campaigns are followed by the office and the signers.
    follows = policy.may_use(user, Campaign)
    form = page = None
    if follows:
        form = forms.CampaignFilterForm(
            request.GET or None, courts=org_selectors.court_choices(actor=user)
        )
        filters = form.filters() if request.GET else {}
        page = keyset_page(selectors.campaign_list(user, **filters), request.GET)
    context = {
        "follows": follows,
        "form": form,
        "page": page,
        "today": _today(),
        "tasks": _my_tasks(user),
        "may_open": policy.may_use(user, Campaign, policy.CHANGE),
        "may_sign": bool(policy.roles_of(user) & {Role.CHIEF, Role.LEADER}),
    }
    return render(request, "ledgers/declarations/campaign_list.html", context)


def _my_tasks(user: Any, limit: int = 20) -> list[dict[str, Any]]:
    if not user.staff_id:
        return []
    return task_rows(list(selectors.my_tasks(user)[:limit]), _today())


def _default_court(user: Any) -> int | None:
    grants = [g for g in policy.grants_of(user) if g.role in (Role.OFFICER, Role.ADMIN)]
    return grants[0].court_id if grants else None


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    """Open a campaign: every serving staff member in scope gets a task."""
    user: Any = request.user
    if not policy.may_use(user, Campaign, policy.CHANGE):
        raise Http404
    courts = org_selectors.court_choices(actor=user)
    kind = request.GET.get("kind")
    if kind not in Campaign.Kind.values:
        kind = Campaign.Kind.RELATIVES
    court_id = int_param(request.GET.get("court")) or _default_court(user)
    data = request.POST if request.method == "POST" else None
    form = forms.CampaignForm(
        data,
        courts=courts,
        initial=forms.campaign_initial(kind, _today(), court_id),
        reload_url=reverse("declarations:campaign-create"),
    )
    if data is not None and form.is_valid():
        try:
            campaign = services.campaign_open(actor=user, **form.payload())
        except (ValidationError, PermissionDenied) as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("The campaign was opened: %(count)s staff members have a task.")
                % {"count": campaign.task_count},
            )
            return redirect("declarations:campaign", pk=campaign.pk)
    return render(request, "ledgers/declarations/campaign_form.html", {"form": form})


def _campaign_page(
    request: HttpRequest, campaign: Campaign, *, status: int = 200, **bound: Any
) -> HttpResponse:
    user: Any = request.user
    params = request.GET
    may_change = policy.can(user, policy.CHANGE, campaign)
    courts = org_selectors.court_choices(actor=user)
    court_id = int_param(params.get("court"))
    progress = selectors.campaign_progress(
        user,
        campaign,
        _today(),
        court=court_id,
        overdue_after=int_param(params.get("overdue_after")),
        awaiting_after=int_param(params.get("awaiting_after")),
    )
    context = {
        "campaign": campaign,
        "progress": progress,
        "awaiting": [
            {"declaration": row, "stage": _role_label(row.next_role)} for row in progress.awaiting
        ],
        "awaited": [
            {"stage": stage, "role": _role_label(stage.role)} for stage in progress.awaited
        ],
        "court_form": forms.CampaignFilterForm(
            {"court": court_id} if court_id else None, courts=courts
        ),
        "more_overdue": _more(params, "overdue_after", progress.overdue_next),
        "more_awaiting": _more(params, "awaiting_after", progress.awaiting_next),
        "today": _today(),
        "history": object_history(campaign),
        "may_change": may_change and campaign.is_open,
        "may_void": may_change and not campaign.is_void,
        "edit_form": bound.get("edit_form") or forms.CampaignEditForm.for_campaign(campaign),
        "close_form": bound.get("close_form")
        or forms.VersionForm(initial={"version": campaign.version}),
        "void_form": bound.get("void_form")
        or forms.CampaignVoidForm(initial={"version": campaign.version}),
    }
    return render(request, "ledgers/declarations/campaign_detail.html", context, status=status)


def _role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


def _more(params: Any, key: str, value: int | None) -> str | None:
    """The link to the next page of one of the progress page's lists."""
    if value is None:
        return None
    query = params.copy()
    query[key] = str(value)
    return "?" + query.urlencode()


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress for the office and the signers: counts per court and department, who is
    overdue, who awaits whose signature."""
    return _campaign_page(request, selectors.campaign_get(request.user, pk))


def _campaign_for_change(request: HttpRequest, pk: int) -> Campaign:
    campaign = selectors.campaign_get(request.user, pk)
    if not policy.can(request.user, policy.CHANGE, campaign):
        raise Http404
    return campaign


@login_required
@require_POST
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign_for_change(request, pk)
    form = forms.CampaignEditForm(request.POST)
    if _submit(
        request,
        form,
        lambda data: services.campaign_update(
            actor=request.user,
            campaign=campaign,
            version=data["version"],
            fields=form.changed_fields(),
        ),
        done=_("The campaign was saved."),
    ):
        return redirect("declarations:campaign", pk=campaign.pk)
    return _campaign_page(request, _fresh(campaign), edit_form=form)


def _fresh(campaign: Campaign) -> Campaign:
    """The campaign as stored now (a refused write may have left the instance changed)."""
    campaign.refresh_from_db()
    return campaign


@login_required
@require_POST
def campaign_close(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign_for_change(request, pk)
    form = forms.VersionForm(request.POST)
    if _submit(
        request,
        form,
        lambda data: services.campaign_close(
            actor=request.user, campaign=campaign, version=data["version"]
        ),
        done=_("The campaign was closed."),
    ):
        return redirect("declarations:campaign", pk=campaign.pk)
    return _campaign_page(request, _fresh(campaign), close_form=form)


@login_required
@require_POST
def campaign_void(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign_for_change(request, pk)
    form = forms.CampaignVoidForm(request.POST)
    if _submit(
        request,
        form,
        lambda data: services.campaign_void(
            actor=request.user, campaign=campaign, version=data["version"], reason=data["reason"]
        ),
        done=_("The campaign was voided."),
    ):
        return redirect("declarations:campaign", pk=campaign.pk)
    return _campaign_page(request, _fresh(campaign), void_form=form)


@login_required
@require_POST
def campaign_remind(request: HttpRequest, pk: int) -> HttpResponse:
    """一键催报: remind every staff member whose declaration is overdue."""
    campaign = _campaign_for_change(request, pk)
    try:
        count = services.campaign_remind_overdue(actor=request.user, campaign=campaign)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [])) or _("Refused."))
    else:
        if count:
            messages.success(
                request,
                _("%(count)s overdue staff members were reminded.") % {"count": count},
            )
        else:
            messages.info(request, _("Nobody was reminded: nobody is overdue, or all were today."))
    return redirect("declarations:campaign", pk=campaign.pk)


# --- Declarations ----------------------------------------------------------------------------


def _chain(
    declaration: Declaration, signatures: list[Signature], returns: list[Signature]
) -> list[dict[str, Any]]:
    """Each stage of the sign-off chain with its signature in the filing shown: the current
    one, or for a returned declaration the filing that was returned."""
    filing = len(returns) + (0 if declaration.status == Declaration.Status.RETURNED else 1)
    signed = {
        s.stage: s
        for s in signatures
        if s.decision == Signature.Decision.SIGNED and s.filing == filing
    }
    stages = declaration.chain or []
    court_ids = {stage.get("court") for stage in stages} - {None}
    department_ids = {stage.get("department") for stage in stages} - {None}
    courts = dict(Court.objects.filter(pk__in=court_ids).values_list("pk", "name"))
    departments = (
        dict(Department.objects.filter(pk__in=department_ids).values_list("pk", "name"))
        if department_ids
        else {}
    )
    return [
        {
            "index": index + 1,
            "role": _role_label(stage["role"]),
            "court": courts.get(stage.get("court"), ""),
            "department": departments.get(stage.get("department"), ""),
            "signature": signed.get(index),
            "awaited": declaration.status == Declaration.Status.FILED
            and index == declaration.signatures_done,
        }
        for index, stage in enumerate(stages)
    ]


def _is_owner(user: Any, declaration: Declaration) -> bool:
    return bool(user.staff_id) and user.staff_id == declaration.staff_id


def _holds_stage(user: Any, declaration: Declaration) -> bool:
    """Whether the user holds the role the awaited stage names, so the page offers the sign
    and return forms (the service decides whether the signature is accepted)."""
    stage = declaration.awaiting_stage
    if stage is None or _is_owner(user, declaration):
        return False
    for grant in policy.grants_of(user):
        if grant.role != stage["role"] or grant.court_id != stage["court"]:
            continue
        if stage["role"] == Role.CHIEF and grant.department_id not in (None, stage["department"]):
            continue
        return True
    return False


def _declaration_page(
    request: HttpRequest, declaration: Declaration, *, status: int = 200, **bound: Any
) -> HttpResponse:
    user: Any = request.user
    campaign = declaration.campaign
    signatures = list(declaration.signatures.all())
    returns = [s for s in signatures if s.decision == Signature.Decision.RETURNED]
    may_change = policy.can(user, policy.CHANGE, declaration)
    is_open = campaign.is_open
    correction = getattr(declaration, "correction", None)
    context = {
        "declaration": declaration,
        "campaign": campaign,
        "today": _today(),
        "overdue": declaration.status in OPEN_WORK and _today() > campaign.due_on,
        "relatives": list(declaration.relatives.all()) if campaign.is_relatives else [],
        "inquiries": list(declaration.inquiries.all()) if not campaign.is_relatives else [],
        "chain": _chain(declaration, signatures, returns),
        "returns": returns,
        "correction_id": correction.pk if correction is not None else None,
        "history": selectors.declaration_history(user, declaration),
        "record": declaration,
        "may_view_campaign": policy.may_use(user, Campaign),
        "may_file": may_change and declaration.is_editable and is_open,
        "on_behalf": not _is_owner(user, declaration),
        "may_correct": may_change
        and declaration.status == Declaration.Status.SIGNED
        and declaration.is_current
        and is_open,
        "may_sign": _holds_stage(user, declaration) and not campaign.is_void,
        "sign_form": bound.get("sign_form")
        or forms.SignForm(
            initial={
                "version": declaration.version,
                "statement": str(services.DEFAULT_ATTESTATION),
            }
        ),
        "return_form": bound.get("return_form")
        or forms.ReturnForm(initial={"version": declaration.version}),
    }
    return render(request, "ledgers/declarations/declaration_detail.html", context, status=status)


@login_required
def declaration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _declaration_page(request, selectors.declaration_get(request.user, pk))


@login_required
def declaration_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The filer's form: the relatives practising law (or "none"), or for the 三个规定
    report the period's inquiries (or a zero report)."""
    user: Any = request.user
    declaration = selectors.declaration_get(user, pk)
    if not policy.can(user, policy.CHANGE, declaration):
        raise Http404
    campaign = declaration.campaign
    if not (declaration.is_editable and campaign.is_open):
        messages.error(request, _("This declaration can no longer be filed or changed."))
        return redirect("declarations:detail", pk=declaration.pk)
    data = request.POST if request.method == "POST" else None
    inquiries = None if campaign.is_relatives else forms.own_inquiries(user, declaration)
    form = forms.DeclarationForm(
        data,
        declaration=declaration,
        inquiries=inquiries,
        initial=forms.DeclarationForm.initial_for(declaration),
    )
    formset = None
    spare = int_param(request.GET.get("rows")) or forms.SPARE_ROWS
    if campaign.is_relatives:
        formset = forms.relative_formset(spare)(
            data,
            prefix="relatives",
            # What was filed before, to change; a submitted form carries every row itself.
            initial=forms.relative_initial(declaration) if data is None else None,
            areas=forms.firm_areas(declaration.court_id),
        )
    if data is not None and form.is_valid() and (formset is None or formset.is_valid()):
        try:
            services.declaration_file(
                actor=user,
                declaration=declaration,
                version=form.cleaned_data["version"],
                has_nothing=form.cleaned_data["has_nothing"],
                relatives=formset.relatives() if formset is not None else (),
                inquiries=list(form.cleaned_data.get("inquiries") or ()),
                statement=form.cleaned_data["statement"],
            )
        except (ValidationError, PermissionDenied, StaleEdit) as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Your declaration was filed. It now awaits signature."))
            return redirect("declarations:detail", pk=declaration.pk)
    context = {
        "declaration": declaration,
        "campaign": campaign,
        "form": form,
        "formset": formset,
        "on_behalf": not _is_owner(user, declaration),
        "more_rows": min(spare + forms.SPARE_ROWS, forms.MAX_RELATIVES),
        "today": _today(),
    }
    return render(request, "ledgers/declarations/declaration_form.html", context)


@login_required
@require_POST
def declaration_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign the awaited stage with an attestation (领导背书)."""
    declaration = selectors.declaration_get(request.user, pk)
    form = forms.SignForm(request.POST)
    if _submit(
        request,
        form,
        lambda data: services.declaration_sign(
            actor=request.user,
            declaration=declaration,
            version=data["version"],
            statement=data["statement"],
        ),
        done=_("You signed the declaration."),
    ):
        return redirect("declarations:detail", pk=declaration.pk)
    return _declaration_page(request, _reloaded(request, declaration), sign_form=form)


def _reloaded(request: HttpRequest, declaration: Declaration) -> Declaration:
    """The declaration as stored now (nothing of a refused write shows)."""
    return selectors.declaration_get(request.user, declaration.pk)


@login_required
@require_POST
def declaration_return(request: HttpRequest, pk: int) -> HttpResponse:
    """Return the declaration to the filer with a reason."""
    declaration = selectors.declaration_get(request.user, pk)
    form = forms.ReturnForm(request.POST)
    if _submit(
        request,
        form,
        lambda data: services.declaration_return(
            actor=request.user,
            declaration=declaration,
            version=data["version"],
            reason=data["reason"],
        ),
        done=_("The declaration was returned to the filer."),
    ):
        return redirect("declarations:detail", pk=declaration.pk)
    return _declaration_page(request, _reloaded(request, declaration), return_form=form)


@login_required
@require_POST
def declaration_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a correction of a signed declaration: a new revision, filed and signed again."""
    declaration = selectors.declaration_get(request.user, pk)
    try:
        correction = services.declaration_correct(actor=request.user, declaration=declaration)
    except (ValidationError, PermissionDenied) as error:
        messages.error(
            request,
            " ".join(getattr(error, "messages", [])) or _("You may not correct this declaration."),
        )
        return redirect("declarations:detail", pk=declaration.pk)
    messages.success(request, _("A correction was started. File it to have it signed again."))
    return redirect("declarations:file", pk=correction.pk)


@login_required
def sign_queue(request: HttpRequest) -> HttpResponse:
    """The declarations awaiting the user's signature, longest waiting first."""
    page = keyset_page(selectors.awaiting_signature(request.user), request.GET)
    rows = [{"declaration": row, "stage": _role_label(row.next_role)} for row in page.rows]
    return render(
        request,
        "ledgers/declarations/sign_queue.html",
        {"page": page, "rows": rows, "today": _today()},
    )


def home_tasks(*, actor: Any, today: Any, limit: int = 10) -> list[dict[str, Any]]:
    """The home page's "my declarations": what the user still has to file (or correct), and
    what awaits signature, soonest due first, with overdue marks."""
    if not actor.staff_id:
        return []
    rows = selectors.my_tasks(actor).filter(status__in=(*OPEN_WORK, Declaration.Status.FILED))
    return task_rows(list(rows[:limit]), today)


def task_rows(declarations: list[Declaration], today: Any) -> list[dict[str, Any]]:
    return [
        {
            "declaration": d,
            "overdue": d.status in OPEN_WORK and today > d.campaign.due_on,
            "fileable": d.is_editable and d.campaign.is_open,
        }
        for d in declarations
    ]


def home_awaiting(*, actor: Any, limit: int = 10) -> list[Declaration] | None:
    """The declarations awaiting the user's signature (None for users who sign nothing)."""
    if not policy.roles_of(actor) & {Role.CHIEF, Role.LEADER}:
        return None
    return list(selectors.awaiting_signature(actor)[:limit])
