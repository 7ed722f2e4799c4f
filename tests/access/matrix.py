"""The access matrix, declared: who reaches what, and through which door.

Two tables:

``REACH``
    For each kind of object, per policy action, how far each role reaches, written down from
    the scope rules (integrity/access/scopes.py, ledgers/scopes.py, inspections/scopes.py,
    …): one letter per role in the order of ``ROLES`` — ``J`` the jurisdiction of the role's
    assignment, ``O`` only the user's own records, ``-`` nothing. With the world of
    matrix_world.py (every login at 沈阳中院; all but the staff member and the chief cover
    the courts below) a letter says, for each relation of the object to the login:

    ====== ===== ================================ =========
    letter own   below                            neighbour
    ====== ===== ================================ =========
    J      yes   if the assignment covers below   no
    O      only the login's own record            no
    \\-     no    no                               no
    ====== ===== ================================ =========

``DOORS``
    One entry per URL name of the project (a ledger page, whose name serves all six ledgers,
    has one entry per ledger): which object its ``pk`` names, and the requests to try. Each
    request (``Probe``) names the policy action the door needs on that object. The expected
    answer of every cell follows from REACH:

    - the login does not reach the object for VIEW: **hidden** — exactly the answer for an id
      that does not exist (404; the API's body, the page's template and content);
    - it sees the object but may not do the probe's action: **refused** (``Probe.refused``:
      404 on most pages, 403 from the API's services; the pages of inspections, visits and
      complaints show the service's refusal as the form's error, 400 or 200, and say so);
    - it may: **allowed** (``Probe.ok``: the status a permitted user gets; write probes are
      made harmless — a stale ``version``, a missing field — so "allowed" is "reached the
      service and was told why not", 400/409/a form shown again).

    A door without an object (lists, forms to create, the public pages) has a ``gate``: the
    roles that may use it at all; the others get ``Door.denied``. A list names the objects
    it lists (``lists``); each relation's object must appear exactly when REACH lets the
    login see it.

test_matrix.py checks that REACH is what the policy answers in that world, that every URL
name has an entry here (and no entry names a pattern that no longer exists), and every door
× role × relation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from integrity.access.policy import CHANGE, MANAGE, SHARE, VIEW
from ledgers import workflows
from ledgers.specs import BY_SLUG

ROLES = ("staff", "officer", "chief", "leader", "supervisor", "discipline", "admin")

# --- who reaches what --------------------------------------------------------------------------
# key: (model label, {action: letters in the order of ROLES}). The keys are the world's object
# keys (matrix_world.py); personal objects (notifications, jobs) are each login's own.
LEDGER_REACH = {
    # Inquiries, approvals and unplanned-contact reports: staff enter and see their own.
    "interference": {VIEW: "OJJJJJJ", CHANGE: "OJ----J", MANAGE: "-J-----"},
    "reports": {VIEW: "OJJJJJJ", CHANGE: "OJ----J", MANAGE: "-JJ----"},
    "approvals": {VIEW: "OJJJJJJ", CHANGE: "OJ----J", MANAGE: "-JJJ---"},
    # Disciplinary cases and departure records are never shown to the staff member concerned.
    "contacts": {VIEW: "-JJJJJJ", CHANGE: "-J----J", MANAGE: "-J-----"},
    "relatives": {VIEW: "OJJJJJJ", CHANGE: "-J----J", MANAGE: "-J-----"},
    "departures": {VIEW: "-JJJJJJ", CHANGE: "-J----J", MANAGE: "-J-----"},
}
_ORGANISATION = {VIEW: "JJJJJJJ", CHANGE: "------J", MANAGE: "-J-----"}
_OWNED_BY_STAFF = {VIEW: "OJJJJJJ", CHANGE: "-J----J", MANAGE: "-J-----"}
_RECTIFICATION = {VIEW: "OJJJJJJ", CHANGE: "OJJJ---", MANAGE: "----J--"}
_VISITS = {VIEW: "-J-JJJJ", CHANGE: "-J--J--", MANAGE: "-J--J--"}
_DISCIPLINE_WORK = {VIEW: "-J-J-J-", CHANGE: "-----J-", MANAGE: "-----J-"}
_PERSONAL_JOB = {VIEW: "OOOOOOO", CHANGE: "OOOOOOO", MANAGE: "-------"}

REACH: dict[str, tuple[str, dict[str, str]]] = {
    "court": ("org.Court", _ORGANISATION),
    "department": ("org.Department", _ORGANISATION),
    "staff": ("org.StaffMember", _OWNED_BY_STAFF),
    "case": ("org.Case", _OWNED_BY_STAFF),
    **{
        f"ledger:{slug}": (BY_SLUG[slug].model._meta.label, reach)
        for slug, reach in LEDGER_REACH.items()
    },
    "alert": ("alerts.Alert", {VIEW: "---J-J-", CHANGE: "---J-J-", MANAGE: "-----J-"}),
    "campaign": ("ledgers.Campaign", {VIEW: "-JJJJJJ", CHANGE: "-J----J", MANAGE: "-J-----"}),
    # Chiefs and leaders sign (MANAGE); each files only their own declaration (CHANGE, O).
    "declaration": (
        "ledgers.Declaration",
        {VIEW: "OJJJJJJ", CHANGE: "OJOO--J", MANAGE: "-JJJ---"},
    ),
    # Everyone's inbox is their own; administrators read those of their courts (in the admin).
    "notification": (
        "notify.Notification",
        {VIEW: "OOOOOOJ", CHANGE: "OOOOOOO", MANAGE: "-------"},
    ),
    "export": ("reports.ExportJob", _PERSONAL_JOB),
    "import": ("reports.ImportJob", _PERSONAL_JOB),
    "inspection": (
        "inspections.Inspection",
        {VIEW: "-J-JJJJ", CHANGE: "----J--", MANAGE: "----J--"},
    ),
    "lookback": (
        "inspections.Inspection",
        {VIEW: "-J-JJJJ", CHANGE: "----J--", MANAGE: "----J--"},
    ),
    "finding": ("inspections.Finding", _RECTIFICATION),  # reported, awaiting verification
    "open_finding": ("inspections.Finding", _RECTIFICATION),  # not yet reported
    "report": ("inspections.RectificationReport", _RECTIFICATION),
    "questionnaire": ("inspections.Questionnaire", _VISITS),
    "visit_plan": ("inspections.VisitPlan", _VISITS),
    "sampled": ("inspections.SampledCase", _VISITS),
    "visit": ("inspections.Visit", _VISITS),
    "clue": (
        "inspections.Clue",
        {VIEW: "-J-JJJ-", CHANGE: "-J--JJ-", MANAGE: "-J---J-", SHARE: "-----J-"},
    ),
    "referral": ("inspections.Referral", _DISCIPLINE_WORK),
    "complaint": (
        "inspections.Complaint",
        {VIEW: "-J-J-J-", CHANGE: "-J---J-", MANAGE: "-J---J-"},
    ),
    # Only the discipline team sees who reported (not even the superuser flag opens it).
    "reporter": ("inspections.Reporter", {VIEW: "-----J-", SHARE: "-----J-"}),
    "integrity_file": ("inspections.IntegrityFile", {VIEW: "---J-J-"}),
}
# Doors narrower than the policy: what they show is decided by the policy *and* by them.
DOOR_REACH: dict[str, dict[str, str]] = {
    # Every page and API call reads the reader's own inbox (notify/services.py ``inbox``);
    # the administrators' wider VIEW is for the admin only.
    "notification:inbox": {VIEW: "OOOOOOO", CHANGE: "OOOOOOO", MANAGE: "-------"},
}
# Objects that belong to a login, not to a court: "own" is the login's, the others another
# login's at the court below and at the neighbouring court.
PERSONAL = {"notification", "notification:inbox", "export", "import"}
# Roles whose assignment covers the courts below (matrix_world.COVERS says the same), and the
# role held for one department only.
COVERING = {"officer", "leader", "supervisor", "discipline", "admin"}
DEPARTMENT_LIMITED = {"chief"}


def letter(key: str, action: str, role: str) -> str:
    reach = DOOR_REACH[key] if key in DOOR_REACH else REACH[key][1]
    return reach.get(action, "-" * len(ROLES))[ROLES.index(role)]


def reaches(key: str, action: str, role: str, relation: str) -> bool:
    """Whether ``role``'s login reaches the ``relation`` object of ``key`` for ``action``."""
    found = letter(key, action, role)
    if found == "J":
        return relation == "own" or (relation == "below" and role in COVERING)
    if found == "O":
        # The court objects at 沈阳 belong to the judge who is the staff login; personal
        # objects are each login's own.
        return relation == "own" and (key in PERSONAL or role == "staff")
    return False


