"""Exports of the lists (issue 6 part 3): each export holds exactly the rows its list shows with
the same filters, in the same order, in the reader's scope; Chinese headers; CSV with a BOM;
.xlsx that opens; formula injection neutralised in both; jobs that only their starter reaches;
audit events; the Celery path with its progress; expiry of old files.

The helpers at the top are shared with test_exports_api.py and test_exports_memory.py. New
strings of the exports may not be translated yet: the tests assert on the Chinese of strings
the project already translates (field names, 是/否, dates), never on a new string's."""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
from typing import Any
from urllib.parse import quote

import openpyxl
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext

from inspections.models import Inspection
from inspections.services import clues as clue_services
from integrity.access.models import Role
from integrity.audit.models import AuditEvent
from integrity.reports.exports import copy, services, sources, tasks
from integrity.reports.models import ExportJob
from ledgers.declarations import selectors as declaration_selectors
from ledgers.models import Declaration, DepartureRecord, InterferenceRecord
from tests.factories import UserFactory, assign
from tests.inspections.conftest import logins  # noqa: F401  (the fixture)
from tests.inspections.inspection_builders import make_finding, make_inspection
from tests.inspections.test_clues_access import leader_clue, plain_clue
from tests.ledgers.test_declarations import file, open_campaign
from tests.ledgers.test_pages import (
    DAY,
    FILTER_KINDS,
    SEARCHES,
    SLUGS,
    filter_case,
    listed,
    make,
    make_pair,
    search_case,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("export_root")]

# Text that spreadsheets would run as a formula (OWASP CSV injection), one per sign.
# The queries of exporting four departure records, two a batch: the job, the reader's scope,
# the count and the start (4); per batch the rows, the courts served and the progress (2 × 3),
# the court and department names once (2), the empty third batch (1); the finish with its audit
# event (9), the job read back (1). On PostgreSQL, two more: the batches' plans made serial and
# the setting restored (sources._serial_plans).
QUERIES_FOR_4 = 23 + (2 if connection.vendor == "postgresql" else 0)
INJECTIONS = ["=1+1", "+1", "-", "@SUM(A1)", "\tx", "\rx", "＝1", "＋1", "－1", "＠x"]


# --- helpers (shared with the other export tests) ------------------------------------------------
def officer_of(court, covers: bool = False):
    user = UserFactory()
    assign(user, Role.OFFICER, court, covers=covers)
    return user


def supervisor_of(province):
    user = UserFactory()
    assign(user, Role.SUPERVISOR, province.courts["high"], covers=True)
    return user


def post_export(client, source: str, fmt: str = "csv", /, **query: Any):
    """Press a list's export button: the list, the format and the list's query string."""
    data = {"source": source, "format": fmt, **{f"f:{key}": value for key, value in query.items()}}
    return client.post("/reports/exports/new/", data)


def exported(client, source: str, fmt: str = "csv", /, **query: Any) -> ExportJob:
    before = ExportJob.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = post_export(client, source, fmt, **query)
    job = ExportJob.objects.get(pk__gt=before)
    assert response.status_code == 302
    assert response.url == f"/reports/exports/{job.pk}/"
    return job


def read_rows(job: ExportJob) -> list[list[Any]]:
    """The file's rows, header first: a CSV (which must start with the BOM) or an .xlsx."""
    assert job.status == ExportJob.Status.DONE, job.error
    path = settings.EXPORT_ROOT / job.file
    if job.format == "csv":
        raw = path.read_bytes()
        assert raw.startswith(codecs.BOM_UTF8)
        return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    book = openpyxl.load_workbook(path)
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def column(rows: list[list[Any]], header: str) -> list[Any]:
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


def ids(rows: list[list[Any]]) -> list[int]:
    """The record numbers (编号) of an export, in its order."""
    return [int(value) for value in column(rows, "编号")]


# --- ledgers: the export is the filtered list ----------------------------------------------------
@pytest.fixture
def web(client, province):
    """A discipline officer of 沈阳 (辽01) covering the courts below, logged in."""
    client.force_login(officer_of(province.courts["shenyang"], covers=True))
    return client


@pytest.mark.parametrize("kind", FILTER_KINDS)
@pytest.mark.parametrize("slug", SLUGS)
def test_a_ledger_export_holds_what_its_filtered_list_shows(web, province, slug, kind):
    matching, other, query = filter_case(kind, slug, province)
    make_pair(slug, province, matching, other)
    make_pair(slug, province, matching, other)
    page = web.get(f"/ledgers/{slug}/", query)
    job = exported(web, f"ledger:{slug}", **query)
    assert ids(read_rows(job)) == listed(page, slug)
    assert len(listed(page, slug)) == 2
    assert job.done == job.total == 2


