"""The history timelines as a discipline officer reads them: the one formatter of every history
panel (templates/audit/_history.html).

An audit event stores raw values: choice codes, ids, ISO dates and times, JSON. This turns an
event into what the page shows — the action as a translated label, the actor's display name,
and one line per changed field with the field's verbose name and the old and new values as
the record's page writes them: choice labels, the related object's name, 2024年3月5日, times in
local time, 是/否, lists summarised, empty as —. Lines where nothing changed are dropped; a key
that is no longer a field keeps its raw name. Nothing stored changes: the events are
hash-chained, this is display only.

The names of related objects are read in one query per related model for the whole timeline
(two passes: the first collects the ids, the second renders), so a page's cost does not grow
with its history. Objects of models the scoping policy guards (clues, referrals, findings, …)
are named only when the viewer may see them; otherwise, as when they no longer exist, the line
says ``#id`` — what the panel showed before.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import AuditEvent

EMPTY = "—"
LIST_SEPARATOR = "、"
PAIR_SEPARATOR = "；"

# --- the actions ---------------------------------------------------------------------------
# By verb (the action after ``<app>.<model>.``), or by the whole action where one verb means
# different things on different records (closing a campaign, closing a finding).
ACTION_LABELS: dict[str, Any] = {
    "access.denied": _("Refused access attempt"),
    "create": _("Entered"),
    "update": _("Corrected"),
    "transition": _("Status changed"),
    "void": _("Voided"),
    "attachment.add": _("File attached"),
    "attachment.download": _("Confidential file downloaded"),
    "attachment.void": _("File voided"),
    "remindertalk.add": _("Reminder talk recorded"),
    "followup.add": _("Follow-up recorded"),
    "recusal_found": _("Found acting in a case of the court"),
    # declarations (ledgers/declarations/services.py)
    "open": _("Campaign opened"),
    "ledgers.campaign.close": _("Campaign closed"),
    "remind_overdue": _("The overdue were reminded"),
    "file": _("Filed"),
    "sign": _("Signed"),
    "return": _("Returned"),
    "correct": _("Correction started"),
    "supersede": _("Superseded by a correction"),
    "flag_review": _("Flagged for review"),
    # inspections and rectification (inspections/services/inspections.py)
    "report": _("Rectification reported"),
    "inspections.finding.close": _("Verified and closed (销号)"),
    "evidence.add": _("Evidence attached"),
    "look_back": _("Look-back check recorded"),
    # clues and referrals (inspections/services/clues.py, referrals.py)
    "inspections.clue.view": _("Confidential clue viewed"),
    "share": _("Shared with a named person"),
    "unshare": _("Share withdrawn"),
    "step": _("Stage changed"),
    # follow-up visits (inspections/services/visits.py)
    "draw": _("Sample drawn"),
    "verify": _("Sample verified"),
    "inspections.visitplan.close": _("Plan closed"),
    "raise_clue": _("Turned into a clue"),
    # public complaints (inspections/services/complaints.py)
    "submit": _("Submitted"),
    "public_message": _("Message from the reporter"),
    "reply": _("Reply to the reporter"),
    "inspections.complaint.status": _("Status changed"),
    "match": _("Record the staff member"),
    "inspections.reporter.view": _("Reporter's identity viewed"),
    "inspections.reporter.grant": _("Reporter's identity shared"),
    # the registry (integrity/org/services.py)
    "panel": _("Panel changed"),
}

# What an event's free text is, where it is not the reason for the change: a signature's
# attestation. Shown as "label：text"; otherwise the panel says "Reason:".
REASON_LABELS: dict[str, Any] = {
    "ledgers.declaration.sign": _("attestation"),
}

# Events that bring a record (or a row of it) into being: their lines are the values entered,
# without "— →", and the fields left empty are not listed.
INITIAL_VERBS = frozenset(
    {"create", "open", "submit", "correct", "remindertalk.add", "followup.add"}
)

# Events whose changes describe another model than the event's object (a child row).
CHILD_MODELS = {
    "remindertalk.add": "ledgers.remindertalk",
    "followup.add": "ledgers.followup",
    "look_back": "inspections.lookbackcheck",
}


def verb_of(action: str) -> str:
    """``ledgers.contactcase.attachment.add`` → ``attachment.add``; ``access.denied`` as is."""
    parts = action.split(".")
    return ".".join(parts[2:]) if len(parts) > 2 else action


def action_label(action: str) -> str:
    """The translated label of an audit action, or the action itself when it has none."""
    label = ACTION_LABELS.get(action) or ACTION_LABELS.get(verb_of(action))
    return str(label) if label is not None else action


# --- the actors ----------------------------------------------------------------------------
# Events written by the system or the public carry a name, not a login.
ACTOR_NAMES: dict[str, Any] = {
    "": _("system"),
    "system": _("system"),
    "public": _("Reporter"),
    "system:early-warning": _("Early warning"),
}


# --- keys and values -----------------------------------------------------------------------
# Bookkeeping that is never shown (the optimistic-lock counter, the primary key of a new row,
# the search column, the masked password).
HIDDEN = frozenset({"id", "version", "search_text", "password"})
# Per model (label_lower) or "*": keys shown elsewhere on the page or only as internal ids.
HIDDEN_KEYS: dict[str, frozenset[str]] = {
    # The door a view came through; the action an access refusal was about (its label says).
    "*": frozenset({"door", "action"}),
    "inspections.finding": frozenset({"report"}),
    "inspections.complaint": frozenset({"message", "reporter", "locator", "code_hash"}),
    # The clue's source is its "source" choice; the page links the record itself.
    "inspections.clue": frozenset({"source_type", "source_id"}),
    # A child row's link to the record whose page shows it.
    "ledgers.remindertalk": frozenset({"record"}),
    "ledgers.followup": frozenset({"record"}),
    "inspections.lookbackcheck": frozenset({"inspection"}),
}
# A key hidden when another key of the same event already says it (the file name of an
# attachment, the user of a share).
HIDDEN_BESIDE = {
    "attachment": "file",
    "grantee": "grantee_id",
    "username": "user",
    "tasks": "task_count",
}

# Keys that are not fields of the model (extras the services add to an event), and fields
# without a verbose name of their own. A model's own entry wins over the field's verbose name.
KEY_LABELS: dict[tuple[str, str], Any] = {
    ("*", "attachment"): _("attachment"),
    ("*", "attachments"): _("attachments"),
    ("*", "file"): _("file"),
    ("*", "type"): _("type"),
    ("*", "size"): _("size"),
    ("*", "sha256"): "SHA-256",
    ("ledgers.campaign", "tasks"): _("tasks"),
    ("ledgers.campaign", "overdue"): _("overdue"),
    ("ledgers.campaign", "told"): _("reminded"),
    ("ledgers.declaration", "signature"): _("signature"),
    ("ledgers.declaration", "filed_on_behalf_of"): _("filed on behalf of"),
    ("ledgers.declaration", "correction"): _("correction"),
    ("inspections.inspection", "targets"): _("inspected units"),
    ("inspections.inspection", "team"): _("Team"),
    ("inspections.finding", "measures"): _("what was done"),
    ("inspections.finding", "evidence"): _("Evidence files"),
    ("inspections.clue", "grantee_id"): _("Shared with"),
    ("inspections.complaint", "body"): _("message"),
    ("inspections.complaint", "about_leader"): _("about a court leader"),
    ("inspections.complaint", "user"): _("Shared with"),
    ("inspections.visit", "clue"): _("clue"),
    ("inspections.visitplan", "criteria"): _("sampling criteria"),
    ("inspections.visitplan", "sample"): _("sample"),
    ("inspections.visitplan", "matches"): _("the sample matches"),
    ("inspections.visitplan", "population_now"): _("cases eligible"),
}


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _as_pk(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def yes_no(value: Any) -> str:
    return str(_("Yes") if value else _("No"))


def day(value: Any) -> str:
    """A stored date (``2024-03-05``) as the page writes it: 2024年3月5日."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        try:
            value = datetime.date.fromisoformat(str(value)[:10])
        except ValueError:
            return str(value)
    return formats.date_format(value, "DATE_FORMAT")