def uses(key: str, action: str, role: str, letters: str = "JO") -> bool:
    """Whether ``role`` reaches any object of ``key`` for ``action`` (policy.may_use)."""
    return letter(key, action, role) in letters


# --- the doors ----------------------------------------------------------------------------------
MISSING_PK = 987654321


@dataclass(frozen=True)
class Gate:
    """Who may use a door at all: the roles reaching some object of one of ``keys`` for
    ``action`` with one of ``letters`` (``departments=False``: not through an assignment
    limited to one department, i.e. not the chief)."""

    keys: tuple[str, ...]
    action: str = VIEW
    letters: str = "JO"
    departments: bool = True

    def admits(self, role: str) -> bool:
        if not self.departments and role in DEPARTMENT_LIMITED:
            return False
        return any(uses(key, self.action, role, self.letters) for key in self.keys)


@dataclass(frozen=True)
class Probe:
    """One request to a door: method, body, the action it needs, what answers mean.

    ``data`` is a dict, or ``data(world, obj)`` for a body naming the object's own values
    (files are built afresh for every request). ``gate``: on a door without an object, the
    roles this probe is for; the others get ``refused``."""

    method: str = "get"
    action: str | Callable[[Any], str] = VIEW
    data: dict[str, Any] | Callable[[Any, Any], dict[str, Any]] | None = None
    ok: tuple[int, ...] = (200,)
    refused: tuple[int, ...] = (404,)
    query: str = ""
    json: bool = True  # API bodies as JSON (pages always post a form)
    gate: Gate | None = None
    note: str = ""

    def body(self, world: Any, obj: Any) -> dict[str, Any]:
        return self.data(world, obj) if callable(self.data) else dict(self.data or {})