@pytest.mark.parametrize(("slug", "kind"), SEARCHES)
def test_a_ledger_export_holds_what_its_search_finds(web, province, slug, kind):
    overrides, text = search_case(kind, slug, province)
    make(slug, province, **overrides)
    make(slug, province)
    page = web.get(f"/ledgers/{slug}/", {"q": text})
    rows = read_rows(exported(web, f"ledger:{slug}", q=text))
    assert ids(rows) == listed(page, slug)
    assert len(ids(rows)) == 1


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_combined_filters_and_every_page_of_the_list(web, province, fmt):
    """Court, status, search and period together; the export holds all pages of the list (it
    has more rows than a page), in the pages' order, whatever page the button was pressed on."""
    for day in (DAY, datetime.date(2025, 3, 20)):
        for _ in range(30):
            make("interference", province, occurred_on=day, interferer_name="钱某")
    make("interference", province, "shenhe", interferer_name="钱某")
    make("interference", province, interferer_name="孙某")
    make("interference", province, occurred_on=datetime.date(2025, 6, 1), interferer_name="钱某")
    screened = make("interference", province, interferer_name="钱某")
    InterferenceRecord.objects.filter(pk=screened.pk).update(status="screened")
    query = {
        "court": province.courts["heping"].pk,
        "status": "recorded",
        "q": "钱某",
        "date_from": "2025年3月1日",
        "date_to": "2025-03-31",
    }
    first = web.get("/ledgers/interference/", query)
    after = re.search(r"after=(\d+)", first.text).group(1)
    second = web.get("/ledgers/interference/", {**query, "after": after})
    rows = read_rows(exported(web, "ledger:interference", fmt, **query, after=after))
    assert ids(rows) == listed(first, "interference") + listed(second, "interference")
    assert len(ids(rows)) == 60
    assert (
        column(rows, "序号") == [*range(1, 61)] if fmt == "xlsx" else [str(n) for n in range(1, 61)]
    )


# --- the other lists -----------------------------------------------------------------------------
def test_a_campaign_export_holds_the_declarations_its_progress_counts(client, province):
    officer = officer_of(province.courts["heping"])
    campaign = open_campaign(province, actor=officer)
    for member in (province.staff["heping"], province.staff["heping_criminal"]):
        file(Declaration.objects.get(campaign=campaign, staff=member), has_nothing=True)
    client.force_login(officer)
    page = client.get(f"/declarations/campaigns/{campaign.pk}/")
    assert f'name="f:campaign" value="{campaign.pk}"' in page.text
    rows = read_rows(exported(client, "declarations", campaign=campaign.pk))
    progress = declaration_selectors.campaign_progress(officer, campaign, timezone.localdate())
    expected = Declaration.objects.filter(campaign=campaign, is_current=True).order_by("pk")
    assert column(rows, "干警") == [d.staff.name for d in expected]
    assert len(rows) - 1 == progress.totals.tasks == campaign.task_count
    statuses = column(rows, "状态")
    assert statuses.count(str(Declaration.Status.FILED.label)) == progress.totals.filed == 2
    assert column(rows, "无申报事项").count("是") == progress.totals.nothing == 2


def test_a_campaign_export_takes_the_court_filter_and_only_a_visible_campaign(client, province):
    officer = officer_of(province.courts["shenyang"], covers=True)
    campaign = open_campaign(province, actor=officer, court="shenyang", covers_subordinates=True)
    client.force_login(officer)
    heping = province.courts["heping"]
    rows = read_rows(exported(client, "declarations", campaign=campaign.pk, court=heping.pk))
    assert set(column(rows, "法院")) == {heping.name}
    assert len(rows) - 1 == Declaration.objects.filter(campaign=campaign, court=heping).count()
    jobs = ExportJob.objects.count()
    client.force_login(officer_of(province.courts["dalian"]))
    response = post_export(client, "declarations", campaign=campaign.pk)
    assert response.status_code == 302
    assert ExportJob.objects.count() == jobs


