"""Every write to the organisation and the case registry: validate, save, audit, in one
transaction. Pages, the admin, the API, imports and the demo seeder all call these."""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.http import Http404
from django.utils.translation import gettext as _

from integrity.access import policy
from integrity.audit import events
from ledgers.conflicts import fold_firm, fold_name

from .casenumbers import normalize_case_number
from .models import Case, CaseAgent, CaseParty, Court, Department, StaffMember
from .signals import announce


@transaction.atomic
def court_create(*, actor: Any, **fields: Any) -> Court:
    """Create a court; its materialised path follows from its parent."""
    court = Court(**fields)
    court.full_clean(exclude=["path"])
    court.save()
    court.path = (court.parent.path if court.parent_id else "") + court.segment()
    Court.objects.filter(pk=court.pk).update(path=court.path)
    policy.require(actor, policy.CHANGE, court)
    events.record(
        actor=actor,
        action="org.court.create",
        obj=court,
        changes=events.diff({}, events.snapshot(court)),
    )
    return court


@transaction.atomic
def court_update(*, actor: Any, court: Court, **fields: Any) -> Court:
    """Change a court. Moving it to another parent re-paths its whole subtree in one query."""
    policy.require(actor, policy.CHANGE, court)
    old_path = court.path
    before = events.snapshot(court)
    events.apply(court, fields)
    court.full_clean(exclude=["path"])
    new_path = (court.parent.path if court.parent_id else "") + court.segment()
    court.path = new_path
    court.save()
    if new_path != old_path:
        Court.objects.filter(path__startswith=old_path).exclude(pk=court.pk).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1))
        )
    policy.require(actor, policy.CHANGE, court)
    changes = events.diff(before, events.snapshot(court))
    if changes:
        events.record(actor=actor, action="org.court.update", obj=court, changes=changes)
    return court


@transaction.atomic
def department_save(
    *, actor: Any, department: Department | None = None, **fields: Any
) -> Department:
    verb = "update" if department and department.pk else "create"
    return events.save_audited(
        actor=actor, instance=department or Department(), fields=fields, verb=verb
    )


@transaction.atomic
def staff_save(*, actor: Any, staff: StaffMember | None = None, **fields: Any) -> StaffMember:
    verb = "update" if staff and staff.pk else "create"
    return events.save_audited(
        actor=actor, instance=staff or StaffMember(), fields=fields, verb=verb
    )


@transaction.atomic
def case_save(
    *, actor: Any, case: Case | None = None, panel: list[StaffMember] | None = None, **fields: Any
) -> Case:
    """Create or change a registry case; the case number is normalised (full-width → half).
    The change is announced (signals.cases_changed) when the transaction commits."""
    verb = "update" if case and case.pk else "create"
    case = events.save_audited(actor=actor, instance=case or Case(), fields=fields, verb=verb)
    if panel is not None:
        _panel_set(actor=actor, case=case, panel=panel)
    announce([case.pk])
    return case


def _panel_set(*, actor: Any, case: Case, panel: Iterable[StaffMember]) -> bool:
    """Make ``panel`` the case's panel; audited if it changed. Whether it changed."""
    members = list(panel)
    before = sorted(case.panel.values_list("pk", flat=True))
    after = sorted({member.pk for member in members})
    if before == after:
        return False
    case.panel.set(members)
    events.record(
        actor=actor, action="org.case.panel", obj=case, changes={"panel": [before, after]}
    )
    return True


@transaction.atomic
def case_party_save(*, actor: Any, party: CaseParty | None = None, **fields: Any) -> CaseParty:
    verb = "update" if party and party.pk else "create"
    party = events.save_audited(
        actor=actor, instance=party or CaseParty(), fields=fields, verb=verb
    )
    announce([party.case_id])
    return party


@transaction.atomic
def case_agent_save(*, actor: Any, agent: CaseAgent | None = None, **fields: Any) -> CaseAgent:
    verb = "update" if agent and agent.pk else "create"
    agent = events.save_audited(
        actor=actor, instance=agent or CaseAgent(), fields=fields, verb=verb
    )
    announce([agent.case_id])
    return agent


# --- Case intake: one case with its parties, agents and panel, idempotent on its number --------

# The case's own fields an intake may give (the number is given on its own).
UPSERT_FIELDS = frozenset(
    {
        "court",
        "department",
        "case_type",
        "cause",
        "filed_on",
        "closed_on",
        "presiding_judge",
    }
)
# What an agent of an intake may say besides the name; a blank value never erases one kept.
_AGENT_TEXT = ("law_firm", "licence_number")
_AGENT_CHOICES = ("kind", "role")