@dataclass(frozen=True)
class Door:
    name: str
    obj: str | None = None  # world key of the object the URL's pk names
    probes: tuple[Probe, ...] = (Probe(),)
    api: bool = False
    variant: str = ""  # a ledger page: the ledger
    sees: str | None = None  # REACH key deciding VIEW, i.e. hidden or not (default: obj)
    access: str | None = None  # REACH key deciding the probes' actions (default: sees)
    kwargs: Callable[[Any, Any], dict[str, Any]] | None = None  # (world, obj) -> URL kwargs
    pk_kwarg: str = "pk"  # the kwarg replaced by MISSING_PK for "hidden" ("": in the query)
    gate: Gate | None = None  # who may use the door at all
    denied: tuple[int, ...] = (404,)  # … and what the others get
    lists: str | None = None  # a list: the world key of what it lists
    listed: Callable[[Any, Any], str] | None = None  # page list: the marker of an object
    public: bool = False  # no login needed
    unnamed: bool = False  # a pattern without a URL name: ``name`` is its route
    anonymous: tuple[int, ...] | None = None  # what an anonymous request gets (default: login)
    note: str = ""

    @property
    def id(self) -> str:
        return f"{self.name}[{self.variant}]" if self.variant else self.name

    @property
    def view_key(self) -> str | None:
        return self.sees or self.obj

    @property
    def action_key(self) -> str | None:
        return self.access or self.view_key


# Probes used again and again.
GET = Probe()
STALE = {"version": 0}
STALE_REASON = {"version": 0, "reason": "矩阵测试"}


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
PDF = b"%PDF-1.4\n% matrix probe\n" + b"0" * 64


def upload(content: bytes = EXE, name: str = "probe.exe") -> Callable[[Any, Any], dict]:
    """A multipart body with one file (a program by default: no service accepts it)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return lambda _world, _obj: {"file": SimpleUploadedFile(name, content)}


Body = dict[str, Any] | Callable[[Any, Any], dict[str, Any]] | None


def page_post(action: str, data: Body = None, ok=(200,), refused=(404,)) -> Probe:
    """A form posted to a page (refused: 404 unless the page says otherwise)."""
    return Probe("post", action, data or {}, ok, refused)


def api_post(action: str, data: Body = None, ok=(409,), refused=(403,)) -> Probe:
    """A JSON POST to the API: with a stale ``version``, a permitted caller gets 409."""
    return Probe("post", action, data or {}, ok, refused)


def api_patch(action: str = CHANGE, data: dict | None = None, ok=(409,), refused=(403,)) -> Probe:
    return Probe("patch", action, data or dict(STALE), ok, refused)


def href(name: str, **extra: Any) -> Callable[[Any, Any], str]:
    """A page list's marker of an object: the link to its page."""
    from django.urls import reverse

    def marker(world: Any, obj: Any) -> str:
        return f'href="{reverse(name, kwargs={"pk": obj.pk, **extra})}'

    return marker


# --- pages ---------------------------------------------------------------------------------------
def _ledger_kwargs(slug: str) -> Callable[[Any, Any], dict[str, Any]]:
    return lambda _world, obj: {"slug": slug, "pk": obj.pk}


def _attachment_kwargs(slug: str) -> Callable[[Any, Any], dict[str, Any]]:
    return lambda world, obj: {"slug": slug, "pk": obj.pk, "aid": world.attachment_of(obj).pk}


def _first_step(record: Any) -> Any:
    return workflows.transitions_from(type(record), record.status)[0]


def _step_kwargs(slug: str) -> Callable[[Any, Any], dict[str, Any]]:
    return lambda _world, obj: {"slug": slug, "pk": obj.pk, "target": _first_step(obj).target}


def _step_action(record: Any) -> str:
    """The action the record's first workflow step needs (ledgers/workflows.py)."""
    return _first_step(record).action


def ledger_pages(slug: str) -> list[Door]:
    key = f"ledger:{slug}"
    own = dict(variant=slug, obj=key)
    doors = [
        Door(
            "ledgers:list",
            variant=slug,
            kwargs=lambda _w, _o, slug=slug: {"slug": slug},
            lists=key,
            listed=lambda _w, obj, slug=slug: f'href="/ledgers/{slug}/{obj.pk}/"',
        ),
        Door(
            "ledgers:create",
            variant=slug,
            kwargs=lambda _w, _o, slug=slug: {"slug": slug},
            gate=Gate((key,), CHANGE),
        ),
        Door("ledgers:detail", kwargs=_ledger_kwargs(slug), **own),
        Door("ledgers:edit", kwargs=_ledger_kwargs(slug), probes=(Probe(action=CHANGE),), **own),
        Door(
            "ledgers:void",
            kwargs=_ledger_kwargs(slug),
            probes=(page_post(MANAGE, STALE_REASON, ok=(302,)),),
            **own,
        ),
        Door(
            "ledgers:step",
            kwargs=_step_kwargs(slug),
            probes=(Probe(action=_step_action),),
            **own,
        ),
        Door(
            "ledgers:attachment-upload",
            kwargs=_ledger_kwargs(slug),
            probes=(page_post(CHANGE, ok=(302,)),),
            **own,
        ),
        Door("ledgers:attachment-download", kwargs=_attachment_kwargs(slug), **own),
        Door(
            "ledgers:attachment-void",
            kwargs=_attachment_kwargs(slug),
            probes=(page_post(MANAGE, {"reason": ""}, ok=(302,)),),
            **own,
        ),
    ]
    # Only relatives (reminder talks) and departures (follow-ups) have entries; for the other
    # ledgers the door answers 404 to everyone, as for a missing record.
    if BY_SLUG[slug].child is not None:
        doors.append(
            Door(
                "ledgers:child-add",
                kwargs=_ledger_kwargs(slug),
                probes=(page_post(CHANGE, ok=(302,)),),
                **own,
            )
        )
    return doors


