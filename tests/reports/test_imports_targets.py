"""Imports of the staff roster and the case registry, the downloadable templates of every
target (filled in, they import cleanly), the Celery path with its progress, the bounded number
of queries of a dry run, and the small rules of cells, names and constraints."""

from __future__ import annotations

import datetime as dt
import io
from contextlib import contextmanager

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import CheckConstraint
from django.utils import translation

from integrity.audit.models import AuditEvent
from integrity.celery import app
from integrity.org.models import Case, StaffMember
from integrity.reports.imports import checker, columns, constraints, matching, normalize, services
from integrity.reports.imports.templates_xlsx import template_workbook
from integrity.reports.models import ImportJob
from ledgers.models import InterferenceRecord, UnplannedContactReport

from ..conftest import on_postgres
from .test_imports import (  # noqa: F401 - fixtures
    HEADER,
    import_root_fixture,
    interference_row,
    officer_fixture,
    texts,
    upload,
    workbook,
)

pytestmark = pytest.mark.django_db

D = dt.date
ROSTER = ["法院", "部门", "姓名", "工号", "性别", "职务", "状态", "离职日期"]
REGISTRY = ["案号", "法院", "案件类型", "案由", "立案日期", "结案日期", "审判长", "合议庭成员"]


# --- the staff roster ------------------------------------------------------------------------


def test_the_staff_roster_imports_through_the_staff_service(officer, province):
    rows = [
        ["沈阳市和平区人民法院干警名册", *[None] * 7],
        ROSTER,
        ["和平区法院", "民一庭", " 赵 敏 ", "Ｔ００１", "女", "审判员", "在职", None],
        ["和平区法院", "刑事审判庭", "钱进", "T002", "男", "书记员", "退休", "2023.12.31"],
    ]
    job = upload(officer, rows, target="staff", merges=["A1:H1"])
    assert job.problems == [], texts(job)
    services.import_confirm(actor=officer, job=job)
    zhao = StaffMember.objects.get(staff_number="T001")
    assert (zhao.name, zhao.gender, zhao.post) == ("赵敏", "f", "judge")
    assert zhao.department == province.departments["heping"]
    qian = StaffMember.objects.get(staff_number="T002")
    assert (qian.status, qian.left_on) == ("retired", D(2023, 12, 31))
    assert AuditEvent.objects.filter(action="org.staffmember.create").count() == 2


def test_a_staff_number_already_in_the_court_or_twice_in_the_file_is_a_problem(officer, province):
    taken = province.staff["heping"].staff_number
    rows = [
        ROSTER,
        ["和平区法院", "", "新人甲", taken, "", "审判员", "", ""],
        ["和平区法院", "", "新人乙", "T010", "", "审判员", "", ""],
        ["和平区法院", "", "新人丙", "T010", "", "书记员", "", ""],
        # the same number at another court is another person
        ["沈河区法院", "", "新人丁", "T010", "", "审判员", "", ""],
    ]
    job = upload(officer, rows, target="staff")
    assert [item["row"] for item in job.problems] == [2, 4]
    assert taken in job.problems[0]["message"]


def test_a_staff_member_who_left_needs_the_date_as_in_the_form(officer, province):
    rows = [ROSTER, ["和平区法院", "", "孙立", "T020", "", "审判员", "辞职", ""]]
    job = upload(officer, rows, target="staff")
    [found] = job.problems
    assert (found["row"], found["column"]) == (2, "H")


# --- the case registry -----------------------------------------------------------------------


def test_the_case_registry_imports_with_normalised_numbers_and_judges(officer, province):
    rows = [
        REGISTRY,
        [
            "（２０２４）辽０１０２民初１２号",
            "和平区法院",
            "民事",
            "民间借贷纠纷",
            "2024/1/5",
            "2024/6/30",
            "heping法官",
            "heping法官、刑庭法官",
        ],
    ]
    job = upload(officer, rows, target="cases")
    assert job.problems == [], texts(job)
    services.import_confirm(actor=officer, job=job)
    case = Case.objects.get(number="(2024)辽0102民初12号")
    assert case.presiding_judge == province.staff["heping"]
    assert set(case.panel.all()) == {province.staff["heping"], province.staff["heping_criminal"]}
    assert AuditEvent.objects.filter(action="org.case.create", object_id=str(case.pk)).exists()