def test_an_inspection_export_holds_what_the_inspection_list_shows(client, province, logins):  # noqa: F811
    names = ["2025年专项督察", "2026年第一轮司法巡查", "2026年回头看", "2026年专项督察"]
    for title in names:
        kind = Inspection.Kind.SPECIAL if "专项" in title else Inspection.Kind.ROUTINE
        make_inspection(logins.supervisor, province, title=title, kind=kind)
    client.force_login(logins.supervisor)
    for query in ({}, {"kind": "special"}, {"q": "巡查"}, {"kind": "special", "q": "2025年"}):
        page = client.get("/inspections/", query)
        assert 'name="source" value="inspections"' in page.text
        shown = re.findall(r'href="/inspections/\d+/">([^<]+)</a>', page.text)
        rows = read_rows(exported(client, "inspections", **query))
        assert column(rows, "标题") == shown
    assert shown == ["2025年专项督察"]
    assert column(rows, "被督察单位") == [province.courts["heping"].name]


def test_a_findings_export_follows_the_inspection_page_and_the_units_own_list(
    client,
    province,
    logins,  # noqa: F811
):
    inspection = make_inspection(logins.supervisor, province)
    for text in ("未登记过问", "案卷缺失", "超期未结"):
        make_finding(logins.supervisor, inspection, province, description=text)
    other = make_inspection(logins.supervisor, province, title="另一轮巡查")
    make_finding(logins.supervisor, other, province, description="另一轮问题")
    client.force_login(logins.supervisor)
    page = client.get(f"/inspections/{inspection.pk}/")
    assert f'name="f:inspection" value="{inspection.pk}"' in page.text
    shown = re.findall(r'href="/inspections/findings/\d+/">(\d+)</a>', page.text)
    rows = read_rows(exported(client, "findings", inspection=inspection.pk))
    assert column(rows, "编号") == shown == ["1", "2", "3"]
    assert column(rows, "发现的问题") == ["未登记过问", "案卷缺失", "超期未结"]

    client.force_login(logins.chief)
    mine = client.get("/inspections/findings/mine/")
    assert 'name="f:mine" value="1"' in mine.text
    shown = re.findall(r'<td>([^<]+)</td>\s*<td><a href="/inspections/findings/', mine.text)
    rows = read_rows(exported(client, "findings", mine=1))
    assert column(rows, "标题") == shown
    assert len(shown) == 4


def test_a_clue_export_holds_what_the_clue_list_shows(client, province, logins):  # noqa: F811
    for summary, source in (
        ("违规会见律师", "direct"),
        ("接受宴请", "letter"),
        ("打听案情", "direct"),
    ):
        clue_services.clue_create(
            actor=None,
            fields={
                "court": province.courts["heping"],
                "subject": province.staff["heping"],
                "summary": summary,
                "source": source,
            },
        )
    client.force_login(logins.officer)
    for query in ({}, {"source": "direct"}, {"q": "宴请"}, {"status": "closed"}):
        page = client.get("/inspections/clues/", query)
        assert 'name="source" value="clues"' in page.text
        shown = [int(pk) for pk in re.findall(r'href="/inspections/clues/(\d+)/"', page.text)]
        assert ids(read_rows(exported(client, "clues", **query))) == shown
    assert shown == []


def recorded_in_file(record: InterferenceRecord) -> None:
    """The screening's outcome: the inquiry was recorded in the case file."""
    InterferenceRecord.objects.filter(pk=record.pk).update(recorded_in_file=True)


# --- the files -----------------------------------------------------------------------------------
def test_headers_are_chinese_and_the_xlsx_is_a_workbook_with_typed_cells(web, province):
    recorded_in_file(make("interference", province))
    job = exported(web, "ledger:interference", "xlsx")
    assert job.filename.endswith(f"_{timezone.localdate():%Y-%m-%d}.xlsx")
    book = openpyxl.load_workbook(settings.EXPORT_ROOT / job.file)
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header[:5] == ["序号", "编号", "法院", "部门", "涉及干警"]
    assert {"过问日期", "过问方式", "记入案卷", "状态", "备注"} <= set(header)
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["C"].width >= 20  # 沈阳市和平区人民法院
    row = dict(zip(header, (cell for cell in sheet[2]), strict=True))
    assert row["过问日期"].is_date
    assert row["过问日期"].value.date() == DAY
    assert row["过问方式"].value == "电话"  # a choice, as its label
    assert (row["记入案卷"].value, row["拒绝并告知依程序反映"].value) == ("是", "否")
    assert row["法院"].value == province.courts["heping"].name