LEDGER_SLUGS = tuple(LEDGER_REACH)

PAGES: list[Door] = [
    # The shell.
    Door("home"),
    Door(
        "favicon.ico",
        unnamed=True,
        public=True,
        probes=(Probe(ok=(301,)),),
        anonymous=(301,),
        note="a redirect to the static icon",
    ),
    Door("profile"),
    Door("healthz", public=True, probes=(Probe(ok=(200, 503)),), anonymous=(200, 503)),
    Door("login", public=True, probes=(Probe(ok=(302,)),), anonymous=(200,)),
    Door("logout", public=True, probes=(Probe("post", ok=(302,)),), anonymous=(302,)),
    Door("password_change"),
    Door("password_change_done"),
    Door(
        "set_language",
        public=True,
        probes=(Probe("post", data={"language": "zh-hans"}, ok=(302,)),),
        anonymous=(302,),
    ),
    # Organisation.
    Door("staff-list", lists="staff", listed=href("staff-detail")),
    Door("staff-detail", obj="staff"),
    Door("case-list", lists="case", listed=href("case-detail")),
    Door("case-detail", obj="case"),
    # Ledgers.
    Door("ledgers:index"),
    Door("ledgers:staff-options"),
    Door(
        "ledgers:quick-inquiry",
        probes=(Probe("post", data={}, ok=(200,)),),
        note="every login here has a staff record: the form comes back with its errors",
    ),
    *(door for slug in LEDGER_SLUGS for door in ledger_pages(slug)),
    # Early warning.
    Door("alerts:list", gate=Gate(("alert",)), lists="alert", listed=href("alerts:detail")),
    Door("alerts:detail", obj="alert"),
    Door("alerts:dismiss", obj="alert", probes=(page_post(CHANGE, STALE_REASON),)),
    Door("alerts:clue", obj="alert", probes=(page_post(CHANGE, STALE),)),
    Door("alerts:done", obj="alert", probes=(page_post(CHANGE, {**STALE, "note": "已回避"}),)),
    # Declarations.
    Door(
        "declarations:index",
        lists="campaign",
        listed=href("declarations:campaign"),
    ),
    Door("declarations:sign-queue"),
    Door("declarations:campaign-create", gate=Gate(("campaign",), CHANGE)),
    Door("declarations:campaign", obj="campaign"),
    Door(
        "declarations:campaign-edit",
        obj="campaign",
        probes=(page_post(CHANGE, {**STALE, "title": "改", "due_on": "2030-01-01"}),),
    ),
    Door("declarations:campaign-close", obj="campaign", probes=(page_post(CHANGE, STALE),)),
    Door("declarations:campaign-void", obj="campaign", probes=(page_post(CHANGE, STALE_REASON),)),
    Door(
        "declarations:campaign-remind",
        obj="campaign",
        probes=(page_post(CHANGE, ok=(302,)),),
        note="nobody is overdue: reminds nobody",
    ),
    Door("declarations:detail", obj="declaration"),
    Door("declarations:file", obj="declaration", probes=(Probe(action=CHANGE),)),
    Door(
        "declarations:sign",
        obj="declaration",
        probes=(page_post(VIEW, {**STALE, "statement": "属实"}),),
        note="who signs which stage is the service's: a refusal is the form's error",
    ),
    Door(
        "declarations:return",
        obj="declaration",
        probes=(page_post(VIEW, STALE_REASON),),
        note="who returns which stage is the service's: a refusal is the form's error",
    ),
    Door(
        "declarations:correct",
        obj="declaration",
        probes=(page_post(VIEW, ok=(302,)),),
        note="only a signed declaration is corrected; any refusal is a message",
    ),
    # Notifications.
    Door(
        "notify:inbox",
        lists="notification",
        sees="notification:inbox",
        listed=lambda _w, obj: f'href="/notifications/{obj.pk}/open/"',
    ),
    Door("notify:read-all", probes=(Probe("post", ok=(302,)),)),
    Door(
        "notify:open",
        obj="notification",
        probes=(Probe(action=CHANGE, ok=(302,)),),
        note="the inbox is the reader's own, whatever the role (administrators included)",
        sees="notification:inbox",
    ),
    Door(
        "notify:read",
        obj="notification",
        probes=(page_post(CHANGE, ok=(302,)),),
        sees="notification:inbox",
    ),
    # Inspections.
    Door(
        "inspections:inspection-list",
        gate=Gate(("inspection",)),
        lists="inspection",
        listed=href("inspections:inspection-detail"),
    ),
    Door("inspections:inspection-create", gate=Gate(("inspection",), CHANGE)),
    Door("inspections:inspection-detail", obj="inspection"),
    Door("inspections:inspection-edit", obj="inspection", probes=(Probe(action=CHANGE),)),
    Door("inspections:inspection-notice", obj="inspection"),
    Door(
        "inspections:inspection-transition",
        obj="inspection",
        probes=(page_post(MANAGE, {**STALE, "target": "rectifying"}, ok=(400,), refused=(400,)),),
    ),
    Door(
        "inspections:inspection-void",
        obj="inspection",
        probes=(page_post(MANAGE, STALE_REASON, ok=(400,), refused=(400,)),),
    ),
    Door("inspections:inspection-look-back", obj="lookback"),
    Door(
        "inspections:finding-create",
        obj="inspection",
        probes=(GET, page_post(MANAGE, STALE, ok=(200,), refused=(200,))),
        note="the form is shown to whoever sees the inspection; entering a finding is refused "
        "on the form by the service",
    ),
    Door("inspections:finding-mine"),
    Door("inspections:finding-detail", obj="finding"),
    Door("inspections:finding-edit", obj="finding", probes=(Probe(action=MANAGE),)),
    Door(
        "inspections:finding-void",
        obj="finding",
        probes=(page_post(MANAGE, STALE_REASON, ok=(400,), refused=(400,)),),
    ),
    Door(
        "inspections:rectification-report",
        obj="open_finding",
        probes=(
            page_post(
                CHANGE,
                {**STALE, "measures": "已整改", "completed_on": "2026-01-05"},
                ok=(400,),
                refused=(400,),
            ),
        ),
    ),
    Door(
        "inspections:rectification-close",
        obj="finding",
        probes=(page_post(MANAGE, STALE, ok=(400,), refused=(400,)),),
    ),
    Door(
        "inspections:rectification-return",
        obj="finding",
        probes=(page_post(MANAGE, STALE_REASON, ok=(400,), refused=(400,)),),
    ),
    Door(
        "inspections:rectification-evidence-add",
        obj="finding",
        probes=(Probe("post", CHANGE, upload(PDF, "evidence.pdf"), ok=(302,), refused=(302,)),),
        note="added, or the service's refusal as a message: back to the finding either way",
    ),
    Door(
        "inspections:rectification-evidence",
        obj="finding",
        kwargs=lambda world, obj: {"pk": obj.pk, "aid": world.evidence_of(obj).pk},
    ),
    # Follow-up visits.
    Door(
        "inspections:visit-plan-list",
        gate=Gate(("visit_plan",)),
        lists="visit_plan",
        listed=href("inspections:visit-plan-detail"),
    ),
    Door("inspections:visit-plan-create", gate=Gate(("visit_plan",), CHANGE)),
    Door("inspections:visit-plan-detail", obj="visit_plan"),
    Door(
        "inspections:visit-plan-edit",
        obj="visit_plan",
        probes=(Probe(action=CHANGE, ok=(302,)),),
        note="the plan is drawn: its conditions are no longer edited (back to the plan)",
    ),
    Door(
        "inspections:visit-plan-draw",
        obj="visit_plan",
        probes=(page_post(MANAGE, STALE, refused=(200,)),),
    ),
    Door("inspections:visit-plan-verify", obj="visit_plan", probes=(page_post(VIEW),)),
    Door(
        "inspections:visit-plan-close",
        obj="visit_plan",
        probes=(page_post(MANAGE, STALE, refused=(200,)),),
    ),
    Door(
        "inspections:visit-plan-void",
        obj="visit_plan",
        probes=(page_post(MANAGE, STALE_REASON, refused=(200,)),),
    ),
    Door(
        "inspections:visit-create",
        obj="sampled",
        kwargs=lambda _world, obj: {"sampled": obj.pk},
        pk_kwarg="sampled",
        probes=(Probe(action=CHANGE),),
    ),
    Door("inspections:visit-detail", obj="visit"),
    Door(
        "inspections:visit-raise-clue",
        obj="visit",
        probes=(page_post(CHANGE, STALE, refused=(200,)),),
    ),
    Door(
        "inspections:visit-void",
        obj="visit",
        probes=(page_post(MANAGE, STALE_REASON, refused=(200,)),),
    ),
    Door(
        "inspections:questionnaire-list",
        gate=Gate(("questionnaire",)),
        lists="questionnaire",
        listed=href("inspections:questionnaire-detail"),
    ),
    Door("inspections:questionnaire-create", gate=Gate(("questionnaire",), CHANGE)),
    Door("inspections:questionnaire-detail", obj="questionnaire"),
    # Clues, referrals.
    Door(
        "inspections:clue-list",
        gate=Gate(("clue",)),
        lists="clue",
        listed=href("inspections:clue-detail"),
    ),
    Door("inspections:clue-create", gate=Gate(("clue",), CHANGE)),
    Door(
        "inspections:clue-from-record",
        obj="ledger:contacts",
        gate=Gate(("clue",), CHANGE),
        kwargs=lambda _w, _o: {},
        probes=(Probe(query="model=contacts&pk={pk}"),),
        pk_kwarg="",
    ),
    Door("inspections:clue-detail", obj="clue"),
    Door("inspections:clue-edit", obj="clue", probes=(Probe(action=CHANGE),)),
    Door("inspections:clue-void", obj="clue", probes=(page_post(MANAGE, STALE_REASON),)),
    Door(
        "inspections:clue-share",
        obj="clue",
        probes=(page_post(MANAGE, {"username": "nobody", "reason": "矩阵"}),),
    ),
    Door(
        "inspections:clue-unshare",
        obj="clue",
        kwargs=lambda world, obj: {"pk": obj.pk, "user_id": world.grantee.pk},
        probes=(page_post(SHARE, ok=(302,)),),
    ),
    Door("inspections:clue-refer", obj="clue", probes=(Probe(action=MANAGE),)),
    Door(
        "inspections:clue-attachment-upload",
        obj="clue",
        probes=(page_post(CHANGE, ok=(302,)),),
    ),
    Door(
        "inspections:clue-attachment-download",
        obj="clue",
        kwargs=lambda world, obj: {"pk": obj.pk, "aid": world.attachment_of(obj).pk},
    ),
    Door(
        "inspections:referral-list",
        gate=Gate(("referral",)),
        lists="referral",
        listed=href("inspections:referral-detail"),
    ),
    Door("inspections:referral-detail", obj="referral"),
    Door("inspections:referral-letter", obj="referral"),
    Door(
        "inspections:referral-step",
        obj="referral",
        kwargs=lambda _w, obj: {"pk": obj.pk, "target": "way_chosen"},
        probes=(Probe(action=MANAGE),),
    ),
    Door("inspections:disposition-create", obj="referral", probes=(Probe(action=MANAGE),)),
    # Public complaints (the officers' side).
    Door(
        "inspections:complaint-list",
        gate=Gate(("complaint",)),
        lists="complaint",
        listed=href("inspections:complaint-detail"),
    ),
    Door("inspections:complaint-detail", obj="complaint"),
    Door(
        "inspections:complaint-reply",
        obj="complaint",
        probes=(page_post(CHANGE, {}, refused=(200,)),),
    ),
    Door(
        "inspections:complaint-status",
        obj="complaint",
        probes=(page_post(MANAGE, STALE, refused=(200,)),),
    ),
    Door(
        "inspections:complaint-match",
        obj="complaint",
        probes=(page_post(MANAGE, STALE, refused=(200,)),),
    ),
    Door(
        "inspections:complaint-reporter",
        obj="complaint",
        access="reporter",
        probes=(page_post(VIEW, {}),),
    ),
    Door(
        "inspections:complaint-grant",
        obj="complaint",
        access="reporter",
        probes=(page_post(SHARE, {"username": "nobody"}),),
    ),
    Door(
        "inspections:complaint-attachment",
        obj="complaint",
        kwargs=lambda world, obj: {"pk": obj.pk, "attachment_pk": world.attachment_of(obj).pk},
    ),
    Door("inspections:file-detail", obj="integrity_file"),
    # Public complaints (the public's side): no login.
    Door("complaints:form", public=True, anonymous=(200,)),
    Door("complaints:follow", public=True, anonymous=(200,)),
    Door(
        "complaints:follow-message",
        public=True,
        probes=(Probe("post", data={}, ok=(200, 400)),),
        anonymous=(200, 400),
    ),
    # Reports.
    Door("reports:dashboard", gate=Gate(tuple(f"ledger:{s}" for s in LEDGER_SLUGS), letters="J")),
    # A bulletin speaks for whole courts: for the roles reading ledger 1 across a court.
    Door("reports:bulletin", gate=Gate(("ledger:interference",), letters="J", departments=False)),
    Door(
        "reports:bulletin-docx",
        gate=Gate(("ledger:interference",), letters="J", departments=False),
    ),
    Door(
        "reports:export-list",
        lists="export",
        listed=href("reports:export-detail"),
    ),
    Door("reports:export-new", probes=(Probe("post", data={}, ok=(302,)),)),
    Door("reports:export-detail", obj="export"),
    Door("reports:export-progress", obj="export"),
    Door("reports:export-download", obj="export", probes=(Probe(ok=(302,)),)),
    Door(
        "reports:import-list",
        gate=Gate(("ledger:interference", "staff", "case"), CHANGE, letters="J"),
        lists="import",
        listed=href("reports:import-detail"),
    ),
    Door(
        "reports:import-new",
        gate=Gate(("ledger:interference", "staff", "case"), CHANGE, letters="J"),
    ),
    Door(
        "reports:import-template",
        kwargs=lambda _w, _o: {"target": "interference"},
        gate=Gate(("ledger:interference",), CHANGE, letters="J"),
    ),
    Door("reports:import-detail", obj="import"),
    Door("reports:import-progress", obj="import"),
    Door("reports:import-confirm", obj="import", probes=(page_post(CHANGE, ok=(302,)),)),
    Door("reports:import-cancel", obj="import", probes=(page_post(CHANGE, ok=(302,)),)),
]