def test_a_case_closing_before_filing_or_out_of_reach_is_a_problem(officer, province):
    rows = [
        REGISTRY,
        # a case number already registered is an update (tests/reports/test_imports_cases.py)
        ["（2025）辽0102民初1号", "和平区法院", "民事", "", "", "", "", ""],
        ["(2024)辽0102民初13号", "和平区法院", "民事", "", "2024-6-1", "2024-1-1", "", ""],
        ["(2024)辽0202民初13号", "大连市中山区人民法院", "民事", "", "", "", "", ""],
        ["2024辽0102民初", "和平区法院", "民事", "", "", "", "", ""],
    ]
    job = upload(officer, rows, target="cases")
    assert [(item["row"], item["column"]) for item in job.problems] == [
        (3, ""),
        (4, "B"),
        (5, "A"),
    ]
    assert job.preview["upserts"] == {"create": 0, "update": 1}


# --- templates -------------------------------------------------------------------------------


def _filled(target: columns.Target) -> bytes:
    """The target's template as downloaded, with one row filled in: every required column,
    and the staff member of a ledger row."""
    book = openpyxl.load_workbook(io.BytesIO(template_workbook(target)))
    sheet = book.worksheets[0]
    by_header = {column.header: column for column in target.columns}
    for index, cell in enumerate(sheet[1], start=1):
        column = by_header[cell.value]
        if column.required or column.kind is columns.Kind.STAFF_NAME:
            sheet.cell(row=2, column=index, value=_value(target, column))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _value(target: columns.Target, column: columns.Column) -> str:
    kind = columns.Kind
    if column.kind is kind.CHOICE:
        return str(column.field.flatchoices[0][1])
    return {
        kind.COURT: "和平区法院",
        kind.STAFF_NAME: "heping法官",
        kind.CASE_NUMBER: "（2024）辽0102民初9号",
        kind.DATE: "2024年3月5日",
    }.get(column.kind, f"{target.key}-{column.key}")


@pytest.mark.parametrize("target", columns.TARGETS, ids=lambda target: target.key)
def test_a_filled_in_template_imports_cleanly(officer, province, target):
    book = openpyxl.load_workbook(io.BytesIO(template_workbook(target)))
    assert book.sheetnames[1] == translation.gettext("Instructions")
    guide = " ".join(str(c.value) for row in book.worksheets[1].iter_rows() for c in row)
    assert all(column.header in guide for column in target.columns)
    job = services.import_upload(
        actor=officer, target=target.key, upload=SimpleUploadedFile("模板.xlsx", _filled(target))
    )
    assert job.problems == [], texts(job)
    job = services.import_confirm(actor=officer, job=job)
    assert (job.stage, job.written) == ("imported", 1)


# --- large files: Celery, progress -------------------------------------------------------------


@pytest.fixture
def eager_celery():
    """Tasks run where they are sent (their delivery is the notify tests' concern)."""
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def test_a_large_file_is_checked_and_written_by_celery_with_progress(
    officer, province, settings, monkeypatch, eager_celery, django_capture_on_commit_callbacks
):
    # given a file of seven rows where more than three go to a worker, progress every two
    settings.IMPORT_INLINE_MAX_ROWS = 3
    monkeypatch.setattr(checker, "PROGRESS_EVERY", 2)
    saved, written = [], []
    check_progress = services._saved_progress
    write_progress = services._progress_outside

    def spy_check(job):
        save = check_progress(job)
        return lambda done, total: (saved.append((done, total)), save(done, total))

    @contextmanager
    def spy_write(job):
        with write_progress(job) as save:
            yield save and (lambda done, total: (written.append((done, total)), save(done, total)))

    monkeypatch.setattr(services, "_saved_progress", spy_check)
    monkeypatch.setattr(services, "_progress_outside", spy_write)
    rows = [HEADER, *(interference_row(过问人姓名=f"王{n}") for n in range(7))]
    # when it is uploaded: the request only stores it; the task checks it after commit
    with django_capture_on_commit_callbacks(execute=True):
        job = upload(officer, rows)
        assert job.stage == ImportJob.Stage.UPLOADED
    job.refresh_from_db()
    assert (job.stage, job.done, job.total, job.percent) == ("checked", 7, 7, 100)
    assert saved == [(2, 7), (4, 7), (6, 7)]
    # and when it is confirmed, the task writes it
    with django_capture_on_commit_callbacks(execute=True):
        job = services.import_confirm(actor=officer, job=job)
        assert job.stage == ImportJob.Stage.IMPORTING
    job.refresh_from_db()
    assert (job.stage, job.written, InterferenceRecord.objects.count()) == ("imported", 7, 7)
    # on PostgreSQL the progress of the write is saved outside its transaction; SQLite has one
    # writer at a time, so there it shows at the commit
    assert written == ([(2, 7), (4, 7), (6, 7)] if on_postgres() else [])


