"""The world the API fuzzing (test_fuzz.py) runs in, built once for a module.

The courts of tests/conftest.py's ``province``: 辽宁高院 (辽) → 沈阳中院 (辽01) → 和平 (辽0102) and
沈河 (辽0103); 大连中院 (辽02) → 中山 (辽0202). One login per role, placed as in the demo:

- ``staff``: the judge of 和平 民一庭 (the subject of the records at 和平);
- ``officer``: discipline officer of 和平; ``chief``: chief of 和平 民一庭;
- ``leader``: 沈阳中院, covering the courts below; ``discipline``: likewise;
- ``supervisor`` and ``admin``: the high court, covering the province.

Every kind of object the API serves exists at 和平 (within every role's courts; the records are
the staff member's own) and at 大连 (within the supervisor's and the administrator's only), so
that the fuzzed ids reach objects in and out of scope; what belongs to a login (notifications,
export jobs, import jobs of those who may import) exists for the logins and for another one.

Used by test_fuzz.py and test_fuzz_regressions.py through fuzzing.world_for_module.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook
from rest_framework.authtoken.models import Token

from inspections.services import clues as clue_services
from integrity.access.models import Role, RoleAssignment, User
from integrity.notify.models import Notification
from integrity.org.models import Court
from integrity.reports.imports import services as import_services
from integrity.reports.models import ExportJob
from ledgers import services as ledger_services
from ledgers.declarations import services as declaration_services
from ledgers.models import Campaign, Declaration
from ledgers.selectors import attachments_of
from ledgers.specs import SPECS

from ..factories import (
    DepartmentFactory,
    StaffMemberFactory,
    liaoning_courts,
    login_without_password,
)
from ..ledgers.test_pages import record_values
from ..world_parts import (
    clue_about,
    complaint_about,
    panel_alert,
    pdf_upload,
    registry_case,
    reported_finding,
    running_inspection,
    visited,
)

ROLES = ("staff", "officer", "chief", "leader", "supervisor", "discipline", "admin")
# Where each role's login sits: (court key, the court's trial department?, covers below?).
PLACES = {
    "staff": ("heping", False, False),
    "officer": ("heping", False, False),
    "chief": ("heping", True, False),
    "leader": ("shenyang", False, True),
    "supervisor": ("high", False, True),
    "discipline": ("shenyang", False, True),
    "admin": ("high", False, True),
}
# The two courts every kind of object exists at.
SITES = ("heping", "dalian")
DAY = datetime.date(2025, 3, 5)


@dataclass
class World:
    courts: dict[str, Court]
    users: dict[str, User]
    tokens: dict[str, str]
    # ids[kind]: the ids of every object of that kind
    ids: dict[str, list[int]] = field(default_factory=dict)
    # at[kind][site]: the id of the (first) object of that kind at 和平 or 大连
    at: dict[str, dict[str, int]] = field(default_factory=dict)
    # own[kind][role]: the id of the role's login's own object (notifications, jobs)
    own: dict[str, dict[str, int]] = field(default_factory=dict)
    models: dict[str, type] = field(default_factory=dict)

    def add(self, kind: str, obj: Any, site: str | None = None, role: str | None = None) -> None:
        self.ids.setdefault(kind, []).append(obj.pk)
        self.models[kind] = type(obj)
        if site is not None:
            self.at.setdefault(kind, {}).setdefault(site, obj.pk)
        if role is not None:
            self.own.setdefault(kind, {})[role] = obj.pk


def _workbook() -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "工号"])
    sheet.append(["张三", "F00001"])
    data = io.BytesIO()
    book.save(data)
    return SimpleUploadedFile(
        "名册.xlsx",
        data.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _login(username: str, staff: Any) -> User:
    return login_without_password(username, staff)


def _ledger_fields(slug: str, court: Court, department: Any, staff: Any) -> dict[str, Any]:
    return {"court": court, "department": department, "staff": staff, **record_values(slug, court)}


def _tree() -> tuple[dict[str, Court], dict[str, Any], dict[str, Any]]:
    courts = liaoning_courts()
    departments, judges = {}, {}
    for key, court in courts.items():
        departments[key] = DepartmentFactory(court=court, name="民事审判第一庭")
        judges[key] = StaffMemberFactory(
            court=court, department=departments[key], name=f"{key}法官"
        )
    return courts, departments, judges


def build() -> World:
    today = timezone.localdate()
    courts, departments, judges = _tree()

    users: dict[str, User] = {}
    for role in ROLES:
        key, in_department, covers = PLACES[role]
        staff = judges[key]
        if role != Role.STAFF:
            staff = StaffMemberFactory(
                court=courts[key], department=departments[key], name=f"{role}登录", post="clerk"
            )
        users[role] = _login(f"fuzz-{role}", staff)
        RoleAssignment.objects.create(
            user=users[role],
            role=role,
            court=courts[key],
            department=departments[key] if in_department else None,
            covers_subordinates=covers,
        )
    # Another login at 大连, for the objects that belong to a login.
    other = _login(
        "fuzz-other",
        StaffMemberFactory(court=courts["dalian"], department=departments["dalian"], post="clerk"),
    )
    RoleAssignment.objects.create(user=other, role=Role.OFFICER, court=courts["dalian"])
    tokens = {role: Token.objects.create(user=user).key for role, user in users.items()}
    world = World(courts=courts, users=users, tokens=tokens)
    for role, user in users.items():
        world.add("user", user, site="heping" if role == "officer" else None, role=role)
    world.add("user", other, site="dalian")
    for key in ("heping", "dalian", "high", "shenyang"):
        world.add("court", courts[key], site=key)
        world.add("department", departments[key], site=key)
        world.add("staff", judges[key], site=key)

    for key in SITES:
        court, department, judge = courts[key], departments[key], judges[key]
        # The registry: a case the judge presides over, closed recently (for the visits).
        case = registry_case(key, court, department, judge, today)
        world.add("case", case, site=key)

        # The six ledgers, each record about the judge, with a file attached.
        for spec in SPECS:
            record = ledger_services.ledger_create(
                actor=None,
                model=spec.model,
                fields=_ledger_fields(spec.slug, court, department, judge),
            )
            attachment = ledger_services.attachment_add(
                actor=None, record=record, upload=pdf_upload()
            )
            world.add(f"ledger:{spec.slug}", record, site=key)
            world.add(f"ledger:{spec.slug}:attachment", attachment, site=key)
        # Early warning: the judge sits on a case in which a declared relative acts.
        world.add("alert", panel_alert(f"fuzz:{key}", court, department, judge, case), site=key)

        # Declarations: a relatives campaign and a 三个规定 campaign of the court.
        for kind, title in (
            (Campaign.Kind.RELATIVES, "近亲属从事律师职业报告"),
            (Campaign.Kind.THREE_RULES, "三个规定报告"),
        ):
            campaign = declaration_services.campaign_open(
                actor=None,
                kind=kind,
                title=f"{key}{title}",
                court=court,
                covers_subordinates=False,
                period_start=today.replace(month=1, day=1),
                period_end=today.replace(month=12, day=31),
                due_on=today + datetime.timedelta(days=30),
            )
            world.add("campaign", campaign, site=key)
            declaration = Declaration.objects.get(campaign=campaign, staff=judge)
            world.add("declaration", declaration, site=key)

        # Supervision: an inspection the court organises of itself, a finding about the judge
        # reported with an evidence file.
        inspection = running_inspection(key, court, users["supervisor"], today)
        world.add("inspection", inspection, site=key)
        finding, report = reported_finding(inspection, court, department, judge, today)
        world.add("finding", finding, site=key)
        world.add("finding:evidence", attachments_of(report).get(), site=key)

        # Follow-up visits: the court's questionnaire and plan, its sample drawn, one visit.
        questionnaire, plan, sampled, visit = visited(key, court, today, gifts="yes")
        world.add("questionnaire", questionnaire, site=key)
        world.add("visit_plan", plan, site=key)
        world.add("sampled", sampled, site=key)
        world.add("visit", visit, site=key)

        # Clues: one with evidence, not referred; another referred to the discipline team.
        clue, _none = clue_about(court, department, judge, today, referred=False)
        world.add("clue", clue, site=key)
        clue_services.clue_attachment_add(actor=None, clue=clue, upload=pdf_upload())
        referred, referral = clue_about(court, department, judge, today, referred=True)
        world.add("clue", referred, site=key)
        world.add("referral", referral, site=key)

        # A public complaint about the judge, with contact details and a file.
        world.add("complaint", complaint_about(court, department, judge), site=key)

    # What belongs to a login: a notification, an export job and a checked import of the
    # staff roster, for each login and for the other one at 大连.
    roles = {user.pk: role for role, user in users.items()}
    for user in (*users.values(), other):
        court = user.staff.court
        role = roles.get(user.pk)
        world.add(
            "notification",
            Notification.objects.create(
                recipient=user.staff,
                court=court,
                kind="fuzz.test",
                key=f"fuzz:{user.username}",
                url="/ledgers/",
            ),
            role=role,
        )
        world.add(
            "export",
            ExportJob.objects.create(
                created_by=user, court=court, source="ledger:relatives", format="csv"
            ),
            role=role,
        )
    for role in ("officer", "admin"):
        job = import_services.import_upload(actor=users[role], target="staff", upload=_workbook())
        world.add("import", job, role=role)
    job = import_services.import_upload(actor=other, target="staff", upload=_workbook())
    world.add("import", job)
    # The inquiries a staff member may declare in a 三个规定 report: ledger 1's records.
    world.ids["inquiry"] = world.ids["ledger:interference"]
    world.at["inquiry"] = world.at["ledger:interference"]
    world.models["inquiry"] = world.models["ledger:interference"]
    return world
