"""Imports (integrity/reports/imports/): every rule of the dry run with a real .xlsx built in
the test, the all-or-nothing write through the same services as the forms, the Celery path
with its progress, and a bounded number of queries. The helpers here are shared by the
imports' page and API tests."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from integrity.access.models import Role
from integrity.audit.models import AuditEvent
from integrity.org.models import Court
from integrity.reports.imports import columns, services
from integrity.reports.models import ImportJob
from ledgers import services as ledger_services
from ledgers.models import InterferenceRecord, RelativePractice

from ..factories import StaffMemberFactory, UserFactory, assign, make_court

pytestmark = pytest.mark.django_db

D = dt.date
HEADER = [
    "法院",
    "部门",
    "涉及干警",
    "案号",
    "过问人身份",
    "过问人姓名",
    "过问日期",
    "过问方式",
    "过问内容",
]


def interference_row(**changes: object) -> list:
    """A good row of the interference ledger about the judge of 和平, by header."""
    row = {
        "法院": "沈阳市和平区人民法院",
        "部门": "民事审判第一庭",
        "涉及干警": "heping法官",
        "案号": "(2024)辽0102民初123号",
        "过问人身份": "司法机关内部人员",
        "过问人姓名": "张三",
        "过问日期": "2024年3月5日",
        "过问方式": "电话",
        "过问内容": "打听案情",
    }
    row.update(changes)
    return [row[name] for name in HEADER]


def workbook(rows: Iterable[list], merges: Iterable[str] = ()) -> bytes:
    """An .xlsx with ``rows`` from A1 on the first sheet and ``merges`` merged."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for merged in merges:
        sheet.merge_cells(merged)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(actor, rows, target="interference", merges=(), name="台账.xlsx") -> ImportJob:
    """Upload a workbook of ``rows`` as ``actor`` and return the job after its dry run."""
    file = SimpleUploadedFile(name, workbook(rows, merges))
    return services.import_upload(actor=actor, target=target, upload=file)


def texts(job: ImportJob) -> list[str]:
    return [item["text"] for item in job.problems]


def at(job: ImportJob, row: int) -> list[dict]:
    return [item for item in job.problems if item["row"] == row]


@pytest.fixture(autouse=True, name="import_root")
def import_root_fixture(settings, tmp_path):
    """Uploads go to a folder of the test's own."""
    settings.IMPORT_ROOT = tmp_path / "imports"
    return settings.IMPORT_ROOT


@pytest.fixture(name="officer")
def officer_fixture(province):
    """A discipline officer of 沈阳 who keeps the records of the courts below too."""
    user = UserFactory(username="importer")
    assign(user, Role.OFFICER, province.courts["shenyang"], covers=True)
    return user


# --- the sheet as offices fill it in -----------------------------------------------------------


def test_a_title_row_and_merged_headers_are_read(officer, province):
    # given a title merged across the sheet, a header whose 干警 group spans two rows over
    # the sub-header 涉及干警, and the court's cells merged down two data rows
    rows = [
        ["沈阳市和平区人民法院干预过问案件登记表", *[None] * 8],
        ["法院", "部门", "干警", "案号", "过问人", None, "过问日期", "过问方式", "过问内容"],
        [None, None, "涉及干警", None, "身份", "姓名", None, None, None],
        interference_row(),
        interference_row(过问人姓名="李四", 法院=None),
    ]
    merges = ["A1:I1", "A2:A3", "B2:B3", "D2:D3", "E2:F2", "G2:G3", "H2:H3", "I2:I3", "A4:A5"]
    # when it is uploaded
    job = upload(officer, rows, merges=merges)
    # then the header is row 3 (过问人 + 身份 = 过问人身份), both rows are good and the merged
    # court applies to row 5 too
    assert job.problems == []
    assert (job.stage, job.total, job.rows_ok) == (ImportJob.Stage.CHECKED, 2, 2)
    assert [row["row"] for row in job.preview["rows"]] == [4, 5]
    assert {row["cells"][0] for row in job.preview["rows"]} == {"沈阳市和平区人民法院"}