# --- the API -------------------------------------------------------------------------------------
def api_list(name: str, key: str | None, *probes: Probe, gate: Gate | None = None) -> Door:
    return Door(name, api=True, lists=key, probes=probes or (GET,), gate=gate, denied=(403,))


def api_obj(name: str, key: str, *probes: Probe, **extra: Any) -> Door:
    return Door(name, obj=key, api=True, probes=probes or (GET,), **extra)


# A valid reminder talk (relatives) and follow-up (departures): added when allowed.
ENTRIES = {
    "relatives": {"talked_on": "2025-04-01", "talked_by": "纪检组", "agreed": "按期申报"},
    "departures": {"followed_on": "2025-04-01", "method": "phone"},
}


def ledger_api(slug: str) -> list[Door]:
    key = f"ledger:{slug}"
    base = f"ledger-{slug}"
    doors = [
        api_list(
            f"{base}-list",
            key,
            GET,
            Probe(
                "post",
                CHANGE,
                {},
                ok=(400,),
                refused=(400,),
                gate=Gate((key,), CHANGE),
                note="an empty record is refused by its validation before anyone's permission",
            ),
        ),
        api_obj(f"{base}-detail", key, GET, api_patch()),
        api_obj(
            f"{base}-attachment",
            key,
            kwargs=lambda world, obj: {"pk": obj.pk, "aid": world.attachment_of(obj).pk},
        ),
        api_obj(
            f"{base}-attachments",
            key,
            GET,
            Probe("post", CHANGE, upload(), ok=(400,), refused=(403,), json=False),
        ),
        api_obj(f"{base}-history", key),
        api_obj(
            f"{base}-transition",
            key,
            Probe(
                "post",
                _step_action,
                lambda _world, obj: {**STALE, "target": _first_step(obj).target},
                ok=(409,),
                refused=(403,),
            ),
        ),
        api_obj(f"{base}-void", key, api_post(MANAGE, STALE_REASON)),
    ]
    if BY_SLUG[slug].child is not None:
        entry = ENTRIES[slug]
        doors.append(api_obj(f"{base}-entries", key, GET, api_post(CHANGE, entry, ok=(201,))))
    return doors


