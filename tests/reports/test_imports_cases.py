"""The case registry import as a case-management system exports it: one row per case with its
parties and agents in one cell each, parsed; a case number already registered (or repeated in
the file) is an update through org.services.case_upsert, so re-importing a month's export
changes nothing; an unreadable cell is a problem at its row and column; all or nothing."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.utils import translation

from integrity.audit.models import AuditEvent
from integrity.org import services as org_services
from integrity.org.models import Case, CaseAgent, CaseParty
from integrity.org.signals import cases_changed
from integrity.reports.imports import columns, litigants, reader, services
from integrity.reports.imports.normalize import CellError
from integrity.reports.imports.templates_xlsx import template_workbook
from integrity.reports.models import ImportJob

from .test_imports import (  # noqa: F401 - fixtures
    import_root_fixture,
    officer_fixture,
    texts,
    upload,
)

pytestmark = pytest.mark.django_db

EXPORT = [
    "案号",
    "法院",
    "承办部门",
    "案件类型",
    "案由",
    "立案日期",
    "结案日期",
    "审判长/承办法官",
    "合议庭成员",
    "当事人",
    "诉讼代理人/辩护人",
]
LICENCE = "21010201810000001"
TENS = "甲乙丙丁戊己庚辛壬癸"


def tag(n: int) -> str:
    """A name suffix for the n-th case (names have no digits): 甲甲, 甲乙 …"""
    return TENS[n // 10] + TENS[n % 10]


def export_row(**changes: object) -> list:
    row = {
        "案号": "（2025）辽0102民初501号",
        "法院": "沈阳市和平区人民法院",
        "承办部门": "民一庭",
        "案件类型": "民事",
        "案由": "民间借贷纠纷",
        "立案日期": "2025年3月5日",
        "结案日期": "",
        "审判长/承办法官": "heping法官",
        "合议庭成员": "heping法官",
        "当事人": "原告：张三；被告：沈阳某某有限公司",
        "诉讼代理人/辩护人": (
            f"李四（辽宁某某律师事务所，执业证号{LICENCE}）；王五（法律援助律师）"
        ),
    }
    row.update(changes)
    return [row[name] for name in EXPORT]


def month(count: int = 3) -> list[list]:
    """A month's export: a title row, the header, ``count`` cases."""
    rows = [["和平区法院2025年3月收案", *[None] * (len(EXPORT) - 1)], EXPORT]
    for n in range(count):
        t = tag(n)
        rows.append(
            export_row(
                案号=f"(2025)辽0102民初{501 + n}号",
                当事人=f"原告：张{t}、李{t}\n被告：沈阳某某{t}有限公司",
                **{
                    "诉讼代理人/辩护人": (
                        f"原告张{t}的委托诉讼代理人：赵{t}（辽宁某某律师事务所，"
                        f"执业证号{LICENCE[:-2]}{n:02d}）；钱{t}（张{t}之父）"
                    )
                },
            )
        )
    return rows


@pytest.fixture
def announced():
    sent: list[frozenset[int]] = []

    def receiver(sender, case_ids, **kwargs):
        sent.append(case_ids)

    cases_changed.connect(receiver, weak=False, dispatch_uid="test_imports_cases")
    yield sent
    cases_changed.disconnect(dispatch_uid="test_imports_cases")


def _confirm(officer, job: ImportJob) -> ImportJob:
    assert job.problems == [], texts(job)
    return services.import_confirm(actor=officer, job=job)