def test_the_csv_has_a_bom_chinese_headers_dates_and_flags(web, province):
    recorded_in_file(make("interference", province))
    job = exported(web, "ledger:interference")
    rows = read_rows(job)
    assert rows[0][:5] == ["序号", "编号", "法院", "部门", "涉及干警"]
    assert column(rows, "过问日期") == ["2025年3月5日"]
    assert column(rows, "记入案卷") == ["是"]
    assert column(rows, "通报") == ["否"]
    assert column(rows, "过问方式") == ["电话"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formula_injection_is_neutralised(web, province, fmt):
    for text in INJECTIONS:
        make("interference", province, interferer_name=text, content=text, notes=text)
    rows = read_rows(exported(web, "ledger:interference", fmt))
    for name in ("过问人姓名", "过问内容", "备注"):
        # A carriage return is stored in .xlsx as Excel's escape _x000D_.
        shown = [value.replace("_x000D_", "\r") for value in column(rows, name)]
        assert sorted(shown) == sorted("'" + text for text in INJECTIONS)
    if fmt == "xlsx":
        book = openpyxl.load_workbook(settings.EXPORT_ROOT / ExportJob.objects.latest("pk").file)
        cells = [cell for row in book.worksheets[0].iter_rows(min_row=2) for cell in row]
        assert not [cell for cell in cells if cell.data_type == "f"]


@pytest.mark.parametrize("slug", SLUGS)
def test_postgresql_writes_the_same_csv_as_python(web, province, slug, monkeypatch):
    """Where PostgreSQL writes the CSV itself (copy.py: every ledger), its file equals the
    Python writer's: same rows, same cells (labels, dates, flags, neutralised text, empty
    cells, quoted commas, quotes and line breaks, the rules' results). Every branch of the
    rules and the other lists: test_exports_copy.py."""
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    assert copy.usable(sources.SOURCES[f"ledger:{slug}"].plan({}))
    for text in ("=cmd", "", "普通", 'a,"b"\nc', "\rx"):
        make(slug, province, notes=text)
    make(slug, province, "shenhe")
    by_copy = read_rows(exported(web, f"ledger:{slug}"))
    monkeypatch.setattr(copy, "usable", lambda plan: False)
    by_python = read_rows(exported(web, f"ledger:{slug}"))
    assert by_copy == by_python
    assert len(by_copy) == 7


def test_a_ledger_with_rule_columns_exports_the_rules_results(web, province):
    make("relatives", province)  # a spouse, partner of a firm in the court's area
    make("departures", province)  # resigned 2025-03-05, 四级高级法官
    relatives = read_rows(exported(web, "ledger:relatives"))
    assert column(relatives, "需任职回避") == ["是"]
    assert column(relatives, "回避申请截止日期") == ["2025年4月5日"]
    departures = read_rows(exported(web, "ledger:departures", "xlsx"))
    assert [day.date() for day in column(departures, "从业限制截止日期")] == [
        datetime.date(2028, 3, 4)
    ]
    assert column(departures, "曾任职法院") == [province.courts["heping"].name]


# --- scope ---------------------------------------------------------------------------------------
def test_a_basic_court_officer_exports_only_their_court(client, province):
    for key in ("heping", "shenhe", "dalian", "shenyang"):
        make("interference", province, key)
    heping = province.courts["heping"]
    client.force_login(officer_of(heping))
    for query in ({}, {"court": province.courts["shenhe"].pk}, {"court": heping.pk}):
        for fmt in ("csv", "xlsx"):
            rows = read_rows(exported(client, "ledger:interference", fmt, **query))
            assert column(rows, "法院") == [heping.name]


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("vice", False),
        ("officer", False),
        ("discipline", True),
        ("leader", True),
        ("supervisor", True),
    ],
)
def test_a_clue_about_a_court_leader_is_not_in_that_courts_exports(
    client,
    province,
    logins,  # noqa: F811
    who,
    sees,
):
    leader_clue(logins)
    plain_clue(province)
    client.force_login(getattr(logins, who))
    for fmt in ("csv", "xlsx"):
        summaries = column(read_rows(exported(client, "clues", fmt)), "摘要")
        assert ("副院长违规接受宴请" in summaries) is sees
        assert "法官违规会见律师" in summaries