def moment(value: Any) -> str:
    """A stored time (ISO, UTC) in local time as the page writes it: 2024年3月5日 14:30."""
    if not isinstance(value, datetime.datetime):
        try:
            value = datetime.datetime.fromisoformat(str(value))
        except ValueError:
            return str(value)
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATETIME_FORMAT")


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _count(count: int) -> str:
    return ngettext("%(count)s item", "%(count)s items", count) % {"count": count}


def plain(value: Any) -> str:
    """A value of a key that is not (or no longer) a field: scalars as they are, ISO dates and
    times as dates and times, lists of scalars joined, anything deeper counted."""
    if _empty(value):
        return EMPTY
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, str):
        if _ISO_MOMENT.match(value):
            return moment(value)
        if _ISO_DAY.match(value):
            return day(value)
        return value
    if isinstance(value, list):
        if all(not isinstance(item, list | dict) for item in value):
            return LIST_SEPARATOR.join(plain(item) for item in value)
        return _count(len(value))
    if isinstance(value, dict):
        if all(not isinstance(item, list | dict) for item in value.values()):
            return PAIR_SEPARATOR.join(f"{key}：{plain(item)}" for key, item in value.items())
        return _count(len(value))
    return str(value)


# --- the names of related objects ----------------------------------------------------------
# Models whose names any page may show: the court tree, the staff directory, the registry of
# cases, logins (as display names) and model names. Every other model is named only within the
# viewer's scope.
REFERENCE_MODELS = frozenset(
    {
        "org.court",
        "org.department",
        "org.staffmember",
        "org.case",
        "org.caseparty",
        "org.caseagent",
    }
)
# What each model's __str__ reads through foreign keys: fetched with it.
SELECT_RELATED: dict[str, tuple[str, ...]] = {
    "org.department": ("court",),
    "access.roleassignment": ("court", "department__court"),
    "ledgers.contactcase": ("staff",),
    "ledgers.contactapproval": ("staff",),
    "ledgers.unplannedcontactreport": ("staff",),
    "ledgers.relativepractice": ("staff",),
    "ledgers.departurerecord": ("staff",),
    "ledgers.declaration": ("staff", "campaign"),
    "inspections.finding": ("inspection",),
    "inspections.disposition": ("referral",),
    "inspections.rectificationreport": ("finding__inspection",),
    "inspections.lookbackcheck": ("finding__inspection",),
    "inspections.sampledcase": ("plan",),
    "inspections.visit": ("sampled__plan",),
    "inspections.inspectiontarget": ("court", "department__court"),
    "inspections.complaintmessage": ("complaint",),
}