StaffRef = StaffMember | int | str


@transaction.atomic
def case_upsert(
    *,
    actor: Any,
    number: str,
    fields: Mapping[str, Any],
    parties: Iterable[Mapping[str, Any]] = (),
    agents: Iterable[Mapping[str, Any]] = (),
    panel: Iterable[StaffRef] | None = None,
) -> tuple[Case, bool]:
    """Register a case from the case-management system, or bring the registered one with the
    same (normalised) number up to date: the one service behind the import, the intake API and
    any other door that hands over whole cases, so re-sending the same case is harmless.

    ``fields``: the case's own fields (UPSERT_FIELDS); a field left out stays as it is. The
    presiding judge and ``panel`` are staff members of the case's court, given as members, ids
    (int) or staff numbers (str); a ``panel`` given replaces the panel, None leaves it.
    ``parties``: {name, role, is_organisation?}, matched to the case's parties by name (folded)
    and role. ``agents``: {name, kind?, role?, law_firm?, licence_number?, party_name?},
    matched to the case's agents by licence number, else by name and law firm (folded:
    full-width forms, spaces, 律师事务所/律所), else by name alone when neither licence numbers
    nor firms contradict; a matched agent is completed or corrected, an unmatched one added.
    Parties and agents are never removed: nothing once registered is lost.

    Scope: the actor must be allowed to change cases of the court (and department), and the
    registered case if there is one; otherwise Http404, as if there were no such court or
    case. Everything is validated before anything is saved where it can be, and the whole
    intake is one transaction. Unchanged data writes nothing, records no audit event and
    announces nothing. Returns (case, created)."""
    try:
        number = normalize_case_number(number)
    except ValidationError as error:
        raise ValidationError({"number": error.messages}) from error
    fields = dict(fields)
    unknown = set(fields) - UPSERT_FIELDS
    if unknown:
        raise TypeError(f"case_upsert() got unknown fields: {sorted(unknown)}")
    case = _registered(actor, number)
    court = fields.get("court", case.court if case else None)
    department = fields.get("department", case.department if case else None)
    if court is None:
        raise ValidationError({"court": _("This field is required.")})
    moved = case is None or (court.pk, getattr(department, "pk", None)) != (
        case.court_id,
        case.department_id,
    )
    if moved and not _may_change_cases_at(actor, court, department):
        raise Http404
    members = _resolve_staff(fields, panel, court)
    party_rows = [_party_row(index, item) for index, item in enumerate(parties, start=1)]
    agent_rows = [_agent_row(index, item) for index, item in enumerate(agents, start=1)]
    created = case is None
    try:
        if created:
            case = case_save(actor=actor, number=number, panel=members, **fields)
        else:
            changed = _changed(case, fields)
            if changed:
                case = case_save(actor=actor, case=case, **changed)
            if members is not None and _panel_set(actor=actor, case=case, panel=members):
                announce([case.pk])
    except PermissionDenied:
        raise Http404 from None
    by_name = _upsert_parties(actor, case, party_rows, created=created)
    _upsert_agents(actor, case, agent_rows, by_name, created=created)
    return case, created


def _registered(actor: Any, number: str) -> Case | None:
    """The registered case with ``number``, locked for the intake; Http404 if it exists but
    the actor may not change it (the same answer as for a court out of scope)."""
    pk = Case.objects.filter(number=number).values_list("pk", flat=True).first()
    if pk is None:
        return None
    locked = Case.objects.select_for_update(of=("self",)).select_related("court", "department")
    if actor is None:
        return locked.get(pk=pk)
    return policy.get_or_404(actor, locked, pk, policy.CHANGE)


def _may_change_cases_at(actor: Any, court: Court, department: Department | None) -> bool:
    """Whether the policy lets ``actor`` change cases of ``court`` (and ``department``): one of
    their role assignments reaches CHANGE of cases across that court's jurisdiction. Checked
    before anything is written; the services check the saved case again (policy.require)."""
    if actor is None:
        return True
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    rule = policy.rule_for(Case)
    if actor.is_superuser and rule.superusers:
        return True
    department_id = department.pk if department is not None else None
    for grant in policy.grants_of(actor):
        if rule.reach_for(policy.CHANGE, grant.role) is not policy.Reach.JURISDICTION:
            continue
        if grant.covers_subordinates:
            covers = court.path.startswith(grant.court_path)
        else:
            covers = court.pk == grant.court_id
        if covers and grant.department_id in (None, department_id):
            return True
    return False


