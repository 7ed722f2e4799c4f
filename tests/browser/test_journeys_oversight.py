"""Browser journeys of the oversight side, in Chinese, through the pages only:

1. supervision runs an inspection from its planning through a finding to a closed
   rectification item (销号), the responsible division chief reporting the rectification;
2. a member of the public reports a judge on the public page, the discipline team takes the
   complaint through its clue and referral to a disposition (四种形态), and the reporter
   follows it with the receipt code;
3. an administrator imports a ledger from Excel: a workbook with errors is shown row by row
   and column and writes nothing; a clean one, checked and written by the worker while the
   page polls its progress, ends in the ledger's list.

Every step saves a screenshot under var/screenshots/<test>/ (tests/browser/conftest.py)."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import Page, Route, expect

from inspections.models import (
    Clue,
    Complaint,
    Disposition,
    Finding,
    Inspection,
    RectificationReport,
    Referral,
)
from integrity.access.models import Role, RoleAssignment, User
from integrity.audit.models import AuditEvent
from integrity.org.models import StaffMember
from integrity.reports.imports import tasks as import_tasks
from integrity.reports.models import ImportJob
from ledgers.models import InterferenceRecord

from ..factories import StaffMemberFactory, assign
from .conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n% rectification evidence\n" + b"0" * 64


@pytest.fixture(autouse=True)
def _files_of_the_test(settings, tmp_path):
    """Evidence, complaint attachments and imported workbooks go to the test's own folder."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(root)}},
    }
    settings.IMPORT_ROOT = tmp_path / "imports"


def login_user(
    username: str,
    role: str,
    court,
    *,
    department=None,
    covers: bool = False,
    staff: StaffMember | None = None,
) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, staff=staff)
    assign(user, role, court, department=department, covers=covers)
    return user


