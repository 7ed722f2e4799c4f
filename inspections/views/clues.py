"""The pages of clues, referrals and dispositions under /inspections/clues/. Thin: reads go
through inspections.selectors.clues (the scoping policy), writes through the services; a
service's refusal becomes the form's errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from integrity.access import policy
from integrity.org import selectors as org_selectors
from integrity.web.errors import submit
from integrity.web.paging import int_param, keyset_page
from ledgers import selectors as ledger_selectors
from ledgers.specs import SPECS

from ..forms import clues as forms
from ..models import Clue, Referral
from ..selectors import clues as selectors
from ..services import clues as services
from ..services import referrals as referral_services


def _submit(request: HttpRequest, form: Any, write: Callable[[dict], Any], *, done: str) -> Any:
    return submit(request, form, write, done=done, refused=_("You may not do this with this clue."))


def _default_court(request: HttpRequest) -> Any:
    grants = policy.grants_of(request.user)
    return grants[0].court_id if grants else None


def _after_save(request: HttpRequest, clue: Clue) -> HttpResponse:
    """To the clue's page; a clue about a leader of the user's own court is no longer theirs
    to see: it went to the discipline team."""
    if policy.can(request.user, policy.VIEW, clue):
        return redirect("inspections:clue-detail", pk=clue.pk)
    messages.info(
        request,
        _(
            "The clue concerns a court leader: it was referred to the discipline team at once "
            "and is no longer shown to you."
        ),
    )
    return redirect("inspections:clue-list")


# --- clues -----------------------------------------------------------------------------------


@login_required
def clue_list(request: HttpRequest) -> HttpResponse:
    if not policy.may_use(request.user, Clue):
        raise Http404
    form = forms.ClueFilterForm(
        request.GET or None, courts=org_selectors.court_choices(actor=request.user)
    )
    filters = form.filters() if request.GET else {}
    page = keyset_page(selectors.clue_list(actor=request.user, filters=filters), request.GET)
    return render(
        request,
        "inspections/clues/clue_list.html",
        {
            "form": form,
            "page": page,
            "may_create": policy.may_use(request.user, Clue, policy.CHANGE),
            "may_queue": policy.may_use(request.user, Referral),
        },
    )


@login_required
def clue_create(request: HttpRequest) -> HttpResponse:
    if not policy.may_use(request.user, Clue, policy.CHANGE):
        raise Http404
    data = request.POST if request.method == "POST" else None
    court_id = int_param((data or request.GET).get("court")) or _default_court(request)
    form = forms.ClueForm(
        data,
        courts=org_selectors.court_choices(actor=request.user),
        court_id=court_id,
        initial={"court": court_id, "source": Clue.Source.DIRECT, "is_confidential": True},
    )
    if data is not None and "reload" not in data:
        clue = _submit(
            request,
            form,
            lambda _data: services.clue_create(actor=request.user, fields=form.payload()),
            done=_("The clue was registered."),
        )
        if clue:
            return _after_save(request, clue)
    return render(request, "inspections/clues/clue_form.html", {"form": form, "clue": None})


def _ledger_record(request: HttpRequest) -> Any:
    label, pk = request.GET.get("model", ""), int_param(request.GET.get("pk"))
    # ``model`` is the record's app_label.model (ledgers.contactcase), or its ledger's slug.
    models = {spec.model._meta.label_lower: spec.model for spec in SPECS}
    models.update({spec.slug: spec.model for spec in SPECS})
    model = models.get(label.lower())
    if model is None or pk is None:
        raise Http404
    return ledger_selectors.ledger_get(actor=request.user, model=model, pk=pk)


@login_required
def clue_from_record(request: HttpRequest) -> HttpResponse:
    """Turn a ledger record into a clue (转为问题线索): court, department and staff member come
    from the record, which stays linked as the clue's source."""
    if not policy.may_use(request.user, Clue, policy.CHANGE):
        raise Http404
    record = _ledger_record(request)
    data = request.POST if request.method == "POST" else None
    form = forms.ClueForm(
        data,
        courts=org_selectors.court_choices(actor=request.user),
        court_id=record.court_id,
        editing=True,
        initial={
            **services.fields_from_record(record),
            "details": getattr(record, "description", "") or getattr(record, "content", ""),
        },
    )
    if data is not None:

        def write(_data: dict) -> Clue:
            fields = {
                **form.payload(),
                "court": record.court,
                "source": Clue.Source.LEDGER,
            }
            return services.clue_create(actor=request.user, fields=fields, source_object=record)

        clue = _submit(request, form, write, done=_("The clue was registered."))
        if clue:
            return _after_save(request, clue)
    return render(
        request,
        "inspections/clues/clue_form.html",
        {"form": form, "clue": None, "record": record, "record_meta": record._meta},
    )


