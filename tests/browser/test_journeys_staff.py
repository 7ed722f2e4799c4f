"""Browser journeys (issue 8), in Chinese, through the pages only:

1. a staff member records an inquiry about their own case from the home page (逢问必录), finds
   it in their list and files the period's zero report (零报告);
2. a declaration is signed off (领导背书) in the order the app enforces: the court leader is
   refused before the division chief has signed, then both sign and it is final;
3. a discipline officer enters a relative practising law (亲属从业), voids it with a reason
   (作废), sees the void on the record and in its history, and exports the ledger as .xlsx and
   CSV: the voided record is in both files as the list shows it.

Each step is a screenshot under var/screenshots/<test>/ (tests/browser/conftest.py). The data
is built here, small, with the factories and the services (not seed_demo).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from django.utils import timezone

from integrity.access import services as access_services
from integrity.access.models import Role, User
from integrity.audit.models import AuditEvent
from integrity.org.models import Court, Department, StaffMember
from ledgers.declarations import forms as declaration_forms
from ledgers.declarations import services as declarations
from ledgers.models import (
    Campaign,
    Declaration,
    InterferenceRecord,
    RelativePractice,
    Signature,
)
from tests.browser.conftest import PASSWORD
from tests.factories import CaseFactory, DepartmentFactory, StaffMemberFactory, make_court

# Without Playwright the journeys are skipped (tests/browser/conftest.py says when not).
expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True, scope="module")
def _patient_expect():
    """Two shared cores: a page may take longer than expect's 5 s default to answer."""
    expect.set_options(timeout=15_000)
    yield
    expect.set_options(timeout=5_000)


CASE_NUMBER = "(2026)辽0102民初88号"


# --- data ------------------------------------------------------------------------------------
@dataclass
class Court0102:
    """沈阳市和平区人民法院 with a civil division (a judge and the chief), a court leader and
    the discipline office's officer, each with a login (password ``PASSWORD``)."""

    court: Court
    civil: Department
    office: Department
    judge: StaffMember
    chief: StaffMember
    leader: StaffMember
    officer: StaffMember
    users: dict[str, User]


def _login(
    username: str, staff: StaffMember, role: str, department: Department | None = None
) -> User:
    """A login linked to ``staff`` holding ``role`` at the staff member's court (a chief's for
    ``department``); everyone also holds the staff role, to file their own declarations (as
    seed_demo gives it)."""
    user = User(username=username, staff=staff)
    user.set_password(PASSWORD)
    access_services.user_save(actor=None, user=user)
    roles = {role: department, Role.STAFF: None}
    for name, place in roles.items():
        access_services.role_assignment_save(
            actor=None, user=user, role=name, court=staff.court, department=place
        )
    return user


def build_court() -> Court0102:
    high = make_court("辽宁省高级人民法院", "辽", Court.Level.HIGH)
    city = make_court("沈阳市中级人民法院", "辽01", Court.Level.INTERMEDIATE, high)
    court = make_court("沈阳市和平区人民法院", "辽0102", parent=city)
    civil = DepartmentFactory(court=court, name="民事审判第一庭")
    office = DepartmentFactory(court=court, name="纪检监察室", is_trial=False)
    judge = StaffMemberFactory(court=court, department=civil, name="张明")
    chief = StaffMemberFactory(
        court=court,
        department=civil,
        name="李建国",
        post=StaffMember.Post.CHIEF,
        is_leading_cadre=True,
    )
    leader = StaffMemberFactory(
        court=court,
        department=None,
        name="王志强",
        post=StaffMember.Post.VICE_PRESIDENT,
        is_leading_cadre=True,
        is_trial_post=False,
    )
    officer = StaffMemberFactory(
        court=court,
        department=office,
        name="赵敏",
        post=StaffMember.Post.ADMINISTRATIVE,
        is_trial_post=False,
    )
    CaseFactory(number=CASE_NUMBER, court=court, department=civil, presiding_judge=judge)
    users = {
        "judge": _login("zhangming", judge, Role.STAFF),
        "chief": _login("lijianguo", chief, Role.CHIEF, civil),
        "leader": _login("wangzhiqiang", leader, Role.LEADER),
        "officer": _login("zhaomin", officer, Role.OFFICER),
    }
    return Court0102(court, civil, office, judge, chief, leader, officer, users)