class Names:
    """The names of the objects a timeline refers to, read in one query per model.

    While ``collecting``, :meth:`of` notes what is asked and answers ""; :meth:`fetch` then
    reads everything noted, and :meth:`of` answers with names."""

    def __init__(self, viewer: Any = None) -> None:
        self.viewer = viewer
        self.collecting = True
        self._wanted: dict[type[models.Model], set[int]] = defaultdict(set)
        self._names: dict[tuple[str, int], str] = {}
        self._usernames: dict[int, str] = {}

    def of(self, model: type[models.Model] | None, value: Any) -> str:
        if _empty(value):
            return EMPTY
        pk = _as_pk(value)
        if model is None or pk is None:
            return str(value)
        if self.collecting:
            self._wanted[model._meta.concrete_model].add(pk)
            return ""
        return self._names.get((model._meta.concrete_model._meta.label_lower, pk), f"#{pk}")

    def user(self, value: Any) -> str:
        from django.contrib.auth import get_user_model

        return self.of(get_user_model(), value)

    def username(self, value: Any) -> str:
        pk = _as_pk(value)
        return self._usernames.get(pk, "") if pk is not None else ""

    def fetch(self) -> None:
        for model, pks in self._wanted.items():
            self._names.update(self._read(model, pks))
        self.collecting = False

    def _read(self, model: type[models.Model], pks: set[int]) -> dict[tuple[str, int], str]:
        from django.contrib.auth import get_user_model
        from django.contrib.contenttypes.models import ContentType

        label = model._meta.label_lower
        if model is get_user_model():
            rows = model._base_manager.filter(pk__in=pks).select_related("staff")
            names = {}
            for user in rows:
                self._usernames[user.pk] = user.get_username()
                names[(label, user.pk)] = user.display_name()
            return names
        if model is ContentType:
            rows = ContentType.objects.filter(pk__in=pks)
            return {
                (label, ct.pk): str(ct.model_class()._meta.verbose_name)
                if ct.model_class()
                else ct.model
                for ct in rows
            }
        queryset = model._base_manager.filter(pk__in=pks).select_related(
            *SELECT_RELATED.get(label, ())
        )
        if label not in REFERENCE_MODELS:
            from integrity.access import policy

            try:
                policy.rule_for(model)
            except LookupError:
                return {}  # no rule says who may see it: never named
            queryset = policy.scope(self.viewer, queryset)
        return {(label, obj.pk): str(obj) for obj in queryset}