@login_required
def clue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    clue = selectors.clue_get(actor=request.user, pk=pk)
    services.clue_viewed(actor=request.user, clue=clue)
    return _clue_page(request, clue)


def _clue_page(request: HttpRequest, clue: Clue, **bound: Any) -> HttpResponse:
    user = request.user
    may = {action: policy.can(user, action, clue) for action in policy.WRITE_ACTIONS}
    live = not clue.is_void
    referral = selectors.active_referral(clue)
    may_share = may[policy.MANAGE] and live and services.is_discipline_for(user, clue)
    context = {
        "clue": clue,
        "referral": referral,
        "source": selectors.source_label(clue),
        "attachments": selectors.attachments_of(clue),
        "history": selectors.history_of(clue),
        "may_change": may[policy.CHANGE] and live,
        "may_manage": may[policy.MANAGE] and live,
        "may_refer": may[policy.MANAGE] and live and referral is None,
        "may_share": may_share,
        "grantees": selectors.grantees_of(clue) if may_share else [],
        "void_form": bound.get("void_form") or forms.VoidForm(initial={"version": clue.version}),
        "share_form": bound.get("share_form") or forms.ShareForm(),
        "attachment_form": forms.AttachmentForm(),
    }
    return render(request, "inspections/clues/clue_detail.html", context)


def _clue_for(request: HttpRequest, pk: int, action: str) -> Clue:
    clue = selectors.clue_get(actor=request.user, pk=pk)
    if not policy.can(request.user, action, clue) or clue.is_void:
        raise Http404
    return clue


@login_required
def clue_edit(request: HttpRequest, pk: int) -> HttpResponse:
    clue = _clue_for(request, pk, policy.CHANGE)
    data = request.POST if request.method == "POST" else None
    form = forms.ClueForm(
        data,
        courts=org_selectors.court_choices(actor=request.user),
        court_id=clue.court_id,
        editing=True,
        initial={
            "version": clue.version,
            **{name: getattr(clue, name) for name in services.EDIT_FIELDS},
        },
    )
    if data is not None:
        saved = _submit(
            request,
            form,
            lambda values: services.clue_update(
                actor=request.user, clue=clue, version=values["version"], fields=form.payload()
            ),
            done=_("The clue was saved."),
        )
        if saved:
            return _after_save(request, clue)
    return render(request, "inspections/clues/clue_form.html", {"form": form, "clue": clue})


@login_required
@require_POST
def clue_void(request: HttpRequest, pk: int) -> HttpResponse:
    clue = _clue_for(request, pk, policy.MANAGE)
    form = forms.VoidForm(request.POST)
    if _submit(
        request,
        form,
        lambda data: services.clue_void(
            actor=request.user, clue=clue, version=data["version"], reason=data["reason"]
        ),
        done=_("The clue was voided."),
    ):
        return redirect("inspections:clue-detail", pk=clue.pk)
    clue.refresh_from_db()
    return _clue_page(request, clue, void_form=form)


@login_required
@require_POST
def clue_share(request: HttpRequest, pk: int) -> HttpResponse:
    clue = _clue_for(request, pk, policy.MANAGE)
    form = forms.ShareForm(request.POST)
    if _submit(
        request,
        form,
        lambda data: services.clue_share(
            actor=request.user, clue=clue, grantee=form.grantee(), reason=data["reason"]
        ),
        done=_("The clue was shared."),
    ):
        return redirect("inspections:clue-detail", pk=clue.pk)
    return _clue_page(request, clue, share_form=form)


@login_required
@require_POST
def clue_unshare(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    clue = _clue_for(request, pk, policy.MANAGE)
    grantee = next((u for u in selectors.grantees_of(clue) if u.pk == user_id), None)
    if grantee is None:
        raise Http404
    try:
        services.clue_unshare(actor=request.user, clue=clue, grantee=grantee)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("The share was withdrawn."))
    return redirect("inspections:clue-detail", pk=clue.pk)


@login_required
def clue_refer(request: HttpRequest, pk: int) -> HttpResponse:
    """Refer the clue to the discipline team with a referral letter (移送函)."""
    clue = _clue_for(request, pk, policy.MANAGE)
    data = request.POST if request.method == "POST" else None
    form = forms.ReferForm(data, initial={"letter": referral_services.default_letter(clue)})
    if data is not None:
        referral = _submit(
            request,
            form,
            lambda values: referral_services.referral_create(
                actor=request.user,
                clue=clue,
                letter=values["letter"],
                referred_on=values.get("referred_on"),
            ),
            done=_("The clue was referred to the discipline team."),
        )
        if referral:
            if policy.can(request.user, policy.VIEW, referral):
                return redirect("inspections:referral-detail", pk=referral.pk)
            return redirect("inspections:clue-detail", pk=clue.pk)
    return render(request, "inspections/clues/clue_refer.html", {"form": form, "clue": clue})


