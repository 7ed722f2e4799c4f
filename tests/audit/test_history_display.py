"""The history timelines read as Chinese, not as database values (integrity/audit/display.py,
templates/audit/_history.html): field names as their labels, choices as their labels, related
objects by name (only within the viewer's scope), dates as 2024年3月5日, times in local time,
是/否, the sign-off chain as its stages, empty as —, nothing-changed lines dropped, unknown keys
by their raw name; the actor by display name; a fixed number of queries whatever the number of
events. Per panel: a ledger record, a declaration, an inspection and its finding, a referral,
a clue."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.utils import timezone

from inspections.models import Clue, Finding, Inspection, Referral, TeamMember
from inspections.services import clues as clue_services
from inspections.services import inspections as inspection_services
from inspections.services import referrals as referral_services
from integrity.access.models import Role
from integrity.audit import display
from integrity.audit.models import AuditEvent
from ledgers import services as ledger_services
from ledgers.declarations import services as declaration_services
from ledgers.models import Campaign, Declaration, RelativePractice

from ..factories import StaffMemberFactory, UserFactory, assign

pytestmark = pytest.mark.django_db
D = dt.date
FIRM = "辽宁正义律师事务所"


# --- builders ------------------------------------------------------------------------------


def login(username: str, name: str, court, department=None, *roles: str, covers=False) -> Any:
    """A login named ``name`` (its staff record) holding ``roles`` at ``court``."""
    staff = StaffMemberFactory(court=court, department=department, name=name)
    user = UserFactory(username=username, staff=staff)
    for role in roles:
        assign(
            user,
            role,
            court,
            department=department if role == Role.CHIEF else None,
            covers=covers,
        )
    return user


def timeline(response) -> list[str]:
    """The history panel as the reader sees it: one string per event (tags stripped)."""
    assert response.status_code == 200
    page = response.content.decode()
    panel = re.search(r'<ol class="timeline">(.*?)</ol>', page, re.S)
    assert panel is not None, "no history panel"
    events = re.findall(r"<li><time.*?(?=<li><time|\Z)", panel.group(1), re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", e)).split()) for e in events]


def event_text(events: list[str], label: str) -> str:
    """The one event of the timeline whose label is ``label``."""
    found = [e for e in events if f" {label} " in f" {e} "]
    assert len(found) == 1, (label, events)
    return found[0]


def chinese_day(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def chinese_moment(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{chinese_day(local.date())} {local:%H:%M}"


RAW = re.compile(r"\[None|None\]|\{'|\{\"|'\w+':|— → —")


def assert_no_raw_values(events: list[str], *codes: str) -> None:
    """Nothing of the stored form shows: no Python or JSON lists, no choice codes, no
    usernames, no lines where nothing changed."""
    text = "\n".join(events)
    assert not RAW.search(text), text
    for code in codes:
        assert code not in text, (code, text)


# --- a ledger record -----------------------------------------------------------------------


def relatives_record(province, actor, **overrides) -> RelativePractice:
    heping = province.courts["heping"]
    return ledger_services.ledger_create(
        actor=actor,
        model=RelativePractice,
        fields={
            "court": heping,
            "department": province.departments["heping"],
            "staff": province.staff["heping"],
            "relative_name": "李某",
            "relationship": "spouse",
            "law_firm": FIRM,
            "firm_area": heping,
            "role": "lawyer",
            "acts_in_jurisdiction": False,
            "practising_since": D(2019, 7, 1),
            "reported_on": D(2025, 3, 5),
            **overrides,
        },
    )


def test_a_ledger_record_history_reads_as_its_page(client, province):
    # Given a record entered by officer 赵敏 (login zhaomin), then corrected: relationship,
    # role, the firm's area (a court), a date and a flag
    heping = province.courts["heping"]
    officer = login("zhaomin", "赵敏", heping, None, Role.OFFICER)
    record = relatives_record(province, officer)
    ledger_services.ledger_update(
        actor=officer,
        record=record,
        version=record.version,
        fields={
            "relationship": "son",
            "role": "partner",
            "firm_area": province.courts["shenhe"],
            "practising_since": D(2020, 3, 5),
            "acts_in_jurisdiction": True,
            "notes": "",  # empty before, empty after: no line
        },
    )

    # When the officer opens the record
    client.force_login(officer)
    events = timeline(client.get(f"/ledgers/relatives/{record.pk}/"))

    # Then the correction reads as the page does
    corrected = event_text(events, "更正")
    assert "更正 赵敏" in corrected  # the display name, not the login
    assert "亲属关系：配偶 → 儿子" in corrected
    assert "角色：律师 → 律师事务所合伙人或设立人" in corrected
    assert "律师事务所所在辖区：沈阳市和平区人民法院 → 沈阳市沈河区人民法院" in corrected
    assert "执业起始日期：2019年7月1日 → 2020年3月5日" in corrected
    assert "在本院辖区内代理案件：否 → 是" in corrected
    assert "备注" not in corrected
    # and the entry lists what was entered, without "— →" and without the empty fields
    entered = event_text(events, "录入")
    assert "亲属关系：配偶" in entered
    assert "法院：沈阳市和平区人民法院" in entered
    assert "部门：沈阳市和平区人民法院 民事审判第一庭" in entered
    assert f"涉及干警：{province.staff['heping'].name}" in entered
    assert "报告日期：2025年3月5日" in entered
    assert "在本院辖区内代理案件：否" in entered
    assert "→" not in entered
    assert "回避申请日期" not in entered  # left empty
    assert "版本" not in entered  # the optimistic lock's counter is bookkeeping
    assert_no_raw_values(events, "spouse", "lawyer", "partner", "zhaomin", "2019-07-01")


# --- a declaration -------------------------------------------------------------------------


def test_a_declaration_history_reads_as_its_page(client, province):
    # Given a relatives declaration filed by a judge and signed by the chief of his division
    heping, civil = province.courts["heping"], province.departments["heping"]
    filer = login("shenpan", "审判员甲", heping, civil, Role.STAFF)
    chief = login("minyi", "民一庭长", heping, civil, Role.STAFF, Role.CHIEF)
    login("fuyuanzhang", "副院长", heping, None, Role.STAFF, Role.LEADER)
    officer = login("jijian", "和平纪检", heping, None, Role.OFFICER)
    campaign = declaration_services.campaign_open(
        actor=officer,
        kind=Campaign.Kind.RELATIVES,
        title="近亲属从事律师职业申报",
        court=heping,
        covers_subordinates=False,
        period_start=D(2025, 1, 1),
        period_end=D(2025, 12, 31),
        due_on=timezone.localdate() + dt.timedelta(days=20),
    )
    declaration = Declaration.objects.get(campaign=campaign, staff=filer.staff)
    declaration = declaration_services.declaration_file(
        actor=filer,
        declaration=declaration,
        version=declaration.version,
        has_nothing=False,
        relatives=[
            {
                "relative_name": "王某",
                "relationship": "spouse",
                "law_firm": FIRM,
                "licence_number": "12101201510000001",
                "role": "lawyer",
                "acts_in_jurisdiction": False,
            }
        ],
    )
    declaration_services.declaration_sign(
        actor=chief,
        declaration=declaration,
        version=declaration.version,
        statement=str(declaration_services.DEFAULT_ATTESTATION),
    )
    declaration.refresh_from_db()

    # When the officer opens it
    client.force_login(officer)
    events = timeline(client.get(f"/declarations/{declaration.pk}/"))

    # Then filing shows the status, the chain as its stages, the relatives, the court awaited
    # and the time in local time
    filed = event_text(events, "已报送")
    assert "已报送 审判员甲" in filed
    assert "状态：待报送 → 待签字背书" in filed
    assert "签批流程：— → 庭长（部门负责人） → 院领导" in filed
    assert "申报的近亲属：— → 王某（配偶）" in filed
    assert "待签批角色：— → 庭长（部门负责人）" in filed
    assert "待签批法院：— → 沈阳市和平区人民法院" in filed
    assert "待签批部门：— → 沈阳市和平区人民法院 民事审判第一庭" in filed
    assert f"填报时间：— → {chinese_moment(declaration.filed_at)}" in filed
    assert "无申报事项" not in filed  # 否 before and after
    # and the signature names the stage signed
    signed = event_text(events, "已签字背书")
    assert "已签字背书 民一庭长" in signed
    assert "签字：— → 庭长（部门负责人）" in signed
    assert "已签批级数：0 → 1" in signed
    assert "待签批角色：庭长（部门负责人） → 院领导" in signed
    assert f"签批意见：{declaration_services.DEFAULT_ATTESTATION}" in signed  # not "理由"
    assert_no_raw_values(events, "pending", "filed", "chief", "leader", "minyi", "shenpan")


# --- an inspection and its finding ---------------------------------------------------------


@pytest.fixture
def inspectors(province):
    c, d = province.courts, province.departments
    supervisor = login("dujc", "督察局长", c["high"], d["high"], Role.SUPERVISOR, covers=True)
    chief = login("heping_chief", "和平庭长", c["heping"], d["heping"], Role.CHIEF)
    discipline = login("jjz", "纪检组长", c["shenyang"], None, Role.DISCIPLINE, covers=True)
    officer = login("hpjj", "和平纪检", c["heping"], None, Role.OFFICER)
    return supervisor, chief, discipline, officer


def test_an_inspection_and_its_finding_read_as_their_pages(client, province, inspectors):
    supervisor, _chief, _discipline, officer = inspectors
    c, d = province.courts, province.departments
    # Given an inspection of 和平 led by the supervisor, in progress
    inspection = inspection_services.inspection_create(
        actor=supervisor,
        fields={
            "court": c["high"],
            "number": "辽高法督〔2026〕1号",
            "title": "2026年第一轮司法巡查",
            "kind": Inspection.Kind.ROUTINE,
            "starts_on": timezone.localdate() - dt.timedelta(days=5),
            "ends_on": timezone.localdate() + dt.timedelta(days=25),
            "scope": "三个规定落实情况",
        },
        targets=[(c["heping"], None)],
        team=[(supervisor, TeamMember.Function.LEADER)],
    )
    inspection = inspection_services.inspection_transition(
        actor=supervisor,
        inspection=inspection,
        version=inspection.version,
        target=Inspection.Status.IN_PROGRESS,
    )
    # and a finding, corrected (category, department, deadline), then reported by the court's
    # officer
    first, second = D(2026, 3, 17), D(2026, 4, 30)
    finding = inspection_services.finding_create(
        actor=supervisor,
        inspection=inspection,
        fields={
            "court": c["heping"],
            "department": d["heping"],
            "category": Finding.Category.THREE_RULES,
            "severity": Finding.Severity.MINOR,
            "description": "过问案件未登记",
            "rectification_required": "补登记",
            "deadline": first,
        },
    )
    finding = inspection_services.finding_update(
        actor=supervisor,
        finding=finding,
        version=finding.version,
        fields={
            "category": Finding.Category.INTEGRITY,
            "department": d["heping_criminal"],
            "deadline": second,
        },
    )
    inspection_services.finding_report(
        actor=officer,
        finding=finding,
        version=finding.version,
        measures="已补登记",
        completed_on=timezone.localdate(),
    )

    # When the supervisor opens the finding
    client.force_login(supervisor)
    events = timeline(client.get(f"/inspections/findings/{finding.pk}/"))

    # Then its history reads as the page
    entered = event_text(events, "录入")
    assert "录入 督察局长" in entered
    assert "类别：“三个规定”执行" in entered
    assert "严重程度：一般" in entered
    assert "责任法院：沈阳市和平区人民法院" in entered
    assert "督察巡查：2026年第一轮司法巡查" in entered
    corrected = event_text(events, "更正")
    assert "类别：“三个规定”执行 → 廉政纪律" in corrected
    assert "责任部门：沈阳市和平区人民法院 民事审判第一庭 → 沈阳市和平区人民法院 刑事审判庭" in (
        corrected
    )
    assert f"整改期限：{chinese_day(first)} → {chinese_day(second)}" in corrected
    reported = event_text(events, "报告整改情况")
    assert "报告整改情况 和平纪检" in reported
    assert "状态：待整改 → 已报告，待验收" in reported
    assert "整改措施：已补登记" in reported
    assert_no_raw_values(events, "integrity", "three_rules", "dujc", "hpjj")

    # and the inspection's: its units and team by name, its status by label
    events = timeline(client.get(f"/inspections/{inspection.pk}/"))
    entered = event_text(events, "录入")
    assert "被督察单位：沈阳市和平区人民法院" in entered
    assert "督察组：督察局长（组长）" in entered
    assert "组织法院：辽宁省高级人民法院" in entered
    assert "类别：常规督察" in entered
    assert "状态：计划中 → 进行中" in event_text(events, "变更状态")
    assert_no_raw_values(events, "routine", "in_progress", "leader")


# --- a referral and a clue -----------------------------------------------------------------


def referred(province, officer) -> Referral:
    clue = clue_services.clue_create(
        actor=officer,
        fields={
            "court": province.courts["heping"],
            "subject": province.staff["heping"],
            "summary": "法官接受律师宴请",
            "source": Clue.Source.DIRECT,
        },
    )
    return referral_services.referral_create(actor=officer, clue=clue, letter="")


def test_a_referral_history_reads_as_its_page(client, province, inspectors):
    _supervisor, _chief, discipline, officer = inspectors
    # Given a referral the discipline team takes to verification
    referral = referred(province, officer)
    referral = referral_services.referral_step(
        actor=discipline,
        referral=referral,
        version=referral.version,
        target=Referral.Stage.WAY_CHOSEN,
        way=Referral.Way.VERIFY,
    )
    referral = referral_services.referral_step(
        actor=discipline,
        referral=referral,
        version=referral.version,
        target=Referral.Stage.VERIFYING,
    )

    # When the team opens it
    client.force_login(discipline)
    events = timeline(client.get(f"/inspections/clues/referrals/{referral.pk}/"))

    # Then each step reads in the page's words: 环节 (the referral's stage), not 签批级次 (the
    # declarations' signing stage)
    verifying, chosen = [e for e in events if " 阶段变更 " in e]  # newest first
    assert "阶段变更 纪检组长" in chosen
    assert "环节：已受理 → 已确定处置方式" in chosen
    assert "处置方式：— → 初步核实" in chosen
    assert "环节：已确定处置方式 → 初步核实" in verifying
    assert "签批级次" not in "\n".join(events)
    entered = event_text(events, "录入")
    assert "问题线索：法官接受律师宴请" in entered  # the team sees the clue: named
    assert "环节：已受理" in entered
    assert_no_raw_values(events, "way_chosen", "verify", "received", "jjz")


def test_a_clue_history_names_the_person_shared_with_as_the_page_does(client, province, inspectors):
    _supervisor, _chief, discipline, officer = inspectors
    c = province.courts
    # Given a clue the discipline team shares with one named investigator
    clue = clue_services.clue_create(
        actor=officer,
        fields={"court": c["heping"], "summary": "法官迟到早退", "source": Clue.Source.DIRECT},
    )
    investigator = login("zhangsan", "张三", c["shenyang"], None)
    clue_services.clue_share(actor=discipline, clue=clue, grantee=investigator, reason="协助核查")

    # When the team opens the clue, whose page lists grantees with their logins
    client.force_login(discipline)
    events = timeline(client.get(f"/inspections/clues/{clue.pk}/"))

    # Then the share names the person and login as the page's list does, and so the actor
    shared = event_text(events, "授权指定人员查看")
    assert "已授权人员：张三（zhangsan）" in shared
    assert "纪检组长 (jjz)" in shared
    assert "理由： 协助核查" in shared
    assert "录入 和平纪检 (hpjj)" in event_text(events, "录入")
    assert "来源：直接录入" in event_text(events, "录入")


# --- the formatter on its own --------------------------------------------------------------


def event(action: str, changes: dict, *, object_type: str | None = None, **fields) -> AuditEvent:
    """An event as the chain stores it (not saved: display never writes)."""
    return AuditEvent(
        seq=1,
        created_at=timezone.now(),
        action=action,
        object_type=object_type or ".".join(action.split(".")[:2]),
        object_id="1",
        changes=changes,
        **fields,
    )


def shown(entry: display.Entry) -> list[str]:
    return [
        f"{line.label}：{line.new}" if line.single else f"{line.label}：{line.old} → {line.new}"
        for line in entry.lines
    ]


def test_values_of_every_kind_read_as_the_page_writes_them(province):
    c = province.courts
    [entry] = display.readable(
        [
            event(
                "ledgers.declaration.file",
                {
                    "filed_at": [None, "2026-03-05T02:30:00Z"],  # UTC: 10:30 in Shanghai
                    "has_nothing": [True, False],
                    "next_court": [c["heping"].pk, c["shenhe"].pk],
                    "status": ["pending", "filed"],
                    "statement": [None, ""],  # nothing changed as displayed
                    "version": [1, 2],  # bookkeeping
                    "previous": [None, None],
                    "removed_long_ago": ["旧值", "新值"],  # no longer a field
                    "chain": [[], [{"role": "chief"}, {"role": "leader"}]],
                },
            )
        ]
    )
    assert entry.label == "已报送"
    assert entry.actor == "系统"
    assert shown(entry) == [
        "状态：待报送 → 待签字背书",
        "无申报事项：是 → 否",
        "签批流程：— → 庭长（部门负责人） → 院领导",
        "待签批法院：沈阳市和平区人民法院 → 沈阳市沈河区人民法院",
        "填报时间：— → 2026年3月5日 10:30",
        "removed_long_ago：旧值 → 新值",
    ]


def test_unknown_models_keys_and_actions_are_shown_raw_without_crashing(province):
    entries = display.readable(
        [
            event("gone.model.rename", {"name": ["甲", "乙"], "ids": [[1, 2], [3]]}),
            event("ledgers.relativepractice.tidy", {"extra": {"a": 1, "b": [1, 2]}}),
            event("access.denied", {"action": "view"}, object_type="ledgers.relativepractice"),
        ]
    )
    assert [e.label for e in entries] == [
        "gone.model.rename",
        "ledgers.relativepractice.tidy",
        "越权访问被拒绝",
    ]
    assert shown(entries[0]) == ["ids：1、2 → 3", "name：甲 → 乙"]
    assert shown(entries[1]) == ["extra：2项"]
    assert shown(entries[2]) == []


def test_actors_are_named_as_people_read_them(province):
    user = login("zhaomin", "赵敏", province.courts["heping"])
    entries = display.readable(
        [
            event("ledgers.campaign.close", {}, actor=user, actor_name="zhaomin"),
            event("inspections.complaint.public_message", {}, actor_name="public"),
            event("ledgers.relativepractice.recusal_found", {}, actor_name="system:early-warning"),
            event("ledgers.campaign.update", {}, actor_name=""),
        ]
    )
    assert [(e.actor, e.username) for e in entries] == [
        ("赵敏", "zhaomin"),
        ("举报人", ""),
        ("预警", ""),
        ("系统", ""),
    ]
    assert entries[0].label == "结束申报"


def test_objects_out_of_the_viewers_scope_or_gone_are_not_named(province, inspectors):
    _supervisor, _chief, discipline, officer = inspectors
    outsider = login("dalian", "大连纪检", province.courts["dalian"], None, Role.OFFICER)
    clue = clue_services.clue_create(
        actor=officer,
        fields={"court": province.courts["heping"], "summary": "保密线索", "source": "direct"},
    )
    raised = event("inspections.visit.raise_clue", {"clue": [None, clue.pk]})
    gone = event("org.staffmember.update", {"court": [999999, province.courts["heping"].pk]})

    def clue_line(viewer: Any) -> list[str]:
        return shown(display.readable([raised], viewer=viewer)[0])

    assert clue_line(discipline) == ["问题线索：— → 保密线索"]
    assert clue_line(outsider) == [f"问题线索：— → #{clue.pk}"]
    assert clue_line(None) == [f"问题线索：— → #{clue.pk}"]
    assert shown(display.readable([gone])[0]) == ["法院：#999999 → 沈阳市和平区人民法院"]


# --- queries -------------------------------------------------------------------------------

# Session, user, role assignments, the ids of the courts below, the record, may change, may
# manage, the history, the reminder talks, the unread notifications, the user's name in the
# header, the attachments; then the history's names: the actors, the courts, the departments,
# the staff members — one query each, however many events.
RELATIVES_PAGE_QUERIES = 16


def busy(record: RelativePractice, province, officer, times: int) -> None:
    """``times`` corrections moving every kind of value (departments, staff, courts, dates,
    choices, flags), by the officer and by the system."""
    c, d, s = province.courts, province.departments, province.staff
    for index in range(times):
        record.refresh_from_db()
        even = index % 2 == 0
        ledger_services.ledger_update(
            actor=officer if even else None,
            record=record,
            version=record.version,
            fields={
                "department": d["heping_criminal"] if even else d["heping"],
                "staff": s["heping_criminal"] if even else s["heping"],
                "firm_area": c["shenhe"] if even else c["heping"],
                "relationship": "brother" if even else "spouse",
                "acts_in_jurisdiction": even,
                "practising_since": D(2019, 7, 1) + dt.timedelta(days=index),
                "notes": f"第{index}次更正",
            },
        )


def test_the_history_costs_the_same_whatever_its_length(
    client, province, django_assert_num_queries
):
    heping = province.courts["heping"]
    officer = login("zhaomin", "赵敏", heping, None, Role.OFFICER, covers=True)
    fresh, long = relatives_record(province, officer), relatives_record(province, officer)
    busy(long, province, officer, 12)
    client.force_login(officer)

    with django_assert_num_queries(RELATIVES_PAGE_QUERIES):
        few = timeline(client.get(f"/ledgers/relatives/{fresh.pk}/"))
    with django_assert_num_queries(RELATIVES_PAGE_QUERIES):
        many = timeline(client.get(f"/ledgers/relatives/{long.pk}/"))

    assert (len(few), len(many)) == (1, 13)
    assert "涉及干警：刑庭法官 → heping法官" in many[0]


def test_the_formatter_reads_each_model_once(province, inspectors, django_assert_num_queries):
    *_, officer = inspectors
    record = relatives_record(province, officer)
    busy(record, province, officer, 1)
    events = list(
        AuditEvent.objects.filter(
            object_type="ledgers.relativepractice", object_id=str(record.pk)
        ).order_by("-seq")
    )
    more = events * 20

    # users, courts, departments, staff members
    with django_assert_num_queries(4):
        display.readable(events, viewer=officer)
    with django_assert_num_queries(4):
        entries = display.readable(more, viewer=officer)
    assert len(entries) == 40