# --- rendering one value -------------------------------------------------------------------
Renderer = Callable[[Any, Names], str]


def _role(value: Any) -> str:
    from integrity.access.models import Role

    return str(Role(value).label) if value in Role.values else str(value)


def _chain(value: Any, names: Names) -> str:
    """The sign-off chain [{"role", "court", "department"}, …] as its stages: 庭长 → 院领导."""
    if not isinstance(value, list):
        return plain(value)
    return " → ".join(_role(stage.get("role")) for stage in value if isinstance(stage, dict))


def _signature(value: Any, names: Names) -> str:
    """One signature {"stage", "role"} as the stage signed: 庭长."""
    if isinstance(value, dict):
        return _role(value.get("role"))
    return plain(value)


def _declared_relatives(value: Any, names: Names) -> str:
    """The relatives of a declaration as the page lists them: 张某（配偶）、李某（子女）."""
    from ledgers.models import DeclaredRelative

    if not isinstance(value, list):
        return plain(value)
    relationship = DeclaredRelative._meta.get_field("relationship")
    words = {str(k): str(v) for k, v in relationship.flatchoices}
    shown = []
    for row in value:
        if isinstance(row, dict):
            kind = row.get("relationship")
            shown.append(f"{row.get('relative_name', '')}（{words.get(str(kind), kind)}）")
    return LIST_SEPARATOR.join(shown)


def _targets(value: Any, names: Names) -> str:
    """Inspected units stored as "court" or "court/department" ids."""
    from integrity.org.models import Court, Department

    if not isinstance(value, list):
        return plain(value)
    shown = []
    for item in value:
        court, _sep, department = str(item).partition("/")
        shown.append(names.of(Department, department) if department else names.of(Court, court))
    return LIST_SEPARATOR.join(shown)


def _team(value: Any, names: Names) -> str:
    """The team stored as "user:function": 赵敏（组长）."""
    from inspections.models import TeamMember

    if not isinstance(value, list):
        return plain(value)
    functions = dict(TeamMember.Function.choices)
    shown = []
    for item in value:
        user, _sep, function = str(item).partition(":")
        shown.append(f"{names.user(user)}（{functions.get(function, function)}）")
    return LIST_SEPARATOR.join(shown)


def _files(value: Any, names: Names) -> str:
    """Evidence or attachments stored as [{"file"/"id", "type", "size", …}]: their names, or
    how many when they have none."""
    if not isinstance(value, list):
        return plain(value)
    shown = [str(row["file"]) for row in value if isinstance(row, dict) and row.get("file")]
    if len(shown) == len(value):
        return LIST_SEPARATOR.join(shown)
    return ngettext("%(count)s file", "%(count)s files", len(value)) % {"count": len(value)}


def _size(value: Any, names: Names) -> str:
    return filesizeformat(value) if isinstance(value, int) else plain(value)


def _cases(value: Any, names: Names) -> str:
    if not isinstance(value, list):
        return plain(value)
    return ngettext("%(count)s case", "%(count)s cases", len(value)) % {"count": len(value)}


def _questions(value: Any, names: Names) -> str:
    if not isinstance(value, list):
        return plain(value)
    return ngettext("%(count)s question", "%(count)s questions", len(value)) % {"count": len(value)}


def _answers(value: Any, names: Names) -> str:
    if not isinstance(value, dict):
        return plain(value)
    return ngettext("%(count)s answer", "%(count)s answers", len(value)) % {"count": len(value)}


def _strata(value: Any, names: Names) -> str:
    if not isinstance(value, dict):
        return plain(value)
    return ngettext("%(count)s stratum", "%(count)s strata", len(value)) % {"count": len(value)}


def _case_types(value: Any, names: Names) -> str:
    from integrity.org.models import Case

    if not isinstance(value, list):
        return plain(value)
    words = dict(Case.Type.choices)
    return LIST_SEPARATOR.join(str(words.get(item, item)) for item in value)