def test_full_width_digits_letters_brackets_and_spaces_are_normalised(officer, province):
    judge = province.staff["heping"]
    rows = [
        [
            "序号",
            "法院",
            "工号",
            "案号",
            "过问人身份",
            "过问人姓名",
            "过问日期",
            "过问方式",
            "过问内容",
        ],
        [
            "１",
            "沈阳市和平区人民法院 ",
            "　" + judge.staff_number.replace("S", "Ｓ").replace("0", "０"),
            "（２０２４）辽０１０２民初１２３号",
            " 司法机关内部人员",
            "  张三  ",
            "２０２４年３月５日",
            "电话 ",
            "打听案情",
        ],
    ]
    job = upload(officer, rows)
    assert job.problems == []
    services.import_confirm(actor=officer, job=job)
    record = InterferenceRecord.objects.get()
    assert (record.staff, record.case_number) == (judge, "(2024)辽0102民初123号")
    assert (record.interferer_name, record.occurred_on) == ("张三", D(2024, 3, 5))


@pytest.mark.parametrize(
    "written",
    [
        pytest.param("2020年3月5日", id="nian-yue-ri"),
        pytest.param("2020.3.5", id="dots"),
        pytest.param("2020-3-5", id="dashes"),
        pytest.param("2020/3/5", id="slashes"),
        pytest.param("20200305", id="compact"),
        pytest.param(43895, id="excel-serial"),
        pytest.param(dt.datetime(2020, 3, 5, 0, 0), id="date-cell"),  # noqa: DTZ001 - a cell
    ],
)
def test_each_way_of_writing_a_date_is_read(officer, province, written):
    job = upload(officer, [HEADER, interference_row(过问日期=written)])
    assert job.problems == []
    assert job.preview["rows"][0]["cells"][HEADER.index("过问日期")] == "2020年3月5日"


@pytest.mark.parametrize("written", ["2020-13-45", "2020年2月30日", "去年春天", 12])
def test_a_date_that_is_no_date_is_a_problem_at_its_row_and_column(officer, province, written):
    rows = [HEADER, *[interference_row(过问人姓名=f"王{n}") for n in range(5)]]
    rows.append(interference_row(过问日期=written))  # sheet row 7
    job = upload(officer, rows)
    assert job.stage == ImportJob.Stage.REJECTED
    [found] = job.problems
    assert (found["row"], found["column"], found["header"]) == (7, "G", "过问日期")
    assert str(written) in found["message"]
    assert found["text"].count("7") >= 1
    assert "G" in found["text"]


def test_blank_rows_are_skipped(officer, province):
    rows = [
        HEADER,
        interference_row(),
        [None] * 9,
        ["", " ", "　"],
        interference_row(过问人姓名="李四"),
    ]
    job = upload(officer, rows)
    assert (job.problems, job.total, job.rows_ok) == ([], 2, 2)


def test_a_repeated_row_is_reported_and_written_once(officer, province):
    # given row 4 repeating row 2 (with other spaces and widths)
    rows = [
        HEADER,
        interference_row(),
        interference_row(过问人姓名="李四"),
        interference_row(过问人姓名=" 张三", 案号="（2024）辽0102民初123号"),
    ]
    job = upload(officer, rows)
    # then it is a notice, not a problem
    assert job.problems == []
    assert (job.rows_ok, job.duplicates) == (2, 1)
    assert any("4" in notice and "2" in notice for notice in job.preview["notices"])
    # and confirming writes it once
    job = services.import_confirm(actor=officer, job=job)
    assert (job.stage, job.written) == (ImportJob.Stage.IMPORTED, 2)
    assert InterferenceRecord.objects.filter(interferer_name="张三").count() == 1


def test_a_row_repeating_an_existing_record_is_a_problem(officer, province):
    upload_and_confirm(officer, [HEADER, interference_row()])
    job = upload(officer, [HEADER, interference_row(), interference_row(过问人姓名="李四")])
    assert [item["row"] for item in job.problems] == [2]
    assert "张三" in job.problems[0]["message"]
    assert InterferenceRecord.objects.count() == 1