@login_required
@require_POST
def clue_attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    clue = _clue_for(request, pk, policy.CHANGE)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.clue_attachment_add(
                actor=request.user,
                clue=clue,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The file was attached."))
    else:
        messages.error(request, _("Choose a file to attach."))
    return redirect("inspections:clue-detail", pk=clue.pk)


@login_required
def clue_attachment_download(request: HttpRequest, pk: int, aid: int) -> HttpResponse:
    clue = selectors.clue_get(actor=request.user, pk=pk)
    attachment = selectors.attachments_of(clue).filter(pk=aid).first()
    if attachment is None:
        raise Http404
    services.clue_attachment_opened(actor=request.user, clue=clue, attachment=attachment)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.mime_type,
    )


# --- referrals -------------------------------------------------------------------------------


@login_required
def referral_list(request: HttpRequest) -> HttpResponse:
    """The discipline team's queue, with each stage's due date."""
    if not policy.may_use(request.user, Referral):
        raise Http404
    form = forms.ReferralFilterForm(
        request.GET or None, courts=org_selectors.court_choices(actor=request.user)
    )
    filters = form.filters() if request.GET else {}
    page = keyset_page(selectors.referral_list(actor=request.user, filters=filters), request.GET)
    rows = [{"referral": r, "due": selectors.stage_due(r)} for r in page.rows]
    return render(
        request,
        "inspections/clues/referral_list.html",
        {"form": form, "page": page, "rows": rows, "today": referral_services.today()},
    )


@login_required
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = selectors.referral_get(actor=request.user, pk=pk)
    may_manage = policy.can(request.user, policy.MANAGE, referral) and not referral.is_void
    steps = referral_services.allowed_steps(referral) if may_manage else ()
    labels = dict(Referral.Stage.choices)
    return render(
        request,
        "inspections/clues/referral_detail.html",
        {
            "referral": referral,
            "clue": referral.clue,
            "due": selectors.stage_due(referral),
            "today": referral_services.today(),
            "disposition": selectors.disposition_of(referral),
            "steps": [(stage, labels[stage]) for stage in steps],
            "may_dispose": may_manage
            and referral.stage in (Referral.Stage.FILED, Referral.Stage.CLOSED),
            "history": selectors.history_of(referral),
        },
    )


@login_required
def referral_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable referral letter (移送函)."""
    referral = selectors.referral_get(actor=request.user, pk=pk)
    return render(
        request,
        "inspections/clues/referral_letter.html",
        {"referral": referral, "clue": referral.clue},
    )


def _referral_for_manage(request: HttpRequest, pk: int) -> Referral:
    referral = selectors.referral_get(actor=request.user, pk=pk)
    if not policy.can(request.user, policy.MANAGE, referral) or referral.is_void:
        raise Http404
    return referral


@login_required
def referral_step(request: HttpRequest, pk: int, target: str) -> HttpResponse:
    referral = _referral_for_manage(request, pk)
    if target not in referral_services.allowed_steps(referral):
        raise Http404
    data = request.POST if request.method == "POST" else None
    form = forms.StepForm(data, target=target, initial={"version": referral.version})
    if data is not None:
        done = _submit(
            request,
            form,
            lambda values: referral_services.referral_step(
                actor=request.user,
                referral=referral,
                version=values["version"],
                target=target,
                on=values.get("on"),
                way=values.get("way", ""),
                findings=values.get("findings", ""),
            ),
            done=_("The referral moved to the next stage."),
        )
        if done:
            return redirect("inspections:referral-detail", pk=referral.pk)
        referral.refresh_from_db()
    return render(
        request,
        "inspections/clues/referral_step.html",
        {"referral": referral, "form": form, "target": dict(Referral.Stage.choices)[target]},
    )


@login_required
def disposition_create(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _referral_for_manage(request, pk)
    data = request.POST if request.method == "POST" else None
    form = forms.DispositionForm(data, initial={"version": referral.version})
    if data is not None:
        done = _submit(
            request,
            form,
            lambda values: referral_services.disposition_create(
                actor=request.user,
                referral=referral,
                version=values["version"],
                fields=form.fields_payload(),
                contact=form.contact_payload(),
            ),
            done=_("The disposition was recorded."),
        )
        if done:
            return redirect("inspections:referral-detail", pk=referral.pk)
        referral.refresh_from_db()
    contact_source = apps.get_model("ledgers", "ContactCase")
    from_ledger_2 = (
        referral.clue.source_type_id is not None
        and referral.clue.source_type.model_class() is contact_source
    )
    return render(
        request,
        "inspections/clues/disposition_form.html",
        {"referral": referral, "form": form, "from_ledger_2": from_ledger_2},
    )