def _criteria(value: Any, names: Names) -> str:
    """A draw's criteria {"courts", "case_types", …}: each as its field of the plan shows it."""
    from inspections.models import VisitPlan

    if not isinstance(value, dict):
        return plain(value)
    parts = []
    for key, item in value.items():
        if _empty(item):
            continue
        parts.append(f"{_key_label(VisitPlan, key)}：{_value(VisitPlan, key, item, names)}")
    return PAIR_SEPARATOR.join(parts)


def _user_with_login(value: Any, names: Names) -> str:
    """A person the page names with their login too (a share): 赵敏（zhaomin）."""
    name = names.user(value)
    login = names.username(value)
    return f"{name}（{login}）" if login and login != name else name


def _ref(model_label: str) -> Renderer:
    def render(value: Any, names: Names) -> str:
        return names.of(apps.get_model(model_label), value)

    return render


RENDERERS: dict[tuple[str, str], Renderer] = {
    ("*", "size"): _size,
    ("*", "attachments"): _files,
    ("ledgers.declaration", "chain"): _chain,
    ("ledgers.declaration", "signature"): _signature,
    ("ledgers.declaration", "next_role"): lambda value, names: _role(value) if value else EMPTY,
    ("ledgers.declaration", "relatives"): _declared_relatives,
    ("ledgers.declaration", "correction"): _ref("ledgers.declaration"),
    ("inspections.inspection", "targets"): _targets,
    ("inspections.inspection", "team"): _team,
    ("inspections.finding", "evidence"): _files,
    ("inspections.clue", "grantee_id"): _user_with_login,
    ("inspections.complaint", "user"): _user_with_login,
    ("inspections.complaint", "attachment"): _ref("inspections.complaintattachment"),
    ("inspections.visitplan", "sample"): _cases,
    ("inspections.visitplan", "strata"): _strata,
    ("inspections.visitplan", "case_types"): _case_types,
    ("inspections.visitplan", "criteria"): _criteria,
    ("inspections.visit", "answers"): _answers,
    ("inspections.visit", "clue"): _ref("inspections.clue"),
    ("inspections.questionnaire", "questions"): _questions,
}