def test_two_rows_of_one_record_with_different_contents_are_a_problem(officer, province):
    job = upload(officer, [HEADER, interference_row(), interference_row(过问内容="转递材料")])
    assert [item["row"] for item in job.problems] == [3]


def test_an_unknown_column_is_ignored_with_a_notice(officer, province):
    job = upload(officer, [["序号", *HEADER], [1, *interference_row()]])
    assert job.problems == []
    assert any("序号" in notice and "A" in notice for notice in job.preview["notices"])


def test_a_sheet_without_the_template_header_is_a_problem_of_the_file(officer, province):
    job = upload(officer, [["甲", "乙"], ["1", "2"]])
    assert job.stage == ImportJob.Stage.REJECTED
    assert [item["row"] for item in job.problems] == [None]


def test_a_required_column_missing_or_given_twice_is_a_problem(officer, province):
    missing = upload(officer, [HEADER[:-1], interference_row()[:-1]])
    assert [item["message"] for item in missing.problems]
    assert "过问内容" in texts(missing)[0]
    twice = upload(officer, [[*HEADER, "过问日期"], [*interference_row(), "2024-3-5"]])
    assert len(twice.problems) == 1
    assert "G" in texts(twice)[0]
    assert "J" in texts(twice)[0]


# --- courts, departments and staff as sheets name them ----------------------------------------


def test_court_and_department_written_differently_are_matched_and_shown(officer, province):
    rows = [
        HEADER,
        interference_row(法院="和平区法院", 部门="民一庭"),
        interference_row(法院="沈阳中院", 涉及干警="shenyang法官", 过问人姓名="李四"),
        interference_row(法院="辽0103", 涉及干警="shenhe法官", 过问人姓名="王五"),
    ]
    job = upload(officer, rows)
    assert job.problems == []
    shown = {(m["written"], m["matched"]) for m in job.preview["matches"]}
    assert {
        ("和平区法院", "沈阳市和平区人民法院"),
        ("民一庭", "民事审判第一庭"),
        ("沈阳中院", "沈阳市中级人民法院"),
        ("辽0103", "沈阳市沈河区人民法院"),
    } <= shown


def test_a_court_name_fitting_two_courts_is_reported_with_both(officer, province):
    make_court("沈阳市铁西区和平人民法院", "辽0106", parent=province.courts["shenyang"])
    job = upload(officer, [HEADER, interference_row(法院="和平法院")])
    [found] = job.problems
    assert found["column"] == "A"
    assert "沈阳市和平区人民法院" in found["message"]
    assert "沈阳市铁西区和平人民法院" in found["message"]


def test_an_unknown_court_is_reported_with_suggestions(officer, province):
    job = upload(officer, [HEADER, interference_row(法院="沈阳市和平区人民法")])
    [found] = job.problems
    assert found["column"] == "A"
    assert "沈阳市和平区人民法院" in found["message"]


def test_a_court_out_of_scope_looks_exactly_like_an_unknown_one(officer, province):
    # given 大连市中山区人民法院 exists, outside the officer's jurisdiction, and 中川 does not
    assert Court.objects.filter(name="大连市中山区人民法院").exists()
    job = upload(
        officer,
        [
            HEADER,
            interference_row(法院="大连市中山区人民法院"),
            interference_row(法院="大连市中川区人民法院"),
        ],
    )
    existing, unknown = (at(job, 2)[0]["message"], at(job, 3)[0]["message"])
    assert existing.replace("中山", "中川") == unknown
    assert "大连" not in existing.replace("大连市中山区人民法院", "")


def test_staff_found_by_number_and_a_name_that_is_not_theirs_is_a_problem(officer, province):
    judge = province.staff["heping"]
    header = ["法院", "工号", "涉及干警", *HEADER[3:]]
    good = ["和平区法院", judge.staff_number, "", *interference_row()[3:]]
    wrong = ["和平区法院", judge.staff_number, "刑庭法官", *interference_row(过问人姓名="李四")[3:]]
    job = upload(officer, [header, good, wrong])
    assert [(item["row"], item["column"]) for item in job.problems] == [(3, "C")]
    assert job.preview["rows"][0]["cells"][1] == judge.staff_number


