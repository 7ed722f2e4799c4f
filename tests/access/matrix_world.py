"""The world the access matrix (test_matrix.py) runs in, built once for the module.

Courts: 辽宁高院 → 沈阳中院 (辽01) → 和平区法院 (辽0102), and 大连中院 (辽02) beside 沈阳. One
login per role, each at 沈阳中院 with a staff record there: the staff login *is* the judge
of 沈阳's trial division, who owns (is the subject of) the records at 沈阳; the chief holds
that division; every other role covers the courts below (as leaders, supervision, the
discipline team and administrators are assigned in the demo).

The three relations of an object to the login:

- ``own``: the object belongs to 沈阳中院, the login's own court;
- ``below``: it belongs to 和平区法院, a court below 沈阳;
- ``neighbour``: it belongs to 大连中院, the same level in another branch.

Each kind of object exists once per court (``World.objects[key][relation]``); objects that
belong to a login rather than a court (notifications, export and import jobs) exist for each
login at 沈阳 and for another login at 和平 and at 大连 (``World.personal``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from inspections.models import Inspection, IntegrityFile
from inspections.services import clues as clue_services
from integrity.access.models import Role, RoleAssignment, User
from integrity.notify.models import Notification
from integrity.org.models import Court
from integrity.reports.models import ExportJob, ImportJob
from ledgers import services as ledger_services
from ledgers.declarations import services as declaration_services
from ledgers.models import Campaign, Declaration
from ledgers.selectors import attachments_of
from ledgers.specs import SPECS

from ..factories import (
    DepartmentFactory,
    StaffMemberFactory,
    login_without_password,
    make_court,
)
from ..ledgers.test_pages import record_values
from ..world_parts import (
    clue_about,
    complaint_about,
    inspection_of,
    open_finding,
    panel_alert,
    pdf_upload,
    registry_case,
    reported_finding,
    running_inspection,
    visited,
)

RELATIONS = ("own", "below", "neighbour")
# Where the objects of each relation live (keys of World.courts).
COURT_OF = {"own": "shenyang", "below": "heping", "neighbour": "dalian"}
# The roles in the order of Role; each login sits at 沈阳.
ROLES = tuple(Role.values)
# Assignments covering the courts below: every role but the staff member's (their own records)
# and the chief's (one department).
COVERS = {role: role not in (Role.STAFF, Role.CHIEF) for role in ROLES}
LEDGER_SLUGS = tuple(spec.slug for spec in SPECS)
DAY = datetime.date(2025, 3, 5)


@dataclass
class World:
    courts: dict[str, Court]
    users: dict[str, User]  # by role
    # objects[key][relation]: the object of that kind at the relation's court
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    # personal[key][(role, relation)]: a login's own object ("own": the role's login at 沈阳)
    # or another login's at 和平 / 大连
    personal: dict[str, dict[tuple[str, str], Any]] = field(default_factory=dict)
    # files by the pk of the record, clue, complaint or finding they belong to
    files: dict[tuple[str, int], Any] = field(default_factory=dict)
    grantee: User | None = None  # the login every clue is shared with

    def object(self, key: str, relation: str, role: str) -> Any:
        if key in self.personal:
            return self.personal[key][(role, relation)]
        return self.objects[key][relation]

    def attachment_of(self, obj: Any) -> Any:
        return self.files[(obj._meta.label, obj.pk)]

    def evidence_of(self, finding: Any) -> Any:
        return self.files[("evidence", finding.pk)]

    def judge_of(self, obj: Any) -> Any:
        """The judge of the court ``obj`` belongs to (whom the court's records are about)."""
        return next(
            judge for judge in self.objects["staff"].values() if judge.court_id == obj.court_id
        )


def _login(username: str, staff: Any) -> User:
    return login_without_password(username, staff)


def _inspector(key: str, court: Court, department: Any) -> User:
    staff = StaffMemberFactory(court=court, department=department, name=f"{key}巡查员")
    return _login(f"matrix-inspector-{key}", staff)


def _ledger_fields(slug: str, court: Court, department: Any, staff: Any) -> dict[str, Any]:
    return {"court": court, "department": department, "staff": staff, **record_values(slug, court)}


def build() -> World:
    today = timezone.localdate()
    high = make_court("辽宁省高级人民法院", "辽", Court.Level.HIGH)
    shenyang = make_court("沈阳市中级人民法院", "辽01", Court.Level.INTERMEDIATE, high)
    heping = make_court("沈阳市和平区人民法院", "辽0102", parent=shenyang)
    dalian = make_court("大连市中级人民法院", "辽02", Court.Level.INTERMEDIATE, high)
    courts = {"high": high, "shenyang": shenyang, "heping": heping, "dalian": dalian}

    departments, judges, clerks = {}, {}, {}
    for relation, key in COURT_OF.items():
        court = courts[key]
        departments[relation] = DepartmentFactory(court=court, name="民事审判第一庭")
        judges[relation] = StaffMemberFactory(
            court=court, department=departments[relation], name=f"{key}法官"
        )
        clerks[relation] = StaffMemberFactory(
            court=court, department=departments[relation], name=f"{key}书记员", post="clerk"
        )

    # One login per role at 沈阳; the staff login is the judge whose records are "own".
    users: dict[str, User] = {}
    for role in ROLES:
        staff = judges["own"]
        if role != Role.STAFF:
            staff = StaffMemberFactory(
                court=shenyang, department=departments["own"], name=f"{role}登录", post="clerk"
            )
        users[role] = _login(f"matrix-{role}", staff)
        RoleAssignment.objects.create(
            user=users[role],
            role=role,
            court=shenyang,
            department=departments["own"] if role == Role.CHIEF else None,
            covers_subordinates=COVERS[role],
        )
    # Someone else's login at 和平 and at 大连, for the objects that belong to a login.
    others = {
        relation: _login(f"matrix-other-{relation}", clerks[relation])
        for relation in ("below", "neighbour")
    }
    for relation, user in others.items():
        RoleAssignment.objects.create(
            user=user, role=Role.OFFICER, court=courts[COURT_OF[relation]]
        )

    world = World(courts=courts, users=users)
    # A login without roles that every clue is shared with (for withdrawing a share).
    world.grantee = _login(
        "matrix-grantee",
        StaffMemberFactory(court=high, department=DepartmentFactory(court=high), name="协查人"),
    )
    objects = world.objects

    def put(key: str, relation: str, obj: Any) -> None:
        objects.setdefault(key, {})[relation] = obj

    for relation, key in COURT_OF.items():
        court, department, judge = courts[key], departments[relation], judges[relation]
        put("court", relation, court)
        put("department", relation, department)
        put("staff", relation, judge)
        put("integrity_file", relation, IntegrityFile.objects.get(pk=judge.pk))

        # The registry: a case the judge presides over, closed recently (for the visits).
        case = registry_case(key, court, department, judge, today)
        put("case", relation, case)

        # The six ledgers, each record about the judge, with a file attached.
        for slug in LEDGER_SLUGS:
            spec = next(spec for spec in SPECS if spec.slug == slug)
            record = ledger_services.ledger_create(
                actor=None,
                model=spec.model,
                fields=_ledger_fields(slug, court, department, judge),
            )
            attachment = ledger_services.attachment_add(
                actor=None, record=record, upload=pdf_upload()
            )
            put(f"ledger:{slug}", relation, record)
            world.files[(record._meta.label, record.pk)] = attachment

        # Early warning: the judge sits on a case in which a declared relative acts.
        put("alert", relation, panel_alert(f"matrix:{key}", court, department, judge, case))

        # Declarations: a campaign of the court, the judge's declaration in it.
        campaign = declaration_services.campaign_open(
            actor=None,
            kind=Campaign.Kind.RELATIVES,
            title=f"{key}近亲属从事律师职业报告",
            court=court,
            covers_subordinates=False,
            period_start=today.replace(month=1, day=1),
            period_end=today.replace(month=12, day=31),
            due_on=today + datetime.timedelta(days=30),
        )
        put("campaign", relation, campaign)
        put("declaration", relation, Declaration.objects.get(campaign=campaign, staff=judge))

        # Supervision: an inspection the court organises of itself, a finding about the judge
        # reported with an evidence file.
        # A visiting inspector without roles of their own (the logins of the roles stay as they
        # are: no temporary access for them).
        inspection = running_inspection(key, court, _inspector(key, court, department), today)
        put("inspection", relation, inspection)
        put(
            "lookback",
            relation,
            inspection_of(
                court,
                f"{key}回头看",
                Inspection.Kind.LOOK_BACK,
                "整改落实情况",
                _inspector(f"{key}-lookback", court, department),
                today,
            ),
        )
        finding, report = reported_finding(inspection, court, department, judge, today)
        put("finding", relation, finding)
        put(
            "open_finding",
            relation,
            open_finding(
                inspection, court, department, judge, today, "廉政教育未开展", "开展专题教育"
            ),
        )
        put("report", relation, report)
        world.files[("evidence", finding.pk)] = attachments_of(report).get()

        # Follow-up visits: the court's questionnaire and plan, its sample drawn, one visit.
        questionnaire, plan, sampled, visit = visited(key, court, today, gifts="no")
        put("questionnaire", relation, questionnaire)
        put("visit_plan", relation, plan)
        put("sampled", relation, sampled)
        put("visit", relation, visit)

        # Clues: one with evidence, not referred; another referred to the discipline team.
        clue, _none = clue_about(court, department, judge, today, referred=False)
        put("clue", relation, clue)
        world.files[(clue._meta.label, clue.pk)] = clue_services.clue_attachment_add(
            actor=None, clue=clue, upload=pdf_upload()
        )
        clue_services.clue_share(actor=None, clue=clue, grantee=world.grantee, reason="协查")
        _referred, referral = clue_about(court, department, judge, today, referred=True)
        put("referral", relation, referral)

        # A public complaint about the judge, with contact details and a file.
        complaint = complaint_about(court, department, judge)
        put("complaint", relation, complaint)
        put("reporter", relation, complaint.reporter)
        world.files[(complaint._meta.label, complaint.pk)] = complaint.attachments.get()

    # What belongs to a login: notifications, export and import jobs.
    personal = world.personal
    for role, user in users.items():
        owners = {"own": user, **others}
        for relation, owner in owners.items():
            court = courts[COURT_OF[relation]]
            personal.setdefault("notification", {})[(role, relation)] = Notification.objects.create(
                recipient=owner.staff,
                court=court,
                kind="matrix.test",
                key=f"matrix:{role}:{relation}",
                url="/ledgers/",
            )
            personal.setdefault("export", {})[(role, relation)] = ExportJob.objects.create(
                created_by=owner, court=court, source="ledger:relatives", format="csv"
            )
            personal.setdefault("import", {})[(role, relation)] = ImportJob.objects.create(
                created_by=owner,
                court=court,
                target="staff",
                upload="matrix.xlsx",
                original_name="matrix.xlsx",
            )
    return world