# --- jobs: owner only, audited -------------------------------------------------------------------
def test_another_users_job_is_not_found_and_anonymous_users_log_in(client, province):
    make("interference", province)
    owner = officer_of(province.courts["heping"])
    client.force_login(owner)
    job = exported(client, "ledger:interference")
    for url in ("", "progress/", "download/"):
        assert client.get(f"/reports/exports/{job.pk}/{url}").status_code == 200
    client.force_login(officer_of(province.courts["heping"]))
    for url in ("", "progress/", "download/"):
        assert client.get(f"/reports/exports/{job.pk}/{url}").status_code == 404
    assert job.pk not in [j.pk for j in client.get("/reports/exports/").context["page"].rows]
    assert AuditEvent.objects.filter(action="access.denied", object_id=str(job.pk)).exists()
    client.logout()
    for response in (
        client.get(f"/reports/exports/{job.pk}/download/"),
        client.get("/reports/exports/"),
        post_export(client, "ledger:interference"),
    ):
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/?next=")


def test_exports_and_downloads_are_audited(client, province):
    make("interference", province)
    make("interference", province, "shenhe")
    user = officer_of(province.courts["heping"])
    client.force_login(user)
    job = exported(client, "ledger:interference", "xlsx", status="recorded")
    event = AuditEvent.objects.get(action="report.export", object_id=str(job.pk))
    assert event.actor == user
    assert event.changes == {
        "source": "ledger:interference",
        "format": "xlsx",
        "filters": {"status": "recorded"},
        "rows": 1,
    }
    assert job.filename.endswith(".xlsx")
    # The name in Chinese, as the translated title makes it: sent as RFC 5987 filename*.
    ExportJob.objects.filter(pk=job.pk).update(filename="干预过问记录台账_2026-11-21.xlsx")
    response = client.get(f"/reports/exports/{job.pk}/download/")
    content = b"".join(response.streaming_content)
    assert content.startswith(b"PK")  # a zip: the workbook
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''" + quote("干预过问记录台账_2026-11-21.xlsx")
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    downloaded = AuditEvent.objects.get(action="report.export.download")
    assert (downloaded.actor, downloaded.object_id) == (user, str(job.pk))


def test_the_job_list_pages_show_the_own_jobs_with_their_state(client, province):
    make("interference", province)
    user = officer_of(province.courts["heping"])
    client.force_login(user)
    first = exported(client, "ledger:interference")
    second = exported(client, "ledger:interference", "xlsx")
    page = client.get("/reports/exports/")
    assert [job.pk for job in page.context["page"].rows] == [second.pk, first.pk]
    assert f"/reports/exports/{first.pk}/download/" in page.text
    detail = client.get(f"/reports/exports/{second.pk}/")
    assert second.filename in detail.text
    assert "hx-trigger" not in detail.text  # finished: nothing to poll


def test_a_list_that_is_not_the_users_is_refused_with_a_message(client, province):
    clerk = UserFactory()
    assign(clerk, Role.STAFF, province.courts["heping"])
    client.force_login(clerk)
    for source in ("nothing", "clues", "inspections", "declarations"):
        response = post_export(client, source)
        assert response.status_code == 302
        assert response.url == "/reports/exports/"
    assert not ExportJob.objects.exists()
    client.force_login(officer_of(province.courts["heping"]))
    response = client.post(
        "/reports/exports/new/",
        {"source": "ledger:interference", "format": "pdf", "next": "/ledgers/interference/"},
    )
    assert response.url == "/ledgers/interference/"
    assert not ExportJob.objects.exists()


def test_the_list_pages_offer_the_export_buttons_with_their_filters(web, province):
    page = web.get("/ledgers/relatives/", {"status": "pending", "after": "7"})
    assert 'name="source" value="ledger:relatives"' in page.text
    assert 'name="f:status" value="pending"' in page.text
    assert 'name="f:after"' not in page.text
    assert 'value="xlsx"' in page.text
    assert 'value="csv"' in page.text