def test_a_task_delivered_twice_does_nothing_the_second_time(
    officer, province, settings, eager_celery, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_MAX_ROWS = 1
    rows = [HEADER, *(interference_row(过问人姓名=f"王{n}") for n in range(3))]
    with django_capture_on_commit_callbacks(execute=True):
        job = upload(officer, rows)
    with django_capture_on_commit_callbacks(execute=True):
        services.import_confirm(actor=officer, job=job)
    from integrity.reports.imports import tasks

    assert tasks.check_import(job.pk)["stage"] == "imported"
    assert tasks.write_import(job.pk) == {"job": job.pk, "stage": "imported", "written": 3}
    assert InterferenceRecord.objects.count() == 3


# --- queries -----------------------------------------------------------------------------------


def _queued(actor, count: int, settings) -> ImportJob:
    """An uploaded job of ``count`` rows about several staff of two courts, not yet checked."""
    settings.IMPORT_INLINE_MAX_ROWS = 0
    judges = ["heping法官", "刑庭法官"]
    rows = [HEADER]
    for n in range(count):
        court = "和平区法院" if n % 3 else "沈河区法院"
        judge = judges[n % 2] if n % 3 else "shenhe法官"
        department = "刑事审判庭" if judge == "刑庭法官" else "民一庭"
        rows.append(
            interference_row(法院=court, 部门=department, 涉及干警=judge, 过问人姓名=f"王{n}")
        )
    file = SimpleUploadedFile("台账.xlsx", workbook(rows))
    return services.import_upload(actor=actor, target="interference", upload=file)


def test_the_dry_run_costs_the_same_queries_for_10_and_50_rows(
    officer, province, settings, django_assert_num_queries
):
    small, large = _queued(officer, 10, settings), _queued(officer, 50, settings)
    # the job's claim; the courts, departments, staff and existing records the sheet names;
    # the earlier imports of the file; the result with its audit event (two savepoints, the
    # chain's head read and moved twice, the event); the job read back
    with django_assert_num_queries(16):
        small = services.import_check(job=small)
    with django_assert_num_queries(16):
        large = services.import_check(job=large)
    assert (small.rows_ok, large.rows_ok, large.problems) == (10, 50, [])


# --- cells, names and constraints --------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "value"),
    [
        *[("是", True), ("√", True), ("✔", True), ("Y", True), ("１", True), (1, True)],
        *[("否", False), ("×", False), ("N", False), ("无", False), (0, False), (False, False)],
    ],
)
def test_yes_and_no_as_sheets_write_them(written, value):
    assert normalize.boolean(written) is value


def test_a_number_excel_has_rounded_is_refused_as_text():
    assert normalize.text(12101200000000.0) == "12101200000000"
    with pytest.raises(normalize.CellError):
        normalize.text(12101200000000001.0)


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("沈阳市和平区人民法院", "沈阳和平"),
        ("和平区法院", "和平"),
        ("辽宁省沈阳市和平区人民法院", "辽宁沈阳和平"),
        ("沈阳市中级人民法院", "沈阳中院"),
        ("沈阳中院", "沈阳中院"),
        ("沈阳市中级法院", "沈阳中院"),
        ("辽宁省高级人民法院", "辽宁高院"),
        ("内蒙古自治区高级人民法院", "内蒙古高院"),
        ("沈阳市 和平区 人民法院", "沈阳和平"),
    ],
)
def test_court_names_are_compared_without_what_varies(written, key):
    assert matching.court_key(written) == key


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("民事审判第一庭", "民一庭"),
        ("民一庭", "民一庭"),
        ("刑事审判庭", "刑庭"),
        ("行政审判庭", "行政庭"),
    ],
)
def test_department_names_are_compared_without_what_varies(written, key):
    assert matching.department_key(written) == key


@pytest.mark.parametrize("target", columns.TARGETS, ids=lambda target: target.key)
def test_every_check_constraint_of_a_target_is_evaluated_in_python(target):
    instance = target.model()
    for constraint in target.model._meta.constraints:
        if isinstance(constraint, CheckConstraint):
            assert constraints.evaluate(constraint.condition, instance) in (True, False, None)


def test_a_constraint_the_form_checks_in_the_database_is_a_problem_in_the_dry_run():
    report = UnplannedContactReport(contact_on=D(2024, 3, 5), reported_on=D(2024, 3, 4))
    assert len(constraints.violations(report)) == 1
    report.reported_on = D(2024, 3, 6)
    assert constraints.violations(report) == []
    report.reported_on = None  # unknown: a CHECK constraint does not fail on NULL
    assert constraints.violations(report) == []