def test_two_staff_of_one_name_need_the_number_unless_the_department_tells(officer, province):
    heping = province.courts["heping"]
    StaffMemberFactory(
        court=heping, department=province.departments["heping_criminal"], name="王芳"
    )
    StaffMemberFactory(
        court=heping, department=province.departments["heping_criminal"], name="王芳"
    )
    other = StaffMemberFactory(court=heping, department=province.departments["heping"], name="王芳")
    rows = [
        HEADER,
        interference_row(涉及干警="王芳", 部门="刑事审判庭"),
        interference_row(涉及干警="王芳", 部门="民一庭", 过问人姓名="李四"),
    ]
    job = upload(officer, rows)
    assert [(item["row"], item["column"]) for item in job.problems] == [(2, "C")]
    assert job.rows_ok == 1
    assert other.name in job.preview["rows"][0]["cells"]


# --- all or nothing, through the services ------------------------------------------------------


def upload_and_confirm(actor, rows, target="interference", merges=()) -> ImportJob:
    job = upload(actor, rows, target, merges)
    assert job.problems == [], texts(job)
    return services.import_confirm(actor=actor, job=job)


def test_one_bad_row_among_good_ones_writes_nothing(officer, province):
    rows = [HEADER, interference_row(), interference_row(过问人姓名="李四", 过问方式="飞鸽传书")]
    job = upload(officer, rows)
    assert (job.stage, job.rows_ok, len(job.problems)) == (ImportJob.Stage.REJECTED, 1, 1)
    with pytest.raises(services.NotConfirmable):
        services.import_confirm(actor=officer, job=job)
    assert not InterferenceRecord.objects.exists()


def test_a_failure_while_writing_rolls_every_row_back(officer, province, monkeypatch):
    # given a file that passes the dry run, whose third row the service then refuses
    rows = [HEADER, *(interference_row(过问人姓名=f"王{n}") for n in range(4))]
    job = upload(officer, rows)
    assert job.problems == []
    create = ledger_services.ledger_create
    calls = []

    def refuse_the_third(**kwargs):
        calls.append(kwargs)
        if len(calls) == 3:
            raise ValidationError("磁盘已满")
        return create(**kwargs)

    monkeypatch.setattr(ledger_services, "ledger_create", refuse_the_third)
    events_before = AuditEvent.objects.count()
    # when it is confirmed
    job = services.import_confirm(actor=officer, job=job)
    # then nothing at all was written, and the job says which row and why
    assert not InterferenceRecord.objects.exists()
    assert (job.stage, job.status, job.written) == ("rejected", "failed", 0)
    assert "4" in job.error
    assert "磁盘已满" in job.error
    assert AuditEvent.objects.count() == events_before


RELATIVES = ["法院", "涉及干警", "亲属姓名", "亲属关系", "律师事务所", "律师事务所所在辖区", "角色"]
PARTNER = "律师事务所合伙人或设立人"


def relative(name: str, relationship: str, role: str, area: str = "和平区法院") -> list:
    """A row of the relatives ledger about the judge of 和平, reported on 2025-1-31."""
    return ["和平区法院", "heping法官", name, relationship, "辽宁和平律师事务所", area, role]


def test_rows_go_through_the_ledger_service_with_its_audit_and_rules(officer, province):
    # given a trial judge of 和平 whose spouse is a partner of a firm in 和平's county (recusal
    # required, 法发〔2020〕13号 art. 2) and whose brother is a lawyer (report only)
    rows = [
        [*RELATIVES, "报告日期"],
        [*relative("李某", "配偶", PARTNER), "2025-1-31"],
        [*relative("李某某", "兄弟", "律师", area=""), "2025-1-31"],
    ]
    job = upload_and_confirm(officer, rows, target="relatives")
    # then the rules set the recusal as the form's service does
    spouse, brother = RelativePractice.objects.order_by("relative_name")
    assert (spouse.status, spouse.recusal_required_on) == ("pending", D(2025, 1, 31))
    assert spouse.firm_area == province.courts["heping"]
    assert (brother.status, brother.recusal_required_on) == ("not_required", None)
    # and each row, the dry run and the confirmation are audit events
    actions = list(AuditEvent.objects.filter(actor=officer).values_list("action", flat=True))
    assert actions.count("ledgers.relativepractice.create") == 2
    assert {"report.import.check", "report.import.confirm"} <= set(actions)
    confirm = AuditEvent.objects.get(action="report.import.confirm")
    assert (confirm.changes["written"], confirm.object_id) == (2, str(job.pk))
    assert all(record.entered_by == officer for record in (spouse, brother))