# --- the Celery path -----------------------------------------------------------------------------
def test_a_long_list_is_queued_and_a_worker_writes_it_batch_by_batch(
    client, province, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_MAX_ROWS = 3
    monkeypatch.setattr(sources, "BATCH_SIZE", 2)
    monkeypatch.setattr(copy, "RANGE_SIZE", 2)
    for _ in range(5):
        make("interference", province)
    client.force_login(officer_of(province.courts["heping"]))
    queued = []
    monkeypatch.setattr(tasks.run_export, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        job = exported(client, "ledger:interference")
    assert queued == [job.pk]
    assert (job.status, job.done, job.total) == (ExportJob.Status.QUEUED, 0, None)
    page = client.get(f"/reports/exports/{job.pk}/")
    assert 'hx-trigger="every 1s"' in page.text
    assert '<meta http-equiv="refresh"' in page.text
    assert "<progress" in page.text

    with CaptureQueriesContext(connection) as queries:
        result = tasks.run_export(job.pk)
    progress = [
        int(found)
        for query in queries.captured_queries
        for found in re.findall(r'UPDATE "reports_exportjob" SET "done" = (\d+)', query["sql"])
    ]
    assert progress == [2, 4, 5]
    assert result == {"job": job.pk, "status": "done", "rows": 5}
    fragment = client.get(f"/reports/exports/{job.pk}/progress/")
    assert "hx-trigger" not in fragment.text
    assert f"/reports/exports/{job.pk}/download/" in fragment.text
    assert len(read_rows(ExportJob.objects.get(pk=job.pk))) == 6
    assert tasks.run_export(job.pk)["status"] == "done"  # delivered twice: left alone


def test_a_running_job_shows_its_progress(client, province):
    user = officer_of(province.courts["heping"])
    job = ExportJob.objects.create(
        created_by=user, source="ledger:interference", format="csv", status="running"
    )
    ExportJob.objects.filter(pk=job.pk).update(total=400, done=100)
    client.force_login(user)
    fragment = client.get(f"/reports/exports/{job.pk}/progress/")
    assert 'value="25"' in fragment.text
    assert f'hx-get="/reports/exports/{job.pk}/progress/"' in fragment.text


def test_each_batch_costs_the_same_queries(province, django_assert_num_queries, monkeypatch):
    """A list written in Python (the departures: rule columns, courts served; on PostgreSQL
    in .xlsx, or in a language whose dates to_char cannot write) costs per batch the batch,
    its many-valued column and the progress; the court directory is read once. (PostgreSQL's
    COPY: test_exports_copy.py.)"""
    monkeypatch.setattr(sources, "BATCH_SIZE", 2)
    monkeypatch.setattr(copy, "usable", lambda plan: False)
    user = officer_of(province.courts["heping"])
    for size, queries in ((4, QUERIES_FOR_4), (8, QUERIES_FOR_4 + 2 * 3)):
        while DepartureRecord.objects.count() < size:
            make("departures", province)
        job, _estimate = services.export_create(
            actor=user, source="ledger:departures", fmt="csv", params={}
        )
        with django_assert_num_queries(queries):
            services.export_run(job_id=job.pk)
        assert ExportJob.objects.get(pk=job.pk).done == size


def test_a_failed_job_shows_why_in_the_readers_language(client, province, monkeypatch):
    make("interference", province)
    user = officer_of(province.courts["heping"])

    def broken(plan, batch):
        raise OSError("disk full")

    monkeypatch.setattr(sources.Plan, "rows", broken)
    monkeypatch.setattr(copy, "usable", lambda plan: False)
    client.force_login(user)
    job = exported(client, "ledger:interference")
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert (
        job.error == "The export failed. Start it again; if it fails again, tell the administrator."
    )
    assert gettext(job.error) in client.get(f"/reports/exports/{job.pk}/").text
    assert not list(settings.EXPORT_ROOT.rglob("*.part"))
    assert not AuditEvent.objects.filter(action="report.export").exists()


# --- expiry --------------------------------------------------------------------------------------
def test_old_files_are_deleted_and_their_jobs_stay(client, province, settings):
    make("interference", province)
    user = officer_of(province.courts["heping"])
    client.force_login(user)
    old, recent = exported(client, "ledger:interference"), exported(client, "ledger:interference")
    ExportJob.objects.filter(pk=old.pk).update(
        finished_at=timezone.now() - datetime.timedelta(days=settings.EXPORT_KEEP_DAYS, hours=1)
    )
    path = settings.EXPORT_ROOT / old.file
    assert tasks.expire_exports() == {"deleted": 1}
    assert not path.exists()
    assert (settings.EXPORT_ROOT / recent.file).exists()
    old.refresh_from_db()
    assert (old.status, old.file, old.filename != "") == ("done", "", True)
    assert services.is_expired(old)
    response = client.get(f"/reports/exports/{old.pk}/download/")
    assert response.status_code == 302
    assert response.url == f"/reports/exports/{old.pk}/"
    assert AuditEvent.objects.filter(action="report.export.expire", object_id=str(old.pk)).exists()
    assert tasks.expire_exports() == {"deleted": 0}