def _staff_of(court: Court, refs: Iterable[StaffRef | None]) -> Callable[[Any], Any]:
    """A finder of the staff members of ``court`` that ``refs`` name (members, ids or staff
    numbers), read in one query; it returns None for a ref naming no one of the court."""
    refs = [ref for ref in refs if ref is not None]
    ids = [ref for ref in refs if isinstance(ref, int) and not isinstance(ref, bool)]
    numbers = [ref.strip() for ref in refs if isinstance(ref, str)]
    found = (
        list(
            StaffMember.objects.filter(court=court).filter(
                models.Q(pk__in=ids) | models.Q(staff_number__in=numbers)
            )
        )
        if ids or numbers
        else []
    )
    by_id = {member.pk: member for member in found}
    by_number = {member.staff_number: member for member in found}

    def find(ref: Any) -> StaffMember | None:
        if isinstance(ref, StaffMember):
            return ref if ref.court_id == court.pk else None
        if isinstance(ref, str):
            return by_number.get(ref.strip())
        if isinstance(ref, int) and not isinstance(ref, bool):
            return by_id.get(ref)
        return None

    return find


def _resolve_staff(
    fields: dict[str, Any], panel: Iterable[StaffRef] | None, court: Court
) -> list[StaffMember] | None:
    """The presiding judge (put into ``fields``) and the panel (returned; None if not given)
    as staff members of the case's court; ValidationError naming the refs that name none."""
    judge = fields.get("presiding_judge")
    panel = None if panel is None else list(panel)
    find = _staff_of(court, [judge, *(panel or ())])
    errors = {}
    if judge is not None:
        fields["presiding_judge"] = find(judge)
        if fields["presiding_judge"] is None:
            errors["presiding_judge"] = _no_such_staff(court, [judge])
    missing = [ref for ref in panel or () if find(ref) is None]
    if missing:
        errors["panel"] = _no_such_staff(court, missing)
    if errors:
        raise ValidationError(errors)
    return None if panel is None else [find(ref) for ref in panel]


def _no_such_staff(court: Court, missing: list[Any]) -> str:
    return _("%(court)s has no staff member “%(value)s”.") % {
        "court": court.name,
        "value": "、".join(str(getattr(ref, "name", ref)) for ref in missing),
    }