def _field(model: type[models.Model] | None, key: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(key)
    except FieldDoesNotExist:
        return None


def _key_label(model: type[models.Model] | None, key: str) -> str:
    """The verbose name of the field, a known extra's label, or the raw key."""
    label = model._meta.label_lower if model is not None else ""
    own = KEY_LABELS.get((label, key))
    if own is not None:
        return str(own)
    extra = KEY_LABELS.get(("*", key))
    found = _field(model, key)
    if found is None:
        return str(extra) if extra is not None else key
    if hasattr(found, "verbose_name"):
        return capfirst(str(found.verbose_name))
    if extra is not None:
        return str(extra)
    meta = found.related_model._meta  # a reverse relation: the related model's name
    return capfirst(str(meta.verbose_name if found.one_to_one else meta.verbose_name_plural))


def _value(model: type[models.Model] | None, key: str, value: Any, names: Names) -> str:
    """One stored value as the page shows it."""
    label = model._meta.label_lower if model is not None else ""
    renderer = RENDERERS.get((label, key)) or RENDERERS.get(("*", key))
    if _empty(value):
        return EMPTY
    if renderer is not None:
        return renderer(value, names) or ("" if names.collecting else EMPTY)
    found = _field(model, key)
    if found is None:
        return plain(value)
    return _field_value(found, value, names)


def _field_value(found: Any, value: Any, names: Names) -> str:
    if isinstance(found, models.Field) and found.choices:
        words = {str(k): str(v) for k, v in found.flatchoices}
        if isinstance(value, list):
            return LIST_SEPARATOR.join(words.get(str(item), str(item)) for item in value)
        return words.get(str(value), str(value))
    if found.is_relation and found.related_model is not None:
        items = value if isinstance(value, list) else [value]
        if all(not isinstance(item, dict | list) for item in items):
            return LIST_SEPARATOR.join(names.of(found.related_model, item) for item in items)
        return plain(value)  # rows of a reverse relation, stored whole
    if isinstance(found, models.BooleanField):
        return yes_no(value)
    if isinstance(found, models.DateTimeField):
        return moment(value)
    if isinstance(found, models.DateField):
        return day(value)
    return plain(value)


# --- the timeline --------------------------------------------------------------------------
@dataclass(frozen=True)
class Line:
    """One changed field: ``label：old → new``, or ``label：new`` when ``single``."""

    label: str
    old: str
    new: str
    single: bool = False


@dataclass
class Entry:
    """One event of a timeline, as the panel shows it."""

    event: AuditEvent
    label: str
    actor: str
    username: str = ""
    lines: list[Line] = field(default_factory=list)

    @property
    def created_at(self) -> datetime.datetime:
        return self.event.created_at

    @property
    def ip(self) -> str | None:
        return self.event.ip

    @property
    def reason(self) -> str:
        return self.event.reason

    @property
    def action(self) -> str:
        return self.event.action

    @property
    def reason_label(self) -> str:
        """What the event's text is when it is not a reason (a signer's attestation)."""
        label = REASON_LABELS.get(self.event.action)
        return capfirst(str(label)) if label is not None else ""


def _model_of(event: AuditEvent) -> type[models.Model] | None:
    label = CHILD_MODELS.get(verb_of(event.action)) or event.object_type
    if not label:
        return None
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _order(model: type[models.Model] | None) -> dict[str, int]:
    if model is None:
        return {}
    return {f.name: index for index, f in enumerate(model._meta.get_fields())}


def _hidden(model: type[models.Model] | None, key: str, changes: Mapping[str, Any]) -> bool:
    if key in HIDDEN:
        return True
    label = model._meta.label_lower if model is not None else ""
    if key in HIDDEN_KEYS.get(label, ()) or key in HIDDEN_KEYS["*"]:
        return True
    beside = HIDDEN_BESIDE.get(key)
    return beside is not None and beside in changes


def lines_of(event: AuditEvent, names: Names) -> list[Line]:
    """The readable lines of one event's changes, in the model's field order."""
    changes = event.changes if isinstance(event.changes, dict) else {}
    model = _model_of(event)
    initial = verb_of(event.action) in INITIAL_VERBS
    order = _order(model)
    keys = sorted(changes, key=lambda key: (order.get(key, len(order)), key))
    lines = []
    for key in keys:
        if _hidden(model, key, changes):
            continue
        change = changes[key]
        label = _key_label(model, key)
        if isinstance(change, list) and len(change) == 2 and not initial:
            old = _value(model, key, change[0], names)
            new = _value(model, key, change[1], names)
            if old == new:
                continue
            lines.append(Line(label, old, new))
            continue
        if isinstance(change, list) and len(change) == 2:
            change = change[1]
        new = _value(model, key, change, names)
        if new == EMPTY:
            continue
        lines.append(Line(label, "", new, single=True))
    return lines


def _actor(event: AuditEvent, names: Names) -> tuple[str, str]:
    if event.actor_id is not None:
        return names.user(event.actor_id), names.username(event.actor_id)
    known = ACTOR_NAMES.get(event.actor_name)
    if known is None and event.actor_name.startswith("system"):
        known = ACTOR_NAMES["system"]
    return (str(known) if known is not None else event.actor_name), ""


def actors(events: Iterable[AuditEvent]) -> list[str]:
    """Who did each of ``events``, as the timelines name them: a login by its display name,
    the system and the public by what they are; one query for all the logins."""
    events = list(events)
    names = Names()
    for event in events:  # first pass: which logins are named
        _actor(event, names)
    names.fetch()
    return [_actor(event, names)[0] for event in events]


def readable(events: Iterable[AuditEvent], *, viewer: Any = None) -> list[Entry]:
    """The timeline of ``events`` as the panel shows it to ``viewer``: a fixed number of
    queries (one per related model named, at most), whatever the number of events."""
    events = list(events)
    names = Names(viewer)
    for event in events:  # first pass: which objects are named
        _actor(event, names)
        lines_of(event, names)
    names.fetch()
    entries = []
    for event in events:
        actor, username = _actor(event, names)
        entries.append(
            Entry(
                event=event,
                label=action_label(event.action),
                actor=actor,
                username=username,
                lines=lines_of(event, names),
            )
        )
    return entries


def history(obj: models.Model, *, viewer: Any = None, limit: int = 200) -> list[Entry]:
    """One object's readable timeline, newest first."""
    from .selectors import object_history

    return readable(object_history(obj, limit=limit), viewer=viewer)