API: list[Door] = [
    Door(
        "api-token",
        api=True,
        public=True,
        probes=(Probe("post", data={"username": "nobody", "password": "wrong"}, ok=(400,)),),
        anonymous=(400,),
    ),
    Door("api-root", api=True),
    # The schema and its Swagger UI describe the API, no data: served to anyone
    # (drf-spectacular's SERVE_PERMISSIONS, AllowAny by default).
    # The schema and Swagger UI are for signed-in users (SPECTACULAR_SETTINGS, SECURITY.md).
    Door("api-schema", api=True),
    Door("api-docs", api=True),
    api_list("api-court-list", "court"),
    api_obj("api-court-detail", "court"),
    api_list("api-department-list", "department"),
    api_obj("api-department-detail", "department"),
    api_list("api-staff-list", "staff"),
    api_obj("api-staff-detail", "staff"),
    api_list(
        "api-case-list",
        "case",
        GET,
        Probe("post", CHANGE, {}, ok=(400,), refused=(403,), gate=Gate(("case",), CHANGE)),
    ),
    api_obj("api-case-detail", "case"),
    *(door for slug in LEDGER_SLUGS for door in ledger_api(slug)),
    # Declarations.
    api_list("declaration-campaign-list", "campaign"),
    api_obj("declaration-campaign-detail", "campaign", GET, api_patch()),
    api_obj("declaration-campaign-close", "campaign", api_post(CHANGE, STALE)),
    api_obj("declaration-campaign-void", "campaign", api_post(CHANGE, STALE_REASON)),
    api_obj("declaration-campaign-progress", "campaign"),
    api_obj("declaration-campaign-remind-overdue", "campaign", api_post(CHANGE, ok=(200,))),
    api_list("declaration-list", "declaration"),
    api_obj("declaration-detail", "declaration"),
    api_obj(
        "declaration-file",
        "declaration",
        api_post(CHANGE, {**STALE, "has_nothing": True}),
    ),
    api_obj(
        "declaration-sign",
        "declaration",
        api_post(VIEW, {**STALE, "statement": "属实"}, ok=(400,)),
        note="not filed yet: awaits nobody's signature (the service checks that before who "
        "signs which stage)",
    ),
    api_obj(
        "declaration-return-",
        "declaration",
        api_post(VIEW, STALE_REASON, ok=(400,)),
        note="not filed yet: nothing to return (checked before who signs which stage)",
    ),
    api_obj("declaration-correct", "declaration", api_post(CHANGE, ok=(400,))),
    # Notifications: the caller's own.
    Door(
        "notification-list",
        api=True,
        lists="notification",
        sees="notification:inbox",
    ),
    Door("notification-read-all", api=True, probes=(Probe("post", ok=(200,)),)),
    Door("notification-unread-count", api=True),
    api_obj("notification-detail", "notification", sees="notification:inbox"),
    api_obj(
        "notification-read",
        "notification",
        api_post(CHANGE, ok=(200,)),
        sees="notification:inbox",
    ),
    # Supervision.
    api_list("inspection-list", "inspection"),
    api_obj("inspection-detail", "inspection", GET, api_patch()),
    api_obj("inspection-counts", "inspection"),
    api_obj("inspection-look-back", "lookback"),
    api_obj(
        "inspection-transition",
        "inspection",
        api_post(MANAGE, {**STALE, "target": "rectifying"}),
    ),
    api_obj("inspection-void", "inspection", api_post(MANAGE, STALE_REASON)),
    api_list("finding-list", "finding"),
    api_obj("finding-detail", "finding", GET, api_patch(MANAGE)),
    api_obj("finding-close", "finding", api_post(MANAGE, STALE)),
    api_obj(
        "finding-evidence",
        "finding",
        Probe("post", CHANGE, upload(PDF, "evidence.pdf"), ok=(201,), refused=(400,), json=False),
        note="the file is added when allowed; without the right there is no report to add it "
        "to (400)",
    ),
    api_obj(
        "finding-report",
        "open_finding",
        api_post(CHANGE, {**STALE, "measures": "已整改", "completed_on": "2026-01-05"}),
    ),
    api_obj("finding-return-", "finding", api_post(MANAGE, STALE_REASON)),
    api_obj("finding-void", "finding", api_post(MANAGE, STALE_REASON)),
    api_list("questionnaire-list", "questionnaire"),
    api_obj("questionnaire-detail", "questionnaire", GET, api_patch()),
    api_obj("questionnaire-void", "questionnaire", api_post(MANAGE, STALE_REASON)),
    api_list("visit-plan-list", "visit_plan"),
    api_obj(
        "visit-plan-detail",
        "visit_plan",
        GET,
        api_patch(ok=(400,)),
        note="the plan is drawn: its conditions are no longer changed",
    ),
    api_obj("visit-plan-close", "visit_plan", api_post(MANAGE, STALE)),
    api_obj("visit-plan-draw", "visit_plan", api_post(MANAGE, STALE, ok=(400,))),
    api_obj("visit-plan-sample", "visit_plan"),
    api_obj("visit-plan-verify", "visit_plan", api_post(VIEW, ok=(200,))),
    api_obj("visit-plan-void", "visit_plan", api_post(MANAGE, STALE_REASON)),
    api_list("visit-list", "visit"),
    api_obj("visit-detail", "visit"),
    api_obj(
        "visit-clue",
        "visit",
        api_post(CHANGE, STALE, ok=(400,)),
        note="the visit found no problem: nothing to raise",
    ),
    api_obj("visit-void", "visit", api_post(MANAGE, STALE_REASON)),
    api_list("clue-list", "clue"),
    api_obj("clue-detail", "clue", GET, api_patch()),
    api_obj("clue-refer", "clue", api_post(MANAGE, ok=(201,))),
    api_obj(
        "clue-share",
        "clue",
        api_post(SHARE, {"username": "nobody", "reason": "矩阵"}, ok=(400,)),
    ),
    api_obj("clue-void", "clue", api_post(MANAGE, STALE_REASON)),
    api_list("referral-list", "referral"),
    api_obj("referral-detail", "referral"),
    api_obj(
        "referral-disposition",
        "referral",
        api_post(
            MANAGE,
            {
                **STALE,
                "form": 1,
                "measure": "admonition",
                "decided_on": "2026-01-05",
                "decision": "诫勉",
            },
            ok=(400,),
        ),
        note="the referral is not filed yet: no disposition",
    ),
    api_obj("referral-step", "referral", api_post(MANAGE, {**STALE, "target": "way_chosen"})),
    api_list("complaint-list", "complaint"),
    api_obj("complaint-detail", "complaint"),
    api_obj("complaint-attachments", "complaint"),
    api_obj(
        "complaint-grant-reporter",
        "complaint",
        api_post(SHARE, {"username": "nobody"}, ok=(400,), refused=(404,)),
        access="reporter",
    ),
    api_obj(
        "complaint-match",
        "complaint",
        api_post(MANAGE, lambda world, obj: {**STALE, "subject": world.judge_of(obj).pk}),
    ),
    api_obj("complaint-messages", "complaint"),
    api_obj("complaint-reply", "complaint", api_post(CHANGE, {"body": "请补充情况"}, ok=(201,))),
    api_obj("complaint-reporter", "complaint", access="reporter"),
    api_obj("complaint-set-status", "complaint", api_post(MANAGE, {**STALE, "status": "handling"})),
    api_obj("integrity-file-detail", "integrity_file"),
    # Reports.
    Door(
        "report-dashboard-list",
        api=True,
        gate=Gate(tuple(f"ledger:{s}" for s in LEDGER_SLUGS), letters="J"),
    ),
    api_list("report-export-list", "export", GET, Probe("post", data={}, ok=(400,))),
    api_obj("report-export-detail", "export"),
    api_obj("report-export-download", "export", Probe(ok=(409,))),
    api_list(
        "report-import-list",
        "import",
        GET,
        Probe("post", data={}, ok=(400,)),
    ),
    Door(
        "report-import-template",
        api=True,
        kwargs=lambda _w, _o: {"target": "interference"},
        gate=Gate(("ledger:interference",), CHANGE, letters="J"),
    ),
    api_obj("report-import-detail", "import"),
    api_obj("report-import-cancel", "import", api_post(CHANGE, ok=(200,))),
    api_obj("report-import-confirm", "import", api_post(CHANGE, ok=(409,))),
    # Early warning.
    api_list("alert-list", "alert"),
    api_obj("alert-detail", "alert"),
    api_obj("alert-clue", "alert", api_post(CHANGE, STALE)),
    api_obj("alert-dismiss", "alert", api_post(CHANGE, STALE_REASON)),
    api_obj("alert-done", "alert", api_post(CHANGE, {**STALE, "note": "已回避"})),
]

DOORS: list[Door] = [*PAGES, *API]

# URL patterns outside the matrix, as groups, with the reason.
EXCLUDED_NAMESPACES = {
    "admin": "the Django admin: its own permission checks and scoped querysets, tested in "
    "tests/*/test_admin.py; every page there is the admin's, not a door of the app",
}