def open_campaign(world: Court0102, kind: str) -> Campaign:
    """A campaign of ``kind`` for the court with the default period, due date and title, as
    the officer's form proposes them."""
    today = timezone.localdate()
    start, end = declaration_forms.default_period(kind, today)
    return declarations.campaign_open(
        actor=world.users["officer"],
        kind=kind,
        title=declaration_forms.default_title(kind, start, end),
        court=world.court,
        covers_subordinates=False,
        period_start=start,
        period_end=end,
        due_on=declaration_forms.default_due(kind, today),
    )


def task_of(campaign: Campaign, staff: StaffMember) -> Declaration:
    return Declaration.objects.get(campaign=campaign, staff=staff, is_current=True)


# --- helpers ---------------------------------------------------------------------------------
def _date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _log_out(journey) -> None:
    """The header's 退出登录 button, as a user leaves."""
    journey.page.get_by_role("button", name="退出登录").click()
    journey.page.wait_for_url("**/accounts/login/**")


def _messages(page):
    return page.locator("ul.messages")


# --- 1. staff: 逢问必录 and the zero report ------------------------------------------------------
def test_staff_records_an_inquiry_and_files_a_zero_report(journey):
    world = build_court()
    campaign = open_campaign(world, Campaign.Kind.THREE_RULES)
    today = timezone.localdate()
    page = journey.page

    journey.login("zhangming")
    quick = page.locator("#quick-inquiry")
    expect(quick.get_by_role("heading", name="记录对我所办案件的过问")).to_be_visible()
    # The home page also lists the period's report still to be filed.
    expect(page.locator(".awaiting-you")).to_contain_text(campaign.title)
    expect(page.locator(".awaiting-you")).to_contain_text("待报送")
    journey.shot("首页")

    # 逢问必录: the quick form, the date already today, the case among the judge's own.
    expect(quick.get_by_label("过问日期")).to_have_value(_date(today))
    expect(page.locator(f'#my-cases option[value="{CASE_NUMBER}"]')).to_have_count(1)
    quick.get_by_label("案号").fill(CASE_NUMBER)
    quick.get_by_label("过问人身份").select_option(label="外部领导干部")
    quick.get_by_label("过问人姓名").fill("孙某某")
    quick.get_by_label("过问人单位").fill("某区发展和改革局")
    quick.get_by_label("过问人职务").fill("副局长")
    quick.get_by_label("过问方式").select_option(label="电话")
    quick.get_by_label("过问内容").fill("询问案件何时开庭，希望尽快判决。")
    journey.shot("填写过问情况")
    quick.get_by_role("button", name="记录", exact=True).click()

    expect(_messages(page)).to_contain_text("过问情况已记录，感谢您如实记录。")
    record_page = page.locator("main")
    expect(record_page).to_contain_text(CASE_NUMBER)
    expect(record_page).to_contain_text("孙某某")
    expect(record_page).to_contain_text("外部领导干部")
    expect(record_page).to_contain_text("已记录")
    journey.shot("过问记录")

    # The record is among the latest on the home page …
    page.get_by_role("link", name="首页").click()
    latest = page.locator("#quick-inquiry")
    expect(latest.get_by_role("heading", name="我最近的记录")).to_be_visible()
    expect(latest.get_by_role("link", name=f"{_date(today)} {CASE_NUMBER} 孙某某")).to_be_visible()
    # … and in the ledger list, which shows the judge their own records.
    page.get_by_role("navigation").get_by_role("link", name="工作台账").click()
    page.get_by_role("link", name="干预过问案件记录").click()
    rows = page.locator("table.table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(CASE_NUMBER)
    expect(rows.first).to_contain_text("孙某某")
    expect(rows.first).to_contain_text("张明")
    journey.shot("我的过问记录列表")

    # The period's 三个规定 report: nothing recorded in that period, so a zero report.
    page.get_by_role("navigation").get_by_role("link", name="申报").click()
    page.get_by_role("row", name=campaign.title).get_by_role("link", name="填报").click()
    expect(page.get_by_role("heading", name=re.compile("^填报申报"))).to_be_visible()
    expect(page.locator("main")).to_contain_text("您在本期间没有记录过问情况。")
    # Neither an inquiry nor a zero report: refused, with the reason.
    page.get_by_role("button", name="提交申报").click()
    expect(page.locator("main")).to_contain_text("请关联本期的过问记录；本期没有的，请作零报告。")
    journey.shot("未选零报告被拒")
    assert task_of(campaign, world.judge).status == Declaration.Status.PENDING

    page.get_by_label("零报告").check()
    page.get_by_label("说明").fill("本月无人过问本人承办的案件。")
    journey.shot("填写零报告")
    page.get_by_role("button", name="提交申报").click()

    expect(_messages(page)).to_contain_text("您的申报已报送，等待签字背书。")
    main = page.locator("main")
    expect(main).to_contain_text("零报告：本期间内无过问、干预情况。")
    expect(main).to_contain_text("本月无人过问本人承办的案件。")
    expect(main.locator("dl.fields")).to_contain_text("待签字背书")
    chain = page.locator("table.chain tbody tr")
    expect(chain).to_have_count(2)
    expect(chain.nth(0)).to_contain_text("民事审判第一庭")
    expect(chain.nth(0)).to_contain_text("等待中")
    expect(chain.nth(1)).to_contain_text("院领导")
    journey.shot("零报告已报送")

    # Exactly what the pages said, in the database.
    record = InterferenceRecord.objects.get()
    assert (record.staff, record.court, record.department) == (
        world.judge,
        world.court,
        world.civil,
    )
    assert (record.case_number, record.interferer_name, record.occurred_on) == (
        CASE_NUMBER,
        "孙某某",
        today,
    )
    assert record.interferer_kind == InterferenceRecord.InterfererKind.EXTERNAL_CADRE
    assert record.method == InterferenceRecord.Method.PHONE
    assert record.status == InterferenceRecord.Status.RECORDED
    assert record.case is not None
    assert record.case.number == CASE_NUMBER
    declaration = task_of(campaign, world.judge)
    assert declaration.status == Declaration.Status.FILED
    assert declaration.has_nothing is True
    assert list(declaration.inquiries.all()) == []
    assert declaration.filed_by == world.users["judge"]
    assert [stage["role"] for stage in declaration.chain] == [Role.CHIEF, Role.LEADER]
    assert Declaration.objects.exclude(status=Declaration.Status.PENDING).count() == 1


# --- 2. declarations: the chief, then the court leader ------------------------------------------
def test_declaration_is_signed_by_the_chief_then_the_leader(journey):
    world = build_court()
    campaign = open_campaign(world, Campaign.Kind.RELATIVES)
    declaration = declarations.declaration_file(
        actor=world.users["judge"],
        declaration=task_of(campaign, world.judge),
        version=1,
        has_nothing=False,
        relatives=[
            {
                "relative_name": "张亮",
                "relationship": "brother",
                "law_firm": "辽宁同方律师事务所",
                "licence_number": "12101201810123456",
                "role": "lawyer",
            }
        ],
    )
    page = journey.page
    sign = page.get_by_role("button", name="签字背书", exact=True)

    # The court leader first: nothing awaits them, and the declaration's page does not offer
    # the signature while the division chief has not signed.
    journey.login("wangzhiqiang")
    expect(page.locator(".awaiting-you")).not_to_contain_text("张明")
    journey.shot("院领导首页无待签")
    page.get_by_role("navigation").get_by_role("link", name="申报").click()
    page.locator("a[href*='/campaigns/']").filter(has_text=campaign.title).click()
    awaiting = page.locator("table.awaiting tbody tr")
    expect(awaiting).to_have_count(1)
    expect(awaiting.first).to_contain_text("庭长")
    awaiting.first.get_by_role("link", name="张明").click()
    chain = page.locator("table.chain tbody tr")
    expect(chain.nth(0)).to_contain_text("等待中")
    expect(chain.nth(1)).not_to_contain_text("等待中")
    expect(sign).to_have_count(0)
    journey.shot("院领导页面无签字")

    # A signature posted anyway (a stale or forged page) is refused, and the page says why.
    page.evaluate(
        """([action, version]) => {
            const form = document.createElement("form");
            form.method = "post";
            form.action = action;
            const fields = {
                csrfmiddlewaretoken:
                    document.querySelector("input[name=csrfmiddlewaretoken]").value,
                version: version,
                statement: "同意。",
            };
            for (const [name, value] of Object.entries(fields)) {
                const input = document.createElement("input");
                input.type = "hidden";
                input.name = name;
                input.value = value;
                form.appendChild(input);
            }
            document.body.appendChild(form);
            form.submit();
        }""",
        [f"/declarations/{declaration.pk}/sign/", str(declaration.version)],
    )
    refusal = "该申报当前应由沈阳市和平区人民法院民事审判第一庭负责人签批。"
    expect(page.locator("main")).to_contain_text(refusal)
    expect(_messages(page)).to_have_count(0)
    journey.shot("院领导先签被拒")
    assert not Signature.objects.exists()
    declaration.refresh_from_db()
    assert (declaration.status, declaration.signatures_done) == (Declaration.Status.FILED, 0)
    _log_out(journey)

    # The division chief: the declaration awaits them on their home page.
    journey.login("lijianguo")
    queue = page.locator(".awaiting-you .sign-queue")
    expect(queue).to_contain_text(f"张明 · {campaign.title}")
    journey.shot("庭长首页待签")
    queue.get_by_role("link", name=f"张明 · {campaign.title}").click()
    expect(page.locator("main")).to_contain_text("张亮")
    expect(page.get_by_label("背书意见")).to_have_value("本人已审核该申报，并对其真实性负责。")
    journey.shot("庭长审阅申报")
    sign.click()
    expect(_messages(page)).to_contain_text("您已签字背书。")
    expect(chain.nth(0)).to_contain_text("李建国")
    expect(chain.nth(1)).to_contain_text("等待中")
    expect(page.locator("dl.fields")).to_contain_text("待签字背书")
    expect(sign).to_have_count(0)  # nobody signs two stages
    journey.shot("庭长已签")
    _log_out(journey)

    # The court leader again: now it awaits them, and their signature makes it final.
    journey.login("wangzhiqiang")
    page.locator(".awaiting-you .sign-queue").get_by_role("link", name=re.compile("张明")).click()
    sign.click()
    expect(_messages(page)).to_contain_text("您已签字背书。")
    expect(chain.nth(0)).to_contain_text("李建国")
    expect(chain.nth(1)).to_contain_text("王志强")
    expect(page.locator("table.chain")).not_to_contain_text("等待中")
    fields = page.locator("dl.fields")
    expect(fields).to_contain_text("已签字背书")
    expect(sign).to_have_count(0)
    # The last signature brought ledger 3 up to date: the relative is now a ledger record.
    relative = RelativePractice.objects.get()
    expect(page.locator("main").get_by_role("link", name=str(relative.pk))).to_be_visible()
    journey.shot("院领导已签申报完成")

    declaration.refresh_from_db()
    assert declaration.status == Declaration.Status.SIGNED
    assert declaration.signed_at is not None
    signatures = list(declaration.signatures.order_by("pk"))
    assert [(s.stage, s.role, s.signer, s.decision) for s in signatures] == [
        (0, Role.CHIEF, world.users["chief"], Signature.Decision.SIGNED),
        (1, Role.LEADER, world.users["leader"], Signature.Decision.SIGNED),
    ]
    assert (relative.staff, relative.relative_name, relative.law_firm) == (
        world.judge,
        "张亮",
        "辽宁同方律师事务所",
    )


# --- 3. the officer: 亲属从业, void, export ------------------------------------------------------
def test_officer_enters_voids_and_exports_a_relative_record(journey, tmp_path):
    world = build_court()
    page = journey.page
    reason = "重复录入：该亲属已由本人申报。"

    journey.login("zhaomin")
    page.get_by_role("navigation").get_by_role("link", name="工作台账").click()
    page.get_by_role("link", name="近亲属从事律师职业").click()
    page.get_by_role("link", name="新增记录").click()
    expect(page.get_by_label("法院")).to_have_value(str(world.court.pk))
    page.get_by_label("部门").select_option(label="沈阳市和平区人民法院 民事审判第一庭")
    page.get_by_label("涉及干警").select_option(label="张明")
    page.get_by_label("亲属姓名").fill("刘芳")
    page.get_by_label("亲属关系").select_option(label="配偶")
    page.locator("#id_law_firm").fill("辽宁正和律师事务所")
    page.get_by_label("执业证号").fill("21010201810000001")
    page.get_by_label("角色").select_option(label="律师")
    page.get_by_label("报告日期").fill("2026年1月5日")
    journey.shot("填写亲属从业记录")
    page.get_by_role("button", name="保存").click()

    expect(_messages(page)).to_contain_text("记录已保存。")
    main = page.locator("main")
    expect(main).to_contain_text("刘芳")
    expect(main).to_contain_text("辽宁正和律师事务所")
    record = RelativePractice.objects.get()
    journey.shot("亲属从业记录")

    # 作废 with a reason: the record stays, marked, and the history says who, when and why.
    page.get_by_label("作废理由").fill(reason)
    page.locator("form[action$='/void/']").get_by_role("button", name="作废").click()
    expect(_messages(page)).to_contain_text("记录已作废。")
    banner = page.locator(".void-banner")
    expect(banner).to_contain_text("赵敏")
    expect(banner).to_contain_text(reason)
    history = page.locator("ol.timeline")
    expect(history.locator("li").filter(has_text=reason)).to_have_count(1)
    expect(page.get_by_role("button", name="作废")).to_have_count(0)
    journey.shot("已作废")

    # The list hides voided records unless asked; shown, the row is marked 已作废.
    page.get_by_role("link", name="近亲属从事律师职业").click()
    expect(page.locator("table.table tbody")).to_contain_text("没有符合条件的记录。")
    page.get_by_label("已作废记录").select_option(label="一并显示")
    page.get_by_role("button", name="筛选").click()
    row = page.locator("table.table tbody tr")
    expect(row).to_have_count(1)
    expect(row.first).to_contain_text("已作废")
    journey.shot("列表显示已作废")
    headings = page.locator("table.table thead th").all_inner_texts()
    shown = dict(zip(headings, row.first.locator("td").all_inner_texts(), strict=True))
    assert shown["编号"] == str(record.pk)
    assert shown["亲属姓名"] == "刘芳"

    # Export what the list shows, as .xlsx and as CSV.
    xlsx = _export(journey, "Excel（.xlsx）", "导出xlsx", tmp_path)
    sheet = openpyxl.load_workbook(xlsx, read_only=True).active
    xlsx_rows = [[_cell(value) for value in r] for r in sheet.iter_rows(values_only=True)]
    page.go_back()  # to the list, as filtered
    expect(page.get_by_label("已作废记录")).to_have_value("include")
    expect(page.locator("table.table tbody tr")).to_have_count(1)
    csv_file = _export(journey, "CSV", "导出csv", tmp_path)
    csv_rows = list(csv.reader(io.StringIO(csv_file.read_text(encoding="utf-8-sig"))))

    today = _date(timezone.localdate())
    for rows in (xlsx_rows, csv_rows):
        header, data = _table(rows)
        assert len(data) == 1, rows
        exported = dict(zip(header, data[0], strict=True))
        # The list's columns, as the list shows them …
        assert exported["编号"] == shown["编号"]
        assert f"{exported['法院']} {exported['部门']}" == shown["法院"]
        assert exported["涉及干警"] == shown["干警"]
        for name in ("亲属姓名", "亲属关系", "律师事务所", "角色"):
            assert exported[name] == shown[name], (name, exported, shown)
        assert shown["状态"] == f"{exported['任职回避状态']} 已作废"
        # … and the void, which the list marks and the file spells out.
        assert (exported["作废时间"], exported["作废理由"]) == (today, reason)
        assert (exported["执业证号"], exported["报告日期"]) == ("21010201810000001", "2026年1月5日")

    record.refresh_from_db()
    assert record.is_void
    assert record.void_reason == reason
    assert record.voided_by == world.users["officer"]
    assert (record.staff, record.relationship, record.licence_number) == (
        world.judge,
        "spouse",
        "21010201810000001",
    )
    assert AuditEvent.objects.filter(action="ledgers.relativepractice.void").count() == 1


def _export(journey, button: str, step: str, folder: Path) -> Path:
    """Press the list's export button; the job page reports the rows; download the file."""
    page = journey.page
    page.get_by_role("button", name=button).click()
    progress = page.locator("#export-progress")
    expect(progress).to_contain_text("已导出1行。")
    journey.shot(step)
    with page.expect_download() as info:
        progress.get_by_role("link", name=re.compile("下载")).click()
    download = info.value
    path = folder / download.suggested_filename
    download.save_as(path)
    return path


def _cell(value) -> str:
    """An .xlsx cell as the CSV writes it: dates as 2026年1月5日 (the cell's number format)."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return _date(value)
    return str(value)


def _table(rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """The header row (the first with 编号) and the data rows after it."""
    for index, row in enumerate(rows):
        if "编号" in row:
            return row, [r for r in rows[index + 1 :] if any(r)]
    raise AssertionError(f"no header row in {rows[:3]}")