def chinese(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def value_of(page: Page, term: str):
    """The <dd> of a definition list whose <dt> reads ``term``."""
    return page.locator(f"dt:text-is('{term}') + dd").first


def field(page: Page, label: str):
    """The form field labelled exactly ``label`` (with or without the label's colon)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}[:：]?$"))


def nav(page: Page, label: str) -> None:
    page.locator("nav.mainnav").get_by_role("link", name=label, exact=True).click()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="退出登录").click()
    expect(page.locator("#id_username")).to_be_visible()


# --- 1. supervision: an inspection through to a closed rectification item -----------------------
def test_supervisor_runs_an_inspection_to_a_closed_rectification(journey, province):
    page = journey.page
    today = timezone.localdate()
    heping, department = province.courts["heping"], province.departments["heping"]
    judge = province.staff["heping"]
    supervisor = login_user("duchashi", Role.SUPERVISOR, province.courts["high"], covers=True)
    chief_staff = StaffMemberFactory(
        court=heping, department=department, name="刘庭长", post=StaffMember.Post.CHIEF
    )
    login_user("liutingzhang", Role.CHIEF, heping, department=department, staff=chief_staff)

    # Supervision plans the inspection of 和平区法院 with itself as the team leader.
    journey.login("duchashi")
    nav(page, "督察巡查")
    journey.shot("inspections")
    page.get_by_role("link", name="督察立项").click()
    field(page, "组织法院").select_option(label="辽宁省高级人民法院")
    field(page, "文号").fill("辽高法督〔2026〕7号")
    field(page, "标题").fill("和平区法院审判作风专项督察")
    field(page, "类型").select_option(label="专项督察")
    field(page, "开始日期").fill(chinese(today))
    field(page, "结束日期").fill(chinese(today + datetime.timedelta(days=30)))
    field(page, "督察范围和内容").fill("三个规定执行情况、审判作风")
    field(page, "被督察法院（全院）").select_option(label="沈阳市和平区人民法院")
    field(page, "组长（登录名）").fill("duchashi")
    journey.shot("plan-form")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("ul.messages")).to_contain_text("督察已立项")
    expect(value_of(page, "状态")).to_have_text("计划中")
    journey.shot("planned")
    inspection = Inspection.objects.get()

    # It starts; the first problem is entered against the civil division and its judge.
    page.get_by_role("button", name="转入：进行中").click()
    expect(value_of(page, "状态")).to_have_text("进行中")
    page.get_by_role("link", name="录入问题").click()
    field(page, "责任法院").select_option(label="沈阳市和平区人民法院")
    field(page, "责任部门").select_option(label="沈阳市和平区人民法院 · 民事审判第一庭")
    field(page, "责任人").select_option(label=f"{judge.name} · 民事审判第一庭")
    field(page, "类别").select_option(label="廉政纪律")
    field(page, "严重程度").select_option(label="较重")
    field(page, "发现的问题").fill("过问案件未按规定记录报告")
    field(page, "整改要求").fill("补录台账，组织全庭学习三个规定")
    field(page, "整改期限").fill(chinese(today + datetime.timedelta(days=14)))
    journey.shot("finding-form")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("第 1 项问题")
    expect(value_of(page, "状态")).to_have_text("待整改")
    journey.shot("finding-entered")
    page.get_by_role("link", name="和平区法院审判作风专项督察").first.click()
    page.get_by_role("button", name="转入：整改事项").click()
    expect(value_of(page, "状态")).to_have_text("整改事项")
    expect(value_of(page, "发现问题")).to_have_text("1")
    journey.shot("rectifying")
    log_out(page)

    # The division chief finds the item among the unit's rectification items and reports.
    def chief_reports(measures: str) -> None:
        journey.login("liutingzhang")
        nav(page, "整改事项")
        expect(page.locator("table")).to_contain_text("过问案件未按规定记录报告")
        journey.shot("chief-items")
        page.locator("table").get_by_role("link", name="1", exact=True).click()
        field(page, "整改措施").fill(measures)
        field(page, "佐证材料").set_input_files(
            files=[{"name": "整改台账.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
        journey.shot("report-form")
        page.get_by_role("button", name="报告整改情况").click()
        expect(value_of(page, "状态")).to_contain_text("已报告，待验收")
        expect(page.get_by_role("link", name="整改台账.pdf").first).to_be_visible()
        journey.shot("reported")
        log_out(page)

    chief_reports("已补录台账")

    # Supervision finds the report thin and returns it with a reason.
    def supervisor_opens_the_item() -> None:
        journey.login("duchashi")
        nav(page, "督察巡查")
        page.get_by_role("link", name="和平区法院审判作风专项督察").click()
        page.locator("table").get_by_role("link", name="1", exact=True).click()

    supervisor_opens_the_item()
    field(page, "退回理由").fill("未见学习记录")
    page.get_by_role("button", name="退回", exact=True).click()
    expect(value_of(page, "状态")).to_contain_text("已退回")
    journey.shot("returned")
    log_out(page)

    # The chief reports again; supervision verifies and closes the item (销号).
    chief_reports("已补录台账，并于本周组织全庭学习三个规定，附学习记录")
    supervisor_opens_the_item()
    field(page, "审核意见").fill("整改到位，同意销号")
    page.get_by_role("button", name="销号").click()
    expect(value_of(page, "状态")).to_contain_text("已销号")
    journey.shot("closed-item")

    # With every item closed, the inspection closes; the team's temporary access ends.
    page.get_by_role("link", name="和平区法院审判作风专项督察").first.click()
    expect(value_of(page, "已整改销号")).to_have_text("1")
    page.get_by_role("button", name="转入：已办结").click()
    expect(value_of(page, "状态")).to_contain_text("已办结")
    expect(page.get_by_role("button", name=re.compile("^转入："))).to_have_count(0)
    expect(page.get_by_role("link", name="录入问题")).to_have_count(0)
    journey.shot("inspection-closed")

    inspection.refresh_from_db()
    assert (inspection.status, inspection.closed_on) == (Inspection.Status.CLOSED, today)
    finding = Finding.objects.get()
    assert (finding.status, finding.times_returned, finding.closed_by) == (
        Finding.Status.CLOSED,
        1,
        supervisor,
    )
    assert (finding.department, finding.responsible_staff) == (department, judge)
    outcomes = list(finding.reports.values_list("outcome", flat=True))
    assert outcomes == [RectificationReport.Outcome.RETURNED, RectificationReport.Outcome.ACCEPTED]
    team_access = RoleAssignment.objects.filter(granted_for=f"inspection:{inspection.pk}")
    assert team_access.exists()
    assert not team_access.filter(is_active=True).exists()


# --- 2. the discipline team: a public complaint through to a disposition (四种形态) ---------------
def test_public_complaint_goes_to_a_disposition_and_the_reporter_follows_it(
    journey, province, settings
):
    settings.COMPLAINT_RATE_LIMIT = 100  # the cache (Redis on PostgreSQL) outlives the test
    page = journey.page
    today = timezone.localdate()
    heping, department = province.courts["heping"], province.departments["heping"]
    judge = StaffMemberFactory(court=heping, department=department, name="周明")
    team = StaffMemberFactory(
        court=province.courts["high"], name="纪检组干部", post=StaffMember.Post.ADMINISTRATIVE
    )
    login_user("jijianzu", Role.DISCIPLINE, province.courts["high"], covers=True, staff=team)

    # A party reports the judge on the public page, without an account.
    journey.goto("/complaints/")
    expect(page.get_by_role("heading", level=1)).to_have_text("举报法院工作人员违纪违法行为")
    journey.shot("public-form")
    field(page, "按名称查找法院").fill("和平")
    page.get_by_role("button", name="查找法院").click()
    field(page, "被举报人所在法院").select_option(label="沈阳市和平区人民法院")
    page.get_by_role("button", name="列出该院部门").click()
    field(page, "所在部门（如知道）").select_option(label="民事审判第一庭")
    field(page, "被举报人姓名").fill("周明")
    field(page, "职务或特征").fill("民一庭法官")
    field(page, "案号（如有）").fill("（2025）辽0102民初1号")
    field(page, "发生时间").fill(chinese(today - datetime.timedelta(days=10)))
    field(page, "举报内容").fill("承办法官在庭外单独会见对方当事人，并接受宴请。")
    field(page, "附件").set_input_files(
        files=[{"name": "照片说明.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    field(page, "您的姓名").fill("王女士")
    field(page, "电话").fill("13800000000")
    journey.shot("public-form-filled")
    page.locator("button.primary", has_text="提交举报").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("您的举报已收到")
    code = page.locator(".receipt-code").inner_text().strip()
    assert code
    journey.shot("receipt")
    complaint = Complaint.objects.get()
    assert (complaint.court, complaint.department, complaint.subject) == (heping, department, None)
    assert code not in complaint.code_hash

    # The discipline team finds it among the public complaints.
    journey.login("jijianzu")
    nav(page, "信访举报")
    row = page.locator("tbody tr", has_text="周明")
    expect(row).to_contain_text("已受理")
    journey.shot("complaints")
    row.get_by_role("link", name=complaint.locator).click()
    expect(value_of(page, "状态")).to_have_text("已受理")
    expect(page.get_by_text("13800000000")).to_have_count(0)
    page.get_by_role("button", name="查看举报人信息").click()
    expect(value_of(page, "电话")).to_have_text("13800000000")
    journey.shot("reporter-shown")

    # It names the staff member, starts handling and answers the reporter.
    subject = field(page, "涉及干警")
    subject.select_option(subject.locator("option", has_text="周明").get_attribute("value"))
    page.get_by_role("button", name="登记被举报人").click()
    expect(value_of(page, "涉及干警")).to_contain_text("周明")
    field(page, "新状态").select_option(label="办理中")
    page.get_by_role("button", name="变更状态").click()
    expect(value_of(page, "状态")).to_have_text("办理中")
    field(page, "答复举报人").fill("您的举报已受理，我们正在核查，请保持电话畅通。")
    page.get_by_role("button", name="发送答复").click()
    expect(page.locator("ol.timeline").first).to_contain_text("正在核查")
    journey.shot("handling")

    # The complaint's clue is referred to the team, which chooses a talk (谈话函询) ...
    value_of(page, "问题线索").get_by_role("link").click()
    expect(value_of(page, "涉及干警")).to_contain_text("周明")
    journey.shot("clue")
    page.get_by_role("link", name="移送纪检监察组").click()
    journey.shot("refer-form")
    page.get_by_role("button", name="移送", exact=True).click()
    expect(value_of(page, "环节")).to_have_text("已受理")
    journey.shot("referral")
    page.get_by_role("link", name="转入：已确定处置方式").click()
    field(page, "处置方式").select_option(label="谈话函询")
    page.get_by_role("button", name="保存").click()
    expect(value_of(page, "处置方式")).to_have_text("谈话函询")
    page.get_by_role("link", name="转入：了结").click()
    field(page, "核查情况").fill("经谈话，周明承认接受宴请，已退还餐费。")
    page.get_by_role("button", name="保存").click()
    expect(value_of(page, "环节")).to_have_text("了结")
    journey.shot("referral-closed")

    # ... and records the disposition: the first of the four forms, a reminder talk.
    page.get_by_role("link", name="录入处置结果").click()
    field(page, "形态（四种形态）").select_option(label="第一种形态：批评教育、谈话提醒、函询")
    field(page, "处理方式").select_option(label="谈话提醒")
    field(page, "决定日期").fill(chinese(today))
    field(page, "处理决定").fill("对周明进行谈话提醒，责令其作出书面检查。")
    journey.shot("disposition-form")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("ul.messages")).to_contain_text("处置结果已录入")
    expect(value_of(page, "环节")).to_have_text("已作出处置")
    expect(value_of(page, "形态（四种形态）")).to_have_text("第一种形态：批评教育、谈话提醒、函询")
    journey.shot("disposed")

    # The complaint is answered.
    nav(page, "信访举报")
    page.get_by_role("link", name=complaint.locator).click()
    field(page, "答复举报人").fill("经核查，已对被举报人进行谈话提醒。感谢您的监督。")
    page.get_by_role("button", name="发送答复").click()
    field(page, "新状态").select_option(label="已答复")
    page.get_by_role("button", name="变更状态").click()
    expect(value_of(page, "状态")).to_have_text("已答复")
    journey.shot("answered")
    log_out(page)

    # The reporter follows the report with the receipt code (written in lower case).
    journey.goto("/complaints/follow/")
    field(page, "查询码").fill(code.lower())
    page.get_by_role("button", name="查看我的举报").click()
    expect(value_of(page, "状态")).to_have_text("已答复")
    expect(page.locator("ol.timeline")).to_contain_text("已对被举报人进行谈话提醒")
    expect(page.locator("ol.timeline")).to_contain_text("承办人")
    journey.shot("reporter-follows")

    complaint.refresh_from_db()
    assert (complaint.status, complaint.subject) == (Complaint.Status.ANSWERED, judge)
    clue = Clue.objects.get()
    assert (clue.status, clue.subject, clue.source) == (
        Clue.Status.CLOSED,
        judge,
        Clue.Source.COMPLAINT,
    )
    referral = Referral.objects.get()
    assert (referral.clue, referral.stage, referral.way) == (
        clue,
        Referral.Stage.DISPOSED,
        Referral.Way.TALK_OR_LETTER,
    )
    disposition = Disposition.objects.get()
    assert (disposition.referral, disposition.subject, disposition.form, disposition.measure) == (
        referral,
        judge,
        Disposition.Form.FIRST,
        Disposition.Measure.REMINDER_TALK,
    )
    assert complaint.messages.filter(from_public=False).count() == 2
    assert AuditEvent.objects.filter(action="inspections.reporter.view").exists()


# --- 3. the administrator: an Excel import, refused with its problems, then written ------------
IMPORT_HEADER = ["法院", "部门", "涉及干警", "案号", "过问人身份", "过问人姓名", "过问日期"]
IMPORT_HEADER += ["过问方式", "过问内容"]


def ledger_workbook(path, rows: list[list]) -> str:
    """A workbook as an office keeps it: a merged title row above the header, then ``rows``."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "干预过问台账"
    sheet.append(["和平区法院干预过问案件记录台账（2024年）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(IMPORT_HEADER))
    sheet.append(IMPORT_HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())
    return str(path)


def inquiry(name: str, on: str, **changes: str) -> list[str]:
    row = {
        "法院": "和平区法院",
        "部门": "民事审判第一庭",
        "涉及干警": "heping法官",
        "案号": "（2024）辽0102民初123号",
        "过问人身份": "司法机关内部人员",
        "过问人姓名": name,
        "过问日期": on,
        "过问方式": "电话",
        "过问内容": "打听案件进展",
        **changes,
    }
    return [row[header] for header in IMPORT_HEADER]


class Worker:
    """Stands in for the Celery worker: what the pages queue (``.delay``) waits here until the
    test runs it, so that the page is seen while the job is still running.

    The job's page polls its progress every second. Each poll is passed on by the test's own
    thread (``route.fetch``), which therefore never runs a task while the server answers a poll:
    on SQLite the live server shares the test's connection."""

    def __init__(self, page: Page, monkeypatch):
        self.queue: list[Callable[[], object]] = []
        for task in (import_tasks.check_import, import_tasks.write_import):
            monkeypatch.setattr(task, "delay", self._enqueue(task))
        page.route(re.compile(r"/reports/imports/\d+/progress/"), self._poll)

    def _enqueue(self, task) -> Callable:
        return lambda *args: self.queue.append(lambda: task(*args))

    @staticmethod
    def _poll(route: Route) -> None:
        route.fulfill(response=route.fetch())

    def run(self) -> None:
        assert self.queue, "nothing was queued for the worker"
        while self.queue:
            self.queue.pop(0)()


def test_administrator_imports_a_ledger_from_excel(
    journey, province, settings, tmp_path, monkeypatch
):
    settings.IMPORT_INLINE_MAX_ROWS = 4  # the first file is checked at once, the second queued
    page = journey.page
    login_user("guanliyuan", Role.ADMIN, province.courts["high"], covers=True)
    worker = Worker(page, monkeypatch)
    wrong = ledger_workbook(
        tmp_path / "台账（有误）.xlsx",
        [
            inquiry("王一", "2024年3月5日"),
            inquiry("王二", "2020-13-45"),
            inquiry("王三", "2024-3-7", 法院="不存在的法院"),
        ],
    )
    clean = ledger_workbook(
        tmp_path / "台账.xlsx",
        [
            inquiry("王一", "2024年3月5日"),
            inquiry("王二", "2024.3.6"),
            inquiry("王三", "20240307"),
            inquiry("王四", "２０２４／３／８"),
            inquiry("王五", "2024-3-9", 过问方式="当面"),
        ],
    )

    def upload(path: str) -> None:
        nav(page, "导入")
        page.get_by_role("link", name="新建导入").click()
        field(page, "导入内容").select_option(label="干预过问案件记录")
        field(page, "Excel工作簿（.xlsx）").set_input_files(path)
        journey.shot("upload-form")
        page.get_by_role("button", name="上传并检查").click()
        expect(page.locator("ul.messages")).to_contain_text("文件已上传")

    # A workbook with two wrong rows: every problem by row and column, nothing written.
    journey.login("guanliyuan")
    nav(page, "导入")
    journey.shot("imports")
    upload(wrong)
    expect(value_of(page, "环节")).to_have_text("存在问题，未写入任何数据")
    problems = page.locator("section.import-problems")
    expect(problems).to_contain_text("第4行")
    expect(problems).to_contain_text("“过问日期”(G列)")
    expect(problems).to_contain_text("2020-13-45")
    expect(problems).to_contain_text("第5行")
    expect(problems).to_contain_text("“法院”(A列)")
    expect(problems).to_contain_text("不存在的法院")
    expect(problems).not_to_contain_text("第3行")
    expect(
        page.get_by_text("尚未写入任何数据。请在工作簿中改正下列各行后重新上传。")
    ).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^导入\d+行$"))).to_have_count(0)
    journey.shot("problems")
    rejected = ImportJob.objects.get()
    assert rejected.stage == ImportJob.Stage.REJECTED
    assert [problem["row"] for problem in rejected.problems] == [4, 5]
    assert not InterferenceRecord.objects.exists()

    # The corrected workbook is larger: a worker checks it while the page shows the progress.
    upload(clean)
    expect(value_of(page, "环节")).to_have_text("已上传，校验中")
    expect(page.locator("#import-progress progress")).to_be_visible()
    journey.shot("checking")
    worker.run()
    confirm = page.get_by_role("button", name="导入5行")
    expect(confirm).to_be_visible()  # the poll saw the job checked and reloaded the page
    expect(value_of(page, "环节")).to_have_text("已校验，待确认")
    expect(page.locator(".import-matches")).to_contain_text("“和平区法院” → 沈阳市和平区人民法院")
    expect(page.locator("section.import-problems")).to_have_count(0)
    journey.shot("checked")
    assert not InterferenceRecord.objects.exists()

    # Confirmed, the rows are written by the worker too, in one go.
    confirm.click()
    expect(page.locator("ul.messages")).to_contain_text("正在写入")
    expect(value_of(page, "环节")).to_have_text("写入中")
    journey.shot("writing")
    worker.run()
    expect(value_of(page, "环节")).to_have_text("已导入")
    expect(value_of(page, "已写入行数")).to_have_text("5")
    journey.shot("imported")

    # The records are in the ledger.
    nav(page, "工作台账")
    page.get_by_role("link", name="干预过问案件记录").click()
    table = page.locator("table")
    for name in ("王一", "王二", "王三", "王四", "王五"):
        expect(table).to_contain_text(name)
    journey.shot("ledger")

    job = ImportJob.objects.exclude(pk=rejected.pk).get()
    assert (job.stage, job.written, job.problems) == (ImportJob.Stage.IMPORTED, 5, [])
    records = InterferenceRecord.objects.order_by("occurred_on")
    assert [r.interferer_name for r in records] == ["王一", "王二", "王三", "王四", "王五"]
    assert {r.court for r in records} == {province.courts["heping"]}
    assert [r.occurred_on.day for r in records] == [5, 6, 7, 8, 9]