def test_a_month_of_cases_imports_with_parties_and_agents_parsed(
    officer, province, announced, django_capture_on_commit_callbacks
):
    job = upload(officer, month(3), target="cases")
    assert job.problems == [], texts(job)
    assert job.preview["upserts"] == {"create": 3, "update": 0}
    # the preview shows the cells as read
    cells = job.preview["rows"][0]["cells"]
    assert "原告：张甲甲；原告：李甲甲；被告：沈阳某某甲甲有限公司" in cells
    with django_capture_on_commit_callbacks(execute=True):
        job = _confirm(officer, job)
    assert (job.stage, job.written) == ("imported", 3)
    case = Case.objects.get(number="(2025)辽0102民初501号")
    assert case.department == province.departments["heping"]
    assert case.presiding_judge == province.staff["heping"]
    parties = {p.name: p for p in case.parties.all()}
    assert {(name, p.role, p.is_organisation) for name, p in parties.items()} == {
        ("张甲甲", "plaintiff", False),
        ("李甲甲", "plaintiff", False),
        ("沈阳某某甲甲有限公司", "defendant", True),
    }
    zhao, qian = case.agents.order_by("id")
    assert (zhao.name, zhao.law_firm, zhao.licence_number, zhao.kind, zhao.role) == (
        "赵甲甲",
        "辽宁某某律师事务所",
        f"{LICENCE[:-2]}00",
        CaseAgent.Kind.LAWYER,
        CaseAgent.Role.AGENT,
    )
    assert (zhao.party, qian.kind, qian.party) == (
        parties["张甲甲"],
        CaseAgent.Kind.RELATIVE,
        parties["张甲甲"],
    )
    # one announcement for the whole import, naming every case
    assert announced == [
        frozenset(Case.objects.filter(number__contains="民初5").values_list("pk", flat=True))
    ]
    assert len(announced[0]) == 3


def test_re_importing_the_same_month_changes_nothing(
    officer, province, announced, django_capture_on_commit_callbacks
):
    _confirm(officer, upload(officer, month(3), target="cases"))
    counts = (Case.objects.count(), CaseParty.objects.count(), CaseAgent.objects.count())
    events = AuditEvent.objects.filter(action__startswith="org.").count()
    again = upload(officer, month(3), target="cases", name="三月案件（重发）.xlsx")
    assert again.preview["upserts"] == {"create": 0, "update": 3}
    with django_capture_on_commit_callbacks(execute=True):
        again = _confirm(officer, again)
    assert again.stage == "imported"
    assert (Case.objects.count(), CaseParty.objects.count(), CaseAgent.objects.count()) == counts
    assert AuditEvent.objects.filter(action__startswith="org.").count() == events
    assert announced == []  # nothing changed, nothing to check again


def test_a_later_export_updates_the_cases_it_repeats(officer, province):
    _confirm(officer, upload(officer, month(2), target="cases"))
    # the case closes; its agent's licence number is now known and one more agent appears;
    # the same case written twice in the file is one case
    later = month(2)
    later[2] = export_row(
        案号="(2025)辽0102民初501号",
        结案日期="2025-06-30",
        当事人="原告：张甲甲",
        **{"诉讼代理人/辩护人": "赵甲甲（辽宁某某律所）、孙甲甲（辩护人）"},
    )
    later.append(export_row(案号="（2025）辽0102民初501号", 当事人="第三人：周甲甲"))
    job = upload(officer, later, target="cases")
    assert job.preview["upserts"] == {"create": 0, "update": 3}
    _confirm(officer, job)
    case = Case.objects.get(number="(2025)辽0102民初501号")
    assert str(case.closed_on) == "2025-06-30"
    assert sorted(case.parties.values_list("name", flat=True)) == sorted(
        ["周甲甲", "张甲甲", "李甲甲", "沈阳某某甲甲有限公司"]
    )
    # 赵甲甲 of the same firm (律所 for 律师事务所) is the same agent; 孙甲甲 is new; the
    # agents of the repeated row are added; nobody is removed
    assert sorted(case.agents.values_list("name", flat=True)) == sorted(
        ["孙甲甲", "李四", "王五", "赵甲甲", "钱甲甲"]
    )
    zhao = case.agents.get(name="赵甲甲")
    assert (zhao.law_firm, zhao.licence_number) == ("辽宁某某律师事务所", f"{LICENCE[:-2]}00")


