"""Every write to declarations (issue 4; shared/DOMAIN.md ledger 3 and "Reminders").

An officer opens a campaign and every serving staff member in scope gets a task in one
statement; the staff member files (relatives practising law or an explicit "none"; for the
三个规定 report the period's inquiries or a zero report); the signers of the chain
(:mod:`ledgers.declarations.rules`) sign in order or return it with a reason; the final
signature makes the declaration final and brings ledger 3 up to date (:func:`sync_relatives`).
A signed declaration never changes: a correction is a new revision.

Each service checks access through the policy, validates, saves and audits in one transaction;
notifications are written in the same transaction and mailed after it commits. The pages, the
API, the demo seeder and the tasks all call these functions.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, Value
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from integrity.access import policy
from integrity.access.models import Role
from integrity.audit import events
from integrity.concurrency import claim_version
from integrity.notify import kinds
from integrity.notify import services as notify
from integrity.notify.reminders import Due
from integrity.org.casenumbers import normalize_licence_number
from integrity.org.models import Court, Department, StaffMember
from ledgers import rules as ledger_rules
from ledgers import services as ledger_services
from ledgers.models import (
    Campaign,
    Declaration,
    DeclaredRelative,
    InterferenceRecord,
    RelativePractice,
    Signature,
)

from . import rules

# The attestation a signer makes unless they write their own (领导背书: the signer answers for
# what they sign).
DEFAULT_ATTESTATION = gettext_lazy("I have checked this declaration and answer for it.")

# What a filer declares about each relative (DeclaredRelative's fields).
RELATIVE_FIELDS = (
    "relative_name",
    "relationship",
    "law_firm",
    "licence_number",
    "firm_area",
    "role",
    "acts_in_jurisdiction",
    "practising_since",
)
# Of a matched ledger-3 record, what a signed declaration brings up to date.
SYNCED_FIELDS = (
    "relative_name",
    "law_firm",
    "licence_number",
    "firm_area",
    "role",
    "acts_in_jurisdiction",
    "practising_since",
)
CAMPAIGN_EDIT_FIELDS = ("title", "due_on", "notes", "period_start", "period_end")
PERIOD_FIELDS = ("period_start", "period_end")
OPEN_WORK = (Declaration.Status.PENDING, Declaration.Status.RETURNED)

SIGNED_KIND = "ledgers.declaration.signed"
RETURNED_KIND = "ledgers.declaration.returned"
REMINDED_KIND = "ledgers.declaration.reminded"

kinds.register(
    kinds.Kind(
        SIGNED_KIND,
        gettext_lazy("Your declaration “%(campaign)s” has been signed"),
        gettext_lazy("%(signer)s signed last; the declaration is final."),
    ),
    kinds.Kind(
        RETURNED_KIND,
        gettext_lazy("Your declaration “%(campaign)s” was returned"),
        gettext_lazy(
            "%(signer)s returned it with this reason: %(reason)s Correct it and file it again "
            "by %(due_on)s."
        ),
    ),
    kinds.Kind(
        REMINDED_KIND,
        gettext_lazy("Reminder: your declaration “%(campaign)s” is overdue"),
        gettext_lazy("It was due on %(due_on)s. Please file it now."),
    ),
)


# --- helpers ------------------------------------------------------------------------------
def _today() -> datetime.date:
    return timezone.localdate()


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _day(value: datetime.date) -> str:
    """A date as the notification shows it (2026年3月5日 in the default language)."""
    with translation.override(settings.LANGUAGE_CODE):
        return formats.date_format(value, "DATE_FORMAT")


def _url(declaration: Declaration) -> str:
    return f"/declarations/{declaration.pk}/"


def _refuse_closed(campaign: Campaign) -> None:
    if campaign.is_void:
        raise ValidationError(_("This campaign has been voided; nothing can be done in it."))
    if campaign.status != Campaign.Status.OPEN:
        raise ValidationError(_("This campaign is closed; nothing more can be filed in it."))


def _campaign_snapshot(campaign: Campaign) -> dict[str, Any]:
    return events.snapshot(campaign)


def _declaration_snapshot(declaration: Declaration) -> dict[str, Any]:
    data = events.snapshot(declaration)
    data["relatives"] = [
        events.snapshot(relative, RELATIVE_FIELDS) for relative in declaration.relatives.all()
    ]
    data["inquiries"] = sorted(declaration.inquiries.values_list("pk", flat=True))
    return data


# --- campaigns ----------------------------------------------------------------------------
@transaction.atomic
def campaign_open(
    *,
    actor: Any,
    kind: str,
    title: str,
    court: Court,
    covers_subordinates: bool,
    period_start: datetime.date,
    period_end: datetime.date,
    due_on: datetime.date,
    notes: str = "",
) -> Campaign:
    """Open a declaration campaign (the yearly relatives declaration, the periodic report of
    other relatives, or the periodic 三个规定 report) and give every serving staff member of
    the court, and of the courts below if chosen, their task, in one statement whatever their
    number. Everyone is told by the next reminder sweep, scheduled when this commits."""
    if actor is not None and not policy.may_use(actor, Campaign, policy.CHANGE):
        raise PermissionDenied
    campaign = Campaign(
        kind=kind,
        title=(title or "").strip(),
        court=court,
        covers_subordinates=bool(covers_subordinates),
        period_start=period_start,
        period_end=period_end,
        due_on=due_on,
        notes=(notes or "").strip(),
        opened_by=_user(actor),
    )
    campaign.full_clean()
    if not court.is_active:
        raise ValidationError({"court": [_("This court is no longer active.")]})
    campaign.save()
    if not (actor is None or policy.can(actor, policy.CHANGE, campaign)):
        raise ValidationError({"court": [_("You may not open a campaign for this court.")]})
    if campaign.covers_subordinates and not _reaches_below(actor, court):
        raise ValidationError(
            {
                "covers_subordinates": [
                    _("Your role does not reach the courts below this one; leave them out.")
                ]
            }
        )
    campaign.task_count = _fan_out(campaign)
    Campaign.objects.filter(pk=campaign.pk).update(task_count=campaign.task_count)
    events.record(
        actor=actor,
        action="ledgers.campaign.open",
        obj=campaign,
        changes={
            **events.diff({}, _campaign_snapshot(campaign)),
            "tasks": [None, campaign.task_count],
        },
    )
    notify.sweep_soon()
    return campaign


def _reaches_below(actor: Any, court: Court) -> bool:
    """Whether ``actor`` may keep campaigns for every court below ``court``."""
    if actor is None or actor.is_superuser:
        return True
    rule = policy.rule_for(Campaign)
    grants = [
        g
        for g in policy.grants_of(actor)
        if rule.reach_for(policy.CHANGE, g.role) is policy.Reach.JURISDICTION
    ]
    covering = [g.court_path for g in grants if g.covers_subordinates]
    if any(court.path.startswith(path) for path in covering):
        return True
    single = {g.court_id for g in grants}
    below = Court.objects.filter(path__startswith=court.path).values_list("pk", "path")
    return all(pk in single or any(p.startswith(c) for c in covering) for pk, p in below)


def _fan_out(campaign: Campaign) -> int:
    """One task per serving staff member in the campaign's reach, as a single
    ``INSERT … SELECT`` built from the staff queryset (350,000 staff are one statement)."""
    staff = StaffMember.objects.filter(status=StaffMember.Status.SERVING)
    if campaign.covers_subordinates:
        staff = staff.filter(court__path__startswith=campaign.court.path)
    else:
        staff = staff.filter(court_id=campaign.court_id)
    from_staff = {"campaign": Value(campaign.pk), "staff": F("pk")}
    from_staff |= {"court": F("court_id"), "department": F("department_id")}
    now = timezone.now()
    columns, values = [], {}
    for field in Declaration._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.name in from_staff:
            value = from_staff[field.name]
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = Value(now, output_field=field)
        elif field.null and field.get_default() is None:
            continue
        else:
            value = Value(field.get_default(), output_field=field)
        alias = f"v_{field.column}"
        columns.append((field.column, alias))
        values[alias] = value
    select = staff.order_by().annotate(**values).values_list(*values)
    sql, params = select.query.sql_with_params()
    quote = connection.ops.quote_name
    # Table and column names come from the model, every value is a parameter.
    insert = "INSERT INTO {table} ({columns}) SELECT {aliases} FROM ({select}) {source}".format(  # noqa: S608
        table=quote(Declaration._meta.db_table),
        columns=", ".join(quote(column) for column, _alias in columns),
        aliases=", ".join(f"{quote('s')}.{quote(alias)}" for _column, alias in columns),
        select=sql,
        source=quote("s"),
    )
    with connection.cursor() as cursor:
        cursor.execute(insert, params)
        return cursor.rowcount


@transaction.atomic
def campaign_update(
    *, actor: Any, campaign: Campaign, version: Any, fields: Mapping[str, Any]
) -> Campaign:
    """Correct an open campaign's title, due date or notes; its period only while nothing has
    been filed (what was filed was filed for that period)."""
    policy.require(actor, policy.CHANGE, campaign)
    _refuse_closed(campaign)
    unknown = sorted(set(fields) - set(CAMPAIGN_EDIT_FIELDS))
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(fields)s.") % {"fields": ", ".join(unknown)}
        )
    before = _campaign_snapshot(campaign)
    moves_period = any(
        name in fields and fields[name] != getattr(campaign, name) for name in PERIOD_FIELDS
    )
    if moves_period and campaign.declarations.exclude(status=Declaration.Status.PENDING).exists():
        raise ValidationError(
            {"period_start": [_("The period cannot change once declarations have been filed.")]}
        )
    fields = dict(fields)
    if isinstance(fields.get("title"), str):
        fields["title"] = fields["title"].strip()
    candidate = copy.copy(campaign)  # validated first: a refused edit leaves ``campaign`` as is
    events.apply(candidate, fields)
    candidate.full_clean()
    claim_version(campaign, version)
    events.apply(campaign, fields)
    campaign.save()
    events.record(
        actor=actor,
        action="ledgers.campaign.update",
        obj=campaign,
        changes=events.diff(before, _campaign_snapshot(campaign)),
    )
    return campaign


@transaction.atomic
def campaign_close(*, actor: Any, campaign: Campaign, version: Any) -> Campaign:
    """Close a campaign: nothing more is filed or reminded; what was filed can still be
    signed."""
    policy.require(actor, policy.CHANGE, campaign)
    _refuse_closed(campaign)
    before = _campaign_snapshot(campaign)
    claim_version(campaign, version)
    campaign.status = Campaign.Status.CLOSED
    campaign.closed_at = timezone.now()
    campaign.save(update_fields=["status", "closed_at", "updated_at"])
    events.record(
        actor=actor,
        action="ledgers.campaign.close",
        obj=campaign,
        changes=events.diff(before, _campaign_snapshot(campaign)),
    )
    return campaign


@transaction.atomic
def campaign_void(*, actor: Any, campaign: Campaign, version: Any, reason: str) -> Campaign:
    """Void a campaign opened by mistake, with a reason. Nothing is deleted: its tasks stay
    visible but are no longer due, filed or signed."""
    policy.require(actor, policy.CHANGE, campaign)
    if campaign.is_void:
        raise ValidationError(_("This campaign has already been voided."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for voiding the campaign.")]})
    before = _campaign_snapshot(campaign)
    claim_version(campaign, version)
    campaign.voided_at = timezone.now()
    campaign.voided_by = _user(actor)
    campaign.void_reason = reason
    campaign.save(update_fields=["voided_at", "voided_by", "void_reason", "updated_at"])
    events.record(
        actor=actor,
        action="ledgers.campaign.void",
        obj=campaign,
        changes=events.diff(before, _campaign_snapshot(campaign)),
        reason=reason,
    )
    return campaign


@transaction.atomic
def campaign_remind_overdue(*, actor: Any, campaign: Campaign) -> int:
    """The office's one-click reminder: everyone whose task is still to be filed (or was
    returned) after the due date is told now, at most once a day. Returns how many were
    told."""
    policy.require(actor, policy.CHANGE, campaign)
    _refuse_closed(campaign)
    today = _today()
    overdue = []
    if today > campaign.due_on:
        overdue = list(
            campaign.declarations.filter(is_current=True, status__in=OPEN_WORK).values_list(
                "pk", "staff_id", "court_id"
            )
        )
    params = {"campaign": campaign.title, "due_on": _day(campaign.due_on)}
    told = notify.notify_now(
        Due(
            recipient_id=staff_id,
            court_id=court_id,
            kind=REMINDED_KIND,
            key=f"ledgers.declaration:{pk}:reminded:{today.isoformat()}",
            params=params,
            url=f"/declarations/{pk}/",
            subject_type="ledgers.declaration",
            subject_id=str(pk),
        )
        for pk, staff_id, court_id in overdue
    )
    events.record(
        actor=actor,
        action="ledgers.campaign.remind_overdue",
        obj=campaign,
        changes={"overdue": [None, len(overdue)], "told": [None, told]},
    )
    return told


# --- filing -------------------------------------------------------------------------------
@transaction.atomic
def declaration_file(
    *,
    actor: Any,
    declaration: Declaration,
    version: Any,
    has_nothing: bool,
    relatives: Sequence[Mapping[str, Any]] = (),
    inquiries: Iterable[Any] = (),
    statement: str = "",
) -> Declaration:
    """File (or refile, after a return) one's own declaration: the relatives practising law or
    an explicit "none"; for the 三个规定 report the period's inquiries (records entered under
    逢问必录) or an explicit zero report. An officer may file on someone's behalf; the trail
    says so. It can be corrected until the first signature."""
    policy.require(actor, policy.CHANGE, declaration)
    campaign = declaration.campaign
    _refuse_closed(campaign)
    if not declaration.is_editable:
        raise ValidationError(_not_editable(declaration))
    has_nothing = bool(has_nothing)
    rows, records = _filing_content(declaration, has_nothing, list(relatives or ()), inquiries)
    before = _declaration_snapshot(declaration)
    claim_version(declaration, version)
    court = declaration.court
    chain = rules.sign_chain(
        post=declaration.staff.post,
        court_id=court.pk,
        parent_court_id=court.parent_id,
        department_id=declaration.department_id,
    )
    declaration.has_nothing = has_nothing
    declaration.statement = (statement or "").strip()
    declaration.status = Declaration.Status.FILED
    declaration.filed_at = timezone.now()
    declaration.filed_by = _user(actor)
    declaration.chain = chain
    declaration.signatures_done = 0
    _await(declaration, chain[0] if chain else None)
    declaration.full_clean()
    declaration.save()
    declaration.relatives.all().delete()  # the unsigned draft's rows; the trail keeps them
    DeclaredRelative.objects.bulk_create(rows)
    declaration.inquiries.set(records)
    changes = events.diff(before, _declaration_snapshot(declaration))
    if actor is not None and getattr(actor, "staff_id", None) != declaration.staff_id:
        changes["filed_on_behalf_of"] = [None, declaration.staff.name]
    events.record(actor=actor, action="ledgers.declaration.file", obj=declaration, changes=changes)
    return declaration


def _filing_content(
    declaration: Declaration,
    has_nothing: bool,
    relatives: list[Mapping[str, Any]],
    inquiries: Iterable[Any],
) -> tuple[list[DeclaredRelative], list[InterferenceRecord]]:
    """What a filing declares, validated against the campaign's kind: relatives or an
    explicit "none"; inquiries of the period or an explicit zero report."""
    inquiry_ids = _inquiry_ids(inquiries)
    campaign = declaration.campaign
    if campaign.is_relatives:
        if inquiry_ids:
            raise ValidationError({"inquiries": [_("This declaration lists no inquiries.")]})
        if has_nothing and relatives:
            raise ValidationError(
                {
                    "has_nothing": [
                        _("Either declare that you have none, or list your relatives; not both.")
                    ]
                }
            )
        if not has_nothing and not relatives:
            raise ValidationError(
                {
                    "relatives": [
                        _("List each relative practising law, or declare that you have none.")
                    ]
                }
            )
        rows = _declared_relatives(declaration, relatives)
        records = []
    else:
        if relatives:
            raise ValidationError({"relatives": [_("This report lists no relatives.")]})
        if has_nothing and inquiry_ids:
            raise ValidationError(
                {
                    "has_nothing": [
                        _(
                            "A zero report lists no inquiries: remove them, or do not file a "
                            "zero report."
                        )
                    ]
                }
            )
        if not has_nothing and not inquiry_ids:
            raise ValidationError(
                {
                    "inquiries": [
                        _(
                            "Link the inquiries of the period, or file a zero report if there "
                            "were none."
                        )
                    ]
                }
            )
        rows = []
        records = _own_inquiries(declaration, inquiry_ids)
    return rows, records


def _not_editable(declaration: Declaration) -> str:
    if not declaration.is_current:
        return _("A later revision of this declaration exists; work on that one.")
    if declaration.status == Declaration.Status.SIGNED:
        return _("A signed declaration cannot be changed; start a correction instead.")
    return _("The signing has begun; ask the signer to return it if it needs changing.")


def _await(declaration: Declaration, stage: dict | None) -> None:
    """Copy the awaited stage into the indexed columns (the signers' queue)."""
    declaration.next_role = stage["role"] if stage else ""
    declaration.next_court_id = stage["court"] if stage else None
    declaration.next_department_id = stage["department"] if stage else None


def _inquiry_ids(inquiries: Iterable[Any]) -> list[int]:
    ids = set()
    for item in inquiries or ():
        value = getattr(item, "pk", item)
        try:
            ids.add(int(value))
        except (TypeError, ValueError):
            raise ValidationError(
                {"inquiries": [_("“%(value)s” is not an inquiry record.") % {"value": value}]}
            ) from None
    return sorted(ids)


def _own_inquiries(declaration: Declaration, ids: list[int]) -> list[InterferenceRecord]:
    """The inquiries a 三个规定 report may link: the filer's own records, not voided, of the
    campaign's period."""
    campaign = declaration.campaign
    found = list(
        InterferenceRecord.objects.filter(
            pk__in=ids,
            staff_id=declaration.staff_id,
            voided_at__isnull=True,
            occurred_on__gte=campaign.period_start,
            occurred_on__lte=campaign.period_end,
        )
    )
    refused = sorted(set(ids) - {record.pk for record in found})
    if refused:
        raise ValidationError(
            {
                "inquiries": [
                    _(
                        "Only the filer's own inquiry records dated in the period can be "
                        "reported; these cannot: %(ids)s."
                    )
                    % {"ids": ", ".join(str(pk) for pk in refused)}
                ]
            }
        )
    return found


def _declared_relatives(
    declaration: Declaration, relatives: list[Mapping[str, Any]]
) -> list[DeclaredRelative]:
    """Validate the relatives as filed: each row complete and valid, licence numbers in their
    canonical form, nobody listed twice; in the report of other relatives, no spouse, parent
    or child (they belong in the yearly declaration)."""
    errors: list[str] = []
    rows: list[DeclaredRelative] = []
    seen_licences: set[str] = set()
    seen_people: set[tuple[str, str]] = set()
    other_only = declaration.campaign.kind == Campaign.Kind.OTHER_RELATIVES
    for number, given in enumerate(relatives, start=1):
        row, problems = _relative_row(given, declaration)
        if row is None:
            errors.extend(
                _("Relative %(number)d: %(problem)s") % {"number": number, "problem": problem}
                for problem in problems
            )
            continue
        rows.append(row)
        person = (row.relative_name, row.relationship)
        if person in seen_people or (row.licence_number and row.licence_number in seen_licences):
            errors.append(
                _("Relative %(number)d is listed twice in this declaration.") % {"number": number}
            )
        seen_people.add(person)
        if row.licence_number:
            seen_licences.add(row.licence_number)
        if other_only and ledger_rules.RELATIONSHIPS[row.relationship].recusal_kin:
            errors.append(
                _(
                    "Relative %(number)d: a spouse, parent or child is declared in the yearly "
                    "declaration, not in this report."
                )
                % {"number": number}
            )
    if errors:
        raise ValidationError({"relatives": errors})
    return rows


def _relative_row(
    given: Mapping[str, Any], declaration: Declaration
) -> tuple[DeclaredRelative | None, list[str]]:
    """One declared relative, validated, or None and what is wrong with it."""
    if not isinstance(given, Mapping):
        return None, [_("give the relative's details.")]
    unknown = sorted(set(given) - set(RELATIVE_FIELDS))
    if unknown:
        return None, [_("unknown fields %(fields)s.") % {"fields": ", ".join(unknown)}]
    values = dict(given)
    for name in ("relative_name", "law_firm"):
        values[name] = (values.get(name) or "").strip()
    try:
        values["licence_number"] = normalize_licence_number(values.get("licence_number") or "")
    except ValidationError as error:
        return None, list(error.messages)
    area = values.pop("firm_area", None)
    if area not in (None, "") and not isinstance(area, Court):
        try:
            area = Court.objects.get(pk=int(area))
        except (Court.DoesNotExist, TypeError, ValueError):
            return None, [_("no such court as the firm's area.")]
    values["acts_in_jurisdiction"] = bool(values.get("acts_in_jurisdiction"))
    if values.get("practising_since") in ("",):
        values["practising_since"] = None
    row = DeclaredRelative(declaration=declaration, firm_area=area or None, **values)
    try:
        row.full_clean(exclude=["declaration", "record"])
    except ValidationError as error:
        return None, [
            f"{DeclaredRelative._meta.get_field(name).verbose_name}: {message}"
            if name in RELATIVE_FIELDS
            else message
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return row, []


# --- sign-off -----------------------------------------------------------------------------
def _holds(actor: Any, stage: dict) -> bool:
    """Whether ``actor`` holds the role that signs ``stage``: that role at that court, and
    for a division chief at that department (or for the whole court)."""
    for grant in policy.grants_of(actor):
        if grant.role != stage["role"] or grant.court_id != stage["court"]:
            continue
        if stage["role"] == Role.CHIEF and grant.department_id not in (None, stage["department"]):
            continue
        return True
    return False


def describe_stage(stage: dict) -> str:
    """Who signs a stage, in words: "the division chief of 民事审判第一庭, 沈阳市中级人民法院"."""
    court = Court.objects.filter(pk=stage["court"]).values_list("name", flat=True).first()
    if stage["role"] == Role.CHIEF and stage.get("department"):
        department = (
            Department.objects.filter(pk=stage["department"]).values_list("name", flat=True).first()
        )
        return _("the division chief of %(department)s, %(court)s") % {
            "department": department,
            "court": court,
        }
    return _("a leader of %(court)s") % {"court": court}


def _filing_number(declaration: Declaration) -> int:
    """Which filing is being signed: one more than the returns so far."""
    returns = declaration.signatures.filter(decision=Signature.Decision.RETURNED).count()
    return returns + 1


def _check_signer(actor: Any, declaration: Declaration) -> tuple[dict, int]:
    """The awaited stage and filing, if ``actor`` may decide on it now; otherwise refused
    with the reason."""
    if _user(actor) is None:
        raise PermissionDenied
    stage = declaration.awaiting_stage
    holds_some = stage is not None and any(_holds(actor, s) for s in declaration.chain)
    if not holds_some and not policy.can(actor, policy.VIEW, declaration):
        raise PermissionDenied
    if declaration.campaign.is_void:
        raise ValidationError(_("This campaign has been voided; nothing can be done in it."))
    if not declaration.is_current or stage is None:
        raise ValidationError(_("This declaration is not awaiting a signature."))
    if declaration.staff_id == actor.staff_id or declaration.filed_by_id == actor.pk:
        raise ValidationError(_("Nobody signs their own declaration."))
    if not _holds(actor, stage):
        raise ValidationError(
            _("This declaration now awaits the signature of %(signer)s.")
            % {"signer": describe_stage(stage)}
        )
    filing = _filing_number(declaration)
    if declaration.signatures.filter(
        filing=filing, signer=actor, decision=Signature.Decision.SIGNED
    ).exists():
        raise ValidationError(_("You signed an earlier stage; another signer must sign this one."))
    return stage, filing


@transaction.atomic
def declaration_sign(
    *, actor: Any, declaration: Declaration, version: Any, statement: str
) -> Declaration:
    """Sign the awaited stage with an attestation (领导背书: the signer answers for it). The
    last signature makes the declaration final, tells the filer, and for relatives brings
    ledger 3 up to date."""
    stage, filing = _check_signer(actor, declaration)
    statement = (statement or "").strip()
    if not statement:
        raise ValidationError(
            {"statement": [_("Write the attestation you sign with (or keep the default).")]}
        )
    before = _declaration_snapshot(declaration)
    claim_version(declaration, version)
    now = timezone.now()
    signature = Signature.objects.create(
        declaration=declaration,
        filing=filing,
        stage=declaration.signatures_done,
        role=stage["role"],
        signer=actor,
        signer_name=actor.display_name()[:50],
        decision=Signature.Decision.SIGNED,
        statement=statement,
        decided_at=now,
    )
    declaration.signatures_done += 1
    final = declaration.signatures_done >= len(declaration.chain)
    if final:
        declaration.status = Declaration.Status.SIGNED
        declaration.signed_at = now
        _await(declaration, None)
    else:
        _await(declaration, declaration.chain[declaration.signatures_done])
    declaration.save()
    changes = events.diff(before, _declaration_snapshot(declaration))
    changes["signature"] = [None, {"stage": signature.stage, "role": signature.role}]
    events.record(
        actor=actor,
        action="ledgers.declaration.sign",
        obj=declaration,
        changes=changes,
        reason=statement,
    )
    if final:
        if declaration.campaign.is_relatives:
            sync_relatives(declaration=declaration, actor=actor)
        _tell_filer(
            declaration,
            SIGNED_KIND,
            f"ledgers.declaration:{declaration.pk}:signed",
            {"signer": signature.signer_name},
        )
    return declaration


@transaction.atomic
def declaration_return(
    *, actor: Any, declaration: Declaration, version: Any, reason: str
) -> Declaration:
    """Return the declaration to the filer with a reason instead of signing it. It is filed
    again and signed again from the first stage."""
    stage, filing = _check_signer(actor, declaration)
    _refuse_closed(declaration.campaign)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for returning the declaration.")]})
    before = _declaration_snapshot(declaration)
    claim_version(declaration, version)
    now = timezone.now()
    signature = Signature.objects.create(
        declaration=declaration,
        filing=filing,
        stage=declaration.signatures_done,
        role=stage["role"],
        signer=actor,
        signer_name=actor.display_name()[:50],
        decision=Signature.Decision.RETURNED,
        reason=reason,
        decided_at=now,
    )
    declaration.status = Declaration.Status.RETURNED
    declaration.returned_at = now
    declaration.return_reason = reason
    declaration.signatures_done = 0
    _await(declaration, None)
    declaration.save()
    events.record(
        actor=actor,
        action="ledgers.declaration.return",
        obj=declaration,
        changes=events.diff(before, _declaration_snapshot(declaration)),
        reason=reason,
    )
    _tell_filer(
        declaration,
        RETURNED_KIND,
        f"ledgers.declaration:{declaration.pk}:returned:{signature.pk}",
        {
            "signer": signature.signer_name,
            "reason": reason,
            "due_on": _day(declaration.campaign.due_on),
        },
    )
    return declaration


def _tell_filer(declaration: Declaration, kind: str, key: str, params: dict) -> None:
    notify.notify_now(
        [
            Due(
                recipient_id=declaration.staff_id,
                court_id=declaration.court_id,
                kind=kind,
                key=key,
                params={"campaign": declaration.campaign.title, **params},
                url=_url(declaration),
                subject_type="ledgers.declaration",
                subject_id=str(declaration.pk),
            )
        ]
    )


@transaction.atomic
def declaration_correct(*, actor: Any, declaration: Declaration) -> Declaration:
    """Start a correction of a signed declaration: a new revision to file and sign again, with
    what was declared copied in. The signed one is kept unchanged as proof (it is only marked
    as superseded)."""
    policy.require(actor, policy.CHANGE, declaration)
    _refuse_closed(declaration.campaign)
    if declaration.status != Declaration.Status.SIGNED or not declaration.is_current:
        raise ValidationError(_("Only the current, signed declaration can be corrected."))
    superseded = Declaration.objects.filter(
        pk=declaration.pk, is_current=True, status=Declaration.Status.SIGNED
    ).update(
        is_current=False,
        status=Declaration.Status.SUPERSEDED,
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    if not superseded:
        raise ValidationError(_("Someone has started a correction of this declaration already."))
    correction = Declaration.objects.create(
        campaign=declaration.campaign,
        staff=declaration.staff,
        court=declaration.court,
        department=declaration.department,
        revision=declaration.revision + 1,
        previous=declaration,
        has_nothing=declaration.has_nothing,
        statement=declaration.statement,
    )
    DeclaredRelative.objects.bulk_create(
        DeclaredRelative(
            declaration=correction,
            record_id=relative.record_id,
            **{name: getattr(relative, name) for name in RELATIVE_FIELDS},
        )
        for relative in declaration.relatives.all()
    )
    correction.inquiries.set(declaration.inquiries.all())
    events.record(
        actor=actor,
        action="ledgers.declaration.supersede",
        obj=declaration,
        changes={
            "is_current": [True, False],
            "status": [Declaration.Status.SIGNED, Declaration.Status.SUPERSEDED],
            "correction": [None, correction.pk],
        },
    )
    events.record(
        actor=actor,
        action="ledgers.declaration.correct",
        obj=correction,
        changes=events.diff({}, _declaration_snapshot(correction)),
    )
    declaration.refresh_from_db()
    return correction


# --- ledger 3 -----------------------------------------------------------------------------
def _review_reason(declaration: Declaration) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "The declaration signed on %(date)s (%(campaign)s) no longer lists this relative: "
            "check whether they stopped practising or were left out."
        ) % {
            "date": _day(timezone.localdate(declaration.signed_at)),
            "campaign": declaration.campaign.title,
        }


def sync_relatives(*, declaration: Declaration, actor: Any = None) -> None:
    """Bring ledger 3 (relatives practising law) up to date with a signed declaration
    (法发〔2020〕13号 art. 1, 2, 8): each declared relative becomes, or is linked to, the staff
    member's record, with the recusal rules applied on save; a record the declaration no
    longer lists is flagged for an officer's review (did the relative stop practising, or was
    the relationship hidden?) and never deleted. In the report of other relatives only those
    relationships are compared."""
    staff = declaration.staff
    signed_on = timezone.localdate(declaration.signed_at)
    existing = list(
        RelativePractice.objects.select_related("court", "firm_area", "staff").filter(
            staff=staff, voided_at__isnull=True
        )
    )
    by_licence = {r.licence_number: r for r in existing if r.licence_number}
    by_person = {(r.relative_name, r.relationship): r for r in existing}
    linked: set[int] = set()
    for relative in declaration.relatives.select_related("firm_area"):
        record = by_licence.get(relative.licence_number) if relative.licence_number else None
        if record is None or record.pk in linked:
            record = by_person.get((relative.relative_name, relative.relationship))
        if record is not None and record.pk in linked:
            record = None
        declared = {name: getattr(relative, name) for name in SYNCED_FIELDS}
        if record is None:
            record = ledger_services.ledger_create(
                actor=None,
                model=RelativePractice,
                fields={
                    "court": staff.court,
                    "department": staff.department,
                    "staff": staff,
                    "relationship": relative.relationship,
                    "reported_on": signed_on,
                    **declared,
                },
            )
        else:
            changed = {
                name: value for name, value in declared.items() if getattr(record, name) != value
            }
            if changed:
                record = ledger_services.ledger_update(
                    actor=None, record=record, version=record.version, fields=changed
                )
        linked.add(record.pk)
        DeclaredRelative.objects.filter(pk=relative.pk).update(record=record)
    only_other = declaration.campaign.kind == Campaign.Kind.OTHER_RELATIVES
    reason = _review_reason(declaration)
    for record in existing:
        if (
            record.pk in linked
            or record.status == RelativePractice.Status.RESOLVED
            or record.review_flagged_on is not None
            or (only_other and ledger_rules.RELATIONSHIPS[record.relationship].recusal_kin)
        ):
            continue
        _flag_for_review(actor, record, signed_on, reason)


def _flag_for_review(
    actor: Any, record: RelativePractice, flagged_on: datetime.date, reason: str
) -> None:
    before = events.snapshot(record, ("review_flagged_on", "review_reason", "version"))
    claim_version(record, record.version)
    record.review_flagged_on = flagged_on
    record.review_reason = reason
    record.save(update_fields=["review_flagged_on", "review_reason", "updated_at"])
    events.record(
        actor=actor,
        action="ledgers.relativepractice.flag_review",
        obj=record,
        changes=events.diff(
            before, events.snapshot(record, ("review_flagged_on", "review_reason", "version"))
        ),
        reason=reason,
    )


__all__ = [
    "DEFAULT_ATTESTATION",
    "campaign_close",
    "campaign_open",
    "campaign_remind_overdue",
    "campaign_update",
    "campaign_void",
    "declaration_correct",
    "declaration_file",
    "declaration_return",
    "declaration_sign",
    "describe_stage",
    "sync_relatives",
]