def test_the_preview_shows_what_the_rules_compute(officer, province):
    rows = [[*RELATIVES, "报告日期"], [*relative("李某", "配偶", PARTNER), "2025-1-31"]]
    job = upload(officer, rows, target="relatives")
    assert job.preview["columns"][-1] == translation.gettext("Computed by the rules")
    assert translation.gettext("Yes") in job.preview["rows"][0]["cells"][-1]


def test_confirming_twice_writes_once(officer, province):
    job = upload(officer, [HEADER, interference_row()])
    first = services.import_confirm(actor=officer, job=job)
    with pytest.raises(services.NotConfirmable):
        services.import_confirm(actor=officer, job=job)
    assert (first.stage, InterferenceRecord.objects.count()) == ("imported", 1)


def test_a_cancelled_import_cannot_be_confirmed(officer, province):
    job = upload(officer, [HEADER, interference_row()])
    services.import_cancel(actor=officer, job=job)
    with pytest.raises(services.NotConfirmable):
        services.import_confirm(actor=officer, job=job)
    with pytest.raises(services.NotCancellable):
        services.import_cancel(actor=officer, job=job)
    assert not InterferenceRecord.objects.exists()


def test_a_file_that_no_longer_passes_at_confirmation_writes_nothing(officer, province):
    # given a checked file, then the judge it names is renamed before the confirmation
    job = upload(officer, [HEADER, interference_row()])
    province.staff["heping"].__class__.objects.filter(pk=province.staff["heping"].pk).update(
        name="改名法官"
    )
    job = services.import_confirm(actor=officer, job=job)
    assert (job.stage, job.written) == ("rejected", 0)
    assert [item["row"] for item in job.problems] == [2]
    assert not InterferenceRecord.objects.exists()


# --- the upload itself -------------------------------------------------------------------------


def test_a_file_too_large_is_refused(officer, settings):
    settings.IMPORT_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as refused:
        upload(officer, [HEADER, *([interference_row()] * 50)])
    assert "file" in refused.value.message_dict
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("法院,部门\n和平,民一庭\n".encode(), id="csv-named-xlsx"),
        pytest.param(b"PK\x03\x04" + b"\0" * 100, id="broken-zip"),
    ],
)
def test_a_file_that_is_not_a_real_xlsx_is_refused(officer, content):
    with pytest.raises(ValidationError):
        services.import_upload(
            actor=officer, target="staff", upload=SimpleUploadedFile("名册.xlsx", content)
        )


def test_a_zip_without_a_workbook_is_refused(officer):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(ValidationError):
        services.import_upload(
            actor=officer, target="staff", upload=SimpleUploadedFile("x.xlsx", buffer.getvalue())
        )


def test_a_damaged_workbook_is_a_problem_of_the_file(officer):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook")
    file = SimpleUploadedFile("x.xlsx", buffer.getvalue())
    job = services.import_upload(actor=officer, target="staff", upload=file)
    assert job.stage == ImportJob.Stage.REJECTED
    assert [item["row"] for item in job.problems] == [None]


def test_only_what_the_user_may_import_is_offered(province):
    staff = UserFactory(staff=province.staff["heping"])
    assign(staff, Role.STAFF, province.courts["heping"])
    supervisor = UserFactory()
    assign(supervisor, Role.SUPERVISOR, province.courts["high"], covers=True)
    admin = UserFactory()
    assign(admin, Role.ADMIN, province.courts["heping"])
    assert columns.available(staff) == []
    assert columns.available(supervisor) == []
    assert {t.key for t in columns.available(admin)} >= {"staff", "cases", "interference"}
    with pytest.raises(PermissionDenied):
        upload(staff, [HEADER, interference_row()])
    assert not ImportJob.objects.exists()