def test_an_unreadable_agents_cell_is_a_problem_at_its_row_and_column(officer, province):
    rows = month(2)
    rows.append(
        export_row(案号="(2025)辽0102民初601号", **{"诉讼代理人/辩护人": "李四（男，1980年生）"})
    )
    rows.append(export_row(案号="(2025)辽0102民初602号", 当事人="张三"))
    rows.append(
        export_row(
            案号="(2025)辽0102民初603号",
            **{"诉讼代理人/辩护人": "李四（辽宁某某律师事务所，执业证号2101020181000000）"},
        )
    )
    job = upload(officer, rows, target="cases")
    assert job.stage == ImportJob.Stage.REJECTED
    assert [(item["row"], item["column"]) for item in job.problems] == [
        (5, "K"),
        (6, "J"),
        (7, "K"),
    ]
    first = job.problems[0]["text"]
    assert first.startswith("第5行")
    assert "K列" in first
    assert "“男”" in first
    assert "原告：张三" in job.problems[1]["message"]
    assert "2101020181000000" in job.problems[2]["message"]
    assert not Case.objects.filter(number__startswith="(2025)辽0102民初5").exists()


def test_a_failing_row_writes_nothing_at_all(officer, province, monkeypatch):
    job = upload(officer, month(3), target="cases")
    upsert, calls = org_services.case_upsert, []

    def failing_third(**kwargs):
        calls.append(kwargs["number"])
        if len(calls) == 3:
            raise RuntimeError("the registry is down")
        return upsert(**kwargs)

    monkeypatch.setattr(org_services, "case_upsert", failing_third)
    job = _confirm(officer, job)
    assert job.stage == ImportJob.Stage.REJECTED
    assert "the registry is down" in job.error
    assert len(calls) == 3
    assert not Case.objects.filter(number__startswith="(2025)辽0102民初5").exists()
    assert not CaseAgent.objects.filter(name="赵甲甲").exists()


def test_a_case_registered_out_of_reach_is_a_problem(officer, province):
    # the officer keeps 沈阳's courts; 中山区's case number names a court of 大连
    number = province.cases["zhongshan"].number
    job = upload(officer, [EXPORT, export_row(案号=number)], target="cases")
    [found] = job.problems
    assert (found["row"], found["column"]) == (2, "A")


def test_the_template_has_the_export_columns_and_reads_them_back(officer, province):
    target = columns.BY_KEY["cases"]
    book = openpyxl.load_workbook(io.BytesIO(template_workbook(target)))
    headers = [cell.value for cell in book.worksheets[0][1]]
    assert headers == [column.header for column in target.columns]
    keys = [column.key for column in target.columns]
    assert keys == [
        "number",
        "court",
        "department",
        "case_type",
        "cause",
        "filed_on",
        "closed_on",
        "presiding_judge",
        "panel",
        "parties",
        "agents",
    ]
    assert translation.gettext("Parties") in headers
    # the export's headers and their common variants name the same columns
    names = {name: column.key for column in target.columns for name in column.headers()}
    for written, key in [
        *zip(EXPORT, keys, strict=True),
        ("承办法官", "presiding_judge"),
        ("审判长", "presiding_judge"),
        ("部门", "department"),
        ("诉讼代理人", "agents"),
        ("辩护人", "agents"),
        ("代理人/辩护人", "agents"),
    ]:
        assert reader._known(written, names) == key, written
    guide = " ".join(str(c.value) for row in book.worksheets[1].iter_rows() for c in row)
    assert "执业证号21010201810000001" in guide


def test_the_dry_run_of_cases_costs_the_same_queries_for_5_and_40_rows(
    officer, province, settings, django_assert_num_queries
):
    settings.IMPORT_INLINE_MAX_ROWS = 0  # stored only: checked below
    small = upload(officer, month(5), target="cases", name="小.xlsx")
    large = upload(officer, month(40), target="cases", name="大.xlsx")
    # the job's claim; courts, departments, staff and the registered cases the sheet names;
    # the earlier imports of the file; the result with its audit event; the job read back
    with django_assert_num_queries(16):
        small = services.import_check(job=small)
    with django_assert_num_queries(16):
        large = services.import_check(job=large)
    assert (small.rows_ok, large.rows_ok, large.problems) == (5, 40, [])