def _changed(instance: models.Model, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The ``fields`` whose value differs from the instance's (relations compared by id)."""
    changed = {}
    for name, value in fields.items():
        current = getattr(instance, instance._meta.get_field(name).attname)
        given = value.pk if isinstance(value, models.Model) else value
        if current != given:
            changed[name] = value
    return changed


def _item_error(what: str, index: int, error: ValidationError) -> ValidationError:
    """An error of the ``index``-th party or agent of an intake, under ``parties`` or
    ``agents``: 代理人2：“执业证号”：…"""
    model = CaseParty if what == "parties" else CaseAgent
    label = (
        _("Party %(number)d: %(message)s")
        if what == "parties"
        else _("Agent %(number)d: %(message)s")
    )
    details = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    messages = []
    for name, texts in details.items():
        message = " ".join(texts)
        if name in {field.name for field in model._meta.fields}:
            field = model._meta.get_field(name).verbose_name
            message = _("“%(field)s”: %(message)s") % {"field": field, "message": message}
        messages.append(label % {"number": index, "message": message})
    return ValidationError({what: messages})


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


def _party_row(index: int, item: Mapping[str, Any]) -> dict[str, Any]:
    """A party of an intake, validated as the model validates it."""
    given = item.get("is_organisation")
    party = CaseParty(
        name=_text(item.get("name")), role=item.get("role") or "", is_organisation=bool(given)
    )
    try:
        party.full_clean(exclude=["case"])
    except ValidationError as error:
        raise _item_error("parties", index, error) from error
    return {
        "name": party.name,
        "role": party.role,
        "is_organisation": None if given is None else bool(given),
    }


def _agent_row(index: int, item: Mapping[str, Any]) -> dict[str, Any]:
    """An agent of an intake, validated as the model validates it (the licence number
    normalised); a kind or capacity not given is None (the model's default for a new one)."""
    agent = CaseAgent(
        name=_text(item.get("name")),
        law_firm=_text(item.get("law_firm")),
        licence_number=str(item.get("licence_number") or ""),
        **{name: item[name] for name in _AGENT_CHOICES if item.get(name)},
    )
    try:
        agent.full_clean(exclude=["case", "party"])
    except ValidationError as error:
        raise _item_error("agents", index, error) from error
    return {
        "index": index,
        "name": agent.name,
        "law_firm": agent.law_firm,
        "licence_number": agent.licence_number,
        **{name: item.get(name) or None for name in _AGENT_CHOICES},
        "party_name": _text(item.get("party_name")),
    }


def _upsert_parties(
    actor: Any, case: Case, rows: list[dict[str, Any]], *, created: bool
) -> dict[str, CaseParty]:
    """Add the parties the case lacks (same folded name and role: the same party); returns
    the case's parties by folded name, for the agents to name the party they represent."""
    by_key = {} if created else {(fold_name(p.name), p.role): p for p in case.parties.all()}
    for row in rows:
        key = (fold_name(row["name"]), row["role"])
        party = by_key.get(key)
        if party is None:
            by_key[key] = case_party_save(
                actor=actor,
                case=case,
                name=row["name"],
                role=row["role"],
                is_organisation=bool(row["is_organisation"]),
            )
        elif row["is_organisation"] not in (None, party.is_organisation):
            case_party_save(actor=actor, party=party, is_organisation=row["is_organisation"])
    by_name: dict[str, CaseParty] = {}
    for (name, _role), party in by_key.items():
        by_name.setdefault(name, party)
    return by_name


def match_agent(
    agents: Iterable[CaseAgent], *, name: str, law_firm: str, licence_number: str
) -> CaseAgent | None:
    """The agent among ``agents`` (of one case) who is the agent described: the same licence
    number; else the same name and law firm (folded); else the same name, where neither the
    licence numbers nor the firms say they are two people. None if no agent fits."""
    agents = list(agents)
    if licence_number:
        for agent in agents:
            if agent.licence_number == licence_number:
                return agent
    folded_name, folded_firm = fold_name(name), fold_firm(law_firm)

    def may_be(agent: CaseAgent) -> bool:
        if fold_name(agent.name) != folded_name:
            return False
        if licence_number and agent.licence_number:
            return False  # two licence numbers: two lawyers
        firm = fold_firm(agent.law_firm)
        return not (folded_firm and firm and firm != folded_firm)

    candidates = [agent for agent in agents if may_be(agent)]
    if folded_firm:
        for agent in candidates:
            if fold_firm(agent.law_firm) == folded_firm:
                return agent
    return candidates[0] if candidates else None


def _upsert_agents(
    actor: Any,
    case: Case,
    rows: list[dict[str, Any]],
    parties: dict[str, CaseParty],
    *,
    created: bool,
) -> None:
    """Add the agents the case lacks; complete or correct the ones it has (match_agent). A
    blank value never erases a kept one."""
    agents = [] if created else list(case.agents.all())
    for row in rows:
        party = None
        if row["party_name"]:
            party = parties.get(fold_name(row["party_name"]))
            if party is None:
                error = ValidationError(
                    _("“%(name)s” is not a party of this case.") % {"name": row["party_name"]}
                )
                raise _item_error("agents", row["index"], error)
        agent = match_agent(
            agents,
            name=row["name"],
            law_firm=row["law_firm"],
            licence_number=row["licence_number"],
        )
        if agent is None:
            values = {name: row[name] for name in ("name", *_AGENT_TEXT)}
            values.update({name: row[name] for name in _AGENT_CHOICES if row[name]})
            agents.append(case_agent_save(actor=actor, case=case, party=party, **values))
            continue
        wanted: dict[str, Any] = {}
        if fold_name(row["name"]) != fold_name(agent.name):
            wanted["name"] = row["name"]  # the same licence number: the name was corrected
        if row["licence_number"] and row["licence_number"] != agent.licence_number:
            wanted["licence_number"] = row["licence_number"]
        if row["law_firm"] and fold_firm(row["law_firm"]) != fold_firm(agent.law_firm):
            wanted["law_firm"] = row["law_firm"]
        for name in _AGENT_CHOICES:
            if row[name] and row[name] != getattr(agent, name):
                wanted[name] = row[name]
        if party is not None and agent.party_id != party.pk:
            wanted["party"] = party
        if wanted:
            case_agent_save(actor=actor, agent=agent, **wanted)