# --- the cells, read ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "parties"),
    [
        (
            "原告：张三；被告：沈阳某某有限公司",
            [("张三", "plaintiff"), ("沈阳某某有限公司", "defendant")],
        ),
        ("原告:张三;被告:李四", [("张三", "plaintiff"), ("李四", "defendant")]),
        (
            "原告：张三、李四\n第三人：王五",
            [("张三", "plaintiff"), ("李四", "plaintiff"), ("王五", "third_party")],
        ),
        (
            "上诉人（原审被告）：赵六；被上诉人(原审原告)：钱七",
            [("赵六", "appellant"), ("钱七", "appellee")],
        ),
        ("被告人孙八", [("孙八", "accused")]),
        (
            "申请执行人：某某银行股份有限公司；被执行人：周九",
            [("某某银行股份有限公司", "enforcement_applicant"), ("周九", "enforced")],
        ),
    ],
)
def test_parties_cells(written, parties):
    assert [(p["name"], p["role"]) for p in litigants.parse_parties(written)] == parties


@pytest.mark.parametrize("written", ["张三", "债权人：张三", "原告：（张三"])
def test_parties_cells_that_cannot_be_read(written):
    with pytest.raises(CellError):
        litigants.parse_parties(written)


PARTIES = [{"name": "张三", "role": "plaintiff"}, {"name": "李五", "role": "defendant"}]


@pytest.mark.parametrize(
    ("written", "agents"),
    [
        (
            f"李四（辽宁某某律师事务所，执业证号{LICENCE}）；王五（法律援助律师）",
            [
                ("李四", "lawyer", None, "辽宁某某律师事务所", LICENCE, ""),
                ("王五", "lawyer", None, "", "", ""),
            ],
        ),
        # half-width brackets and colon, full-width digits, 、 between agents
        (
            "李四(辽宁某某律所,执业证号:２１０１０２０１８１００００００１)、王五（辩护人）",
            [
                ("李四", "lawyer", None, "辽宁某某律所", LICENCE, ""),
                ("王五", None, "defender", "", "", ""),
            ],
        ),
        # a firm with brackets in its name, the party acted for in the label
        (
            f"原告张三的委托诉讼代理人：李四（北京某某（沈阳）律师事务所，{LICENCE}）",
            [("李四", "lawyer", "agent", "北京某某（沈阳）律师事务所", LICENCE, "张三")],
        ),
        (
            "张大（监护人）\n李六（李五的近亲属）",
            [
                ("张大", "guardian", None, "", "", ""),
                ("李六", "relative", None, "", "", "李五"),
            ],
        ),
        ("张大（张三之父）", [("张大", "relative", None, "", "", "张三")]),
        ("法定代理人：张大", [("张大", "guardian", "agent", "", "", "")]),
        ("辩护人：赵七（律师）", [("赵七", "lawyer", "defender", "", "", "")]),
        (
            "孙七（基层法律服务工作者，某某法律服务所）",
            [("孙七", "legal_worker", None, "某某法律服务所", "", "")],
        ),
        # the space between firm and licence number lost
        (
            f"李四（辽宁某某律师事务所 执业证号{LICENCE}）",
            [("李四", "lawyer", None, "辽宁某某律师事务所", LICENCE, "")],
        ),
    ],
)
def test_agents_cells(written, agents):
    read = litigants.parse_agents(written, PARTIES)
    keys = ("name", "kind", "role", "law_firm", "licence_number", "party_name")
    assert [tuple(agent[key] for key in keys) for agent in read] == agents


@pytest.mark.parametrize(
    "written",
    [
        "李四（男，1980年生）",  # notes that are neither firm, licence nor capacity
        "李四（辽宁某某律师事务所，执业证号123）",  # a licence number of the wrong length
        "辽宁某某律师事务所李四",  # a firm where the name should be
        "李四（辽宁某某律师事务所",  # a bracket not closed
        "钱八的代理人：李四",  # a party not in the row
    ],
)
def test_agents_cells_that_cannot_be_read(written):
    with pytest.raises(CellError) as error:
        litigants.parse_agents(written, PARTIES)
    assert written.split("：")[-1][:2] in str(error.value)
